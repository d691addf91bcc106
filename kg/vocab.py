"""The concept vocabulary: records, YAML loading and validation, and the one normalization rule.

``normalize`` decides what "the same concept" means everywhere in kg: matching, abbreviations, discovery and
look-ups from the command line all go through it.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from .errors import KgWarning, VocabularyError
from .keys import is_slug, slug_or_hash
from .untrusted import clean_text, decode, load_yaml, load_yaml_data

__all__ = ["Concept", "Vocabulary", "load_vocabulary", "normalize", "normalize_word", "surface_variants"]

# British spellings whose American form the vocabulary uses; "-ise" verbs are listed by stem because a
# blanket rule would break "rise", "precise" or "supervise".
_OUR = re.compile(r"^(behavi|col|fav|hon|lab|neighb|harb|rum|hum|vap|endeav)our")
_ISE_STEMS = (
    "optim",
    "maxim",
    "minim",
    "general",
    "normal",
    "regular",
    "real",
    "organ",
    "recogn",
    "summar",
    "categor",
    "priorit",
    "util",
    "character",
    "visual",
    "special",
    "memor",
    "central",
    "formal",
    "initial",
    "local",
    "rational",
    "standard",
    "symbol",
    "synthes",
    "token",
    "parameter",
    "modular",
    "capital",
    "critic",
    "emphas",
    "hypothes",
    "operational",
    "conceptual",
    "internal",
    "external",
    "incentiv",
    "vector",
    "random",
    "stabil",
    "neutral",
    "penal",
    "legal",
    "anthropomorph",
    "polar",
    "jeopard",
    "harmon",
    "sanit",
    "weapon",
)
_ISE = re.compile(r"^(" + "|".join(_ISE_STEMS) + r")is(e|es|ed|ing|er|ers|ation|ations|ability|able)$")
_IRREGULAR = {
    "biases": "bias",
    "analyses": "analysis",
    "hypotheses": "hypothesis",
    "theses": "thesis",
    "crises": "crisis",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "oracles": "oracle",
    "axes": "axis",
    "indices": "index",
    # singular words that look plural
    **{
        w: w
        for w in ("bias", "alias", "atlas", "canvas", "chaos", "cosmos", "kudos", "ethos", "news", "series", "species")
    },
}
_KEEP_S = ("ss", "us", "is", "ics", "ness")
_SPLIT = re.compile(r"[\s\-\u2010-\u2015_/]+")
_APOSTROPHES = re.compile(r"[’'`]s?$")


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """Lowercase, American spelling, singular.

    >>> [normalize_word(w) for w in ["Optimisers", "behaviours", "policies", "gradients", "bias", "processes"]]
    ['optimizer', 'behavior', 'policy', 'gradient', 'bias', 'process']
    """
    word = _APOSTROPHES.sub("", word.lower())
    word = _OUR.sub(r"\1or", word)
    word = _ISE.sub(r"\1iz\2", word)
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(_KEEP_S):
        return word[:-1]
    return word


def normalize(term: str) -> str:
    """The key that makes two surface forms the same concept: words normalized, joined by single spaces.

    Case, hyphens and spaces, possessives, British spelling and plurals all fall away.

    >>> normalize("Mesa-Optimisers'")
    'mesa optimizer'
    >>> normalize("weak-to-strong generalisation") == normalize("Weak to Strong Generalizations")
    True
    """
    words = [w for w in _SPLIT.split(term.strip()) if w]
    return " ".join(normalize_word(w.strip('.,;:!?"()[]{}')) for w in words).strip()


def surface_variants(alias: str) -> set[str]:
    """Spellings to look for in text: as written, with spaces, with hyphens.

    >>> sorted(surface_variants("mesa-optimizer"))
    ['mesa optimizer', 'mesa-optimizer']
    """
    words = [w for w in _SPLIT.split(alias.strip()) if w]
    return {alias.strip(), " ".join(words), "-".join(words)} if len(words) > 1 else {alias.strip()}


@dataclass(frozen=True)
class Concept:
    """A concept of the field: stable slug, canonical name, other names, a definition and a category."""

    slug: str
    name: str
    definition: str = ""
    category: str = "other"
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    source: str = "vocabulary"
    case_sensitive: bool = False  # names that are also ordinary words ("Anthropic", "Ought") match as written

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class Vocabulary:
    """Concepts by slug plus an index from normalized names (and exact abbreviations) to slugs."""

    def __init__(self, concepts: Iterable[Concept], *, strict: bool = True):
        self.strict = strict  # False: a name or abbreviation claimed twice stays with its first concept
        self.concepts: dict[str, Concept] = {}
        self.index: dict[str, str] = {}
        self.joined: dict[str, str] = {}  # keys without spaces: "auto encoder" finds "autoencoder"
        self.abbreviations: dict[str, str] = {}
        for concept in concepts:
            self.add(concept)

    def add(self, concept: Concept) -> None:
        """Add a concept, or replace one with the same slug.

        Raises
        ------
        VocabularyError
            One of its names or abbreviations already belongs to another concept.
        """
        if concept.slug in self.concepts:
            self._drop(concept.slug)
        for name in concept.names:
            key = normalize(name)
            owner = self.index.get(key)
            if owner and owner != concept.slug:
                if not self.strict:
                    continue
                raise VocabularyError(f"'{name}' is a name of both '{owner}' and '{concept.slug}'; keep it in one")
            self.index[key] = concept.slug
            self.joined.setdefault(key.replace(" ", ""), concept.slug)
        for short in concept.abbreviations:
            owner = self.abbreviations.get(short)
            if owner and owner != concept.slug:
                if not self.strict:
                    continue
                raise VocabularyError(
                    f"abbreviation '{short}' belongs to both '{owner}' and '{concept.slug}'; keep it in one"
                )
            self.abbreviations[short] = concept.slug
        self.concepts[concept.slug] = concept

    def _drop(self, slug: str) -> None:
        self.index = {k: v for k, v in self.index.items() if v != slug}
        self.joined = {k: v for k, v in self.joined.items() if v != slug}
        self.abbreviations = {k: v for k, v in self.abbreviations.items() if v != slug}
        del self.concepts[slug]

    def lookup(self, term: str) -> Concept | None:
        """The concept a term names: by slug, by abbreviation (exact case) or by any normalized name.

        A name written as one word or as two ("autoencoder", "auto-encoder") finds the same concept.
        """
        key = normalize(term)
        slug = (
            term
            if term in self.concepts
            else (self.abbreviations.get(term) or self.index.get(key) or self.joined.get(key.replace(" ", "")))
        )
        if slug is None and term.upper() in self.abbreviations:
            slug = self.abbreviations[term.upper()]
        return self.concepts.get(slug) if slug else None

    def __len__(self) -> int:
        return len(self.concepts)

    def __iter__(self):
        return iter(sorted(self.concepts.values(), key=lambda c: c.slug))

    def digest(self) -> str:
        """A hash of every concept, for caches and the manifest."""
        text = repr(
            sorted(
                (c.slug, c.name, c.aliases, c.abbreviations, c.definition, c.category, c.case_sensitive) for c in self
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _concept(entry: object, where: str) -> Concept:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise VocabularyError(f"{where}: every concept needs a 'name' (got {entry!r:.80})")
    name = entry["name"].strip()

    def strings(key: str) -> tuple[str, ...]:
        value = entry.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise VocabularyError(f"{where}: '{name}' has a bad '{key}' (a list of non-empty strings)")
        return tuple(v.strip() for v in value)

    unknown = set(entry) - {"name", "slug", "aliases", "abbreviations", "definition", "category", "case_sensitive"}
    if unknown:
        raise VocabularyError(f"{where}: '{name}' has unknown field(s) {', '.join(sorted(unknown))}")
    slug = entry.get("slug")
    if slug is not None and not (isinstance(slug, str) and is_slug(slug)):
        raise VocabularyError(
            f"{where}: '{name}' has a bad slug {slug!r} (lowercase letters, digits and hyphens, such as 'reward-hacking')"
        )
    for key in ("definition", "category"):
        if entry.get(key) is not None and not isinstance(entry[key], str):
            raise VocabularyError(f"{where}: '{name}' has a bad '{key}' (text)")
    return Concept(
        slug=slug or slug_or_hash(name),
        name=name,
        definition=str(entry.get("definition") or "").strip(),
        category=str(entry.get("category") or "other").strip(),
        aliases=strings("aliases"),
        abbreviations=strings("abbreviations"),
        case_sensitive=bool(entry.get("case_sensitive", False)),
    )


def read_vocabulary_file(path: str | Path) -> list[Concept]:
    """Concepts in one YAML file: a list of entries, or a mapping with a ``concepts`` list.

    Raises
    ------
    VocabularyError
        The file is missing, is not YAML, or an entry is malformed.
    """
    path = Path(path)
    try:
        text, encoding = decode(path.read_bytes())
        text = clean_text(text)
        fast = _fast_read(path, text)
        data, node = load_yaml(text) if fast is None else (None, None)
    except FileNotFoundError:
        raise VocabularyError(f"vocabulary file {path} does not exist") from None
    except OSError as exc:
        raise VocabularyError(f"vocabulary file {path} cannot be read ({exc.strerror or exc})") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise VocabularyError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if encoding:
        warnings.warn(f"vocabulary file {path} is not UTF-8; read it as {encoding}", KgWarning, stacklevel=2)
    if fast is not None:
        return fast
    if isinstance(data, dict) and isinstance(node, yaml.MappingNode):
        data = data.get("concepts")
        node = next((value for key, value in node.value if key.value == "concepts"), None)
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        raise VocabularyError(f"{path}: expected a list of concepts (or a 'concepts:' list)")
    concepts: list[Concept] = []
    lines: dict[str, int] = {}
    for entry, item in zip(data, node.value, strict=True):
        line = item.start_mark.line + 1
        concept = _concept(entry, f"{path} line {line}")
        if concept.slug in lines:
            raise VocabularyError(
                f"{path}: concept '{concept.slug}' is defined twice (line {lines[concept.slug]} and line {line}); "
                "keep one, or give one a 'slug' of its own"
            )
        lines[concept.slug] = line
        concepts.append(concept)
    return concepts


def _fast_read(path: Path, text: str) -> list[Concept] | None:
    """The concepts of a well-formed vocabulary file, read by libyaml without node positions (several times
    faster); ``None`` when anything is amiss, for the slow reader to say where, by line."""
    try:
        data = load_yaml_data(text)
    except (yaml.YAMLError, RecursionError):
        return None
    if isinstance(data, dict):
        data = data.get("concepts")
    if not isinstance(data, list):
        return None
    try:
        concepts = [_concept(entry, str(path)) for entry in data]
    except VocabularyError:
        return None
    return concepts if len({c.slug for c in concepts}) == len(concepts) else None


def builtin_files() -> list[Path]:
    """The vocabulary files shipped in ``kg/data``, sorted."""
    folder = resources.files("kg") / "data"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_vocabulary(extra: Iterable[str | Path] = (), *, builtin: bool = True) -> Vocabulary:
    """The built-in vocabulary, then each extra file in order (a concept with an existing slug replaces it).

    Raises
    ------
    VocabularyError
        A file is malformed, two concepts in the built-in files share a slug, or two concepts share a name.
    """
    vocabulary = Vocabulary([])
    if builtin:
        seen: dict[str, str] = {}
        for path in builtin_files():
            for concept in read_vocabulary_file(path):
                if concept.slug in seen:
                    raise VocabularyError(
                        f"concept '{concept.slug}' is defined in both {seen[concept.slug]} and {path}"
                    )
                seen[concept.slug] = str(path)
                vocabulary.add(concept)
    for extra_path in extra:
        for concept in read_vocabulary_file(extra_path):
            vocabulary.add(concept)
    return vocabulary
