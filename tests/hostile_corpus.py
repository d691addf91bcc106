"""One of each hostile input of issue 10, beside good posts: what ``kg build`` must get through.

``write_hostile_corpus(folder)`` writes the files and returns what a build must keep and name. Used by
tests/test_hostile_inputs.py and bench/fuzz.py.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

GOOD_POSTS = {
    f"good-{i}.md": f"---\ntitle: Good post {i}\n---\n\nCorrigibility and reward hacking, part {i}. "
    f"Power-seeking agents resist shutdown; sycophancy in LLMs grows with RLHF.\n"
    for i in range(5)
}
GOOD_ROWS = [
    {"id": f"row-{i}", "title": f"Row {i}", "text": f"Row {i} is about deceptive alignment and inner alignment."}
    for i in range(4)
]


def _alias_bomb() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines)


def write_hostile_corpus(folder: Path) -> dict:
    """Write good posts and one of each bad input into ``folder``; return the expectations."""
    folder.mkdir(parents=True, exist_ok=True)

    def put(name: str, data: str | bytes) -> None:
        (folder / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)

    for name, text in GOOD_POSTS.items():
        put(name, text)
    # 1. inputs that hung a build (regex backtracking)
    put("table-rule-hang.md", "---\ntitle: t\n---\n\nx\n" + " \n" * 10000 + "end")
    put("emphasis.md", "---\ntitle: stars\n---\n\n" + "*a" * 20000)
    put("anchors.md", "---\ntitle: anchors\n---\n\n" + "<a href='x'>" * 5000)
    put(
        "breaks.xml",
        "<rss><channel><item><title>Breaks</title><description>"
        + "&lt;br&gt;" * 20000
        + "x</description><guid>breaks-1</guid></item></channel></rss>",
    )
    # 2. memory bombs
    put("alias-bomb.md", "---\n" + _alias_bomb() + "\ntitle: *i\n---\nText.")
    # 3. one bad document stopped everything
    put("huge.txt", "Huge text\n\n" + ("Corrigibility matters here. " * 40 + "\n\n") * 900)
    put("bad-date.md", "---\ntitle: Bad date\ndate: 2020-02-30\n---\nA post about corrigibility.")
    put("bad-link.md", "---\ntitle: Bad link\n---\nSee [this](http://[::1) about RLHF.")
    put("control.md", "---\ntitle: Control \x1b[31m title\x07\n---\nA post about sycophancy.")
    put("surrogate.jsonl", '{"id": "sur", "title": "Emoji \\ud83d broken", "text": "Reward hacking again."}\n')
    # 4. malformed fields
    put("typed.md", "---\ntitle: Typed\ntags: 5\naliases: 5\nurl: 12345\n---\nDeception is a concept.")
    put("typed.jsonl", '{"id": "t1", "title": "T1", "text": "Mesa-optimizers.", "url": 5, "links_external": 5}\n')
    put("graphql.json", json.dumps({"_id": "abcdefghijklmnopq", "title": "G", "htmlBody": 5, "coauthors": 5}))
    put("deep.json", "[" * 100000 + "]" * 100000)
    put("divs.html", "<html><body>" + "<div>" * 5000 + "Nested corrigibility." + "</div>" * 5000 + "</body></html>")
    put(
        "overflow.jsonl",
        '{"id": "o1", "title": "O", "text": "Goal misgeneralization.", "date_published": "Fri, 01 Jan 99999999 00:00:00 GMT"}\n',
    )
    # 5. data that was lost with exit 0
    rows = "".join(json.dumps(row) + "\n" for row in GOOD_ROWS)
    put("rows.jsonl", rows[:-1] + "\n" + '{"id": "cut", "title": "Trunc' + "\n")
    put("latin.txt", "Latin title here\n\nLa récompense et la corrigibilité.".encode("latin-1"))
    put("utf16.txt", "UTF-16 title here\n\nSycophancy, in UTF-16.".encode("utf-16"))
    put("bom.md", codecs.BOM_UTF8 + b"---\ntitle: With a BOM\n---\nThe BOM post on debate.")
    put("bom.json", codecs.BOM_UTF8 + json.dumps([{"id": "bom-row", "title": "BOM row", "text": "IDA."}]).encode())
    put("empty.md", "---\ntitle: Nothing\n---\n")
    put(
        "openreview.jsonl",
        "".join(
            json.dumps(
                {
                    "id": f"or-{i}",
                    "title": f"Paper {i}",
                    "text": "Scalable oversight.",
                    "url": f"https://openreview.net/forum?id=P{i}",
                }
            )
            + "\n"
            for i in range(3)
        ),
    )
    # 9. spreadsheet formulas in titles
    put("formula.md", '---\ntitle: "=HYPERLINK(\\"http://evil.example\\")"\n---\nA post about RLHF.')
    return {
        "ids": {f"good-{i}" for i in range(5)}
        | {row["id"] for row in GOOD_ROWS}
        | {"or-0", "or-1", "or-2", "latin", "utf16", "bom", "bom-row", "huge", "bad-date", "bad-link", "control"}
        | {"sur", "typed", "t1", "lw:abcdefghijklmnopq", "divs", "o1", "formula", "table-rule-hang", "emphasis"}
        | {"anchors", "breaks-1"},
        "named": [
            "alias-bomb.md",
            "deep.json",
            "rows.jsonl line 5",
            "empty.md",
            "bad-date.md",
            "latin.txt",
            "utf16.txt",
        ]
        + ["typed.md", "typed.jsonl", "graphql.json", "overflow.jsonl"],
        "texts": {
            "latin": "Latin title here\n\nLa récompense et la corrigibilité.",
            "utf16": "UTF-16 title here\n\nSycophancy, in UTF-16.",
            "bom": "The BOM post on debate.",
        },
    }
