import math
from collections import Counter
from dataclasses import replace

import networkx as nx
import pytest

from kg.abbreviations import Status
from kg.config import Settings
from kg.corpus import Document
from kg.counts import Counts
from kg.graph import analyze, concept_subgraph, g_squared, select_edges
from kg.pipeline import build_graph
from kg.records import Extraction, Mention
from kg.terms import is_term
from kg.vocab import Concept, Vocabulary

VOCAB = Vocabulary(
    [Concept(s, s.replace("-", " ")) for s in ("corrigibility", "deception", "power-seeking", "sycophancy")]
)


def mention(key, sentence, paragraph=0, token=None):
    token = token if token is not None else sentence * 10
    return Mention(key, "", sentence, paragraph, token, 0, 1, key, "")


def extraction(doc_id, mentions, n_sentences=4, links=(), abbreviations=()):
    mentions = [replace(m, doc_id=doc_id, sentence_text=f"Sentence {m.sentence} of {doc_id}.") for m in mentions]
    return Extraction(doc_id, tuple(mentions), n_sentences, 2, n_sentences * 10, tuple(abbreviations), tuple(links))


def documents(*ids, **extra):
    return [Document(i, f"Title {i}", "", **extra) for i in ids]


def test_pair_counted_once_per_sentence_and_npmi_in_range():
    records = [
        extraction(
            "a",
            [
                mention("corrigibility", 0),
                mention("corrigibility", 0),
                mention("deception", 0),
                mention("deception", 1),
            ],
        )
    ]
    graph, _ = build_graph(documents("a"), records, VOCAB)
    edge = graph.edges["corrigibility", "deception", "co_occurs"]
    assert (edge["count"], edge["doc_count"]) == (1, 1)
    # 4 sentences: corrigibility in 1, deception in 2, both in 1.
    expected = math.log((1 / 4) / ((1 / 4) * (2 / 4))) / -math.log(1 / 4)
    assert edge["npmi"] == round(expected, 4) and -1 <= edge["npmi"] <= 1
    # One document holding both: NPMI 1 over documents; the weight is the mean of the two levels.
    assert edge["association"] == edge["weight"] == round((expected + 1) / 2, 4) and edge["lift"] == 2.0
    assert graph.nodes["corrigibility"]["count"] == 2 and graph.nodes["deception"]["doc_count"] == 1
    assert edge["evidence"] == [{"doc": "a", "sentence": 0, "text": "Sentence 0 of a."}]


@pytest.mark.parametrize("window, count", [("sentence", 0), ("paragraph", 1), (25, 1), (5, 0)])
def test_windows(window, count):
    records = [
        extraction(
            "a",
            [
                mention("corrigibility", 0, 0, token=1),
                mention("deception", 1, 0, token=12),
                mention("sycophancy", 3, 1, token=30),
            ],
        )
    ]
    graph, _ = build_graph(documents("a"), records, VOCAB, Settings(window=window, min_npmi=-1.0))
    found = (
        graph.edges["corrigibility", "deception", "co_occurs"]["count"]
        if graph.has_edge("corrigibility", "deception", "co_occurs")
        else 0
    )
    assert found == count


def test_issue_11_edges_are_kept_by_significance_or_as_a_concepts_strongest():
    """Four documents of ten sentences: corrigibility and deception meet in 6 sentences (significant); sycophancy
    meets power-seeking once (not significant, but each is the other's strongest neighbour)."""
    records = []
    for doc in "abcd":
        mentions = [mention("corrigibility", s) for s in range(6) if s < 2 or doc in "ab"]
        mentions += [mention("deception", s) for s in range(6) if s < 2 or doc in "ab"]
        mentions += [mention("sycophancy", 8)] + ([mention("power-seeking", 8)] if doc == "a" else [])
        records.append(extraction(doc, mentions, n_sentences=10))
    graph, _ = build_graph(documents(*"abcd"), records, VOCAB, Settings(min_g2=10.83))
    strong = graph.edges["corrigibility", "deception", "co_occurs"]
    assert strong["count"] == 16 and strong["significant"] is True and strong["g2"] >= 10.83
    weak = graph.edges["power-seeking", "sycophancy", "co_occurs"]
    assert weak["count"] == 1 and weak["significant"] is False
    assert not graph.has_edge("corrigibility", "sycophancy", "co_occurs")  # never met: no edge
    graph, _ = build_graph(documents(*"abcd"), records, VOCAB, Settings(min_count=2, min_g2=10.83))
    assert not graph.has_edge("power-seeking", "sycophancy", "co_occurs")


def test_issue_11_concepts_that_never_share_a_sentence_link_by_documents():
    records = [extraction(d, [mention("corrigibility", 0), mention("deception", 3)]) for d in "ab"]
    records.append(extraction("c", [mention("sycophancy", 0), mention("power-seeking", 0)]))
    graph, _ = build_graph(documents(*"abc"), records, VOCAB)
    edge = graph.edges["corrigibility", "deception", "co_occurs"]
    assert (edge["count"], edge["documents"]) == (0, 2)
    assert [e["sentence"] for e in edge["evidence"]] == [0, 0] or len(edge["evidence"]) >= 2


def test_issue_11_each_concept_keeps_its_most_significant_partner_by_documents_alone():
    """100 documents; a-b, c-d and e-f share sentences. a, c and e never share one, but share documents more
    often than chance: a-c in 12, c-e in 10, a-e in 8 (all significant at G² >= 3.84)."""
    names = "abcdef"
    unit_pairs = {("a", "b"): 20, ("c", "d"): 20, ("e", "f"): 20}
    doc_pairs = Counter({**unit_pairs, ("a", "c"): 12, ("c", "e"): 10, ("a", "e"): 8})
    counts = Counts(
        units=1000,
        documents=100,
        concept_count=Counter(dict.fromkeys(names, 20)),
        concept_docs=Counter(dict.fromkeys(names, 20)),
        concept_units=Counter(dict.fromkeys(names, 20)),
        years={},
        pair_units=Counter(unit_pairs),
        pair_docs=Counter(unit_pairs),
        doc_pairs=doc_pairs,
        mentions=Counter(),
        concept_evidence={},
        pair_evidence={},
    )
    assert g_squared(8, 20, 20, 100) > 3.84
    edges = select_edges(counts)
    # a's and c's strongest is a-c, e's is c-e; a-e is nobody's strongest, so it stays out.
    assert sorted(edges) == [("a", "b"), ("a", "c"), ("c", "d"), ("c", "e"), ("e", "f")]
    assert edges["a", "c"].count == 0 and edges["a", "c"].documents == 12 and edges["a", "c"].significant


def test_g_squared_grows_with_surprise():
    assert g_squared(10, 20, 20, 1000) > g_squared(2, 20, 20, 1000) > g_squared(1, 100, 100, 10000) == 0.0


def test_mentions_authors_and_citations():
    docs = [
        Document("a", "A", "", authors=("Ann Author",), url="https://x.org/a"),
        Document("b", "B", "", names=("b-post",), date="2021-05-01"),
    ]
    records = [
        extraction(
            "a",
            [mention("corrigibility", 1), mention("deception", 1)],
            links=(("/b-post#x", 1), ("https://arxiv.org/abs/2312.09390v1", 2)),
        ),
        extraction("b", [mention("power-seeking", 0), mention("power-seeking", 1), mention("sycophancy", 2)]),
    ]
    graph, _ = build_graph(docs, records, VOCAB)
    assert graph.edges["doc:a", "doc:b", "cites"]["count"] == 1
    assert graph.edges["author:ann-author", "doc:a", "wrote"]["relation"] == "wrote"
    assert graph.edges["doc:b", "power-seeking", "mentions"]["count"] == 2
    # Concepts around the link in A point at B's main concepts.
    assert graph.has_edge("corrigibility", "power-seeking", "cites_concept")
    assert graph.nodes["doc:a"]["top_outside"] == "arXiv:2312.09390:1"
    assert graph.nodes["power-seeking"]["first_seen"] == 2021 and graph.nodes["power-seeking"]["years"] == "2021:2"


def test_discovery_accepts_terms_and_rejects_prose_names_and_debris():
    from wordfreq import zipf_frequency

    def ok(term, forms=None):
        return is_term(term.split(), Counter(forms or {term: 3}), zipf_frequency)

    assert ok("gradient hacking") and ok("shard formation")
    assert not ok("good idea")  # generic words
    assert not ok("really interesting")  # adverb
    assert not ok("alex turner", {"Alex Turner": 5})  # mostly Title Case: a name
    assert not ok("x2 y3")  # not words
    assert not ok("langosco et")
    assert ok("alignment problem") and ok("sharp left turn")  # a generic word may end a term
    assert ok("goodhart law", {"Goodhart's Law": 3})  # an eponym is no person's name
    assert ok("corrigibility") and not ok("agent")  # a single word must be rare in general English


def test_issue_15_a_capitalized_term_written_in_lowercase_now_and_then_is_no_name():
    """Research agendas are often capitalized ("Factored Cognition", 16 of 20 uses on the shared corpus) but writers
    also put them in lowercase; a name stays capitalized, and a title in sentence case is no lowercase use. A
    single word must still be lowercase in most uses."""
    from wordfreq import zipf_frequency

    def ok(term, forms):
        return is_term(term.split(), Counter(forms), zipf_frequency)

    assert ok("factored cognition", {"Factored Cognition": 16, "factored cognition": 3, "Factored cognition": 1})
    assert ok("ml safety", {"ML Safety": 19, "ML safety": 5})  # a short form leads: "safety" is the first word
    assert not ok("paul christiano", {"Paul Christiano": 30, "paul christiano": 2})  # 2 in 32
    assert not ok("redwood research", {"Redwood Research": 27})
    assert not ok("safety course", {"Safety Course": 2, "safety course": 1})  # once is not a habit
    assert not ok("measuring ai ability", {"Measuring AI Ability": 3, "Measuring AI ability": 2})
    assert not ok("corollary", {"Corollary": 7, "corollary": 3})  # a single word: a label, at sentence starts


def test_issue_15_a_coined_name_is_a_term_and_a_capitalized_word_or_surname_is_not():
    """A capital inside a word marks the field's coined names of models, datasets and groups (on the shared
    corpus: OpenAI, TruthfulQA, ImageNet, AlphaGo, TransformerLens); a word capitalized without one is a person, a
    place or a label, as is a surname after its particle; a short form with a small letter is a short form."""
    from wordfreq import zipf_frequency

    def ok(term, forms):
        return is_term(term.split(), Counter(forms), zipf_frequency)

    assert ok("openai", {"OpenAI": 165}) and ok("truthfulqa", {"TruthfulQA": 83})
    assert ok("imagenet", {"ImageNet": 42, "Imagenet": 6})
    assert not ok("anthropic", {"Anthropic": 197, "anthropic": 27})
    assert not ok("lecun", {"LeCun": 14}) and not ok("macaskill", {"MacAskill": 9})
    assert not ok("cot", {"CoT": 58, "CoTs": 18})


def test_issue_15_a_term_used_mostly_by_its_short_form_is_judged_by_its_written_out_uses():
    """ "MDP" is capitals whatever "Markov decision process" is: it neither makes the term a Title Case name nor
    names the concept, and the part-of-speech check reads distinct sentences with the term written out (three
    "CDT"s in one sentence once failed "causal decision theory", tagged as a proper noun)."""
    from wordfreq import zipf_frequency

    from kg.discover import discover

    forms = Counter({"MDP": 32, "MDPs": 25, "Markov decision processes": 13})
    assert is_term("markov decision process".split(), forms, zipf_frequency)
    assert not is_term(["rlhf"], Counter({"RLHF": 5, "rlhf": 1}), zipf_frequency)  # a short form on its own

    def said(d, sentence, surface, text):
        return Mention("~causal decision theory", d, sentence, 0, sentence, 0, len(surface), surface, text)

    records = [
        Extraction(
            d,
            (
                said(d, 1, "causal decision theory", f"Problems with causal decision theory (CDT) in {d}."),
                said(d, 1, "CDT", f"Problems with causal decision theory (CDT) in {d}."),
                said(d, 2, "CDT", "Here CDT two-boxes."),
                said(d, 3, "CDT", "CDT and EDT differ."),
            ),
            4,
            1,
            30,
            (),
            (),
        )
        for d in "abc"
    ]
    read = []
    found = discover(records, VOCAB, pos_check=lambda examples: read.extend(examples) or [True] * len(examples))
    assert [c.concept.name for c in found.candidates] == ["causal decision theory"]
    assert read == [[(f"Problems with causal decision theory (CDT) in {d}.", "causal decision theory") for d in "abc"]]


def test_discovered_candidates_become_concepts_when_they_recur():
    records = [
        extraction(d, [mention("~lattice hacking", 0), mention("~lattice hacking", 1), mention("corrigibility", 1)])
        for d in "abc"
    ]
    graph, _ = build_graph(documents("a", "b", "c"), records, VOCAB)
    assert graph.nodes["lattice-hacking"]["source"] == "discovered"
    assert graph.nodes["lattice-hacking"]["count"] == 6
    single = [extraction("a", [mention("~lattice hacking", 0)] * 3)]
    graph, _ = build_graph(documents("a"), single, VOCAB)
    assert "lattice-hacking" not in graph


def test_issue_15_single_words_need_rarity_and_overrepresentation_and_count_outside_longer_terms():
    def spans(doc_id, words):
        found, at = [], 0
        for sentence, text in enumerate(words):
            for key in text.split("|"):
                term = key[1:]
                found.append(Mention(key, doc_id, sentence, 0, sentence, at, at + len(term), term, f"We saw {term}."))
            at += 100
        return Extraction(doc_id, tuple(found), len(words), 1, 300, (), ())

    rows = ["~steganography", "~shard theory|~shard", "~shard", "~shard", "~intuition", "~intuition", "~reward"]
    records = [spans(d, rows) for d in "abc"]
    graph, _ = build_graph(documents("a", "b", "c"), records, VOCAB)
    # "shard" inside "shard theory" counts for the longer term only.
    assert {n: graph.nodes[n]["count"] for n in ("steganography", "shard", "shard-theory")} == {
        "steganography": 3,
        "shard": 6,
        "shard-theory": 3,
    }
    assert "intuition" in graph  # over-represented in this tiny corpus
    assert "reward" not in graph  # too common in general English (Zipf 4.3) to name a concept alone
    diluted = [*records, spans("long", ["~filler"] * 3)]
    diluted[-1] = replace(diluted[-1], n_tokens=1_000_000)
    graph, _ = build_graph(documents("a", "b", "c", "long"), diluted, VOCAB)
    assert "steganography" in graph and "intuition" not in graph  # common words need 100x, rare ones 10x


def test_issue_15_template_sentences_are_boilerplate_and_titles_do_not_vote_on_case():
    from kg.discover import gather

    def said(key, doc_id, sentence, text, surface):
        return Mention(key, doc_id, sentence, 0, sentence * 10, 0, len(surface), surface, text)

    records = [
        Extraction(
            d,
            (
                said("~factored cognition", d, 0, "Factored Cognition", "Factored Cognition"),  # a title
                said("~factored cognition", d, 2, f"We tried factored cognition in {d}.", "factored cognition"),
                said("~audio version", d, 5, "Audio version here (may not be up yet).", "Audio version"),
            ),
            8,
            2,
            80,
            (),
            (),
        )
        for d in "abcdef"
    ]
    stats = gather(records)
    assert stats.surfaces["~factored cognition"] == Counter({"factored cognition": 6})
    assert stats.is_boilerplate("~audio version") and not stats.is_boilerplate("~factored cognition")
    graph, _ = build_graph(documents(*"abcdef"), records, VOCAB)
    assert "factored-cognition" in graph and "audio-version" not in graph


def test_issue_11_a_term_only_ever_in_a_few_retold_sentences_is_boilerplate():
    """Two variants of a series' blurb, each in three documents (too few to be a template word for word), hold every
    use of "invited short articles", and three variants of a podcast notice every use of "podcast app" (half the
    documents); "factored cognition" is written in a sentence of each document's own, and "debate" in four
    sentences across six documents (more than half)."""
    from kg.discover import gather

    blurbs = [
        "Part of the Circuits thread, collecting invited short articles.",
        "A thread collecting invited short articles.",
    ]

    def record(d, i):
        mentions = (
            Mention("~invited short article", d, 5, 0, 50, 0, 5, "invited short articles", blurbs[i % 2]),
            Mention("~factored cognition", d, 6, 0, 60, 0, 5, "factored cognition", f"Factored cognition in {d}."),
            Mention("~debate", d, 7, 0, 70, 0, 5, "debate", f"On debate, take {i % 4}."),
            Mention("~podcast app", d, 8, 0, 80, 0, 5, "podcast app", f"Search on your podcast app ({i % 3})."),
        )
        return Extraction(d, mentions, 9, 2, 90, (), ())

    stats = gather([record(d, i) for i, d in enumerate("abcdef")])
    assert stats.templated == {}  # no sentence is in five documents
    assert stats.is_boilerplate("~invited short article") and stats.is_boilerplate("~podcast app")
    assert not stats.is_boilerplate("~factored cognition") and not stats.is_boilerplate("~debate")


def test_abbreviations_adopted_when_consistent_and_reported_when_conflicting():
    records = [
        extraction("a", [mention("corrigibility", 0)], abbreviations=[("CR", "corrigibility"), ("ZZ", "~zeta zone")]),
        extraction("b", [mention("!CR", 0), mention("!ZZ", 1)], abbreviations=[("ZZ", "~zulu zebra")]),
        extraction("c", [mention("!CR", 0)]),
    ]
    graph, decisions = build_graph(documents("a", "b", "c"), records, VOCAB)
    decided = {d.short: d for d in decisions}
    assert graph.nodes["corrigibility"]["count"] == 3  # CR adopted corpus-wide
    assert (decided["CR"].status, decided["CR"].concept) == (Status.ADOPTED, "corrigibility")
    assert (decided["ZZ"].status, decided["ZZ"].reason) == (
        Status.LOCAL,
        "conflicting long forms, none defined more often",
    )
    assert decided["ZZ"].long_forms == (("~zeta zone", 1), ("~zulu zebra", 1))


def test_communities_and_measures_on_two_cliques():
    graph = nx.MultiDiGraph()
    for node in "abcdefg":
        graph.add_node(node, kind="concept", label=node, count=ord(node))
    for a, b in [("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f"), ("c", "d")]:
        graph.add_edge(a, b, key="co_occurs", relation="co_occurs", weight=1.0)
    analyze(graph, seed=1)
    assert graph.nodes["a"]["community"] == graph.nodes["b"]["community"] != graph.nodes["e"]["community"]
    assert graph.nodes["g"]["community"] == 2 and graph.nodes["g"]["community_label"] == "other"  # issue 11
    assert graph.graph["communities"] == 3
    assert graph.nodes["c"]["betweenness"] > graph.nodes["a"]["betweenness"]
    assert math.isclose(sum(d["pagerank"] for _, d in graph.nodes(data=True)), 1.0, abs_tol=1e-4)
    assert concept_subgraph(graph).number_of_edges() == 7


def test_turntrout_graph(turntrout_build):
    result, _ = turntrout_build
    graph = result.graph
    concepts = [d for _, d in graph.nodes(data=True) if d["kind"] == "concept"]
    assert len(concepts) >= 100
    assert all(isinstance(d["count"], int) and "community" in d for d in concepts)
    assert graph.graph["communities"] >= 3
    cites = [(a, b) for a, b, k in graph.edges(keys=True) if k == "cites"]
    assert len(cites) >= 350
    for _, _, key, data in graph.edges(keys=True, data=True):
        if key == "co_occurs":
            assert data["documents"] >= 1 and -1 <= data["npmi"] <= 1 and 0 < data["weight"] <= 1
            assert data["evidence"], "every edge shows the sentences behind it"
    labels = {d["label"] for d in concepts}
    assert {"shard theory", "corrigibility", "power-seeking", "attainable utility preservation"} <= labels


@pytest.mark.parametrize("window", ["sentence", "paragraph", 7])
def test_evidence_is_whole_sentences_whatever_the_window(window):
    records = [extraction("a", [mention("corrigibility", 0), mention("deception", 0), mention("sycophancy", 1)])]
    graph, _ = build_graph(documents("a"), records, VOCAB, Settings(window=window, min_npmi=-1.0))
    assert graph.nodes["sycophancy"]["evidence"] == [{"doc": "a", "sentence": 1, "text": "Sentence 1 of a."}]
    assert graph.edges["corrigibility", "deception", "co_occurs"]["evidence"][0]["sentence"] == 0


def test_leiden_communities_are_seeded_and_cover_linked_concepts(turntrout_build):
    pytest.importorskip("leidenalg", reason="the leiden extra is not installed")
    graph = turntrout_build[0].graph.copy()
    analyze(graph, seed=3, leiden=True)
    first = {n: d["community"] for n, d in graph.nodes(data=True) if d["kind"] == "concept"}
    analyze(graph, seed=3, leiden=True)
    assert first == {n: d["community"] for n, d in graph.nodes(data=True) if d["kind"] == "concept"}
    assert graph.graph["communities"] >= 3
    linked = {n for n in concept_subgraph(graph) if concept_subgraph(graph).degree(n)}
    assert all(first[n] >= 0 for n in linked)


def test_links_without_a_position_cite_but_carry_no_concepts():
    docs = [Document("a", "A", ""), Document("b", "B", "", url="https://x.org/b")]
    records = [
        extraction("a", [mention("corrigibility", 0)], links=(("https://x.org/b", -1),)),
        extraction("b", [mention("deception", 0)]),
    ]
    graph, _ = build_graph(docs, records, VOCAB)
    assert graph.has_edge("doc:a", "doc:b", "cites")
    assert not any(k == "cites_concept" for _, _, k in graph.edges(keys=True))


def test_issue_15_explain_names_the_step_that_stopped_a_term():
    """Discovery's steps on three documents: a term used once, a term always inside a longer one, and a term the
    tagger refuses, and a variant of a discovered term ("X tests", "X testing"); the longer term is discovered. A
    short form and a blank are said to be so."""
    from kg.discover import explain

    def uses(key, surface, d, times):
        return [
            Mention(key, d, s, 0, s, 0, len(surface), surface, f"We study {surface} {s} in {d}.") for s in range(times)
        ]

    records = [
        Extraction(
            d,
            tuple(
                uses("~lattice hacking", "lattice hacking", d, 3)
                + uses("~lattice", "lattice", d, 3)
                + uses("~mesa drift", "mesa drift", d, 2)
                + uses("~quux drift", "quux drift", d, d == "a")
                + uses("~quux testing", "quux testing", d, 3)
                + uses("~quux test", "quux tests", d, 1)
            ),
            4,
            1,
            40,
            (),
            (),
        )
        for d in "abc"
    ]

    def tagger(examples):
        return [not pairs[0][1].startswith("mesa") for pairs in examples]

    terms = ["lattice", "mesa drift", "lattice hacking", "quux drift", "quux tests", "LHX", " "]
    said = explain(terms, records, Vocabulary([]), pos_check=tagger)
    assert said == {
        "lattice": "9 uses in 3 documents: used inside longer terms nearly every time (lattice hacking)",
        "mesa drift": "6 uses in 3 documents: the tagger does not read it as a noun phrase in its example sentences",
        "lattice hacking": "discovered, 2nd of 2 (9 uses in 3 documents)",
        "quux tests": "counted for the discovered concept quux testing (3 uses in 3 documents)",
        "quux drift": "1 use in 1 document: discovery asks for 3 uses in 2 documents",
        "LHX": "a short form: it counts for what a document defines it as, or for the corpus's usual reading"
        " (abbreviations.csv of a build says which)",
        " ": "no words to look for",
    }
