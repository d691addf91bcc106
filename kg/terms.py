"""Word lists and the shape test that tell a term of the field from prose: shared by extraction, discovery and
abbreviation adoption. A leaf: no spaCy, no I/O beyond the package's own data files.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from importlib import resources

__all__ = [
    "STOP_WORDS",
    "GENERIC_WORDS",
    "BROAD_TERMS",
    "EPONYM_HEADS",
    "SINGLE_WORD_ZIPF",
    "is_candidate_token",
    "is_joinable_token",
    "is_single_term_word",
    "is_term",
    "not_a_term",
    "looks_like_short_form",
    "is_boilerplate",
]


def _words(name: str) -> frozenset[str]:
    text = (resources.files("kg") / "data" / name).read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())


# spaCy's English stop words, kept as data so that discovery runs without importing spaCy.
STOP_WORDS = _words("stop_words.txt")
GENERIC_WORDS = _words("generic_words.txt") | STOP_WORDS
# Citation debris and Latin tags: never the last word of a term ("Hubinger et al", "reward models etc").
_DEBRIS = frozenset("al et etc vs via ie eg cf".split())
# Terms too broad to be nodes of a map of the field (every document is about them).
BROAD_TERMS = frozenset(
    line.strip()
    for line in (resources.files("kg") / "data" / "broad_terms.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)

# Nouns that follow a possessive name in an eponymous term: "Goodhart's law", "Pascal's mugging", "Löb's theorem".
EPONYM_HEADS = frozenset(
    "law theorem lemma razor paradox problem mugging basilisk wager fallacy principle hypothesis conjecture curse "
    "demon dilemma fence guillotine inequality".split()
)
# A single word used 10 times per million words of general English or more (wordfreq Zipf 4: "reward" 4.3, "agent"
# 4.8) names no concept on its own; rarer ones ("activation" 3.8, "corrigibility" 0) may.
SINGLE_WORD_ZIPF = 4.0


def is_candidate_token(text: str) -> bool:
    """Whether a token can be part of a discovered term: a word (not a stopword, number or symbol).

    >>> [is_candidate_token(w) for w in ["shard", "the", "2023", "x", "example", "RLHF"]]
    [True, False, False, False, False, True]
    """
    return len(text) >= 2 and text.isalpha() and text.lower() not in GENERIC_WORDS


def is_joinable_token(text: str) -> bool:
    """Whether a token can sit inside or end a discovered term: a word that is not a stopword.

    Generic nouns end real terms ("alignment problem", "sharp left turn") though they start none (see ``is_term``).

    >>> [is_joinable_token(w) for w in ["problem", "turn", "the", "2023"]]
    [True, True, False, False]
    """
    return len(text) >= 2 and text.isalpha() and text.lower() not in STOP_WORDS


def is_single_term_word(word: str, zipf_frequency: Callable[..., float]) -> bool:
    """Whether a normalized single word is rare enough in general English to be a term on its own.

    >>> from wordfreq import zipf_frequency
    >>> [is_single_term_word(w, zipf_frequency) for w in ["corrigibility", "activation", "reward"]]
    [True, True, False]
    """
    return zipf_frequency(word, "en") < SINGLE_WORD_ZIPF


def is_term(words: list[str], forms: Counter, zipf_frequency: Callable[..., float] | None = None) -> bool:
    """Whether a candidate (its normalized words and surface forms) looks like a concept, not a name or prose.

    With ``zipf_frequency`` (wordfreq's) a single word must also be uncommon in general English.

    >>> from wordfreq import zipf_frequency
    >>> is_term(["gradient", "hacking"], Counter({"gradient hacking": 3}), zipf_frequency)
    True
    >>> is_term(["alex", "turner"], Counter({"Alex Turner": 5}), zipf_frequency)
    False
    """
    return not_a_term(words, forms, zipf_frequency) is None


def not_a_term(words: list[str], forms: Counter, zipf_frequency: Callable[..., float] | None = None) -> str | None:
    """Why a candidate does not look like a concept (see ``is_term``), in words; ``None`` when it does.

    >>> not_a_term(["alex", "turner"], Counter({"Alex Turner": 5}))
    'capitalized in most uses and never in lowercase, as a name is'
    """
    if any(len(w) < 2 or not re.fullmatch(r"[a-z][a-z\-]*", w) for w in words):
        return "holds a number, a symbol or a one-letter word"
    # A generic word may end a term ("alignment problem") but not start one ("main problem"), nor end a single one.
    if words[0] in GENERIC_WORDS:
        return f"starts with a word of everyday prose ({words[0]!r})"
    if words[-1] in STOP_WORDS or words[-1] in _DEBRIS:
        return f"ends with a stop word or a citation's debris ({words[-1]!r})"
    if words[-1].endswith(("ly", "ed")) or words[0].endswith(("ly", "ize", "ise")):  # adverbs, verbs
        return "shaped like an adverb or a verb"
    # Mostly Title Case: names of people, posts and products. A longer term's short form ("MDP" for "Markov
    # decision process") is capitals whatever the term; a single word written so is itself a short form.
    written = {f: n for f, n in forms.items() if len(words) == 1 or not looks_like_short_form(f)}
    if not written:
        return "written only as a short form"
    titled = sum(n for form, n in written.items() if _titled(form))
    # A phrase in lowercase now and then is no name however often capitalized; a single word is capitalized at
    # every sentence start and as a label ("Corollary 2."), which says nothing of it.
    total = sum(written.values())
    if titled > total / 2 and not (len(words) > 1 and _written_lowercase(written)):
        if len(words) > 1:
            return "capitalized in most uses and never in lowercase, as a name is"
        # A capital inside a word marks a name coined for a model, dataset or group ("OpenAI"), not a person's.
        if 2 * sum(n for form, n in written.items() if looks_coined(form)) <= total:
            return "a single word capitalized in most uses"
    # Several common words make a term ("reward function", "decision theory"); one alone seldom does.
    if zipf_frequency is not None and len(words) == 1 and not is_single_term_word(words[0], zipf_frequency):
        zipf = zipf_frequency(words[0], "en")
        return f"a single word this common in general English (Zipf {zipf:.1f}) names no concept on its own"
    return None


# A surname's particle before its capital: "MacAskill", "LeCun", "DeWitt" are people, not coined names.
_SURNAME = re.compile(r"(?:Mac|Mc|De|Di|Du|La|Le|Van|Von)[A-Z][a-z]+")


def looks_coined(word: str) -> bool:
    """A word with a capital after a small letter inside it, as the field's coined names are written (models,
    datasets, libraries, groups), with a run of three small letters (a short form with a small letter, "CoT",
    "ReLU", is none), unless it is a surname after its particle.

    >>> [looks_coined(w) for w in ["OpenAI", "TruthfulQA", "ImageNet", "LeCun", "Claude", "MDPs", "CoT", "ReLU"]]
    [True, True, True, False, False, False, False, False]
    """
    return _CAMEL.search(word) is not None and _SYLLABLE.search(word) is not None and _SURNAME.fullmatch(word) is None


_CAMEL = re.compile(r"[a-z][A-Z]")
_SYLLABLE = re.compile(r"[a-z]{3}")


def looks_like_short_form(text: str) -> bool:
    """An all-caps token of 2-6 letters (optionally a plural 's'), the shape of an abbreviation in use.

    >>> [looks_like_short_form(w) for w in ["MDPs", "ELK", "Claude", "A"]]
    [True, True, False, False]
    """
    core = text[:-1] if text.endswith("s") else text
    return 2 <= len(core) <= 6 and core.isupper() and core.isalpha()


def _written_lowercase(forms: dict[str, int]) -> bool:
    """Whether a phrase is written in lowercase now and then (twice, and at least one use in eight), however often it
    is capitalized: nobody writes a name so ("Factored Cognition" 16 times, "factored cognition" 3, on the shared
    corpus; "Alignment Newsletter" 240 and 1). A title in sentence case ("Measuring AI ability") is no lowercase use.

    >>> _written_lowercase({"Factored Cognition": 16, "factored cognition": 3}), _written_lowercase({"Paul Christiano": 9})
    (True, False)
    """
    lowercase = sum(n for form, n in forms.items() if _starts_lowercase(form))
    return lowercase >= 2 and 8 * lowercase >= sum(forms.values())


def _starts_lowercase(form: str) -> bool:
    """The first word that is not a short form starts with a small letter: "ML safety", "infra-Bayesianism"."""
    words = [w for w in form.split() if not looks_like_short_form(w)]
    return bool(words) and words[0][:1].islower()


def _titled(form: str) -> bool:
    """Every word capitalized, and no possessive: an eponym ("Goodhart's Law") names a concept, not a person."""
    words = form.replace("-", " ").split()
    return all(w[:1].isupper() for w in words) and not any(w.endswith(("'s", "’s")) for w in words)


# Sentences about the writing, not the field: acknowledgements, funding, mentorship programmes, cross-post notices.
# Every repetition is bounded, so the search stays linear on untrusted text.
_BOILERPLATE_FORMS = (
    r"thanks?\s+(?:you\s+)?to\s+[^.!?]{0,200}?\bfor\b",  # "Thanks to A and B for comments" (not "thanks to RLHF, ...")
    r"thank\s+you\s+for\b",
    r"(?:we|i)\s+(?:would\s+like\s+to\s+|want\s+to\s+)?thank\b",
    r"(?:grateful|indebted)\s+to\b",
    r"acknowledge?ments?\b",
    r"(?:funded|supported|sponsored|financed)\s+(?:in\s+part\s+)?by\b",
    r"(?:funding|grants?)\s+from\b",
    r"under\s+the\s+(?:mentorship|supervision|guidance)\s+of\b",
    r"mentorship\b|mentored\s+by\b",
    r"(?:as\s+part\s+of|(?:written|produced|done|completed|conducted|carried\s+out)\s+(?:during|while\s+(?:at|in)|at|for))"
    r"\s+(?:\S+\s+){0,8}?[(\[\"“]?(?:[\w-]*-)?"
    r"(?:program(?:me)?|fellowship|scholars?|internship|residency|mats|seri|cohort|hackathon|stream)\b",
    r"seri[\s-]+mats\b|mats\s+(?:program(?:me)?|scholars?|stream|cohort|fellowship|mentor)",
    r"ml\s+alignment\s+(?:&\s+|and\s+)?theory\s+scholars",
    r"cross-?posted\s+(?:from|to|on)\b",
    r"this\s+(?:post|work|research|project|piece|report)\s+was\s+(?:written|produced|funded|supported|completed)\b",
)
_BOILERPLATE = re.compile(r"\b(?:" + "|".join(_BOILERPLATE_FORMS) + ")", re.I)
# Every sentence _BOILERPLATE matches holds one of these (a test checks each form): looking for them first halves the
# time of the test on ordinary sentences, which have none.
_BOILERPLATE_WORDS = (
    "thank gratef indebt acknowl fund support sponsor financ grant mentor supervis guidance program fellowship scholar"
    " internship residency mats seri cohort hackathon stream posted written produced completed"
).split()
# Letters that re.IGNORECASE matches to ASCII ones and str.lower() does not turn into them.
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def is_boilerplate(sentence: str) -> bool:
    """Whether a sentence is about the writing rather than the field (thanks, funding, mentorship, cross-posts).

    Such sentences are neither evidence nor co-occurrence units, and feed no discovery.

    >>> is_boilerplate("This post was written under the mentorship of Alex Turner as part of SERI MATS.")
    True
    >>> is_boilerplate("Thanks to Jane Doe and the Long-Term Future Fund for feedback and funding.")
    True
    >>> is_boilerplate("Produced during the Stanford Existential Risk Initiative (SERI) ML Alignment Theory Scholars Program")
    True
    >>> is_boilerplate("Thanks to RLHF, models became more helpful; corrigibility remains open.")
    False
    """
    folded = (sentence if sentence.isascii() else sentence.translate(_ASCII_FOLD)).lower()
    return any(word in folded for word in _BOILERPLATE_WORDS) and _BOILERPLATE.search(sentence) is not None
