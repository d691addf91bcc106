"""Benchmarks: kg's speed as ratios against baselines measured in the same run (not pass/fail tests).

    python bench/run.py [--corpus PATH] [--pages]

- extraction: kg's words/s against spaCy's bare tokenizer on the same texts;
- build: a whole in-memory build against the tokenizer pass;
- page (with --pages and Chromium): time until vis-network has drawn 300 and 1,000 concept nodes, against an empty
  page that loads the same vis-network bundle; then each filter step (edge strength, the year) on the larger page.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path

import spacy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import kg  # noqa: E402
from kg.extract import Extractor  # noqa: E402
from kg.render import render_page  # noqa: E402


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def bench_extraction(corpus: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = kg.read_corpus([corpus])
    texts = [f"{d.title}\n\n{d.text}" for d in documents]
    words = sum(len(t.split()) for t in texts)
    nlp = spacy.blank("en")
    base, _ = timed(lambda: sum(len(doc) for doc in nlp.pipe(texts, batch_size=8)))
    extractor = Extractor(kg.load_vocabulary())
    ours, _ = timed(lambda: list(extractor.extract_all(documents)))
    build, _ = timed(lambda: kg.build([corpus], outdir=None))
    print(f"corpus: {corpus} ({len(documents)} documents, {words:,} words)")
    print(f"tokenizer baseline: {words / base:,.0f} words/s")
    print(f"kg extraction:      {words / ours:,.0f} words/s  ratio to tokenizer {ours / base:.2f}x")
    print(f"kg build (no files): {build:.2f} s  ratio to tokenizer {build / base:.2f}x")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def bench_pages(corpus: Path) -> None:
    from playwright.sync_api import sync_playwright

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = kg.build([corpus], outdir=None)
    folder = Path(tempfile.mkdtemp())
    pages = {}
    for size in (300, 1000):
        path = folder / f"page-{size}.html"
        path.write_bytes(render_page(result.graph, kg.Settings(max_nodes=size)))
        pages[size] = path
    empty = folder / "empty.html"
    empty.write_bytes(render_page(result.graph, kg.Settings(max_nodes=1)))
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)

        def drawn(path: Path) -> tuple[float, int]:
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-drawn=true]", timeout=120_000)
            seconds = time.perf_counter() - start
            count = page.evaluate("window.network.body.data.nodes.get({filter: n => !n.hidden}).length")
            page.close()
            return seconds, count

        base, _ = drawn(empty)
        for path in pages.values():
            seconds, count = drawn(path)
            print(f"page with {count} nodes drawn in {seconds:.2f} s  ratio to a 1-node page {seconds / base:.2f}x")
        # Past the corpus's concepts, switch documents on until about 1,000 nodes are drawn.
        page = browser.new_page()
        page.goto(pages[1000].as_uri())
        page.wait_for_selector("body[data-drawn=true]")
        seconds = page.evaluate("""() => new Promise(done => {
            const start = performance.now();
            window.network.once("afterDrawing", () => done((performance.now() - start) / 1000));
            document.getElementById("kind-document").click(); })""")
        count = page.evaluate("window.network.body.data.nodes.get({filter: n => !n.hidden}).length")
        print(
            f"documents switched on: {count} nodes redrawn in {seconds:.2f} s  ratio to a 1-node page {seconds / base:.2f}x"
        )
        page.close()
        bench_filters(browser, pages[1000])
        browser.close()


FILTER_STEP = """async ([id, value]) => {
    const input = document.getElementById(id), start = performance.now();
    input.value = value;
    const drawn = new Promise(done => window.network.once("afterDrawing", done));
    window.kgApply();  // what the page runs once the debounce settles
    await Promise.race([drawn, new Promise(done => setTimeout(done, 1000))]);
    return performance.now() - start;
}"""


def bench_filters(browser, path: Path) -> None:
    """Each filter step (edge strength, then the year), from the settled input to the redrawn map."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-drawn=true]")
    concepts = page.evaluate("window.network.body.data.nodes.get({filter: n => !n.hidden}).length")
    first, last = page.evaluate(
        "[Number(document.getElementById('as-of').min), Number(document.getElementById('as-of').max)]"
    )
    for name, id, values in (
        ("edge strength", "min-weight", [10, 20, 30, 45, 60, 30, 0]),
        ("as of year", "as-of", [*range(first, last + 1), first + (last - first) // 2, last]),
    ):
        times = sorted(page.evaluate(FILTER_STEP, [id, value]) for value in values)
        print(
            f"filter step ({name}) with {concepts} concepts: median {times[len(times) // 2]:.0f} ms,"
            f" worst {times[-1]:.0f} ms (goal: 100 ms)"
        )
    page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "turntrout" / "posts")
    parser.add_argument("--pages", action="store_true", help="also time the page in headless Chromium")
    parser.add_argument("--page-corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    options = parser.parse_args()
    bench_extraction(options.corpus)
    if options.pages:
        bench_pages(options.page_corpus)


if __name__ == "__main__":
    main()
