"""Issue 9: spaCy is imported by extraction alone, pyvis by the page alone; query commands load neither."""

import subprocess
import sys


def _modules_loaded(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True)
    return {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}


def test_stages_after_extraction_import_no_spacy():
    loaded = _modules_loaded(
        "import kg, kg.graph, kg.discover, kg.abbreviations, kg.counts, kg.citations, kg.layout, kg.query, kg.export"
    )
    assert "spacy" not in loaded and "pyvis" not in loaded and "kg" in loaded


def test_issue_9_kg_concepts_loads_neither_spacy_nor_pyvis(small_build):
    command = [sys.executable, "-X", "importtime", "-m", "kg", "concepts", str(small_build[1]), "--top", "1"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert done.stdout.startswith("  1. large language model")
    loaded = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert {"kg", "networkx", "click"} <= loaded
    assert not loaded & {"spacy", "pyvis", "bs4", "lxml", "thinc"}


def test_issue_13_a_rebuild_that_finds_everything_cached_loads_no_spacy(turntrout, tmp_path):
    """Extractions, tagger verdicts and measures all come from the cache: spaCy (a second of start-up) is not
    imported; the first build, which extracts, does import it. (The second asks for another page, so that it
    is built, not written from the outputs stored whole.) The third repeats the first and is written from its
    stored outputs: it loads no reader, word list or page library either (0.9 -> 0.6 s on TurnTrout)."""
    import os

    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache")}
    builds = []
    for out, page in (("a", "400"), ("b", "300"), ("c", "400")):
        command = [sys.executable, "-X", "importtime", "-m", "kg", "build", str(turntrout), "-o", str(tmp_path / out)]
        command += ["--max-nodes", page]
        done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
        builds.append({line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line})
    assert "spacy" in builds[0] and not builds[1] & {"spacy", "thinc"} and "kg" in builds[1]
    assert {"wordfreq", "pyvis"} <= builds[0] and not builds[2] & {"spacy", "wordfreq", "bs4", "lxml", "pyvis"}
    assert (tmp_path / "c" / "graph.html").read_bytes() == (tmp_path / "a" / "graph.html").read_bytes()
    assert (tmp_path / "a" / "graph.json").read_bytes() == (tmp_path / "b" / "graph.json").read_bytes()


def test_issue_13_a_vocabulary_only_build_loads_no_word_list(tmp_path):
    """wordfreq (0.1 s to import) serves discovery alone: a build without it never loads it, though it reads
    abbreviation definitions; a build with discovery does."""
    from pathlib import Path

    small = Path(__file__).parent / "fixtures" / "small"
    loaded = []
    for out, flags in (("a", ["--vocab-only"]), ("b", [])):
        command = [sys.executable, "-X", "importtime", "-m", "kg", "build", str(small), "-o", str(tmp_path / out)]
        done = subprocess.run([*command, "--no-cache", *flags], capture_output=True, text=True, check=True)
        loaded.append({line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line})
    assert "spacy" in loaded[0] and "wordfreq" not in loaded[0]
    assert "wordfreq" in loaded[1]
