"""Readers: files of many formats become ``Document`` records.

``read_corpus`` takes files, folders (read recursively) and globs, picks a reader by file suffix, drops
duplicates (same id or URL) and warns once, with a count and a list, about files it could not use.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import glob
import json
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup

from .errors import InputError, KgWarning
from .keys import slugify
from .markup import Link, html_to_text, markdown_to_text, plain_text_links
from .urls import normalize_url, post_key

__all__ = ["Document", "Link", "read_corpus", "read_file", "READERS"]


@dataclass(frozen=True)
class Document:
    """One piece of writing: a post, a page, a feed item or a dataset row.

    ``id`` is a stable slug (``lw:<post id>`` for LessWrong posts); ``date`` is ISO ``YYYY-MM-DD``;
    ``names`` are the extra handles other documents may link it by (permalink, aliases, slug);
    ``metadata`` keeps the source's other scalar fields.
    """

    id: str
    title: str
    text: str
    url: str | None = None
    date: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    path: str | None = None
    names: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


def _date(value: Any) -> str | None:
    """ISO date from a YAML date, an ISO timestamp or an RFC-822 date; ``None`` when unreadable."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if re.match(r"\d{4}[-/]\d{2}[-/]\d{2}", value):
        return value[:10].replace("/", "-")
    if re.fullmatch(r"\d{4}", value):
        return f"{value}-01-01"
    try:
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError):
        return None


def _names(value: Any) -> tuple[str, ...]:
    """A tuple of clean strings from a string, a list, or a list of dicts with a name."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else re.split(r"\s*(?:;|\band\b)\s*", str(value))
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("displayName") or item.get("name") or item.get("username")
        if item is None:
            continue
        name = " ".join(str(item).split())
        if re.fullmatch(r"[^,]+, [^,]+", name):  # "Last, First" as in the Alignment Research Dataset
            last, first = name.split(", ")
            name = f"{first} {last}"
        if name and name not in out:
            out.append(name)
    return tuple(out)


def _scalars(record: dict[str, Any], used: Iterable[str]) -> dict[str, Any]:
    skip = set(used)
    return {k: v for k, v in sorted(record.items()) if k not in skip and isinstance(v, str | int | float | bool)}


# --- markdown and plain text ---------------------------------------------------------------------------------

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)


def read_markdown(path: Path) -> Iterator[Document]:
    """A markdown file with optional YAML front matter."""
    raw = path.read_text(encoding="utf-8")
    meta: dict[str, Any] = {}
    body = raw
    match = _FRONT.match(raw)
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            raise InputError(f"bad YAML front matter ({str(exc).splitlines()[0]})") from None
        meta = loaded if isinstance(loaded, dict) else {}
        body = raw[match.end() :]
    if not body.strip():
        return
    text, links = markdown_to_text(body)
    url = meta.get("url") or meta.get("original_url") or meta.get("lw-page-url")
    permalink = str(meta.get("permalink") or "").strip("/")
    aliases = [str(a).strip("/") for a in meta.get("aliases") or [] if a]
    lw_key = post_key(url)
    yield Document(
        id=lw_key or slugify(permalink or path.stem),
        title=str(meta.get("title") or _title_from_name(path)).strip(),
        text=text,
        url=str(url) if url else None,
        date=_date(meta.get("date_published") or meta.get("date") or meta.get("lw-posted-at")),
        authors=_names(meta.get("authors") or meta.get("author")),
        tags=tuple(str(t) for t in meta.get("tags") or () if t),
        links=tuple(links),
        path=str(path),
        names=tuple(dict.fromkeys(n for n in [permalink, *aliases, path.stem] if n)),
        metadata=_scalars(meta, ("title", "url", "tags", "aliases", "authors", "author", "permalink")),
    )


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip() or path.name


def read_text(path: Path) -> Iterator[Document]:
    """A plain-text file; its title is the first line when that looks like a title, else the file name."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n").strip()
    if not text:
        return
    lines = [line for line in text.split("\n") if line.strip()]
    if sum(map(len, lines)) / len(lines) > 150:  # long lines are paragraphs, not hard-wrapped prose
        text = re.sub(r"\n+", "\n\n", text)
    first = text.split("\n", 1)[0].strip()
    looks_like_title = 2 <= len(first.split()) <= 15 and not first.endswith((".", "!", "?", ",", ";", ":", "…"))
    yield Document(
        id=slugify(path.stem),
        title=first if looks_like_title else _title_from_name(path),
        text=text,
        links=tuple(plain_text_links(text)),
        path=str(path),
        names=(path.stem,),
    )


# --- HTML pages ---------------------------------------------------------------------------------------------


def read_html(path: Path) -> Iterator[Document]:
    """A saved web page: main text, title and authors from meta tags, links from anchors."""
    html = path.read_text(encoding="utf-8", errors="replace")
    soup = BeautifulSoup(html, "lxml")

    def meta(*names: str) -> list[str]:
        found: list[str] = []
        for name in names:
            for tag in soup.find_all("meta", attrs={"name": name}) + soup.find_all("meta", attrs={"property": name}):
                content = tag.get("content")
                if isinstance(content, str) and content.strip() and content.strip() not in found:
                    found.append(content.strip())
        return found

    title = (meta("citation_title", "og:title") or [soup.title.get_text(strip=True) if soup.title else ""])[0]
    text, links = html_to_text(html, main_only=True)
    if not text.strip():
        return
    url: str | None = next(iter(meta("citation_public_url", "citation_fulltext_html_url", "og:url")), None)
    canonical = soup.find("link", rel="canonical")
    href = canonical.get("href") if canonical is not None else None
    if not url and isinstance(href, str):
        url = href
    doi = next(iter(meta("citation_doi")), None)
    yield Document(
        id=slugify(f"doi {doi}") if doi else slugify(path.stem),
        title=title or _title_from_name(path),
        text=text,
        url=url,
        date=_date(
            next(
                iter(meta("citation_publication_date", "citation_date", "article:published_time", "article:published")),
                None,
            )
        ),
        authors=_names(meta("citation_author", "article:author", "author")),
        tags=tuple(meta("article:tag", "citation_keywords")),
        links=tuple(links),
        path=str(path),
        names=(path.stem,),
        metadata={"doi": doi} if doi else {},
    )


# --- RSS and Atom feeds --------------------------------------------------------------------------------------

_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
_PUBLISHED_ON = re.compile(r"^\s*Published on [^<]*?(?:<br\s*/?>\s*){1,2}", re.I)
_DISCUSS = re.compile(r"(?:<br\s*/?>\s*)*<a [^>]*href=\"[^\"]*#comments\"[^>]*>\s*Discuss\s*</a>\s*$", re.I)


def read_feed(path: Path) -> Iterator[Document]:
    """An RSS 2.0 or Atom feed: one document per item, LessWrong's layout cleaned up."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputError(f"not a well-formed feed ({exc})") from None
    if root.tag == f"{{{_NS['atom']}}}feed":
        yield from _atom_entries(root, path)
        return
    for item in root.iter("item"):
        html = item.findtext("content:encoded", namespaces=_NS) or item.findtext("description") or ""
        html = _DISCUSS.sub("", _PUBLISHED_ON.sub("", html))
        link = (item.findtext("link") or "").strip() or None
        guid = (item.findtext("guid") or "").strip()
        lw_guid = f"lw:{guid}" if re.fullmatch(r"[A-Za-z0-9]{17}", guid) else None
        yield _feed_document(
            path,
            key=post_key(link) or lw_guid or slugify(guid or link or item.findtext("title") or ""),
            title=item.findtext("title") or "",
            html=html,
            url=link,
            date=item.findtext("pubDate") or item.findtext("dc:date", namespaces=_NS),
            authors=[e.text for e in item.findall("dc:creator", _NS) + item.findall("author") if e.text],
            tags=[c.text for c in item.findall("category") if c.text],
        )


def _atom_entries(root: ET.Element, path: Path) -> Iterator[Document]:
    for entry in root.iter(f"{{{_NS['atom']}}}entry"):
        link = next(
            (e.get("href") for e in entry.findall("atom:link", _NS) if e.get("rel", "alternate") == "alternate"), None
        )
        html = entry.findtext("atom:content", namespaces=_NS) or entry.findtext("atom:summary", namespaces=_NS) or ""
        key = entry.findtext("atom:id", namespaces=_NS) or link or ""
        yield _feed_document(
            path,
            key=post_key(link) or slugify(key),
            title=entry.findtext("atom:title", namespaces=_NS) or "",
            html=html,
            url=link,
            date=entry.findtext("atom:published", namespaces=_NS) or entry.findtext("atom:updated", namespaces=_NS),
            authors=[e.text for e in entry.findall("atom:author/atom:name", _NS) if e.text],
            tags=[c.get("term") for c in entry.findall("atom:category", _NS) if c.get("term")],
        )


def _feed_document(
    path: Path,
    *,
    key: str,
    title: str,
    html: str,
    url: str | None,
    date: str | None,
    authors: list[str],
    tags: list[Any],
) -> Document:
    text, links = html_to_text(html)
    return Document(
        id=key,
        title=" ".join(title.split()),
        text=text,
        url=url,
        date=_date(date),
        authors=_names(authors),
        tags=tuple(tags),
        links=tuple(links),
        path=str(path),
    )


# --- JSON: LessWrong GraphQL responses and Alignment Research Dataset rows ------------------------------------


def read_json(path: Path) -> Iterator[Document]:
    """A LessWrong/Alignment Forum GraphQL response, or a JSON array of dataset rows."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if isinstance(data, dict) and isinstance(data.get("data"), dict):
        payload = data["data"]
        posts: list[Any] = []
        if isinstance(payload.get("post"), dict):
            posts = [payload["post"].get("result")]
        elif isinstance(payload.get("posts"), dict):
            posts = list(payload["posts"].get("results") or [])
        for post in posts:
            if isinstance(post, dict):
                document = graphql_post(post, path)
                if document.text or document.title:
                    yield document
        return
    rows = data if isinstance(data, list) else [data]
    yield from _rows(rows, path)


def read_jsonl(path: Path) -> Iterator[Document]:
    """JSON Lines in the Alignment Research Dataset schema (one document per line)."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"line {number} is not valid JSON ({exc.msg})") from None
    yield from _rows(rows, path)


def graphql_post(post: dict[str, Any], path: Path) -> Document:
    """One post object of the LessWrong GraphQL API."""
    contents = post.get("contents") or {}
    markdown = contents.get("markdown") if isinstance(contents, dict) else None
    if markdown:
        text, links = markdown_to_text(markdown)
    else:
        html = (contents.get("html") if isinstance(contents, dict) else None) or post.get("htmlBody") or ""
        text, links = html_to_text(html)
    url = post.get("pageUrl") or post.get("url")
    user = post.get("user") or {}
    key = f"lw:{post['_id']}" if post.get("_id") else post_key(url)
    return Document(
        id=key or slugify(post.get("slug") or post.get("title") or path.stem),
        title=" ".join(str(post.get("title") or "").split()),
        text=text,
        url=url,
        date=_date(post.get("postedAt")),
        authors=_names([user, *(post.get("coauthors") or [])] if user else post.get("coauthors")),
        tags=_names(post.get("tags")),
        links=tuple(links),
        path=str(path),
        names=(post["slug"],) if post.get("slug") else (),
        metadata=_scalars(post, ("_id", "title", "pageUrl", "url", "postedAt", "htmlBody", "slug")),
    )


def _rows(rows: Iterable[Any], path: Path) -> Iterator[Document]:
    for row in rows:
        if not isinstance(row, dict):
            continue
        if "_id" in row and ("htmlBody" in row or "contents" in row):
            document = graphql_post(row, path)
        else:
            document = dataset_row(row, path)
        if document.text or document.title:
            yield document


def dataset_row(row: dict[str, Any], path: Path) -> Document:
    """A row in the Alignment Research Dataset schema: id, source, title, text, url, date_published, authors."""
    text = str(row.get("text") or "")
    links = plain_text_links(text)
    links += [Link(str(u), "", -1) for u in row.get("links_external") or () if isinstance(u, str)]
    url = row.get("url")
    key = str(row.get("id") or post_key(url) or slugify(str(url or row.get("title") or "")))
    return Document(
        id=key,
        title=" ".join(str(row.get("title") or "").split()),
        text=text.strip(),
        url=url,
        date=_date(row.get("date_published") or row.get("date")),
        authors=_names(row.get("authors")),
        tags=_names(row.get("tags")),
        links=tuple(links),
        path=str(path),
        names=(row["slug"],) if isinstance(row.get("slug"), str) else (),
        metadata=_scalars(row, ("id", "title", "text", "url", "date_published", "date", "authors", "slug")),
    )


# --- dispatch ---------------------------------------------------------------------------------------------------

READERS: dict[str, Callable[[Path], Iterator[Document]]] = {
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".txt": read_text,
    ".html": read_html,
    ".htm": read_html,
    ".xml": read_feed,
    ".rss": read_feed,
    ".atom": read_feed,
    ".json": read_json,
    ".jsonl": read_jsonl,
}
# Files in a corpus folder that describe the folder rather than belong to it.
_NOT_DOCUMENTS = re.compile(r"^(readme|source|license|licence|changelog|copying)(\.[a-z]+)?$", re.I)


def _expand(inputs: Iterable[str | Path]) -> tuple[list[Path], list[str]]:
    """Files named by the inputs (folders recursively, globs), and the inputs that matched nothing."""
    files: list[Path] = []
    missing: list[str] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in READERS
                and not _NOT_DOCUMENTS.match(p.name)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            files.append(path)
        elif any(ch in str(item) for ch in "*?["):
            matched = sorted(Path(p) for p in glob.glob(str(item), recursive=True) if Path(p).is_file())
            files += matched
            if not matched:
                missing.append(str(item))
        else:
            missing.append(str(item))
    return list(dict.fromkeys(files)), missing


def read_file(path: str | Path) -> list[Document]:
    """Documents in one file, by its suffix.

    Raises
    ------
    InputError
        The suffix has no reader or the file cannot be parsed.
    """
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise InputError(f"{path}: no reader for '{path.suffix or path.name}' files (known: {known})")
    try:
        return list(reader(path))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


def _fuller(a: Document, b: Document) -> Document:
    """Of two copies of a document, the one with the longer text; on a tie the one from the first path, so that
    the order inputs are listed in never changes what is kept."""
    return min(a, b, key=lambda d: (-len(d.text), d.path or "", d.id))


def read_corpus(inputs: Iterable[str | Path]) -> list[Document]:
    """Read every document under ``inputs`` (files, folders, globs), sorted by id.

    Unreadable files are skipped, and of documents met twice (same id or URL) only the one with the longer text is
    kept; each problem gives one ``KgWarning`` naming the items, and the rest of the corpus is still returned.

    Raises
    ------
    InputError
        An input does not exist, or no document could be read at all.
    """
    inputs = list(inputs)
    files, missing = _expand(inputs)
    if missing:
        raise InputError(f"no such file, folder or glob match: {', '.join(missing)}")
    documents: dict[str, Document] = {}
    seen_urls: dict[str, str] = {}
    failures: list[str] = []
    duplicates: list[str] = []
    for path in files:
        try:
            found = read_file(path)
        except InputError as exc:
            failures.append(str(exc))
            continue
        for document in found:
            url_key = normalize_url(document.url) if document.url else None
            earlier = document.id if document.id in documents else seen_urls.get(url_key or "")
            if earlier is not None:
                # The same document twice (say, an excerpt and the full post): keep the fuller text.
                duplicates.append(f"{document.id} ({path.name})")
                if _fuller(documents[earlier], document) is documents[earlier]:
                    continue
                kept = documents.pop(earlier)
                seen_urls = {k: v for k, v in seen_urls.items() if v != kept.id}
            documents[document.id] = document
            if url_key:
                seen_urls[url_key] = document.id
    if failures:
        warnings.warn(
            f"skipped {len(failures)} unreadable file{'s' * (len(failures) != 1)}: " + "; ".join(failures),
            KgWarning,
            stacklevel=2,
        )
    if duplicates:
        warnings.warn(
            f"kept one copy (the longest) of {len(duplicates)} duplicate document{'s' * (len(duplicates) != 1)}: "
            + ", ".join(duplicates[:20])
            + (" ..." if len(duplicates) > 20 else ""),
            KgWarning,
            stacklevel=2,
        )
    if not documents:
        where = ", ".join(str(i) for i in inputs)
        raise InputError(f"no documents found in {where}; kg reads {', '.join(sorted(READERS))} files")
    return sorted(documents.values(), key=lambda d: d.id)
