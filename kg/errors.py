"""Errors raised by kg; the CLI turns each into a one-line ``Error: ...`` message."""

__all__ = ["KgError", "InputError", "VocabularyError", "ModelError", "GraphFileError", "KgWarning"]


class KgError(Exception):
    """Base class for every error kg raises on purpose."""


class InputError(KgError):
    """An input path or document cannot be used."""


class VocabularyError(KgError):
    """A vocabulary file is malformed or contradicts itself."""


class ModelError(KgError):
    """A spaCy model cannot be loaded."""


class GraphFileError(KgError):
    """A built graph file cannot be read."""


class KgWarning(UserWarning):
    """A recoverable problem: kg carried on without the named items."""
