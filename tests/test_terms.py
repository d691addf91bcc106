from collections import Counter

from kg.terms import GENERIC_WORDS, STOP_WORDS, is_candidate_token, is_term


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
