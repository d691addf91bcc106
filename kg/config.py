"""Settings for one build: a frozen dataclass validated on creation."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "ExtractionSettings"]


@dataclass(frozen=True)
class ExtractionSettings:
    """The only knobs extraction sees, so everything that changes an extraction is in its cache key.

    Parameters
    ----------
    discover : bool
        Propose discovery candidates (``~`` keys) besides vocabulary mentions.
    parser : str or None
        Name of an installed spaCy model whose parser gives sentences and noun chunks.
    """

    discover: bool = True
    parser: str | None = None

    def key(self) -> str:
        """A short hash of these settings (for per-document caches).

        >>> ExtractionSettings().key() == ExtractionSettings(discover=True).key() != ExtractionSettings(False).key()
        True
        """
        return hashlib.sha256(json.dumps(dataclasses.asdict(self), sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Settings:
    """Every knob of a build.

    Parameters
    ----------
    window : str or int
        Co-occurrence unit: ``"sentence"``, ``"paragraph"`` or a number of words.
    min_count, min_docs : int or None
        Optional stricter filters: keep a ``co_occurs`` edge only when the pair met in this many units / documents.
    min_npmi : float
        Keep a ``co_occurs`` edge only when its association (mean NPMI over units and documents) is above this.
    min_g2 : float
        Dunning's G² a pair needs to be significant (3.84: p < .05; 10.83: p < .001); significant pairs are edges.
    neighbours : int
        Strongest neighbours each concept keeps as edges even when not significant.
    resolution : float
        Louvain's resolution: above 1, more and smaller communities.
    discover : bool
        Add concepts the vocabulary lacks (``source=discovered``).
    vocab_paths : tuple of Path
        Extra vocabulary files, applied after the built-in one (same slug overrides).
    vocab_only : bool
        Use only the files in ``vocab_paths`` (plus the built-in vocabulary) and no discovery.
    builtin_vocab : bool
        Load the built-in vocabulary (off: only ``vocab_paths`` and discovery, for other fields or to measure
        discovery alone).
    parser : str or None
        Name of an installed spaCy model whose parser feeds noun chunks to discovery.
    max_nodes : int
        Concepts shown on the page (the exports keep all of them).
    edges_per_node : int
        Strongest edges kept per node on the page.
    seed : int
        Seed for communities, layout and sampled betweenness.
    evidence : int
        Sentences kept per concept and per edge.
    n_process : int
        Worker processes for extraction.
    leiden : bool
        Use Leiden communities (needs the ``leiden`` extra) instead of Louvain.
    """

    window: str | int = "sentence"
    min_count: int | None = None
    min_docs: int | None = None
    min_npmi: float = 0.0
    min_g2: float = 3.84
    neighbours: int = 3
    resolution: float = 1.0
    discover: bool = True
    vocab_paths: tuple[Path, ...] = ()
    vocab_only: bool = False
    builtin_vocab: bool = True
    parser: str | None = None
    max_nodes: int = 300
    edges_per_node: int = 4
    seed: int = 42
    evidence: int = 5
    n_process: int = 1
    leiden: bool = False

    def __post_init__(self) -> None:
        window = self.window
        if isinstance(window, str) and window.isdigit():
            window = int(window)
            object.__setattr__(self, "window", window)
        if isinstance(window, int):
            if window < 2:
                raise ValueError(f"window = {window}; must be 'sentence', 'paragraph' or a number of tokens >= 2")
        elif window not in ("sentence", "paragraph"):
            raise ValueError(f"window = {window!r}; must be 'sentence', 'paragraph' or a number of tokens >= 2")
        for name in ("min_count", "min_docs"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} = {value}; must be >= 1")
        if not -1.0 <= self.min_npmi < 1.0:
            raise ValueError(f"min_npmi = {self.min_npmi}; must be in [-1, 1)")
        if self.min_g2 < 0 or self.resolution <= 0:
            raise ValueError(f"min_g2 = {self.min_g2}, resolution = {self.resolution}; must be >= 0 and > 0")
        for name in ("max_nodes", "edges_per_node", "evidence", "n_process", "neighbours"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} = {getattr(self, name)}; must be >= 1")
        if not 0 <= self.seed < 2**32:
            raise ValueError(f"seed = {self.seed}; must be in [0, 2**32)")
        object.__setattr__(self, "vocab_paths", tuple(Path(p) for p in self.vocab_paths))
        if self.vocab_only:
            object.__setattr__(self, "discover", False)
        if self.vocab_only and not self.builtin_vocab and not self.vocab_paths:
            raise ValueError("no vocabulary and no discovery: give --vocab FILE, or drop --vocab-only")

    @property
    def extraction(self) -> ExtractionSettings:
        """The part of these settings that extraction depends on."""
        return ExtractionSettings(discover=self.discover, parser=self.parser)

    def as_dict(self) -> dict:
        """The settings that shape a build's outputs, as JSON-ready values (for the manifest).

        ``n_process`` is left out: how many processes extracted changes nothing in what they made.
        """
        data = dataclasses.asdict(self)
        del data["n_process"]
        data["vocab_paths"] = [str(p) for p in self.vocab_paths]
        return data
