"""The extraction cache's storage: one SQLite file of JSON values, keyed by what extraction depends on.

Values are data, never code: an extraction is written as JSON (``extraction_to_json``) and read back through a
parser that checks every field's type (``extraction_from_json``), so a tampered or foreign file can at worst make
kg extract again. SQLite in WAL mode keeps the file whole when a build is killed and lets two builds share it.
Beside the extractions it keeps the tagger's yes/no verdicts on discovery's short list (``verdict``), so that a
rebuild tags no sentence twice, the measures and layout of graphs built before (``measures``, keyed by the whole
graph), so that a rebuild with other page options does not compute them again, and the output files of the last
few builds (``build`` and ``output``, keyed by the input files' bytes, the settings and the code), so that a
rebuild of an unchanged corpus only writes them out again. ``kg.extract.ExtractionCache`` decides the keys; this
module knows nothing of spaCy.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .errors import KgError
from .records import Extraction, Mentions

__all__ = ["Store", "CacheInfo", "extraction_to_json", "extraction_from_json", "cache_info", "clear_cache"]

FILE = "extractions.sqlite"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS extraction (key TEXT PRIMARY KEY, doc_id TEXT NOT NULL, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS verdict (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS measures (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS build (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS output (build TEXT NOT NULL, name TEXT NOT NULL, value BLOB NOT NULL,"
    " PRIMARY KEY (build, name))"
)


def extraction_to_json(extraction: Extraction) -> str:
    """An extraction as compact JSON; each sentence's text is stored once, its mentions point to it.

    >>> from kg.records import Mention
    >>> e = Extraction("d", (Mention("k", "d", 0, 0, 2, 5, 8, "K", "A K."),), 1, 1, 3, (), (("https://x.org", 0),))
    >>> extraction_from_json(extraction_to_json(e)) == e
    True
    """
    mentions = extraction.mentions
    fields = ("key", "sentence", "paragraph", "token", "start", "end", "surface", "text_index")
    return json.dumps(
        {
            "doc": extraction.doc_id,
            "units": [extraction.n_sentences, extraction.n_paragraphs, extraction.n_tokens],
            "sentences": mentions.sentences,
            "mentions": list(mentions.columns(*fields)),
            "abbreviations": [list(pair) for pair in extraction.abbreviations],
            "links": [list(pair) for pair in extraction.links],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


T = TypeVar("T")


def _typed(value: object, kind: type[T]) -> T:
    if type(value) is not kind:  # exact: a bool is no count
        raise ValueError(f"expected {kind.__name__}, found {type(value).__name__}")
    return value


def _fields(value: object, n: int) -> list:
    row = _typed(value, list)
    if len(row) != n:
        raise ValueError(f"expected {n} fields, found {len(row)}")
    return row


def extraction_from_json(text: str) -> Extraction:
    """The extraction ``extraction_to_json`` wrote; ``ValueError`` for anything else (wrong shape or types)."""
    data = _typed(json.loads(text), dict)
    doc_id = _typed(data.get("doc"), str)
    n_sentences, n_paragraphs, n_tokens = (_typed(n, int) for n in _fields(data.get("units"), 3))
    sentences = [_typed(s, str) for s in _typed(data.get("sentences"), list)]
    keys, surfaces, numbers = [], [], []
    for value in _typed(data.get("mentions"), list):
        row = _fields(value, 8)
        keys.append(_typed(row[0], str))
        surfaces.append(_typed(row[6], str))
        numbers += [_typed(n, int) for n in row[1:6]]
        numbers.append(_typed(row[7], int))
    mentions = Mentions.packed(doc_id, keys, surfaces, sentences, numbers)
    abbreviations = tuple(
        (_typed(short, str), _typed(long, str))
        for short, long in (_fields(v, 2) for v in _typed(data.get("abbreviations"), list))
    )
    links = tuple(
        (_typed(url, str), _typed(sentence, int))
        for url, sentence in (_fields(v, 2) for v in _typed(data.get("links"), list))
    )
    return Extraction(doc_id, mentions, n_sentences, n_paragraphs, n_tokens, abbreviations, links)


class Store:
    """Keyed JSON values in ``folder/extractions.sqlite``: WAL journal, a busy timeout for a second build, writes
    committed in batches (a killed build loses at most its last uncommitted batch, never the file)."""

    BATCH = 64

    def __init__(self, folder: Path):
        self.path = Path(folder) / FILE
        self._db: sqlite3.Connection | None = None
        self._pending = 0

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            self._db = db
        return self._db

    def _rows(self, table: str, keys: Iterable[str]) -> Iterator[tuple[str, object]]:
        wanted = list(dict.fromkeys(keys))
        db = self._connect()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            yield from db.execute(f"SELECT key, value FROM {table} WHERE key IN ({','.join('?' * len(chunk))})", chunk)

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        """The stored values of ``keys`` (those present), in one pass."""
        return {k: v for k, v in self._rows("extraction", keys) if isinstance(v, str)}

    def get_verdicts(self, keys: Iterable[str]) -> dict[str, bool]:
        """The stored yes/no verdicts of ``keys`` (those present)."""
        return {k: bool(v) for k, v in self._rows("verdict", keys) if type(v) is int and v in (0, 1)}

    def get_measures(self, key: str) -> str | None:
        """The stored measures of a graph (JSON text), if any."""
        return next((v for _, v in self._rows("measures", [key]) if isinstance(v, str)), None)

    KEEP_MEASURES = 20  # graphs whose measures are kept: a graph's are about 0.1 KB a node

    def put_measures(self, key: str, value: str) -> None:
        """Store a graph's measures, and drop all but those of the KEEP_MEASURES graphs measured last."""
        db = self._connect()
        db.execute("INSERT OR REPLACE INTO measures (key, value) VALUES (?, ?)", (key, value))
        db.execute(
            "DELETE FROM measures WHERE rowid NOT IN (SELECT rowid FROM measures ORDER BY rowid DESC LIMIT ?)",
            (self.KEEP_MEASURES,),
        )
        db.commit()

    KEEP_BUILDS = 3  # builds whose outputs are kept, compressed: the whole shared corpus's take 17 MB

    def get_build(self, key: str) -> tuple[str, dict[str, bytes]] | None:
        """What a build stored under ``key`` (JSON text) and its output files by name, read in one transaction."""
        db = self._connect()
        self.flush()
        with db:  # one snapshot: a second build pruning old builds cannot take the files from under the summary
            db.execute("BEGIN")
            found = db.execute("SELECT value FROM build WHERE key = ?", (key,)).fetchone()
            if found is None or not isinstance(found[0], str):
                return None
            rows = db.execute("SELECT name, value FROM output WHERE build = ?", (key,)).fetchall()
        try:
            return found[0], {name: zlib.decompress(value) for name, value in rows}
        except (zlib.error, TypeError):
            return None

    def put_build(self, key: str, value: str, files: Iterable[Path]) -> None:
        """Store a build's summary and its output ``files`` (read one at a time, compressed) under ``key``, and
        drop all but the KEEP_BUILDS builds stored last. All or nothing: a killed build leaves no half entry."""
        db = self._connect()
        self.flush()
        with db:
            db.execute("DELETE FROM output WHERE build = ?", (key,))
            db.execute("INSERT OR REPLACE INTO build (key, value) VALUES (?, ?)", (key, value))
            for path in files:
                db.execute(
                    "INSERT INTO output (build, name, value) VALUES (?, ?, ?)",
                    (key, path.name, zlib.compress(path.read_bytes(), 1)),
                )
            db.execute(
                "DELETE FROM build WHERE rowid NOT IN (SELECT rowid FROM build ORDER BY rowid DESC LIMIT ?)",
                (self.KEEP_BUILDS,),
            )
            db.execute("DELETE FROM output WHERE build NOT IN (SELECT key FROM build)")

    def put_verdicts(self, verdicts: dict[str, bool]) -> None:
        db = self._connect()
        db.executemany(
            "INSERT OR REPLACE INTO verdict (key, value) VALUES (?, ?)", [(k, int(v)) for k, v in verdicts.items()]
        )
        db.commit()

    def put(self, key: str, doc_id: str, value: str) -> None:
        db = self._connect()
        db.execute("INSERT OR REPLACE INTO extraction (key, doc_id, value) VALUES (?, ?, ?)", (key, doc_id, value))
        self._pending += 1
        if self._pending >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self._db is not None and self._pending:
            self._db.commit()
            self._pending = 0

    def close(self) -> None:
        if self._db is not None:
            self.flush()
            self._db.close()
            self._db = None


@dataclass(frozen=True)
class CacheInfo:
    """What ``kg cache info`` shows: where the cache is, how many extractions it holds, its size, and how many
    tagger verdicts, measured graphs and builds' outputs it keeps."""

    folder: Path
    entries: int
    bytes: int
    legacy_files: int  # per-document pickles an earlier kg wrote there: never read, removed by ``clear_cache``
    verdicts: int = 0
    graphs: int = 0
    builds: int = 0


def _legacy(folder: Path) -> list[Path]:
    return sorted(folder.glob("[0-9a-f][0-9a-f]/*.pickle"))


def cache_info(folder: Path) -> CacheInfo:
    """The cache in ``folder`` (which may not exist yet)."""
    path = Path(folder) / FILE
    rows = {"extraction": 0, "verdict": 0, "measures": 0, "build": 0}
    if path.exists():
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as db:
                tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                for table in rows.keys() & tables:  # a cache an earlier kg made may lack the newer tables
                    rows[table] = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise KgError(f"{path} is not a usable cache ({exc}); remove it with: kg cache clear") from None
    size = sum(p.stat().st_size for p in Path(folder).glob(FILE + "*"))
    legacy = len(_legacy(Path(folder)))
    return CacheInfo(Path(folder), rows["extraction"], size, legacy, rows["verdict"], rows["measures"], rows["build"])


def clear_cache(folder: Path) -> int:
    """Remove the cache in ``folder`` (the SQLite file, its journal, and old per-document files); the number of
    extractions removed."""
    folder = Path(folder)
    try:
        removed = cache_info(folder).entries
    except KgError:
        removed = 0
    for path in folder.glob(FILE + "*"):
        path.unlink(missing_ok=True)
    for path in _legacy(folder):
        path.unlink(missing_ok=True)
    for sub in folder.glob("[0-9a-f][0-9a-f]"):
        if sub.is_dir() and not any(sub.iterdir()):
            shutil.rmtree(sub, ignore_errors=True)
    return removed
