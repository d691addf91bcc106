"""Coverage check: which well-known alignment concepts that occur in 3+ documents become concept nodes.

    python bench/coverage.py [INPUTS...]   (default: the Alignment Forum and Distill datasets in ../shared)

Occurrence is found by plain regular expressions over the raw texts, independently of kg's matcher; a concept is
covered when the built graph has a node for it. Also prints the share of generic words among the top 100 nodes,
judged against wordfreq: a node is generic when it is a single word among the 3,000 most common English words
("people", "way", "example"); multiword nodes of common words ("machine learning") are listed apart for review.
"""

from __future__ import annotations

import re
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import kg  # noqa: E402

# name: patterns (case-insensitive unless the pattern is all capitals)
WELL_KNOWN = {
    "RLHF": [r"\bRLHF\b", r"reinforcement learning from human feedback"],
    "reward hacking": [r"reward hack", r"reward tamper", r"wirehead"],
    "reward model": [r"reward model"],
    "goal misgeneralization": [r"goal misgeneraliz"],
    "mesa-optimization": [r"mesa[- ]?optimi"],
    "inner alignment": [r"inner alignment"],
    "outer alignment": [r"outer alignment"],
    "deceptive alignment": [r"deceptive(ly)? align"],
    "corrigibility": [r"corrigib"],
    "instrumental convergence": [r"instrumental convergence", r"convergent instrumental"],
    "orthogonality thesis": [r"orthogonality thesis"],
    "power-seeking": [r"power[- ]seeking"],
    "Goodhart's law": [r"goodhart"],
    "specification gaming": [r"specification gaming"],
    "scalable oversight": [r"scalable oversight"],
    "AI safety via debate": [r"safety via debate", r"\bAI debate"],
    "iterated amplification": [r"iterated (distillation and )?amplification", r"\bIDA\b"],
    "recursive reward modeling": [r"recursive reward model"],
    "eliciting latent knowledge": [r"eliciting latent knowledge", r"\bELK\b"],
    "interpretability": [r"interpretability"],
    "mechanistic interpretability": [r"mechanistic interpretability", r"mech interp"],
    "superposition": [r"superposition"],
    "polysemanticity": [r"polysemantic"],
    "sparse autoencoder": [r"sparse autoencoder", r"\bSAEs?\b"],
    "activation patching": [r"activation patching", r"causal tracing", r"path patching"],
    "circuits": [r"\bcircuits?\b"],
    "induction heads": [r"induction heads?"],
    "feature visualization": [r"feature visuali"],
    "probing": [r"linear probes?", r"\bprobing\b"],
    "steering vectors": [r"steering vectors?", r"activation steering", r"activation addition"],
    "situational awareness": [r"situational awareness", r"situationally aware"],
    "sycophancy": [r"sycophan"],
    "scheming": [r"\bscheming\b", r"\bschemers?\b"],
    "alignment faking": [r"alignment faking"],
    "AI control": [r"\bAI control\b"],
    "red teaming": [r"red[- ]team"],
    "jailbreak": [r"jailbreak"],
    "adversarial examples": [r"adversarial examples?"],
    "distributional shift": [r"distribution(al)? shift"],
    "value learning": [r"value learning"],
    "inverse reinforcement learning": [r"inverse reinforcement learning"],
    "CIRL": [r"\bCIRL\b", r"cooperative inverse reinforcement"],
    "coherent extrapolated volition": [r"coherent extrapolated volition", r"\bCEV\b"],
    "impact measures": [r"impact measure", r"impact regulari"],
    "attainable utility preservation": [r"attainable utility", r"\bAUP\b"],
    "quantilizers": [r"quantiliz"],
    "myopia": [r"\bmyopi"],
    "embedded agency": [r"embedded agen"],
    "decision theory": [r"decision theor"],
    "functional decision theory": [r"functional decision theory", r"updateless decision", r"\bUDT\b", r"\bFDT\b"],
    "logical induction": [r"logical induct"],
    "Solomonoff induction": [r"solomonoff", r"\bAIXI\b"],
    "natural abstraction": [r"natural abstraction"],
    "shard theory": [r"shard theory"],
    "simulators": [r"\bsimulators?\b"],
    "waluigi effect": [r"waluigi"],
    "treacherous turn": [r"treacherous turn"],
    "sharp left turn": [r"sharp left turn"],
    "gradient hacking": [r"gradient hack"],
    "AI takeoff": [r"\btakeoff\b", r"take-off"],
    "AI timelines": [r"\btimelines\b"],
    "transformative AI": [r"transformative AI", r"\bTAI\b"],
    "AGI": [r"\bAGI\b", r"artificial general intelligence"],
    "superintelligence": [r"superintellig"],
    "existential risk": [r"existential risk", r"\bx-risk"],
    "compute governance": [r"compute governance", r"export controls"],
    "responsible scaling policy": [r"responsible scaling"],
    "constitutional AI": [r"constitutional AI"],
    "chain of thought": [r"chain[- ]of[- ]thought", r"\bCoT\b"],
    "process supervision": [r"process supervision", r"process-based supervision"],
    "weak-to-strong generalization": [r"weak[- ]to[- ]strong"],
    "model organisms": [r"model organisms?"],
    "sleeper agents": [r"sleeper agents?", r"backdoor"],
    "dangerous capability evaluations": [r"dangerous capabilit"],
    "paperclip maximizer": [r"paperclip"],
    "utility function": [r"utility functions?"],
    "world model": [r"world[- ]models?"],
    "goal-directedness": [r"goal[- ]directed"],
    "consequentialism": [r"consequentialis"],
    "moral uncertainty": [r"moral uncertainty", r"normative uncertainty"],
    "pivotal act": [r"pivotal act"],
    "multipolar scenarios": [r"multipolar"],
    "s-risk": [r"\bs-risks?\b", r"suffering risk"],
    "effective altruism": [r"effective altruis"],
    "large language model": [r"\bLLMs?\b", r"language models?"],
    "transformer": [r"\btransformers?\b"],
    "in-context learning": [r"in-context learning"],
    "scaling laws": [r"scaling laws?"],
    "grokking": [r"grokking"],
    "singular learning theory": [r"singular learning theory"],
    "infra-Bayesianism": [r"infra-?bayes"],
    "factored cognition": [r"factored cognition"],
    "HCH": [r"\bHCH\b"],
    "cooperative AI": [r"cooperative AI"],
    "shutdown problem": [r"shutdown problem", r"off[- ]switch", r"stop button"],
    "value alignment": [r"value alignment", r"value[- ]aligned"],
    "intent alignment": [r"intent alignment", r"intent[- ]aligned"],
    "human values": [r"human values"],
    "reinforcement learning": [r"reinforcement learning", r"\bRL\b"],
    "Bayesian reasoning": [r"bayesian"],
    "agency": [r"\bagency\b", r"\bagentic\b"],
    "manipulation": [r"manipulat"],
}


def main(inputs: list[str]) -> None:
    shared = ROOT.parent / "shared" / "corpus"
    inputs = inputs or [str(shared / "alignment-forum" / "af_posts.jsonl"), str(shared / "distill" / "distill.jsonl")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        documents = kg.read_corpus(inputs)
        result = kg.build(inputs, outdir=None)
    texts = [f"{d.title}\n{d.text}" for d in documents]
    vocabulary = kg.load_vocabulary()
    nodes = {n: d for n, d in result.graph.nodes(data=True) if d.get("kind") == "concept"}
    labels = {kg.normalize(d["label"]): n for n, d in nodes.items()}
    frequent, covered, missed = 0, 0, []
    for name, patterns in WELL_KNOWN.items():
        compiled = [re.compile(p) if p.strip("\\b").isupper() else re.compile(p, re.I) for p in patterns]
        documents_with = sum(1 for text in texts if any(c.search(text) for c in compiled))
        if documents_with < 3:
            continue
        frequent += 1
        concept = vocabulary.lookup(name)
        if (concept and concept.slug in nodes) or kg.normalize(name) in labels:
            covered += 1
        else:
            missed.append(f"{name} ({documents_with} docs)")
    print(
        f"documents: {len(documents)}; well-known concepts in 3+ documents: {frequent}; concept nodes: {covered} "
        f"({covered / max(frequent, 1):.1%})"
    )
    print("not nodes:", ", ".join(missed) or "none")
    from wordfreq import top_n_list

    common = set(top_n_list("en", 3000))
    top = sorted(nodes, key=lambda n: -nodes[n]["count"])[:100]
    words = {n: kg.normalize(nodes[n]["label"]).split() for n in top}
    generic = [nodes[n]["label"] for n in top if len(words[n]) == 1 and words[n][0] in common]
    phrases = [nodes[n]["label"] for n in top if len(words[n]) > 1 and all(w in common for w in words[n])]
    print(f"top 100 nodes that are a single common English word: {len(generic)} ({', '.join(generic) or 'none'})")
    print(f"top 100 nodes made only of common words, for review: {', '.join(phrases)}")


if __name__ == "__main__":
    main(sys.argv[1:])
