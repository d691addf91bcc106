"""Keys: the one scheme for mention keys and graph node keys, and the slug rule.

A mention key says what a mention counts for. ``make_key``/``split_key`` are the only code that knows how a
kind is written into the key:

- a vocabulary concept: its slug (``corrigibility``);
- a discovery candidate: ``~`` and the normalized term (``~reward hacking``), for discovery to accept or drop;
- a short form used without a definition in its document: ``!`` and the short form (``!SAE``), for abbreviation
  adoption to resolve corpus-wide.

Graph nodes: concepts by slug, documents ``doc:<id>``, authors ``author:<slug>``; a concept slug never holds ``:``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Literal

__all__ = [
    "Kind",
    "make_key",
    "split_key",
    "is_concept_key",
    "slugify",
    "slug_or_hash",
    "is_slug",
    "doc_node",
    "author_node",
]

Kind = Literal["concept", "candidate", "short"]
_PREFIX: dict[str, str] = {"concept": "", "candidate": "~", "short": "!"}
_KIND: dict[str, Kind] = {"~": "candidate", "!": "short"}


def make_key(text: str, kind: Kind = "concept") -> str:
    """The mention key of ``text`` as a concept slug, a discovery candidate or a short form.

    >>> make_key("reward hacking", "candidate"), make_key("SAE", "short"), make_key("corrigibility")
    ('~reward hacking', '!SAE', 'corrigibility')
    """
    return _PREFIX[kind] + text


def split_key(key: str) -> tuple[str, Kind]:
    """The text and kind of a mention key; the inverse of ``make_key``.

    >>> split_key("~reward hacking"), split_key("corrigibility")
    (('reward hacking', 'candidate'), ('corrigibility', 'concept'))
    """
    kind = _KIND.get(key[:1])
    return (key[1:], kind) if kind else (key, "concept")


def is_concept_key(key: str) -> bool:
    """Whether a mention key is already a concept slug (needs no corpus-wide resolution).

    >>> is_concept_key("corrigibility"), is_concept_key("!SAE")
    (True, False)
    """
    return key[:1] not in _KIND


def slugify(text: str) -> str:
    """A lowercase ASCII slug.

    >>> slugify("Weak-to-Strong Generalization (W2S)!")
    'weak-to-strong-generalization-w2s'
    """
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def slug_or_hash(text: str) -> str:
    """``slugify(text)``, or a short hash of it when it has no ASCII letter or digit (a name in another script).

    >>> slug_or_hash("Mesa optimizers"), slug_or_hash("メサ最適化")
    ('mesa-optimizers', 'x-76b84fc6')
    """
    return slugify(text) or "x-" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:8]


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_slug(text: str) -> bool:
    """Whether ``text`` can key a concept node: lowercase ASCII words joined by hyphens (no ``:`` of node kinds).

    >>> is_slug("weak-to-strong"), is_slug("author:alex-turner"), is_slug("")
    (True, False, False)
    """
    return _SLUG.fullmatch(text) is not None


def doc_node(doc_id: str) -> str:
    """The graph node of a document.

    >>> doc_node("lw:abc")
    'doc:lw:abc'
    """
    return f"doc:{doc_id}"


def author_node(name: str) -> str:
    """The graph node of an author.

    >>> author_node("Alex Turner")
    'author:alex-turner'
    """
    return f"author:{slugify(name)}"
