import pytest

from kg.markup import Link, html_to_text, markdown_to_text, plain_text_links


def test_markdown_drops_code_math_images_and_footnotes():
    text, links = markdown_to_text(
        "---ignored---\n\n# Title\n\nSome *emphasis* and `code` here.[^1]\n\n```python\nprint('x')\n```\n\n"
        "$$E = mc^2$$ and $x$ inline. ![img](pic.png) ![[embed.png]]\n\n[^1]: A footnote.\n"
    )
    assert "print" not in text and "mc^2" not in text and "pic.png" not in text and "embed" not in text
    assert "Some emphasis and here." in text
    assert "A footnote." in text
    assert links == []


def test_markdown_links_keep_anchor_offsets():
    text, links = markdown_to_text(
        "Intro.\n\nSee [the **shard** theory](/shard-theory#x) and https://arxiv.org/abs/2312.09390."
    )
    assert [link.url for link in links] == ["/shard-theory#x", "https://arxiv.org/abs/2312.09390"]
    first = links[0]
    assert text[first.offset : first.offset + len(first.text)] == "the shard theory"
    assert "arxiv" not in text


def test_markdown_callouts_quotes_and_tables_become_text():
    text, _ = markdown_to_text("> [!note] Careful\n> quoted corrigibility\n\n| a | b |\n|---|---|\n| reward | model |")
    assert "[!note]" not in text and ">" not in text
    assert "quoted corrigibility" in text and "reward ; model" in text


def test_html_drops_scripts_styles_navigation_and_keeps_anchor_offsets():
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body><nav>menu</nav>"
        "<article><p>Deceptive <a href='https://x.org/d'>alignment</a> matters.</p>"
        "<script>alert(1)</script><pre>code()</pre><p>Second.</p></article><footer>foot</footer></body></html>"
    )
    text, links = html_to_text(html, main_only=True)
    assert text == "Deceptive alignment matters.\n\nSecond."
    assert links == [Link("https://x.org/d", "alignment", 10)]


def test_plain_text_links_strip_trailing_punctuation():
    assert [link.url for link in plain_text_links("(see https://a.org/x), and http://b.com.")] == [
        "https://a.org/x",
        "http://b.com",
    ]


def test_inline_tags_that_part_words_leave_a_space():
    text, _ = markdown_to_text("achieving corrigibility<sub>policy modification</sub>. a<br>b <em>c</em>d")
    assert text == "achieving corrigibility policy modification. a b cd"


def _seconds(function, text: str) -> float:
    import time

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        function(text)
        best = min(best, time.perf_counter() - start)
    return best


def _cleaners():
    from kg.abbreviations import find_abbreviations
    from kg.corpus import clean_feed_html
    from kg.terms import is_boilerplate

    def authors(text):
        from kg.corpus import _names

        return _names(text)

    return {
        "markdown": markdown_to_text,
        "html": lambda text: html_to_text(text, main_only=True),
        "feed": clean_feed_html,
        "abbreviations": find_abbreviations,
        "authors": authors,
        "boilerplate": is_boilerplate,
    }


@pytest.mark.parametrize(
    "cleaner, piece, wrap",
    [
        ("markdown", " \n", "x\n{}end"),  # whitespace-only lines: the table-rule hang
        ("markdown", "\t\n", "{}\nend"),
        ("markdown", "*a", "{}"),  # one long line of openers: emphasis
        ("markdown", "_a ", "{}"),
        ("markdown", "<a href='x'>", "{}"),  # unclosed anchors
        ("markdown", "[", "{}"),
        ("markdown", "![", "{}"),
        ("markdown", "[[", "{}"),
        ("markdown", "[^", "{}"),
        ("markdown", "<http://", "{}"),
        ("markdown", "<a", "{}"),
        ("markdown", "<!--", "{}"),
        ("markdown", "\\begin{x}", "{}"),
        ("markdown", " ", "# a{}b"),  # a heading's trailing spaces
        ("markdown", "- ", "{}x"),
        ("markdown", "> ", "{}\n"),
        ("markdown", "| ", "{}"),
        ("markdown", "$$ ", "# a{}b"),
        ("html", "<a href='x'>", "<p>{}</p>"),
        ("html", "<div>", "{}x"),
        ("feed", "<br>", '{}x<a href="y#comments">Discuss</a>'),
        ("feed", "<br>", "Published on x{}"),
        ("abbreviations", "a (", "{}"),
        ("abbreviations", "(AB) ", "{}"),
        ("authors", " ", "a{}b"),
        ("boilerplate", "thanks to ", "{}"),
        ("boilerplate", "as part of ", "{}x"),
        ("boilerplate", "written during ", "{}"),
    ],
)
def test_issue_10_cleaners_are_linear_on_adversarial_input(cleaner, piece, wrap):
    """8x the input may cost about 8x the time; a quadratic pattern would cost 64x (a cubic one, 512x)."""
    function = _cleaners()[cleaner]
    small, large = (wrap.format(piece * n) for n in (1500, 12000))
    ratio = _seconds(function, large) / max(_seconds(function, small), 1e-5)
    assert ratio < 24, f"{cleaner} on {piece!r} x12000: {ratio:.0f}x the time of x1500"
