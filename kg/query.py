"""Questions asked of a built graph: top concepts, neighbours, evidence, paths and the difference of two snapshots.

Pure functions over a graph returned by ``kg.load_graph``; each returns plain JSON-ready data.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict

import networkx as nx

from .errors import KgError
from .graph import concept_subgraph
from .vocab import Concept, Vocabulary

__all__ = ["find_concept", "top_concepts", "neighbors", "linked_concepts", "evidence", "path", "diff"]


def _concepts(graph: nx.MultiDiGraph) -> dict[str, dict]:
    return {n: d for n, d in graph.nodes(data=True) if d.get("kind") == "concept"}


def graph_vocabulary(graph: nx.MultiDiGraph) -> Vocabulary:
    """The concepts of a built graph as a vocabulary, so that a term finds the concept a build would count it for."""

    def names(data: dict, key: str) -> tuple[str, ...]:
        return tuple(n for n in str(data.get(key) or "").split("|") if n)

    concepts = (
        Concept(
            slug=node,
            name=str(data.get("label") or node),
            aliases=names(data, "aliases"),
            abbreviations=names(data, "abbreviations"),
        )
        for node, data in sorted(_concepts(graph).items())
    )
    return Vocabulary(concepts, strict=False)


def find_concept(graph: nx.MultiDiGraph, term: str) -> str:
    """The concept node a term names, looked up as the vocabulary does: slug, name, alias or abbreviation.

    Raises
    ------
    KgError
        No concept has that name; the message suggests close ones.
    """
    found = graph_vocabulary(graph).lookup(term)
    if found is not None:
        return found.slug
    concepts = _concepts(graph)
    names = {str(d.get("label")): str(d.get("label")) for d in concepts.values()}
    names.update({n: str(d.get("label")) for n, d in concepts.items()})
    close = list(dict.fromkeys(names[m] for m in difflib.get_close_matches(term, list(names), n=6, cutoff=0.6)))[:3]
    hint = f"; did you mean: {', '.join(close)}?" if close else "; list concepts with: kg concepts GRAPH"
    raise KgError(f"no concept '{term}' in this graph{hint}")


def top_concepts(graph: nx.MultiDiGraph, n: int = 20, *, by: str = "count") -> list[dict]:
    """The ``n`` concepts highest by ``count``, ``doc_count``, ``pagerank``, ``degree`` or ``betweenness``."""
    if by not in ("count", "doc_count", "pagerank", "degree", "betweenness"):
        raise ValueError(f"by = {by!r}; must be count, doc_count, pagerank, degree or betweenness")
    if n < 1:
        raise ValueError(f"n = {n}; must be >= 1")
    concepts = _concepts(graph)
    ranked = sorted(concepts, key=lambda c: (-(concepts[c].get(by) or 0), c))[:n]
    fields = ("label", "count", "doc_count", "community", "community_label", "pagerank", "source")
    return [{"concept": c, **{f: concepts[c].get(f) for f in fields}} for c in ranked]


def neighbors(graph: nx.MultiDiGraph, concept: str, n: int = 20) -> list[dict]:
    """Concepts joined to ``concept`` (any name of it) by ``co_occurs`` or ``cites_concept`` edges, surest first."""
    return linked_concepts(graph, find_concept(graph, concept))[:n]


def linked_concepts(graph: nx.MultiDiGraph, node: str) -> list[dict]:
    """Every concept linked to concept ``node``: co-occurrences, surest first (by Dunning's G², then weight), then
    citations, strongest first.

    By weight (NPMI) alone a concept's first neighbours are the rare terms that met it a few times and nowhere
    else; by G² they are the partners the corpus gives most evidence for (20 central concepts of the whole shared
    corpus judged by hand, 149 of their 200 first-ten neighbours are related by weight, 163 by G²)."""
    found = []
    for a, b, key, data in list(graph.out_edges(node, keys=True, data=True)) + list(
        graph.in_edges(node, keys=True, data=True)
    ):
        if key not in ("co_occurs", "cites_concept"):
            continue
        other = b if a == node else a
        direction = "" if key == "co_occurs" else ("cites" if a == node else "cited by")
        found.append(
            {
                "concept": other,
                "label": graph.nodes[other].get("label", other),
                "relation": key,
                "direction": direction,
                "weight": data.get("weight"),
                "count": data.get("count"),
                "npmi": data.get("npmi"),
                "g2": data.get("g2"),
            }
        )
    found.sort(
        key=lambda item: (item["relation"] != "co_occurs", -(item["g2"] or 0), -(item["weight"] or 0), item["concept"])
    )
    return found


def evidence(graph: nx.MultiDiGraph, a: str, b: str) -> dict:
    """The sentences where two concepts meet, with the documents they come from."""
    first, second = sorted((find_concept(graph, a), find_concept(graph, b)))
    data = graph.get_edge_data(first, second, key="co_occurs") or {}
    sentences = []
    for item in data.get("evidence") or []:
        doc = graph.nodes.get(f"doc:{item['doc']}", {})
        sentences.append({"text": item["text"], "document": doc.get("label", item["doc"]), "url": doc.get("url", "")})
    return {
        "a": first,
        "b": second,
        "count": data.get("count", 0),
        "doc_count": data.get("doc_count", 0),
        "npmi": data.get("npmi"),
        "sentences": sentences,
    }


def path(graph: nx.MultiDiGraph, a: str, b: str) -> list[dict]:
    """The shortest chain of co-occurring concepts from ``a`` to ``b`` (fewest steps, then strongest).

    Raises
    ------
    KgError
        The two concepts are not connected.
    """
    source, target = find_concept(graph, a), find_concept(graph, b)
    simple = concept_subgraph(graph)
    for _, _, data in simple.edges(data=True):
        data["cost"] = 1.0 + 1.0 / (1.0 + data["weight"])  # one per step, a little less for strong edges
    try:
        nodes = nx.shortest_path(simple, source, target, weight="cost")
    except nx.NetworkXNoPath:
        raise KgError(f"'{source}' and '{target}' are not connected by co-occurrence") from None
    steps = [{"concept": nodes[0], "label": graph.nodes[nodes[0]]["label"]}]
    for prev, node in zip(nodes, nodes[1:], strict=False):
        link = evidence(graph, prev, node)
        steps.append(
            {
                "concept": node,
                "label": graph.nodes[node]["label"],
                "weight": simple.edges[prev, node]["weight"],
                "sentence": link["sentences"][0]["text"] if link["sentences"] else "",
            }
        )
    return steps


def diff(old: nx.MultiDiGraph, new: nx.MultiDiGraph, *, top: int = 50) -> dict:
    """What changed between two snapshots: concepts, co-occurrence edges, ranks and communities."""
    old_concepts, new_concepts = _concepts(old), _concepts(new)
    old_edges = {(a, b) for a, b, k in old.edges(keys=True) if k == "co_occurs"}
    new_edges = {(a, b) for a, b, k in new.edges(keys=True) if k == "co_occurs"}

    def ranks(concepts: dict[str, dict]) -> dict[str, int]:
        ordered = sorted(concepts, key=lambda c: (-(concepts[c].get("count") or 0), c))
        return {c: i + 1 for i, c in enumerate(ordered)}

    old_rank, new_rank = ranks(old_concepts), ranks(new_concepts)
    changed = [
        c for c in new_rank if c in old_rank and old_rank[c] != new_rank[c] and min(old_rank[c], new_rank[c]) <= top
    ]
    changed.sort(key=lambda c: (-abs(old_rank[c] - new_rank[c]), c))
    moved = [
        {"concept": c, "label": new_concepts[c].get("label"), "old_rank": old_rank[c], "new_rank": new_rank[c]}
        for c in changed
    ]
    return {
        "concepts_added": sorted(set(new_concepts) - set(old_concepts), key=lambda c: -new_concepts[c]["count"]),
        "concepts_removed": sorted(set(old_concepts) - set(new_concepts), key=lambda c: -old_concepts[c]["count"]),
        "edges_added": [list(e) for e in sorted(new_edges - old_edges)],
        "edges_removed": [list(e) for e in sorted(old_edges - new_edges)],
        "rank_changes": moved,
        **_community_changes(old_concepts, new_concepts),
    }


def _members(concepts: dict[str, dict]) -> dict[int, set[str]]:
    groups: dict[int, set[str]] = defaultdict(set)
    for node, data in concepts.items():
        if isinstance(data.get("community"), int) and data["community"] >= 0:
            groups[data["community"]].add(node)
    return groups


def _community_changes(old_concepts: dict[str, dict], new_concepts: dict[str, dict]) -> dict[str, list[dict]]:
    """Old communities whose shared concepts now sit in several new ones (split), and the reverse (merged).

    A part counts when it holds at least two of the community's concepts that both snapshots have.
    """
    old_groups, new_groups = _members(old_concepts), _members(new_concepts)

    def spread(groups: dict[int, set[str]], concepts: dict[str, dict], other: dict[str, dict], parts_key: str):
        found = []
        for number, members in sorted(groups.items()):
            parts = Counter(other[n]["community"] for n in members if n in other and other[n].get("community", -1) >= 0)
            big = sorted(c for c, size in parts.items() if size >= 2)
            if len(big) >= 2:
                label = next((str(concepts[n].get("community_label", "")) for n in sorted(members)), "")
                found.append({"community": number, "label": label, parts_key: big})
        return found

    return {
        "communities_split": spread(old_groups, old_concepts, new_concepts, "into"),
        "communities_merged": spread(new_groups, new_concepts, old_concepts, "from"),
    }
