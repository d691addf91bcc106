"""From extraction records to one networkx graph: counts, discovery, abbreviations, citations, measures.

Nodes are keyed by stable slugs: concepts by their slug, documents ``doc:<id>``, authors ``author:<slug>``.
Edges carry a ``relation``: ``co_occurs`` (concept–concept, stored once with the smaller key first),
``mentions`` (document→concept), ``cites`` (document→document), ``cites_concept`` (concept→concept, through a
citation), ``wrote`` (author→document). The graph is a ``MultiDiGraph`` whose edge key is the relation.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

import networkx as nx

from .citations import CitationIndex, outside_key
from .config import Settings
from .corpus import Document, slugify
from .extract import BROAD_TERMS, GENERIC_WORDS, Extraction, Mention, noun_phrase_check
from .vocab import Concept, Vocabulary

__all__ = ["GraphBuilder", "build_graph", "analyze", "add_layout", "concept_subgraph", "Abbreviation", "thresholds"]


@dataclass
class Abbreviation:
    """A short form seen defined in the corpus: its long forms with document counts, and what kg did with it."""

    short: str
    long_forms: Counter = field(default_factory=Counter)
    concept: str | None = None
    status: str = "local"


def thresholds(n_documents: int, settings: Settings) -> tuple[int, int]:
    """Minimum unit count and document count for a ``co_occurs`` edge, adapted to corpus size unless set.

    Small corpora keep every pair; from 50 documents a pair must recur, from 1,000 it must recur more.

    >>> thresholds(2, Settings()), thresholds(177, Settings()), thresholds(4000, Settings(min_docs=1))
    ((1, 1), (2, 2), (3, 1))
    """
    min_count = settings.min_count or (1 if n_documents < 50 else 2 if n_documents < 1000 else 3)
    min_docs = settings.min_docs or (1 if n_documents < 50 else 2)
    return min_count, min_docs


def evidence_score(text: str, n_concepts: int) -> tuple[float, ...]:
    """Higher is better: sentences of readable length that name several concepts."""
    length = len(text)
    readable = -abs(min(length, 400) - 160) / 40
    return (readable + min(n_concepts, 4), -length)


def _offer_evidence(mention: Mention, members: set[str], concepts: _Best, pairs: _Best) -> None:
    """Offer the sentence of ``mention`` as evidence for each concept in it and each pair of them."""
    if not mention.sentence_text:
        return
    score = evidence_score(mention.sentence_text, len(members))
    item = (mention.doc_id, mention.sentence, mention.sentence_text)
    for key in members:
        concepts.offer(key, score, item)
    for pair in combinations(sorted(members), 2):
        pairs.offer(pair, score, item)


class _Best:
    """Keeps the best ``size`` items per key, deterministic under ties."""

    def __init__(self, size: int):
        self.size = size
        self.items: dict[object, list] = defaultdict(list)

    def offer(self, key: object, score: tuple, item: tuple) -> None:
        heap = self.items[key]
        entry = (score, item)
        if any(existing[1][:2] == item[:2] for existing in heap):
            return
        if len(heap) < self.size:
            heapq.heappush(heap, entry)
        elif entry > heap[0]:
            heapq.heapreplace(heap, entry)

    def best(self, key: object) -> list[dict]:
        """The kept evidence of ``key``, best first, as ``{"doc", "sentence", "text"}`` records."""
        ranked = sorted(self.items.get(key, []), reverse=True)
        return [{"doc": doc, "sentence": sentence, "text": text} for _, (doc, sentence, text) in ranked]


class _CandidateStats:
    """Corpus-wide counts of discovery candidates and short forms, gathered in one pass over extractions."""

    def __init__(self) -> None:
        self.count: Counter = Counter()
        self.docs: Counter = Counter()
        self.early: Counter = Counter()
        self.surfaces: dict[str, Counter] = defaultdict(Counter)

    def add(self, extraction: Extraction) -> None:
        seen: set[str] = set()
        for mention in extraction.mentions:
            if mention.key[0] in "~!":
                seen.add(mention.key)
            if mention.key[0] == "~":
                self.count[mention.key] += 1
                self.surfaces[mention.key][mention.surface] += 1
                self.early[mention.key] += mention.sentence <= 3
        self.docs.update(seen)

    def is_boilerplate(self, key: str) -> bool:
        """Template text ("Epistemic status", "This is a newsletter ..."): once per document, at its top."""
        return (
            self.docs[key] >= 5 and self.count[key] <= 1.2 * self.docs[key] and self.early[key] >= 0.7 * self.count[key]
        )

    def examples(self, keys: list[str], extractions: Sequence[Extraction], per_key: int = 3) -> dict[str, list]:
        """Up to ``per_key`` (sentence, surface) pairs for each key, from the first documents that use it."""
        found: dict[str, list] = {key: [] for key in keys}
        for extraction in extractions:
            for mention in extraction.mentions:
                bucket = found.get(mention.key)
                if bucket is not None and len(bucket) < per_key:
                    bucket.append((mention.sentence_text, mention.surface))
        return found


class GraphBuilder:
    """Turns extractions into a graph in two passes over the records (never over texts).

    Pass one gathers corpus-wide facts: candidate terms, abbreviation definitions. ``resolve`` then decides
    which candidates become concepts and which short forms are adopted; pass two counts everything.
    """

    def __init__(self, vocabulary: Vocabulary, settings: Settings = Settings()):
        self.vocabulary = vocabulary
        self.settings = settings
        self.abbreviations: dict[str, Abbreviation] = {}
        self.discovered: dict[str, Concept] = {}
        self.scores: dict[str, float] = {}  # discovery score of each discovered key
        self.stats = _CandidateStats()
        self.mapping: dict[str, str] = {}

    # --- pass one -------------------------------------------------------------------------------------------

    def resolve(self, extractions: Sequence[Extraction]) -> None:
        """Choose discovered concepts and corpus-wide abbreviations from all extractions."""
        stats = self.stats
        for extraction in extractions:
            stats.add(extraction)
            for short, long_key in extraction.abbreviations:
                self.abbreviations.setdefault(short, Abbreviation(short)).long_forms[long_key] += 1
        if self.settings.discover:
            self._discover(stats, extractions)
        self._adopt_abbreviations()

    def _discover(self, stats: _CandidateStats, extractions: Sequence[Extraction]) -> None:
        """Score candidates by C-value, spread and specificity; keep the best that pass every filter.

        Filters, cheapest first: recurrence (documents and count), the vocabulary (a known name counts for its
        concept), broad terms, shape (``_is_term``), boilerplate (once per document, near the top), C-value,
        then a part-of-speech check of a few example sentences for the short list.
        """
        from wordfreq import zipf_frequency

        n_documents = len(extractions)
        min_docs = 2 if n_documents < 50 else 3
        pool = {k: c for k, c in stats.count.items() if stats.docs[k] >= min_docs and c >= 3}
        longer: dict[str, list[str]] = defaultdict(list)
        for key in pool:
            words = key[1:].split()
            for size in range(2, len(words)):
                for start in range(len(words) - size + 1):
                    inner = "~" + " ".join(words[start : start + size])
                    if inner in pool:
                        longer[inner].append(key)
        scored: list[tuple[float, str]] = []
        for key, frequency in pool.items():
            known = self.vocabulary.lookup(key[1:])
            if known is not None:
                self.mapping[key] = known.slug
                continue
            words = key[1:].split()
            if key[1:] in BROAD_TERMS or not _is_term(words, stats.surfaces[key], zipf_frequency):
                continue
            if stats.is_boilerplate(key):
                continue
            nested = longer.get(key, [])
            # C-value: frequency, less the average frequency of the longer terms this one sits in.
            c_value = math.log2(len(words)) * (
                frequency - (sum(pool[k] for k in nested) / len(nested) if nested else 0)
            )
            if c_value <= 0:
                continue
            rarest = min(zipf_frequency(w, "en") for w in words)
            scored.append((c_value * math.log1p(stats.docs[key]) * (1 + (7 - rarest) / 7), key))
        limit = max(30, min(400, n_documents // 2))
        short_list = [key for _, key in sorted(scored, reverse=True)[: limit + limit // 2]]
        examples = stats.examples(short_list, extractions)
        verdicts = noun_phrase_check([examples[key] for key in short_list], model=self.settings.parser)
        kept = [key for key, ok in zip(short_list, verdicts, strict=True) if ok][:limit]
        self.scores = {key: score for score, key in scored if key in kept}
        for key in kept:
            concept = _discovered(key, stats.surfaces[key].most_common(1)[0][0])
            if concept.slug not in self.vocabulary.concepts:
                self.discovered[key] = concept

    def _adopt_abbreviations(self) -> None:
        from wordfreq import zipf_frequency

        key_docs = self.stats.docs
        for short, record in sorted(self.abbreviations.items()):
            known = [k for k in record.long_forms if k in self.vocabulary.concepts]
            if short.lower() in GENERIC_WORDS:
                record.status = "ignored: too general"
                continue
            if len(record.long_forms) == 1:
                target = next(iter(record.long_forms))
                record.status = "adopted"
            elif known:
                target = max(known, key=lambda k: (record.long_forms[k], k))
                record.status = "conflict: adopted the known concept"
            else:
                record.status = "conflict: kept per document"
                continue
            if target.startswith("~") and target[1:] in BROAD_TERMS:
                record.status = "ignored: too broad"
                continue
            if target.startswith("~") and target not in self.discovered:
                # A consistently defined long form is a concept even when too rare to be discovered, if it is
                # a term and it (or its short form) reaches a second document.
                spread = max(key_docs[target], key_docs["!" + short], sum(record.long_forms.values()))
                if spread < 2 or not _is_term(
                    target[1:].split(), Counter({target[1:]: 1}), zipf_frequency, need_rare=False
                ):
                    record.status = "kept per document: " + ("one document" if spread < 2 else "not a term")
                    continue
            if target.startswith("~"):
                concept = self.discovered.get(target) or _discovered(target, target[1:])
                self.discovered[target] = replace(concept, abbreviations=(short,))
                target = concept.slug
            record.concept = target
            self.mapping["!" + short] = target
        for key, concept in self.discovered.items():
            self.mapping[key] = concept.slug

    def key_of(self, mention: Mention) -> str | None:
        """The concept slug a mention counts for, or ``None`` when it counts for nothing."""
        key = mention.key
        if key[0] in "~!":
            return self.mapping.get(key)
        return key

    # --- pass two -------------------------------------------------------------------------------------------

    def build(self, documents: Sequence[Document], extractions: Sequence[Extraction]) -> nx.MultiDiGraph:
        """The graph, with counts, evidence and citations (measures come from ``analyze``)."""
        settings = self.settings
        by_id = {d.id: d for d in documents}
        concept_count: Counter = Counter()
        concept_docs: Counter = Counter()
        concept_units: Counter = Counter()
        concept_years: dict[str, Counter] = defaultdict(Counter)
        pair_units: Counter = Counter()
        pair_docs: Counter = Counter()
        mentions_edges: Counter = Counter()
        concept_evidence = _Best(settings.evidence)
        pair_evidence = _Best(settings.evidence)
        total_units = 0
        citing: list[tuple[str, str, tuple[str, ...]]] = []
        outside: dict[str, Counter] = defaultdict(Counter)
        index = CitationIndex(documents)
        main_concepts: dict[str, list[str]] = {}
        for extraction in extractions:
            document = by_id[extraction.doc_id]
            keyed = [(k, m) for m in extraction.mentions if (k := self.key_of(m))]
            counts = Counter(k for k, _ in keyed)
            main_concepts[document.id] = [k for k, _ in counts.most_common(5)]
            concept_count.update(counts)
            concept_docs.update(counts.keys())
            for key, n in counts.items():
                mentions_edges[(document.id, key)] = n
                if document.year:
                    concept_years[key][document.year] += n
            units = self._units(keyed)
            total_units += self._unit_total(extraction)
            doc_pairs: set[tuple[str, str]] = set()
            for members in units.values():
                concept_units.update(members)
                pairs = list(combinations(sorted(members), 2))
                pair_units.update(pairs)
                doc_pairs.update(pairs)
            pair_docs.update(doc_pairs)
            # Evidence is always whole sentences, whatever the co-occurrence window.
            sentences: dict[int, tuple[Mention, set[str]]] = {}
            for key, mention in keyed:
                sentences.setdefault(mention.sentence, (mention, set()))[1].add(key)
            for mention, members in sentences.values():
                _offer_evidence(mention, members, concept_evidence, pair_evidence)
            sentence_concepts = {number: members for number, (_, members) in sentences.items()}
            for url, sentence in extraction.links:
                target = index.resolve(url)
                if target and target != document.id:
                    nearby = (sentence - 1, sentence, sentence + 1) if sentence >= 0 else ()  # -1: no position
                    around = set().union(*(sentence_concepts.get(s, set()) for s in nearby))
                    citing.append((document.id, target, tuple(sorted(around))))
                elif target is None and (where := outside_key(url)):
                    outside[document.id][where] += 1
        graph = nx.MultiDiGraph()
        graph.graph.update(units=total_units, window=str(settings.window), documents=len(documents))
        self._add_concepts(graph, concept_count, concept_docs, concept_years, concept_evidence)
        self._add_cooccurrence(graph, pair_units, pair_docs, concept_units, total_units, len(documents), pair_evidence)
        self._add_documents(graph, documents, mentions_edges, outside)
        self._add_citations(graph, citing, main_concepts)
        return graph

    def _units(self, keyed: list[tuple[str, Mention]]) -> dict[object, set[str]]:
        window = self.settings.window
        units: dict[object, set[str]] = defaultdict(set)
        for key, mention in keyed:
            if window == "sentence":
                unit: object = mention.sentence
            elif window == "paragraph":
                unit = ("p", mention.paragraph)
            else:
                unit = ("t", mention.token // int(window))
            units[unit].add(key)
        return units

    def _unit_total(self, extraction: Extraction) -> int:
        window = self.settings.window
        if window == "sentence":
            return extraction.n_sentences
        if window == "paragraph":
            return extraction.n_paragraphs
        return extraction.n_tokens // int(window) + 1

    def _add_concepts(
        self, graph: nx.MultiDiGraph, count: Counter, docs: Counter, years: dict[str, Counter], evidence: _Best
    ) -> None:
        by_slug = {c.slug: c for c in self.discovered.values()} | self.vocabulary.concepts
        for slug in sorted(count):
            concept = by_slug[slug]
            per_year = years.get(slug, Counter())
            attributes = dict(
                kind="concept",
                label=concept.name,
                aliases="|".join(concept.aliases),
                abbreviations="|".join(concept.abbreviations),
                definition=concept.definition,
                category=concept.category,
                source=concept.source,
                count=count[slug],
                doc_count=docs[slug],
                evidence=evidence.best(slug),
            )
            if per_year:
                attributes["first_seen"] = min(per_year)
                attributes["years"] = "|".join(f"{year}:{per_year[year]}" for year in sorted(per_year))
            graph.add_node(slug, **attributes)

    def _add_cooccurrence(
        self,
        graph: nx.MultiDiGraph,
        pair_units: Counter,
        pair_docs: Counter,
        concept_units: Counter,
        total_units: int,
        n_documents: int,
        evidence: _Best,
    ) -> None:
        min_count, min_docs = thresholds(n_documents, self.settings)
        total = max(total_units, 1)
        for a, b in sorted(pair_units):
            count = pair_units[(a, b)]
            if count < min_count or pair_docs[(a, b)] < min_docs:
                continue
            p_ab = count / total
            p_a, p_b = concept_units[a] / total, concept_units[b] / total
            npmi = 1.0 if p_ab >= 1 else math.log(p_ab / (p_a * p_b)) / -math.log(p_ab)
            npmi = max(-1.0, min(1.0, npmi))
            if npmi <= self.settings.min_npmi:
                continue
            graph.add_edge(
                a,
                b,
                key="co_occurs",
                relation="co_occurs",
                count=count,
                doc_count=pair_docs[(a, b)],
                npmi=round(npmi, 4),
                association=round(count * total / (concept_units[a] * concept_units[b]), 4),
                weight=round(count * npmi, 4),
                evidence=evidence.best((a, b)),
            )

    @staticmethod
    def _add_documents(
        graph: nx.MultiDiGraph, documents: Iterable[Document], mentions: Counter, outside: dict[str, Counter]
    ) -> None:
        for document in sorted(documents, key=lambda d: d.id):
            node = f"doc:{document.id}"
            attributes = dict(
                kind="document",
                label=document.title or document.id,
                url=document.url or "",
                authors="|".join(document.authors),
                tags="|".join(document.tags),
                path=document.path or "",
                outside_links=sum(outside[document.id].values()),
                top_outside="|".join(f"{k}:{n}" for k, n in outside[document.id].most_common(5)),
            )
            if document.date:
                attributes.update(date=document.date, first_seen=document.year)
            graph.add_node(node, **attributes)
            for author in document.authors:
                author_node = f"author:{slugify(author)}"
                if author_node not in graph:
                    graph.add_node(author_node, kind="author", label=author)
                graph.add_edge(author_node, node, key="wrote", relation="wrote", weight=1.0)
        for doc_id, slug in sorted(mentions):
            graph.add_edge(
                f"doc:{doc_id}",
                slug,
                key="mentions",
                relation="mentions",
                count=mentions[(doc_id, slug)],
                weight=float(mentions[(doc_id, slug)]),
            )
        graph.graph["outside_links"] = {doc: dict(c) for doc, c in outside.items()}

    @staticmethod
    def _add_citations(
        graph: nx.MultiDiGraph, citing: list[tuple[str, str, tuple[str, ...]]], main_concepts: dict[str, list[str]]
    ) -> None:
        cites: Counter = Counter()
        through: Counter = Counter()
        for source, target, around in citing:
            cites[(source, target)] += 1
            for a in around:
                for b in main_concepts.get(target, [])[:3]:
                    if a != b:
                        through[(a, b)] += 1
        for source, target in sorted(cites):
            graph.add_edge(
                f"doc:{source}",
                f"doc:{target}",
                key="cites",
                relation="cites",
                count=cites[(source, target)],
                weight=float(cites[(source, target)]),
            )
        for a, b in sorted(through):
            graph.add_edge(
                a,
                b,
                key="cites_concept",
                relation="cites_concept",
                count=through[(a, b)],
                weight=float(through[(a, b)]),
            )


def _is_term(words: list[str], forms: Counter, zipf_frequency, *, need_rare: bool = True) -> bool:
    """Whether a candidate looks like a concept rather than a name, a fragment of prose or debris."""
    if any(len(w) < 2 or not re.fullmatch(r"[a-z][a-z\-]*", w) for w in words):
        return False
    if words[0] in GENERIC_WORDS or words[-1] in GENERIC_WORDS:
        return False
    if words[-1].endswith(("ly", "ed")) or words[0].endswith(("ly", "ize", "ise")):  # adverbs, verbs
        return False
    total = sum(forms.values())
    titled = sum(n for form, n in forms.items() if all(w[:1].isupper() for w in form.replace("-", " ").split()))
    if titled > total / 2:  # mostly Title Case: names of people, posts and products
        return False
    return not need_rare or min(zipf_frequency(w, "en") for w in words) < 4.0


def _discovered(key: str, surface: str) -> Concept:
    """The concept a discovery key (``~normalized term``) becomes, labelled by its usual surface form."""
    return Concept(slug=slugify(key[1:]), name=_display(surface), category="discovered", source="discovered")


def _display(surface: str) -> str:
    """A readable label for a discovered term: lowercase unless it is an abbreviation-like word."""
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in surface.split())


def build_graph(
    documents: Sequence[Document],
    extractions: Sequence[Extraction],
    vocabulary: Vocabulary,
    settings: Settings = Settings(),
) -> tuple[nx.MultiDiGraph, GraphBuilder]:
    """Resolve discoveries and abbreviations, count, and return the graph with the builder that made it."""
    builder = GraphBuilder(vocabulary, settings)
    builder.resolve(extractions)
    return builder.build(documents, extractions), builder


def concept_subgraph(graph: nx.MultiDiGraph) -> nx.Graph:
    """The undirected, weighted graph of concepts joined by ``co_occurs`` edges."""
    simple = nx.Graph()
    simple.add_nodes_from(n for n, kind in graph.nodes(data="kind") if kind == "concept")
    for a, b, key, weight in graph.edges(keys=True, data="weight"):
        if key == "co_occurs":
            simple.add_edge(a, b, weight=weight)
    return simple


def analyze(graph: nx.MultiDiGraph, *, seed: int = 42, leiden: bool = False) -> None:
    """Add ``community``, ``community_label``, ``pagerank``, ``degree`` and ``betweenness`` to concept nodes.

    Communities are seeded Louvain (or Leiden with ``leiden=True`` and the ``leiden`` extra installed) on the
    co-occurrence graph, numbered by size from 0; concepts with no co-occurrence edge get community -1.
    Betweenness is sampled (k = 500) above 1,000 concepts.
    """
    simple = concept_subgraph(graph)
    if simple.number_of_nodes() == 0:
        return
    isolated = [n for n in simple if simple.degree(n) == 0]
    linked = _induced(simple, [n for n in simple if simple.degree(n) > 0])
    communities = _communities(linked, seed=seed, leiden=leiden) if linked.number_of_nodes() else []
    pagerank = (
        nx.pagerank(simple, weight="weight") if simple.number_of_edges() else {n: 1 / len(simple) for n in simple}
    )
    k = 500 if simple.number_of_nodes() > 1000 else None
    betweenness = nx.betweenness_centrality(simple, k=k, seed=seed, weight=None)
    labels: dict[int, str] = {}
    for number, members in enumerate(communities):
        top = sorted(members, key=lambda n: (-graph.nodes[n]["count"], n))[:3]
        labels[number] = " / ".join(graph.nodes[n]["label"] for n in top)
        for node in members:
            graph.nodes[node]["community"] = number
    labels[-1] = "no co-occurrence"
    for node in isolated:
        graph.nodes[node]["community"] = -1
    for node in simple:
        data = graph.nodes[node]
        data["community_label"] = labels[data["community"]]
        data["pagerank"] = round(pagerank[node], 6)
        data["degree"] = simple.degree(node)
        data["betweenness"] = round(betweenness[node], 6)
    graph.graph["communities"] = len(communities)


def _induced(simple: nx.Graph, nodes: Iterable[str]) -> nx.Graph:
    """The subgraph on ``nodes`` as a new graph, nodes and edges in ``simple``'s own order.

    networkx's ``subgraph`` view iterates its node *set* when the subset is small, which would make Louvain and
    the layout depend on ``PYTHONHASHSEED``.
    """
    keep = set(nodes)
    sub = nx.Graph()
    sub.add_nodes_from(n for n in simple if n in keep)
    sub.add_edges_from((a, b, d) for a, b, d in simple.edges(data=True) if a in keep and b in keep)
    return sub


def _communities(simple: nx.Graph, *, seed: int, leiden: bool) -> list[set[str]]:
    if leiden:
        try:
            import igraph
            import leidenalg
        except ImportError:
            from .errors import KgError

            raise KgError("Leiden communities need igraph and leidenalg: pip install 'kg[leiden]'") from None
        nodes = sorted(simple)
        position = {n: i for i, n in enumerate(nodes)}
        g = igraph.Graph(n=len(nodes), edges=[(position[a], position[b]) for a, b in simple.edges()])
        g.es["weight"] = [w for _, _, w in simple.edges(data="weight")]
        partition = leidenalg.find_partition(g, leidenalg.ModularityVertexPartition, weights="weight", seed=seed)
        found = [{nodes[i] for i in part} for part in partition]
    else:
        found = nx.community.louvain_communities(simple, weight="weight", seed=seed)
    return sorted(found, key=lambda c: (-len(c), min(c)))


def add_layout(graph: nx.MultiDiGraph, *, seed: int = 42) -> None:
    """Seeded positions (``x``, ``y`` in [-1, 1]) and a ``size`` for every node, computed once in Python.

    Concepts get a force-directed layout of the co-occurrence graph; each document sits near the concepts it
    mentions and each author near their documents, nudged apart deterministically.
    """
    import random

    simple = concept_subgraph(graph)
    if simple.number_of_nodes() == 0:
        return
    positions = _concept_positions(simple, seed=seed)
    rng = random.Random(seed)
    largest = max((graph.nodes[n]["count"] for n in simple), default=1)
    for node, (x, y) in positions.items():
        graph.nodes[node].update(
            x=round(float(x), 4),
            y=round(float(y), 4),
            size=round(5 + 25 * math.sqrt(graph.nodes[node]["count"] / largest), 2),
        )
    for kind, relation in (("document", "mentions"), ("author", "wrote")):
        for node in sorted(n for n, k in graph.nodes(data="kind") if k == kind):
            near = [graph.nodes[b] for _, b, key in graph.out_edges(node, keys=True) if key == relation]
            near = [d for d in near if "x" in d] or [{"x": 0.0, "y": 0.0}]
            x = sum(d["x"] for d in near) / len(near) + rng.uniform(-0.05, 0.05)
            y = sum(d["y"] for d in near) / len(near) + rng.uniform(-0.05, 0.05)
            graph.nodes[node].update(x=round(x, 4), y=round(y, 4), size=3.0)


def _concept_positions(simple: nx.Graph, *, seed: int) -> dict[str, tuple[float, float]]:
    """Force-directed positions for the largest connected part; every other concept on a ring around it.

    Log-scaled weights keep a few very frequent pairs from collapsing the core into one spot.
    """
    parts = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    core = _induced(simple, parts[0])
    for _, _, data in core.edges(data=True):
        data["layout_weight"] = math.log1p(data["weight"])
    iterations = 60 if core.number_of_nodes() <= 2000 else 30
    spread = 1.5 / math.sqrt(core.number_of_nodes())
    positions = nx.spring_layout(core, weight="layout_weight", seed=seed, iterations=iterations, k=spread)
    rest = [n for part in parts[1:] for n in sorted(part)]
    for index, node in enumerate(rest):
        angle = 2 * math.pi * index / len(rest)
        positions[node] = (1.25 * math.cos(angle), 1.25 * math.sin(angle))
    return {n: (float(x), float(y)) for n, (x, y) in positions.items()}
