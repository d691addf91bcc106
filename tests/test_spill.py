"""Issue 13 point 2: past a memory budget, a build keeps its mention records in a temporary file and each pass
over the corpus reads them back; the files it writes are the same."""

from __future__ import annotations

import tracemalloc
import warnings

import pytest
from conftest import ROOT

import kg
import kg.pipeline
from kg.cache import extraction_from_json, extraction_to_json
from kg.corpus import read_file
from kg.spill import Spill, held_bytes, keep

SMALL = ROOT / "tests" / "fixtures" / "small"


@pytest.fixture(scope="module")
def steering(extractor, turntrout):
    """The extraction of a long TurnTrout post (over 500 mentions)."""
    [document] = read_file(turntrout / "steering-gpt-2-xl-by-adding-an-activation-vector.md")
    return extractor.extract(document)


def _same_files(a, b) -> None:
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir()) and "graph.html" in names
    assert [n for n in names if (a / n).read_bytes() != (b / n).read_bytes()] == []


def _spying(monkeypatch) -> list[str]:
    kept: list[str] = []

    def spy(extractions, budget=None):
        found = keep(extractions, budget)
        kept.append(type(found).__name__)
        return found

    monkeypatch.setattr(kg.pipeline, "keep", spy)
    return kept


def test_issue_13_a_spilled_extraction_reads_back_whole_in_any_order(extractor, steering):
    small = [extractor.extract(d) for path in sorted(SMALL.iterdir()) for d in read_file(path)]
    extractions = [steering, *small]
    with Spill() as spill:
        for extraction in extractions:
            spill.append(extraction)
        assert len(spill) == len(extractions) and list(spill) == extractions
        assert spill[0] == steering and spill[-1] == small[-1] and spill[1:3] == small[:2]
        # Two passes at once (a pass may look a document up while another runs): each keeps its place.
        pairs = [(a.doc_id, b.doc_id) for a, b in zip(spill, reversed(list(spill)), strict=True)]
        assert pairs == [(a.doc_id, b.doc_id) for a, b in zip(extractions, reversed(extractions), strict=True)]
    assert spill._file.closed


def test_issue_13_spilled_records_leave_memory(steering):
    """What a build holds of a spilled corpus is each document's place in the file, not its mentions."""

    def copies():  # 20 documents, each its own objects, as extraction makes them
        for _ in range(20):
            yield extraction_from_json(extraction_to_json(steering))

    tracemalloc.start()
    held = keep(copies(), budget=None)
    in_a_list = tracemalloc.get_traced_memory()[0]
    del held
    tracemalloc.reset_peak()
    start = tracemalloc.get_traced_memory()[0]
    spilled = keep(copies(), budget=2 * held_bytes(steering))
    in_a_spill = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    assert type(spilled) is Spill and len(spilled) == 20 and spilled[19] == steering
    assert in_a_spill * 10 < in_a_list, (in_a_spill, in_a_list)
    spilled.close()


def test_issue_13_the_small_corpus_past_its_budget_gives_the_same_files(small_build, tmp_path, monkeypatch):
    kept = _spying(monkeypatch)
    kg.build([SMALL], tmp_path, memory_budget=0)
    assert kept == ["Spill"]
    _same_files(small_build[1], tmp_path)


def test_issue_13_turntrout_past_its_budget_gives_the_same_files(turntrout, turntrout_build, tmp_path, monkeypatch):
    """A budget of 500 KB: the first few posts are held, then every post goes to the file, and every pass
    (discovery, abbreviations, counts, evidence, citations) reads it back."""
    kept = _spying(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kg.build([turntrout], tmp_path, memory_budget=500_000)
    assert kept == ["Spill"]
    _same_files(turntrout_build[1], tmp_path)
