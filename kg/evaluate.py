"""Quality against hand labels: mentions (which concepts kg finds in each passage, as precision and recall) and
relations (how well edge weights rank well-known related pairs above random pairs, as AUC)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

from .corpus import Document
from .extract import Extractor
from .keys import is_concept_key

__all__ = ["Score", "score_passages", "LinkScore", "score_links"]


@dataclass
class Score:
    """Concept-level precision and recall over passages, with the disagreements listed for review."""

    true_positives: int = 0
    false_positives: list[tuple[str, str]] = field(default_factory=list)
    false_negatives: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + len(self.false_positives)
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + len(self.false_negatives)
        return self.true_positives / wanted if wanted else 1.0


def score_passages(extractor: Extractor, documents: Iterable[Document], labels: Mapping[str, list[str]]) -> Score:
    """Compare the vocabulary concepts found in each labelled document (title and text) with its labels.

    Short forms count for a concept only when the passage defines them or the vocabulary lists them, as in a build.
    """
    score = Score()
    wanted_docs = [d for d in documents if d.id in labels]
    for extraction in extractor.extract_all(wanted_docs):
        found = {key for key in extraction.mentions.keys if is_concept_key(key)}
        wanted = set(labels[extraction.doc_id])
        score.true_positives += len(found & wanted)
        score.false_positives += [(extraction.doc_id, k) for k in sorted(found - wanted)]
        score.false_negatives += [(extraction.doc_id, k) for k in sorted(wanted - found)]
    return score


@dataclass
class LinkScore:
    """How co-occurrence weights separate related pairs from random ones.

    ``auc``: the chance that a related pair outweighs a random pair (ties count half; an unlinked pair weighs 0);
    ``linked``: the share of related pairs joined directly by a ``co_occurs`` edge; ``present``: related pairs
    whose two concepts are both in the graph (the others are not scored).
    """

    auc: float
    linked: float
    present: int
    total: int
    unlinked: list[tuple[str, str]] = field(default_factory=list)


def score_links(
    graph: nx.MultiDiGraph, pairs: Sequence[tuple[str, str]], *, random_pairs: int = 2000, seed: int = 0
) -> LinkScore:
    """Score the ``co_occurs`` weights of ``graph`` on related ``pairs`` against random pairs of its concepts.

    >>> g = nx.MultiDiGraph()
    >>> g.add_nodes_from("abcd", kind="concept")
    >>> _ = g.add_edge("a", "b", key="co_occurs", weight=2.0)
    >>> score = score_links(g, [("a", "b")], random_pairs=10)
    >>> score.linked, score.auc > 0.5
    (1.0, True)
    """
    concepts = sorted(n for n, kind in graph.nodes(data="kind") if kind == "concept")
    present = [(a, b) for a, b in pairs if a in graph and b in graph]

    def weight(a: str, b: str) -> float:
        data = graph.get_edge_data(a, b, key="co_occurs") or graph.get_edge_data(b, a, key="co_occurs") or {}
        return float(data.get("weight") or 0.0)

    related = {frozenset(p) for p in pairs}
    rng = random.Random(seed)
    baseline: list[float] = []
    while len(concepts) > 1 and len(baseline) < random_pairs:
        a, b = rng.sample(concepts, 2)
        if frozenset((a, b)) not in related:
            baseline.append(weight(a, b))
    scores = [weight(a, b) for a, b in present]
    wins = sum((s > r) + 0.5 * (s == r) for s in scores for r in baseline)
    return LinkScore(
        auc=wins / (len(scores) * len(baseline)) if scores and baseline else 0.0,
        linked=sum(s > 0 for s in scores) / len(scores) if scores else 0.0,
        present=len(present),
        total=len(pairs),
        unlinked=[p for p, s in zip(present, scores, strict=True) if s <= 0],
    )
