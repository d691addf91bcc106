"""From counts and citations to one networkx graph, and the measures on it (communities, centrality).

Nodes are keyed by stable slugs (see ``kg.keys``): concepts by their slug, documents ``doc:<id>``, authors
``author:<slug>``. Edges carry a ``relation``: ``co_occurs`` (concept–concept, stored once with the smaller key
first), ``mentions`` (document→concept), ``cites`` (document→document), ``cites_concept`` (concept→concept, through a
citation), ``wrote`` (author→document). The graph is a ``MultiDiGraph`` whose edge key is the relation.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

import networkx as nx

from .config import Settings
from .keys import author_node, doc_node

if TYPE_CHECKING:  # records only: the query commands import this module and should not load the readers
    from .citations import Citations
    from .corpus import Document
    from .counts import Counts, Evidence
    from .vocab import Concept

__all__ = [
    "Edge",
    "select_edges",
    "assemble",
    "analyze",
    "concept_subgraph",
    "induced",
    "g_squared",
    "npmi",
    "community_names",
    "years_of",
]


def g_squared(both: int, a: int, b: int, total: int) -> float:
    """Dunning's log-likelihood ratio G² for two items met ``both`` times in ``total`` units, ``a`` and ``b`` times
    alone: how surprising the meeting count is if they were independent (3.84: p < .05; 10.83: p < .001).

    >>> round(g_squared(10, 20, 20, 1000), 1), round(g_squared(1, 100, 100, 10000), 2)
    (56.8, 0.0)
    """
    cells = (
        (both, a, b),
        (a - both, a, total - b),
        (b - both, total - a, b),
        (total - a - b + both, total - a, total - b),
    )
    return 2 * sum(k * math.log(k * total / (row * column)) for k, row, column in cells if k > 0)


def npmi(both: int, a: int, b: int, total: int) -> float:
    """Normalized pointwise mutual information in [-1, 1]: 0 for independence, 1 when the two always meet.

    >>> npmi(10, 10, 10, 100), round(npmi(1, 10, 10, 100), 3)
    (1.0, 0.0)
    """
    if both <= 0:
        return -1.0
    p_both = both / total
    if p_both >= 1:
        return 1.0
    return max(-1.0, min(1.0, math.log(p_both * total * total / (a * b)) / -math.log(p_both)))


def _evidence(items: Iterable[Evidence]) -> list[dict]:
    return [{"doc": e.doc, "sentence": e.sentence, "text": e.text} for e in items]


def assemble(
    documents: Sequence[Document],
    concepts: Mapping[str, Concept],
    counts: Counts,
    edges: Mapping[tuple[str, str], Edge],
    citations: Citations,
    settings: Settings = Settings(),
    *,
    document_evidence: Mapping[tuple[str, str], tuple[Evidence, ...]] | None = None,
) -> nx.MultiDiGraph:
    """The graph of the counted concepts (``concepts`` by slug), their ``edges`` (``select_edges``), the documents,
    their authors and citations. ``document_evidence`` holds the sentences of edges that meet only in documents.

    Measures come from ``analyze``, positions from ``kg.layout``.
    """
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    graph.graph.update(units=counts.units, window=str(settings.window), documents=len(documents))
    _add_concepts(graph, concepts, counts)
    _add_cooccurrence(graph, counts, edges, document_evidence or {}, _pair_years(edges, counts.mentions, documents))
    _add_documents(graph, documents, counts.mentions, citations.outside)
    _add_citations(graph, citations)
    return graph


def _add_concepts(graph: nx.MultiDiGraph, concepts: Mapping[str, Concept], counts: Counts) -> None:
    for slug in sorted(counts.concept_count):
        concept = concepts[slug]
        per_year = counts.years.get(slug, {})
        attributes = dict(
            kind="concept",
            label=concept.name,
            aliases="|".join(concept.aliases),
            abbreviations="|".join(concept.abbreviations),
            definition=concept.definition,
            category=concept.category,
            source=concept.source,
            count=counts.concept_count[slug],
            doc_count=counts.concept_docs[slug],
            evidence=_evidence(counts.concept_evidence.get(slug, ())),
        )
        if per_year:
            attributes["first_seen"] = min(per_year)
            attributes["years"] = _years_text(per_year)
        graph.add_node(slug, **attributes)


def _years_text(per_year: Mapping[int, int]) -> str:
    """Counts by year as GraphML-ready text: ``"2019:3|2021:1"`` (``years_of`` reads it back)."""
    return "|".join(f"{year}:{per_year[year]}" for year in sorted(per_year))


def years_of(text: object) -> dict[int, int]:
    """The counts by year in a ``years`` attribute; none for an empty or missing one.

    >>> years_of("2019:3|2021:1"), years_of(None)
    ({2019: 3, 2021: 1}, {})
    """
    if not text:
        return {}
    return {int(year): int(n) for year, n in (item.split(":") for item in str(text).split("|"))}


SMALL_CORPUS = 50  # documents; below this every positively associated pair that meets is an edge


@dataclass(frozen=True)
class Edge:
    """A kept co-occurrence edge's measures (see ``select_edges``); ``count`` 0 means the two meet only in documents."""

    count: int
    documents: int
    npmi: float
    association: float
    g2: float
    significant: bool


def select_edges(counts: Counts, settings: Settings = Settings()) -> dict[tuple[str, str], Edge]:
    """The pairs of concepts that get a ``co_occurs`` edge, with their measures.

    A pair is measured twice: within co-occurrence units (sentences by default) and within documents. Its
    ``association`` (the edge ``weight``) is the mean of the two NPMIs; it is ``significant`` when Dunning's G²
    passes ``settings.min_g2`` at either level with more meetings than chance would give. An edge is kept when it
    is significant, or when it is among the ``settings.neighbours`` strongest of either concept (so that rare
    concepts keep their best links). Pairs that share documents but never a unit are a backbone only: each concept
    keeps the most significant of them (by G²; ``count`` 0, evidence from shared documents), and a concept still
    without an edge keeps its ``settings.neighbours`` strongest by association. Below SMALL_CORPUS documents no
    test has the power to tell, so every pair that meets in a unit more often than chance is kept, and no pair is
    kept for its significance in documents alone.
    """
    units, documents = max(counts.units, 1), max(counts.documents, 1)
    in_units, in_docs = counts.concept_units, counts.concept_docs

    def measure(pair: tuple[str, str]) -> Edge:
        a, b = pair
        both, both_docs = counts.pair_units.get(pair, 0), counts.doc_pairs.get(pair, 0)
        npmi_units = npmi(both, in_units.get(a, 0), in_units.get(b, 0), units)
        npmi_docs = npmi(both_docs, in_docs[a], in_docs[b], documents)
        g2 = max(_excess(both, in_units[a], in_units[b], units), _excess(both_docs, in_docs[a], in_docs[b], documents))
        # A pair that never shares a unit is only ever kept for its documents: there the units tell nothing (0).
        association = (npmi_units + npmi_docs) / 2 if both else npmi_docs / 2
        return Edge(both, both_docs, npmi_units, association, g2, g2 >= settings.min_g2)

    measured = {}
    for pair in sorted(counts.pair_units):
        if counts.pair_units[pair] >= (settings.min_count or 1) and counts.pair_docs[pair] >= (settings.min_docs or 1):
            edge = measure(pair)
            if edge.association > settings.min_npmi:
                measured[pair] = edge
    small = counts.documents < SMALL_CORPUS
    kept = {pair for pair, edge in measured.items() if edge.significant or small} | _strongest(
        measured, settings.neighbours
    )
    by_documents = {}
    for pair, both_docs in sorted(counts.doc_pairs.items()):
        if pair not in measured and both_docs * documents > in_docs[pair[0]] * in_docs[pair[1]]:
            edge = measure(pair)
            if edge.association > settings.min_npmi:
                by_documents[pair] = edge
    if not small:
        significant = {pair: edge for pair, edge in by_documents.items() if edge.significant}
        # One each: more document-only links merge communities (TurnTrout: 12 -> 9 with one, 7 with three).
        kept |= _strongest(significant, 1, by=attrgetter("g2"))
    lonely = set(counts.concept_count) - {node for pair in kept for node in pair}
    strongest = _strongest(by_documents, settings.neighbours, only=lonely)
    return {pair: measured.get(pair) or by_documents[pair] for pair in sorted(kept | strongest)}


def _excess(both: int, a: int, b: int, total: int) -> float:
    """G² of a pair that meets more often than chance would have it meet; 0 for one that meets less often."""
    return g_squared(both, a, b, total) if both * total > a * b else 0.0


def _strongest(
    edges: Mapping[tuple[str, str], Edge],
    k: int,
    only: set[str] | None = None,
    by: Callable[[Edge], float] = attrgetter("association"),
) -> set[tuple[str, str]]:
    """For each concept (of ``only``, if given), its ``k`` pairs of highest association (or other measure ``by``)."""
    ranked: dict[str, list[tuple[float, tuple[str, str]]]] = {}
    for pair, edge in edges.items():
        for node in pair:
            if only is None or node in only:
                ranked.setdefault(node, []).append((-by(edge), pair))
    return {pair for pairs in ranked.values() for _, pair in sorted(pairs)[:k]}


def _pair_years(
    edges: Iterable[tuple[str, str]], mentions: Mapping[tuple[str, str], int], documents: Sequence[Document]
) -> dict[tuple[str, str], Counter]:
    """For each pair, the dated documents that mention both, by year (for views of the field as of a year)."""
    year_of = {d.id: d.year for d in documents if d.year}
    docs_of: dict[str, set[str]] = {}
    for doc_id, slug in mentions:
        if doc_id in year_of:
            docs_of.setdefault(slug, set()).add(doc_id)
    return {(a, b): Counter(year_of[doc] for doc in docs_of.get(a, set()) & docs_of.get(b, set())) for a, b in edges}


def _add_cooccurrence(
    graph: nx.MultiDiGraph,
    counts: Counts,
    edges: Mapping[tuple[str, str], Edge],
    document_evidence: Mapping[tuple[str, str], tuple[Evidence, ...]],
    pair_years: Mapping[tuple[str, str], Counter],
) -> None:
    units = max(counts.units, 1)
    for (a, b), edge in edges.items():
        evidence = counts.pair_evidence.get((a, b)) or document_evidence.get((a, b), ())
        per_year = pair_years.get((a, b)) or Counter()
        dated = {"first_seen": min(per_year), "years": _years_text(per_year)} if per_year else {}
        graph.add_edge(
            a,
            b,
            key="co_occurs",
            relation="co_occurs",
            count=edge.count,
            doc_count=counts.pair_docs.get((a, b), 0),
            documents=edge.documents,
            npmi=round(edge.npmi, 4),
            lift=round(edge.count * units / (counts.concept_units[a] * counts.concept_units[b]), 4)
            if edge.count
            else 0.0,
            g2=round(edge.g2, 2),
            significant=edge.significant,
            association=round(edge.association, 4),
            weight=round(edge.association, 4),
            evidence=_evidence(evidence),
            **dated,
        )


def _add_documents(
    graph: nx.MultiDiGraph,
    documents: Iterable[Document],
    mentions: Mapping[tuple[str, str], int],
    outside: Mapping[str, Counter],
) -> None:
    for document in sorted(documents, key=lambda d: d.id):
        node = doc_node(document.id)
        links = outside.get(document.id, Counter())
        attributes = dict(
            kind="document",
            label=document.title or document.id,
            url=document.url or "",
            authors="|".join(document.authors),
            tags="|".join(document.tags),
            path=document.path or "",
            outside_links=sum(links.values()),
            top_outside="|".join(f"{k}:{n}" for k, n in links.most_common(5)),
        )
        if document.date:
            attributes.update(date=document.date, first_seen=document.year)
        graph.add_node(node, **attributes)
        for author in document.authors:
            writer = author_node(author)
            if writer not in graph:
                graph.add_node(writer, kind="author", label=author)
            graph.add_edge(writer, node, key="wrote", relation="wrote", weight=1.0)
    for doc_id, slug in sorted(mentions):
        count = mentions[(doc_id, slug)]
        graph.add_edge(doc_node(doc_id), slug, key="mentions", relation="mentions", count=count, weight=float(count))
    graph.graph["outside_links"] = {doc: dict(links) for doc, links in outside.items()}


def _add_citations(graph: nx.MultiDiGraph, citations: Citations) -> None:
    for (source, target), count in sorted(citations.cites.items()):
        graph.add_edge(
            doc_node(source), doc_node(target), key="cites", relation="cites", count=count, weight=float(count)
        )
    for (a, b), count in sorted(citations.through.items()):
        graph.add_edge(a, b, key="cites_concept", relation="cites_concept", count=count, weight=float(count))


def concept_subgraph(graph: nx.MultiDiGraph) -> nx.Graph:
    """The undirected, weighted graph of concepts joined by ``co_occurs`` edges."""
    simple: nx.Graph = nx.Graph()
    simple.add_nodes_from(n for n, kind in graph.nodes(data="kind") if kind == "concept")
    for a, b, key, data in graph.edges(keys=True, data=True):
        if key == "co_occurs":
            simple.add_edge(a, b, weight=data["weight"])
    return simple


MIN_COMMUNITY = 3  # smaller groups join the community they are most tied to, else "other"


def analyze(graph: nx.MultiDiGraph, *, seed: int = 42, leiden: bool = False, resolution: float = 1.0) -> None:
    """Add ``community``, ``community_label``, ``pagerank``, ``degree`` and ``betweenness`` to concept nodes.

    Communities are seeded Louvain (or Leiden with ``leiden=True`` and the ``leiden`` extra installed) on the
    co-occurrence graph, numbered by size from 0. Groups smaller than MIN_COMMUNITY, and concepts with no edge,
    join the community they are most tied to; those tied to none form a last community labelled "other", so every
    concept has one. Each community is named by its three most distinctive members (see ``community_names``).
    Betweenness is sampled (k = 500) above 1,000 concepts.
    """
    simple = concept_subgraph(graph)
    if simple.number_of_nodes() == 0:
        return
    linked = induced(simple, [n for n in simple if simple.degree(n) > 0])
    found = _communities(linked, seed=seed, leiden=leiden, resolution=resolution) if linked.number_of_nodes() else []
    communities, other = _settle(simple, found)
    pagerank = (
        nx.pagerank(simple, weight="weight") if simple.number_of_edges() else {n: 1 / len(simple) for n in simple}
    )
    k = 500 if simple.number_of_nodes() > 1000 else None
    betweenness = betweenness_centrality(simple, k=k, seed=seed)
    labels = community_names(graph, simple, communities)
    if other:
        labels.append("other")
        communities.append(other)
    for number, members in enumerate(communities):
        for node in members:
            graph.nodes[node]["community"] = number
            graph.nodes[node]["community_label"] = labels[number]
    for node in simple:
        data = graph.nodes[node]
        data["pagerank"] = round(pagerank[node], 6)
        data["degree"] = simple.degree(node)
        data["betweenness"] = round(betweenness[node], 6)
    graph.graph["communities"] = len(communities)


def betweenness_centrality(simple: nx.Graph, *, k: int | None = None, seed: int = 42) -> dict[str, float]:
    """Normalized betweenness of every node of ``simple``, its edges unweighted, from ``k`` sampled sources (all
    when ``None``): networkx's ``betweenness_centrality(simple, k=k, seed=seed, weight=None)``, the same sources and
    the same scaling (networkx 3.5's: a sampled source is scaled as one of k - 1 others), with the shortest paths
    from many sources counted at once, a level at a time, as sparse matrix products (Brandes' two passes). On the
    whole shared corpus's 1,394 concepts and 500 sources: 0.3 s, where networkx's loop over the sources in Python
    took 4 s.

    >>> g = nx.path_graph(["a", "b", "c"])
    >>> betweenness_centrality(g)
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    import numpy

    nodes = list(simple)
    n = len(nodes)
    if n < 3:
        return dict.fromkeys(nodes, 0.0)
    if k is not None and k >= n:
        k = None
    sources = nodes if k is None else random.Random(seed).sample(nodes, k)
    index = {node: i for i, node in enumerate(nodes)}
    adjacency = nx.to_scipy_sparse_array(simple, nodelist=nodes, weight=None, format="csr")
    total = numpy.zeros(n)
    for first in range(0, len(sources), BETWEENNESS_BATCH):
        batch = numpy.array([index[s] for s in sources[first : first + BETWEENNESS_BATCH]])
        columns = numpy.arange(len(batch))
        level = numpy.full((n, len(batch)), -1, dtype=numpy.int32)  # each node's distance from each source
        paths = numpy.zeros((n, len(batch)))  # how many shortest paths reach it
        level[batch, columns], paths[batch, columns] = 0, 1.0
        frontier, depth = paths.copy(), 0
        while True:
            reach = adjacency @ frontier
            new = (reach > 0) & (level < 0)
            if not new.any():
                break
            depth += 1
            level[new], paths[new] = depth, reach[new]
            frontier = numpy.where(new, paths, 0.0)
        dependency = numpy.zeros((n, len(batch)))
        for d in range(depth, 0, -1):
            at = level == d
            share = numpy.where(at, (1 + dependency) / numpy.where(at, paths, 1.0), 0.0)
            dependency += numpy.where(level == d - 1, paths * (adjacency @ share), 0.0)
        dependency[batch, columns] = 0.0  # a source is no node between
        total += dependency.sum(axis=1)
    if k is None:
        scale = numpy.full(n, 1 / ((n - 1) * (n - 2)))
    else:
        scale = numpy.full(n, 1 / (k * (n - 2)))
        scale[[index[s] for s in sources]] = 1 / ((k - 1) * (n - 2)) if k > 1 else math.nan
    return dict(zip(nodes, (total * scale).tolist(), strict=True))


BETWEENNESS_BATCH = 256  # sources whose paths are counted together: arrays of nodes x 256


def _settle(simple: nx.Graph, found: list[set[str]]) -> tuple[list[set[str]], set[str]]:
    """Communities of at least MIN_COMMUNITY concepts, the rest joined to the one they are most tied to.

    Returns the communities (largest first) and the concepts tied to none of them.
    """
    kept = [set(c) for c in found if len(c) >= MIN_COMMUNITY]
    home = {node: number for number, members in enumerate(kept) for node in members}
    other: set[str] = set()
    for node in sorted(n for n in simple if n not in home):
        ties: dict[int, float] = {}
        for neighbour, data in simple[node].items():
            if neighbour in home:
                ties[home[neighbour]] = ties.get(home[neighbour], 0.0) + data["weight"]
        if ties:
            kept[max(sorted(ties), key=lambda number: ties[number])].add(node)
        else:
            other.add(node)
    return sorted(kept, key=lambda c: (-len(c), min(c))), other


def community_names(graph: nx.MultiDiGraph, simple: nx.Graph, communities: list[set[str]]) -> list[str]:
    """Each community named by its three most distinctive members.

    A member's distinctiveness is its edge weight inside the community (how much of the community is built around
    it), times the share of its weight that stays there (how much it belongs to this community and no other), times
    its specificity (log of documents over the documents it occurs in). Concepts the whole field uses ("AI
    alignment") are tied to every community, so they rarely name one; nor do rare concepts at a community's edge
    ("decision-square", two partners in a community of 197, named one on the whole shared corpus when salience
    stood where the weight inside now does).
    """
    documents = max(int(graph.graph.get("documents", 1)), 1)

    def distinctiveness(node: str, members: set[str]) -> float:
        total = sum(d["weight"] for d in simple[node].values())
        inside = sum(d["weight"] for other, d in simple[node].items() if other in members)
        share = inside / total if total else 0.0
        return inside * share * math.log(documents / max(graph.nodes[node].get("doc_count", 1), 1) + 1)

    names = []
    for members in communities:
        ranked = sorted(members, key=lambda n: (-distinctiveness(n, members), n))[:3]
        names.append(" / ".join(graph.nodes[n]["label"] for n in ranked))
    return names


def induced(simple: nx.Graph, nodes: Iterable[str]) -> nx.Graph:
    """The subgraph on ``nodes`` as a new graph, nodes and edges in ``simple``'s own order.

    networkx's ``subgraph`` view iterates its node *set* when the subset is small, which would make Louvain and
    the layout depend on ``PYTHONHASHSEED``.
    """
    keep = set(nodes)
    sub: nx.Graph = nx.Graph()
    sub.add_nodes_from(n for n in simple if n in keep)
    sub.add_edges_from((a, b, d) for a, b, d in simple.edges(data=True) if a in keep and b in keep)
    return sub


def _communities(simple: nx.Graph, *, seed: int, leiden: bool, resolution: float) -> list[set[str]]:
    if leiden:
        try:
            import igraph
            import leidenalg
        except ImportError:
            from .errors import KgError

            raise KgError("Leiden communities need igraph and leidenalg: pip install 'kg[leiden]'") from None
        nodes = sorted(simple)
        position = {n: i for i, n in enumerate(nodes)}
        g = igraph.Graph(n=len(nodes), edges=[(position[a], position[b]) for a, b in simple.edges()])
        g.es["weight"] = [data["weight"] for _, _, data in simple.edges(data=True)]
        partition = leidenalg.find_partition(
            g, leidenalg.RBConfigurationVertexPartition, weights="weight", seed=seed, resolution_parameter=resolution
        )
        found = [{nodes[i] for i in part} for part in partition]
    else:
        found = nx.community.louvain_communities(simple, weight="weight", seed=seed, resolution=resolution)
    return sorted(found, key=lambda c: (-len(c), min(c)))
