"""Discovery: corpus-wide statistics of candidate terms, and the terms that become concepts.

Extraction proposes candidates (``~`` keys, see ``kg.keys``) document by document; only here, with the whole
corpus in view, is a candidate scored (C-value × document spread × rarity in general English), filtered and
accepted. The part-of-speech check of the short list is passed in by the caller, so this module never loads a
spaCy model.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .keys import is_concept_key, make_key, slugify, split_key
from .records import Extraction
from .terms import (
    BROAD_TERMS,
    GENERIC_WORDS,
    STOP_WORDS,
    is_single_term_word,
    looks_coined,
    looks_like_short_form,
    not_a_term,
)
from .vocab import Concept, Vocabulary, normalize

if TYPE_CHECKING:
    from .abbreviations import Adoption

__all__ = [
    "CandidateStats",
    "Candidate",
    "Discovery",
    "PosCheck",
    "gather",
    "discover",
    "explain",
    "discovered_concept",
    "head_variant",
    "Resolution",
    "resolve",
]

# For each candidate, its (sentence, surface) examples -> whether it is used as a noun phrase.
PosCheck = Callable[[list[list[tuple[str, str]]]], list[bool]]
EXAMPLES = 5  # example sentences kept per short-listed candidate
CHECKED = 3  # of which the part-of-speech check reads this many


@dataclass(frozen=True)
class CandidateStats:
    """Corpus-wide counts of candidates (``~`` keys) and of short forms used undefined (``!`` keys).

    ``count``: mentions of each candidate; ``docs``: documents using each candidate or short form; ``early``:
    mentions in a document's first sentences; ``templated``: mentions in a sentence that recurs word for word in
    several documents; ``retold``: for candidates in several documents, how few sentences hold all their mentions
    (counted only up to half their documents); ``surfaces``: how each candidate was written in running text
    (in titles, which capitalize every word, only when never in running text); ``words``: the corpus's length in
    words.
    """

    count: Mapping[str, int]
    docs: Mapping[str, int]
    early: Mapping[str, int]
    surfaces: Mapping[str, Counter]
    words: int = 0
    templated: Mapping[str, int] = field(default_factory=dict)
    retold: Mapping[str, int] = field(default_factory=dict)

    def is_boilerplate(self, key: str) -> bool:
        """Template text: once per document at its top ("Epistemic status"), mostly in sentences repeated across
        documents ("Audio version here (may not be up yet)."), or in a few sentences retold across twice as many
        documents (variants of a series' blurb or a podcast notice, a quoted definition): writers put a term of
        the field in sentences of their own."""
        count, docs = self.count.get(key, 0), self.docs.get(key, 0)
        at_top = docs >= 5 and count <= 1.2 * docs and self.early.get(key, 0) >= 0.7 * count
        retold = docs >= TEMPLATE_DOCUMENTS and 2 * self.retold.get(key, docs) <= docs
        return at_top or retold or self.templated.get(key, 0) >= 0.7 * count > 0


TEMPLATE_DOCUMENTS = 5  # a sentence found word for word in this many documents is a template, not writing


def gather(extractions: Sequence[Extraction]) -> CandidateStats:
    """Candidate statistics in two passes over the extractions (the first finds the template sentences)."""
    sentence_docs: Counter = Counter()
    candidate_docs: Counter = Counter()
    for extraction in extractions:
        columns = [
            (key, text)
            for key, text in extraction.mentions.columns("key", "sentence_text")
            if split_key(key)[1] == "candidate"
        ]
        sentence_docs.update({text for _, text in columns})
        candidate_docs.update({key for key, _ in columns})
    templates = {text for text, n in sentence_docs.items() if n >= TEMPLATE_DOCUMENTS and text}
    del sentence_docs
    # The distinct sentences of each candidate in several documents, kept only until there are too many to be retold.
    sentences: dict[str, set[str]] = {key: set() for key, n in candidate_docs.items() if n >= TEMPLATE_DOCUMENTS}
    count: Counter = Counter()
    docs: Counter = Counter()
    early: Counter = Counter()
    templated: Counter = Counter()
    surfaces: dict[str, Counter] = defaultdict(Counter)
    in_titles: dict[str, Counter] = defaultdict(Counter)
    words = 0
    for extraction in extractions:
        words += extraction.n_tokens
        seen: set[str] = set()
        for key, surface, sentence, text in extraction.mentions.columns("key", "surface", "sentence", "sentence_text"):
            kind = split_key(key)[1]
            if kind == "concept":
                continue
            seen.add(key)
            if kind == "candidate":
                count[key] += 1
                (surfaces if sentence else in_titles)[key][surface] += 1
                early[key] += sentence <= 3
                templated[key] += text in templates
                held = sentences.get(key)
                if held is not None and 2 * len(held) <= candidate_docs[key]:
                    held.add(text)
        docs.update(sorted(seen))
    for key, forms in in_titles.items():
        surfaces.setdefault(key, forms)
    return CandidateStats(
        count=count,
        docs=docs,
        early=early,
        surfaces=dict(surfaces),
        words=words,
        templated=+templated,
        retold={key: len(held) for key, held in sentences.items()},
    )


@dataclass(frozen=True)
class Candidate:
    """A candidate discovery kept: its concept, corpus counts, score and up to five example sentences."""

    key: str
    concept: Concept
    count: int
    docs: int
    score: float
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Discovery:
    """What discovery decided: the candidate keys that count for a concept, and the discovered concepts.

    ``resolved`` maps candidate keys to concept slugs (a vocabulary concept's, for a known name, or a discovered
    one's); ``concepts`` maps each accepted candidate key to its new concept; ``candidates`` are the accepted
    ones, best first; ``stats`` are the corpus-wide counts everything was decided from.
    """

    stats: CandidateStats
    resolved: Mapping[str, str] = field(default_factory=dict)
    concepts: Mapping[str, Concept] = field(default_factory=dict)
    candidates: tuple[Candidate, ...] = ()


def discovered_concept(key: str, surface: str) -> Concept:
    """The concept a candidate key (``~normalized term``) becomes, labelled by its usual surface form.

    >>> discovered_concept("~reward hack", "Reward Hacks").name
    'reward hacks'
    """
    term = split_key(key)[0]
    return Concept(slug=slugify(term), name=_display(surface), category="discovered", source="discovered")


def _usual_surface(forms: Counter) -> str:
    """The form a term is most often written in, spelled out: "Markov decision process", however often "MDP".

    >>> _usual_surface(Counter({"MDP": 32, "MDPs": 25, "Markov decision processes": 13}))
    'Markov decision processes'
    """
    spelled = [form for form, _ in forms.most_common() if not looks_like_short_form(form)]
    return spelled[0] if spelled else forms.most_common(1)[0][0]


def _display(surface: str) -> str:
    """A readable label for a discovered term: lowercase but for its abbreviations and coined names (a heading in
    capitals shouts its long words).

    >>> _display("TECHNICAL AI ALIGNMENT"), _display("Constitutional AI"), _display("OpenAI")
    ('technical AI alignment', 'constitutional AI', 'OpenAI')
    """
    return " ".join(w if looks_like_short_form(w) or looks_coined(w) else w.lower() for w in surface.split())


def examples(keys: Iterable[str], extractions: Iterable[Extraction], per_key: int = EXAMPLES) -> dict[str, list]:
    """Up to ``per_key`` (sentence, surface) pairs for each key, from the first documents that use it: distinct
    sentences, each with the term written out (its short form, "CDT" for "causal decision theory", says nothing of
    how the term is used)."""
    found: dict[str, list] = {key: [] for key in keys}
    for extraction in extractions:
        for key, text, surface in extraction.mentions.columns("key", "sentence_text", "surface"):
            bucket = found.get(key)
            if bucket is None or len(bucket) >= per_key or any(text == seen for seen, _ in bucket):
                continue
            if " " not in split_key(key)[0] or not looks_like_short_form(surface):
                bucket.append((text, surface))
    return found


def discover(
    extractions: Sequence[Extraction],
    vocabulary: Vocabulary,
    *,
    stats: CandidateStats | None = None,
    pos_check: PosCheck | None = None,
) -> Discovery:
    """Score candidates by C-value, spread and specificity; keep the best that pass every filter.

    Filters, cheapest first: recurrence (documents and count), the vocabulary (a known name counts for its
    concept), broad terms, shape (``kg.terms.is_term``), for a single word its use far above general English,
    boilerplate (once per document near the top, or in template sentences), C-value, then ``pos_check`` of a few
    example sentences for the short list (none when it is ``None``). The short list is half the documents, 30 to
    1,000 terms.

    >>> from kg.records import Extraction, Mention
    >>> def doc(i):
    ...     m = [Mention("~lattice hacking", i, s, 0, s, 0, 1, "lattice hacking", "") for s in range(2)]
    ...     return Extraction(i, tuple(m), 2, 1, 20, (), ())
    >>> found = discover([doc("a"), doc("b")], Vocabulary([]))
    >>> [(c.concept.slug, c.count, c.docs) for c in found.candidates]
    [('lattice-hacking', 4, 2)]
    """
    from wordfreq import zipf_frequency

    stats = stats if stats is not None else gather(extractions)
    resolved, verdicts = _judged(stats, len(extractions), vocabulary, zipf_frequency)
    scored = [(verdict, key) for key, verdict in verdicts.items() if not isinstance(verdict, str)]
    limit = _kept(len(extractions))
    ranked = sorted(scored, reverse=True)[: limit + limit // 2]
    found = examples([key for _, key in ranked], extractions)
    if pos_check is not None:
        passed = pos_check([found[key][:CHECKED] for _, key in ranked])
        ranked = [item for item, ok in zip(ranked, passed, strict=True) if ok]
    concepts: dict[str, Concept] = {}
    candidates: list[Candidate] = []
    by_variant: dict[str, str] = {}  # "visual regression test" and "... testing" are one concept, the better scored
    for score, key in ranked[:limit]:
        variant = head_variant(split_key(key)[0])
        if variant in by_variant:
            resolved[key] = by_variant[variant]
            continue
        concept = discovered_concept(key, _usual_surface(stats.surfaces[key]))
        if concept.slug in vocabulary.concepts:
            continue
        concepts[key] = concept
        resolved[key] = by_variant[variant] = concept.slug
        candidates.append(
            Candidate(key, concept, stats.count[key], stats.docs[key], score, tuple(s for s, _ in found[key]))
        )
    for key in verdicts:
        if key not in resolved and (slug := by_variant.get(head_variant(split_key(key)[0]))):
            resolved[key] = slug
    return Discovery(stats=stats, resolved=resolved, concepts=concepts, candidates=tuple(candidates))


def explain(
    terms: Sequence[str],
    extractions: Sequence[Extraction],
    vocabulary: Vocabulary,
    *,
    stats: CandidateStats | None = None,
    pos_check: PosCheck | None = None,
) -> dict[str, str]:
    """Why each of ``terms`` is or is not a concept of the corpus, in words: a vocabulary concept, discovered (with
    its rank), or the first of discovery's steps that stopped it (never a candidate, too few uses or documents, a
    filter, its score's rank, the part-of-speech check, or terms ranked above it filling the list).

    >>> from kg.records import Extraction, Mention
    >>> def doc(i):
    ...     m = [Mention("~lattice hacking", i, s, 0, s, 0, 1, "lattice hacking", "") for s in range(2)]
    ...     return Extraction(i, tuple(m), 2, 1, 20, (), ())
    >>> explain(["lattice hacking", "lattice"], [doc("a"), doc("b")], Vocabulary([]))["lattice hacking"]
    'discovered, 1st of 1 (4 uses in 2 documents)'
    """
    from wordfreq import zipf_frequency

    stats = stats if stats is not None else gather(extractions)
    found = discover(extractions, vocabulary, stats=stats, pos_check=pos_check)
    rank = {candidate.key: i for i, candidate in enumerate(found.candidates, 1)}
    names = {candidate.concept.slug: candidate.concept.name for candidate in found.candidates}
    _, verdicts = _judged(stats, len(extractions), vocabulary, zipf_frequency)
    ranked = sorted(((v, k) for k, v in verdicts.items() if not isinstance(v, str)), reverse=True)
    place = {key: i for i, (_, key) in enumerate(ranked, 1)}
    kept = _kept(len(extractions))
    reasons: dict[str, str] = {}
    for term in terms:
        written, normalized = term.strip(), normalize(term)
        key = make_key(normalized, "candidate")
        known = vocabulary.lookup(written)
        count, docs = stats.count.get(key, 0), stats.docs.get(key, 0)
        uses = f"{count:,} use{'s' * (count != 1)} in {docs:,} document{'s' * (docs != 1)}"
        if not normalized:
            reasons[term] = "no words to look for"
        elif known is not None:
            named = _concept_uses(known.slug, extractions)
            reasons[term] = f"a vocabulary concept: {known.name} ({named or 'not mentioned in this corpus'})"
        elif looks_like_short_form(written):
            reasons[term] = (
                "a short form: it counts for what a document defines it as, or for the corpus's usual reading"
                " (abbreviations.csv of a build says which)"
            )
        elif key in rank:
            reasons[term] = f"discovered, {_ordinal(rank[key])} of {len(rank)} ({uses})"
        elif key in found.resolved:
            merged = names.get(found.resolved[key], found.resolved[key])
            reasons[term] = f"counted for the discovered concept {merged} ({uses})"
        elif key not in stats.count:
            reasons[term] = "never a candidate: " + _never_proposed(normalized.split(), vocabulary, zipf_frequency)
        elif key not in verdicts:
            reasons[term] = f"{uses}: discovery asks for 3 uses in {_min_docs(len(extractions))} documents"
        elif isinstance(verdicts[key], str):
            reasons[term] = f"{uses}: {verdicts[key]}"
        elif place[key] > kept + kept // 2:
            reasons[term] = (
                f"{uses}: its score ranks {_ordinal(place[key])}; the {kept + kept // 2:,} best are checked and"
                f" {kept:,} kept"
            )
        elif pos_check is not None and not pos_check([examples([key], extractions)[key][:CHECKED]])[0]:
            reasons[term] = f"{uses}: the tagger does not read it as a noun phrase in its example sentences"
        else:
            reasons[term] = f"{uses}: its score ranks {_ordinal(place[key])}; {kept:,} terms ranked above it were kept"
    return reasons


def _concept_uses(slug: str, extractions: Iterable[Extraction]) -> str:
    """How often the corpus names a vocabulary concept (by its names, and short forms its documents define), in
    words; "" when never. A build also counts the short forms it adopts across the corpus."""
    count, docs = 0, 0
    for extraction in extractions:
        here = extraction.mentions.keys.count(slug)
        count, docs = count + here, docs + (here > 0)
    return f"{count:,} mention{'s' * (count != 1)} in {docs:,} document{'s' * (docs != 1)}" if count else ""


def _never_proposed(words: list[str], vocabulary: Vocabulary, zipf_frequency: Callable[..., float]) -> str:
    """Why extraction would not propose a term (or, failing any reason, that the corpus does not hold it)."""
    if len(words) == 1 and not is_single_term_word(words[0], zipf_frequency):
        return f"a single word this common in general English (Zipf {zipf_frequency(words[0], 'en'):.1f})"
    for size in range(len(words) - 1, 0, -1):  # a vocabulary name inside it takes its words first
        for start in range(len(words) - size + 1):
            inner = " ".join(words[start : start + size])
            if (concept := vocabulary.lookup(inner)) is not None:
                return f"{inner!r} in it is a name of the vocabulary concept {concept.name}, which takes its words"
    if words and words[0] in GENERIC_WORDS:
        return f"it starts with a word of everyday prose ({words[0]!r})"
    if any(w in STOP_WORDS for w in words[1:-1]):
        return "it holds a stop word"
    if len(words) > 4:
        return "longer than four words"
    return "its words never stand together in the corpus outside vocabulary names and acknowledgement lines"


def _ordinal(n: int) -> str:
    """An ordinal number, written out: 1st, 2nd, 12th, 1,297th.

    >>> _ordinal(1), _ordinal(12), _ordinal(1297)
    ('1st', '12th', '1,297th')
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def _judged(
    stats: CandidateStats, n_documents: int, vocabulary: Vocabulary, zipf_frequency: Callable[..., float]
) -> tuple[dict[str, str], dict[str, float | str]]:
    """The recurring candidates judged: those the vocabulary names, with their concept's slug, and every other one
    with its score or why it is refused (``_verdict``)."""
    pool = _pool(stats, n_documents)
    longer = _longer(pool)
    known: dict[str, str] = {}
    verdicts: dict[str, float | str] = {}
    for key in pool:
        concept = vocabulary.lookup(split_key(key)[0])
        if concept is not None:
            known[key] = concept.slug
        else:
            verdicts[key] = _verdict(key, pool, longer, stats, zipf_frequency)
    return known, verdicts


def _kept(n_documents: int) -> int:
    """How many discovered terms a corpus keeps: half its documents, 30 to 1,000 (half as many again are
    short-listed for the part-of-speech check)."""
    return max(30, min(1000, n_documents // 2))


def _pool(stats: CandidateStats, n_documents: int) -> dict[str, int]:
    """The candidates that recur enough to be judged: 3 uses, in 3 documents (2 in a corpus under 50)."""
    min_docs = _min_docs(n_documents)
    return {k: c for k, c in stats.count.items() if stats.docs[k] >= min_docs and c >= 3}


def _min_docs(n_documents: int) -> int:
    return 2 if n_documents < 50 else 3


def _longer(pool: Mapping[str, int]) -> dict[str, list[str]]:
    """For each pooled candidate, the longer pooled candidates it sits in ("reward" in "reward hacking")."""
    longer: dict[str, list[str]] = defaultdict(list)
    for key in pool:
        words = split_key(key)[0].split()
        for size in range(1, len(words)):
            for start in range(len(words) - size + 1):
                inner = make_key(" ".join(words[start : start + size]), "candidate")
                if inner in pool:
                    longer[inner].append(key)
    return longer


def _verdict(
    key: str,
    pool: Mapping[str, int],
    longer: Mapping[str, list[str]],
    stats: CandidateStats,
    zipf_frequency: Callable[..., float],
) -> float | str:
    """A pooled candidate's score (C-value x document spread x rarity in general English), or why it is refused,
    in words. The filters run cheapest first: broad terms, shape, a single word's use above general English,
    boilerplate, C-value."""
    frequency = pool[key]
    term = split_key(key)[0]
    words = term.split()
    if term in BROAD_TERMS:
        return "too broad for a map of the field: every document is about it"
    problem = not_a_term(words, stats.surfaces[key], zipf_frequency)
    if problem is not None:
        return problem
    if len(words) == 1:
        times, needed = _use_over_general(term, frequency, stats.words, zipf_frequency)
        if times < needed:
            return (
                f"a single word used {10**times:.0f}x as often here as in general English, where a word this common"
                f" needs {10**needed:.0f}x"
            )
    if stats.is_boilerplate(key):
        return "used as template text: once a document near its top, or in sentences repeated across documents"
    nested = longer.get(key, [])
    # C-value: frequency, less the average frequency of the longer terms this one sits in; a single word weighs as
    # a pair.
    c_value = max(1.0, math.log2(len(words))) * (
        frequency - (sum(pool[k] for k in nested) / len(nested) if nested else 0)
    )
    if c_value <= 0:
        inside = sorted(nested, key=lambda k: (-pool[k], k))[:3]
        return "used inside longer terms nearly every time (" + ", ".join(split_key(k)[0] for k in inside) + ")"
    rarest = min(zipf_frequency(w, "en") for w in words)
    return c_value * math.log1p(stats.docs[key]) * (1 + (7 - rarest) / 7)


def _overrepresented(word: str, frequency: int, corpus_words: int, zipf_frequency: Callable[..., float]) -> bool:
    """Whether a single word is used far more in the corpus than in general English: 100 times for a word as
    common as "intuition" or "appendix" (Zipf 3.5 and up), down to 10 times for a rare one ("steganography").

    >>> from wordfreq import zipf_frequency
    >>> _overrepresented("corrigibility", 5, 10**6, zipf_frequency), _overrepresented("appendix", 50, 10**6, zipf_frequency)
    (True, False)
    """
    times, needed = _use_over_general(word, frequency, corpus_words, zipf_frequency)
    return times >= needed


def _use_over_general(
    word: str, frequency: int, corpus_words: int, zipf_frequency: Callable[..., float]
) -> tuple[float, float]:
    """How many orders of magnitude more often a word is used in the corpus than in general English, and how
    many ``_overrepresented`` asks of a word this common."""
    corpus_zipf = math.log10(frequency / max(corpus_words, 1) * 1e9)
    general = zipf_frequency(word, "en")
    return corpus_zipf - general, min(2.0, max(1.0, general - 1.5))


def head_variant(term: str) -> str:
    """A normalized term with its head noun's gerund reduced, so that variants of one term meet.

    >>> head_variant("visual regression testing"), head_variant("visual regression test"), head_variant("string")
    ('visual regression test', 'visual regression test', 'string')
    """
    *words, head = term.split()
    if words and head.endswith("ing") and len(head) > 6:  # a single word's gerund is another word ("biasing")
        head = head[:-3]
    return " ".join([*words, head])


@dataclass(frozen=True)
class Resolution:
    """The concept every mention key counts for, and the concepts of the corpus (vocabulary and discovered).

    Made once from discovery and abbreviation adoption; counting and citations only read it.
    """

    resolved: Mapping[str, str]
    concepts: Mapping[str, Concept]

    def slug_of(self, key: str) -> str | None:
        """The concept slug a mention key counts for, or ``None`` when it counts for nothing."""
        return key if is_concept_key(key) else self.resolved.get(key)


def resolve(vocabulary: Vocabulary, *parts: Discovery | Adoption) -> Resolution:
    """Merge the keys resolved and the concepts made by discovery and adoption (later parts win)."""
    resolved: dict[str, str] = {}
    discovered: dict[str, Concept] = {}
    for part in parts:
        resolved.update(part.resolved)
        discovered.update(part.concepts)
    return Resolution(resolved, {c.slug: c for c in discovered.values()} | vocabulary.concepts)
