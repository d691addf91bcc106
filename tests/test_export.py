import csv
import io
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

import kg
from kg.errors import GraphFileError
from kg.export import (
    concept_view,
    load_graph,
    scalar_copy,
    to_concepts_graphml,
    to_gexf,
    to_graphml,
    to_json,
    write_atomic,
)


@pytest.fixture(params=["small_build", "turntrout_build"])
def built(request):
    """A build of the hand-written fixture corpus (always) and of TurnTrout's posts (with ../shared)."""
    return request.getfixturevalue(request.param)


def test_graphml_loads_with_types_gephi_needs(built):
    _, outdir = built
    graph = nx.read_graphml(outdir / "graph.graphml")
    for _, data in graph.nodes(data=True):
        assert isinstance(data["label"], str) and data["kind"] in ("concept", "document", "author")
        if data["kind"] == "concept":
            assert isinstance(data["count"], int) and isinstance(data["community"], int)
            assert isinstance(data["pagerank"], float) and isinstance(data["aliases"], str)
    for _, _, data in graph.edges(data=True):
        assert isinstance(data["weight"], float) and data["relation"] in (
            "co_occurs",
            "mentions",
            "cites",
            "cites_concept",
            "wrote",
        )
    keys = {
        k.get("attr.name"): k.get("attr.type")
        for k in ET.parse(outdir / "graph.graphml").getroot()
        if k.tag.endswith("key")
    }
    assert keys["weight"] == "double" and keys["label"] == "string"


def test_two_builds_give_byte_identical_graphml(turntrout, turntrout_build, tmp_path):
    _, first = turntrout_build
    kg.build([turntrout], tmp_path)
    assert (tmp_path / "graph.graphml").read_bytes() == (first / "graph.graphml").read_bytes()
    assert (tmp_path / "graph.gexf").read_bytes() == (first / "graph.gexf").read_bytes()


def test_gexf_json_csv_and_manifest_parse(built):
    result, outdir = built
    gexf = nx.read_gexf(outdir / "graph.gexf")
    assert gexf.number_of_nodes() == result.graph.number_of_nodes()
    viz = ET.parse(outdir / "graph.gexf").getroot()
    assert viz.find(".//{*}graph").get("mode") == "dynamic"
    assert viz.find(".//{*}node/{*}color") is not None and viz.find(".//{*}node/{*}position") is not None
    data = json.loads((outdir / "graph.json").read_text())
    concept = next(n for n in data["nodes"] if n["id"] == "corrigibility")
    assert concept["evidence"] and {"doc", "sentence", "text"} <= set(concept["evidence"][0])
    with open(outdir / "nodes.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == result.graph.number_of_nodes() and rows[0].keys() >= {"id", "kind", "label"}
    with open(outdir / "edges.csv") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == result.graph.number_of_edges()
    manifest = json.loads((outdir / "manifest.json").read_text())
    assert manifest["counts"]["documents"] == result.documents == len(manifest["files"])
    assert len(manifest["vocabulary"]["digest"]) == 16 and manifest["settings"]["window"] == "sentence"


def test_load_graph_round_trip(built):
    result, outdir = built
    for path in (outdir, outdir / "graph.graphml"):
        loaded = load_graph(path)
        assert loaded.number_of_nodes() == result.graph.number_of_nodes()


def test_load_graph_errors(tmp_path):
    with pytest.raises(GraphFileError, match="does not exist; build a graph first"):
        load_graph(tmp_path / "missing.json")
    (tmp_path / "x.json").write_text("[1, 2")
    with pytest.raises(GraphFileError, match="is not a graph written by kg"):
        load_graph(tmp_path / "x.json")


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    write_atomic(tmp_path / "a.txt", "one")
    write_atomic(tmp_path / "a.txt", "two")
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"] and (tmp_path / "a.txt").read_text() == "two"
    assert oct((tmp_path / "a.txt").stat().st_mode & 0o777) in ("0o644", "0o664")


def test_issue_11_exports_open_in_networkx_and_igraph_ready_for_analysis(built, tmp_path):
    """The concepts-only GraphML is undirected with one weight meaning; igraph merges and clusters it as it is;
    every node of a kind carries every attribute of that kind; positions are on Gephi's scale; GEXF has time."""
    igraph = pytest.importorskip("igraph", reason="python-igraph is in the test extra")
    result, outdir = built
    concepts = nx.read_graphml(outdir / "graph-concepts.graphml")
    assert not concepts.is_directed() and not concepts.is_multigraph()
    assert {d["kind"] for _, d in concepts.nodes(data=True)} == {"concept"}
    assert all(isinstance(d["weight"], float) and 0 < d["weight"] <= 1 for *_, d in concepts.edges(data=True))
    assert len(nx.community.louvain_communities(concepts, weight="weight", seed=1)) >= 2
    g = igraph.Graph.Read_GraphML(str(outdir / "graph-concepts.graphml"))
    merged = g.as_undirected(combine_edges="sum")
    assert merged.ecount() == concepts.number_of_edges() and len(g.community_multilevel(weights="weight")) >= 2
    full = igraph.Graph.Read_GraphML(str(outdir / "graph.graphml"))
    assert full.as_undirected(combine_edges={"weight": "sum", "default": "first"}).vcount() == full.vcount()
    by_networkx = nx.read_graphml(outdir / "graph.graphml")
    for kind in ("concept", "document"):
        own = {k for _, d in by_networkx.nodes(data=True) if d["kind"] == kind for k in d}
        nodes = [v.attributes() for v in full.vs if v["kind"] == kind]
        for name in own:  # an attribute of the kind is on every node of it: no NaN in igraph (NaN != NaN)
            assert all(node[name] == node[name] for node in nodes), f"NaN in {kind}.{name}"
    xs = [d["x"] for _, d in concepts.nodes(data=True)]
    assert max(map(abs, xs)) > 100  # Gephi's scale, not ±1.3
    gexf = nx.read_gexf(outdir / "graph.gexf")
    dated = [d for _, d in gexf.nodes(data=True) if d.get("kind") == "concept" and d.get("start")]
    assert dated and any(isinstance(d.get("mentions"), list) for d in dated)


def test_issue_13_graphml_reads_back_as_networkx_would_write_it(built):
    """kg writes GraphML as text (4x faster than networkx's writer); read back, it is the same graph."""
    graph = built[0].graph
    for mine, same in ((to_graphml(graph), scalar_copy(graph)), (to_concepts_graphml(graph), concept_view(graph))):
        theirs = io.BytesIO()
        nx.write_graphml(same, theirs)
        a, b = (nx.read_graphml(io.BytesIO(text)) for text in (mine, theirs.getvalue()))
        assert list(a.nodes(data=True)) == list(b.nodes(data=True))
        assert list(a.edges(data=True)) == list(b.edges(data=True)) and a.graph == b.graph


def test_issue_13_json_is_node_link_data_one_node_or_link_a_line(built):
    """graph.json is made one node or link at a time, as UTF-8 pieces (never one string of the whole file, which
    made a build's peak memory): it reads back as networkx's node-link data, a node or a link to each line."""
    graph = built[0].graph
    text = to_json(graph)
    data = nx.node_link_data(graph, edges="links")
    assert json.loads(text) == json.loads(json.dumps(data))
    lines = text.decode("utf-8").splitlines()
    items = [json.loads(line.removesuffix(",")) for line in lines[1:-1] if line.startswith("{")]
    assert len(lines) == len(data["nodes"]) + len(data["links"]) + 3
    assert items == json.loads(json.dumps(data["nodes"] + data["links"]))


def test_issue_13_gexf_holds_every_node_edge_and_year(built):
    graph = built[0].graph
    gexf = nx.read_gexf(io.BytesIO(to_gexf(graph)))
    assert list(gexf.nodes) == list(graph.nodes) and gexf.number_of_edges() == graph.number_of_edges()
    for node, data in gexf.nodes(data=True):
        assert data["label"] == graph.nodes[node]["label"] and data["kind"] == graph.nodes[node]["kind"]
        if data["kind"] == "concept":
            years = [(n, f"{y}-01-01", f"{y}-12-31") for y, n in kg.graph.years_of(graph.nodes[node]["years"]).items()]
            assert data["count"] == graph.nodes[node]["count"] and data.get("mentions", []) == years
    weights = sorted(d["weight"] for *_, d in graph.edges(data=True))
    assert sorted(d["weight"] for *_, d in gexf.edges(data=True)) == pytest.approx(weights)


def test_issue_13_xml_exports_drop_what_xml_cannot_hold():
    graph = nx.MultiDiGraph()
    graph.add_node('a"<&>', kind="concept", label="tab\there, bell\x07, line\nbreak & <tag>", count=1)
    graph.add_node("b", kind="concept", label="b", count=2)
    graph.add_edge('a"<&>', "b", key="co_occurs", relation="co_occurs", weight=0.5, evidence='\x00\ufffe quoted "x"')
    for read, text in ((nx.read_graphml, to_graphml(graph)), (nx.read_gexf, to_gexf(graph))):
        back = read(io.BytesIO(text))
        assert back.nodes['a"<&>']["label"] == "tab\there, bell, line\nbreak & <tag>"
        assert [d["evidence"] for *_, d in back.edges(data=True)] == [' quoted "x"']
