"""Issue 14: papers kept as PDFs are read (text, title, authors, arXiv id, references), bad ones are named."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest

fpdf = pytest.importorskip("fpdf")

import kg  # noqa: E402
from kg.corpus import read_file, scan_corpus  # noqa: E402
from kg.errors import InputError  # noqa: E402

BODY = (
    "Superalignment asks whether weak supervisors can elicit the capabilities of much stronger models. We study "
    "weak-to-strong generalization with reward models and RLHF, and find that naive fine-tuning recovers part of the "
    "gap between weak and strong performance. "
)


def paper(path: Path, *, text: str, title: str = "", author: str = "", date: dt.datetime | None = None, **extra):
    """A PDF written with fpdf2: metadata as given, ``text`` set in Helvetica over as many pages as it needs."""
    pdf = fpdf.FPDF()
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if date:
        pdf.set_creation_date(date)
    if extra.get("password"):
        pdf.set_encryption(owner_password="owner", user_password=extra["password"])
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 5, text)
    pdf.output(str(path))
    return path


def test_an_arxiv_paper_gives_its_id_title_authors_date_text_and_references(tmp_path):
    path = paper(
        tmp_path / "2312.09390v2.pdf",
        text="arXiv:2312.09390v2 [cs.CL] 14 Dec 2023\n\n" + BODY * 6 + "\n\nSee debate (arXiv:1805.00899) and "
        "https://arxiv.org/abs/1810.08575 for scalable oversight; this paper is arXiv:2312.09390.",
        title="Weak-to-Strong Generalization",
        author="Collin Burns, Pavel Izmailov and Jan Leike",
        date=dt.datetime(2023, 12, 14, tzinfo=dt.UTC),
    )
    (document,) = read_file(path)
    assert (document.id, document.url) == ("arxiv:2312.09390", "https://arxiv.org/abs/2312.09390")
    assert document.title == "Weak-to-Strong Generalization" and document.date == "2023-12-14"
    assert document.authors == ("Collin Burns", "Pavel Izmailov", "Jan Leike")
    assert "weak-to-strong generalization with reward models" in document.text and "fine-tuning" in document.text
    assert [link.url for link in document.links] == [
        "https://arxiv.org/abs/1805.00899",
        "https://arxiv.org/abs/1810.08575",
    ]


def test_without_metadata_the_title_is_the_first_line_of_page_one(tmp_path):
    path = paper(tmp_path / "notes.pdf", text="Notes on Corrigibility and Shutdown\n\n" + BODY * 3)
    (document,) = read_file(path)
    assert document.title == "Notes on Corrigibility and Shutdown" and document.id == "notes" and document.url is None


def test_a_folder_of_pdfs_builds_with_citations_between_them(tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    paper(folder / "2312.09390.pdf", text="Weak-to-Strong Generalization\n\n" + BODY * 4 + " Cites arXiv:1805.00899.")
    paper(folder / "1805.00899.pdf", text="AI Safety via Debate\n\nDebate between two agents judged by a human. " * 20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        graph = kg.build([folder], outdir=None).graph
    assert {n for n, k in graph.nodes(data="kind") if k == "document"} == {
        "doc:arxiv:2312.09390",
        "doc:arxiv:1805.00899",
    }
    assert graph.has_edge("doc:arxiv:2312.09390", "doc:arxiv:1805.00899", "cites")
    assert "weak-to-strong-generalization" in graph


def test_bad_pdfs_are_named_and_the_rest_is_read(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    paper(folder / "locked.pdf", text=BODY, password="secret")
    blank = fpdf.FPDF()
    blank.add_page()
    blank.rect(10, 10, 50, 50)  # a scan would look like this: no text layer
    blank.output(str(folder / "scan.pdf"))
    paper(folder / "good.pdf", text="Corrigibility in Practice\n\n" + BODY)
    (folder / "draft.docx").write_bytes(b"PK\x03\x04")
    (folder / "figure.png").write_bytes(b"\x89PNG")
    (folder / "figure2.png").write_bytes(b"\x89PNG")
    with pytest.warns(kg.KgWarning) as caught:
        documents, report = scan_corpus([folder])
    assert [d.title for d in documents] == ["Corrigibility in Practice"]
    messages = [str(w.message) for w in caught]
    assert any("broken.pdf: not a readable PDF" in m for m in messages)
    assert any("locked.pdf: encrypted PDF" in m for m in messages)
    assert any("scan.pdf (no text layer" in m for m in messages)
    assert any(m.startswith("skipped 3 files of kinds kg cannot read, .png (2), .docx (1): ") for m in messages)
    with pytest.raises(InputError, match="encrypted PDF"):
        read_file(folder / "locked.pdf")


def test_truncated_and_mangled_pdfs_are_one_named_skip_each(tmp_path):
    """A PDF cut short or with bytes flipped either reads or is an ``InputError`` naming it: nothing else escapes."""
    whole = paper(tmp_path / "whole.pdf", text="Corrigibility in Practice\n\n" + BODY * 20).read_bytes()
    variants = [whole[:n] for n in range(0, len(whole), max(1, len(whole) // 12))]
    variants += [whole[:k] + bytes([whole[k] ^ 0xFF]) + whole[k + 1 :] for k in range(50, len(whole), len(whole) // 12)]
    for number, data in enumerate(variants):
        path = tmp_path / f"v{number}.pdf"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                documents = read_file(path)
            except InputError as exc:
                assert str(exc).startswith(str(path))
            else:
                assert all(d.text for d in documents)
