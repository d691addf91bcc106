"""Extractions kept in a temporary file instead of memory, for corpora whose mention records outgrow a budget.

A build holds every document's mentions for its passes over the corpus (discovery, abbreviations, counts,
evidence, citations): about 64 bytes a mention and each sentence's text once, so memory follows the corpus's
words. Past ``memory_budget`` the build moves them into a ``Spill`` and each pass reads them back in order, so that
what stays in memory is the counts and the graph: concepts, candidates, pairs and documents. The file is private to
the build and deleted when it closes (or when the process dies); its records are JSON and flat arrays of numbers,
never code.
"""

from __future__ import annotations

import itertools
import json
import struct
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from .records import Extraction, Mentions

__all__ = ["MEMORY_BUDGET", "Spill", "held_bytes", "keep"]

# Mention records a build holds before it spills them (as ``held_bytes`` counts them): some 50 million words of
# prose; the whole shared corpus, 1.2 million words, takes 22 MB.
MEMORY_BUDGET = 2**30

_SIZES = struct.Struct("<QQ")  # bytes of the JSON part, bytes of the arrays after it
_WIDTH = 6  # a mention's five numbers and the index of its sentence's text (see ``Mentions.packed``)


def held_bytes(extraction: Extraction) -> int:
    """About how much memory an extraction's records take: 64 bytes a mention and its sentences' texts.

    >>> from kg.records import Mention
    >>> held_bytes(Extraction("d", (Mention("k", "d", 1, 0, 2, 5, 8, "K", "A K."),), 1, 1, 3, (), ()))
    68
    """
    return 64 * len(extraction.mentions) + sum(len(text) for text in extraction.mentions.sentences)


class Spill(Sequence[Extraction]):
    """Extractions appended to an unnamed temporary file and read back in order, one document at a time.

    >>> from kg.records import Mention
    >>> e = Extraction("d", (Mention("k", "d", 1, 0, 2, 5, 8, "K", "A K."),), 1, 1, 3, (("K", "~k"),), (("https://x.org", 1),))
    >>> with Spill() as spill:
    ...     spill.append(e)
    ...     len(spill), list(spill) == [e], spill[0] == e
    (1, True, True)
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="kg-spill-")  # in $TMPDIR
        self._offsets: list[int] = []  # where each record starts; the file ends the last
        self._end = 0

    def append(self, extraction: Extraction) -> None:
        mentions = extraction.mentions
        strings = sorted(set(mentions.keys) | set(mentions.surfaces))
        index = {s: i for i, s in enumerate(strings)}
        head = json.dumps(
            [
                extraction.doc_id,
                [extraction.n_sentences, extraction.n_paragraphs, extraction.n_tokens],
                extraction.abbreviations,
                extraction.links,
                strings,
                mentions.sentences,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        names = array("q", [index[s] for pair in zip(mentions.keys, mentions.surfaces, strict=True) for s in pair])
        numbers = array("q", mentions.column("numbers"))  # the packed array itself: a copy at C speed
        body = names.tobytes() + numbers.tobytes()
        self._file.seek(self._end)
        self._file.write(_SIZES.pack(len(head), len(body)) + head + body)
        self._offsets.append(self._end)
        self._end = self._file.tell()

    def __len__(self) -> int:
        return len(self._offsets)

    @overload
    def __getitem__(self, i: int) -> Extraction: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Extraction]: ...
    def __getitem__(self, i: int | slice) -> Extraction | Sequence[Extraction]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        self._file.seek(self._offsets[i])
        return self._read()

    def __iter__(self) -> Iterator[Extraction]:
        for offset in self._offsets:
            self._file.seek(offset)  # a pass may be interleaved with another's reads
            yield self._read()

    def _read(self) -> Extraction:
        head_size, body_size = _SIZES.unpack(self._file.read(_SIZES.size))
        doc_id, units, abbreviations, links, strings, sentences = json.loads(self._file.read(head_size))
        body = self._file.read(body_size)
        names = array("q")
        numbers = array("q")
        split = len(body) // (2 + _WIDTH) * 2  # two names and six numbers a mention, all 8 bytes
        names.frombytes(body[:split])
        numbers.frombytes(body[split:])
        mentions = Mentions.packed(
            doc_id, [strings[i] for i in names[::2]], [strings[i] for i in names[1::2]], sentences, numbers
        )
        n_sentences, n_paragraphs, n_tokens = units
        return Extraction(
            doc_id,
            mentions,
            n_sentences,
            n_paragraphs,
            n_tokens,
            tuple((short, long) for short, long in abbreviations),
            tuple((url, sentence) for url, sentence in links),
        )

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spill:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def keep(extractions: Iterable[Extraction], budget: int | None = None) -> list[Extraction] | Spill:
    """The extractions, in order: in a list while their records fit in ``budget`` bytes (see ``held_bytes``;
    ``None``: no limit), else all of them in a ``Spill``, which the caller closes.

    >>> from kg.records import Mention
    >>> es = [Extraction(d, (Mention("k", d, 1, 0, 2, 5, 8, "K", "A K."),), 1, 1, 3, (), ()) for d in "abc"]
    >>> type(keep(es)).__name__, type(keep(es, budget=100)).__name__, list(keep(es, budget=100)) == es
    ('list', 'Spill', True)
    """
    held: list[Extraction] = []
    size = 0
    made = iter(extractions)
    for extraction in made:
        held.append(extraction)
        size += held_bytes(extraction)
        if budget is not None and size > budget:
            spill = Spill()
            for extraction in itertools.chain(held, made):
                spill.append(extraction)
            return spill
    return held
