"""Word lists and the shape test that tell a term of the field from prose: shared by extraction, discovery and
abbreviation adoption. A leaf: no spaCy, no I/O beyond the package's own data files.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from importlib import resources

__all__ = ["STOP_WORDS", "GENERIC_WORDS", "BROAD_TERMS", "is_candidate_token", "is_term"]


def _words(name: str) -> frozenset[str]:
    text = (resources.files("kg") / "data" / name).read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())


# spaCy's English stop words, kept as data so that discovery runs without importing spaCy.
STOP_WORDS = _words("stop_words.txt")
GENERIC_WORDS = _words("generic_words.txt") | STOP_WORDS
# Terms too broad to be nodes of a map of the field (every document is about them).
BROAD_TERMS = frozenset(
    line.strip()
    for line in (resources.files("kg") / "data" / "broad_terms.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)


def is_candidate_token(text: str) -> bool:
    """Whether a token can be part of a discovered term: a word (not a stopword, number or symbol).

    >>> [is_candidate_token(w) for w in ["shard", "the", "2023", "x", "example", "RLHF"]]
    [True, False, False, False, False, True]
    """
    return len(text) >= 2 and text.isalpha() and text.lower() not in GENERIC_WORDS


def is_term(words: list[str], forms: Counter, zipf_frequency: Callable[..., float], *, need_rare: bool = True) -> bool:
    """Whether a candidate (its normalized words and surface forms) looks like a concept, not a name or prose.

    ``zipf_frequency`` is wordfreq's; with ``need_rare`` one word must be uncommon in general English.

    >>> from wordfreq import zipf_frequency
    >>> is_term(["gradient", "hacking"], Counter({"gradient hacking": 3}), zipf_frequency)
    True
    >>> is_term(["alex", "turner"], Counter({"Alex Turner": 5}), zipf_frequency)
    False
    """
    if any(len(w) < 2 or not re.fullmatch(r"[a-z][a-z\-]*", w) for w in words):
        return False
    if words[0] in GENERIC_WORDS or words[-1] in GENERIC_WORDS:
        return False
    if words[-1].endswith(("ly", "ed")) or words[0].endswith(("ly", "ize", "ise")):  # adverbs, verbs
        return False
    total = sum(forms.values())
    titled = sum(n for form, n in forms.items() if all(w[:1].isupper() for w in form.replace("-", " ").split()))
    if titled > total / 2:  # mostly Title Case: names of people, posts and products
        return False
    return not need_rare or min(zipf_frequency(w, "en") for w in words) < 4.0
