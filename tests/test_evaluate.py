"""Mention precision and recall against hand labels on real Alignment Forum excerpts (issue 4)."""

from pathlib import Path

import pytest
import yaml

from kg.corpus import read_corpus
from kg.evaluate import score_passages

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def af_documents(shared):
    return read_corpus([shared / "corpus" / "alignment-forum" / "af_posts.jsonl"])


@pytest.mark.parametrize(
    "name, precision, recall",
    [("labelled_af", 0.92, 0.88), ("labelled_af_heldout", 0.90, 0.78)],
)
def test_mention_precision_and_recall(extractor, vocabulary, af_documents, name, precision, recall):
    labels = yaml.safe_load((FIXTURES / f"{name}.yaml").read_text())
    assert all(label.startswith("missing:") or label in vocabulary.concepts for ls in labels.values() for label in ls)
    score = score_passages(extractor, af_documents, labels)
    assert score.true_positives + len(score.false_negatives) == sum(len(v) for v in labels.values())
    assert score.precision >= precision, score.false_positives
    assert score.recall >= recall, score.false_negatives
