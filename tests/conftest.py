"""Shared fixtures: the real corpora in ../shared (skipped when absent, required in CI) and tiny corpora."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session", autouse=True)
def cache_in_tmp(tmp_path_factory: pytest.TempPathFactory):
    """Keep the CLI's extraction cache out of the home folder."""
    os.environ["KG_CACHE_DIR"] = str(tmp_path_factory.mktemp("kg-cache"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """``../shared``; tests using it skip when it is missing, except under ``KG_REQUIRE_SHARED=1`` (CI)."""
    if not (SHARED / "corpus").is_dir():
        if os.environ.get("KG_REQUIRE_SHARED") == "1":
            pytest.fail(f"KG_REQUIRE_SHARED=1 but {SHARED} is missing")
        pytest.skip(f"{SHARED} is not present (real corpora live beside the repository)")
    return SHARED


@pytest.fixture(scope="session")
def turntrout(shared: Path) -> Path:
    return shared / "corpus" / "turntrout" / "posts"


@pytest.fixture(scope="session")
def turntrout_build(turntrout: Path, tmp_path_factory: pytest.TempPathFactory):
    """One full build of TurnTrout's posts, shared by the tests that inspect it."""
    import kg

    outdir = tmp_path_factory.mktemp("turntrout")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = kg.build([turntrout], outdir)
    return result, outdir


@pytest.fixture(scope="session")
def whole_build(shared: Path, tmp_path_factory: pytest.TempPathFactory):
    """One full build of the whole shared corpus (every reader, 4,400 documents), page included."""
    import kg

    outdir = tmp_path_factory.mktemp("whole")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = kg.build([shared / "corpus"], outdir)
    return result, outdir


@pytest.fixture(scope="session")
def small_build(tmp_path_factory: pytest.TempPathFactory):
    """A build of six short hand-written posts (tests/fixtures/small): links, authors, dates, abbreviations.

    Made without ../shared, so the query, export and page tests always run on a real built graph.
    """
    import kg

    outdir = tmp_path_factory.mktemp("small")
    return kg.build([ROOT / "tests" / "fixtures" / "small"], outdir), outdir


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory: pytest.TempPathFactory):
    import kg

    outdir = tmp_path_factory.mktemp("seeds")
    return kg.build([ROOT / "corpus"], outdir), outdir


@pytest.fixture
def write(tmp_path: Path):
    """Write a file under tmp_path and return its path: ``write("a.md", "text")``."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="session")
def vocabulary():
    from kg.vocab import load_vocabulary

    return load_vocabulary()


@pytest.fixture(scope="session")
def extractor(vocabulary):
    from kg.extract import Extractor

    return Extractor(vocabulary)
