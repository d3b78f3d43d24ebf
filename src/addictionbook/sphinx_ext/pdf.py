"""PDF settings the Sphinx build shares: the edition, where each handout's and chapter's PDF
lives.

The PDFs themselves (the full book, one short PDF per page under ``book/handouts/`` and one per
chapter) are
laid out by WeasyPrint from the ``singlehtml`` build, with ``assets/addictionbook-print.css``:
see :mod:`addictionbook.pipeline.pdf`.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from ..content.sources import HANDOUT_PREFIX
from .book import settings

ASSETS = Path(__file__).resolve().parent / "assets"
LICENCE = "Text CC BY-SA 4.0, code MIT"


def handout_pdf(docname: str) -> str:
    """Site-relative path of a handout's PDF: pdf/handouts/<name>.pdf."""
    return f"pdf/handouts/{docname.removeprefix(HANDOUT_PREFIX)}.pdf"


def chapter_pdf(docname: str) -> str:
    """Site-relative path of a chapter's PDF: pdf/chapters/<name>.pdf (``book/<name>``)."""
    return f"pdf/chapters/{docname.rsplit('/', 1)[-1]}.pdf"


def configure_pdfs(app: Sphinx, config) -> None:
    """Check the settings before any page is read (a paper size that is not allowed stops the
    build, naming the variable), and take the edition (``release``) and the book's title
    (``project``) from the package and ``_config.yml``."""
    from importlib.metadata import version

    settings(app)
    if not config.release:  # the edition: _config.yml's release (content/sources.py)
        config.release = version("addictionbook")
    config.version = config.version or config.release  # the EPUB's package needs one
    # Jupyter Book passes the book's title as html_title (``project`` keeps Sphinx's default).
    config.project = config.html_title or config.project
