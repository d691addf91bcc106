"""The page: one self-contained HTML file (vis-network inlined from pyvis's bundle) that opens from disk.

pyvis and its quirks stay here: we never hand it the graph we export (its ``from_nx`` mutates), we fill
``net.nodes``/``net.edges`` directly (its ``add_edge`` is quadratic), and we inline its bundled vis-network
instead of using its CDN or ``lib/`` folder. Corpus text is untrusted: it travels as JSON inside a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, and the page's script only
ever puts it into the DOM with ``textContent``; only ``http(s)`` URLs become links.
"""

from __future__ import annotations

import html
import json
import math
import re
from importlib import resources
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from .config import Settings
from .export import community_color
from .layout import OTHER
from .query import linked_concepts

__all__ = ["page_data", "render_page"]

_KIND_SHAPE = {"concept": "dot", "document": "square", "author": "triangle"}


def _pyvis_asset(name: str) -> str:
    folder = Path(str(resources.files("pyvis"))) / "templates" / "lib" / "vis-9.1.2"
    return (folder / name).read_text(encoding="utf-8")


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


def _select(graph: nx.MultiDiGraph, settings: Settings) -> tuple[list[str], list[str]]:
    """The concepts shown (top by count) and the documents and authors linked to them."""
    concepts = sorted(
        (n for n, k in graph.nodes(data="kind") if k == "concept"), key=lambda n: (-graph.nodes[n]["count"], n)
    )[: settings.max_nodes]
    shown = set(concepts)
    doc_weight: dict[str, int] = {}
    for doc, concept, key, data in graph.edges(keys=True, data=True):
        if key == "mentions" and concept in shown:
            doc_weight[doc] = doc_weight.get(doc, 0) + data["count"]
    documents = sorted(doc_weight, key=lambda n: (-doc_weight[n], n))[: settings.max_nodes * 2]
    authors = sorted({a for d in documents for a, _, key in graph.in_edges(d, keys=True) if key == "wrote"})
    return concepts, documents + authors


def page_data(graph: nx.MultiDiGraph, settings: Settings = Settings()) -> dict:
    """Nodes, edges and details for the page, as plain JSON-ready data (pyvis's ``Network`` holds the lists)."""
    concepts, others = _select(graph, settings)
    shown = set(concepts) | set(others)
    net = Network(directed=False)
    scale = 400 * math.sqrt(max(len(concepts), 25) / 25)  # room for labels grows with the number of nodes
    for node in concepts + others:
        data = graph.nodes[node]
        kind = data.get("kind", "concept")
        net.nodes.append(
            {
                "id": node,
                "label": data.get("label", node),
                "kind": kind,
                "shape": _KIND_SHAPE.get(kind, "dot"),
                "x": round(data.get("x", 0.0) * scale, 1),
                "y": round(data.get("y", 0.0) * scale, 1),
                "size": data.get("size", OTHER),
                "color": community_color(data.get("community"))
                if kind == "concept"
                else ("#607d8b" if kind == "document" else "#8d6e63"),
                "community": data.get("community", -1),
                "year": data.get("first_seen"),
                "hidden": kind != "concept",
            }
        )
    edges = _page_edges(graph, set(concepts), shown, settings)
    heaviest: dict[str, float] = {}  # widths compare edges of one relation with each other
    for edge in edges:
        heaviest[edge["relation"]] = max(heaviest.get(edge["relation"], 0.0), edge["weight"])
    for edge in edges:
        edge["width"] = round(1 + 5 * math.log1p(edge["weight"]) / math.log1p(heaviest[edge["relation"]] or 1.0), 2)
        net.edges.append(edge)
    details = {node: _details(graph, node) for node in concepts + others}
    communities = {}
    for node in concepts:
        number = graph.nodes[node].get("community", -1)
        if number >= 0 and number not in communities:
            communities[number] = {
                "id": number,
                "label": graph.nodes[node].get("community_label", ""),
                "color": community_color(number),
                "size": 0,
            }
        if number >= 0:
            communities[number]["size"] += 1
    years = sorted({n["year"] for n in net.nodes if isinstance(n.get("year"), int)})
    return {
        "nodes": net.nodes,
        "edges": net.edges,
        "details": details,
        "communities": [communities[k] for k in sorted(communities)],
        "years": years,
        "totals": {"concepts": sum(1 for _, k in graph.nodes(data="kind") if k == "concept"), "shown": len(concepts)},
    }


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
                "count": data["count"],
                "npmi": data["npmi"],
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


def _details(graph: nx.MultiDiGraph, node: str) -> dict:
    data = graph.nodes[node]
    detail = {
        k: data[k]
        for k in (
            "label",
            "kind",
            "definition",
            "aliases",
            "abbreviations",
            "count",
            "doc_count",
            "category",
            "source",
            "community_label",
            "first_seen",
            "url",
            "date",
            "authors",
            "years",
        )
        if data.get(k) not in (None, "")
    }
    if data.get("kind") == "concept":
        co_occurring = [link for link in linked_concepts(graph, node) if link["relation"] == "co_occurs"]
        detail["neighbours"] = [
            {"id": link["concept"], "label": link["label"], "weight": link["weight"]} for link in co_occurring[:10]
        ]
        detail["evidence"] = [_evidence_item(graph, e) for e in data.get("evidence", [])]
    return detail


def _evidence_item(graph: nx.MultiDiGraph, item: dict) -> dict:
    doc = graph.nodes.get(f"doc:{item['doc']}", {})
    return {"text": item["text"], "doc": doc.get("label", item["doc"]), "url": doc.get("url", "")}


def edge_evidence(graph: nx.MultiDiGraph, edges: list[dict]) -> dict[str, list[dict]]:
    """Evidence sentences of the shown co-occurrence edges, by edge id."""
    return {
        e["id"]: [
            _evidence_item(graph, item) for item in graph.edges[e["from"], e["to"], "co_occurs"].get("evidence", [])
        ]
        for e in edges
        if e["relation"] == "co_occurs"
    }


def render_page(graph: nx.MultiDiGraph, settings: Settings = Settings(), *, title: str = "kg concept map") -> str:
    """The whole page as one HTML string."""
    data = page_data(graph, settings)
    data["edge_evidence"] = edge_evidence(graph, data["edges"])
    template = (resources.files("kg") / "templates" / "page.html").read_text(encoding="utf-8")
    parts = {
        "/*VIS_CSS*/": _pyvis_asset("vis-network.css"),
        "/*VIS_JS*/": _pyvis_asset("vis-network.min.js"),
        "/*DATA*/": _safe_json(data),
        "__TITLE__": html.escape(title),
    }
    # One pass, so that nothing inserted (corpus text included) is scanned for placeholders again.
    return re.sub(r"/\*(?:VIS_CSS|VIS_JS|DATA)\*/|__TITLE__", lambda m: parts[m.group(0)], template)
