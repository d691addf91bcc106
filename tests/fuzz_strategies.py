"""Hypothesis strategies for untrusted inputs, by reader: shared by tests/test_fuzz.py (a short budget) and
bench/fuzz.py (>= 10,000 inputs a reader)."""

from __future__ import annotations

import json

import yaml
from hypothesis import strategies as st

# Pieces of markup that have hurt text cleaners: openers without closers, whitespace runs, control characters.
MARKUP = [
    "*",
    "_",
    "**",
    "[",
    "]",
    "(",
    ")",
    "![",
    "[[",
    "]]",
    "[^",
    "<",
    ">",
    "<a href='x'>",
    "</a>",
    "<!--",
    "-->",
    "<br>",
    "<div>",
    "</div>",
    "$",
    "$$",
    "\\begin{x}",
    "\\end{x}",
    "`",
    "```",
    "~~",
    "#",
    "# ",
    "> ",
    "| ",
    "- ",
    "1. ",
    "---",
    "|---|",
    "http://",
    "https://x.org/a?b=1",
    "http://[::1",
    " ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\x00",
    "\x01",
    "\x02",
    "\x1b",
    "\ud83d",
    "\ufeff",
    "é",
    "AGI",
    "(AGI)",
    "corrigibility",
    "reward hacking",
]

markup_text = st.lists(st.sampled_from(MARKUP) | st.text(max_size=6), max_size=60).map("".join)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12) | markup_text
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
ROW_FIELDS = ["id", "title", "text", "url", "date_published", "date", "authors", "tags", "links_external", "slug"]
POST_FIELDS = [
    "_id",
    "title",
    "htmlBody",
    "contents",
    "pageUrl",
    "url",
    "postedAt",
    "user",
    "coauthors",
    "tags",
    "slug",
]
FRONT_FIELDS = ["title", "url", "date", "authors", "author", "tags", "aliases", "permalink", "original_url"]


def _row(fields: list[str]) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({}, optional={name: json_values for name in fields})


rows = _row(ROW_FIELDS) | _row(POST_FIELDS) | json_values


def _jsonl(items: list) -> bytes:
    return "".join(json.dumps(item) + "\n" for item in items).encode("utf-8", "surrogatepass")


def _front_matter(meta: dict, body: str) -> bytes:
    try:
        head = yaml.safe_dump(meta, allow_unicode=True)
    except yaml.YAMLError:
        head = ""
    return f"---\n{head}---\n{body}".encode("utf-8", "surrogatepass")


def _feed(items: list[tuple[str, str, str]]) -> bytes:
    def escape(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    body = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(u)}</link><description>{escape(d)}</description></item>"
        for t, u, d in items
    )
    return f"<rss><channel>{body}</channel></rss>".encode("utf-8", "surrogatepass")


# One strategy a reader: file contents as bytes, shaped like the format (and sometimes any bytes at all).
FILES: dict[str, st.SearchStrategy[bytes]] = {
    ".md": st.builds(
        _front_matter, st.fixed_dictionaries({}, optional={k: json_values for k in FRONT_FIELDS}), markup_text
    )
    | st.binary(max_size=200),
    ".txt": markup_text.map(lambda t: t.encode("utf-8", "surrogatepass")) | st.binary(max_size=200),
    ".html": markup_text.map(lambda t: f"<html><body>{t}</body></html>".encode("utf-8", "surrogatepass")),
    ".xml": st.builds(_feed, st.lists(st.tuples(markup_text, markup_text, markup_text), max_size=3))
    | st.binary(max_size=200),
    ".json": st.builds(lambda v: json.dumps(v).encode("utf-8", "surrogatepass"), st.lists(rows, max_size=3) | rows)
    | st.builds(lambda v: json.dumps({"data": {"posts": {"results": v}}}).encode(), st.lists(rows, max_size=3)),
    ".jsonl": st.builds(_jsonl, st.lists(rows, max_size=4)) | st.binary(max_size=200),
}
graph_json = json_values | st.fixed_dictionaries(
    {"directed": st.just(True), "multigraph": st.just(True), "graph": json_values},
    optional={
        "nodes": st.lists(
            st.dictionaries(st.sampled_from(["id", "kind", "label", "count", "evidence"]), json_values), max_size=4
        ),
        "links": json_values,
    },
)
