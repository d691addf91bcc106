import pytest

from kg.errors import VocabularyError
from kg.vocab import Concept, Vocabulary, load_vocabulary, normalize, read_vocabulary_file


@pytest.mark.parametrize(
    "a, b",
    [
        ("Mesa-Optimizer", "mesa optimizers"),
        ("mesa-optimiser", "Mesa optimizer"),
        ("weak-to-strong generalisation", "Weak to strong generalizations"),
        ("the AI's behaviour", "the AI behavior"),
        ("reward functions", "Reward Function"),
        ("policies", "policy"),
        ("biases", "bias"),
        ("multipolar scenarios", "Multipolar scenario"),
        ("research agendas", "research agenda"),
        ("ideas", "idea"),
    ],
)
def test_normalize_makes_surface_forms_equal(a, b):
    assert normalize(a) == normalize(b)


def test_normalize_keeps_different_words_apart():
    assert normalize("supervise") != normalize("supervize")  # not every -ise is British
    assert normalize("process") == "process" and normalize("corrigibility") == "corrigibility"
    assert [normalize(w) for w in ("bias", "chaos", "series", "physics", "status")] == [
        "bias",
        "chaos",
        "series",
        "physics",
        "status",
    ]


def test_builtin_vocabulary_is_large_defined_and_categorized(vocabulary):
    assert len(vocabulary) >= 300
    assert all(c.definition and c.category for c in vocabulary)
    assert len({c.category for c in vocabulary}) >= 8


@pytest.mark.parametrize(
    "term, slug",
    [
        ("IDA", "iterated-distillation-and-amplification"),
        ("ELK", "eliciting-latent-knowledge"),
        ("mesa-optimizers", "mesa-optimization"),
        ("sparse auto-encoders", "sparse-autoencoder"),
        ("corrigible", "corrigibility"),
        ("Instruction following", "instruction-following"),
        ("RLHF", "reinforcement-learning-from-human-feedback"),
    ],
)
def test_lookup_by_any_name(vocabulary, term, slug):
    assert vocabulary.lookup(term).slug == slug


def test_duplicate_alias_across_concepts_names_both():
    with pytest.raises(VocabularyError, match="'Corrigible' is a name of both 'corrigibility' and 'other'"):
        Vocabulary(
            [
                Concept("corrigibility", "corrigibility", aliases=("corrigible",)),
                Concept("other", "other", aliases=("Corrigible",)),
            ]
        )


def test_duplicate_abbreviation_names_both():
    with pytest.raises(VocabularyError, match="abbreviation 'X' belongs to both 'a' and 'b'"):
        Vocabulary([Concept("a", "a", abbreviations=("X",)), Concept("b", "b", abbreviations=("X",))])


def test_user_vocabulary_adds_and_overrides(write):
    path = write(
        "mine.yaml",
        "- {name: corrigibility, definition: Mine., category: mine}\n"
        "- {name: gradient filtering, aliases: [grad filtering], category: method}\n",
    )
    vocabulary = load_vocabulary([path])
    assert vocabulary.concepts["corrigibility"].definition == "Mine."
    assert vocabulary.lookup("corrigible") is None  # the override replaced the aliases too
    assert vocabulary.lookup("grad filtering").slug == "gradient-filtering"


@pytest.mark.parametrize(
    "text, message",
    [
        ("- {aliases: [x]}", "every concept needs a 'name'"),
        ("- {name: x, aliases: 3}", "'x' has a bad 'aliases'"),
        ("- {name: x, color: red}", "'x' has unknown field\\(s\\) color"),
        ("name: [unclosed", "not valid YAML"),
        ("just a string", "expected a list of concepts"),
    ],
)
def test_malformed_vocabulary_files_say_what_is_wrong(write, text, message):
    with pytest.raises(VocabularyError, match=message):
        read_vocabulary_file(write("bad.yaml", text))


def test_missing_vocabulary_file():
    with pytest.raises(VocabularyError, match="does not exist"):
        read_vocabulary_file("/nonexistent/vocab.yaml")


@pytest.mark.parametrize(
    "text, message",
    [
        ("- name: x\n  slug: 'author:alex-turner'\n", r"line 1: 'x' has a bad slug 'author:alex-turner'"),
        ("- name: x\n  slug: 'doc:a'\n", r"bad slug 'doc:a'"),
        ("- name: x\n  slug: ''\n", r"bad slug ''"),
        ("- name: Shard theory\n- name: a\n- name: shard  theory!\n", r"defined twice \(line 1 and line 3\)"),
        ("a: &a [x, x, x]\nconcepts: *a\n", r"not valid YAML \(aliases \(\*name\) are not allowed\)"),
        ("- name: x\n  definition: [1, 2]\n", r"'x' has a bad 'definition'"),
    ],
)
def test_issue_10_vocabulary_slugs_and_structure_are_checked(write, text, message):
    with pytest.raises(VocabularyError, match=message):
        read_vocabulary_file(write("v.yaml", text))


def test_issue_10_names_without_ascii_get_a_slug_and_latin1_files_are_read(write):
    import warnings

    (concept,) = read_vocabulary_file(write("v.yaml", "- name: メサ最適化\n"))
    assert concept.slug.startswith("x-") and len(concept.slug) == 10
    path = write("latin.yaml", "")
    path.write_bytes("- name: r\xe9compense\n".encode("latin-1"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (concept,) = read_vocabulary_file(path)
    assert concept.name == "récompense"
    assert [str(w.message) for w in caught] == [f"vocabulary file {path} is not UTF-8; read it as latin-1"]


def test_issue_13_vocabulary_files_read_by_libyaml_as_by_the_line_counting_reader(monkeypatch):
    """The built-in files are read by libyaml (10x faster); the slow reader, which knows line numbers for error
    messages, reads the same concepts."""
    import kg.vocab

    files = kg.vocab.builtin_files()
    fast = [kg.vocab.read_vocabulary_file(f) for f in files]
    monkeypatch.setattr(kg.vocab, "_fast_read", lambda path, text: None)
    assert fast == [kg.vocab.read_vocabulary_file(f) for f in files] and sum(map(len, fast)) > 300
