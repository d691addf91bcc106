"""Markup to plain text: markdown and HTML bodies become readable text plus the links they held.

Each link keeps the character offset of its anchor text in the returned text, so that later stages can find
the sentence a citation sits in. Pure functions over strings; no I/O.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .untrusted import clean_text

if TYPE_CHECKING:  # bs4 is loaded when HTML is first parsed: a rebuild from the cache parses none
    from bs4 import BeautifulSoup, PageElement, Tag

__all__ = ["Link", "markdown_to_text", "html_to_text", "soup_to_text", "plain_text_links", "parse_html"]


@dataclass(frozen=True)
class Link:
    """An outgoing link: its target, its anchor text and where that text starts in the document text (-1: unknown)."""

    url: str
    text: str
    offset: int


# Every pattern here runs on untrusted text, so none may backtrack over a run more than once: no `\s` that can span
# lines where a line-anchored pattern is meant (`[ \t]` instead), no two adjacent quantifiers over the same
# characters, and contents that stop at the next opener (`[^\[\]]`, `[^<>]`) so that unclosed openers cost their
# own length, not the rest of the text. tests/test_markup.py times each on growing adversarial inputs.
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_HTML_COMMENT = re.compile(r"<!--(?:(?!<!--).)*?-->", re.S)
_DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?=\S)[^$\n]+?(?<=\S)\$(?!\w)")
_LATEX_ENV = re.compile(r"\\begin\{(\w+\*?)\}(?:(?!\\begin\{).)*?\\end\{\1\}", re.S)  # innermost first
_EMBED = re.compile(r"!\[\[[^\[\]]*\]\]")
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()]*\)")
_WIKILINK = re.compile(r"\[\[(?:[^\[\]|]*\|)?([^\[\]]*)\]\]")
_FOOTNOTE_REF = re.compile(r"\[\^[^\[\]]+\](?!:)")
_FOOTNOTE_DEF = re.compile(r"^\[\^[^\[\]\n]+\]:[ \t]*", re.M)
_CALLOUT = re.compile(r"^(?:[ \t]*>)+[ \t]*\[![^\[\]\n]*\][+-]?[ \t]*", re.M)
_QUOTE = re.compile(r"^(?:[ \t]*>)+ ?", re.M)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+([^\n]*)$", re.M)
_RULE = re.compile(r"^[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.M)
_BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+", re.M)
_TABLE_RULE = re.compile(r"\|?:?-{3,}:?(?:\|:?-{3,}:?)*\|?")  # a whole line, its spaces and tabs removed
_TABLE_ROW = re.compile(r"^[ \t]*\|([^\n]*)\|[ \t]*$", re.M)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_STAR_EMPHASIS = re.compile(r"(\*{1,3})(?=[^\s*])([^*]*?[^\s*])\1(?!\w)")
_UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)(_{1,3})(?=[^\s_])([^_]*?[^\s_])\1(?!\w)")
_STRIKE = re.compile(r"~~(.+?)~~")
_MD_LINK = re.compile(
    r"(?<!!)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^()\s>]+(?:\([^()\s]*\)[^()\s>]*)*)>?(?:\s+\"[^\"]*\")?\s*\)"
)
_HTML_ANCHOR = re.compile(
    r"<a\s[^<>]*?href\s*=\s*[\"']([^\"'<>]+)[\"'][^<>]*>((?:[^<]|<(?!/?a[\s>]))*)</a\s*>", re.S | re.I
)
_AUTOLINK = re.compile(r"<(https?://[^<>\s]+)>")
_BARE_URL = re.compile(r"\bhttps?://[^\s<>\"'\])]+[^\s<>\"'\]).,;:!?]")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_SPACED_TAG = re.compile(r"<(?:br|sub|sup)\b[^<>]*>|</?(?:p|div|li|td|th|tr)\b[^<>]*>", re.I)  # tags that part words
_PLACEHOLDER = re.compile(r"\x01(\d+)\x02")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n\s*")


def _heading(match: re.Match) -> str:
    """A heading as its own paragraph, without its closing hashes ("## Title ##")."""
    return "\n" + match.group(1).rstrip().rstrip("#").rstrip() + "\n"


def _is_table_rule(line: str) -> bool:
    return "---" in line and _TABLE_RULE.fullmatch(line.replace(" ", "").replace("\t", "")) is not None


def _inline(text: str) -> str:
    """Strip inline markdown (code, emphasis, tags) from a short run of text.

    Each pattern runs only on text holding the character it needs: most lines of prose hold none of them.
    """
    if "`" in text:
        text = _INLINE_CODE.sub("", text)
    if "~~" in text:
        text = _STRIKE.sub(r"\1", text)
    for _ in range(2):  # nested emphasis such as **a *b* c** or _**x**_
        if "*" in text:
            text = _STAR_EMPHASIS.sub(r"\2", text)
        if "_" in text:
            text = _UNDERSCORE_EMPHASIS.sub(r"\2", text)
    if "<" in text:
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

    text = clean_text(markdown).replace("\r\n", "\n")  # also frees \x01 and \x02 for the link placeholders
    text = _FENCE.sub("\n", text)
    text = _HTML_COMMENT.sub("", text)
    text = _DISPLAY_MATH.sub(" ", text)
    for _ in range(3):  # nested environments, innermost first
        text, found = _LATEX_ENV.subn(" ", text)
        if not found:
            break
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
    text = _HEADING.sub(_heading, text)
    text = _RULE.sub("\n", text)
    text = "\n".join("" if _is_table_rule(line) else line for line in text.split("\n"))
    text = _BULLET.sub("\n", text)
    text = _TABLE_ROW.sub(lambda m: "\n" + m.group(1).replace("|", " ; ") + "\n", text)
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
    return soup_to_text(parse_html(clean_text(html)), main_only=main_only)


def soup_to_text(soup: BeautifulSoup, *, main_only: bool = False) -> tuple[str, list[Link]]:
    """``html_to_text`` of a page already parsed (from cleaned text: ``parse_html(clean_text(html))``)."""
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


def parse_html(html: str) -> BeautifulSoup:
    """BeautifulSoup over lxml, quiet about text that merely looks like a URL or a file name."""
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(html, "lxml")


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

    def walk(self, root: Tag) -> None:
        """Write the text under ``root``, depth first, with an explicit stack: nesting depth is the input's to choose."""
        from bs4 import Comment, NavigableString, Tag

        stack: list[tuple[Iterator[PageElement], bool, tuple[str, int, int] | None]] = [
            (iter(root.children), False, None)
        ]
        while stack:
            children, is_block, anchor = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                self._close(is_block, anchor)
                continue
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.write(str(child))
                continue
            if not isinstance(child, Tag) or child.name in _DROP:
                continue
            opens_block = child.name in _BLOCK
            if opens_block:
                self.block()
            href = child.get("href") if child.name == "a" else None
            link = None
            if isinstance(href, str) and href.strip() and not href.startswith(("javascript:", "#")):
                link = (href.strip(), self.size, len(self.parts))
            stack.append((iter(child.children), opens_block, link))

    def _close(self, is_block: bool, anchor: tuple[str, int, int] | None) -> None:
        if anchor is not None:
            href, before, first = anchor
            written = "".join(self.parts[first:])
            lead = len(written) - len(written.lstrip())
            self.links.append(Link(href, written.strip(), before + lead))
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
