"""Positions and sizes: a seeded force-directed layout computed once in Python, and the one node-size rule that the
page and the GEXF both use.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping

import networkx as nx

from .graph import concept_subgraph, induced

__all__ = ["add_layout", "concept_positions", "node_size"]

SMALLEST, LARGEST = 6.0, 36.0  # concept sizes, in the page's pixels and Gephi's units alike
OTHER = 5.0  # documents and authors


def node_size(count: int, largest: int) -> float:
    """A concept's size from its mentions: area grows with the count, from SMALLEST to LARGEST.

    >>> node_size(1, 100), node_size(100, 100)
    (9.0, 36.0)
    """
    return round(SMALLEST + (LARGEST - SMALLEST) * math.sqrt(count / max(largest, 1)), 2)


def add_layout(
    graph: nx.MultiDiGraph, *, seed: int = 42, positions: Mapping[str, tuple[float, float]] | None = None
) -> None:
    """Seeded positions (``x``, ``y`` within about [-1.3, 1.3]) and a ``size`` for every node.

    Concepts get a force-directed layout of the co-occurrence graph (``positions``, when ``concept_positions``
    already made it elsewhere); each document sits near the concepts it mentions and each author near their
    documents, nudged apart deterministically.
    """
    if positions is None:
        positions = concept_positions(concept_subgraph(graph), seed=seed)
    if not positions:  # no concept
        return
    rng = random.Random(seed)
    largest = max(graph.nodes[n]["count"] for n in positions)
    for node, (x, y) in positions.items():
        graph.nodes[node].update(
            x=round(float(x), 4), y=round(float(y), 4), size=node_size(graph.nodes[node]["count"], largest)
        )
    for kind, relation in (("document", "mentions"), ("author", "wrote")):
        for node in sorted(n for n, k in graph.nodes(data="kind") if k == kind):
            near = [graph.nodes[b] for _, b, key in graph.out_edges(node, keys=True) if key == relation]
            near = [d for d in near if "x" in d] or [{"x": 0.0, "y": 0.0}]
            x = sum(d["x"] for d in near) / len(near) + rng.uniform(-0.05, 0.05)
            y = sum(d["y"] for d in near) / len(near) + rng.uniform(-0.05, 0.05)
            graph.nodes[node].update(x=round(x, 4), y=round(y, 4), size=OTHER)


def concept_positions(simple: nx.Graph, *, seed: int = 42) -> dict[str, tuple[float, float]]:
    """Force-directed positions of the concepts of ``simple`` (``kg.graph.concept_subgraph``): the largest
    connected part laid out, every other concept on a ring around it. A pure function of the co-occurrence graph,
    so it may run in another process beside the communities and centralities.

    Log-scaled weights keep a few very frequent pairs from collapsing the core into one spot.
    """
    if simple.number_of_nodes() == 0:
        return {}
    parts = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    core = induced(simple, parts[0])
    for _, _, data in core.edges(data=True):
        data["layout_weight"] = math.log1p(data["weight"])
    iterations = 60 if core.number_of_nodes() <= 2000 else 30
    spread = 1.5 / math.sqrt(core.number_of_nodes())
    found = nx.spring_layout(core, weight="layout_weight", seed=seed, iterations=iterations, k=spread)
    positions = {n: (float(x), float(y)) for n, (x, y) in found.items()}
    rest = [n for part in parts[1:] for n in sorted(part)]
    for index, node in enumerate(rest):
        angle = 2 * math.pi * index / len(rest)
        positions[node] = (1.25 * math.cos(angle), 1.25 * math.sin(angle))
    return positions
