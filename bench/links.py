"""Relations against hand labels: AUC of co-occurrence weights on well-known related pairs vs random pairs, and the
share of related pairs linked directly (issue 11). Not part of the test suite.

    python bench/links.py [CORPUS ...]

Defaults: TurnTrout's posts, the Alignment Forum excerpts and the whole shared corpus. The pairs are
tests/fixtures/related_pairs.yaml; a pair counts only where both concepts are nodes.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))

import kg  # noqa: E402
from kg.evaluate import score_links  # noqa: E402


def main() -> None:
    corpora = [Path(p) for p in sys.argv[1:]] or [
        SHARED / "turntrout" / "posts",
        SHARED / "alignment-forum" / "af_posts.jsonl",
        SHARED,
    ]
    pairs = [
        tuple(p) for p in yaml.safe_load((ROOT / "tests" / "fixtures" / "related_pairs.yaml").read_text())["pairs"]
    ]
    for corpus in corpora:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            graph = kg.build([corpus], outdir=None).graph
        score = score_links(graph, pairs)
        edges = sum(1 for _, _, k in graph.edges(keys=True) if k == "co_occurs")
        concepts = sum(1 for _, k in graph.nodes(data="kind") if k == "concept")
        print(
            f"{corpus.name}: AUC {score.auc:.3f}, linked directly {score.linked:.0%} of {score.present} pairs present"
            f" (of {score.total}); {concepts} concepts, {edges} co-occurrence edges ({time.perf_counter() - start:.0f} s)"
        )
        if score.unlinked:
            print("  unlinked: " + ", ".join(f"{a}~{b}" for a, b in score.unlinked[:15]))


if __name__ == "__main__":
    main()
