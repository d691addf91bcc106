"""Abbreviations: definitions in running text ("long form (SHORT)", after Schwartz and Hearst 2003), and which of
them hold corpus-wide.

``find_abbreviations`` is a pure function over strings that extraction runs per document; ``adopt`` decides, from
every document's definitions, which short forms count for a concept wherever they are used.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import partial

from .discover import Discovery, discovered_concept
from .keys import make_key, split_key
from .records import Extraction
from .terms import BROAD_TERMS, GENERIC_WORDS, is_term
from .vocab import Concept, Vocabulary

__all__ = [
    "find_abbreviations",
    "match_initials",
    "match_long_form",
    "is_short_form",
    "Status",
    "Abbreviation",
    "Adoption",
    "definitions",
    "adopt",
]

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


class Status(Enum):
    """What kg did with a short form defined in the corpus."""

    ADOPTED = "adopted"  # counts for one concept wherever it is used
    LOCAL = "kept per document"  # counts only where a document defines it
    IGNORED = "ignored"  # never counts


@dataclass(frozen=True)
class Abbreviation:
    """A short form defined in the corpus: its long forms (mention keys) with document counts, and the decision."""

    short: str
    long_forms: tuple[tuple[str, int], ...]
    status: Status
    reason: str
    concept: str | None = None

    @property
    def documents(self) -> int:
        return sum(n for _, n in self.long_forms)


@dataclass(frozen=True)
class Adoption:
    """Every decision, and what it adds: ``!SHORT`` keys resolved to slugs, and concepts made or given a short form."""

    abbreviations: tuple[Abbreviation, ...] = ()
    resolved: Mapping[str, str] = field(default_factory=dict)
    concepts: Mapping[str, Concept] = field(default_factory=dict)


def definitions(extractions: Iterable[Extraction]) -> dict[str, Counter]:
    """For each short form, how many documents define it with each long form."""
    found: dict[str, Counter] = {}
    for extraction in extractions:
        for short, long_key in extraction.abbreviations:
            found.setdefault(short, Counter())[long_key] += 1
    return found


def adopt(defined: Mapping[str, Counter], vocabulary: Vocabulary, discovery: Discovery) -> Adoption:
    """Decide each short form: adopted for one concept, kept per document, or ignored.

    A short form defined one way everywhere is adopted; with conflicting long forms the one most documents give
    wins (on a tie each document keeps its own reading), and when that reading is too broad to be a concept the
    short form is left alone rather than handed to a minority reading. A long form that is not yet a concept
    becomes one when it is a term and reaches a second document.
    """
    concepts = dict(discovery.concepts)
    resolved: dict[str, str] = {}
    records: list[Abbreviation] = []
    for short, forms in sorted(defined.items()):
        decide = partial(_decision, records, short, forms)
        if short.lower() in GENERIC_WORDS:
            decide(Status.IGNORED, "too general")
            continue
        ranked = sorted(forms, key=lambda k: (-forms[k], k))
        if len(ranked) == 1:
            target, reason = ranked[0], "one long form"
        elif forms[ranked[0]] == forms[ranked[1]]:
            decide(Status.LOCAL, "conflicting long forms, none defined more often")
            continue
        else:  # the reading most documents give decides, never a minority one (issue 15)
            target = ranked[0]
            reason = f"conflicting long forms: {forms[target]} of {sum(forms.values())} documents read it so"
        term, kind = split_key(target)
        if kind == "candidate" and term in BROAD_TERMS:
            decide(Status.IGNORED, "too broad" if len(ranked) == 1 else "its usual reading is too broad")
            continue
        if kind == "candidate" and target not in concepts:
            # A consistently defined long form is a concept even when too rare to be discovered, if it is a term
            # and it (or its short form) reaches a second document.
            docs = discovery.stats.docs
            spread = max(docs.get(target, 0), docs.get(make_key(short, "short"), 0), sum(forms.values()))
            if spread < 2:
                decide(Status.LOCAL, "one document")
                continue
            if not is_term(term.split(), Counter({term: 1})):
                decide(Status.LOCAL, "not a term")
                continue
        if kind == "candidate":
            concept = concepts.get(target) or discovered_concept(target, term)
            concepts[target] = replace(concept, abbreviations=(short,))
            target = concept.slug
        resolved[make_key(short, "short")] = target
        decide(Status.ADOPTED, reason, target)
    added = {key: concept for key, concept in concepts.items() if discovery.concepts.get(key) != concept}
    resolved.update({key: concept.slug for key, concept in added.items()})
    return Adoption(tuple(records), resolved, added)


def _decision(
    records: list[Abbreviation], short: str, forms: Counter, status: Status, reason: str, concept: str | None = None
) -> None:
    records.append(Abbreviation(short, tuple(sorted(forms.items())), status, reason, concept))
