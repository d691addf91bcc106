"""Untrusted bytes and text: decoding with fallbacks, cleaning what XML and UTF-8 cannot hold, and YAML without aliases.

Corpus files and vocabularies come from anywhere. Everything here is linear in the input and never raises on
content: it either repairs (and says what it repaired) or refuses with ``ValueError``.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

import yaml

__all__ = ["decode", "clean_text", "load_yaml", "load_yaml_data"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 controls but tab, newline and carriage return; DEL and the C1 controls; lone surrogates; and the two
# non-characters XML 1.0 refuses. None of them is text a reader wants, and each breaks GraphML, lxml or UTF-8.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def decode(data: bytes) -> tuple[str, str | None]:
    """Text from bytes: by byte-order mark, else UTF-8, else UTF-16 without a mark, else latin-1.

    Returns the text and, when it was not plain UTF-8, the encoding used (for a warning).

    >>> decode("café".encode("utf-8")), decode("café".encode("latin-1"))
    (('café', None), ('café', 'latin-1'))
    >>> decode(codecs.BOM_UTF8 + b"---"), decode("hi".encode("utf-16"))
    (('---', None), ('hi', 'utf-16'))
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), (None if encoding == "utf-8-sig" else encoding)
            except UnicodeDecodeError:
                break
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    if len(data) % 2 == 0 and data.count(0) * 4 >= len(data):  # ASCII-heavy UTF-16: every other byte is NUL
        encoding = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "latin-1"


def clean_text(text: str) -> str:
    """``text`` without control characters, lone surrogates and XML non-characters (each becomes a space).

    >>> clean_text("a\\x00b\\ud83dc\\x1bd\\ttab")
    'a b c d\\ttab'
    """
    return _UNWANTED.sub(" ", text) if _UNWANTED.search(text) else text


class _Loader(yaml.SafeLoader):
    """A safe loader that refuses aliases and keeps dates as strings.

    Aliases share one object many times over: ``str()`` of a 1 KB alias bomb is billions of characters.
    Dates stay text so that an impossible date ("2020-02-30") is the caller's to judge, not a crash.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", mark)
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_FAST = getattr(yaml, "CSafeLoader", None)  # libyaml, when PyYAML was built with it


class _FastLoader(_FAST or yaml.SafeLoader):  # type: ignore[misc]
    """libyaml's parser with the same resolvers as ``_Loader`` (dates kept as text)."""


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def load_yaml_data(text: str) -> Any:
    """The data in a YAML document, read as ``load_yaml`` reads it (aliases refused, dates kept as text) but by
    libyaml when it is there: front matter of thousands of files reads several times faster.

    >>> load_yaml_data("title: t\\ndate: 2020-02-30")
    {'title': 't', 'date': '2020-02-30'}
    >>> try:
    ...     load_yaml_data("a: &x [1]\\nb: *x")
    ... except yaml.YAMLError as error:
    ...     print(str(error).splitlines()[0])
    aliases (*name) are not allowed
    """
    if _FAST is None:
        return load_yaml(text)[0]
    for event in yaml.parse(text, Loader=_FAST):  # refuse aliases before anything is built
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", event.start_mark)  # type: ignore[arg-type]
    return yaml.load(text, Loader=_FastLoader)  # noqa: S506 (a safe loader)


def load_yaml(text: str) -> tuple[Any, Any]:
    """The data in a YAML document, and its composed node tree (for line numbers: ``node.start_mark.line``).

    Raises
    ------
    yaml.YAMLError
        Not YAML, or it uses aliases.

    >>> load_yaml("title: t\\ndate: 2020-02-30")[0]
    {'title': 't', 'date': '2020-02-30'}
    >>> try:
    ...     load_yaml("a: &x [1]\\nb: *x")
    ... except yaml.YAMLError as error:
    ...     print(str(error).splitlines()[:2])
    ['aliases (*name) are not allowed', '  in "<unicode string>", line 2, column 4:']
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()
