"""The command line: parse options, call the library, print. The only module that imports click."""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

import click

from ._version import __version__
from .config import Settings
from .errors import KgError, KgWarning
from .spill import MEMORY_BUDGET

__all__ = ["cli", "main"]


@contextmanager
def _warnings_to_stderr() -> Iterator[None]:
    """Print each KgWarning as one ``Warning: ...`` line, also when the command then fails."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", KgWarning)
        try:
            yield
        finally:
            for warning in caught:
                if issubclass(warning.category, KgWarning):
                    click.echo(f"Warning: {warning.message}", err=True)


def _friendly(command: Callable) -> Callable:
    """Turn kg's errors (and bad settings) into one-line ``Error: ...`` messages with exit code 1.

    Anything else that goes wrong is a bug: one line too, naming ``--debug`` for the traceback.
    """

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            with _warnings_to_stderr():
                return command(*args, **kwargs)
        except (KgError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
        except BrokenPipeError:  # the reader left early (kg ... | head): not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # so that exiting does not flush into the closed pipe
            raise SystemExit(0) from None
        except Exception as exc:
            if (click.get_current_context().obj or {}).get("debug"):
                raise
            raise click.ClickException(
                f"unexpected {type(exc).__name__}: {str(exc)[:200]} (this is a bug in kg; "
                "run again as 'kg --debug ...' for the traceback)"
            ) from None

    return wrapper


_QUIET = click.option("--quiet", is_flag=True, help="No progress bars (they show only when stderr is a terminal).")


@click.group()
@click.version_option(__version__, prog_name="kg")
@click.option("--debug", is_flag=True, help="Show the traceback of unexpected errors.")
@click.pass_context
def cli(context: click.Context, debug: bool) -> None:
    """Turn AI-alignment writing into a concept knowledge graph."""
    context.obj = {"debug": debug}


def _window(value: str) -> str | int:
    return int(value) if value.isdigit() else value


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option(
    "-o",
    "--outdir",
    default="output",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder for graph.html, graph.graphml and the other outputs.",
)
@click.option(
    "--window",
    default="sentence",
    show_default=True,
    help="Co-occurrence unit: sentence, paragraph or a number of tokens.",
)
@click.option("--min-count", type=int, help="Minimum shared units for an edge (optional; edges are judged by G2).")
@click.option("--min-docs", type=int, help="Minimum documents sharing a unit for an edge (optional).")
@click.option(
    "--min-npmi", type=float, default=0.0, show_default=True, help="Keep edges whose association is above this."
)
@click.option(
    "--min-g2",
    type=float,
    default=3.84,
    show_default=True,
    help="Dunning's G2 for a significant pair (3.84: p < .05; 10.83: p < .001).",
)
@click.option("--neighbours", type=int, default=3, show_default=True, help="Strongest partners each concept keeps.")
@click.option(
    "--resolution", type=float, default=1.0, show_default=True, help="Community resolution: above 1, smaller ones."
)
@click.option(
    "--vocab",
    "vocab_paths",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Extra vocabulary YAML file (adds or overrides concepts); repeatable.",
)
@click.option("--vocab-only", is_flag=True, help="Only vocabulary concepts: no discovery.")
@click.option(
    "--no-builtin-vocab",
    "builtin_vocab",
    flag_value=False,
    default=True,
    help="Leave out kg's own vocabulary of alignment concepts (other fields; discovery alone).",
)
@click.option("--discover/--no-discover", default=True, show_default=True, help="Add concepts the vocabulary lacks.")
@click.option("--parser", metavar="MODEL", help="spaCy model whose noun chunks feed discovery (slower).")
@click.option("--max-nodes", type=int, default=300, show_default=True, help="Concepts shown on the page.")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed for communities and layout.")
@click.option("-j", "--jobs", "n_process", type=int, default=1, show_default=True, help="Extraction processes.")
@click.option("--leiden", is_flag=True, help="Leiden communities (needs: pip install 'kg[leiden]').")
@click.option(
    "--cache/--no-cache",
    default=True,
    show_default=True,
    help="Reuse per-document extractions from $KG_CACHE_DIR (default ~/.cache/kg).",
)
@click.option("--strict", is_flag=True, help="Fail if any file or item cannot be read (default: skip it and warn).")
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where extraction runs: here, or on a Dask cluster (pip install '.[dask]').",
)
@click.option("--scheduler", metavar="ADDRESS", help="With --engine dask: the scheduler (default: a local cluster).")
@click.option(
    "--memory-budget",
    metavar="MB",
    type=click.IntRange(min=0),
    default=MEMORY_BUDGET // 2**20,
    show_default=True,
    help="Mention records held in memory; past it they go to a temporary file, read back by each pass.",
)
@_QUIET
@_friendly
def build(
    inputs: tuple[str, ...],
    outdir: str,
    window: str,
    min_count: int | None,
    min_docs: int | None,
    min_npmi: float,
    min_g2: float,
    neighbours: int,
    resolution: float,
    vocab_paths: tuple[str, ...],
    vocab_only: bool,
    builtin_vocab: bool,
    discover: bool,
    parser: str | None,
    max_nodes: int,
    seed: int,
    n_process: int,
    leiden: bool,
    cache: bool,
    strict: bool,
    engine: str,
    scheduler: str | None,
    memory_budget: int,
    quiet: bool,
) -> None:
    """Build the concept graph of INPUTS (files, folders, globs; default: corpus/) into OUTDIR."""
    from .pipeline import build as build_graph_files

    settings = Settings(
        window=_window(window),
        min_count=min_count,
        min_docs=min_docs,
        min_npmi=min_npmi,
        min_g2=min_g2,
        neighbours=neighbours,
        resolution=resolution,
        vocab_paths=tuple(Path(p) for p in vocab_paths),
        vocab_only=vocab_only,
        builtin_vocab=builtin_vocab,
        discover=discover,
        parser=parser,
        max_nodes=max_nodes,
        seed=seed,
        n_process=n_process,
        leiden=leiden,
    )
    cache_dir = _cache_dir() if cache else None
    with _progress(quiet) as progress:
        result = build_graph_files(
            inputs or ("corpus",),
            outdir,
            settings=settings,
            cache_dir=cache_dir,
            strict=strict,
            progress=progress,
            dask=engine == "dask",
            scheduler=scheduler,
            memory_budget=memory_budget * 2**20,
        )
    edges = result.edge_counts()
    concepts = result.concepts()
    discovered = sum(1 for _, d in concepts if d.get("source") == "discovered")
    click.echo(f"Documents: {result.documents}")
    skipped = result.report.skipped_files, result.report.skipped_items
    if any(skipped):
        files, items = len(skipped[0]), skipped[1]
        click.echo(
            f"Skipped:   {files} unreadable file{'s' * (files != 1)}, {items} bad item{'s' * (items != 1)} "
            "(named in the warnings; --strict makes them fatal)"
        )
    click.echo(
        f"Concepts:  {len(concepts)} ({len(concepts) - discovered} from the vocabulary, {discovered} discovered)"
    )
    click.echo(
        f"Edges:     {edges['co_occurs']} co-occurrence, {edges['mentions']} mentions, {edges['cites']} citations, "
        f"{edges['cites_concept']} citation-concept, {edges['wrote']} authorship"
    )
    click.echo(f"Communities: {result.graph.graph.get('communities', 0)}")
    click.echo("Top concepts: " + ", ".join(f"{d['label']} ({d['count']})" for _, d in concepts[:10]))
    outside = result.outside_links()
    for title, keep in (("domains", lambda k: ":" not in k), ("papers", lambda k: k.startswith(("arXiv:", "doi:")))):
        top = [(k, n) for k, n in outside.most_common() if keep(k)][:5]
        if top:
            click.echo(f"Top outside {title}: " + ", ".join(f"{k} ({n})" for k, n in top))
    click.echo(f"Wrote {len(result.written)} files to {Path(outdir)}/: {', '.join(p.name for p in result.written)}")
    click.echo(f"Open {Path(outdir) / 'graph.html'} in a browser; load graph.graphml into Gephi.")


def _graph_argument(function: Callable) -> Callable:
    return click.argument("graph", type=click.Path(exists=False))(function)


def _load(graph: str):
    from .export import load_graph

    return load_graph(graph)


def _emit(data: object, as_json: bool, text: Callable[[], None]) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        text()


_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


@cli.command()
@_graph_argument
@click.option("--top", default=20, show_default=True, help="How many concepts.")
@click.option(
    "--by",
    default="count",
    show_default=True,
    type=click.Choice(["count", "doc_count", "pagerank", "degree", "betweenness"]),
    help="Ranking.",
)
@_json_option
@_friendly
def concepts(graph: str, top: int, by: str, as_json: bool) -> None:
    """The top concepts of a built GRAPH (a graph.json, graph.graphml or an output folder)."""
    from .query import top_concepts

    rows = top_concepts(_load(graph), top, by=by)

    def text() -> None:
        for rank, row in enumerate(rows, 1):
            click.echo(
                f"{rank:>3}. {row['label']}  count={row['count']} docs={row['doc_count']} community={row['community']}"
            )

    _emit(rows, as_json, text)


@cli.command()
@_graph_argument
@click.argument("concept")
@click.option("--top", default=20, show_default=True, help="How many neighbours.")
@_json_option
@_friendly
def neighbors(graph: str, concept: str, top: int, as_json: bool) -> None:
    """Concepts linked to CONCEPT (a slug, name, alias or abbreviation): those it meets more often than chance,
    the surest first (highest G²), then those its citations link it to."""
    from .query import neighbors as find_neighbors

    rows = find_neighbors(_load(graph), concept, top)

    def text() -> None:
        for row in rows:
            relation = row["relation"] + (f" ({row['direction']})" if row["direction"] else "")
            g2 = f" g2={row['g2']:.1f}" if row["g2"] is not None else ""
            click.echo(f"{row['label']}  {relation}  weight={row['weight']}{g2} count={row['count']}")

    _emit(rows, as_json, text)


def _pair_query(function: Callable) -> Callable:
    """A command that asks GRAPH about two concepts A and B."""
    for decorate in (_friendly, _json_option, click.argument("b"), click.argument("a"), _graph_argument, cli.command()):
        function = decorate(function)
    return function


@_pair_query
def evidence(graph: str, a: str, b: str, as_json: bool) -> None:
    """The sentences where concepts A and B occur together."""
    from .query import evidence as find_evidence

    found = find_evidence(_load(graph), a, b)

    def text() -> None:
        click.echo(f"{found['a']} + {found['b']}: {found['count']} units in {found['doc_count']} documents")
        for item in found["sentences"]:
            click.echo(f"- {item['text']}\n  ({item['document']}{' ' + item['url'] if item['url'] else ''})")

    _emit(found, as_json, text)


@_pair_query
def path(graph: str, a: str, b: str, as_json: bool) -> None:
    """The shortest chain of co-occurring concepts from A to B, with a sentence for each step."""
    from .query import path as find_path

    steps = find_path(_load(graph), a, b)

    def text() -> None:
        click.echo(" -> ".join(step["label"] for step in steps))
        for step in steps[1:]:
            click.echo(f"  {step['label']}: {step['sentence']}")

    _emit(steps, as_json, text)


@cli.command()
@click.argument("old", type=click.Path())
@click.argument("new", type=click.Path())
@click.option("--top", default=50, show_default=True, help="Report rank changes within this many top concepts.")
@_json_option
@_friendly
def diff(old: str, new: str, top: int, as_json: bool) -> None:
    """What changed between two built graphs OLD and NEW."""
    from .query import diff as compare

    changes = compare(_load(old), _load(new), top=top)

    def text() -> None:
        for key in ("concepts_added", "concepts_removed", "edges_added", "edges_removed"):
            items = changes[key]
            shown = ", ".join(" ~ ".join(i) if isinstance(i, list) else i for i in items[:10])
            click.echo(
                f"{key.replace('_', ' ').capitalize()}: {len(items)}"
                + (f" ({shown}{', ...' if len(items) > 10 else ''})" if items else "")
            )
        click.echo(f"Rank changes: {len(changes['rank_changes'])}")
        for move in changes["rank_changes"][:10]:
            click.echo(f"  {move['label']}: {move['old_rank']} -> {move['new_rank']}")
        for key, word in (("communities_split", "into"), ("communities_merged", "from")):
            for item in changes[key]:
                click.echo(
                    f"{key.split('_')[1].capitalize()}: community {item['community']} ({item['label']}) "
                    f"{word} {', '.join(map(str, item[word]))}"
                )

    _emit(changes, as_json, text)


@cli.command(name="export")
@_graph_argument
@click.option(
    "--format",
    "formats",
    multiple=True,
    required=True,
    type=click.Choice(["graphml", "concepts", "gexf", "json", "csv"]),
    help="Format to write; repeatable ('concepts': graph-concepts.graphml, concepts and co-occurrence only).",
)
@click.option(
    "--concepts-only", is_flag=True, help="Only concepts and their co-occurrence (undirected), in every format."
)
@click.option("-o", "--outdir", default=".", show_default=True, type=click.Path(file_okay=False))
@_friendly
def export_command(graph: str, formats: tuple[str, ...], concepts_only: bool, outdir: str) -> None:
    """Convert a built GRAPH into other formats."""
    from .export import write_all

    written = write_all(_load(graph), Path(outdir), tuple(dict.fromkeys(formats)), concepts_only=concepts_only)
    click.echo(f"Wrote {', '.join(str(p) for p in written)}")


@cli.command(name="suggest")
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option("--top", default=30, show_default=True, help="How many candidates.")
@click.option("--vocab", "vocab_paths", multiple=True, type=click.Path(dir_okay=False), help="Extra vocabulary file.")
@click.option("--parser", metavar="MODEL", help="spaCy model whose noun chunks feed discovery (slower).")
@click.option(
    "--no-builtin-vocab", "builtin_vocab", flag_value=False, default=True, help="Suggest against your files alone."
)
@click.option("--why", "terms", multiple=True, metavar="TERM", help="Say why TERM is or is not a concept (repeatable).")
@_json_option
@_friendly
def suggest_command(
    inputs: tuple[str, ...],
    top: int,
    vocab_paths: tuple[str, ...],
    parser: str | None,
    builtin_vocab: bool,
    terms: tuple[str, ...],
    as_json: bool,
) -> None:
    """Candidate concepts in INPUTS that the vocabulary lacks, with a YAML snippet to paste; with --why, why the
    terms named are or are not concepts."""
    import yaml

    from .pipeline import suggest, why

    settings = Settings(vocab_paths=tuple(Path(p) for p in vocab_paths), parser=parser, builtin_vocab=builtin_vocab)
    if terms:
        reasons = why(terms, inputs or ("corpus",), settings=settings)

        def explained() -> None:
            for term, reason in reasons.items():
                click.echo(f"{term}: {reason}")

        _emit([{"term": t, "why": r} for t, r in reasons.items()], as_json, explained)
        return
    rows = suggest(inputs or ("corpus",), settings=settings, top=top)

    def text() -> None:
        if not rows:
            click.echo("No candidates: every recurring multiword term is already in the vocabulary.")
            return
        for rank, row in enumerate(rows, 1):
            click.echo(f"{rank:>3}. {row['name']}  mentions={row['count']} documents={row['documents']}")
            click.echo(f"     {row['example']}")
        snippet = [{"name": row["name"], "aliases": [], "definition": "", "category": "discovered"} for row in rows]
        click.echo("\n# Paste the ones you want into a vocabulary file, write each a definition, and run:")
        click.echo("#   kg build --vocab my-concepts.yaml")
        click.echo(yaml.safe_dump(snippet, sort_keys=False, allow_unicode=True, width=120).rstrip())

    _emit(rows, as_json, text)


def _cache_dir() -> Path:
    return Path(os.environ.get("KG_CACHE_DIR") or Path.home() / ".cache" / "kg")


@cli.group()
def cache() -> None:
    """The cache ($KG_CACHE_DIR, default ~/.cache/kg) of extractions, tagger verdicts and graph measures: what it
    holds, and clearing it."""


@cache.command("info")
@_friendly
def cache_info() -> None:
    """Where the cache is and how much it holds."""
    from .cache import cache_info as read_info

    info = read_info(_cache_dir())
    click.echo(f"Cache: {info.folder}")
    click.echo(f"Extractions: {info.entries} ({info.bytes / 1e6:.1f} MB)")
    click.echo(f"Tagger verdicts: {info.verdicts}; graphs measured and laid out: {info.graphs}")
    click.echo(f"Builds whose outputs are kept: {info.builds}")
    if info.legacy_files:
        click.echo(f"Old per-document files: {info.legacy_files} (never read; 'kg cache clear' removes them)")


@cache.command("clear")
@_friendly
def cache_clear() -> None:
    """Remove everything cached (the next build extracts, tags and measures again)."""
    from .cache import clear_cache

    folder = _cache_dir()
    click.echo(f"Removed {clear_cache(folder)} extractions from {folder}")


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress callback for the library: tqdm bars on stderr, one per step, when stderr is a terminal."""
    import sys

    bars: dict[str, Any] = {}
    show = not quiet and sys.stderr.isatty()

    def report(what: str, done: int, total: int | None) -> None:
        if not show:
            return
        from tqdm import tqdm

        bar = bars.get(what)
        if bar is None:
            bar = bars[what] = tqdm(total=total, desc=what, unit="", file=sys.stderr, leave=False)
        bar.total = total
        bar.update(done - bar.n)

    try:
        yield report
    finally:
        for bar in bars.values():
            bar.close()


_FETCH_OUT = click.option(
    "-o", "--outdir", default="fetched", show_default=True, type=click.Path(file_okay=False), help="Folder to fill."
)
_ENDPOINT = click.option("--endpoint", metavar="URL", help="Another address for the API (a mirror, or a test server).")
_RATE = click.option("--rate", type=float, help="Requests per second at most (default: 1; arXiv: 1/3, as it asks).")


@cli.group()
def fetch() -> None:
    """Fetch a corpus into a folder that kg build reads: LessWrong, the Alignment Forum, arXiv, any RSS feed.

    A second run resumes: it keeps what the folder holds and fetches only what is missing.
    """


def _client(rate: float | None, default: float = 1.0):
    from .fetch import Client

    return Client(rate=rate or default)


def _fetched(result, what: str, outdir: str) -> None:
    click.echo(f"Fetched {result.new} new {what} ({result.items} in {result.path}) with {result.requests} requests")
    for name, n in result.extra.items():
        click.echo(f"{name.capitalize()}: {n} saved")
    click.echo(f"Next: kg build {outdir} -o {Path(outdir).name}-graph")


def _forum(site: str) -> Callable:
    @_FETCH_OUT
    @click.option("--tag", help="Only posts with this tag (its name or slug).")
    @click.option("--author", metavar="SLUG", help="Only this user's posts (the slug in their profile's address).")
    @click.option("--since", metavar="DATE", help="Posts from this date on (YYYY-MM-DD).")
    @click.option("--until", metavar="DATE", help="Posts before this date (YYYY-MM-DD).")
    @click.option("--limit", type=int, help="At most this many new posts this run.")
    @click.option("--comments", is_flag=True, help="Also each post's comments, as documents of their own.")
    @_ENDPOINT
    @_RATE
    @_QUIET
    @_friendly
    def command(outdir, tag, author, since, until, limit, comments, endpoint, rate, quiet) -> None:
        from .fetch import fetch_forum

        with _progress(quiet) as progress:
            result = fetch_forum(
                site,
                outdir,
                tag=tag,
                author=author,
                since=since,
                until=until,
                limit=limit,
                comments=comments,
                endpoint=endpoint,
                client=_client(rate),
                progress=progress,
            )
        _fetched(result, "posts", outdir)

    command.__doc__ = f"Posts of {'LessWrong' if site == 'lesswrong' else 'the Alignment Forum'}, newest first."
    return command


fetch.command("lesswrong")(_forum("lesswrong"))
fetch.command("alignmentforum")(_forum("alignmentforum"))


@fetch.command("arxiv")
@click.argument("terms", nargs=-1, required=True)
@_FETCH_OUT
@click.option("--limit", type=int, default=100, show_default=True, help="At most this many papers for a query.")
@click.option("--pdf", is_flag=True, help="Also download each paper's PDF and read its full text.")
@_ENDPOINT
@_RATE
@_QUIET
@_friendly
def fetch_arxiv_command(terms, outdir, limit, pdf, endpoint, rate, quiet) -> None:
    """Papers from arXiv: a search (abs:"reward hacking" AND cat:cs.LG) or arXiv ids (2312.09390 1805.00899)."""
    from .fetch import arxiv_request, fetch_arxiv

    query, ids = arxiv_request(terms)
    with _progress(quiet) as progress:
        result = fetch_arxiv(
            query,
            outdir,
            ids=ids,
            limit=limit,
            pdf=pdf,
            endpoint=endpoint,
            client=_client(rate, 1 / 3),
            progress=progress,
        )
    _fetched(result, "papers", outdir)


@fetch.command("rss")
@click.argument("url")
@_FETCH_OUT
@_RATE
@_friendly
def fetch_rss_command(url, outdir, rate) -> None:
    """An RSS or Atom feed (LessWrong's, a Substack's, any blog's): one document per item."""
    from .fetch import fetch_feed

    result = fetch_feed(url, outdir, client=_client(rate))
    _fetched(result, "items", outdir)


def main() -> None:
    """Entry point of the ``kg`` script."""
    cli(prog_name="kg")
