"""The records extraction hands to every later stage: plain, frozen, and free of spaCy.

``kg.extract`` makes them (and is the only module that imports spaCy); discovery, counting, citations and the
extraction cache read them without loading a model.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TypeVar, overload

__all__ = ["Mention", "Mentions", "Extraction"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)  # many of these are held at once: no per-object dict
class Mention:
    """One occurrence of a concept (or candidate) in a document, with the sentence it sits in.

    ``key`` is a mention key (see ``kg.keys``). ``start``/``end`` are character offsets in the analyzed text
    (title, blank line, body); ``sentence``, ``paragraph`` and ``token`` (words before it, white space not counted)
    index the units co-occurrence is counted in. Mentions in one sentence share one ``sentence_text`` string.
    """

    key: str
    doc_id: str
    sentence: int
    paragraph: int
    token: int
    start: int
    end: int
    surface: str
    sentence_text: str


_NUMBERS = ("sentence", "paragraph", "token", "start", "end")  # then the index of the sentence's text
# A mention's fields after its document: key, surface, sentence, paragraph, token, start, end, sentence text.
Row = tuple[str, str, int, int, int, int, int, str]


class Mentions(Sequence[Mention]):
    """A document's mentions, packed: each one's numbers in one flat array, its key and surface as strings shared
    with every other mention of the same (interned), each sentence's text once.

    A ``Mention`` object weighs about 400 bytes with its strings and numbers; packed, a mention takes about 64, so a
    build holds its corpus's mentions in a sixth of the memory. ``Mention`` objects are made as they are read;
    the passes over a corpus read only the fields they need (``columns``) or only the mentions they count
    (``keyed``), so that few are made at all.

    >>> ms = Mentions("d", [Mention("a", "d", 0, 0, 2, 5, 8, "A", "An A."), Mention("b", "d", 0, 0, 3, 9, 10, "B", "An A.")])
    >>> len(ms), ms[1].surface, ms.keys, list(ms.columns("key", "sentence_text"))
    (2, 'B', ('a', 'b'), [('a', 'An A.'), ('b', 'An A.')])
    >>> ms == Mentions("d", list(ms)), [k for k, _ in ms.keyed({"b": "B"}.get)]
    (True, ['B'])
    """

    __slots__ = ("doc_id", "keys", "surfaces", "sentences", "_numbers")

    def __init__(self, doc_id: str, mentions: Iterable[Mention] = ()):
        def rows() -> Iterator[Row]:
            for m in mentions:
                if m.doc_id != doc_id:
                    raise ValueError(f"a mention of {m.doc_id!r} among those of {doc_id!r}")
                yield m.key, m.surface, m.sentence, m.paragraph, m.token, m.start, m.end, m.sentence_text

        self._pack(doc_id, rows())

    @classmethod
    def from_rows(cls, doc_id: str, rows: Iterable[Row]) -> Mentions:
        """Mentions from rows of a ``Mention``'s fields after ``doc_id`` (key, surface, sentence, paragraph,
        token, start, end, sentence text), as extraction makes them without making ``Mention`` objects.

        >>> Mentions.from_rows("d", [("a", "A", 0, 0, 2, 5, 8, "An A.")]) == Mentions("d", [Mention("a", "d", 0, 0, 2, 5, 8, "A", "An A.")])
        True
        """
        mentions = cls.__new__(cls)
        mentions._pack(doc_id, rows)
        return mentions

    def _pack(self, doc_id: str, rows: Iterable[Row]) -> None:
        """Fill the columns; each distinct sentence text is kept once, numbered as first met."""
        keys: list[str] = []
        surfaces: list[str] = []
        sentences: dict[str, int] = {}
        numbers = array("q")
        intern = sys.intern
        for key, surface, sentence, paragraph, token, start, end, sentence_text in rows:
            keys.append(intern(key))
            surfaces.append(intern(surface))
            numbers.extend(
                (sentence, paragraph, token, start, end, sentences.setdefault(sentence_text, len(sentences)))
            )
        self.doc_id = doc_id
        self.keys: tuple[str, ...] = tuple(keys)
        self.surfaces: tuple[str, ...] = tuple(surfaces)
        self.sentences: tuple[str, ...] = tuple(sentences)
        self._numbers = numbers

    @classmethod
    def packed(
        cls, doc_id: str, keys: Sequence[str], surfaces: Sequence[str], sentences: Sequence[str], numbers: Sequence[int]
    ) -> Mentions:
        """Mentions from their columns (``numbers``: each mention's five numbers and the index of its sentence's
        text in ``sentences``), as ``kg.cache`` reads them back; ``ValueError`` if they do not fit together."""
        width = len(_NUMBERS) + 1
        packed = array("q", numbers)
        if not len(keys) == len(surfaces) == len(packed) // width or len(packed) % width:
            raise ValueError("columns of different lengths")
        texts = packed[width - 1 :: width]
        if texts and not (0 <= min(texts) and max(texts) < len(sentences)):
            raise ValueError("a sentence index out of range")
        mentions = cls(doc_id)
        mentions.keys, mentions.surfaces = tuple(map(sys.intern, keys)), tuple(map(sys.intern, surfaces))
        mentions.sentences, mentions._numbers = tuple(sentences), packed
        return mentions

    def column(self, name: str) -> Sequence:
        """One field of every mention, in order: ``key``, ``surface``, ``sentence_text``, a number's name, or
        ``text_index`` (the index of its sentence's text in ``sentences``); ``numbers`` is every mention's numbers
        in a row, as ``packed`` takes them."""
        if name == "numbers":
            return self._numbers
        if name == "key":
            return self.keys
        if name == "surface":
            return self.surfaces
        width = len(_NUMBERS) + 1
        if name == "sentence_text":
            return tuple(map(self.sentences.__getitem__, self._numbers[width - 1 :: width]))
        if name == "text_index":
            return self._numbers[width - 1 :: width]
        return self._numbers[_NUMBERS.index(name) :: width]

    def columns(self, *names: str) -> Iterator[tuple]:
        """The named fields of each mention, as tuples: a pass over them makes no ``Mention``."""
        return zip(*(self.column(name) for name in names), strict=True)

    def keyed(self, key_of: Callable[[str], T | None]) -> list[tuple[T, Mention]]:
        """``(key_of(key), mention)`` for the mentions whose key ``key_of`` maps to something, in order; only
        those are made."""
        return [(k, self[i]) for i, key in enumerate(self.keys) if (k := key_of(key))]

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, index: int) -> Mention: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Mention, ...]: ...

    def __getitem__(self, index: int | slice) -> Mention | tuple[Mention, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        width = len(_NUMBERS) + 1
        start = range(len(self.keys))[index] * width  # IndexError, and negative indexes, as a tuple has them
        sentence, paragraph, token, begin, end, text = self._numbers[start : start + width]
        surface = self.surfaces[start // width]
        return Mention(
            self.keys[start // width],
            self.doc_id,
            sentence,
            paragraph,
            token,
            begin,
            end,
            surface,
            self.sentences[text],
        )

    def __iter__(self) -> Iterator[Mention]:
        numbers = [self.column(name) for name in _NUMBERS]
        texts = self.column("sentence_text")
        return map(Mention, self.keys, repeat(self.doc_id), *numbers, self.surfaces, texts)

    def _packed(self) -> tuple:
        return (self.doc_id, self.keys, self.surfaces, self.sentences, self._numbers)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mentions):
            return self._packed() == other._packed()
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.doc_id, self.keys))

    def __repr__(self) -> str:
        return f"Mentions({self.doc_id!r}, {list(self)!r})"

    def __getstate__(self) -> tuple:
        return self._packed()

    def __setstate__(self, state: tuple) -> None:
        self.doc_id, self.keys, self.surfaces, self.sentences, self._numbers = state


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one document contributes to the graph: its mentions, its size in units, its abbreviations and links.

    ``abbreviations`` pairs each short form the document defines with the mention key of its long form;
    ``links`` pairs each outgoing URL with the sentence it sits in (-1: listed apart from the text). Mentions given
    as a tuple or list are packed (``Mentions``).
    """

    doc_id: str
    mentions: Mentions
    n_sentences: int
    n_paragraphs: int
    n_tokens: int
    abbreviations: tuple[tuple[str, str], ...]
    links: tuple[tuple[str, int], ...]

    def __post_init__(self) -> None:
        if not isinstance(self.mentions, Mentions):
            object.__setattr__(self, "mentions", Mentions(self.doc_id, self.mentions))
        elif self.mentions.doc_id != self.doc_id:
            raise ValueError(f"the mentions of {self.mentions.doc_id!r} in the extraction of {self.doc_id!r}")
