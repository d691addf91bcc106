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
