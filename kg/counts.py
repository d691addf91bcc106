"""Counting: mentions, co-occurrence units and evidence sentences, in one streaming pass over the extractions.

Which concept a mention counts for comes from a ``slug_of`` function (see ``kg.discover.Resolution``); the result
is a frozen ``Counts`` record that ``kg.graph`` turns into nodes and edges.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

from .records import Extraction, Mention

__all__ = ["Evidence", "Counts", "count", "document_evidence", "evidence_score", "outermost", "units_of"]


@dataclass(frozen=True, order=True)
class Evidence:
    """A sentence that shows a concept (or a pair) in use: its document, its index there and its text."""

    doc: str
    sentence: int
    text: str


@dataclass(frozen=True)
class Counts:
    """Everything the graph is built from, per concept and per pair of concepts (pairs sorted).

    ``units`` is the corpus's number of co-occurrence units; ``concept_units``/``pair_units`` count the units a
    concept or pair occurs in; ``concept_docs`` the documents a concept occurs in, ``pair_docs`` the documents in
    which a pair meets within a unit, and ``doc_pairs`` the documents that hold both, anywhere; ``documents`` is
    the number of documents counted; ``mentions`` counts each (document, concept); ``years`` counts a concept's
    mentions per publication year.
    """

    units: int
    documents: int
    concept_count: Mapping[str, int]
    concept_docs: Mapping[str, int]
    concept_units: Mapping[str, int]
    years: Mapping[str, Mapping[int, int]]
    pair_units: Mapping[tuple[str, str], int]
    pair_docs: Mapping[tuple[str, str], int]
    doc_pairs: Mapping[tuple[str, str], int]
    mentions: Mapping[tuple[str, str], int]
    concept_evidence: Mapping[str, tuple[Evidence, ...]]
    pair_evidence: Mapping[tuple[str, str], tuple[Evidence, ...]]


def evidence_score(text: str, n_concepts: int) -> tuple[float, ...]:
    """Higher is better: sentences of readable length that name several concepts.

    >>> evidence_score("Corrigibility and power-seeking meet here.", 2) > evidence_score("x", 2)
    True
    """
    length = len(text)
    readable = -abs(min(length, 400) - 160) / 40
    return (readable + min(n_concepts, 4), -length)


class _Best:
    """Keeps the best ``size`` items per key, deterministic under ties."""

    def __init__(self, size: int):
        self.size = size
        self.items: dict[Hashable, list[tuple[tuple[float, ...], Evidence]]] = defaultdict(list)

    def offer(self, key: Hashable, score: tuple[float, ...], item: Evidence) -> None:
        heap = self.items[key]
        entry = (score, item)
        if any((e.doc, e.sentence) == (item.doc, item.sentence) for _, e in heap):
            return
        if len(heap) < self.size:
            heapq.heappush(heap, entry)
        elif entry > heap[0]:
            heapq.heapreplace(heap, entry)

    def best(self) -> dict:
        """Every key's kept evidence, best first."""
        return {key: tuple(item for _, item in sorted(heap, reverse=True)) for key, heap in self.items.items()}


def outermost(keyed: list[tuple[str, Mention]]) -> list[tuple[str, Mention]]:
    """The counted mentions of a document that no other counted mention contains, in their order.

    Discovery's candidates nest ("reward" in "reward hacking"); a stretch of text counts once, for its longest term.

    >>> from kg.records import Mention
    >>> long, inner = (Mention(k, "a", 0, 0, 0, s, e, "", "") for k, s, e in [("rh", 0, 14), ("r", 0, 6)])
    >>> [k for k, _ in outermost([("rh", long), ("r", inner)])]
    ['rh']
    """
    reach = -1
    inside: set[tuple[int, int]] = set()
    for start, end in sorted({(m.start, m.end) for _, m in keyed}, key=lambda span: (span[0], -span[1])):
        if end <= reach:  # an earlier span starts no later and ends no sooner: it holds this one
            inside.add((start, end))
        reach = max(reach, end)
    return [(key, m) for key, m in keyed if (m.start, m.end) not in inside] if inside else keyed


def units_of(mention: Mention, window: str | int) -> Hashable:
    """The co-occurrence unit a mention falls in: its sentence, its paragraph or its block of ``window`` tokens."""
    if window == "sentence":
        return mention.sentence
    if window == "paragraph":
        return ("p", mention.paragraph)
    return ("t", mention.token // int(window))


def _unit_total(extraction: Extraction, window: str | int) -> int:
    if window == "sentence":
        return extraction.n_sentences
    if window == "paragraph":
        return extraction.n_paragraphs
    return extraction.n_tokens // int(window) + 1


def count(
    extractions: Iterable[Extraction],
    slug_of: Callable[[str], str | None],
    *,
    window: str | int = "sentence",
    evidence: int = 3,
    years: Mapping[str, int | None] | None = None,
) -> Counts:
    """Count concepts, pairs and evidence; each pair once per unit, units as ``window`` says.

    Evidence is always whole sentences, whatever the window. ``years`` gives each document's publication year.

    >>> from kg.records import Mention, Extraction
    >>> ms = [Mention(k, "a", 0, 0, i, 0, 1, k, "A and B.") for i, k in enumerate("ab")]
    >>> counts = count([Extraction("a", tuple(ms), 1, 1, 3, (), ())], lambda k: k)
    >>> counts.pair_units, counts.pair_evidence[("a", "b")][0].text
    (Counter({('a', 'b'): 1}), 'A and B.')
    """
    years = years or {}
    concept_count: Counter = Counter()
    concept_docs: Counter = Counter()
    concept_units: Counter = Counter()
    concept_years: dict[str, Counter] = defaultdict(Counter)
    pair_units: Counter = Counter()
    pair_docs: Counter = Counter()
    doc_pairs: Counter = Counter()
    mentions: Counter = Counter()
    concept_evidence = _Best(evidence)
    pair_evidence = _Best(evidence)
    total_units = documents = 0
    for extraction in extractions:
        documents += 1
        keyed = outermost(extraction.mentions.keyed(slug_of))
        counts = Counter(k for k, _ in keyed)
        concept_count.update(counts)
        concept_docs.update(counts.keys())
        doc_pairs.update(combinations(sorted(counts), 2))
        year = years.get(extraction.doc_id)
        for key, n in counts.items():
            mentions[(extraction.doc_id, key)] = n
            if year:
                concept_years[key][year] += n
        units: dict[Hashable, set[str]] = defaultdict(set)
        for key, mention in keyed:
            units[units_of(mention, window)].add(key)
        total_units += _unit_total(extraction, window)
        met: set[tuple[str, str]] = set()
        for members in units.values():
            concept_units.update(members)
            pairs = list(combinations(sorted(members), 2))
            pair_units.update(pairs)
            met.update(pairs)
        pair_docs.update(met)
        sentences: dict[int, tuple[Mention, set[str]]] = {}
        for key, mention in keyed:
            sentences.setdefault(mention.sentence, (mention, set()))[1].add(key)
        for mention, members in sentences.values():
            if not mention.sentence_text:
                continue
            score = evidence_score(mention.sentence_text, len(members))
            item = Evidence(mention.doc_id, mention.sentence, mention.sentence_text)
            for key in sorted(members):
                concept_evidence.offer(key, score, item)
            for pair in combinations(sorted(members), 2):
                pair_evidence.offer(pair, score, item)
    return Counts(
        units=total_units,
        documents=documents,
        concept_count=concept_count,
        concept_docs=concept_docs,
        concept_units=concept_units,
        years={k: dict(v) for k, v in concept_years.items()},
        pair_units=pair_units,
        pair_docs=pair_docs,
        doc_pairs=doc_pairs,
        mentions=mentions,
        concept_evidence=concept_evidence.best(),
        pair_evidence=pair_evidence.best(),
    )


def document_evidence(
    extractions: Iterable[Extraction],
    slug_of: Callable[[str], str | None],
    pairs: Iterable[tuple[str, str]],
    *,
    evidence: int = 3,
) -> dict[tuple[str, str], tuple[Evidence, ...]]:
    """Evidence for pairs that meet only in documents: from each shared document, its best sentence for each of the
    two concepts (a second, targeted pass over the extractions)."""
    wanted: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pair in pairs:
        for node in pair:
            wanted[node].append(pair)
    best = _Best(evidence)
    if not wanted:
        return {}
    for extraction in extractions:
        sentences: dict[str, tuple[tuple[float, ...], Evidence]] = {}
        for key, mention in extraction.mentions.keyed(lambda k: slug if (slug := slug_of(k)) in wanted else None):
            if mention.sentence_text:
                offer = (
                    evidence_score(mention.sentence_text, 1),
                    Evidence(mention.doc_id, mention.sentence, mention.sentence_text),
                )
                if key not in sentences or offer > sentences[key]:
                    sentences[key] = offer
        for key in sorted(sentences):
            for pair in wanted[key]:
                if pair[0] in sentences and pair[1] in sentences:
                    best.offer(pair, *sentences[key])
    return best.best()
