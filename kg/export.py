"""Writers: GraphML, GEXF, node-link JSON, CSV and the manifest. Every file is written atomically.

GraphML and GEXF take scalar attributes only, so list attributes (evidence) are flattened to text here and
nowhere else; nodes and edges keep the graph's sorted insertion order, so equal inputs give equal bytes.
"""

from __future__ import annotations

import colorsys
import csv
import io
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import networkx as nx

from .errors import GraphFileError

__all__ = [
    "write_atomic",
    "to_graphml",
    "to_gexf",
    "to_json",
    "to_csv",
    "write_all",
    "load_graph",
    "FORMATS",
    "community_color",
]


_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; give them the usual mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def community_color(community: int | None) -> str:
    """A stable, distinct hex colour for a community number (grey when there is none).

    >>> community_color(0), community_color(None)
    ('#d65151', '#9e9e9e')
    """
    if community is None or community < 0:
        return "#9e9e9e"
    hue = (0.0 + community * 0.618033988749895) % 1.0
    r, g, b = colorsys.hls_to_rgb(hue, 0.58, 0.62)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _scalar(value: object) -> str | int | float | bool:
    if isinstance(value, list):
        return "\n".join(item["text"] if isinstance(item, dict) else str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return value  # type: ignore[return-value]


def scalar_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only scalar attributes: evidence becomes text, with its documents in ``evidence_docs``."""
    flat: nx.MultiDiGraph = nx.MultiDiGraph()
    flat.graph.update({k: v for k, v in graph.graph.items() if isinstance(v, str | int | float | bool)})

    def clean(data: dict) -> dict:
        out = {k: _scalar(v) for k, v in data.items() if k not in ("x", "y") or isinstance(v, float)}
        if isinstance(data.get("evidence"), list):
            out["evidence_docs"] = "|".join(item["doc"] for item in data["evidence"])
        return out

    for node, data in graph.nodes(data=True):
        flat.add_node(node, **clean(data))
    for a, b, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(a, b, key=key, **clean(data))
    return flat


def to_graphml(graph: nx.MultiDiGraph) -> str:
    """GraphML that Gephi, igraph and networkx read: scalar attributes, ``label`` and ``weight`` included."""
    buffer = io.BytesIO()
    nx.write_graphml(scalar_copy(graph), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue().decode("utf-8")


def to_gexf(graph: nx.MultiDiGraph) -> str:
    """GEXF with colour, size and position per node, and start dates for Gephi's timeline."""
    flat = scalar_copy(graph)
    flat.graph["mode"] = "dynamic"
    flat.graph["timeformat"] = "date"
    for _, data in flat.nodes(data=True):
        color = community_color(data.get("community")).lstrip("#")
        viz = {
            "color": {"r": int(color[:2], 16), "g": int(color[2:4], 16), "b": int(color[4:], 16), "a": 1.0},
            "size": float(data.get("size", 5.0)),
        }
        if "x" in data:
            viz["position"] = {"x": data["x"], "y": data["y"], "z": 0.0}
        data["viz"] = viz
        if isinstance(data.get("first_seen"), int):
            data["start"] = f"{data['first_seen']:04d}-01-01"
    buffer = io.BytesIO()
    nx.write_gexf(flat, buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue().decode("utf-8")


def to_json(graph: nx.MultiDiGraph) -> str:
    """Node-link JSON with every attribute, evidence lists included."""
    data = nx.node_link_data(graph, edges="links")
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _csv(rows: list[dict], first: list[str]) -> str:
    columns = first + sorted({k for row in rows for k in row} - set(first))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _scalar(v) for k, v in row.items()})
    return buffer.getvalue()


def to_csv(graph: nx.MultiDiGraph) -> tuple[str, str]:
    """``nodes.csv`` and ``edges.csv`` texts (evidence flattened to text)."""
    nodes = [{"id": n, **d} for n, d in graph.nodes(data=True)]
    edges = [{"source": a, "target": b, **d} for a, b, d in graph.edges(data=True)]
    return _csv(nodes, ["id", "kind", "label"]), _csv(edges, ["source", "target", "relation"])


FORMATS: dict[str, tuple[str, Callable[[nx.MultiDiGraph], str]]] = {
    "graphml": ("graph.graphml", to_graphml),
    "gexf": ("graph.gexf", to_gexf),
    "json": ("graph.json", to_json),
}


def write_all(
    graph: nx.MultiDiGraph, outdir: Path, formats: tuple[str, ...] = ("graphml", "gexf", "json", "csv")
) -> list[Path]:
    """Write the chosen formats into ``outdir``; returns the paths written."""
    written: list[Path] = []
    for name in formats:
        if name == "csv":
            nodes, edges = to_csv(graph)
            for filename, text in (("nodes.csv", nodes), ("edges.csv", edges)):
                write_atomic(outdir / filename, text)
                written.append(outdir / filename)
            continue
        filename, writer = FORMATS[name]
        write_atomic(outdir / filename, writer(graph))
        written.append(outdir / filename)
    return written


def load_graph(path: str | Path) -> nx.MultiDiGraph:
    """A graph written by kg: ``graph.json`` (full, with evidence) or ``graph.graphml``; a folder means its JSON.

    Raises
    ------
    GraphFileError
        The file is missing or is not a graph kg wrote.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "graph.json"
    if not path.exists():
        raise GraphFileError(f"{path} does not exist; build a graph first with: kg build -o {path.parent}")
    try:
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            graph = nx.node_link_graph(data, edges="links", directed=True, multigraph=True)
        elif path.suffix == ".graphml":
            graph = nx.read_graphml(path, force_multigraph=True)
        else:
            raise GraphFileError(f"{path}: kg reads graph.json or graph.graphml, not '{path.suffix}' files")
    except (json.JSONDecodeError, nx.NetworkXError, KeyError, ValueError) as exc:
        raise GraphFileError(f"{path} is not a graph written by kg ({exc})") from None
    if not any(d.get("kind") == "concept" for _, d in graph.nodes(data=True)):
        raise GraphFileError(f"{path} has no concept nodes; is it a graph written by kg?")
    return nx.MultiDiGraph(graph)
