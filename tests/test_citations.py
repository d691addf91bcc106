import pytest

from kg.citations import CitationIndex
from kg.corpus import Document
from kg.urls import arxiv_id, doi, outside_key

DOCS = [
    Document("lw:uMQ3cqWDPHhjtiesc", "AGI Ruin", "", url="https://www.lesswrong.com/posts/uMQ3cqWDPHhjtiesc/agi-ruin"),
    Document(
        "shard-theory", "Shard theory", "", names=("shard-theory", "shards"), url="https://turntrout.com/shard-theory"
    ),
    Document("w2s", "Weak-to-strong", "", url="https://arxiv.org/abs/2312.09390v2"),
    Document(
        "distill-00007",
        "Feature Visualization",
        "",
        url="https://distill.pub/2017/feature-visualization",
        metadata={"doi": "10.23915/distill.00007"},
    ),
    Document(
        "a-comment",
        "A shortform comment",
        "",
        url="https://www.lesswrong.com/posts/dqSwccGTWyBgxrR58/feed?commentId=XHktatQRYpsfritrA",
    ),
]


@pytest.mark.parametrize(
    "url, target",
    [
        ("https://www.alignmentforum.org/posts/uMQ3cqWDPHhjtiesc/other-slug", "lw:uMQ3cqWDPHhjtiesc"),
        ("https://www.greaterwrong.com/posts/uMQ3cqWDPHhjtiesc", "lw:uMQ3cqWDPHhjtiesc"),
        ("https://lesswrong.com/posts/uMQ3cqWDPHhjtiesc/agi-ruin#section-1", "lw:uMQ3cqWDPHhjtiesc"),
        ("/shard-theory#the-shard-theory-of-human-values", "shard-theory"),
        ("/shards", "shard-theory"),
        ("http://TurnTrout.com/shard-theory/", "shard-theory"),
        ("https://arxiv.org/pdf/2312.09390.pdf", "w2s"),
        ("https://arxiv.org/abs/2312.09390v1", "w2s"),
        ("https://doi.org/10.23915/distill.00007", "distill-00007"),
        ("https://www.lesswrong.com/posts/dqSwccGTWyBgxrR58/feed?commentId=XHktatQRYpsfritrA", "a-comment"),
        ("https://www.lesswrong.com/posts/dqSwccGTWyBgxrR58/feed?commentId=OTHERxxxxxxxxxxxx", None),
        ("https://example.com/shard-theory", None),
        ("/not-in-the-corpus", None),
        ("mailto:someone@example.com", None),
    ],
)
def test_resolve(url, target):
    assert CitationIndex(DOCS).resolve(url) == target


def test_identifiers():
    assert arxiv_id("https://arxiv.org/abs/hep-th/9901001v3") == "hep-th/9901001"
    assert doi("doi: 10.1000/XYZ.123.") == "10.1000/xyz.123"
    assert outside_key("https://en.wikipedia.org/wiki/Goodhart%27s_law") == "en.wikipedia.org"
    assert outside_key("https://arxiv.org/abs/2312.09390") == "arXiv:2312.09390"
    assert outside_key("/relative") is None


def test_turntrout_links_resolve_across_slugs_and_lesswrong_urls(turntrout_build):
    graph = turntrout_build[0].graph
    cites = [(a, b) for a, b, k in graph.edges(keys=True) if k == "cites"]
    assert len(cites) >= 350
    # "A shot at the diamond-alignment problem" links "/shard-theory#..." (an alias of "The shard theory of human values")
    assert ("doc:lw:k4AQqboXz8iE5TNXK", "doc:lw:iCfdcxiyr2Kj8m8mT") in cites
    assert graph.edges["doc:lw:k4AQqboXz8iE5TNXK", "doc:lw:iCfdcxiyr2Kj8m8mT", "cites"]["count"] == 5
    outside = graph.graph["outside_links"]
    assert (
        sum(c.get("arxiv.org", 0) + sum(v for k, v in c.items() if k.startswith("arXiv:")) for c in outside.values())
        > 20
    )
