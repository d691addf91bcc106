"""kg: turn AI-alignment writing into a concept knowledge graph.

>>> import kg
>>> result = kg.build(["corpus"], outdir=None)  # doctest: +SKIP
"""

__version__ = "0.1.0"

from .config import Settings  # noqa: E402
from .corpus import Document, Link, read_corpus  # noqa: E402
from .errors import GraphFileError, InputError, KgError, KgWarning, ModelError, VocabularyError  # noqa: E402
from .export import load_graph  # noqa: E402
from .extract import Extraction, Extractor, Mention  # noqa: E402
from .pipeline import BuildResult, build  # noqa: E402
from .vocab import Concept, Vocabulary, load_vocabulary, normalize  # noqa: E402

__all__ = [
    "__version__",
    "build",
    "BuildResult",
    "Settings",
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
