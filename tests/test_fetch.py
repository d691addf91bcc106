"""Issue 14: ``kg fetch`` against a local server on 127.0.0.1 answering in the real shapes (LessWrong's GraphQL, arXiv's
Atom, a LessWrong-layout RSS feed, PDFs): paging, resuming, 429 with Retry-After, 500s, a truncated body, a timeout.
No test touches the internet."""

from __future__ import annotations

import copy
import functools
import json
import threading
import time
import warnings
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from conftest import ROOT

import kg
from kg.cli import cli
from kg.fetch import USER_AGENT, Client, FetchError, fetch_arxiv, fetch_feed, fetch_forum

POST_JSON = ROOT.parent / "shared" / "corpus" / "lesswrong-graphql" / "post.json"


class Server:
    """A local HTTP server: ``route(method, path, body) -> (status, headers, body[, delay])``; ``queue`` holds
    answers to give first (one per request, whatever the path), to script failures."""

    def __init__(self, route: Callable[[str, str, bytes], tuple]):
        self.route = route
        self.queue: list[tuple] = []
        self.requests: list[tuple[str, str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.requests.append((self.command, self.path, dict(self.headers)))
                answer = server.queue.pop(0) if server.queue else server.route(self.command, self.path, body)
                status, headers, payload = answer[:3]
                if len(answer) > 3:
                    time.sleep(answer[3])
                self.send_response(status)
                for name, value in {"Content-Length": str(len(payload)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except OSError:  # the client gave up (a timeout test)
                    pass

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _json(data: object) -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": "application/json"}, json.dumps(data).encode()


@pytest.fixture(autouse=True)
def nowhere(monkeypatch):
    """A test that forgets its local endpoint fails at once instead of reaching the internet."""
    monkeypatch.setattr(
        "kg.fetch.ENDPOINTS", {k: "http://127.0.0.1:9/" for k in ("lesswrong", "alignmentforum", "arxiv")}
    )


def quick(**options) -> Client:
    """A client that records its waits instead of sleeping them."""
    waits: list[float] = []
    client = Client(rate=1e9, backoff=0.5, timeout=options.pop("timeout", 5.0), sleep=waits.append, **options)
    client.waits = waits  # type: ignore[attr-defined]
    return client


# --- a LessWrong-shaped GraphQL API ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_post(shared) -> dict:
    return json.loads(POST_JSON.read_text(encoding="utf-8"))["data"]["post"]["result"]


def forum_posts(real_post: dict, n: int) -> list[dict]:
    """``n`` posts shaped like the real one, newest first; each links to the one before it, so citations resolve."""
    posts = []
    for i in range(n):
        post = copy.deepcopy(real_post)
        post.update(
            _id=f"post{i:04d}xxxxxxxxxx",
            slug=f"post-{i}",
            title=f"Post {i} on corrigibility",
            pageUrl=f"https://www.lesswrong.com/posts/post{i:04d}xxxxxxxxxx/post-{i}",
            postedAt=f"2023-0{1 + i % 9}-15T10:00:00.000Z",
            commentCount=2 if i % 2 == 0 else 0,
            tags=[{"name": "Corrigibility", "slug": "corrigibility"}],
        )
        earlier = f"https://www.lesswrong.com/posts/post{i - 1:04d}xxxxxxxxxx/post-{i - 1}"
        post["contents"] = {
            "markdown": f"Corrigibility and the shutdown problem, part {i}. "
            + (f"It builds on [the previous post]({earlier}).\n\n" if i else "\n\n")
            + "Deceptive alignment and reward hacking are failure modes we discuss at length here."
        }
        posts.append(post)
    return posts[::-1]


def forum_route(posts: list[dict]) -> Callable:
    def route(method: str, path: str, body: bytes) -> tuple:
        request = json.loads(body or b"{}")
        query, variables = request.get("query", ""), request.get("variables", {})
        if "tag(input" in query:
            found = variables["slug"] == "corrigibility"
            return _json(
                {"data": {"tag": {"result": {"_id": "tag1", "name": "Corrigibility", "slug": "corrigibility"}}}}
                if found
                else {"data": {"tag": {"result": None}}}
            )
        if "user(input" in query:
            return _json({"data": {"user": {"result": {"_id": "user1", "slug": "eliezer_yudkowsky"}}}})
        if "comments(input" in query:
            post_id = variables["terms"]["postId"]
            comments = [
                {
                    "_id": f"{post_id[:8]}c{k}",
                    "postId": post_id,
                    "postedAt": "2023-06-01T00:00:00.000Z",
                    "baseScore": 3,
                    "pageUrl": f"https://www.lesswrong.com/posts/{post_id}/x?commentId={post_id[:8]}c{k}",
                    "user": {"displayName": "A Commenter", "slug": "a-commenter"},
                    "contents": {"markdown": f"Comment {k}: corrigibility seems hard to get from RLHF alone."},
                }
                for k in range(2)
            ]
            return _json({"data": {"comments": {"results": comments}}})
        terms = variables["terms"]
        page = posts[terms["offset"] : terms["offset"] + terms["limit"]]
        return _json({"data": {"posts": {"results": page}}})

    return route


@pytest.fixture
def forum(real_post):
    posts = forum_posts(real_post, 5)
    server = Server(forum_route(posts))
    yield server, posts
    server.close()


def test_forum_posts_page_resume_and_build_with_their_citations(forum, tmp_path):
    server, posts = forum
    client = quick()
    result = fetch_forum(
        "lesswrong", tmp_path, tag="Corrigibility", comments=True, endpoint=server.url, client=client, page_size=2
    )
    assert (result.items, result.new, result.extra) == (5, 5, {"comments": 6})
    assert len(server.requests) == 1 + 3 + 3  # the tag, three pages of two, comments of the three posts with some
    assert all(headers.get("User-Agent") == USER_AGENT for _, _, headers in server.requests)
    rows = [json.loads(line) for line in (tmp_path / "lesswrong.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == sorted(f"lw:{p['_id']}" for p in posts)
    assert rows[0]["text_format"] == "markdown" and rows[0]["tags"] == ["Corrigibility"] and rows[0]["karma"] == 956
    before = len(server.requests)
    again = fetch_forum("lesswrong", tmp_path, comments=True, endpoint=server.url, client=quick(), page_size=2)
    assert (again.items, again.new) == (5, 0) and len(server.requests) - before == 3  # pages only: comments are in
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graph = kg.build([tmp_path], outdir=None).graph
    documents = [n for n, k in graph.nodes(data="kind") if k == "document"]
    assert len(documents) == 5 + 6
    cites = [(a, b) for a, b, k in graph.edges(keys=True) if k == "cites"]
    assert ("doc:lw:post0004xxxxxxxxxx", "doc:lw:post0003xxxxxxxxxx") in cites and len(cites) >= 4 + 6
    assert "corrigibility" in graph and graph.nodes["doc:lw:post0004xxxxxxxxxx"]["authors"] == "Eliezer Yudkowsky"


def test_an_unknown_tag_is_a_clear_error(forum, tmp_path):
    server, _ = forum
    with pytest.raises(FetchError, match=r"no tag 'no such tag'"):
        fetch_forum("alignmentforum", tmp_path, tag="no such tag", endpoint=server.url, client=quick())


def test_the_client_retries_what_may_pass_and_honours_retry_after(forum, tmp_path):
    server, _ = forum
    good = server.route
    server.queue = [
        (429, {"Retry-After": "7"}, b"slow down"),
        (500, {}, b"oops"),
        (200, {"Content-Length": "5000"}, b'{"data": {"posts"'),  # cut short: the connection ends early
        (*_json({}), 2.0),  # no answer in time
    ]
    client = quick(timeout=0.5)
    result = fetch_forum("lesswrong", tmp_path, endpoint=server.url, client=client, limit=3)
    assert result.new == 3 and client.waits[:4] == [7.0, 1.0, 2.0, 4.0]  # Retry-After, then doubling backoff
    assert len(server.requests) == 5 and good is server.route


def test_giving_up_says_what_failed_and_leaves_whole_files(forum, tmp_path):
    server, posts = forum
    route = server.route

    def second_page_fails(method, path, body):
        terms = json.loads(body)["variables"]["terms"]
        return (503, {"Retry-After": "1"}, b"down") if terms["offset"] else route(method, path, body)

    server.route = second_page_fails
    with pytest.raises(FetchError, match=r"HTTP 503 Service Unavailable \(5 tries\); run the same command again"):
        fetch_forum("lesswrong", tmp_path, endpoint=server.url, client=quick(), page_size=2)
    assert [p.name for p in tmp_path.iterdir()] == ["lesswrong.jsonl"]  # no temporary file left behind
    assert len((tmp_path / "lesswrong.jsonl").read_text().splitlines()) == 2  # the first page, whole
    server.queue = [(429, {"Retry-After": "3600"}, b"")]
    with pytest.raises(FetchError, match=r"asked to wait 3600 s; run the same command again later"):
        fetch_forum("lesswrong", tmp_path, endpoint=server.url, client=quick(), page_size=2)
    server.route = route
    assert fetch_forum("lesswrong", tmp_path, endpoint=server.url, client=quick(), page_size=2).new == 3


def test_cli_fetch_lesswrong(forum, tmp_path):
    server, _ = forum
    out = tmp_path / "fetched"
    result = CliRunner().invoke(
        cli, ["fetch", "lesswrong", "--endpoint", server.url, "-o", str(out), "--limit", "2", "--rate", "1000"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Fetched 2 new posts (2 in {out / 'lesswrong.jsonl'}) with 1 requests\nNext: kg build {out} -o fetched-graph\n"
    )
    server.queue = [(404, {}, b"no")]
    result = CliRunner().invoke(cli, ["fetch", "lesswrong", "--endpoint", server.url, "-o", str(out), "--rate", "1000"])
    assert result.exit_code == 1 and result.output == (
        f"Error: {server.url}: HTTP 404 Not Found; check the query and options\n"
    )


# --- arXiv and PDFs ---------------------------------------------------------------------------------------------

PAPERS = {
    "2312.09390": ("Weak-to-Strong Generalization", ["Collin Burns", "Jan Leike"], "1805.00899"),
    "1805.00899": ("AI Safety via Debate", ["Geoffrey Irving", "Paul Christiano"], "1810.08575"),
    "1810.08575": ("Supervising Strong Learners by Amplifying Weak Experts", ["Paul Christiano"], None),
}


def atom(ids: list[str]) -> bytes:
    entries = "".join(
        f"""<entry><id>http://arxiv.org/abs/{i}v1</id><published>2023-12-14T18:00:00Z</published>
        <title>{PAPERS[i][0]}</title><summary>We study scalable oversight and weak-to-strong generalization
        with reward models.</summary>{"".join(f"<author><name>{a}</name></author>" for a in PAPERS[i][1])}
        <category term="cs.LG"/><arxiv:doi>10.0000/{i}</arxiv:doi></entry>"""
        for i in ids
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        f'xmlns:arxiv="http://arxiv.org/schemas/atom"><title>arXiv Query</title>{entries}</feed>'
    ).encode()


def pdf_bytes(arxiv: str) -> bytes:
    fpdf = pytest.importorskip("fpdf")
    title, authors, cites = PAPERS[arxiv]
    pdf = fpdf.FPDF()
    pdf.set_title(title)
    pdf.set_author(", ".join(authors))
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    text = f"arXiv:{arxiv}v1 [cs.LG]\n\n{title}\n\n" + "Scalable oversight of reward models matters. " * 30
    pdf.multi_cell(0, 5, text + (f"\n\nWe build on arXiv:{cites}." if cites else ""))
    return bytes(pdf.output())


@pytest.fixture
def arxiv_server():
    def route(method, path, body):
        if path.startswith("/api"):
            from urllib.parse import parse_qs, urlparse

            query = parse_qs(urlparse(path).query)
            ids = query["id_list"][0].split(",") if "id_list" in query else sorted(PAPERS)
            start = int(query.get("start", ["0"])[0])
            size = int(query["max_results"][0])
            return (
                200,
                {"Content-Type": "application/atom+xml"},
                atom(ids[start : start + size] if "start" in query else ids),
            )
        return 200, {"Content-Type": "application/pdf"}, pdf_bytes(path.rsplit("/", 1)[1])

    server = Server(route)
    yield server
    server.close()


def test_arxiv_papers_and_their_pdfs_build_with_citations(arxiv_server, tmp_path):
    api, pdfs = arxiv_server.url + "/api", arxiv_server.url + "/pdf/"
    fetch = functools.partial(fetch_arxiv, None, tmp_path, ids=sorted(PAPERS), pdf=True, endpoint=api, pdf_base=pdfs)
    result = fetch(client=quick())
    assert (result.items, result.new, result.extra) == (3, 3, {"pdfs": 3})
    rows = {json.loads(line)["id"]: json.loads(line) for line in (tmp_path / "arxiv.jsonl").read_text().splitlines()}
    paper = rows["arxiv:2312.09390"]
    assert paper["authors"] == ["Collin Burns", "Jan Leike"]
    assert paper["categories"] == ["cs.LG"] and paper["date_published"] == "2023-12-14"
    again = fetch(client=quick())
    assert again.new == 0 and again.requests == 1  # the listing only: every PDF is there
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graph = kg.build([tmp_path], outdir=None).graph
    assert sorted(n for n, k in graph.nodes(data="kind") if k == "document") == [
        f"doc:arxiv:{i}" for i in sorted(PAPERS)
    ]
    assert graph.has_edge("doc:arxiv:2312.09390", "doc:arxiv:1805.00899", "cites")
    assert graph.has_edge("doc:arxiv:1805.00899", "doc:arxiv:1810.08575", "cites")


def test_an_arxiv_search_pages_until_the_limit(arxiv_server, tmp_path):
    result = fetch_arxiv(
        'abs:"scalable oversight"', tmp_path, limit=3, endpoint=arxiv_server.url + "/api", client=quick(), page_size=2
    )
    assert (result.items, result.requests) == (3, 2)
    assert "search_query=abs%3A%22scalable+oversight%22" in arxiv_server.requests[0][1]


# --- feeds ------------------------------------------------------------------------------------------------------

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>LessWrong</title><link>https://www.lesswrong.com</link>
<item><title><![CDATA[On corrigibility]]></title><link>https://www.lesswrong.com/posts/aaaaaaaaaaaaaaaaa/on-corrigibility</link>
<guid isPermaLink="false">aaaaaaaaaaaaaaaaa</guid><dc:creator><![CDATA[Alex Turner]]></dc:creator>
<pubDate>Mon, 06 Nov 2023 10:00:00 GMT</pubDate><description><![CDATA[Published on November 6, 2023 10:00 AM GMT<br/><br/>
<p>Corrigibility and the shutdown problem.</p><br/><br/><a href="https://www.lesswrong.com/posts/aaaaaaaaaaaaaaaaa/on-corrigibility#comments">Discuss</a>]]></description></item>
<item><title><![CDATA[Reward is not the optimization target]]></title><link>https://www.lesswrong.com/posts/bbbbbbbbbbbbbbbbb/reward</link>
<guid isPermaLink="false">bbbbbbbbbbbbbbbbb</guid><dc:creator><![CDATA[Alex Turner]]></dc:creator>
<pubDate>Tue, 07 Nov 2023 10:00:00 GMT</pubDate><description><![CDATA[Published on November 7, 2023<br/><br/>
<p>Reward hacking, as <a href="https://www.lesswrong.com/posts/aaaaaaaaaaaaaaaaa/on-corrigibility">argued</a>.</p>]]></description></item>
<item><title>Scalable oversight, a Substack post</title><link>https://example.substack.com/p/oversight</link>
<guid isPermaLink="false">https://example.substack.com/p/oversight</guid><dc:creator>A Writer</dc:creator>
<pubDate>Wed, 08 Nov 2023 10:00:00 GMT</pubDate><description>A teaser only.</description>
<content:encoded><![CDATA[<p>Scalable oversight and debate, in full.</p>]]></content:encoded></item>
</channel></rss>"""


def test_a_feed_is_saved_and_builds_one_document_per_item(tmp_path):
    server = Server(lambda method, path, body: (200, {"Content-Type": "application/rss+xml"}, FEED.encode()))
    try:
        result = fetch_feed(server.url + "/feed.xml?view=frontpage-rss", tmp_path, client=quick())
        assert (
            result.items == 3
            and result.path.name == "127-0-0-1-" + server.url.rsplit(":", 1)[1] + "-feed-xml-view-frontpage-rss.xml"
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            graph = kg.build([tmp_path], outdir=None).graph
        assert graph.has_edge("doc:lw:bbbbbbbbbbbbbbbbb", "doc:lw:aaaaaaaaaaaaaaaaa", "cites")
        assert sum(1 for _, k in graph.nodes(data="kind") if k == "document") == 3
        assert "scalable-oversight" in graph  # from the Substack item's full text, not its teaser
        server.route = lambda method, path, body: (200, {}, b"<html>not a feed</html>")
        with pytest.raises(FetchError, match="not an RSS or Atom feed"):
            fetch_feed(server.url + "/page", tmp_path, client=quick())
    finally:
        server.close()


def test_cli_fetch_arxiv_by_ids_or_by_a_query(arxiv_server, tmp_path):
    api = arxiv_server.url + "/api"
    by_ids = ["fetch", "arxiv", "2312.09390", "arXiv:1805.00899v2", "--endpoint", api, "--rate", "1e6"]
    result = CliRunner().invoke(cli, [*by_ids, "-o", str(tmp_path / "ids")])
    assert result.exit_code == 0, result.output
    assert (
        result.output.splitlines()[0]
        == f"Fetched 2 new papers (2 in {tmp_path / 'ids' / 'arxiv.jsonl'}) with 1 requests"
    )
    assert "id_list=2312.09390%2C1805.00899" in arxiv_server.requests[-1][1]
    query = ["fetch", "arxiv", "abs:scalable", "AND", "cat:cs.LG", "--limit", "3", "--endpoint", api, "--rate", "1e6"]
    result = CliRunner().invoke(cli, [*query, "-o", str(tmp_path / "query")])
    assert result.exit_code == 0 and result.output.startswith("Fetched 3 new papers")
    assert "search_query=abs%3Ascalable+AND+cat%3Acs.LG" in arxiv_server.requests[-1][1]
