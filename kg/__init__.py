"""kg: turn AI-alignment writing into a concept knowledge graph.

The names below load on first use, so that ``import kg`` (and the query commands) stay free of spaCy and pyvis.

>>> import kg
>>> result = kg.build(["corpus"], outdir=None)  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

_WHERE = {
    "build": "pipeline",
    "BuildResult": "pipeline",
    "Settings": "config",
    "ExtractionSettings": "config",
    "read_corpus": "corpus",
    "Document": "corpus",
    "Link": "markup",
    "load_vocabulary": "vocab",
    "Vocabulary": "vocab",
    "Concept": "vocab",
    "normalize": "vocab",
    "Extractor": "extract",
    "Extraction": "records",
    "Mention": "records",
    "load_graph": "export",
    "KgError": "errors",
    "InputError": "errors",
    "VocabularyError": "errors",
    "ModelError": "errors",
    "GraphFileError": "errors",
    "KgWarning": "errors",
}

__all__ = [
    "__version__",
    "build",
    "BuildResult",
    "Settings",
    "ExtractionSettings",
    "read_corpus",
    "Document",
    "Link",
    "load_vocabulary",
    "Vocabulary",
    "Concept",
    "normalize",
    "Extractor",
    "Extraction",
    "Mention",
    "load_graph",
    "KgError",
    "InputError",
    "VocabularyError",
    "ModelError",
    "GraphFileError",
    "KgWarning",
]

if TYPE_CHECKING:
    from .config import ExtractionSettings, Settings
    from .corpus import Document, read_corpus
    from .errors import GraphFileError, InputError, KgError, KgWarning, ModelError, VocabularyError
    from .export import load_graph
    from .extract import Extractor
    from .markup import Link
    from .pipeline import BuildResult, build
    from .records import Extraction, Mention
    from .vocab import Concept, Vocabulary, load_vocabulary, normalize


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__)
