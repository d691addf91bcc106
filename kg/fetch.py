"""``kg fetch``: bring the field's sources into a folder that ``kg build`` reads.

- LessWrong and the Alignment Forum, over their public GraphQL API (ForumMagnum's ``posts(input: {terms})`` with
  paging), saved as JSON Lines in the Alignment Research Dataset schema plus LessWrong's fields (id, tags, score,
  comment count); the body is kept as markdown with its links, so citations between posts resolve. Comments are
  documents of their own, linked to their post.
- arXiv, over its Atom API: titles, abstracts, authors, dates, categories and arXiv ids; with ``pdf`` the papers
  themselves, read by ``kg.pdf``.
- Any RSS or Atom feed, saved as the feed file (``kg.corpus.read_feed`` makes one document per item).

The client is polite: a User-Agent naming kg and its version, at most ``rate`` requests a second, retries with
exponential backoff on timeouts, broken connections, 429 and 5xx (a ``Retry-After`` is honoured), and errors that
say what failed and that running the same command again resumes. Every file is written whole (a temporary file
renamed into place), and a second run fetches only what the folder lacks: posts and papers already saved are kept,
comments and PDFs are fetched only for items that have none yet.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from ._version import __version__
from .errors import KgError
from .export import write_atomic
from .keys import slugify
from .urls import ARXIV_ID

__all__ = [
    "Client",
    "FetchError",
    "FetchResult",
    "fetch_forum",
    "fetch_arxiv",
    "arxiv_request",
    "fetch_feed",
    "ENDPOINTS",
    "USER_AGENT",
]

USER_AGENT = f"kg/{__version__} (concept maps of AI-alignment writing; polite: 1 request/s, honours Retry-After)"
ENDPOINTS = {
    "lesswrong": "https://www.lesswrong.com/graphql",
    "alignmentforum": "https://www.alignmentforum.org/graphql",
    "arxiv": "https://export.arxiv.org/api/query",
}
Progress = Callable[[str, int, int | None], None]  # (what, done, total if known)


class FetchError(KgError):
    """A source could not be fetched; the message names the URL, what went wrong, and how to go on."""


@dataclass
class Client:
    """An HTTP client that waits between requests, retries what may pass, and gives up with a clear message.

    ``sleep`` is how it waits (tests pass one that records instead of sleeping).
    """

    rate: float = 1.0  # requests per second, at most
    retries: int = 4  # after the first try
    timeout: float = 30.0
    backoff: float = 2.0  # seconds before the first retry, doubling after each
    max_wait: float = 300.0  # a longer Retry-After is an error that says when to come back
    sleep: Callable[[float], None] = time.sleep
    transport: httpx.BaseTransport | None = None
    requests: int = field(default=0, init=False)
    _last: float = field(default=float("-inf"), init=False)

    def __post_init__(self) -> None:
        self._http = httpx.Client(
            headers={"User-Agent": USER_AGENT}, timeout=self.timeout, follow_redirects=True, transport=self.transport
        )

    def close(self) -> None:
        self._http.close()

    def get(self, url: str, **params: Any) -> httpx.Response:
        return self._send("GET", url, params={k: v for k, v in params.items() if v is not None})

    def graphql(self, url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """The ``data`` of a GraphQL answer; its ``errors`` become a ``FetchError``."""
        response = self._send("POST", url, json={"query": query, "variables": variables})
        try:
            answer = response.json()
        except ValueError:
            raise FetchError(f"{url}: the answer is not JSON; run the same command again to resume") from None
        if not isinstance(answer, dict):
            raise FetchError(f"{url}: unexpected answer ({type(answer).__name__})")
        if answer.get("errors"):
            messages = "; ".join(str(e.get("message", e))[:200] for e in answer["errors"] if isinstance(e, dict))
            raise FetchError(f"{url}: the API refused the query: {messages or answer['errors']}")
        data = answer.get("data")
        if not isinstance(data, dict):
            raise FetchError(f"{url}: the answer holds no data")
        return data

    def _pace(self) -> None:
        wait = self._last + 1 / self.rate - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        self._last = time.monotonic()

    def _send(self, method: str, url: str, **options: Any) -> httpx.Response:
        problem = ""
        for attempt in range(self.retries + 1):
            self._pace()
            self.requests += 1
            wait = self.backoff * 2**attempt
            try:
                response = self._http.request(method, url, **options)
                response.read()  # the whole body: a truncated one fails here, and is retried
            except httpx.TimeoutException:
                problem = f"no answer within {self.timeout:g} s"
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__}: {str(exc)[:80]})"
            else:
                status = response.status_code
                if status < 400:
                    return response
                if status != 429 and status < 500:
                    raise FetchError(f"{url}: HTTP {status} {response.reason_phrase}; check the query and options")
                problem = f"HTTP {status} {response.reason_phrase}"
                asked = _retry_after(response.headers.get("Retry-After"))
                if asked is not None:
                    if asked > self.max_wait:
                        raise FetchError(
                            f"{url}: {problem}, asked to wait {asked:.0f} s; run the same command again later "
                            "(it resumes where it stopped)"
                        )
                    wait = asked
            if attempt < self.retries:
                self.sleep(wait)
        raise FetchError(
            f"{url}: {problem} ({self.retries + 1} tries); run the same command again to resume where it stopped"
        )


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds or an HTTP date.

    >>> _retry_after("7"), _retry_after(None), _retry_after("soon")
    (7.0, None, None)
    """
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


@dataclass
class FetchResult:
    """What a fetch wrote: the file, how many items it now holds, how many were new, and requests made."""

    path: Path
    items: int
    new: int
    requests: int
    extra: dict[str, int] = field(default_factory=dict)


# --- saved rows: JSON Lines, rewritten whole after each page ----------------------------------------------------


def _load_rows(path: Path) -> dict[str, dict]:
    """Rows saved by an earlier run, by id (a line that does not parse is dropped and fetched again)."""
    rows: dict[str, dict] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and isinstance(row.get("id"), str):
                rows[row["id"]] = row
    return rows


def _save_rows(path: Path, rows: dict[str, dict]) -> None:
    write_atomic(path, "".join(json.dumps(rows[k], ensure_ascii=False) + "\n" for k in sorted(rows)))


# --- LessWrong and the Alignment Forum --------------------------------------------------------------------------

_AUTHOR = "user { username displayName slug }"
_POST = (
    f"_id slug title pageUrl postedAt baseScore voteCount commentCount wordCount af {_AUTHOR} "
    "coauthors { displayName slug } tags { name slug } contents { markdown }"
)
_POSTS = "query Posts($terms: JSON) { posts(input: {terms: $terms}) { results { " + _POST + " } } }"
_COMMENTS = (
    "query Comments($terms: JSON) { comments(input: {terms: $terms}) { results { "
    f"_id postId parentCommentId postedAt baseScore pageUrl {_AUTHOR} contents {{ markdown }} }} }} }}"
)
_TAG = "query Tag($slug: String) { tag(input: {selector: {slug: $slug}}) { result { _id name slug } } }"
_USER = "query User($slug: String) { user(input: {selector: {slug: $slug}}) { result { _id slug displayName } } }"


def _single(data: dict[str, Any], name: str) -> dict[str, Any] | None:
    found = data.get(name)
    result = found.get("result") if isinstance(found, dict) else None
    return result if isinstance(result, dict) else None


def _results(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    found = data.get(name)
    results = found.get("results") if isinstance(found, dict) else None
    return [r for r in results if isinstance(r, dict)] if isinstance(results, list) else []


def _names(people: Iterable[Any]) -> list[str]:
    return [p["displayName"] for p in people if isinstance(p, dict) and isinstance(p.get("displayName"), str)]


def post_row(post: dict[str, Any], site: str) -> dict[str, Any]:
    """A post of the GraphQL API as an Alignment Research Dataset row (plus LessWrong's own fields)."""
    contents = post.get("contents") if isinstance(post.get("contents"), dict) else {}
    user = post.get("user") if isinstance(post.get("user"), dict) else None
    return {
        "id": f"lw:{post['_id']}",
        "source": site,
        "title": post.get("title") or "",
        "authors": _names([user, *(post.get("coauthors") or [])] if user else post.get("coauthors") or []),
        "date_published": post.get("postedAt"),
        "url": post.get("pageUrl"),
        "text": (contents or {}).get("markdown") or "",
        "text_format": "markdown",
        "lw_id": post["_id"],
        "slug": post.get("slug"),
        "tags": [t["name"] for t in post.get("tags") or [] if isinstance(t, dict) and isinstance(t.get("name"), str)],
        "karma": post.get("baseScore"),
        "vote_count": post.get("voteCount"),
        "comment_count": post.get("commentCount"),
        "word_count": post.get("wordCount"),
        "af": post.get("af"),
    }


def comment_row(comment: dict[str, Any], post: dict[str, Any], site: str) -> dict[str, Any]:
    """A comment as a document of its own, linked to its post (``parent``, and a link in its text)."""
    contents = comment.get("contents") if isinstance(comment.get("contents"), dict) else {}
    user = comment.get("user") if isinstance(comment.get("user"), dict) else None
    post_url = post.get("url") or ""
    url = comment.get("pageUrl") or (f"{post_url}?commentId={comment['_id']}" if post_url else None)
    text = (contents or {}).get("markdown") or ""
    return {
        "id": f"lw-comment:{comment['_id']}",
        "source": f"{site} comment",
        "title": f"Comment on {post.get('title') or 'a post'}",
        "authors": _names([user] if user else []),
        "date_published": comment.get("postedAt"),
        "url": url,
        "text": f"{text}\n\n(On [{post.get('title') or 'the post'}]({post_url}))" if post_url else text,
        "text_format": "markdown",
        "lw_id": comment["_id"],
        "parent": post.get("id"),
        "karma": comment.get("baseScore"),
    }


def fetch_forum(
    site: str,
    outdir: str | Path,
    *,
    tag: str | None = None,
    author: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    comments: bool = False,
    endpoint: str | None = None,
    client: Client | None = None,
    page_size: int = 50,
    progress: Progress | None = None,
) -> FetchResult:
    """Posts of ``site`` (``lesswrong`` or ``alignmentforum``), newest first, into ``outdir/<site>.jsonl``.

    ``tag`` (a name or slug) and ``author`` (a user slug) narrow the posts, ``since``/``until`` (ISO dates) bound
    their dates, ``limit`` caps how many are fetched this run; with ``comments`` each new post's comments follow.
    """
    if site not in ("lesswrong", "alignmentforum"):
        raise FetchError(f"unknown site {site!r}: use lesswrong or alignmentforum")
    url = endpoint or ENDPOINTS[site]
    client = client or Client()
    path = Path(outdir) / f"{site}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = _load_rows(path)
    terms: dict[str, Any] = {"view": "new", "limit": page_size}
    if site == "alignmentforum":
        terms["af"] = True
    if since:
        terms["after"] = since
    if until:
        terms["before"] = until
    if tag:
        found = _single(client.graphql(url, _TAG, {"slug": slugify(tag)}), "tag")
        if found is None:
            raise FetchError(f"{url}: no tag {tag!r} (give its name or slug as the site shows it)")
        terms.update(view="tagRelevance", tagId=found["_id"])
    if author:
        user = _single(client.graphql(url, _USER, {"slug": author}), "user")
        if user is None:
            raise FetchError(f"{url}: no user with slug {author!r} (the name in their profile's address)")
        terms.update(view="userPosts", userId=user["_id"])
    new_posts: list[dict] = []
    offset = 0
    while limit is None or len(new_posts) < limit:
        page = _results(client.graphql(url, _POSTS, {"terms": {**terms, "offset": offset}}), "posts")
        for post in page:
            if isinstance(post.get("_id"), str) and f"lw:{post['_id']}" not in rows:
                rows[f"lw:{post['_id']}"] = post_row(post, site)
                new_posts.append(rows[f"lw:{post['_id']}"])
                if limit is not None and len(new_posts) >= limit:
                    break
        _save_rows(path, rows)
        if progress:
            progress("posts", len(new_posts), limit)
        if len(page) < page_size:
            break
        offset += page_size
    extra = {}
    if comments:
        extra["comments"] = _fetch_comments(client, url, site, rows, Path(outdir) / f"{site}-comments.jsonl", progress)
    return FetchResult(path, len(rows), len(new_posts), client.requests, extra)


def _fetch_comments(
    client: Client, url: str, site: str, posts: dict[str, dict], path: Path, progress: Progress | None
) -> int:
    """Comments of every saved post that has none saved yet (so a second run asks only for what is missing)."""
    saved = _load_rows(path)
    marks = _marks_path(path)  # posts whose comments are all saved, those with none included
    done = set(marks.read_text(encoding="utf-8").split()) if marks.exists() else set()
    parents = {row.get("parent") for row in saved.values()}
    todo = [p for key, p in sorted(posts.items()) if key not in done and key not in parents and p.get("comment_count")]
    for number, post in enumerate(todo, 1):
        terms = {"view": "postCommentsOld", "postId": post["lw_id"], "limit": 1000}
        for comment in _results(client.graphql(url, _COMMENTS, {"terms": terms}), "comments"):
            if isinstance(comment.get("_id"), str):
                row = comment_row(comment, post, site)
                saved[row["id"]] = row
        _save_rows(path, saved)
        done.add(post["id"])
        write_atomic(marks, "\n".join(sorted(done)) + "\n")
        if progress:
            progress("comments", number, len(todo))
    return len(saved)


def _marks_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.done")  # hidden: corpus readers skip it


# --- arXiv ------------------------------------------------------------------------------------------------------

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV_NS = "{http://arxiv.org/schemas/atom}"
_ID = re.compile(r"(?:arxiv\.org/abs/)?(" + ARXIV_ID + r")(v\d+)?$", re.I)
_GIVEN_ID = re.compile(r"(?:arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?", re.I)  # an id on the command line


def arxiv_request(terms: Sequence[str]) -> tuple[str | None, list[str]]:
    """What ``kg fetch arxiv TERMS...`` asks for: arXiv ids when every term is one (versions dropped), else the
    terms as one search query.

    >>> arxiv_request(["2312.09390", "arXiv:1805.00899v2"]), arxiv_request(['abs:"reward hacking"'])
    ((None, ['2312.09390', '1805.00899']), ('abs:"reward hacking"', []))
    """
    matches = [_GIVEN_ID.fullmatch(term) for term in terms]
    if all(matches):
        return None, [m.group(1) for m in matches if m]
    return " ".join(terms), []


def _entries(xml: bytes, url: str) -> Iterator[dict[str, Any]]:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise FetchError(f"{url}: the answer is not an Atom feed ({exc}); run the same command again") from None
    for entry in root.iter(f"{_ATOM}entry"):
        link = entry.findtext(f"{_ATOM}id") or ""
        match = _ID.search(link.strip())
        if not match:
            continue
        arxiv = match.group(1)
        yield {
            "id": f"arxiv:{arxiv}",
            "source": "arxiv",
            "title": " ".join((entry.findtext(f"{_ATOM}title") or "").split()),
            "authors": [" ".join((a.findtext(f"{_ATOM}name") or "").split()) for a in entry.findall(f"{_ATOM}author")],
            "date_published": (entry.findtext(f"{_ATOM}published") or "")[:10] or None,
            "url": f"https://arxiv.org/abs/{arxiv}",
            "text": " ".join((entry.findtext(f"{_ATOM}summary") or "").split()),
            "arxiv_id": arxiv,
            "categories": [c.get("term") for c in entry.findall(f"{_ATOM}category") if c.get("term")],
            "doi": entry.findtext(f"{_ARXIV_NS}doi"),
        }


def fetch_arxiv(
    query: str | None,
    outdir: str | Path,
    *,
    ids: Iterable[str] = (),
    limit: int = 100,
    pdf: bool = False,
    endpoint: str | None = None,
    pdf_base: str = "https://arxiv.org/pdf/",
    client: Client | None = None,
    page_size: int = 100,
    progress: Progress | None = None,
) -> FetchResult:
    """Papers matching ``query`` (arXiv's search syntax, e.g. ``abs:"reward hacking"``) or listed by ``ids``, into
    ``outdir/arxiv.jsonl``; with ``pdf`` each paper's PDF into ``outdir/pdf/<id>.pdf`` (only those missing)."""
    url = endpoint or ENDPOINTS["arxiv"]
    client = client or Client(rate=1 / 3)  # arXiv asks for one request every three seconds
    path = Path(outdir) / "arxiv.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = _load_rows(path)
    wanted = [i.strip() for i in ids if i.strip()]
    new = 0
    start = 0
    while start < (len(wanted) if wanted else limit):
        size = min(page_size, (len(wanted) - start) if wanted else limit - start)
        params = {"id_list": ",".join(wanted[start : start + size])} if wanted else {"search_query": query}
        response = client.get(url, **params, start=None if wanted else start, max_results=size)
        page = list(_entries(response.content, url))
        for row in page:
            if row["id"] not in rows:
                rows[row["id"]] = row
                new += 1
        _save_rows(path, rows)
        if progress:
            progress("papers", new, len(wanted) or limit)
        if not page or len(page) < size and not wanted:
            break
        start += size
    extra = {}
    if pdf:
        extra["pdfs"] = _fetch_pdfs(client, pdf_base, rows, Path(outdir) / "pdf", progress)
    return FetchResult(path, len(rows), new, client.requests, extra)


def _fetch_pdfs(client: Client, base: str, rows: dict[str, dict], folder: Path, progress: Progress | None) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    path = {r["arxiv_id"]: folder / f"{r['arxiv_id'].replace('/', '_')}.pdf" for r in rows.values()}
    todo = sorted(arxiv for arxiv, pdf in path.items() if not pdf.exists())
    for number, arxiv in enumerate(todo, 1):
        response = client.get(base + arxiv)
        if not response.content.startswith(b"%PDF"):
            raise FetchError(f"{base + arxiv}: not a PDF; run the same command again to resume")
        write_atomic(path[arxiv], response.content)
        if progress:
            progress("PDFs", number, len(todo))
    return sum(1 for _ in folder.glob("*.pdf"))


# --- feeds ------------------------------------------------------------------------------------------------------


def fetch_feed(url: str, outdir: str | Path, *, client: Client | None = None) -> FetchResult:
    """An RSS or Atom feed saved as ``outdir/<site-and-path>.xml`` (replaced whole each run: feeds are small)."""
    client = client or Client()
    response = client.get(url)
    body = response.content
    if not re.search(rb"<(rss|feed|rdf:RDF)\b", body[:2000]):
        raise FetchError(f"{url}: not an RSS or Atom feed")
    name = slugify(re.sub(r"^https?://(www\.)?", "", url))[:80] or "feed"
    path = Path(outdir) / f"{name}.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    items = len(re.findall(rb"<(item|entry)\b", body))
    write_atomic(path, body)
    return FetchResult(path, items, items, client.requests)
