"""Issue 10: untrusted input never stops a build: every bad file named and skipped, every good document kept."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from hostile_corpus import write_hostile_corpus

from kg.cli import cli
from kg.corpus import read_corpus


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    expected = write_hostile_corpus(folder / "d")
    out = folder / "out"
    command = [sys.executable, "-m", "kg", "build", str(folder / "d"), "-o", str(out), "--no-cache"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)  # a hang fails here
    return folder, expected, done


def test_issue_10_hostile_folder_builds_and_keeps_every_good_document(hostile):
    folder, expected, done = hostile
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    graph = json.loads((folder / "out" / "graph.json").read_text(encoding="utf-8"))
    ids = {n["id"].removeprefix("doc:") for n in graph["nodes"] if n.get("kind") == "document"}
    assert expected["ids"] <= ids, sorted(expected["ids"] - ids)
    assert "Skipped:   2 unreadable files, 1 bad item" in done.stdout
    for name in expected["named"]:
        assert name in done.stderr, name


def test_issue_10_fallback_decodings_keep_the_text(hostile):
    folder, expected, _ = hostile
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        texts = {d.id: d.text for d in read_corpus([folder / "d"])}
    for doc_id, text in expected["texts"].items():
        assert texts[doc_id] == text


def test_issue_10_titles_that_are_formulas_stay_text_in_csv(hostile):
    folder, _, _ = hostile
    import csv

    with open(folder / "out" / "nodes.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")]


def test_issue_10_strict_makes_skips_fatal(hostile, tmp_path):
    folder, _, _ = hostile
    result = CliRunner().invoke(cli, ["build", str(folder / "d"), "-o", str(tmp_path / "o"), "--strict", "--no-cache"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: --strict: 3 file(s) or item(s) could not be read: ")


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_bytes(b"a: &a [1,2,3]\nb: &b [*a,*a,*a]\nconcepts: *b\n"), "not valid YAML (aliases"),
        (lambda p: p.write_bytes(b"- name: x\n  slug: 'author:x'\n"), "has a bad slug 'author:x'"),
    ],
)
def test_issue_10_bad_vocabularies_are_one_line_errors(tmp_path, make, message):
    from conftest import ROOT

    vocab = tmp_path / "v.yaml"
    make(vocab)
    result = CliRunner().invoke(cli, ["build", str(ROOT / "corpus"), "-o", str(tmp_path / "o"), "--vocab", str(vocab)])
    assert result.exit_code == 1 and message in result.output and len(result.output.splitlines()) == 1


def test_issue_10_corrupt_graphs_are_one_line_errors(small_build, tmp_path):
    graphml = (small_build[1] / "graph.graphml").read_bytes()
    (tmp_path / "t.graphml").write_bytes(graphml[: len(graphml) // 2])
    (tmp_path / "list.json").write_text("[]")
    data = json.loads((small_build[1] / "graph.json").read_text())
    data["nodes"][0]["count"] = "many"
    (tmp_path / "typed.json").write_text(json.dumps(data))
    for name, message in (
        ("t.graphml", "is not a graph written by kg (ParseError"),
        ("list.json", "is not a graph written by kg (AttributeError"),
        ("typed.json", "has a bad 'count' ('many')"),
    ):
        result = CliRunner().invoke(cli, ["concepts", str(tmp_path / name)])
        assert result.exit_code == 1 and message in result.output and len(result.output.splitlines()) == 1


def test_issue_10_bad_seed_is_refused_before_any_work(tmp_path):
    result = CliRunner().invoke(cli, ["build", "nowhere", "--seed", "-1"])
    assert (result.exit_code, result.output) == (1, "Error: seed = -1; must be in [0, 2**32)\n")


def test_unexpected_failures_are_one_line_with_a_hint(monkeypatch, tmp_path):
    import kg.pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(kg.pipeline, "build", broken)
    result = CliRunner().invoke(cli, ["build", "x", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (
        "Error: unexpected RuntimeError: boom (this is a bug in kg; run again as 'kg --debug ...' for the traceback)\n"
    )
    result = CliRunner().invoke(cli, ["--debug", "build", "x", "-o", str(tmp_path)])
    assert isinstance(result.exception, RuntimeError)


@pytest.mark.parametrize("target", ["file/sub", "/proc/kg-cannot-write-here"])
def test_issue_10_unwritable_output_folders_are_one_line_errors(tmp_path, target):
    from conftest import ROOT

    (tmp_path / "file").write_text("a file, not a folder")
    outdir = tmp_path / target if not target.startswith("/") else target
    result = CliRunner().invoke(cli, ["build", str(ROOT / "corpus"), "-o", str(outdir), "--no-cache"])
    assert result.exit_code == 1 and len(result.output.splitlines()) == 1
    assert result.output.startswith(f"Error: cannot write the outputs to {outdir} (")
    assert result.output.endswith("the previous outputs are unchanged\n")
