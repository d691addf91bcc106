"""Markup to plain text: markdown and HTML bodies become readable text plus the links they held.

Each link keeps the character offset of its anchor text in the returned text, so that later stages can find
the sentence a citation sits in. Pure functions over strings; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

__all__ = ["Link", "markdown_to_text", "html_to_text", "plain_text_links"]


@dataclass(frozen=True)
class Link:
    """An outgoing link: its target, its anchor text and where that text starts in the document text (-1: unknown)."""

    url: str
    text: str
    offset: int


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?=\S)[^$\n]+?(?<=\S)\$(?!\w)")
_LATEX_ENV = re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S)
_EMBED = re.compile(r"!\[\[[^\]]*\]\]")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_WIKILINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]]+\](?!:)")
_FOOTNOTE_DEF = re.compile(r"^\[\^[^\]]+\]:\s*", re.M)
_CALLOUT = re.compile(r"^(\s*>)+\s*\[![^\]]*\][+-]?\s*", re.M)
_QUOTE = re.compile(r"^(\s*>)+ ?", re.M)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.M)
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$", re.M)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", re.M)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_EMPHASIS = re.compile(r"(\*{1,3}|(?<!\w)_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)")
_STRIKE = re.compile(r"~~(.+?)~~")
_MD_LINK = re.compile(
    r"(?<!!)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^()\s>]+(?:\([^()\s]*\)[^()\s>]*)*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_HTML_ANCHOR = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']([^\"']+)[\"'][^>]*>(.*?)</a\s*>", re.S | re.I)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_BARE_URL = re.compile(r"\bhttps?://[^\s<>\"'\])]+[^\s<>\"'\]).,;:!?]")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_SPACED_TAG = re.compile(r"<(?:br|sub|sup)\b[^>]*>|</?(?:p|div|li|td|th|tr)\b[^>]*>", re.I)  # tags that part words
_PLACEHOLDER = re.compile(r"\x01(\d+)\x02")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n\s*")


def _inline(text: str) -> str:
    """Strip inline markdown (code, emphasis, tags) from a short run of text."""
    text = _INLINE_CODE.sub("", text)
    text = _STRIKE.sub(r"\1", text)
    for _ in range(2):  # nested emphasis such as ***x*** or _**x**_
        text = _EMPHASIS.sub(r"\2", text)
    text = _SPACED_TAG.sub(" ", text)
    text = _TAG.sub("", text)
    return _SPACES.sub(" ", text).strip()


def markdown_to_text(markdown: str) -> tuple[str, list[Link]]:
    """Turn a markdown body into plain text and its links.

    Code blocks, LaTeX, images, HTML comments and footnote markers are dropped; headings, list items and table rows
    become their own paragraphs; link targets leave the text but are returned with the offset of their anchor text.

    Examples
    --------
    >>> text, links = markdown_to_text("# Intro\\n\\nSee [*corrigibility*](/corrigibility) and $x^2$.")
    >>> text
    'Intro\\n\\nSee corrigibility and .'
    >>> links
    [Link(url='/corrigibility', text='corrigibility', offset=11)]
    """
    anchors: list[tuple[str, str]] = []

    def hold(url: str, text: str) -> str:
        anchors.append((url.strip(), text))
        return f"\x01{len(anchors) - 1}\x02"

    text = markdown.replace("\r\n", "\n")
    text = _FENCE.sub("\n", text)
    text = _HTML_COMMENT.sub("", text)
    text = _DISPLAY_MATH.sub(" ", text)
    text = _LATEX_ENV.sub(" ", text)
    text = _EMBED.sub("", text)
    text = _IMAGE.sub("", text)
    text = _MD_LINK.sub(lambda m: hold(m.group(2), m.group(1)), text)
    text = _HTML_ANCHOR.sub(lambda m: hold(m.group(1), m.group(2)), text)
    text = _AUTOLINK.sub(lambda m: hold(m.group(1), ""), text)
    text = _BARE_URL.sub(lambda m: hold(m.group(0), ""), text)
    text = _INLINE_MATH.sub("", text)
    text = _WIKILINK.sub(r"\1", text)
    text = _FOOTNOTE_REF.sub("", text)
    text = _FOOTNOTE_DEF.sub("\n", text)
    text = _CALLOUT.sub("\n", text)
    text = _QUOTE.sub("", text)
    text = _HEADING.sub(r"\n\1\n", text)
    text = _RULE.sub("\n", text)
    text = _TABLE_RULE.sub("", text)
    text = _BULLET.sub("\n", text)
    text = re.sub(r"^\s*\|(.*)\|\s*$", lambda m: "\n" + m.group(1).replace("|", " ; ") + "\n", text, flags=re.M)
    lines = [_inline(line) for line in text.split("\n")]
    text = _BLANKS.sub("\n\n", "\n".join(lines)).strip()
    return _expand(text, [(url, _inline(label)) for url, label in anchors])


def _expand(text: str, anchors: list[tuple[str, str]]) -> tuple[str, list[Link]]:
    """Replace link placeholders by their anchor text, recording where each lands."""
    parts: list[str] = []
    links: list[Link] = []
    size = 0
    last = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(text[last : match.start()])
        size += match.start() - last
        url, label = anchors[int(match.group(1))]
        links.append(Link(url, label, size))
        parts.append(label)
        size += len(label)
        last = match.end()
    parts.append(text[last:])
    return "".join(parts), links


_DROP = {
    "script",
    "style",
    "noscript",
    "svg",
    "nav",
    "footer",
    "header",
    "template",
    "button",
    "form",
    "iframe",
    "canvas",
    "math",
    "select",
    "d-front-matter",
    "d-bibliography",
    "d-citation-list",
    "d-footnote-list",
    "d-appendix",
    "d-title",
    "d-byline",
    "distill-header",
    "distill-footer",
    "d-code",
    "pre",
    "code",
    "figure",
    "d-figure",
    "head",
    "title",
}
_BLOCK = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tr",
    "td",
    "th",
    "blockquote",
    "dd",
    "dt",
    "dl",
    "hr",
    "figcaption",
    "aside",
    "d-article",
    "d-abstract",
}
_MAIN = ("d-article", "article", "main", "[role=main]", "body")


def html_to_text(html: str, *, main_only: bool = False) -> tuple[str, list[Link]]:
    """Turn an HTML document or fragment into plain text and its links (anchors with an ``href``).

    With ``main_only`` the text comes from the page's main container (``<d-article>``, ``<article>``,
    ``<main>``) when it has one. Scripts, styles, navigation, headers, footers and figures' code are dropped.

    Examples
    --------
    >>> html_to_text("<p>On <a href='https://x.org/a'>mesa-optimizers</a>.</p><script>alert(1)</script>")
    ('On mesa-optimizers.', [Link(url='https://x.org/a', text='mesa-optimizers', offset=3)])
    """
    soup = BeautifulSoup(html, "lxml")
    root: Tag = soup
    if main_only:
        for selector in _MAIN:
            found = soup.select_one(selector)
            if found is not None and found.get_text(strip=True):
                root = found
                break
    writer = _TextWriter()
    writer.walk(root)
    return writer.finish()


class _TextWriter:
    """Collects text runs and links while walking an HTML tree, keeping block boundaries as blank lines."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.links: list[Link] = []

    def write(self, text: str) -> None:
        text = _SPACES.sub(" ", text.replace("\n", " "))
        if not text:
            return
        if text.startswith(" ") and (not self.parts or self.parts[-1].endswith((" ", "\n"))):
            text = text[1:]
            if not text:
                return
        self.parts.append(text)
        self.size += len(text)

    def block(self) -> None:
        if self.size and not self.parts[-1].endswith("\n\n"):
            tail = self.parts[-1].rstrip(" ")
            self.size -= len(self.parts[-1]) - len(tail)
            self.parts[-1] = tail
            self.parts.append("\n\n")
            self.size += 2

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.write(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _DROP:
                continue
            is_block = child.name in _BLOCK
            if is_block:
                self.block()
            href = child.get("href") if child.name == "a" else None
            if isinstance(href, str) and href.strip() and not href.startswith(("javascript:", "#")):
                before, first = self.size, len(self.parts)
                self.walk(child)
                written = "".join(self.parts[first:])
                lead = len(written) - len(written.lstrip())
                self.links.append(Link(href.strip(), written.strip(), before + lead))
            else:
                self.walk(child)
            if is_block:
                self.block()

    def finish(self) -> tuple[str, list[Link]]:
        text = "".join(self.parts)
        stripped = text.rstrip()
        return stripped, [link for link in self.links if link.offset <= len(stripped)]


def plain_text_links(text: str) -> list[Link]:
    """Bare ``http(s)`` URLs in plain text, each with its own offset.

    >>> plain_text_links("see https://arxiv.org/abs/2312.09390.")
    [Link(url='https://arxiv.org/abs/2312.09390', text='', offset=4)]
    """
    return [Link(m.group(0), "", m.start()) for m in _BARE_URL.finditer(text)]
