"""PDF settings the Sphinx build shares: paper size, edition, where each handout's PDF lives.

The PDFs themselves (the full book and one short PDF per page under ``book/handouts/``) are
laid out by WeasyPrint from the ``singlehtml`` build, with ``assets/addictionbook-print.css``:
see :mod:`addictionbook.pipeline.pdf`.
"""

from __future__ import annotations

import os
from pathlib import Path

from sphinx.application import Sphinx

from ..content.book import HANDOUT_PREFIX

ASSETS = Path(__file__).resolve().parent / "assets"

#: CSS page sizes for ADDICTIONBOOK_PAPER (``make pdf PAPER=a4``).
PAPER = {"letter": "letter", "a4": "A4"}
LICENCE = "Text CC BY-SA 4.0, code MIT"


def handout_pdf(docname: str) -> str:
    """Site-relative path of a handout's PDF: pdf/handouts/<name>.pdf."""
    return f"pdf/handouts/{docname.removeprefix(HANDOUT_PREFIX)}.pdf"


def paper_size() -> str:
    """The CSS page size from ADDICTIONBOOK_PAPER (letter by default, or a4)."""
    paper = os.environ.get("ADDICTIONBOOK_PAPER", "letter").lower()
    if paper not in PAPER:
        raise ValueError(
            f"ADDICTIONBOOK_PAPER={paper!r} is not allowed; allowed values: letter, a4"
        )
    return PAPER[paper]


def configure_pdfs(app: Sphinx, config) -> None:
    """Check the paper size before any page is read, and take the edition (``release``) and
    the book's title (``project``) from the package and ``_config.yml``."""
    from importlib.metadata import version

    paper_size()
    if not config.release:
        config.release = config.version = version("addictionbook")
    # Jupyter Book passes the book's title as html_title (``project`` keeps Sphinx's default).
    config.project = config.html_title or config.project
