import json
import warnings
from dataclasses import replace

import pytest

from kg.corpus import read_corpus, read_file
from kg.errors import InputError, KgWarning
from kg.urls import lesswrong_id, normalize_url

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" version="2.0">
<channel><title><![CDATA[LessWrong]]></title><link>https://www.lesswrong.com</link>
<item><title><![CDATA[On corrigibility]]></title>
<link>https://www.lesswrong.com/posts/AAAAAAAAAAAAAAAAA/on-corrigibility</link>
<guid isPermaLink="false">AAAAAAAAAAAAAAAAA</guid><dc:creator><![CDATA[Ada Lovelace]]></dc:creator>
<pubDate>Mon, 03 Nov 2025 18:00:00 GMT</pubDate>
<description><![CDATA[Published on November 3, 2025 6:00 PM GMT<br/><br/><p>Corrigibility is <a href="https://www.lesswrong.com/posts/BBBBBBBBBBBBBBBBB/x">hard</a>.</p><br/><br/><a href="https://www.lesswrong.com/posts/AAAAAAAAAAAAAAAAA/on-corrigibility#comments">Discuss</a>]]></description>
</item>
<item><title><![CDATA[Second post]]></title>
<link>https://www.lesswrong.com/posts/BBBBBBBBBBBBBBBBB/x</link>
<guid isPermaLink="false">BBBBBBBBBBBBBBBBB</guid><dc:creator><![CDATA[Alan Turing]]></dc:creator>
<pubDate>Tue, 04 Nov 2025 09:00:00 GMT</pubDate>
<description><![CDATA[Published on November 4, 2025 9:00 AM GMT<br/><br/><p>Reward hacking &amp; <b>specification gaming</b>.</p><br/><br/><a href="https://www.lesswrong.com/posts/BBBBBBBBBBBBBBBBB/x#comments">Discuss</a>]]></description>
</item></channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
<entry><title>Mesa-optimizers</title><id>tag:blog,2024:1</id><link rel="alternate" href="https://blog.example/mesa"/>
<published>2024-05-01T00:00:00Z</published><author><name>Grace Hopper</name></author>
<content type="html">&lt;p&gt;Learned optimizers may be misaligned.&lt;/p&gt;</content></entry>
</feed>
"""


def test_markdown_front_matter(write):
    path = write(
        "post.md",
        "---\ntitle: Shard theory\ndate_published: 2022-07-14\nauthors: [Alex Turner, Quintin Pope]\n"
        "tags: [AI, shard-theory]\naliases: [shards]\npermalink: /shard-theory\n"
        "lw-page-url: https://www.lesswrong.com/posts/xqkGmfikqapbJ2YMj/shard-theory\n---\n\nBody [link](/other).",
    )
    (document,) = read_file(path)
    assert document.id == "lw:xqkGmfikqapbJ2YMj"
    assert (document.title, document.date, document.authors) == (
        "Shard theory",
        "2022-07-14",
        ("Alex Turner", "Quintin Pope"),
    )
    assert document.tags == ("AI", "shard-theory")
    assert document.names == ("shard-theory", "shards", "post")
    assert document.text == "Body link." and document.links[0].url == "/other"


def test_markdown_without_body_is_not_a_document(write):
    assert read_file(write("empty.md", "---\ntitle: Template\n---\n\n")) == []


def test_text_title_from_first_line_or_file_name(write):
    (titled,) = read_file(write("a.txt", "Notes on deceptive alignment\n\nBody text."))
    (untitled,) = read_file(write("my_notes.txt", "A first sentence that is long. And more."))
    assert titled.title == "Notes on deceptive alignment"
    assert untitled.title == "my notes"


def test_lesswrong_feed_one_clean_document_per_item(write):
    documents = read_file(write("feed.xml", FEED))
    assert [d.id for d in documents] == ["lw:AAAAAAAAAAAAAAAAA", "lw:BBBBBBBBBBBBBBBBB"]
    first, second = documents
    assert first.text == "Corrigibility is hard."
    assert second.text == "Reward hacking & specification gaming."
    assert (first.authors, first.date) == (("Ada Lovelace",), "2025-11-03")
    assert [link.url for link in first.links] == ["https://www.lesswrong.com/posts/BBBBBBBBBBBBBBBBB/x"]


def test_atom_feed(write):
    (document,) = read_file(write("feed.atom", ATOM))
    assert (document.title, document.url, document.date) == (
        "Mesa-optimizers",
        "https://blog.example/mesa",
        "2024-05-01",
    )
    assert document.authors == ("Grace Hopper",) and document.text == "Learned optimizers may be misaligned."


def test_graphql_post_list(write):
    posts = {
        "data": {
            "posts": {
                "results": [
                    {
                        "_id": "CCCCCCCCCCCCCCCCC",
                        "title": "A",
                        "pageUrl": "https://www.lesswrong.com/posts/CCCCCCCCCCCCCCCCC/a",
                        "postedAt": "2023-01-02T00:00:00.000Z",
                        "contents": {"markdown": "About *ELK*."},
                        "user": {"displayName": "Paul"},
                        "coauthors": [{"displayName": "Mark"}],
                        "tags": [{"name": "ELK"}],
                    },
                    {"_id": "DDDDDDDDDDDDDDDDD", "title": "B", "htmlBody": "<p>Debate.</p>", "user": None},
                ]
            }
        }
    }
    documents = read_file(write("posts.json", json.dumps(posts)))
    assert [(d.id, d.text, d.authors, d.tags) for d in documents] == [
        ("lw:CCCCCCCCCCCCCCCCC", "About ELK.", ("Paul", "Mark"), ("ELK",)),
        ("lw:DDDDDDDDDDDDDDDDD", "Debate.", (), ()),
    ]


def test_dataset_rows_in_json_array_and_jsonl(write):
    row = {
        "id": "arxiv:1",
        "source": "arxiv",
        "title": "W2S",
        "text": "Weak-to-strong.",
        "url": "https://arxiv.org/abs/2312.09390",
        "date_published": "2023-12-14T00:00:00Z",
        "authors": ["Burns, Collin"],
        "extra": 3,
    }
    (from_array,) = read_file(write("rows.json", json.dumps([row])))
    (from_lines,) = read_file(write("rows.jsonl", json.dumps(row) + "\n\n"))
    assert replace(from_array, path=None) == replace(from_lines, path=None)
    assert (from_array.authors, from_array.date, from_array.metadata["extra"]) == (("Collin Burns",), "2023-12-14", 3)


def test_duplicates_and_unreadable_files_warn_once_and_carry_on(write, tmp_path):
    write("a.md", "---\nurl: https://x.org/p\n---\nOne.")
    write("b.md", "---\nurl: https://www.x.org/p/\n---\nSame page.")
    write("c.json", "{not json")
    write("d.jsonl", '{"title": "ok", "text": "fine"}\n{broken\n')
    write("README.md", "How to add documents.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        documents = read_corpus([tmp_path])
    # the fuller copy of the page, and the good line of the JSON Lines file
    assert [(d.id, d.text) for d in documents] == [("b", "Same page."), ("ok", "fine")]
    messages = sorted(str(w.message) for w in caught if w.category is KgWarning)
    assert messages[0] == "kept one copy (the longest) of 1 duplicate document: b (b.md)"
    assert messages[1].startswith("skipped 1 bad item (kept every other item of their files): ")
    assert messages[1].endswith(
        "d.jsonl line 2: not valid JSON (Expecting property name enclosed in double quotes: line 1, column 2)"
    )
    assert messages[2].startswith("skipped 1 unreadable file: ") and messages[2].endswith(
        "c.json: not valid JSON (Expecting property name enclosed in double quotes: line 1, column 2)"
    )


def test_missing_inputs_and_empty_corpora_are_errors(tmp_path):
    with pytest.raises(InputError, match="no such file, folder or glob match: nope"):
        read_corpus(["nope"])
    with pytest.raises(InputError, match="no documents found"):
        read_corpus([tmp_path])


def test_globs(write, tmp_path):
    write("x/a.txt", "Alpha text here")
    write("x/b.md", "Beta")
    assert [d.id for d in read_corpus([str(tmp_path / "x" / "*.txt")])] == ["a"]


def test_url_helpers():
    assert (
        normalize_url("https://www.lesswrong.com/posts/a/b?commentId=XYZ#c") == "lesswrong.com/posts/a/b?commentId=XYZ"
    )
    assert lesswrong_id("https://www.greaterwrong.com/posts/uMQ3cqWDPHhjtiesc/x") == "uMQ3cqWDPHhjtiesc"
    assert lesswrong_id("https://example.com/posts/uMQ3cqWDPHhjtiesc") is None


# --- the real corpora ------------------------------------------------------------------------------------------


def _read(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        documents = read_corpus([path])
    return documents, [str(w.message) for w in caught]


def test_turntrout_one_document_per_post_with_a_body(turntrout):
    documents, messages = _read(turntrout)
    with_body = [p for p in turntrout.glob("*.md") if p.read_text().split("---", 2)[-1].strip()]
    assert len(documents) == len(with_body) == 177
    assert messages == [f"1 file held no text: {turntrout / 'new_page.md'}"]  # issue 10: never silently
    dates = [d for d in documents if d.date]
    assert len(dates) > 150 and all(len(d.date) == 10 for d in dates)


def test_distill_html_pages(shared):
    pages = sorted((shared / "corpus" / "distill").glob("*.html"))
    documents = [read_file(p)[0] for p in pages]
    assert len(documents) == 8
    debt = next(d for d in documents if d.title == "Research Debt")
    assert (debt.date, debt.authors[:2], debt.url) == (
        "2017-03-22",
        ("Chris Olah", "Shan Carter"),
        "https://distill.pub/2017/research-debt",
    )
    for document in documents:
        assert len(document.text) > 3000 and document.authors and document.date
        assert "function(" not in document.text and "<d-" not in document.text


def test_dataset_and_graphql_corpora(shared):
    corpus = shared / "corpus"
    assert len(_read(corpus / "distill" / "distill.jsonl")[0]) == 46
    af, _ = _read(corpus / "alignment-forum" / "af_posts.jsonl")
    assert len(af) == 4274 and all(d.id.startswith("lw:") for d in af)
    (post,), _ = _read(corpus / "lesswrong-graphql" / "post.json")
    assert (post.title, post.authors, post.date) == (
        "AGI Ruin: A List of Lethalities",
        ("Eliezer Yudkowsky",),
        "2022-06-05",
    )
    assert len(post.text) > 40000 and "<p>" not in post.text


def test_mixed_formats_keep_one_copy_of_each_document(shared):
    documents, messages = _read(shared / "corpus" / "distill")
    assert len(documents) == 46
    assert len(messages) == 1 and messages[0].startswith("kept one copy (the longest) of 8 duplicate documents")
