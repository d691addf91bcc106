"""The command line: parse options, call the library, print. The only module that imports click."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

import click

from . import __version__
from .config import Settings
from .errors import KgError, KgWarning
from .pipeline import build as build_graph_files

__all__ = ["cli", "main"]


@contextmanager
def _warnings_to_stderr() -> Iterator[None]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", KgWarning)
        yield
    for warning in caught:
        if issubclass(warning.category, KgWarning):
            click.echo(f"Warning: {warning.message}", err=True)


def _friendly(command: Callable) -> Callable:
    """Turn kg's errors (and bad settings) into one-line ``Error: ...`` messages with exit code 1."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            with _warnings_to_stderr():
                return command(*args, **kwargs)
        except (KgError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


@click.group()
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """Turn AI-alignment writing into a concept knowledge graph."""


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
@click.option("--min-count", type=int, help="Minimum co-occurrences for an edge (default adapts to corpus size).")
@click.option("--min-docs", type=int, help="Minimum documents for an edge (default adapts to corpus size).")
@click.option("--min-npmi", type=float, default=0.0, show_default=True, help="Keep edges with NPMI above this.")
@click.option(
    "--vocab",
    "vocab_paths",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Extra vocabulary YAML file (adds or overrides concepts); repeatable.",
)
@click.option("--vocab-only", is_flag=True, help="Only vocabulary concepts: no discovery.")
@click.option("--discover/--no-discover", default=True, show_default=True, help="Add concepts the vocabulary lacks.")
@click.option("--parser", metavar="MODEL", help="spaCy model whose noun chunks feed discovery (slower).")
@click.option("--max-nodes", type=int, default=300, show_default=True, help="Concepts shown on the page.")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed for communities and layout.")
@click.option("-j", "--jobs", "n_process", type=int, default=1, show_default=True, help="Extraction processes.")
@click.option("--leiden", is_flag=True, help="Leiden communities (needs: pip install 'kg[leiden]').")
@_friendly
def build(
    inputs: tuple[str, ...],
    outdir: str,
    window: str,
    min_count: int | None,
    min_docs: int | None,
    min_npmi: float,
    vocab_paths: tuple[str, ...],
    vocab_only: bool,
    discover: bool,
    parser: str | None,
    max_nodes: int,
    seed: int,
    n_process: int,
    leiden: bool,
) -> None:
    """Build the concept graph of INPUTS (files, folders, globs; default: corpus/) into OUTDIR."""
    settings = Settings(
        window=_window(window),
        min_count=min_count,
        min_docs=min_docs,
        min_npmi=min_npmi,
        vocab_paths=tuple(Path(p) for p in vocab_paths),
        vocab_only=vocab_only,
        discover=discover,
        parser=parser,
        max_nodes=max_nodes,
        seed=seed,
        n_process=n_process,
        leiden=leiden,
    )
    result = build_graph_files(inputs or ("corpus",), outdir, settings=settings)
    edges = result.edge_counts()
    concepts = result.concepts()
    discovered = sum(1 for _, d in concepts if d.get("source") == "discovered")
    click.echo(f"Documents: {result.documents}")
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
    if outside:
        click.echo("Top outside links: " + ", ".join(f"{k} ({n})" for k, n in outside.most_common(5)))
    click.echo(f"Wrote {len(result.written)} files to {Path(outdir)}/: {', '.join(p.name for p in result.written)}")
    click.echo(f"Open {Path(outdir) / 'graph.html'} in a browser; load graph.graphml into Gephi.")


def main() -> None:
    """Entry point of the ``kg`` script."""
    cli(prog_name="kg")
