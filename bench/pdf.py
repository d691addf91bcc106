"""How fast the PDF reader is: a 20-page paper written with fpdf2 from real posts, read with pypdf (what kg uses)
and, when installed, pdfminer.six (the alternative considered). Not part of the test suite.

    python bench/pdf.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from fpdf import FPDF

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.pdf import read_pdf  # noqa: E402

POSTS = ROOT.parent / "shared" / "corpus" / "turntrout" / "posts"


def twenty_pages(path: Path) -> int:
    """Two columns' worth of real prose per page, Latin-1 only (the core fonts' range)."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(POSTS.glob("*.md"))[:12])
    text = text.encode("latin-1", "ignore").decode("latin-1")
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    words = text.split()
    start = 0
    for _ in range(20):
        pdf.add_page()
        pdf.multi_cell(0, 4.5, " ".join(words[start : start + 700]))
        start += 700
    pdf.output(str(path))
    return len(pdf.pages)


def main() -> None:
    path = Path(tempfile.mkdtemp()) / "paper.pdf"
    pages = twenty_pages(path)
    start = time.perf_counter()
    (document,) = list(read_pdf(path))
    ours = time.perf_counter() - start
    print(f"pypdf (kg.pdf.read_pdf): {pages} pages, {len(document.text.split()):,} words in {ours:.2f} s")
    try:
        from pdfminer.high_level import extract_text
    except ImportError:
        print("pdfminer.six: not installed")
        return
    start = time.perf_counter()
    words = len(extract_text(str(path)).split())
    theirs = time.perf_counter() - start
    print(f"pdfminer.six extract_text: {words:,} words in {theirs:.2f} s ({theirs / ours:.1f}x pypdf)")


if __name__ == "__main__":
    main()
