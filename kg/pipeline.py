"""``build``: files in, graph and output files out. The one function the CLI's ``kg build`` calls."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import multiprocessing
import pickle
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import networkx as nx

from . import __version__
from .config import Settings
from .corpus import Document, read_corpus
from .errors import KgWarning
from .export import write_all, write_atomic
from .extract import Extraction, Extractor, Mention
from .graph import Abbreviation, GraphBuilder, add_layout, analyze, build_graph, evidence_score
from .markup import Link
from .render import render_page
from .vocab import Vocabulary, load_vocabulary

__all__ = ["BuildResult", "ExtractionCache", "build", "extract_documents", "suggest"]


@dataclass
class BuildResult:
    """What a build made: the graph, the files written and the figures the summary shows."""

    graph: nx.MultiDiGraph
    documents: int
    written: list[Path] = field(default_factory=list)
    abbreviations: list[Abbreviation] = field(default_factory=list)

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


_worker: Extractor | None = None


def _start_worker(vocabulary: Vocabulary, settings: Settings) -> None:
    global _worker
    _worker = Extractor(vocabulary, settings)


def _extract_one(document: Document) -> Extraction:
    assert _worker is not None  # set by _start_worker in every pool process
    return _worker.extract(document)


class ExtractionCache:
    """Extractions on disk, one file per document, keyed by everything extraction depends on.

    Extraction is a pure function of (document, vocabulary, settings), so a rebuild with other windows,
    thresholds or page options reuses it; any change to a document's text, the vocabulary, the extraction settings,
    spaCy or kg makes a new key.
    """

    def __init__(self, folder: Path, vocabulary: Vocabulary, settings: Settings):
        import spacy

        self.folder = folder
        self.broken = False
        # The records' layout is part of the key: a file pickled from another layout must never be read back.
        layout = [f.name for record in (Extraction, Mention, Link) for f in dataclasses.fields(record)]
        self.salt = f"{__version__}|{spacy.__version__}|{layout}|{vocabulary.digest()}|{settings.extraction_key()}"

    def _path(self, document: Document) -> Path:
        fields = repr((self.salt, document.id, document.title, document.text, document.links))
        digest = hashlib.sha256(fields.encode("utf-8")).hexdigest()
        return self.folder / digest[:2] / f"{digest}.pickle"

    def get(self, document: Document) -> Extraction | None:
        """The stored extraction of ``document``, or ``None`` when there is none or it cannot be trusted."""
        try:
            found = pickle.loads(self._path(document).read_bytes())
        except Exception:  # missing, truncated or foreign: extract again
            return None
        if not isinstance(found, Extraction) or found.doc_id != document.id:
            return None
        if not all(isinstance(m, Mention) for m in found.mentions):
            return None
        return found

    def put(self, document: Document, extraction: Extraction) -> None:
        if self.broken:
            return
        try:
            write_atomic(self._path(document), pickle.dumps(extraction, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:  # a cache is a convenience: say so once and build without it
            self.broken = True
            warnings.warn(
                f"cannot write the extraction cache in {self.folder} ({exc.strerror}); "
                "building without it (set KG_CACHE_DIR or use --no-cache)",
                KgWarning,
                stacklevel=2,
            )


def extract_documents(
    documents: Sequence[Document], vocabulary: Vocabulary, settings: Settings, *, cache: ExtractionCache | None = None
) -> Iterator[Extraction]:
    """Extractions in document order; with ``settings.n_process > 1`` documents are spread over processes.

    With a ``cache``, documents extracted before are read back and only the others are extracted.
    """
    if cache is not None:
        found = [cache.get(d) for d in documents]
        missing = [d for d, e in zip(documents, found, strict=True) if e is None]
        fresh = extract_documents(missing, vocabulary, settings)
        for document, extraction in zip(documents, found, strict=True):
            if extraction is None:
                extraction = next(fresh)
                cache.put(document, extraction)
            yield extraction
        return
    if settings.n_process == 1 or len(documents) < 2 * settings.n_process:
        yield from Extractor(vocabulary, settings).extract_all(documents)
        return
    context = multiprocessing.get_context("spawn" if settings.parser else "fork")
    with context.Pool(settings.n_process, initializer=_start_worker, initargs=(vocabulary, settings)) as pool:
        yield from pool.imap(_extract_one, documents, chunksize=8)


def _file_hashes(documents: Iterable[Document]) -> list[dict]:
    paths = sorted({d.path for d in documents if d.path})
    return [{"path": p, "sha256": hashlib.sha256(Path(p).read_bytes()).hexdigest()} for p in paths]


def _abbreviations_csv(records: list[Abbreviation]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["short", "long_forms", "documents", "concept", "status"])
    for record in records:
        forms = "|".join(f"{k.lstrip('~')}:{n}" for k, n in sorted(record.long_forms.items()))
        writer.writerow([record.short, forms, sum(record.long_forms.values()), record.concept or "", record.status])
    return buffer.getvalue()


def build(
    inputs: Iterable[str | Path] = ("corpus",),
    outdir: str | Path | None = "output",
    *,
    settings: Settings = Settings(),
    cache_dir: str | Path | None = None,
) -> BuildResult:
    """Read the inputs, extract concepts, build and analyze the graph, and write every output into ``outdir``.

    With ``outdir=None`` nothing is written. With ``cache_dir``, extractions are kept there per document and
    reused by later builds (see ``ExtractionCache``). Outputs: ``graph.html``, ``graph.graphml``, ``graph.gexf``,
    ``graph.json``, ``nodes.csv``, ``edges.csv``, ``abbreviations.csv`` and ``manifest.json``.

    Raises
    ------
    KgError
        Inputs are missing or unreadable, or a vocabulary file is invalid.
    """
    inputs = [Path(p) for p in inputs]
    documents = read_corpus(inputs)
    vocabulary = load_vocabulary(settings.vocab_paths)
    cache = ExtractionCache(Path(cache_dir), vocabulary, settings) if cache_dir else None
    extractions = list(extract_documents(documents, vocabulary, settings, cache=cache))
    graph, builder = build_graph(documents, extractions, vocabulary, settings)
    analyze(graph, seed=settings.seed, leiden=settings.leiden)
    add_layout(graph, seed=settings.seed)
    result = BuildResult(
        graph=graph,
        documents=len(documents),
        abbreviations=[builder.abbreviations[k] for k in sorted(builder.abbreviations)],
    )
    if outdir is None:
        return result
    outdir = Path(outdir)
    result.written = write_all(graph, outdir)
    page = outdir / "graph.html"
    write_atomic(page, render_page(graph, settings, title=f"kg: {', '.join(p.name or str(p) for p in inputs)}"))
    write_atomic(outdir / "abbreviations.csv", _abbreviations_csv(result.abbreviations))
    manifest = {
        "kg_version": __version__,
        "inputs": [str(p) for p in inputs],
        "files": _file_hashes(documents),
        "vocabulary": {"digest": vocabulary.digest(), "concepts": len(vocabulary)},
        "settings": settings.as_dict(),
        "counts": {
            "documents": len(documents),
            **dict(sorted(result.edge_counts().items())),
            "concepts": len(result.concepts()),
            "nodes": graph.number_of_nodes(),
        },
    }
    write_atomic(outdir / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    result.written = [page, *result.written, outdir / "abbreviations.csv", outdir / "manifest.json"]
    return result


def suggest(
    inputs: Iterable[str | Path] = ("corpus",), *, settings: Settings = Settings(), top: int = 30
) -> list[dict]:
    """Concepts the vocabulary lacks, best first: name, mentions, documents, score and an example sentence.

    These are the concepts a build would add with ``source=discovered``; paste the good ones into a vocabulary
    file (``kg build --vocab FILE``) with a definition of your own.
    """
    if top < 1:
        raise ValueError(f"top = {top}; must be >= 1")
    documents = read_corpus([Path(p) for p in inputs])
    vocabulary = load_vocabulary(settings.vocab_paths)
    settings = replace(settings, discover=True, vocab_only=False)
    extractions = list(extract_documents(documents, vocabulary, settings))
    builder = GraphBuilder(vocabulary, settings)
    builder.resolve(extractions)
    ranked = sorted(builder.scores, key=lambda k: (-builder.scores[k], k))[:top]
    examples = builder.stats.examples(ranked, extractions, per_key=5)
    return [
        {
            "name": builder.discovered[key].name,
            "slug": builder.discovered[key].slug,
            "count": builder.stats.count[key],
            "documents": builder.stats.docs[key],
            "score": round(builder.scores[key], 2),
            "example": max((s for s, _ in examples[key]), key=lambda s: evidence_score(s, 1), default=""),
        }
        for key in ranked
    ]
