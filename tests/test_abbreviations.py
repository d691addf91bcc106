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
