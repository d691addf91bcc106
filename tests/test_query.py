"""The query commands, through click's CliRunner, on a real built graph (issue 5)."""

import json

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.query import diff


@pytest.fixture(scope="module")
def built(turntrout_build):
    return str(turntrout_build[1])


def run(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def small(small_build):
    return str(small_build[1])


@pytest.mark.parametrize(
    "term, slug",
    [
        ("agi", "artificial-general-intelligence"),
        ("llm", "large-language-model"),
        ("LLMs", "large-language-model"),
        ("corrigible", "corrigibility"),
        ("Goodhart's law", "goodhart-s-law"),
        ("weak to strong", "weak-to-strong-generalization"),
        ("IDA", "iterated-distillation-and-amplification"),
    ],
)
def test_issue_9_queries_resolve_names_as_the_vocabulary_does(small, small_build, vocabulary, term, slug):
    assert vocabulary.lookup(term).slug == slug
    rows = json.loads(run("neighbors", small, term, "--json").output)
    assert rows and all(row["concept"] != slug for row in rows)
    graph, other = small_build[0].graph, rows[0]["concept"]
    assert graph.has_edge(slug, other) or graph.has_edge(other, slug)


def test_small_graph_queries(small):
    result = run("concepts", small, "--top", "2")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "  1. large language model  count=13 docs=4 community=4",
        "  2. sycophancy  count=10 docs=4 community=4",
    ]
    assert (
        run("neighbors", small, "llm", "--top", "1").output == "sycophancy  co_occurs  weight=0.8221 g2=17.1 count=7\n"
    )
    found = json.loads(run("evidence", small, "RLHF", "sycophancy", "--json").output)
    assert found["count"] >= 2 and all("RLHF" in s["text"] for s in found["sentences"])
    assert found["sentences"][0]["url"].startswith("https://example.org/posts/")
    steps = json.loads(run("path", small, "IDA", "corrigibility", "--json").output)
    assert steps[0]["concept"] == "iterated-distillation-and-amplification" and steps[-1]["concept"] == "corrigibility"
    assert all(step["sentence"] for step in steps[1:])
    result = run("evidence", small, "sycophncy", "IDA")
    assert (result.exit_code, result.output) == (
        1,
        "Error: no concept 'sycophncy' in this graph; did you mean: sycophancy?\n",
    )


def test_small_graph_export_and_diff(small, seeds_build, tmp_path):
    result = run("export", small, "--format", "gexf", "--format", "csv", "-o", str(tmp_path))
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edges.csv", "graph.gexf", "nodes.csv"]
    assert (
        nx.read_gexf(tmp_path / "graph.gexf").number_of_nodes()
        == nx.read_graphml(f"{small}/graph.graphml").number_of_nodes()
    )
    changes = json.loads(run("diff", str(seeds_build[1]), small, "--json").output)
    assert "sycophancy" in changes["concepts_added"] and "p-doom" in changes["concepts_removed"]


def test_concepts_text_and_json(built):
    result = run("concepts", built, "--top", "3")
    assert result.exit_code == 0
    top = json.loads(run("concepts", built, "--top", "3", "--json").output)
    assert [row["count"] for row in top] == sorted((row["count"] for row in top), reverse=True)
    assert result.output.splitlines()[0].startswith(f"  1. {top[0]['label']}  count={top[0]['count']} ")
    assert "AI alignment" in [row["label"] for row in top]
    rows = json.loads(run("concepts", built, "--top", "3", "--by", "pagerank", "--json").output)
    assert len(rows) == 3 and rows[0]["pagerank"] >= rows[1]["pagerank"] >= rows[2]["pagerank"]


def test_neighbors_by_alias(built):
    rows = json.loads(run("neighbors", built, "corrigible", "--json").output)
    labels = [r["label"] for r in rows if r["relation"] == "co_occurs"]
    assert "shutdown problem" in labels[:5]
    surest = [r["g2"] for r in rows if r["relation"] == "co_occurs"]
    assert surest == sorted(surest, reverse=True) and len(set(surest)) > 1


def test_evidence_by_abbreviation(built):
    result = run("evidence", built, "AUP", "corrigibility")
    assert result.exit_code == 0
    assert result.output.startswith("attainable-utility-preservation + corrigibility: ")
    found = json.loads(run("evidence", built, "AUP", "corrigibility", "--json").output)
    assert found["sentences"] and all("corrigib" in s["text"].lower() for s in found["sentences"])


def test_path(built):
    steps = json.loads(run("path", built, "IDA", "sycophancy", "--json").output)
    assert steps[0]["concept"] == "iterated-distillation-and-amplification" and steps[-1]["concept"] == "sycophancy"
    assert all(step["sentence"] for step in steps[1:])


def test_unknown_concept_suggests(built):
    result = run("evidence", built, "corigibility", "AUP")
    assert result.exit_code == 1
    assert result.output.startswith("Error: no concept 'corigibility' in this graph; did you mean: corrigibility")


def test_missing_graph(tmp_path):
    result = run("concepts", str(tmp_path / "nothing"))
    assert result.exit_code == 1 and "does not exist; build a graph first" in result.output


def test_export_converts(built, tmp_path):
    result = run("export", built, "--format", "gexf", "--format", "csv", "-o", str(tmp_path))
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edges.csv", "graph.gexf", "nodes.csv"]
    assert nx.read_gexf(tmp_path / "graph.gexf").number_of_nodes() > 100


def test_diff_between_snapshots(seeds_build, built):
    result = run("diff", str(seeds_build[1]), built)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("Concepts added: ") and lines[1].startswith("Concepts removed: ")
    changes = json.loads(run("diff", str(seeds_build[1]), built, "--json").output)
    assert "shard-theory" in changes["concepts_added"]
    assert "p-doom" in changes["concepts_removed"]


def test_diff_finds_split_and_merged_communities():
    def snapshot(groups):
        graph = nx.MultiDiGraph()
        for number, members in enumerate(groups):
            for node in members:
                graph.add_node(node, kind="concept", label=node, count=1, community=number, community_label=str(number))
        return graph

    old = snapshot([["a", "b", "c", "d"], ["e", "f"], ["g", "h"]])
    new = snapshot([["a", "b"], ["c", "d"], ["e", "f", "g", "h"]])
    changes = diff(old, new)
    assert changes["communities_split"] == [{"community": 0, "label": "0", "into": [0, 1]}]
    assert changes["communities_merged"] == [{"community": 2, "label": "2", "from": [1, 2]}]
