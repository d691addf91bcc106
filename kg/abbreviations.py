"""Abbreviation definitions in running text: "long form (SHORT)", after Schwartz and Hearst (2003).

Pure functions over strings; ``extract.py`` uses them per document and ``graph.py`` decides which pairs hold
corpus-wide.
"""

from __future__ import annotations

import re

__all__ = ["find_abbreviations", "match_initials", "match_long_form", "is_short_form"]

_LINKING = {"of", "and", "the", "for", "to", "in", "on", "a", "an", "with", "from", "by"}
_PAREN = re.compile(r"\(([^()]{1,12})\)")
_WORD = re.compile(r"[\w][\w'’\-]*")


def is_short_form(text: str) -> bool:
    """A plausible short form: 2-10 characters, at most two words, starts alphanumeric, has an uppercase letter.

    >>> [is_short_form(s) for s in ["RLHF", "W2S", "e.g.", "see above", "x", "I don't"]]
    [True, True, False, False, False, False]
    """
    text = text.strip()
    return (
        2 <= len(text) <= 10
        and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-/&.]*", text) is not None
        and any(c.isupper() for c in text)
        and sum(c.isalpha() for c in text) >= 2
    )


def match_long_form(short: str, candidate: str) -> str | None:
    """The shortest tail of ``candidate`` whose characters spell ``short`` (the Schwartz-Hearst rule).

    Every letter or digit of the short form must appear in order, matching from the end, and its first
    character must begin a word of the long form.

    >>> match_long_form("IDA", "we study iterated distillation and amplification")
    'iterated distillation and amplification'
    >>> match_long_form("RLHF", "reinforcement learning from human feedback")
    'reinforcement learning from human feedback'
    >>> match_long_form("ELK", "the paper on something else") is None
    True
    """
    s = len(short) - 1
    l_index = len(candidate) - 1
    while s >= 0:
        char = short[s].lower()
        if not char.isalnum():
            s -= 1
            continue
        while l_index >= 0 and (
            candidate[l_index].lower() != char or (s == 0 and l_index > 0 and candidate[l_index - 1].isalnum())
        ):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s -= 1
    start = candidate.rfind(" ", 0, l_index + 1) + 1
    long_form = candidate[start:].strip()
    if len(long_form) <= len(short) or short.lower() in long_form.lower().split():
        return None
    return long_form


def match_initials(short: str, words: list[str]) -> str | None:
    """The last words whose initials spell ``short`` (linking words such as "of" may be skipped).

    Tried before the Schwartz-Hearst rule, which prefers the shortest match and so drops leading words.

    >>> match_initials("CCC", "the catastrophic convergence conjecture".split())
    'catastrophic convergence conjecture'
    >>> match_initials("GRPO", "with Group Relative Policy Optimization".split())
    'Group Relative Policy Optimization'
    """
    letters = [c.lower() for c in short if c.isalpha()]
    if not letters or len(letters) != len([c for c in short if c.isalnum()]):
        return None
    position = len(letters) - 1
    for start in range(len(words) - 1, -1, -1):
        word = words[start].lower()
        if position >= 0 and word[:1] == letters[position]:
            position -= 1
            if position < 0:
                return " ".join(words[start:])
        elif word not in _LINKING:
            return None
    return None


def find_abbreviations(text: str) -> list[tuple[str, str]]:
    """Pairs ``(short, long)`` defined in the text as "long form (SHORT)", in order of appearance.

    >>> find_abbreviations("Eliciting latent knowledge (ELK) is hard. ELK matters. Value learning (VL).")
    [('ELK', 'Eliciting latent knowledge'), ('VL', 'Value learning')]
    """
    pairs: list[tuple[str, str]] = []
    for match in _PAREN.finditer(text):
        short = match.group(1).strip()
        if not is_short_form(short):
            continue
        before = text[max(0, match.start() - 200) : match.start()]
        before = re.split(r"[.;:!?()\[\]\n]", before)[-1]
        words = _WORD.findall(before)
        limit = min(len(short) + 5, len(short) * 2)
        candidate = " ".join(words[-limit:])
        long_form = match_initials(short.removesuffix("s"), words[-limit:]) or match_long_form(short, candidate)
        if long_form and len(long_form.split()) <= limit:
            pairs.append((short, long_form))
    return pairs
