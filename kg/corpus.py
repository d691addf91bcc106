"""Readers: files of many formats become ``Document`` records.

``read_corpus`` takes files, folders (read recursively) and globs, picks a reader by file suffix, drops
duplicates (same id or URL) and carries on past anything it cannot use. Corpus files are untrusted: each file and
each item in a file (a JSON Lines row, a feed entry) is read behind its own boundary, so one bad item costs only
itself. Problems are collected and reported once per kind, naming the files (and lines or items).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import glob
import json
import re
import warnings
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, KgWarning
from .keys import slug_or_hash
from .markup import Link, html_to_text, markdown_to_text, parse_html, plain_text_links, soup_to_text
from .untrusted import clean_text, decode, load_yaml_data
from .urls import normalize_url, post_key

__all__ = [
    "Document",
    "Link",
    "Note",
    "CorpusReport",
    "read_corpus",
    "scan_corpus",
    "corpus_files",
    "read_file",
    "clean_feed_html",
    "READERS",
]


@dataclass(frozen=True)
class Document:
    """One piece of writing: a post, a page, a feed item or a dataset row.

    ``id`` is a stable slug (``lw:<post id>`` for LessWrong posts); ``date`` is ISO ``YYYY-MM-DD``;
    ``names`` are the extra handles other documents may link it by (permalink, aliases, slug);
    ``metadata`` keeps the source's other scalar fields. Text fields are cleaned on creation (no control
    characters or lone surrogates), so that nothing downstream meets what UTF-8 or XML cannot hold.
    """

    id: str
    title: str
    text: str
    url: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    path: str | None = None
    names: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        for name in ("id", "title", "text", "url", "date", "path"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, clean_text(value))
        for name in ("authors", "tags", "names"):
            object.__setattr__(self, name, tuple(clean_text(v) for v in getattr(self, name)))
        if any(clean_text(link.url) != link.url for link in self.links):
            object.__setattr__(self, "links", tuple(Link(clean_text(k.url), k.text, k.offset) for k in self.links))
        object.__setattr__(
            self, "metadata", {k: clean_text(v) if isinstance(v, str) else v for k, v in self.metadata.items()}
        )

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


# --- problems: noted by readers, reported once per kind by read_corpus -----------------------------------------


class Note(KgWarning):
    """A problem a reader met and got past: ``kind`` is ``item`` (an item skipped), ``field`` (a field repaired
    or ignored), ``encoding`` (text decoded with a fallback) or ``empty`` (a file with no text)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def _note(kind: str, message: str) -> None:
    warnings.warn(Note(kind, message), stacklevel=3)


_KINDS = {
    "item": "skipped {n} bad item{s} (kept every other item of their files)",
    "field": "repaired or ignored {n} malformed field{s}",
    "encoding": "read {n} file{s} that {were} not UTF-8",
    "empty": "{n} file{s} held no text",
}


@dataclass
class CorpusReport:
    """What reading a corpus skipped and repaired: unreadable files, and notes by kind (see ``Note``)."""

    files: int = 0
    skipped_files: list[str] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    duplicates: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # files in the folders of kinds no reader reads

    @property
    def skipped_items(self) -> int:
        return len(self.notes.get("item", []))

    def warn(self) -> None:
        """One ``KgWarning`` per kind of problem, each with a count and the files (and items) it concerns."""

        def listed(items: list[str], limit: int = 20) -> str:
            return "; ".join(items[:limit]) + (f"; ... ({len(items) - limit} more)" if len(items) > limit else "")

        if self.skipped_files:
            n = len(self.skipped_files)
            warnings.warn(f"skipped {n} unreadable file{'s' * (n != 1)}: {listed(self.skipped_files)}", KgWarning, 3)
        for kind, template in _KINDS.items():
            if found := self.notes.get(kind):
                n = len(found)
                summary = template.format(n=n, s="s" * (n != 1), were="were" if n != 1 else "was")
                warnings.warn(f"{summary}: {listed(found)}", KgWarning, 3)
        if self.unknown:
            n = len(self.unknown)
            kinds = Counter(Path(p).suffix.lower() or "(no extension)" for p in self.unknown)
            by_kind = ", ".join(
                f"{kind} ({count})" for kind, count in sorted(kinds.items(), key=lambda k: (-k[1], k[0]))
            )
            warnings.warn(
                f"skipped {n} file{'s' * (n != 1)} of kinds kg cannot read, {by_kind}: {listed(self.unknown)}"
                f" (kg reads {', '.join(sorted(READERS))})",
                KgWarning,
                3,
            )
        if self.duplicates:
            n = len(self.duplicates)
            warnings.warn(
                f"kept one copy (the longest) of {n} duplicate document{'s' * (n != 1)}: {listed(self.duplicates)}",
                KgWarning,
                3,
            )


# --- fields: untrusted values coerced to what a Document holds --------------------------------------------------


def _kind(value: Any) -> str:
    """How a wrongly typed value is named in a note: "a number", "a list", "a mapping", "true/false"."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return {"list": "a list", "dict": "a mapping", "str": "text"}.get(type(value).__name__, type(value).__name__)


def _text(value: Any, name: str) -> str | None:
    """A text field: strings as they are, numbers as text; anything else ignored with a note."""
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        _note("field", f"'{name}' is a number ({value}); read as text")
        return str(value)
    _note("field", f"'{name}' is {_kind(value)}, not text; ignored")
    return None


def _url(value: Any, name: str = "url") -> str | None:
    """A URL field: a string, else ignored with a note."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        return value.strip()
    _note("field", f"'{name}' is {_kind(value)} ({str(value)[:40]}), not a URL; ignored")
    return None


def _strings(value: Any, name: str) -> list[str]:
    """A list field: a list of scalars, or one string; anything else ignored with a note."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        kept = [str(v) for v in value if isinstance(v, str | int | float) and not isinstance(v, bool) and str(v)]
        if len(kept) != sum(1 for v in value if v not in (None, "")):
            _note("field", f"'{name}' holds items that are not text; kept {len(kept)} of {len(value)}")
        return kept
    _note("field", f"'{name}' is {_kind(value)} ({str(value)[:40]}), not a list; ignored")
    return []


_ISO_DATE = re.compile(r"(\d{4})[-/](\d{2})[-/](\d{2})")


def _date(value: Any, name: str = "date") -> str | None:
    """ISO date from an ISO date or timestamp, a year or an RFC-822 date; ``None`` (with a note) when invalid."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        _note("field", f"'{name}' is {_kind(value)}, not a date; no date")
        return None
    value = value.strip()
    try:
        if match := _ISO_DATE.match(value):
            return dt.date(*map(int, match.groups())).isoformat()
        if re.fullmatch(r"\d{4}", value):
            return dt.date(int(value), 1, 1).isoformat()
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        _note("field", f"'{name}' is not a valid date ({value[:40]}); no date")
        return None


def _names(value: Any, name: str = "authors") -> tuple[str, ...]:
    """A tuple of clean names from a string ("A; B", "A and B"), a list, or a list of dicts with a name."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items: list[Any] = re.split(r";|\band\b", value)
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        _note("field", f"'{name}' is {_kind(value)}, not a list of names; ignored")
        return ()
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("displayName") or item.get("name") or item.get("username")
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            continue
        text = " ".join(str(item).split())
        if re.fullmatch(r"[^,]+, [^,]+", text):  # "Last, First" as in the Alignment Research Dataset
            last, first = text.split(", ")
            text = f"{first} {last}"
        if text and text not in out:
            out.append(text)
    return tuple(out)


def _scalars(record: dict[str, Any], used: Iterable[str]) -> dict[str, Any]:
    skip = set(used)
    return {k: v for k, v in sorted(record.items()) if k not in skip and isinstance(v, str | int | float | bool)}


def _read(path: Path) -> str:
    """A file's text, decoded with fallbacks (noted), without control characters or lone surrogates."""
    text, encoding = decode(path.read_bytes())
    if encoding:
        _note("encoding", f"{path} (read as {encoding})")
    return clean_text(text)


# --- markdown and plain text ---------------------------------------------------------------------------------

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)


def read_markdown(path: Path) -> Iterator[Document]:
    """A markdown file with optional YAML front matter (aliases refused, dates validated)."""
    raw = _read(path)
    meta: dict[str, Any] = {}
    body = raw
    match = _FRONT.match(raw)
    if match:
        try:
            loaded = load_yaml_data(match.group(1))
        except (yaml.YAMLError, RecursionError) as exc:
            raise InputError(f"bad YAML front matter ({str(exc).splitlines()[0]})") from None
        if isinstance(loaded, dict):
            meta = {str(k): v for k, v in loaded.items()}
        elif loaded is not None:
            _note("field", f"{path}: front matter is not a mapping; ignored")
        body = raw[match.end() :]
    if not body.strip():
        _note("empty", str(path))
        return
    text, links = markdown_to_text(body)
    url = _url(meta.get("url") or meta.get("original_url") or meta.get("lw-page-url"))
    permalink = (_text(meta.get("permalink"), "permalink") or "").strip("/")
    aliases = [a.strip("/") for a in _strings(meta.get("aliases"), "aliases")]
    yield Document(
        id=post_key(url) or slug_or_hash(permalink or path.stem),
        title=(_text(meta.get("title"), "title") or _title_from_name(path)).strip(),
        text=text,
        url=url,
        date=_date(meta.get("date_published") or meta.get("date") or meta.get("lw-posted-at")),
        authors=_names(meta.get("authors") or meta.get("author")),
        tags=tuple(_strings(meta.get("tags"), "tags")),
        links=tuple(links),
        path=str(path),
        names=tuple(dict.fromkeys(n for n in [permalink, *aliases, path.stem] if n)),
        metadata=_scalars(meta, ("title", "url", "tags", "aliases", "authors", "author", "permalink")),
    )


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip() or path.name


def read_text(path: Path) -> Iterator[Document]:
    """A plain-text file; its title is the first line when that looks like a title, else the file name."""
    text = _read(path).replace("\r\n", "\n").strip()
    if not text:
        _note("empty", str(path))
        return
    lines = [line for line in text.split("\n") if line.strip()]
    if sum(map(len, lines)) / len(lines) > 150:  # long lines are paragraphs, not hard-wrapped prose
        text = re.sub(r"\n+", "\n\n", text)
    first = text.split("\n", 1)[0].strip()
    looks_like_title = 2 <= len(first.split()) <= 15 and not first.endswith((".", "!", "?", ",", ";", ":", "…"))
    yield Document(
        id=slug_or_hash(path.stem),
        title=first if looks_like_title else _title_from_name(path),
        text=text,
        links=tuple(plain_text_links(text)),
        path=str(path),
        names=(path.stem,),
    )


# --- HTML pages ---------------------------------------------------------------------------------------------


def read_html(path: Path) -> Iterator[Document]:
    """A saved web page: main text, title and authors from meta tags, links from anchors."""
    html = _read(path)
    soup = parse_html(clean_text(html))  # parsed once: for the meta tags and for the text
    tags = soup.find_all("meta")

    def meta(*names: str) -> list[str]:
        found: list[str] = []
        for name in names:
            for tag in [t for t in tags if t.get("name") == name] + [t for t in tags if t.get("property") == name]:
                content = tag.get("content")
                if isinstance(content, str) and content.strip() and content.strip() not in found:
                    found.append(content.strip())
        return found

    title = (meta("citation_title", "og:title") or [soup.title.get_text(strip=True) if soup.title else ""])[0]
    text, links = soup_to_text(soup, main_only=True)
    if not text.strip():
        _note("empty", str(path))
        return
    url: str | None = next(iter(meta("citation_public_url", "citation_fulltext_html_url", "og:url")), None)
    canonical = soup.find("link", rel="canonical")
    href = canonical.get("href") if canonical is not None else None
    if not url and isinstance(href, str):
        url = href
    doi = next(iter(meta("citation_doi")), None)
    published = ("citation_publication_date", "citation_date", "article:published_time", "article:published")
    yield Document(
        id=slug_or_hash(f"doi {doi}") if doi else slug_or_hash(path.stem),
        title=title or _title_from_name(path),
        text=text,
        url=url,
        date=_date(next(iter(meta(*published)), None)),
        authors=_names(meta("citation_author", "article:author", "author")),
        tags=tuple(meta("article:tag", "citation_keywords")),
        links=tuple(links),
        path=str(path),
        names=(path.stem,),
        metadata={"doi": doi} if doi else {},
    )


# --- RSS and Atom feeds --------------------------------------------------------------------------------------

_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
_PUBLISHED_ON = re.compile(r"\A[ \t\r\n]*Published on [^<]*(?:<br[ \t\r\n]*/?>[ \t\r\n]*){1,2}", re.I)
_DISCUSS = re.compile(r"<a [^<>]*href=\"[^\"<>]*#comments\"[^<>]*>[ \t\r\n]*Discuss[ \t\r\n]*</a>[ \t\r\n]*\Z", re.I)
_BREAK_AT_END = re.compile(r"<br[ \t\r\n]*/?>\Z", re.I)


def clean_feed_html(html: str) -> str:
    """An item's HTML without LessWrong's "Published on ..." header and trailing "Discuss" link.

    >>> clean_feed_html('Published on May 1, 2024 4:00 PM GMT<br/><br/><p>Text</p><br/><br/><a href="x#comments">Discuss</a>')
    '<p>Text</p>'
    """
    html = _PUBLISHED_ON.sub("", html)
    if match := _DISCUSS.search(html, max(0, len(html) - 2000)):  # the link is the item's last words
        html = html[: match.start()].rstrip()
        while match := _BREAK_AT_END.search(html, max(0, len(html) - 40)):
            html = html[: match.start()].rstrip()
    return html


def read_feed(path: Path) -> Iterator[Document]:
    """An RSS 2.0 or Atom feed: one document per item, LessWrong's layout cleaned up."""
    try:
        root = ET.fromstring(path.read_bytes())
    except ET.ParseError as exc:
        raise InputError(f"not a well-formed feed ({exc})") from None
    if root.tag == f"{{{_NS['atom']}}}feed":
        yield from _items(path, root.iter(f"{{{_NS['atom']}}}entry"), _atom_entry)
    else:
        yield from _items(path, root.iter("item"), _rss_item)


def _rss_item(item: ET.Element, path: Path) -> Document:
    html = item.findtext("content:encoded", namespaces=_NS) or item.findtext("description") or ""
    link = (item.findtext("link") or "").strip() or None
    guid = (item.findtext("guid") or "").strip()
    lw_guid = f"lw:{guid}" if re.fullmatch(r"[A-Za-z0-9]{17}", guid) else None
    return _feed_document(
        path,
        key=post_key(link) or lw_guid or slug_or_hash(guid or link or item.findtext("title") or ""),
        title=item.findtext("title") or "",
        html=clean_feed_html(html),
        url=link,
        date=item.findtext("pubDate") or item.findtext("dc:date", namespaces=_NS),
        authors=[e.text for e in item.findall("dc:creator", _NS) + item.findall("author") if e.text],
        tags=[c.text for c in item.findall("category") if c.text],
    )


def _atom_entry(entry: ET.Element, path: Path) -> Document:
    link = next(
        (e.get("href") for e in entry.findall("atom:link", _NS) if e.get("rel", "alternate") == "alternate"), None
    )
    html = entry.findtext("atom:content", namespaces=_NS) or entry.findtext("atom:summary", namespaces=_NS) or ""
    key = entry.findtext("atom:id", namespaces=_NS) or link or ""
    return _feed_document(
        path,
        key=post_key(link) or slug_or_hash(key),
        title=entry.findtext("atom:title", namespaces=_NS) or "",
        html=clean_feed_html(html),
        url=link,
        date=entry.findtext("atom:published", namespaces=_NS) or entry.findtext("atom:updated", namespaces=_NS),
        authors=[e.text for e in entry.findall("atom:author/atom:name", _NS) if e.text],
        tags=[c.get("term") for c in entry.findall("atom:category", _NS) if c.get("term")],
    )


def _feed_document(
    path: Path,
    *,
    key: str,
    title: str,
    html: str,
    url: str | None,
    date: str | None,
    authors: list[Any],
    tags: list[Any],
) -> Document:
    text, links = html_to_text(html)
    return Document(
        id=key,
        title=" ".join(title.split()),
        text=text,
        url=url,
        date=_date(date),
        authors=_names(authors),
        tags=tuple(str(t) for t in tags),
        links=tuple(links),
        path=str(path),
    )


# --- JSON: LessWrong GraphQL responses and Alignment Research Dataset rows ------------------------------------


def _json(text: str) -> Any:
    try:
        return json.loads(text, strict=False)  # control characters in strings are cleaned in Document
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg}: line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise InputError("not usable JSON (nested too deeply)") from None


def read_json(path: Path) -> Iterator[Document]:
    """A LessWrong/Alignment Forum GraphQL response, or a JSON array of dataset rows."""
    data = _json(_read(path))
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        payload = data["data"]
        posts: list[Any] = []
        if isinstance(payload.get("post"), dict):
            posts = [payload["post"].get("result")]
        elif isinstance(payload.get("posts"), dict) and isinstance(payload["posts"].get("results"), list):
            posts = payload["posts"]["results"]
        yield from _items(path, posts, _row)
        return
    yield from _items(path, data if isinstance(data, list) else [data], _row)


def read_jsonl(path: Path) -> Iterator[Document]:
    """JSON Lines in the Alignment Research Dataset schema (one document per line); bad lines are skipped."""
    lines = ((number, line) for number, line in enumerate(_read(path).splitlines(), 1) if line.strip())

    def row(item: tuple[int, str], path: Path) -> Document | None:
        return _row(_json(item[1]), path)

    yield from _items(path, lines, row, label=lambda index, item: f"line {item[0]}")


def _items(
    path: Path,
    items: Iterable[Any],
    make: Callable[[Any, Path], Document | None],
    label: Callable[[int, Any], str] = lambda index, _: f"item {index}",
) -> Iterator[Document]:
    """Documents made from a file's items, each behind its own boundary: a bad item is noted and skipped."""
    for index, item in enumerate(items, 1):
        try:
            document = make(item, path)
        except InputError as exc:
            _note("item", f"{path} {label(index, item)}: {exc}")
            continue
        except Exception as exc:  # untrusted input: whatever one item does wrong, the others still count
            _note("item", f"{path} {label(index, item)}: {type(exc).__name__}: {str(exc)[:80]}")
            continue
        if document is None:
            continue
        if document.text or document.title:
            yield document
        else:
            _note("item", f"{path} {label(index, item)}: no title and no text")


def _row(row: Any, path: Path) -> Document | None:
    if not isinstance(row, dict):
        raise InputError(f"{_kind(row)}, not an object")
    if "_id" in row and ("htmlBody" in row or "contents" in row):
        return graphql_post(row, path)
    return dataset_row(row, path)


def graphql_post(post: dict[str, Any], path: Path) -> Document:
    """One post object of the LessWrong GraphQL API."""
    contents: dict[str, Any] = post["contents"] if isinstance(post.get("contents"), dict) else {}
    markdown = _text(contents.get("markdown"), "contents.markdown")
    if markdown:
        text, links = markdown_to_text(markdown)
    else:
        html = _text(contents.get("html"), "contents.html") or _text(post.get("htmlBody"), "htmlBody") or ""
        text, links = html_to_text(html)
    url = _url(post.get("pageUrl"), "pageUrl") or _url(post.get("url"))
    user = post.get("user") if isinstance(post.get("user"), dict) else None
    coauthors = post.get("coauthors")
    if coauthors is not None and not isinstance(coauthors, list):
        _note("field", f"'coauthors' is {_kind(coauthors)}, not a list; ignored")
        coauthors = None
    post_id = _text(post.get("_id"), "_id")
    slug = _text(post.get("slug"), "slug")
    return Document(
        id=f"lw:{post_id}" if post_id else (post_key(url) or slug_or_hash(slug or str(post.get("title")) or path.stem)),
        title=" ".join((_text(post.get("title"), "title") or "").split()),
        text=text,
        url=url,
        date=_date(post.get("postedAt"), "postedAt"),
        authors=_names([user, *(coauthors or [])] if user else coauthors),
        tags=_names(post.get("tags"), "tags"),
        links=tuple(links),
        path=str(path),
        names=(slug,) if slug else (),
        metadata=_scalars(post, ("_id", "title", "pageUrl", "url", "postedAt", "htmlBody", "slug")),
    )


def dataset_row(row: dict[str, Any], path: Path) -> Document:
    """A row in the Alignment Research Dataset schema: id, source, title, text, url, date_published, authors.

    ``text_format: markdown`` (as ``kg fetch`` writes) reads the text as markdown, its links kept as links.
    """
    text = clean_text(_text(row.get("text"), "text") or "")
    if row.get("text_format") == "markdown":
        text, links = markdown_to_text(text)
    else:
        links = plain_text_links(text)
    links += [Link(u, "", -1) for u in _strings(row.get("links_external"), "links_external")]
    url = _url(row.get("url"))
    title = _text(row.get("title"), "title") or ""
    key = _text(row.get("id"), "id") or post_key(url) or slug_or_hash(url or title)
    slug = row.get("slug")
    return Document(
        id=key,
        title=" ".join(title.split()),
        text=text.strip(),
        url=url,
        date=_date(row.get("date_published") or row.get("date"), "date_published"),
        authors=_names(row.get("authors")),
        tags=_names(row.get("tags"), "tags"),
        links=tuple(links),
        path=str(path),
        names=(slug,) if isinstance(slug, str) and slug else (),
        metadata=_scalars(row, ("id", "title", "text", "url", "date_published", "date", "authors", "slug")),
    )


def read_pdf(path: Path) -> Iterator[Document]:
    """A paper as a PDF (``kg.pdf``; pypdf is loaded only when a corpus holds PDFs)."""
    from .pdf import read_pdf as read

    return read(path)


# --- dispatch ---------------------------------------------------------------------------------------------------

READERS: dict[str, Callable[[Path], Iterator[Document]]] = {
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".txt": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".xml": read_feed,
    ".rss": read_feed,
    ".atom": read_feed,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".pdf": read_pdf,
}
# Files in a corpus folder that describe the folder rather than belong to it.
_NOT_DOCUMENTS = re.compile(r"^(readme|source|license|licence|changelog|copying)(\.[a-z]+)?$", re.I)


def corpus_files(inputs: Iterable[str | Path]) -> tuple[list[Path], list[str], list[Path]]:
    """Files named by the inputs (folders recursively, globs), the inputs that matched nothing, and the files in
    folders of kinds kg cannot read."""
    files: list[Path] = []
    missing: list[str] = []
    unknown: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and not _NOT_DOCUMENTS.match(p.name)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            files += [p for p in found if p.suffix.lower() in READERS]
            unknown += [p for p in found if p.suffix.lower() not in READERS]
        elif path.is_file():
            files.append(path)
        elif any(ch in str(item) for ch in "*?["):
            matched = sorted(Path(p) for p in glob.glob(str(item), recursive=True) if Path(p).is_file())
            files += matched
            if not matched:
                missing.append(str(item))
        else:
            missing.append(str(item))
    return list(dict.fromkeys(files)), missing, unknown


def read_file(path: str | Path) -> list[Document]:
    """Documents in one file, by its suffix. Items that cannot be used are noted (``Note`` warnings) and skipped.

    Raises
    ------
    InputError
        The suffix has no reader, or the file as a whole cannot be read or parsed.
    """
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise InputError(f"{path}: no reader for '{path.suffix or path.name}' files (known: {known})")
    try:
        return list(reader(path))
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except RecursionError:
        raise InputError(f"{path}: nested too deeply to read") from None
    except Exception as exc:  # untrusted input: one file's failure is that file's, never the build's
        raise InputError(f"{path}: unreadable ({type(exc).__name__}: {str(exc)[:80]})") from None


def _fuller(a: Document, b: Document) -> Document:
    """Of two copies of a document, the one with the longer text; on a tie the one from the first path, so that
    the order inputs are listed in never changes what is kept."""
    return min(a, b, key=lambda d: (-len(d.text), d.path or "", d.id))


def scan_corpus(
    inputs: Iterable[str | Path], *, strict: bool = False, progress: Callable[[int, int], None] | None = None
) -> tuple[list[Document], CorpusReport]:
    """Every document under ``inputs``, sorted by id, and a report of what was skipped or repaired;
    ``progress(files_read, files)`` after each file.

    Raises
    ------
    InputError
        An input does not exist; no document could be read; or, with ``strict``, any file or item was skipped.
    """
    inputs = list(inputs)
    files, missing, unknown = corpus_files(inputs)
    if missing:
        raise InputError(f"no such file, folder or glob match: {', '.join(missing)}")
    report = CorpusReport(files=len(files), unknown=[str(p) for p in unknown])
    documents: dict[str, Document] = {}
    seen_urls: dict[str, str] = {}
    for number, path in enumerate(files, 1):
        if progress:
            progress(number - 1, len(files))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", Note)
            try:
                found = read_file(path)
            except InputError as exc:
                report.skipped_files.append(str(exc))
                found = []
        for warning in caught:
            if isinstance(warning.message, Note):
                message = str(warning.message)
                where = message if message.startswith(str(path)) else f"{path}: {message}"
                report.notes[warning.message.kind].append(where)
            else:
                warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
        for document in found:
            url_key = normalize_url(document.url) if document.url else None
            earlier = document.id if document.id in documents else seen_urls.get(url_key or "")
            if earlier is not None:
                # The same document twice (say, an excerpt and the full post): keep the fuller text.
                report.duplicates.append(f"{document.id} ({path.name})")
                if _fuller(documents[earlier], document) is documents[earlier]:
                    continue
                kept = documents.pop(earlier)
                seen_urls = {k: v for k, v in seen_urls.items() if v != kept.id}
            documents[document.id] = document
            if url_key:
                seen_urls[url_key] = document.id
    if progress:
        progress(len(files), len(files))
    if strict and (report.skipped_files or report.skipped_items):
        skipped = report.skipped_files + report.notes.get("item", [])
        raise InputError(f"--strict: {len(skipped)} file(s) or item(s) could not be read: {'; '.join(skipped[:10])}")
    report.warn()
    if not documents:
        where = ", ".join(str(i) for i in inputs)
        raise InputError(f"no documents found in {where}; kg reads {', '.join(sorted(READERS))} files")
    return sorted(documents.values(), key=lambda d: d.id), report


def read_corpus(inputs: Iterable[str | Path], *, strict: bool = False) -> list[Document]:
    """Read every document under ``inputs`` (files, folders, globs), sorted by id.

    Unreadable files and items are skipped, and of documents met twice (same id or URL) only the one with the longer
    text is kept; each kind of problem gives one ``KgWarning`` naming the items, and the rest of the corpus is still
    returned (``scan_corpus`` also returns the counts).

    Raises
    ------
    InputError
        An input does not exist; no document could be read; or, with ``strict``, any file or item was skipped.
    """
    return scan_corpus(inputs, strict=strict)[0]
