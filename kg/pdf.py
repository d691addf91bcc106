"""Papers as PDF files: text in reading order (pypdf), title and authors from the metadata or the first page, the
arXiv id from the file name or the arXiv stamp, and references kept as links so that citations resolve.

pypdf rather than pdfminer.six: both are maintained pure-Python libraries, but on a 20-page paper pypdf took 0.29 s
and pdfminer.six 3.5 s here (``bench/pdf.py``), pypdf has no dependencies, and its ``extract_text`` keeps the
reading order of one- and most two-column layouts, which is what co-occurrence by sentence needs. A PDF is untrusted like any corpus file: a file pypdf cannot parse is
one skipped file, named, and the rest of the corpus is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .corpus import Document, InputError, _date, _note, _title_from_name
from .keys import slug_or_hash
from .markup import Link, plain_text_links
from .untrusted import clean_text

__all__ = ["read_pdf", "pdf_text", "arxiv_id_of"]

_ARXIV_NEW = r"(\d{4}\.\d{4,5})(?:v\d+)?"
_ARXIV_STAMP = re.compile(r"arXiv:\s*" + _ARXIV_NEW, re.I)
_ARXIV_NAME = re.compile(r"(?<![\d.])" + _ARXIV_NEW + r"(?![\d])")
_ARXIV_REFERENCE = re.compile(r"(?:arXiv:\s*|arxiv\.org/(?:abs|pdf)/)" + _ARXIV_NEW, re.I)
_NOT_A_TITLE = re.compile(r"^(untitled|microsoft word|.*\.(docx?|tex|dvi|pdf)$)|^\s*$", re.I)
_HYPHENATED = re.compile(r"(\w)-\n(\w)")  # a word broken over two lines
_SENTENCE_END = (".", "?", "!", ":", "”", '"')


def arxiv_id_of(path: Path, first_page: str) -> str | None:
    """The paper's arXiv id: from the file name (``2312.09390v2.pdf``) or the stamp arXiv prints on page one.

    >>> arxiv_id_of(Path("2312.09390v2.pdf"), ""), arxiv_id_of(Path("w2s.pdf"), "arXiv:2312.09390v1 [cs.CL] 14 Dec")
    ('2312.09390', '2312.09390')
    """
    match = _ARXIV_NAME.search(path.stem) or _ARXIV_STAMP.search(first_page[:3000])
    return match.group(1) if match else None


def pdf_text(pages: list[str]) -> str:
    """Page texts joined into paragraphs: words broken at line ends mended, hard-wrapped lines joined, a line that
    ends a sentence and is clearly shorter than its neighbours ending its paragraph.

    >>> pdf_text(["Reward hack-\\ning is a failure\\nof specification.\\nA new paragraph starts here and runs on."])
    'Reward hacking is a failure of specification.\\n\\nA new paragraph starts here and runs on.'
    """
    paragraphs: list[str] = []
    for page in pages:
        lines = [line.strip() for line in _HYPHENATED.sub(r"\1\2", page.replace("\r", "")).split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        width = sorted(len(line) for line in lines)[len(lines) // 2]  # a typical full line
        current: list[str] = []
        for line in lines:
            current.append(line)
            if line.endswith(_SENTENCE_END) and len(line) < 0.9 * width:
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def _references(text: str, own: str | None) -> list[Link]:
    """URLs in the text, and arXiv ids cited as ``arXiv:2101.00001`` (as abs links, so that they resolve)."""
    links = plain_text_links(text)
    cited = {link.url for link in links}
    for match in _ARXIV_REFERENCE.finditer(text):
        url = f"https://arxiv.org/abs/{match.group(1)}"
        if match.group(1) != own and url not in cited:
            cited.add(url)
            links.append(Link(url, "", match.start()))
    return sorted(links, key=lambda link: link.offset)


def _title(metadata_title: object, first_page: str, path: Path) -> str:
    if isinstance(metadata_title, str) and not _NOT_A_TITLE.match(metadata_title) and len(metadata_title) < 300:
        return " ".join(metadata_title.split())
    for line in first_page.split("\n")[:12]:
        line = line.strip()
        if 2 <= len(line.split()) <= 25 and not _ARXIV_STAMP.search(line) and not line.endswith((".", ",")):
            return line
    return _title_from_name(path)


def _authors(value: object) -> tuple[str, ...]:
    if not isinstance(value, str):
        return ()
    names = re.split(r"\s*(?:,|;|&|\band\b)\s*", value)
    return tuple(n for n in (" ".join(name.split()) for name in names) if 2 <= len(n) <= 80)


def read_pdf(path: Path) -> Iterator[Document]:
    """One document per PDF file."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{path}: encrypted PDF (kg reads only PDFs that open without a password)")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
        title, author = (info.title, info.author) if info is not None else (None, None)
        try:
            created = info.creation_date if info is not None else None
        except ValueError:  # a malformed date string: no date
            created = None
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise InputError(f"{path}: not a readable PDF ({type(exc).__name__}: {str(exc)[:80]})") from None
    text = clean_text(pdf_text(pages))
    if not text:
        _note("empty", f"{path} (no text layer: a scanned PDF needs OCR first)")
        return
    first_page = pages[0] if pages else ""
    arxiv = arxiv_id_of(path, first_page)
    yield Document(
        id=f"arxiv:{arxiv}" if arxiv else slug_or_hash(path.stem),
        title=_title(title, first_page, path),
        text=text,
        url=f"https://arxiv.org/abs/{arxiv}" if arxiv else None,
        date=_date(created, "CreationDate") if created else None,
        authors=_authors(author),
        links=tuple(_references(text, arxiv)),
        path=str(path),
        names=(path.stem,),
    )
