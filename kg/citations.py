"""Citations: documents' outgoing links resolved to other documents of the corpus, and the concepts they connect.

A link resolves by, in order: LessWrong post id (on lesswrong.com, alignmentforum.org, greaterwrong.com),
normalized URL, arXiv id, DOI, and site-relative slug (``/slug`` or ``/slug#section``, matched against
permalinks, aliases and file names). Links that resolve to nothing stay outside links and are only counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from .corpus import Document
from .records import Extraction
from .urls import arxiv_id, comment_id, doi, is_absolute, lesswrong_id, normalize_url, outside_key

__all__ = ["CitationIndex", "Citations", "cite"]

MAIN_CONCEPTS = 3  # a cited document's concepts that a citation links to


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
            if post and comment_id(document.url) is None:
                yield "lw:" + post
            if paper := arxiv_id(document.url):
                yield "arxiv:" + paper
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
        if post and comment_id(url) is None and "lw:" + post in self.by_key:
            return self.by_key["lw:" + post]
        if is_absolute(url):
            # The exact page first; then the page without its query ("?view=...", "?s=..."), but only
            # when that is how the corpus knows it, never another "?id=" of the same path.
            found = self.by_key.get("url:" + normalize_url(url)) or self.by_key.get(
                "url:" + normalize_url(url, query=False)
            )
            if found:
                return found
            if (paper := arxiv_id(url)) and "arxiv:" + paper in self.by_key:
                return self.by_key["arxiv:" + paper]
            if (found_doi := doi(url)) and "doi:" + found_doi in self.by_key:
                return self.by_key["doi:" + found_doi]
            return None
        if url.startswith(("mailto:", "#")):
            return None
        try:
            path = unquote(urlparse(url).path).strip("/").lower()
        except ValueError:  # not a URL at all ("//[::1")
            return None
        path = path.removeprefix("posts/")
        return self.by_key.get("slug:" + path) if path else None


@dataclass(frozen=True)
class Citations:
    """Resolved citations: ``cites`` counts links per (citing, cited) document; ``through`` counts citation contexts
    per (concept near the link, main concept of the cited document); ``outside`` counts each document's unresolved
    links by ``kg.urls.outside_key``.
    """

    cites: Mapping[tuple[str, str], int]
    through: Mapping[tuple[str, str], int]
    outside: Mapping[str, Counter]


def cite(
    documents: Iterable[Document], extractions: Iterable[Extraction], slug_of: Callable[[str], str | None]
) -> Citations:
    """Resolve every link and link the concepts around it to the cited document's main concepts.

    The concepts around a link are those of its sentence and the sentences just before and after it; a link
    listed apart from the text (sentence -1) cites without concepts.
    """
    index = CitationIndex(documents)
    citing: list[tuple[str, str, tuple[str, ...]]] = []
    outside: dict[str, Counter] = defaultdict(Counter)
    main_concepts: dict[str, list[str]] = {}
    for extraction in extractions:
        doc_id = extraction.doc_id
        keyed = extraction.mentions.keyed(slug_of)
        main_concepts[doc_id] = [k for k, _ in Counter(k for k, _ in keyed).most_common(MAIN_CONCEPTS)]
        sentence_concepts: dict[int, set[str]] = defaultdict(set)
        for key, mention in keyed:
            sentence_concepts[mention.sentence].add(key)
        for url, sentence in extraction.links:
            target = index.resolve(url)
            if target and target != doc_id:
                nearby = (sentence - 1, sentence, sentence + 1) if sentence >= 0 else ()
                around = set().union(*(sentence_concepts.get(s, set()) for s in nearby))
                citing.append((doc_id, target, tuple(sorted(around))))
            elif target is None and (where := outside_key(url)):
                outside[doc_id][where] += 1
    cites: Counter = Counter()
    through: Counter = Counter()
    for source, target, concepts_around in citing:
        cites[(source, target)] += 1
        for a in concepts_around:
            for b in main_concepts.get(target, []):
                if a != b:
                    through[(a, b)] += 1
    return Citations(cites=cites, through=through, outside=dict(sorted(outside.items())))
