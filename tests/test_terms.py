import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.terms import (
    _BOILERPLATE,
    _BOILERPLATE_FORMS,
    GENERIC_WORDS,
    STOP_WORDS,
    is_boilerplate,
    is_candidate_token,
    is_term,
)


def test_stop_words_are_spacys():
    """kg keeps spaCy's English stop words as data so that discovery needs no spaCy; they must not drift apart."""
    from spacy.lang.en.stop_words import STOP_WORDS as SPACY_STOP_WORDS

    assert STOP_WORDS == SPACY_STOP_WORDS
    assert STOP_WORDS < GENERIC_WORDS


def test_candidate_tokens_and_terms():
    from wordfreq import zipf_frequency

    assert [is_candidate_token(w) for w in ("mesa", "which", "42")] == [True, False, False]
    assert is_term(["reward", "tampering"], Counter({"reward tampering": 2}), zipf_frequency)
    assert not is_term(["good", "idea"], Counter({"good idea": 2}), zipf_frequency)


@pytest.mark.parametrize("form", _BOILERPLATE_FORMS)
def test_boilerplate_words_are_in_every_match(form):
    """is_boilerplate looks for a few words before it runs the pattern: every sentence a form of it matches, in any
    case and spacing, must hold one of them, or boilerplate would slip through."""

    @settings(max_examples=100, deadline=None)
    @given(st.from_regex(re.compile(form, re.I)), st.text(max_size=10))
    def check(match, around):
        sentence = around + " " + match + " " + around
        assert is_boilerplate(sentence) == (_BOILERPLATE.search(sentence) is not None)

    check()


@pytest.mark.parametrize(
    "programme",
    [
        "program",
        "Programme",
        "fellowship",
        "scholars",
        "internship",
        "residency",
        "MATS",
        "SERI",
        "cohort",
        "hackathon",
        "stream",
    ],
)
def test_boilerplate_names_every_programme(programme):
    """The programmes a post is written "as part of", one by one (strings made from the pattern seldom try each)."""
    assert is_boilerplate(f"This was done as part of the {programme}.")
    assert is_boilerplate(f"As part of the AI safety {programme}.")
