"""The records extraction hands to every later stage: plain, frozen, and free of spaCy.

``kg.extract`` makes them (and is the only module that imports spaCy); discovery, counting, citations and the
extraction cache read them without loading a model.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Mention", "Extraction"]


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


@dataclass(frozen=True, slots=True)
class Extraction:
    """What one document contributes to the graph: its mentions, its size in units, its abbreviations and links.

    ``abbreviations`` pairs each short form the document defines with the mention key of its long form;
    ``links`` pairs each outgoing URL with the sentence it sits in (-1: listed apart from the text).
    """

    doc_id: str
    mentions: tuple[Mention, ...]
    n_sentences: int
    n_paragraphs: int
    n_tokens: int
    abbreviations: tuple[tuple[str, str], ...]
    links: tuple[tuple[str, int], ...]
