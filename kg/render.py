"""The page: one self-contained HTML file (vis-network inlined from pyvis's bundle) that opens from disk.

pyvis and its quirks stay here: we never hand it the graph we export (its ``from_nx`` mutates), we fill
``net.nodes``/``net.edges`` directly (its ``add_edge`` is quadratic), and we inline its bundled vis-network
instead of using its CDN or ``lib/`` folder. Corpus text is untrusted: it travels as JSON inside a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, and the page's script only
ever puts it into the DOM with ``textContent`` (vis-network's tooltips take plain strings, set as ``innerText``);
only ``http(s)`` URLs become links.

The first view is a map one can read, as in VOSviewer: positions are laid out in page units that the first view
shows at about one screen pixel each, the most mentioned concepts carry large labels nudged apart until none
overlaps, and every other label is drawn too small to show until one zooms in.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from .config import Settings
from .errors import KgError
from .export import community_color
from .graph import years_of
from .keys import doc_node
from .layout import OTHER
from .query import linked_concepts

__all__ = ["page_data", "render_page", "spread_labels", "label_box"]

VIS_NETWORK = "vis-9.1.2"  # the bundle inside pyvis 0.3.x (pyproject pins that range)
_KIND_SHAPE = {"concept": "dot", "document": "square", "author": "triangle"}

WORLD = (1200.0, 860.0)  # page units spanned by the drawn concepts; the first view shows them at scale ≤ 1
LABELLED = 40  # concepts whose labels the first view shows
BIG_LABEL = (16.0, 30.0)  # their font sizes, smallest to largest, in page units
SMALL_LABEL = (6.5, 3.0)  # everyone else's, by rank: under the page's 7 px threshold until one zooms in
OTHER_LABEL = 3.0  # documents and authors
CHAR_WIDTH = 0.6  # a label's width per character, in font sizes (system-ui averages about 0.5)
NEIGHBOURS = 10  # per concept, in the panel


def _pyvis_asset(name: str) -> str:
    folder = Path(str(resources.files("pyvis"))) / "templates" / "lib" / VIS_NETWORK
    try:
        return (folder / name).read_text(encoding="utf-8")
    except OSError:
        raise KgError(
            f"pyvis's {VIS_NETWORK} bundle is missing ({folder / name}); the page needs pyvis 0.3.x: "
            "pip install 'pyvis>=0.3.2,<0.4'"
        ) from None


def _safe_json(data: object) -> str:
    """JSON that cannot close the surrounding script element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _safe_json_pieces(data: Mapping[str, object]) -> Iterator[bytes]:
    """``_safe_json(data)`` as UTF-8 pieces, one top-level field at a time: the same bytes, never all in one string.

    >>> b"".join(_safe_json_pieces({"a": [1, "<"], "b": {}})) == _safe_json({"a": [1, "<"], "b": {}}).encode()
    True
    """
    yield b"{"
    for i, (key, value) in enumerate(data.items()):
        yield f"{',' if i else ''}{_safe_json(key)}:{_safe_json(value)}".encode()
    yield b"}"


def _by_count(graph: nx.MultiDiGraph) -> list[str]:
    return sorted(
        (n for n, k in graph.nodes(data="kind") if k == "concept"), key=lambda n: (-graph.nodes[n]["count"], n)
    )


def _select(graph: nx.MultiDiGraph, concepts: list[str], settings: Settings) -> list[str]:
    """The documents and authors linked to the drawn ``concepts``, most relevant first."""
    shown = set(concepts)
    doc_weight: dict[str, int] = {}
    for doc, concept, key, data in graph.edges(keys=True, data=True):
        if key == "mentions" and concept in shown:
            doc_weight[doc] = doc_weight.get(doc, 0) + data["count"]
    documents = sorted(doc_weight, key=lambda n: (-doc_weight[n], n))[: settings.max_nodes * 2]
    authors = sorted({a for d in documents for a, _, key in graph.in_edges(d, keys=True) if key == "wrote"})
    return documents + authors


def label_box(x: float, y: float, size: float, font: float, text: str) -> tuple[float, float, float, float]:
    """The box (centre x, centre y, width, height) that vis-network gives the label of a dot: under the dot."""
    height = 1.25 * font
    return x, y + size + 2 + height / 2, CHAR_WIDTH * font * len(text) + 4, height


def spread_labels(
    boxes: Mapping[str, tuple[float, float, float, float]], *, rounds: int = 200
) -> dict[str, tuple[float, float]]:
    """How far to move each labelled node (dx, dy) so that no two label ``boxes`` overlap.

    Overlapping pairs push each other apart along the axis where they overlap least, half the overlap each, until
    none overlaps (or ``rounds`` run out); pairs are visited in a fixed order, so the result is deterministic.

    >>> moves = spread_labels({"a": (0, 0, 10, 4), "b": (2, 1, 10, 4)})
    >>> moves["a"], moves["b"]
    ((0.0, -1.55), (0.0, 1.55))
    """
    names = sorted(boxes)
    centre = {n: [float(boxes[n][0]), float(boxes[n][1])] for n in names}
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                overlap_x = (boxes[a][2] + boxes[b][2]) / 2 - abs(centre[a][0] - centre[b][0])
                overlap_y = (boxes[a][3] + boxes[b][3]) / 2 - abs(centre[a][1] - centre[b][1])
                if overlap_x <= 0 or overlap_y <= 0:
                    continue
                moved = True
                axis, overlap = (0, overlap_x) if overlap_x < overlap_y else (1, overlap_y)
                sign = 1.0 if centre[b][axis] >= centre[a][axis] else -1.0
                step = (overlap + 0.1) / 2
                centre[a][axis] -= sign * step
                centre[b][axis] += sign * step
        if not moved:
            break
    return {n: (round(centre[n][0] - boxes[n][0], 2), round(centre[n][1] - boxes[n][1], 2)) for n in names}


def _world(graph: nx.MultiDiGraph, nodes: list[str], drawn: list[str]) -> dict[str, tuple[float, float]]:
    """Page positions of ``nodes`` from the layout's: the ``drawn`` concepts fill WORLD (a few outliers held at its
    rim, so that they do not squeeze the rest into the middle), labelled ones nudged apart."""

    def axis(name: str, extent: float) -> dict[str, float]:
        spread = sorted(abs(graph.nodes[n].get(name, 0.0)) for n in drawn) or [1.0]
        scale = extent / 2 / (spread[int(0.95 * (len(spread) - 1))] or 1.0)
        rim = 0.55 * extent
        return {n: max(-rim, min(rim, graph.nodes[n].get(name, 0.0) * scale)) for n in nodes}

    xs, ys = axis("x", WORLD[0]), axis("y", WORLD[1])
    world = {n: (xs[n], ys[n]) for n in nodes}
    boxes = {
        n: label_box(*world[n], graph.nodes[n].get("size", OTHER), _font(rank), graph.nodes[n].get("label", n))
        for rank, n in enumerate(drawn[:LABELLED])
    }
    for node, (dx, dy) in spread_labels(boxes).items():
        world[node] = (world[node][0] + dx, world[node][1] + dy)
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in world.items()}


def _font(rank: int) -> float:
    """A concept's label size in page units from its rank by mentions (0: the most mentioned)."""
    if rank < LABELLED:
        smallest, largest = BIG_LABEL
        return round(largest - (largest - smallest) * math.sqrt(rank / max(LABELLED - 1, 1)), 1)
    first, last = SMALL_LABEL
    return round(max(last, first - (first - last) * (rank - LABELLED) / 300), 1)


def _tooltip(data: Mapping, lines: Iterable[str]) -> str:
    return "\n".join([str(data.get("label", "")), *lines])


def page_data(graph: nx.MultiDiGraph, settings: Settings = Settings()) -> dict:
    """Everything the page shows, as plain JSON-ready data.

    ``nodes``/``edges``: what is drawn (pyvis's ``Network`` holds the lists): the ``settings.max_nodes`` most
    mentioned concepts with each one's strongest links, and their documents and authors (hidden at first).
    ``concepts``, ``documents``, ``authors``: every node of the graph, for search and the side panel (a concept's
    neighbours, evidence and reading list; a document's concepts and citations; an author's documents).
    ``edge_evidence``: the sentences behind each drawn link and each concept's listed neighbours.
    """
    ranked = _by_count(graph)
    drawn = ranked[: settings.max_nodes]
    others = _select(graph, drawn, settings)
    world = _world(graph, ranked + others, drawn)  # documents and authors where the layout put them
    concepts = {node: _concept(graph, node, world[node], rank) for rank, node in enumerate(ranked)}
    documents = {n: _document(graph, n) for n, k in sorted(graph.nodes(data="kind")) if k == "document"}
    authors = {n: _author(graph, n) for n, k in sorted(graph.nodes(data="kind")) if k == "author"}
    net = Network(directed=False)
    for node in drawn:
        net.nodes.append(_concept_node(concepts[node], node))
    for node in others:
        data = graph.nodes[node]
        net.nodes.append(
            {
                "id": node,
                "label": data.get("label", node),
                "kind": data["kind"],
                "shape": _KIND_SHAPE.get(data["kind"], "dot"),
                "x": world[node][0],
                "y": world[node][1],
                "size": OTHER,
                "font": {"size": OTHER_LABEL},
                "color": "#607d8b" if data["kind"] == "document" else "#8d6e63",
                "title": _tooltip(data, [data["kind"], str(data.get("date", ""))]),
                "year": data.get("first_seen"),
                "hidden": True,
            }
        )
    edges = _page_edges(graph, set(drawn), set(drawn) | set(others), settings)
    heaviest: dict[str, float] = {}  # widths compare edges of one relation with each other
    for edge in edges:
        heaviest[edge["relation"]] = max(heaviest.get(edge["relation"], 0.0), edge["weight"])
    for edge in edges:
        edge["width"] = round(1 + 5 * math.log1p(edge["weight"]) / math.log1p(heaviest[edge["relation"]] or 1.0), 2)
        net.edges.append(edge)
    communities: dict[int, dict] = {}
    for node in drawn:
        number = concepts[node]["community"]
        if number >= 0:
            entry = communities.setdefault(
                number, {"id": number, "label": concepts[node]["community_label"], "color": concepts[node]["color"]}
            )
            entry["size"] = entry.get("size", 0) + 1
    neighbour_pairs = {tuple(sorted((node, n["id"]))) for node in drawn for n in concepts[node]["neighbours"]}
    shown_pairs = {(e["from"], e["to"]) for e in edges if e["relation"] == "co_occurs"}
    years = sorted({int(y) for c in concepts.values() for y in c["years"]})
    return {
        "nodes": net.nodes,
        "edges": net.edges,
        "concepts": concepts,
        "documents": documents,
        "authors": authors,
        "edge_evidence": {
            f"{a}|{b}": [_evidence_item(e) for e in graph.edges[a, b, "co_occurs"].get("evidence", [])]
            for a, b in sorted(neighbour_pairs | shown_pairs)
        },
        "communities": [communities[k] for k in sorted(communities)],
        "years": years,
        "totals": {"concepts": len(ranked), "shown": len(drawn), "documents": len(documents)},
        "units": graph.graph.get("window", "sentence"),
    }


def _concept(graph: nx.MultiDiGraph, node: str, position: tuple[float, float], rank: int) -> dict:
    data = graph.nodes[node]
    reading = sorted(
        ((doc, d["count"]) for doc, _, key, d in graph.in_edges(node, keys=True, data=True) if key == "mentions"),
        key=lambda item: (-item[1], item[0]),
    )
    neighbours = [link for link in linked_concepts(graph, node) if link["relation"] == "co_occurs"][:NEIGHBOURS]
    community = data.get("community", -1)
    return {
        **{
            k: data[k]
            for k in ("label", "definition", "aliases", "abbreviations", "category", "source", "first_seen")
            if data.get(k) not in (None, "")
        },
        "count": data["count"],
        "doc_count": data["doc_count"],
        "community": community,
        "community_label": data.get("community_label", ""),
        "color": community_color(community),
        "size": data.get("size", OTHER),
        "font": _font(rank),
        "x": position[0],
        "y": position[1],
        "years": years_of(data.get("years")),
        "neighbours": [_neighbour(graph, node, link["concept"]) for link in neighbours],
        "evidence": [_evidence_item(e) for e in data.get("evidence", [])],
        "documents": reading,
    }


def _neighbour(graph: nx.MultiDiGraph, node: str, other: str) -> dict:
    a, b = sorted((node, other))
    data = graph.edges[a, b, "co_occurs"]
    return {
        "id": other,
        "edge": f"{a}|{b}",
        **_strength(data),
        "weight": data.get("weight", 0.0),
        "years": years_of(data.get("years")),
    }


def _strength(data: Mapping) -> dict:
    """What the panel says of a link: meetings within units and in how many documents, and how many times chance
    (``count`` 0: the two share documents but never a unit)."""
    count = data.get("count", 0)
    return {
        "count": count,
        "documents": data.get("doc_count", 0) if count else data.get("documents", 0),
        "lift": data.get("lift", 0.0),
    }


def _concept_node(concept: dict, node: str) -> dict:
    lines = [f"{concept['count']} mentions in {concept['doc_count']} documents"]
    if concept["community_label"]:
        lines.append(f"community: {concept['community_label']}")
    return {
        "id": node,
        "label": concept["label"],
        "kind": "concept",
        "shape": "dot",
        "x": concept["x"],
        "y": concept["y"],
        "size": concept["size"],
        "font": {"size": concept["font"]},
        "color": concept["color"],
        "community": concept["community"],
        "title": _tooltip(concept, lines),
        "year": concept.get("first_seen"),
        "hidden": False,
    }


def _document(graph: nx.MultiDiGraph, node: str) -> dict:
    data = graph.nodes[node]
    concepts = sorted(
        ((c, d["count"]) for _, c, key, d in graph.out_edges(node, keys=True, data=True) if key == "mentions"),
        key=lambda item: (-item[1], item[0]),
    )
    return {
        "label": data.get("label", node),
        "date": data.get("date", ""),
        "url": data.get("url", ""),
        "authors": sorted(a for a, _, key in graph.in_edges(node, keys=True) if key == "wrote"),
        "concepts": concepts,
        "cites": sorted(d for _, d, key in graph.out_edges(node, keys=True) if key == "cites"),
        "cited_by": sorted(d for d, _, key in graph.in_edges(node, keys=True) if key == "cites"),
    }


def _author(graph: nx.MultiDiGraph, node: str) -> dict:
    documents = sorted(d for _, d, key in graph.out_edges(node, keys=True) if key == "wrote")
    mentions: dict[str, int] = {}
    for doc in documents:
        for _, concept, key, data in graph.out_edges(doc, keys=True, data=True):
            if key == "mentions":
                mentions[concept] = mentions.get(concept, 0) + data["count"]
    main = sorted(mentions.items(), key=lambda item: (-item[1], item[0]))[:NEIGHBOURS]
    return {"label": graph.nodes[node].get("label", node), "documents": documents, "concepts": main}


def _page_edges(graph: nx.MultiDiGraph, concepts: set[str], shown: set[str], settings: Settings) -> list[dict]:
    strongest: dict[str, list[tuple[float, str, str]]] = {}
    for a, b, key, data in graph.edges(keys=True, data=True):
        if key == "co_occurs" and a in concepts and b in concepts:
            for node in (a, b):
                strongest.setdefault(node, []).append((data["weight"], a, b))
    keep: set[tuple[str, str]] = set()
    for candidates in strongest.values():
        for _, a, b in sorted(candidates, key=lambda c: (-c[0], c[1], c[2]))[: settings.edges_per_node]:
            keep.add((a, b))
    edges = []
    for a, b in sorted(keep):
        data = graph.edges[a, b, "co_occurs"]
        edges.append(
            {
                "id": f"{a}|{b}",
                "from": a,
                "to": b,
                "relation": "co_occurs",
                "weight": data["weight"],
                **_strength(data),
                "years": years_of(data.get("years")),
                "hidden": False,
            }
        )
    for a, b, key, data in graph.edges(keys=True, data=True):
        if key in ("mentions", "cites", "wrote") and a in shown and b in shown:
            edges.append(
                {
                    "id": f"{key}:{a}|{b}",
                    "from": a,
                    "to": b,
                    "relation": key,
                    "weight": float(data.get("weight", 1.0)),
                    "count": data.get("count", 1),
                    "hidden": True,
                    "dashes": key != "mentions",
                    "arrows": "to" if key == "cites" else "",
                }
            )
    return edges


def _evidence_item(item: dict) -> dict:
    """A sentence and the node of its document (the page looks its title and link up)."""
    return {"text": item["text"], "doc": doc_node(item["doc"])}


def render_page(graph: nx.MultiDiGraph, settings: Settings = Settings(), *, title: str = "kg concept map") -> bytes:
    """The whole page: one HTML file's UTF-8 bytes.

    Made piece by piece, the data one top-level field at a time, so that the page and its data never exist as
    one Python string (which takes four bytes a character once the corpus holds an emoji): at 10x TurnTrout
    that string and its escaped copies made the build's peak memory.
    """
    data = page_data(graph, settings)
    template = (resources.files("kg") / "templates" / "page.html").read_text(encoding="utf-8")
    parts = {
        "/*VIS_CSS*/": lambda: [_pyvis_asset("vis-network.css").encode()],
        "/*VIS_JS*/": lambda: [_pyvis_asset("vis-network.min.js").encode()],
        "/*DATA*/": lambda: _safe_json_pieces(data),
        "__TITLE__": lambda: [html.escape(title).encode()],
    }
    # Placeholders are found in the template alone: nothing inserted (corpus text included) is scanned again.
    pieces: list[bytes] = []
    for i, piece in enumerate(re.split(r"(/\*(?:VIS_CSS|VIS_JS|DATA)\*/|__TITLE__)", template)):
        pieces.extend(parts[piece]() if i % 2 else [piece.encode()])
    return b"".join(pieces)
