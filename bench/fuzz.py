"""The long fuzzing run of issue 10, and the hostile corpus's build time (not part of the test suite).

    python bench/fuzz.py [--examples 10000]

- every reader gets ``--examples`` generated files (shaped like its format, and raw bytes): each must give clean
  documents or be refused with an InputError, never anything else;
- the text cleaners and the query loaders get as many inputs;
- a folder of one of each hostile input beside five good posts must build in under twice the time of the good
  posts alone (both timed as whole ``kg build`` processes in this run).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fuzz_strategies import FILES, graph_json, markup_text  # noqa: E402
from hostile_corpus import GOOD_POSTS, write_hostile_corpus  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_fuzz import reads_or_refuses  # noqa: E402

from kg.errors import GraphFileError  # noqa: E402
from kg.export import load_graph  # noqa: E402
from kg.markup import html_to_text, markdown_to_text  # noqa: E402


def fuzz(name: str, strategy, check, examples: int) -> bool:
    count = 0

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(value):
        nonlocal count
        count += 1
        check(value)

    start = time.perf_counter()
    try:
        run()
    except Exception as exc:  # report and go on with the next target
        print(f"{name:<22} FAILED after {count:,} inputs: {type(exc).__name__}: {str(exc)[:300]}")
        return False
    print(f"{name:<22} {count:>7,} inputs, no failure ({time.perf_counter() - start:.0f} s)")
    return True


def load_or_refuse(data, folder: Path) -> None:
    for suffix in (".json", ".graphml"):
        path = folder / f"graph{suffix}"
        path.write_bytes(
            data if isinstance(data, bytes) else __import__("json").dumps(data).encode("utf-8", "surrogatepass")
        )
        try:
            load_graph(path)
        except GraphFileError:
            pass


def hostile_ratio() -> None:
    folder = Path(tempfile.mkdtemp(prefix="kg-hostile-"))
    write_hostile_corpus(folder / "all")
    (folder / "good").mkdir()
    for name in GOOD_POSTS:
        shutil.copy(folder / "all" / name, folder / "good" / name)

    def seconds(corpus: Path) -> float:
        command = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(folder / "out"), "--no-cache"]
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, timeout=600)
            best = min(best, time.perf_counter() - start)
        return best

    good, hostile = seconds(folder / "good"), seconds(folder / "all")
    verdict = "met" if hostile < 2 * good else "NOT met"
    print(
        f"hostile corpus build   {hostile:.2f} s vs good posts alone {good:.2f} s: {hostile / good:.2f}x (goal < 2x, {verdict})"
    )
    shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000, help="inputs per reader and per target")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    folder = Path(tempfile.mkdtemp(prefix="kg-fuzz-"))
    ok = all(
        [
            *(
                fuzz(f"reader {suffix}", FILES[suffix], lambda d, s=suffix: reads_or_refuses(s, d), args.examples)
                for suffix in sorted(FILES)
            ),
            fuzz("markdown_to_text", markup_text, markdown_to_text, args.examples),
            fuzz("html_to_text", markup_text, html_to_text, args.examples),
            fuzz(
                "load_graph", graph_json | st.binary(max_size=200), lambda d: load_or_refuse(d, folder), args.examples
            ),
        ]
    )
    hostile_ratio()
    shutil.rmtree(folder, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
