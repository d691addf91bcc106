import pytest

from kg.abbreviations import find_abbreviations, is_short_form, match_initials, match_long_form


@pytest.mark.parametrize(
    "text, pairs",
    [
        (
            "We use reinforcement learning from human feedback (RLHF) here.",
            [("RLHF", "reinforcement learning from human feedback")],
        ),
        ("on eliciting latent knowledge (ELK).", [("ELK", "eliciting latent knowledge")]),
        (
            "Harry Potter and the Methods of Rationality (HPMOR) is long",
            [("HPMOR", "Harry Potter and the Methods of Rationality")],
        ),
        ("sparse autoencoders (SAEs) find features", [("SAEs", "sparse autoencoders")]),
        ("a model (see above) and results (Table 2)", []),
        ("we do this (I think) often", []),
    ],
)
def test_find_abbreviations(text, pairs):
    assert find_abbreviations(text) == pairs


def test_initials_keep_leading_words_that_schwartz_hearst_drops():
    words = "in the catastrophic convergence conjecture".split()
    assert match_initials("CCC", words) == "catastrophic convergence conjecture"
    assert match_long_form("CCC", " ".join(words)) == "convergence conjecture"


def test_short_form_shape():
    assert is_short_form("ELK") and is_short_form("p-ELK") and not is_short_form("elk") and not is_short_form("A B")


def test_issue_15_the_majority_reading_decides_and_a_broad_one_leaves_the_short_form_alone():
    """48 documents define AI as artificial intelligence and one as AGI: AI must not become AGI's."""
    from collections import Counter

    from kg.abbreviations import Status, adopt
    from kg.discover import Discovery, gather
    from kg.vocab import Concept, Vocabulary

    vocabulary = Vocabulary([Concept("artificial-general-intelligence", "artificial general intelligence")])
    defined = {
        "AI": Counter({"~artificial intelligence": 48, "artificial-general-intelligence": 1}),
        "AGI": Counter({"artificial-general-intelligence": 3, "~artificial generic intelligence": 1}),
        "XY": Counter({"~x ray": 2, "~y ray": 2}),
    }
    adoption = adopt(defined, vocabulary, Discovery(stats=gather([])))
    decided = {d.short: d for d in adoption.abbreviations}
    assert (decided["AI"].status, decided["AI"].reason) == (Status.IGNORED, "its usual reading is too broad")
    assert "!AI" not in adoption.resolved
    assert decided["AGI"].status is Status.ADOPTED and adoption.resolved["!AGI"] == "artificial-general-intelligence"
    assert decided["AGI"].reason == "conflicting long forms: 3 of 4 documents read it so"
    assert decided["XY"].status is Status.LOCAL
