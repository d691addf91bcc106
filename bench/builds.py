"""Whole-process build timings and memory, each a ratio to a baseline measured in the same run (issue 13).
Not part of the test suite.

    python bench/builds.py [--scale 10] [--skip-whole]

- tokenizer: a process that reads the corpus and runs spaCy's bare tokenizer over it (the floor for any build);
- vocabulary-only, default (``--no-cache``) and warm (cache filled) builds, each as a whole ``kg build`` process;
- ``-j 2`` against ``-j 1``;
- one changed document: how many documents the next build extracts again;
- memory: peak RSS of a build of the corpus repeated ``--scale`` times (fresh ids, lightly varied text) against
  the corpus once.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
TOKENIZER = """
import sys, warnings, spacy
warnings.simplefilter("ignore")
from kg.corpus import read_corpus
documents = read_corpus(sys.argv[1:])
nlp = spacy.blank("en")
print(sum(len(d) for d in nlp.pipe((f"{x.title}\\n\\n{x.text}" for x in documents), batch_size=8)))
"""
PEAK = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True);"
PEAK += " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"


def run(*arguments: str, env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(arguments, check=True, capture_output=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def kg_build(corpus: Path, out: Path, *options: str, cache: Path | None = None) -> float:
    env = {"KG_CACHE_DIR": str(cache)} if cache else None
    flags = options if cache else (*options, "--no-cache")
    return run(sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "--quiet", *flags, env=env)


def peak_mb(corpus: Path, out: Path) -> float:
    command = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "--quiet", "--no-cache"]
    done = subprocess.run([sys.executable, "-c", PEAK, *command], check=True, capture_output=True, text=True)
    return int(done.stdout.strip()) / 1024


def entries(cache: Path) -> int:
    sys.path.insert(0, str(ROOT))
    from kg.cache import cache_info

    return cache_info(cache).entries


def scaled(corpus: Path, times: int, folder: Path) -> Path:
    """The corpus's posts ``times`` over as markdown, each copy with a fresh id and a word or two changed."""
    folder.mkdir(parents=True, exist_ok=True)
    posts = sorted(corpus.glob("*.md"))
    identity = {"permalink", "aliases", "slug", "id", "url", "original_url", "lw-page-url", "lw-linkpost-url"}
    for copy in range(times):
        for post in posts:
            text = post.read_text(encoding="utf-8")
            if text.startswith("---\n") and "\n---\n" in text[4:]:
                head, body = text[4:].split("\n---\n", 1)
                meta = {k: v for k, v in (yaml.safe_load(head) or {}).items() if k not in identity}
                text = f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n{body}"
            text = text.replace("the ", "a " if copy % 2 else "the ", copy + 1)
            (folder / f"{copy:02d}-{post.name}").write_text(text, encoding="utf-8")
    return folder


def ratio(name: str, value: float, base: float, goal: str) -> None:
    print(f"{name:<44} {value:7.2f} s  {value / base:5.2f}x   (goal {goal})")


def bench(corpus: Path, work: Path, *, label: str) -> None:
    print(f"\n{label}: {corpus}")
    base = run(sys.executable, "-c", TOKENIZER, str(corpus), env={"PYTHONPATH": str(ROOT)})
    print(f"{'tokenizer pass (whole process)':<44} {base:7.2f} s")
    ratio("kg build --vocab-only --no-cache", kg_build(corpus, work / "v", "--vocab-only"), base, "≤ 1.2x")
    cold = kg_build(corpus, work / "d")
    ratio("kg build --no-cache", cold, base, "≤ 1.5x")
    cache = work / "cache"
    kg_build(corpus, work / "w", cache=cache)
    warm = kg_build(corpus, work / "w", cache=cache)
    print(f"{'warm rebuild (cache filled)':<44} {warm:7.2f} s  {warm / cold:5.2f} of cold   (goal ≤ 0.05)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--skip-whole", action="store_true", help="only TurnTrout's posts")
    options = parser.parse_args()
    turntrout = SHARED / "turntrout" / "posts"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bench(turntrout, work / "tt", label="TurnTrout")
        one = kg_build(turntrout, work / "j1", "-j", "1")
        two = kg_build(turntrout, work / "j2", "-j", "2")
        print(f"{'-j 2 against -j 1':<44} {two:7.2f} s  {one / two:5.2f}x faster   (goal ≥ 1.7x, on a quiet machine)")
        corpus = work / "changed"
        shutil.copytree(turntrout, corpus)
        cache = work / "cache-changed"
        kg_build(corpus, work / "c", cache=cache)
        before = entries(cache)
        post = sorted(corpus.glob("*.md"))[0]
        post.write_text(post.read_text(encoding="utf-8") + "\n\nOne more sentence on corrigibility.\n", "utf-8")
        kg_build(corpus, work / "c", cache=cache)
        print(f"{'one changed document: extracted again':<44} {entries(cache) - before:7d}   (goal 1)")
        if not options.skip_whole:
            bench(SHARED, work / "whole", label="The whole shared corpus")
        once = peak_mb(turntrout, work / "m1")
        many = peak_mb(scaled(turntrout, options.scale, work / "scaled"), work / "m10")
        print(
            f"\npeak RSS: corpus once {once:.0f} MB, {options.scale}x {many:.0f} MB, {many / once:.2f}x   (goal ≤ 1.5x)"
        )
    print(json.dumps({"machine": os.uname().machine, "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
