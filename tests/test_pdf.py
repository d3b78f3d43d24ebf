"""The full-book PDF: chapters and captions present, references resolved, figures vector."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_pdf_contains_chapter_title_and_figure_caption(book_pdf: Path) -> None:
    text = " ".join(pdf_text(book_pdf).split())
    assert "The layered model of addiction" in text
    assert re.search(r"Fig\. \d+\.\d+: The layered model of addiction \(after Daily", text)


def test_pdf_has_no_unresolved_references(book_pdf: Path) -> None:
    assert "??" not in pdf_text(book_pdf)


def test_pdf_figure_is_vector_with_real_text(book_pdf: Path) -> None:
    reader = PdfReader(book_pdf)
    figure_pages = [
        page
        for page in reader.pages
        if "Affect-regulation disorder" in (page.extract_text() or "")
        and "Difficulty co-regulating" in (page.extract_text() or "")
    ]
    assert figure_pages, "the layered-model figure's labels are not text in the PDF"
    assert all(not page.images for page in figure_pages), "figure was embedded as a raster image"
