"""Citations: resolve documents' outgoing links to other documents of the corpus.

A link resolves by, in order: LessWrong post id (on lesswrong.com, alignmentforum.org, greaterwrong.com),
normalized URL, arXiv id, DOI, and site-relative slug (``/slug`` or ``/slug#section``, matched against
permalinks, aliases and file names). Links that resolve to nothing stay outside links and are only counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote, urlparse

from .corpus import Document, lesswrong_id, normalize_url

__all__ = ["CitationIndex", "arxiv_id", "doi", "outside_key"]

_ARXIV = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/((?:\d{4}\.\d{4,5})|(?:[a-z\-]+(?:\.[A-Z]{2})?/\d{7}))(?:v\d+)?", re.I
)
_DOI = re.compile(r"(?:doi\.org/|doi:\s*)(10\.\d{4,9}/[^\s\"'<>#?]+)", re.I)


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


class CitationIndex:
    """Every handle by which a document of the corpus can be linked to."""

    def __init__(self, documents: Iterable[Document]):
        self.by_key: dict[str, str] = {}
        for document in documents:
            for key in self._keys(document):
                self.by_key.setdefault(key, document.id)

    @staticmethod
    def _keys(document: Document) -> Iterable[str]:
        if document.id.startswith("lw:"):
            yield "lw:" + document.id[3:]
        if document.url:
            yield "url:" + normalize_url(document.url)
            post = lesswrong_id(document.url)
            if post and "commentId=" not in document.url:
                yield "lw:" + post
            if arxiv_id(document.url):
                yield "arxiv:" + arxiv_id(document.url)
        for value in (document.metadata.get("doi"), document.url, document.id):
            if isinstance(value, str) and (found := doi(value if "/" in value and "doi" in value else "doi:" + value)):
                yield "doi:" + found
        for name in document.names:
            yield "slug:" + name.strip("/").lower()

    def resolve(self, url: str) -> str | None:
        """The id of the corpus document a link points to, or ``None`` for an outside link.

        >>> from kg.corpus import Document
        >>> index = CitationIndex([Document("shard-theory", "Shard theory", "", names=("shard-theory",))])
        >>> index.resolve("/shard-theory#the-shard-theory-of-human-values")
        'shard-theory'
        """
        url = url.strip()
        post = lesswrong_id(url)
        if post and "commentId=" not in url and "lw:" + post in self.by_key:
            return self.by_key["lw:" + post]
        if re.match(r"^[a-z]+://", url, re.I):
            found = self.by_key.get("url:" + normalize_url(url))
            if found:
                return found
            if (paper := arxiv_id(url)) and "arxiv:" + paper in self.by_key:
                return self.by_key["arxiv:" + paper]
            if (found_doi := doi(url)) and "doi:" + found_doi in self.by_key:
                return self.by_key["doi:" + found_doi]
            return None
        if url.startswith(("mailto:", "#")):
            return None
        path = unquote(urlparse(url).path).strip("/").lower()
        path = path.removeprefix("posts/")
        return self.by_key.get("slug:" + path) if path else None


def outside_key(url: str) -> str | None:
    """How an unresolved outside link is counted: ``arXiv:<id>``, ``doi:<doi>`` or its domain."""
    if paper := arxiv_id(url):
        return f"arXiv:{paper}"
    if found := doi(url):
        return f"doi:{found}"
    if re.match(r"^https?://", url, re.I):
        host = urlparse(url).netloc.lower().removeprefix("www.")
        return host or None
    return None
