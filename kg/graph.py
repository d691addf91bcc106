"""From counts and citations to one networkx graph, and the measures on it (communities, centrality).

Nodes are keyed by stable slugs (see ``kg.keys``): concepts by their slug, documents ``doc:<id>``, authors
``author:<slug>``. Edges carry a ``relation``: ``co_occurs`` (concept–concept, stored once with the smaller key
first), ``mentions`` (document→concept), ``cites`` (document→document), ``cites_concept`` (concept→concept, through a
citation), ``wrote`` (author→document). The graph is a ``MultiDiGraph`` whose edge key is the relation.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import networkx as nx

from .config import Settings
from .keys import author_node, doc_node

if TYPE_CHECKING:  # records only: the query commands import this module and should not load the readers
    from .citations import Citations
    from .corpus import Document
    from .counts import Counts, Evidence
    from .vocab import Concept

__all__ = ["assemble", "analyze", "concept_subgraph", "induced", "thresholds"]


def thresholds(n_documents: int, settings: Settings) -> tuple[int, int]:
    """Minimum unit count and document count for a ``co_occurs`` edge, adapted to corpus size unless set.

    Small corpora keep every pair; from 50 documents a pair must recur, from 1,000 it must recur more.

    >>> thresholds(2, Settings()), thresholds(177, Settings()), thresholds(4000, Settings(min_docs=1))
    ((1, 1), (2, 2), (3, 1))
    """
    min_count = settings.min_count or (1 if n_documents < 50 else 2 if n_documents < 1000 else 3)
    min_docs = settings.min_docs or (1 if n_documents < 50 else 2)
    return min_count, min_docs


def _evidence(items: Iterable[Evidence]) -> list[dict]:
    return [{"doc": e.doc, "sentence": e.sentence, "text": e.text} for e in items]


def assemble(
    documents: Sequence[Document],
    concepts: Mapping[str, Concept],
    counts: Counts,
    citations: Citations,
    settings: Settings = Settings(),
) -> nx.MultiDiGraph:
    """The graph of the counted concepts (``concepts`` by slug), the documents, their authors and citations.

    Measures come from ``analyze``, positions from ``kg.layout``.
    """
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    graph.graph.update(units=counts.units, window=str(settings.window), documents=len(documents))
    _add_concepts(graph, concepts, counts)
    _add_cooccurrence(graph, counts, len(documents), settings)
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
            attributes["years"] = "|".join(f"{year}:{per_year[year]}" for year in sorted(per_year))
        graph.add_node(slug, **attributes)


def _add_cooccurrence(graph: nx.MultiDiGraph, counts: Counts, n_documents: int, settings: Settings) -> None:
    min_count, min_docs = thresholds(n_documents, settings)
    total = max(counts.units, 1)
    units = counts.concept_units
    for a, b in sorted(counts.pair_units):
        count = counts.pair_units[(a, b)]
        if count < min_count or counts.pair_docs[(a, b)] < min_docs:
            continue
        p_ab = count / total
        p_a, p_b = units[a] / total, units[b] / total
        npmi = 1.0 if p_ab >= 1 else math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)
        npmi = max(-1.0, min(1.0, npmi))
        if npmi <= settings.min_npmi:
            continue
        graph.add_edge(
            a,
            b,
            key="co_occurs",
            relation="co_occurs",
            count=count,
            doc_count=counts.pair_docs[(a, b)],
            npmi=round(npmi, 4),
            association=round(count * total / (units[a] * units[b]), 4),
            weight=round(count * npmi, 4),
            evidence=_evidence(counts.pair_evidence.get((a, b), ())),
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


def analyze(graph: nx.MultiDiGraph, *, seed: int = 42, leiden: bool = False) -> None:
    """Add ``community``, ``community_label``, ``pagerank``, ``degree`` and ``betweenness`` to concept nodes.

    Communities are seeded Louvain (or Leiden with ``leiden=True`` and the ``leiden`` extra installed) on the
    co-occurrence graph, numbered by size from 0; concepts with no co-occurrence edge get community -1.
    Betweenness is sampled (k = 500) above 1,000 concepts.
    """
    simple = concept_subgraph(graph)
    if simple.number_of_nodes() == 0:
        return
    isolated = [n for n in simple if simple.degree(n) == 0]
    linked = induced(simple, [n for n in simple if simple.degree(n) > 0])
    communities = _communities(linked, seed=seed, leiden=leiden) if linked.number_of_nodes() else []
    pagerank = (
        nx.pagerank(simple, weight="weight") if simple.number_of_edges() else {n: 1 / len(simple) for n in simple}
    )
    k = 500 if simple.number_of_nodes() > 1000 else None
    betweenness = nx.betweenness_centrality(simple, k=k, seed=seed, weight=None)
    labels: dict[int, str] = {}
    for number, members in enumerate(communities):
        top = sorted(members, key=lambda n: (-graph.nodes[n]["count"], n))[:3]
        labels[number] = " / ".join(graph.nodes[n]["label"] for n in top)
        for node in members:
            graph.nodes[node]["community"] = number
    labels[-1] = "no co-occurrence"
    for node in isolated:
        graph.nodes[node]["community"] = -1
    for node in simple:
        data = graph.nodes[node]
        data["community_label"] = labels[data["community"]]
        data["pagerank"] = round(pagerank[node], 6)
        data["degree"] = simple.degree(node)
        data["betweenness"] = round(betweenness[node], 6)
    graph.graph["communities"] = len(communities)


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


def _communities(simple: nx.Graph, *, seed: int, leiden: bool) -> list[set[str]]:
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
        partition = leidenalg.find_partition(g, leidenalg.ModularityVertexPartition, weights="weight", seed=seed)
        found = [{nodes[i] for i in part} for part in partition]
    else:
        found = nx.community.louvain_communities(simple, weight="weight", seed=seed)
    return sorted(found, key=lambda c: (-len(c), min(c)))
