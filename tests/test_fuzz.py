"""Issue 10: property-based tests of every reader, the text cleaners and the query loaders (a short budget here;
bench/fuzz.py runs >= 10,000 inputs a reader)."""

import json
import tempfile
from pathlib import Path

import pytest
from fuzz_strategies import FILES, graph_json, markup_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.corpus import Document, read_file
from kg.errors import GraphFileError, InputError
from kg.export import load_graph
from kg.markup import html_to_text, markdown_to_text
from kg.untrusted import clean_text

pytestmark = pytest.mark.filterwarnings("ignore::kg.corpus.Note")
BUDGET = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FOLDER = Path(tempfile.mkdtemp(prefix="kg-fuzz-"))


def reads_or_refuses(suffix: str, data: bytes) -> list[Document]:
    """A reader returns clean documents or refuses the file with an ``InputError``, and nothing else."""
    path = FOLDER / f"input{suffix}"
    path.write_bytes(data)
    try:
        documents = read_file(path)
    except InputError:
        return []
    for document in documents:
        assert isinstance(document, Document) and isinstance(document.id, str) and document.id
        for text in (document.id, document.title, document.text, *document.authors, *document.tags):
            assert clean_text(text) == text
            text.encode("utf-8")
    return documents


@pytest.mark.parametrize("suffix", sorted(FILES))
def test_issue_10_readers_return_documents_or_refuse(suffix):
    @BUDGET
    @given(FILES[suffix])
    def check(data):
        reads_or_refuses(suffix, data)

    check()


@BUDGET
@given(markup_text)
def test_issue_10_cleaners_keep_link_offsets_inside_the_text(text):
    for convert in (markdown_to_text, html_to_text):
        plain, links = convert(text)
        assert clean_text(plain) == plain
        assert all(0 <= link.offset <= len(plain) for link in links)


@BUDGET
@given(graph_json | st.binary(max_size=100))
def test_issue_10_query_loaders_load_or_refuse(data):
    for suffix in (".json", ".graphml"):
        path = FOLDER / f"graph{suffix}"
        path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode("utf-8", "surrogatepass"))
        try:
            load_graph(path)
        except GraphFileError:
            pass
