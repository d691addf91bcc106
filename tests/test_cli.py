import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import ROOT

from kg.cli import cli


@pytest.fixture
def runner():
    return CliRunner()


@pytest.mark.parametrize(
    "command", ["", "build", "suggest", "concepts", "neighbors", "evidence", "path", "diff", "export"]
)
def test_help(runner, command):
    result = runner.invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: cli {command}".rstrip() + " [OPTIONS]")


def test_build_seeds_writes_files_and_summary(runner, tmp_path):
    from conftest import ROOT

    result = runner.invoke(cli, ["build", str(ROOT / "corpus"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Documents: 2"
    assert lines[1].startswith("Concepts:  ") and "from the vocabulary" in lines[1]
    assert lines[4].startswith("Top concepts: artificial general intelligence (26), AI alignment (25)")
    assert (tmp_path / "out" / "graph.html").exists() and (tmp_path / "out" / "graph.graphml").exists()


def test_build_without_arguments_reads_corpus_into_output(runner, tmp_path, monkeypatch):
    import shutil

    from conftest import ROOT

    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "output").iterdir()) == [
        "abbreviations.csv",
        "edges.csv",
        "graph-concepts.graphml",
        "graph.gexf",
        "graph.graphml",
        "graph.html",
        "graph.json",
        "manifest.json",
        "nodes.csv",
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["build", "no/such/place"], "Error: no such file, folder or glob match: no/such/place\n"),
        (["build", "--window", "1"], "Error: window = 1; must be 'sentence', 'paragraph' or a number of tokens >= 2\n"),
        (["build", "--vocab", "missing.yaml"], "Error: vocabulary file missing.yaml does not exist\n"),
    ],
)
def test_build_errors_are_one_line(runner, args, message, tmp_path, monkeypatch):
    from conftest import ROOT

    monkeypatch.chdir(ROOT)
    result = runner.invoke(cli, [*args, "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == message


def test_build_warns_once_and_keeps_going(runner, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text("Notes on corrigibility\n\nCorrigibility and deception.")
    (tmp_path / "in" / "bad.json").write_text("{oops")
    result = runner.invoke(cli, ["build", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert "Warning: skipped 1 unreadable file: " in result.output and "bad.json: not valid JSON" in result.output
    assert "Documents: 1" in result.output


def test_suggest_lists_candidates_with_a_pasteable_snippet(runner, turntrout, tmp_path, vocabulary):
    import json

    import yaml

    from kg.vocab import load_vocabulary

    rows = json.loads(runner.invoke(cli, ["suggest", str(turntrout), "--top", "40", "--json"]).stdout)
    assert len(rows) == 40
    # Issue 15: TurnTrout's own single-word and hyphenated terms are suggested.
    names = {row["name"] for row in rows}
    assert len(names & {"grader", "subshards", "whitelisting", "inaction", "chisel"}) >= 3
    assert names & {"grader-optimization", "decision-square"}
    for row in rows:
        assert vocabulary.lookup(row["name"]) is None and row["count"] >= 3 and row["documents"] >= 3
        assert row["example"]
    result = runner.invoke(cli, ["suggest", str(turntrout), "--top", "3"])
    assert result.exit_code == 0 and result.stdout.startswith(f"  1. {rows[0]['name']}  mentions=")
    snippet = yaml.safe_load(result.stdout.split("#   kg build --vocab my-concepts.yaml\n", 1)[1])
    assert [entry["name"] for entry in snippet] == [row["name"] for row in rows[:3]]
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump([{**entry, "definition": "Mine."} for entry in snippet]))
    assert load_vocabulary([path]).lookup(rows[0]["name"]).definition == "Mine."


def test_python_dash_m_kg():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "kg", "--version"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, "kg, version 0.1.0\n")


def test_summary_names_outside_domains_and_papers(runner, turntrout, tmp_path):
    result = runner.invoke(cli, ["build", str(turntrout), "-o", str(tmp_path)])
    lines = result.output.splitlines()
    assert lines[0] == "Documents: 177"
    assert any(line.startswith("Top outside domains: lesswrong.com (") for line in lines)
    assert any(line.startswith("Top outside papers: arXiv:") for line in lines)


def test_unwritable_cache_is_a_warning(runner, tmp_path, monkeypatch):
    from conftest import ROOT

    blocked = tmp_path / "cache-is-a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("KG_CACHE_DIR", str(blocked))
    result = runner.invoke(cli, ["build", str(ROOT / "corpus"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0
    assert f"Warning: cannot use the extraction cache in {blocked}" in result.output
    assert result.output.count("Warning:") == 1


def test_warnings_before_an_error_are_still_shown(runner, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bad.json").write_text("{oops")
    result = runner.invoke(cli, ["build", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("Warning: skipped 1 unreadable file: ") and lines[1].startswith(
        "Error: no documents found"
    )


def test_a_reader_that_leaves_early_is_not_an_error(turntrout_build):
    """``kg concepts ... | head -1``: the closed pipe ends kg quietly, with no 'unexpected error' line."""
    command = [sys.executable, "-m", "kg", "concepts", str(turntrout_build[1]), "--top", "1000", "--json"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        process.stdout.close()  # gone before kg has loaded the graph, as head is when it has its lines
        assert process.wait(timeout=60) == 0
        assert process.stderr.read() == b""


def test_issue_13_cache_info_and_clear(runner, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("KG_CACHE_DIR", str(folder))
    empty = "Extractions: 0 (0.0 MB)\nTagger verdicts: 0; graphs measured and laid out: 0\nBuilds whose outputs are kept: 0\n"
    assert runner.invoke(cli, ["cache", "info"]).output == f"Cache: {folder}\n{empty}"
    assert runner.invoke(cli, ["build", str(ROOT / "corpus"), "-o", str(tmp_path / "out")]).exit_code == 0
    output = runner.invoke(cli, ["cache", "info"]).output.splitlines()
    assert output[0] == f"Cache: {folder}" and output[1].startswith("Extractions: 2 (")
    assert re.fullmatch(r"Tagger verdicts: \d+; graphs measured and laid out: 1", output[2])
    assert output[3] == "Builds whose outputs are kept: 1"
    assert runner.invoke(cli, ["cache", "clear"]).output == f"Removed 2 extractions from {folder}\n"
    (folder / "extractions.sqlite").write_bytes(b"not a database at all, but long enough to be read as one" * 100)
    result = runner.invoke(cli, ["cache", "info"])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {folder / 'extractions.sqlite'} is not a usable cache (file is not a database); "
        "remove it with: kg cache clear\n"
    )


def _in_a_terminal(*arguments: str) -> str:
    """What ``kg ...`` prints on a 120-column terminal (stdout and stderr both)."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "kg", *arguments], stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    process.wait(timeout=120)
    os.close(master)
    return shown.decode("utf-8", errors="replace")


def test_issue_13_a_build_shows_its_progress_in_a_terminal(tmp_path):
    shown = _in_a_terminal("build", str(ROOT / "corpus"), "-o", str(tmp_path / "a"), "--no-cache")
    assert all(f"{step}:" in shown for step in ("reading", "extracting", "graph", "writing")) and "/2 [" in shown
    assert "Documents: 2" in shown
    quiet = _in_a_terminal("build", str(ROOT / "corpus"), "-o", str(tmp_path / "b"), "--no-cache", "--quiet")
    assert "reading:" not in quiet and "Documents: 2" in quiet


def test_issue_13_the_library_reports_progress_through_a_callback(tmp_path):
    code = (
        "import sys, kg; seen = [];"
        f" kg.build([{str(ROOT / 'tests' / 'fixtures' / 'small')!r}], {str(tmp_path / 'o')!r},"
        " progress=lambda *a: seen.append(a));"
        " last = {s: (d, t) for s, d, t in seen}; print(sorted(last.items()))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[('extracting', (6, 6)), ('graph', (2, 2)), ('reading', (6, 6)), ('writing', (9, 9))]\n"
    library = [p for p in (ROOT / "kg").glob("*.py") if p.name != "cli.py"]
    assert [p.name for p in library if re.search(r"^\s*(import|from)\s+(tqdm|rich)\b", p.read_text(), re.M)] == []


def test_issue_13_a_build_collects_garbage_rarely_and_then_as_before(tmp_path, monkeypatch):
    """A build's millions of long-lived objects made the collector's default pace cost 9% of a whole-corpus build."""
    import gc

    import kg
    import kg.export

    before = gc.get_threshold()
    during: set[tuple[int, int, int]] = set()
    kg.build(
        [ROOT / "tests" / "fixtures" / "small"], tmp_path / "o", progress=lambda *_: during.add(gc.get_threshold())
    )
    assert during == {(50_000, 20, 20)} and gc.get_threshold() == before
    with pytest.raises(kg.KgError):
        kg.build([tmp_path / "missing"], tmp_path / "p")
    assert gc.get_threshold() == before
    # A query's loading of graph.json, the same: millions of objects made at once.
    loads, seen = kg.export.json.loads, []
    monkeypatch.setattr(kg.export.json, "loads", lambda text: seen.append(gc.get_threshold()) or loads(text))
    kg.export.load_graph(tmp_path / "o")
    assert seen == [(50_000, 20, 20)] and gc.get_threshold() == before


def test_issue_15_suggest_says_why_a_term_is_or_is_not_a_concept(runner, turntrout):
    """For a term missing from the map, the step of discovery that stopped it, with its figures."""
    terms = ["corrigibility", "reward hacking", "deception", "Alex Turner", "epistemic status", "planning"]
    terms += ["TruthfulQA", "sycophancy", "LeCun"]  # a coined name; a noun the small tagger misread; a surname
    arguments = ["suggest", str(turntrout), "--no-builtin-vocab", *(a for t in terms for a in ("--why", t))]
    result = runner.invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "corrigibility: discovered, 12th of 88 (140 uses in 18 documents)",
        "reward hacking: 18 uses in 5 documents: its score ranks 273rd; the 132 best are checked and 88 kept",
        "deception: 34 uses in 10 documents: a single word used 15x as often here as in general English, where a word"
        " this common needs 100x",
        "Alex Turner: 9 uses in 8 documents: capitalized in most uses and never in lowercase, as a name is",
        "epistemic status: 4 uses in 2 documents: discovery asks for 3 uses in 3 documents",
        "planning: never a candidate: a single word this common in general English (Zipf 4.9)",
        "TruthfulQA: discovered, 35th of 88 (76 uses in 6 documents)",
        "sycophancy: discovered, 53rd of 88 (52 uses in 8 documents)",
        "LeCun: 5 uses in 3 documents: a single word capitalized in most uses",
    ]
    known = runner.invoke(
        cli, ["suggest", str(turntrout), "--why", "reward hacking", "--why", "diamond shard", "--json"]
    )
    assert json.loads(known.stdout) == [
        {"term": "reward hacking", "why": "a vocabulary concept: reward hacking (74 mentions in 24 documents)"},
        {
            "term": "diamond shard",
            "why": "never a candidate: 'shard' in it is a name of the vocabulary concept shard theory, which takes its"
            " words",
        },
    ]


def test_issue_15_builds_without_the_builtin_vocabulary(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(cli, ["build", str(ROOT / "corpus"), "-o", str(out), "--no-builtin-vocab", "--no-cache"])
    assert result.exit_code == 0, result.output
    found = re.search(r"^Concepts: +(\d+) \(0 from the vocabulary, (\d+) discovered\)$", result.output, re.M)
    assert found and found[1] == found[2] != "0"  # every concept discovered
    assert json.loads((out / "manifest.json").read_text())["settings"]["builtin_vocab"] is False
    result = runner.invoke(cli, ["build", str(ROOT / "corpus"), "-o", str(out), "--no-builtin-vocab", "--vocab-only"])
    assert result.exit_code == 1
    assert result.output == "Error: no vocabulary and no discovery: give --vocab FILE, or drop --vocab-only\n"
