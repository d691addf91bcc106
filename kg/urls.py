"""URL identity: when two links name the same page, and the LessWrong, arXiv and DOI ids inside URLs.

A leaf module: the readers use it to tell duplicate documents apart, the citation resolver to match links.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

__all__ = [
    "is_absolute",
    "normalize_url",
    "lesswrong_id",
    "comment_id",
    "post_key",
    "arxiv_id",
    "doi",
    "outside_key",
    "ARXIV_ID",
]

_SCHEME = re.compile(r"^[a-z]+://", re.I)
_COMMENT = re.compile(r"[?&]commentId=(\w+)")
_LW_POST = re.compile(r"(?:lesswrong\.com|alignmentforum\.org|greaterwrong\.com)/posts/([A-Za-z0-9]{17})(?:/|$|[?#])")
ARXIV_ID = r"(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})"  # 2312.09390, or hep-th/9901001 before 2007
_ARXIV = re.compile(r"arxiv\.org/(?:abs|pdf|html)/(" + ARXIV_ID + r")(?:v\d+)?", re.I)
_DOI = re.compile(r"(?:doi\.org/|doi:\s*)(10\.\d{4,9}/[^\s\"'<>#?]+)", re.I)


def is_absolute(url: str) -> bool:
    """Whether a link names its scheme (``https://...``) rather than a path on the linking site.

    >>> is_absolute("https://x.org/a"), is_absolute("/posts/abc")
    (True, False)
    """
    return _SCHEME.match(url) is not None


def comment_id(url: str | None) -> str | None:
    """The LessWrong comment a URL points at (``?commentId=...``): a page of its own, not its post.

    >>> comment_id("https://www.lesswrong.com/posts/abcdefghijklmnopq/x?commentId=c123")
    'c123'
    """
    match = _COMMENT.search(url or "")
    return match.group(1) if match else None


# Query parameters that say where a click came from, not which page it is.
_TRACKING = re.compile(r"^(?:utm_\w*|fbclid|gclid|dclid|mc_cid|mc_eid|ref_src|_hsenc|_hsmi)$", re.I)


def normalize_url(url: str, *, query: bool = True) -> str:
    """A URL reduced to what identifies a page: no scheme, ``www.``, fragment, trailing slash or tracking
    parameters; the rest of the query is kept (sorted), since ``forum?id=A`` and ``forum?id=B`` are two pages.

    With ``query=False`` the whole query goes, but a LessWrong ``commentId`` (a page of its own).

    >>> normalize_url("https://www.OpenReview.net/forum/?id=abc&utm_source=x#top")
    'openreview.net/forum?id=abc'
    >>> normalize_url("https://www.lesswrong.com/posts/abc/x/?view=1", query=False)
    'lesswrong.com/posts/abc/x'
    """
    url = _SCHEME.sub("", url.strip()).split("#", 1)[0]
    path, _, raw_query = url.partition("?")
    host, _, rest = path.rstrip("/").partition("/")
    host = host.lower().removeprefix("www.")
    pairs = [p for p in raw_query.split("&") if p and not _TRACKING.match(p.split("=", 1)[0])]
    if not query:
        pairs = [p for p in pairs if p.split("=", 1)[0] == "commentId"]
    kept = "?" + "&".join(sorted(pairs)) if pairs else ""
    return (f"{host}/{rest}" if rest else host) + kept


def lesswrong_id(url: str | None) -> str | None:
    """The 17-character post id in a LessWrong, Alignment Forum or GreaterWrong post URL.

    >>> lesswrong_id("https://www.alignmentforum.org/posts/uMQ3cqWDPHhjtiesc/agi-ruin")
    'uMQ3cqWDPHhjtiesc'
    """
    match = _LW_POST.search(url or "")
    return match.group(1) if match else None


def post_key(url: str | None) -> str | None:
    """``lw:<post id>`` for a LessWrong post URL; ``None`` for other URLs and for links to a comment.

    >>> post_key("https://www.lesswrong.com/posts/abcdefghijklmnopq/x"), post_key("https://x.org/a")
    ('lw:abcdefghijklmnopq', None)
    """
    post_id = lesswrong_id(url)
    return f"lw:{post_id}" if post_id and comment_id(url) is None else None


def arxiv_id(url: str) -> str | None:
    """The arXiv id in an abs, pdf or html URL, without its version.

    >>> arxiv_id("https://arxiv.org/pdf/2312.09390v2.pdf")
    '2312.09390'
    """
    match = _ARXIV.search(url)
    return match.group(1) if match else None


def doi(url: str) -> str | None:
    """The DOI in a doi.org URL or a ``doi:`` reference, lowercased.

    >>> doi("https://doi.org/10.23915/distill.00007/")
    '10.23915/distill.00007'
    """
    match = _DOI.search(url)
    return match.group(1).rstrip("/.").lower() if match else None


def outside_key(url: str) -> str | None:
    """How an unresolved outside link is counted: ``arXiv:<id>``, ``doi:<doi>`` or its domain.

    >>> outside_key("https://www.example.org/a?b=1"), outside_key("mailto:x@y.z"), outside_key("http://[::1")
    ('example.org', None, None)
    """
    if paper := arxiv_id(url):
        return f"arXiv:{paper}"
    if found := doi(url):
        return f"doi:{found}"
    if re.match(r"^https?://", url, re.I):
        try:
            host = urlparse(url).netloc.lower().removeprefix("www.")
        except ValueError:  # "http://[::1": not a URL a page can be counted under
            return None
        return host or None
    return None
