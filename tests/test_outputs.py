"""Issue 10: a build's outputs are replaced as a set, whatever happens while they are written."""

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

import kg
from kg.errors import KgError

SMALL = ROOT / "tests" / "fixtures" / "small"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_issue_10_a_kill_at_any_moment_leaves_one_whole_set(tmp_path):
    corpus_b = tmp_path / "b"
    shutil.copytree(SMALL, corpus_b)
    (corpus_b / "extra.md").write_text("---\ntitle: Extra\n---\nCorrigibility and sycophancy again.", encoding="utf-8")
    outdir = tmp_path / "out"
    kg.build([SMALL], outdir)
    old = _snapshot(outdir)
    kg.build([corpus_b], tmp_path / "reference")
    new = _snapshot(tmp_path / "reference")
    assert old.keys() == new.keys() and old != new
    command = [sys.executable, "-m", "kg", "build", str(corpus_b), "-o", str(outdir), "--no-cache"]
    whole = float("inf")
    for _ in range(2):  # the faster of two runs: a slow first one would put every kill after the end
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        whole = min(whole, time.perf_counter() - start)
    shutil.rmtree(outdir)
    kg.build([SMALL], outdir)
    seen = set()
    for step in range(6):  # kills spread over the second half of a run, where the writing happens
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(whole * (0.55 + step * 0.09))
        process.send_signal(signal.SIGKILL)
        process.wait()
        found = _snapshot(outdir)
        assert found in (old, new), f"a mixed set after a kill at step {step}"
        seen.add("new" if found == new else "old")
        if found == new:
            shutil.rmtree(outdir)
            kg.build([SMALL], outdir)
    assert "old" in seen
    subprocess.run(command, check=True, capture_output=True)
    assert _snapshot(outdir) == new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b", "out", "reference"]  # killed builds' staging removed


def test_issue_10_a_full_disk_keeps_the_previous_outputs(tmp_path, monkeypatch):
    outdir = tmp_path / "out"
    kg.build([SMALL], outdir)
    (outdir / "my-notes.txt").write_text("mine", encoding="utf-8")
    before = _snapshot(outdir)
    calls = []
    real = Path.write_bytes

    def full(self, data):
        calls.append(self.name)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(
        KgError, match=r"cannot write the outputs to .*No space left on device.*previous outputs are unchanged"
    ):
        kg.build([SMALL], outdir, settings=kg.Settings(seed=7))
    monkeypatch.undo()
    assert _snapshot(outdir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_output_folder_with_folders_of_its_own_is_replaced_file_by_file(tmp_path):
    outdir = tmp_path / "out"
    (outdir / "keep").mkdir(parents=True)
    with pytest.warns(kg.KgWarning, match="holds folders of its own"):
        result = kg.build([SMALL], outdir)
    assert (outdir / "keep").is_dir() and all(p.exists() for p in result.written)


def _build(corpus: Path, outdir: Path, cache: Path) -> subprocess.Popen:
    env = {**os.environ, "KG_CACHE_DIR": str(cache)}
    command = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(outdir)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_issue_13_two_builds_share_the_cache_and_a_killed_one_spoils_nothing(tmp_path, turntrout):
    cache = tmp_path / "cache"
    first, second = _build(turntrout, tmp_path / "a", cache), _build(turntrout, tmp_path / "b", cache)
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0, second.stderr.read()
    a, b = _snapshot(tmp_path / "a"), _snapshot(tmp_path / "b")
    assert a["graph.graphml"] == b["graph.graphml"]
    from kg.cache import cache_info, clear_cache

    assert cache_info(cache).entries == 177  # every document, once
    clear_cache(cache)
    killed = _build(turntrout, tmp_path / "c", cache)
    deadline = time.monotonic() + 120
    while cache_info(cache).entries < 64 and time.monotonic() < deadline:  # the first batch is committed
        time.sleep(0.2)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert 64 <= cache_info(cache).entries < 177
    again = _build(turntrout, tmp_path / "d", cache)
    assert again.wait(timeout=300) == 0
    assert _snapshot(tmp_path / "d")["graph.graphml"] == a["graph.graphml"] and cache_info(cache).entries == 177


def test_issue_13_a_rebuild_of_an_unchanged_corpus_reads_its_measures_back(tmp_path, monkeypatch):
    """Communities, centralities and layout are kept in the cache under a hash of the graph and what steers them:
    read back for the same graph, computed again for another seed or when the stored value does not fit."""
    import sqlite3

    import kg.pipeline

    cache = tmp_path / "cache"
    kg.build([SMALL], tmp_path / "a", cache_dir=cache)
    measured = []
    real = kg.pipeline.analyze
    monkeypatch.setattr(kg.pipeline, "analyze", lambda graph, **knobs: measured.append(knobs) or real(graph, **knobs))
    with sqlite3.connect(cache / "extractions.sqlite") as db:
        db.execute("DELETE FROM build")  # the outputs stored whole would be written out, nothing measured
    kg.build([SMALL], tmp_path / "b", cache_dir=cache)
    assert measured == [] and _snapshot(tmp_path / "b") == _snapshot(tmp_path / "a")
    with sqlite3.connect(cache / "extractions.sqlite") as db:
        db.execute("""UPDATE measures SET value = replace(value, '"degree": ', '"degree": "')""")
        db.execute("DELETE FROM build")
    kg.build([SMALL], tmp_path / "c", cache_dir=cache)
    assert len(measured) == 1 and _snapshot(tmp_path / "c") == _snapshot(tmp_path / "a")
    kg.build([SMALL], tmp_path / "d", cache_dir=cache, settings=kg.Settings(seed=7))
    assert len(measured) == 2 and _snapshot(tmp_path / "d") != _snapshot(tmp_path / "a")


def _graph_data(graph) -> tuple:
    return graph.graph, list(graph.nodes(data=True)), list(graph.edges(keys=True, data=True))


def test_issue_13_an_unchanged_build_writes_its_stored_outputs_without_reading_a_document(tmp_path, monkeypatch):
    """The outputs of the last builds are kept whole with a hash of what made them: the same input files,
    vocabulary, settings and code write them again (with the same warnings and result) and read no document;
    a changed byte, setting or vocabulary builds, and so does a stored build that does not hold together."""
    import sqlite3

    import kg.pipeline
    from kg.cache import cache_info
    from kg.errors import KgWarning

    corpus = tmp_path / "corpus"
    shutil.copytree(SMALL, corpus)
    (corpus / "empty.md").write_text("---\ntitle: Nothing here\n---\n", encoding="utf-8")
    cache = tmp_path / "cache"
    with pytest.warns(KgWarning, match="1 file held no text"):
        first = kg.build([corpus], tmp_path / "a", cache_dir=cache)
    scans: list[object] = []
    real = kg.pipeline.scan_corpus
    monkeypatch.setattr(kg.pipeline, "scan_corpus", lambda *args, **kw: scans.append(args) or real(*args, **kw))
    with pytest.warns(KgWarning, match="1 file held no text"):
        again = kg.build([corpus], tmp_path / "b", cache_dir=cache)
    assert scans == [] and _snapshot(tmp_path / "b") == _snapshot(tmp_path / "a")
    assert _graph_data(again.graph) == _graph_data(first.graph)
    assert (again.documents, again.abbreviations, again.report) == (first.documents, first.abbreviations, first.report)
    assert [p.name for p in again.written] == [p.name for p in first.written]

    post = sorted(corpus.glob("*.md"))[0]
    post.write_text(post.read_text(encoding="utf-8") + "\nOne more sentence on corrigibility.\n", encoding="utf-8")
    changed = kg.build([corpus], tmp_path / "c", cache_dir=cache)
    assert (
        len(scans) == 1
        and changed.graph.nodes["corrigibility"]["count"] == first.graph.nodes["corrigibility"]["count"] + 1
    )
    kg.build([corpus], tmp_path / "d", cache_dir=cache, settings=kg.Settings(seed=7))
    kg.build([corpus], tmp_path / "e", cache_dir=cache, settings=kg.Settings(builtin_vocab=False))
    assert len(scans) == 3 and cache_info(cache).builds == 3
    kg.build([corpus], tmp_path / "f", cache_dir=cache, settings=kg.Settings(seed=7))
    assert len(scans) == 3 and _snapshot(tmp_path / "f") == _snapshot(tmp_path / "d")

    with sqlite3.connect(cache / "extractions.sqlite") as db:
        db.execute("UPDATE output SET value = x'00' WHERE name = 'graph.json'")
    kg.build([corpus], tmp_path / "g", cache_dir=cache, settings=kg.Settings(seed=7))
    assert len(scans) == 4 and _snapshot(tmp_path / "g") == _snapshot(tmp_path / "d")
    with sqlite3.connect(cache / "extractions.sqlite") as db:
        db.execute("""UPDATE build SET value = replace(value, '"documents": ', '"documents": "')""")
    kg.build([corpus], tmp_path / "h", cache_dir=cache, settings=kg.Settings(seed=7))
    assert len(scans) == 5 and _snapshot(tmp_path / "h") == _snapshot(tmp_path / "d")


def test_issue_13_outputs_are_made_and_written_one_at_a_time(tmp_path):
    """A build holds one output's text at a time: each file is made when it is written, after the ones before."""
    from kg.export import replace_outputs

    made = []

    def maker(name):
        def make():
            staged = [p.name for p in tmp_path.glob(".out.kg-*/*")]
            made.append((name, sorted(staged)))
            return name.upper()

        return make

    replace_outputs(tmp_path / "out", {"a.txt": maker("a"), "b.txt": maker("b"), "c.txt": b"plain"})
    assert made == [("a", []), ("b", ["a.txt"])]
    assert [(p.name, p.read_text()) for p in sorted((tmp_path / "out").iterdir())] == [
        ("a.txt", "A"),
        ("b.txt", "B"),
        ("c.txt", "plain"),
    ]
