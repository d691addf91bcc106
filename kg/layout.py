"""Positions and sizes: a seeded force-directed layout computed once in Python, and the one node-size rule that the
page and the GEXF both use.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import TYPE_CHECKING

import networkx as nx

from .graph import concept_subgraph, induced

if TYPE_CHECKING:
    import numpy

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
    iterations = 60 if core.number_of_nodes() <= 2000 else 30
    spread = 1.5 / math.sqrt(core.number_of_nodes())
    found = fruchterman_reingold(core, k=spread, iterations=iterations, seed=seed)
    positions = {n: (float(x), float(y)) for n, (x, y) in zip(core, found.tolist(), strict=True)}
    rest = [n for part in parts[1:] for n in sorted(part)]
    for index, node in enumerate(rest):
        angle = 2 * math.pi * index / len(rest)
        positions[node] = (1.25 * math.cos(angle), 1.25 * math.sin(angle))
    return positions


def fruchterman_reingold(graph: nx.Graph, *, k: float, iterations: int, seed: int) -> numpy.ndarray:
    """Fruchterman-Reingold positions of ``graph``'s nodes (in its order, scaled into [-1, 1]), edges pulling by
    the log of their ``weight``: networkx's ``spring_layout`` with its dense solver, from the same seeded start,
    with x and y kept apart and the pull computed on the edges alone. networkx solves graphs of 500 nodes and more
    with a loop over the nodes in Python: the whole shared corpus's 1,394 concepts took it 6.9 s, and take 0.8 s
    here.

    >>> g = nx.Graph([("a", "b", {"weight": 1.0}), ("b", "c", {"weight": 1.0})])
    >>> found = fruchterman_reingold(g, k=0.5, iterations=50, seed=1)
    >>> found.shape, bool(abs(found).max() <= 1.0)
    ((3, 2), True)
    """
    import numpy

    n = graph.number_of_nodes()
    index = {node: i for i, node in enumerate(graph)}
    edges: list[tuple[str, str, float]] = list(graph.edges(data="weight"))
    heads = [index[a] for a, _, _ in edges]
    tails = [index[b] for _, b, _ in edges]
    rows, cols = numpy.array(heads + tails, dtype=numpy.intp), numpy.array(tails + heads, dtype=numpy.intp)
    pull = numpy.log1p(numpy.array([w for *_, w in edges] * 2, dtype=float)) / k
    start = numpy.random.RandomState(seed).rand(n, 2)
    x, y = start[:, 0].copy(), start[:, 1].copy()
    step = max(numpy.ptp(x), numpy.ptp(y)) * 0.1  # the temperature: the longest move, cooled to 0 by the end
    cooling = step / (iterations + 1)
    for _ in range(iterations):
        dx, dy = x[:, None] - x[None, :], y[:, None] - y[None, :]
        force = dx * dx
        force += dy * dy
        numpy.maximum(force, 1e-4, out=force)  # squared distances, at least 0.01 apart
        attraction = pull * numpy.sqrt(force[rows, cols])
        numpy.divide(k * k, force, out=force)  # repulsion between every pair
        force[rows, cols] -= attraction
        fx, fy = numpy.einsum("ij,ij->i", dx, force), numpy.einsum("ij,ij->i", dy, force)
        scale = step / numpy.maximum(numpy.hypot(fx, fy), 0.01)
        fx *= scale
        fy *= scale
        x += fx
        y += fy
        step -= cooling
        if numpy.sqrt((fx * fx + fy * fy).sum()) / n < 1e-4:
            break
    return nx.rescale_layout(numpy.column_stack([x, y]))
