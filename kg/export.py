"""Writers: GraphML, GEXF, node-link JSON and CSV, and how output files reach the disk.

GraphML and GEXF take scalar attributes only, so list attributes (evidence) are flattened to text here and
nowhere else; nodes and edges keep the graph's sorted insertion order, so equal inputs give equal bytes.
A build's outputs are replaced as a set (``replace_outputs``): readers see the old set or the new one, never a mix.
"""

from __future__ import annotations

import colorsys
import csv
import ctypes
import ctypes.util
import errno
import gc
import io
import json
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import networkx as nx

from .errors import GraphFileError, KgError, KgWarning
from .graph import years_of

__all__ = [
    "write_atomic",
    "replace_outputs",
    "render_outputs",
    "output_makers",
    "to_graphml",
    "to_concepts_graphml",
    "concept_view",
    "only_concepts",
    "to_gexf",
    "to_json",
    "to_csv",
    "to_nodes_csv",
    "to_edges_csv",
    "write_all",
    "load_graph",
    "FORMATS",
    "community_color",
    "spreadsheet_safe",
    "csv_text",
    "rare_collections",
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
    if isinstance(value, list):  # evidence: sentences on one line, legible in Gephi's data table
        return " | ".join(item["text"] if isinstance(item, dict) else str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return value  # type: ignore[return-value]


GEPHI_SCALE = 1000.0  # layout positions lie within about ±1.3; Gephi draws nodes of size 6-36 in the same units


def _defaults(graph: nx.Graph) -> dict[str, dict[str, object]]:
    """For each node kind, every attribute some node of that kind has, with an empty value of its type.

    Filled in on export so that every node of a kind carries every attribute of that kind (igraph reads a
    missing number as NaN).
    """
    empty: dict[type, object] = {bool: False, int: 0, float: 0.0, str: ""}
    found: dict[str, dict[str, object]] = {}
    for _, data in graph.nodes(data=True):
        kind = found.setdefault(str(data.get("kind", "")), {})
        for name, value in data.items():
            if type(value) in empty and name not in kind:
                kind[name] = empty[type(value)]
    return found


def scalar_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only scalar attributes, ready for GraphML and GEXF: evidence becomes text (sentences joined by
    " | ", their documents in ``evidence_docs``), positions are scaled for Gephi, and every node of a kind carries
    every attribute of that kind."""
    flat: nx.MultiDiGraph = nx.MultiDiGraph()
    flat.graph.update({k: v for k, v in graph.graph.items() if isinstance(v, str | int | float | bool)})
    defaults = _defaults(graph)

    def clean(data: dict) -> dict:
        out = {k: _scalar(v) for k, v in data.items() if k not in ("x", "y") or isinstance(v, float)}
        if isinstance(data.get("evidence"), list):
            out["evidence_docs"] = "|".join(item["doc"] for item in data["evidence"])
        for axis in ("x", "y"):
            position = out.get(axis)
            if isinstance(position, float):
                out[axis] = round(position * GEPHI_SCALE, 1)
        return out

    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{**defaults.get(str(data.get("kind", "")), {}), **clean(data)})
    for a, b, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(a, b, key=key, **clean(data))
    return flat


def concept_view(graph: nx.MultiDiGraph) -> nx.Graph:
    """Concepts and their co-occurrence alone, undirected, with numbers only on edges: one meaning of ``weight``
    (association) in the whole file, so that Gephi, igraph and networkx can sum, merge and cluster it as it is.
    Evidence and citation links stay in the full graph."""
    flat = scalar_copy(only_concepts(graph))
    view: nx.Graph = nx.Graph()
    view.graph.update(flat.graph)
    view.add_nodes_from(flat.nodes(data=True))
    for a, b, data in flat.edges(data=True):
        numbers = {k: int(v) if isinstance(v, bool) else v for k, v in data.items() if isinstance(v, int | float)}
        view.add_edge(a, b, **numbers)
    for _, data in view.nodes(data=True):
        data.pop("evidence", None)
        data.pop("evidence_docs", None)
    return view


# GraphML and GEXF are written as text, line by line: networkx's writers build the whole XML tree first, which took
# 3-4x as long on the whole shared corpus (6,571 nodes, 41,892 edges).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile(f'[&<>"\n\r\t{_NOT_XML.pattern[1:-1]}]')
_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


def _xml(value: object) -> str:
    r"""A value as XML text, fit for an attribute too; characters XML cannot hold at all are dropped.

    >>> _xml('a "<b>" & c\x00'), _xml(True), _xml(0.25)
    ('a &quot;&lt;b&gt;&quot; &amp; c', 'true', '0.25')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return _NOT_XML.sub("", text).translate(_ESCAPES) if _SPECIAL.search(text) else text


def _xml_types(rows: list[dict]) -> dict[str, str]:
    """Each attribute's XML type over ``rows``, in order of first use: one type per attribute, widened where
    rows differ (an int among floats is a double; anything beside a string is a string)."""
    seen: dict[str, set[type]] = {}
    for row in rows:
        for name, value in row.items():
            if value is not None:
                seen.setdefault(name, set()).add(type(value))
    named = {}
    for name, kinds in seen.items():
        if kinds == {bool}:
            named[name] = "boolean"
        elif kinds == {int}:
            named[name] = "long"
        elif kinds <= {int, float}:
            named[name] = "double"
        else:
            named[name] = "string"
    return named


_GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)


def _graphml(graph: nx.Graph) -> bytes:
    """GraphML of a graph with scalar attributes; a multigraph's edge keys become edge ids."""
    nodes = list(graph.nodes(data=True))
    edges: list[tuple] = (
        list(graph.edges(keys=True, data=True)) if isinstance(graph, nx.MultiGraph) else list(graph.edges(data=True))
    )
    scopes = {"graph": [graph.graph], "node": [d for _, d in nodes], "edge": [e[-1] for e in edges]}
    ids: dict[str, dict[str, str]] = {}
    out = [_GRAPHML_HEAD]
    for scope, rows in scopes.items():
        ids[scope] = {}
        for name, kind in _xml_types(rows).items():
            ids[scope][name] = key = f"d{sum(map(len, ids.values()))}"
            out.append(f'<key id="{key}" for="{scope}" attr.name="{_xml(name)}" attr.type="{kind}"/>\n')

    def data(scope: str, attributes: dict, indent: str) -> None:
        for name, value in attributes.items():
            if value is not None:
                out.append(f'{indent}<data key="{ids[scope][name]}">{_xml(value)}</data>\n')

    out.append(f'<graph edgedefault="{"directed" if graph.is_directed() else "undirected"}">\n')
    data("graph", graph.graph, "")
    for node, attributes in nodes:
        out.append(f'<node id="{_xml(node)}">\n')
        data("node", attributes, "  ")
        out.append("</node>\n")
    for edge in edges:
        key = f' id="{_xml(edge[2])}"' if len(edge) == 4 else ""
        out.append(f'<edge source="{_xml(edge[0])}" target="{_xml(edge[1])}"{key}>\n')
        data("edge", edge[-1], "  ")
        out.append("</edge>\n")
    out.append("</graph>\n</graphml>\n")
    return _utf8(out)


def to_graphml(graph: nx.MultiDiGraph) -> bytes:
    """GraphML that Gephi, igraph and networkx read: every node, edge and relation, scalar attributes (the
    file's UTF-8 bytes, as are those of the other writers but the CSVs')."""
    return _graphml(scalar_copy(graph))


def to_concepts_graphml(graph: nx.MultiDiGraph) -> bytes:
    """GraphML of ``concept_view``: concepts only, undirected co-occurrence, one weight meaning."""
    return _graphml(concept_view(graph))


_GEXF_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:viz="http://www.gexf.net/1.2draft/viz" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'
)


def _year(year: object) -> str | None:
    return f"{year:04d}-01-01" if isinstance(year, int) and not isinstance(year, bool) and year > 0 else None


def to_gexf(graph: nx.MultiDiGraph) -> bytes:
    """GEXF with colour, size and position per node, and time for Gephi's timeline: each node and co-occurrence
    edge starts in the year it is first seen, and a concept's ``mentions`` attribute changes from year to year."""
    from ._version import __version__

    flat = scalar_copy(graph)
    nodes = list(flat.nodes(data=True))
    edges = list(flat.edges(data=True))
    out = [_GEXF_HEAD, f"  <meta>\n    <creator>kg {__version__}</creator>\n  </meta>\n"]
    out.append('  <graph defaultedgetype="directed" mode="dynamic" timeformat="date">\n')
    columns: dict[str, dict[str, str]] = {}
    for scope, rows in (
        ("node", [{k: v for k, v in d.items() if k != "label"} for _, d in nodes]),
        ("edge", [d for *_, d in edges]),
    ):
        columns[scope] = {}
        out.append(f'    <attributes class="{scope}" mode="static">\n')
        for name, kind in _xml_types(rows).items():
            columns[scope][name] = column = str(sum(map(len, columns.values())))
            out.append(f'      <attribute id="{column}" title="{_xml(name)}" type="{kind}"/>\n')
        out.append("    </attributes>\n")
    out.append('    <attributes class="node" mode="dynamic">\n')
    out.append('      <attribute id="mentions" title="mentions" type="long"/>\n    </attributes>\n')

    def values(scope: str, attributes: dict, extra: list[str]) -> None:
        out.append("        <attvalues>\n")
        for name, value in attributes.items():
            if value is not None and name in columns[scope]:
                out.append(f'          <attvalue for="{columns[scope][name]}" value="{_xml(value)}"/>\n')
        out.extend(extra)
        out.append("        </attvalues>\n")

    out.append("    <nodes>\n")
    for node, data in nodes:
        start = _year(data.get("first_seen"))
        opening = f'      <node id="{_xml(node)}" label="{_xml(data.get("label", node))}"'
        out.append(opening + (f' start="{start}">\n' if start else ">\n"))
        color = community_color(data.get("community")).lstrip("#")
        red, green, blue = (int(color[i : i + 2], 16) for i in (0, 2, 4))
        out.append(f'        <viz:color r="{red}" g="{green}" b="{blue}" a="1.0"/>\n')
        out.append(f'        <viz:size value="{float(data.get("size", 5.0))}"/>\n')
        if isinstance(data.get("x"), float):
            out.append(f'        <viz:position x="{data["x"]}" y="{data["y"]}" z="0.0"/>\n')
        per_year = years_of(data.get("years"))
        dynamic = [
            f'          <attvalue for="mentions" value="{n}" start="{y:04d}-01-01" end="{y:04d}-12-31"/>\n'
            for y, n in per_year.items()
        ]
        values("node", data, dynamic)
        out.append("      </node>\n")
    out.append("    </nodes>\n    <edges>\n")
    for number, (a, b, data) in enumerate(edges):
        start = _year(data.get("first_seen"))
        opening = (
            f'      <edge id="{number}" source="{_xml(a)}" target="{_xml(b)}" weight="{float(data.get("weight", 1.0))}"'
        )
        out.append(opening + (f' start="{start}">\n' if start else ">\n"))
        values("edge", data, [])
        out.append("      </edge>\n")
    out.append("    </edges>\n  </graph>\n</gexf>\n")
    return _utf8(out)


def to_json(graph: nx.MultiDiGraph) -> bytes:
    """Node-link JSON with every attribute, evidence lists included."""
    data = nx.node_link_data(graph, edges="links")
    pieces = [json.dumps({k: v for k, v in data.items() if k not in ("nodes", "links")}, ensure_ascii=False)[:-1]]
    for name in ("nodes", "links"):  # one node or link a line: json's fast encoder, and still diff- and grep-able
        pieces.append(f', "{name}": [\n')
        pieces.extend((",\n" if i else "") + json.dumps(item, ensure_ascii=False) for i, item in enumerate(data[name]))
        pieces.append("\n]")
    pieces.append("}\n")
    return _utf8(pieces)


def _utf8(pieces: list[str]) -> bytes:
    """The UTF-8 bytes of the pieces' text, never held as one string: that string takes four bytes a character
    once the corpus holds an emoji, and at 10x TurnTrout it and its encoding made a build's peak memory."""
    return b"".join([piece.encode("utf-8") for piece in pieces])


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text: strings starting with ``= + - @`` (or a tab or carriage
    return) would run as formulas, so they get a leading apostrophe. Numbers pass unchanged.

    >>> spreadsheet_safe("=1+1"), spreadsheet_safe("@SUM(A1)"), spreadsheet_safe(-0.5), spreadsheet_safe("AI")
    ("'=1+1", "'@SUM(A1)", -0.5, 'AI')
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    """CSV with every cell made spreadsheet-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def _csv(rows: list[dict], first: list[str]) -> str:
    columns = first + sorted({k for row in rows for k in row} - set(first))
    return csv_text(columns, [[_scalar(row[k]) if k in row else "" for k in columns] for row in rows])


def to_nodes_csv(graph: nx.MultiDiGraph) -> str:
    """``nodes.csv``: a row a node, evidence flattened to text."""
    return _csv([{"id": n, **d} for n, d in graph.nodes(data=True)], ["id", "kind", "label"])


def to_edges_csv(graph: nx.MultiDiGraph) -> str:
    """``edges.csv``: a row an edge, evidence flattened to text."""
    return _csv(
        [{"source": a, "target": b, **d} for a, b, d in graph.edges(data=True)], ["source", "target", "relation"]
    )


def to_csv(graph: nx.MultiDiGraph) -> tuple[str, str]:
    """``nodes.csv`` and ``edges.csv`` texts."""
    return to_nodes_csv(graph), to_edges_csv(graph)


FORMATS: dict[str, tuple[str, Callable[[nx.MultiDiGraph], str | bytes]]] = {
    "graphml": ("graph.graphml", to_graphml),
    "concepts": ("graph-concepts.graphml", to_concepts_graphml),
    "gexf": ("graph.gexf", to_gexf),
    "json": ("graph.json", to_json),
    "csv": ("nodes.csv", to_nodes_csv),
}
_SECOND_FILE = {"csv": ("edges.csv", to_edges_csv)}


def only_concepts(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The concept nodes of ``graph`` and the co-occurrence edges between them."""
    reduced: nx.MultiDiGraph = nx.MultiDiGraph()
    reduced.graph.update(graph.graph)
    reduced.add_nodes_from((n, d) for n, d in graph.nodes(data=True) if d.get("kind") == "concept")
    for a, b, key, data in graph.edges(keys=True, data=True):
        if key == "co_occurs":
            reduced.add_edge(a, b, key=key, **data)
    return reduced


def output_makers(
    graph: nx.MultiDiGraph,
    formats: tuple[str, ...] = ("graphml", "concepts", "gexf", "json", "csv"),
    *,
    concepts_only: bool = False,
) -> dict[str, Callable[[], str | bytes]]:
    """For each file of the chosen formats, by name in a stable order, what makes its text when called: a build
    holds one output's text at a time, not all of them.

    With ``concepts_only`` every format holds only concepts and co-occurrence, and GraphML is the undirected
    ``graph-concepts.graphml``.
    """
    if concepts_only:
        graph = only_concepts(graph)
        formats = tuple(dict.fromkeys("concepts" if f == "graphml" else f for f in formats))
    makers: dict[str, Callable[[], str | bytes]] = {}
    for name in formats:
        for filename, writer in (FORMATS[name], *([_SECOND_FILE[name]] if name in _SECOND_FILE else [])):
            makers[filename] = partial(writer, graph)
    return makers


def render_outputs(
    graph: nx.MultiDiGraph,
    formats: tuple[str, ...] = ("graphml", "concepts", "gexf", "json", "csv"),
    *,
    concepts_only: bool = False,
) -> dict[str, str | bytes]:
    """The chosen formats as file contents by file name, in a stable order (see ``output_makers``)."""
    return {name: make() for name, make in output_makers(graph, formats, concepts_only=concepts_only).items()}


def write_all(
    graph: nx.MultiDiGraph,
    outdir: Path,
    formats: tuple[str, ...] = ("graphml", "concepts", "gexf", "json", "csv"),
    *,
    concepts_only: bool = False,
) -> list[Path]:
    """Write the chosen formats into ``outdir``, each file atomically; returns the paths written.

    Raises
    ------
    KgError
        The folder cannot be written.
    """
    written: list[Path] = []
    for filename, make in output_makers(graph, formats, concepts_only=concepts_only).items():
        try:
            write_atomic(outdir / filename, make())
        except OSError as exc:
            raise KgError(f"cannot write {outdir / filename} ({exc.strerror or exc})") from None
        written.append(outdir / filename)
    return written


# --- a build's outputs, replaced as a set ------------------------------------------------------------------------

_STAGING = ".{name}.kg-{pid}-"  # beside the output folder: a build's new set, then the old one on its way out
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); ``False`` where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.EXDEV):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))


def _staging(outdir: Path) -> Path:
    """A new hidden folder beside ``outdir``, named so that the next build can tell if its maker is gone."""
    return Path(tempfile.mkdtemp(dir=outdir.parent, prefix=_STAGING.format(name=outdir.name, pid=os.getpid())))


def _remove_stale(outdir: Path) -> None:
    """Staging folders left by builds that were killed (their process is gone)."""
    pattern = re.compile(re.escape(f".{outdir.name}.kg-") + r"(\d+)-")
    for path in outdir.parent.glob(f".{outdir.name}.kg-*"):
        match = pattern.match(path.name)
        if match and not _alive(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


Content = str | bytes | Callable[[], str | bytes]  # a file's text, or what makes it when the file is written


def replace_outputs(
    outdir: Path, files: Mapping[str, Content], *, progress: Callable[[int, int], None] | None = None
) -> list[Path]:
    """Replace ``outdir`` by a folder holding ``files``, as one step: readers see the old set or the new one.

    A file's content may be given as a callable, called when that file is written (so that only one output's
    text is held at a time); ``progress(files_written, files)`` after each.

    The new set is written into a hidden folder beside ``outdir`` and swapped in; files of the old folder that
    are not outputs are carried over. A folder that holds folders of its own cannot be swapped: its outputs are
    then replaced one by one (with a warning).

    Raises
    ------
    KgError
        The outputs cannot be written (permissions, a full disk, a path that is a file); the old set is kept.
    """
    outdir = Path(outdir)
    try:
        return _replace(outdir, files, progress or (lambda done, total: None))
    except OSError as exc:
        where = exc.filename or outdir
        raise KgError(
            f"cannot write the outputs to {outdir} ({exc.strerror or exc}: {where}); the previous outputs are unchanged"
        ) from None


def _bytes(content: Content) -> bytes:
    data = content() if callable(content) else content
    return data.encode("utf-8") if isinstance(data, str) else data


def _replace(outdir: Path, files: Mapping[str, Content], progress: Callable[[int, int], None]) -> list[Path]:
    if outdir.exists() and not outdir.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a folder", str(outdir))
    outdir.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(outdir)
    others = sorted(p for p in outdir.iterdir() if p.name not in files) if outdir.is_dir() else []
    if any(p.is_dir() for p in others):
        warnings.warn(
            f"{outdir} holds folders of its own, so its outputs are replaced one by one, not as a set "
            "(give kg an output folder of its own)",
            KgWarning,
            stacklevel=3,
        )
        for done, (name, content) in enumerate(files.items(), 1):
            write_atomic(outdir / name, _bytes(content))
            progress(done, len(files))
        return [outdir / name for name in files]
    staging = _staging(outdir)
    try:
        for done, (name, content) in enumerate(files.items(), 1):
            (staging / name).write_bytes(_bytes(content))
            os.chmod(staging / name, 0o666 & ~_UMASK)
            progress(done, len(files))
        for other in others:  # the user's own files in the folder stay where they were
            try:
                os.link(other, staging / other.name)
            except OSError:
                shutil.copy2(other, staging / other.name)
        os.chmod(staging, 0o777 & ~_UMASK)
        if not outdir.exists():
            os.rename(staging, outdir)
        elif _exchange(staging, outdir):
            shutil.rmtree(staging, ignore_errors=True)  # now the old set
        else:  # no atomic exchange here: for a moment there is no folder, but never a mixed one
            old = _staging(outdir)
            os.rename(outdir, old / "old")
            os.rename(staging, outdir)
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [outdir / name for name in files]


@contextmanager
def rare_collections() -> Iterator[None]:
    """The cyclic garbage collector run less often while a graph is built or loaded, then as before.

    A build (or a loaded ``graph.json``) makes millions of objects that live to its end and few reference cycles;
    at Python's pace (a young collection every 700 allocations, a full one every 100 young ones) the collector
    walked them for 3.2 s of the whole shared corpus's 34 s build and 0.22 s of a 1.1 s query of its graph, and
    for 0.7 s and 0.04 s at this one.
    """
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@rare_collections()
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
    except GraphFileError:
        raise
    except OSError as exc:
        raise GraphFileError(f"{path} cannot be read ({exc.strerror or exc})") from None
    except Exception as exc:  # truncated XML, a JSON list, missing keys: any of them means "not kg's graph"
        raise GraphFileError(f"{path} is not a graph written by kg ({type(exc).__name__}: {str(exc)[:100]})") from None
    if not any(d.get("kind") == "concept" for _, d in graph.nodes(data=True)):
        raise GraphFileError(f"{path} has no concept nodes; is it a graph written by kg?")
    graph = nx.MultiDiGraph(graph)
    _check(graph, path)
    return graph


# The attributes the query commands and the page read, with their types; a value of another type that converts
# without loss (a count written as "3") is converted, anything else names the node.
_NODE_TYPES: dict[str, type] = {
    "count": int,
    "doc_count": int,
    "community": int,
    "degree": int,
    "first_seen": int,
    "pagerank": float,
    "betweenness": float,
    "x": float,
    "y": float,
    "size": float,
}
_EDGE_TYPES: dict[str, type] = {"count": int, "doc_count": int, "weight": float, "npmi": float, "first_seen": int}


def _check(graph: nx.MultiDiGraph, path: Path) -> None:
    def fix(data: dict, types: dict[str, type], where: str) -> None:
        for name, kind in types.items():
            value = data.get(name)
            if value is None or (isinstance(value, kind) and not isinstance(value, bool)):
                continue
            try:
                converted = kind(value)
                if kind is int and converted != float(value):
                    raise ValueError
            except (TypeError, ValueError, OverflowError):
                raise GraphFileError(f"{path}: {where} has a bad '{name}' ({str(value)[:40]!r})") from None
            data[name] = converted
        for name in ("label", "kind", "relation", "aliases", "abbreviations", "definition", "url"):
            if name in data and not isinstance(data[name], str):
                data[name] = str(data[name])
        evidence = data.get("evidence")
        if evidence is not None and not (
            isinstance(evidence, list | str)
            and all(
                isinstance(e, dict) and isinstance(e.get("text"), str) for e in evidence if isinstance(evidence, list)
            )
        ):
            raise GraphFileError(f"{path}: {where} has malformed 'evidence'")

    for node, data in graph.nodes(data=True):
        if data.get("kind") == "concept":
            data.setdefault("label", str(node))
            data.setdefault("count", 0)
            data.setdefault("doc_count", 0)
        fix(data, _NODE_TYPES, f"node {str(node)[:60]!r}")
    for a, b, key, data in graph.edges(keys=True, data=True):
        fix(data, _EDGE_TYPES, f"edge {str(a)[:40]!r}–{str(b)[:40]!r} ({key})")
