"""Mention quality against hand labels: which concepts kg finds in each passage, scored as precision and recall."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .corpus import Document
from .extract import Extractor
from .keys import is_concept_key

__all__ = ["Score", "score_passages"]


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
        found = {m.key for m in extraction.mentions if is_concept_key(m.key)}
        wanted = set(labels[extraction.doc_id])
        score.true_positives += len(found & wanted)
        score.false_positives += [(extraction.doc_id, k) for k in sorted(found - wanted)]
        score.false_negatives += [(extraction.doc_id, k) for k in sorted(wanted - found)]
    return score
