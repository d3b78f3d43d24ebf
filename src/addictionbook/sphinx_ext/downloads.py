"""Download links on the site: each handout page to its PDF, the landing page to the book's
PDF and EPUB (``make`` copies them into the site)."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from ..content.book import HANDOUT_PREFIX, handout_docs
from .pdf import handout_pdf

#: Site-relative path of the book's EPUB (``make epub`` copies it into the site).
BOOK_EPUB = "epub/book.epub"


def add_download_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """On the site, give each handout page a visible link to its PDF, and the landing page links
    to the whole book as a PDF and as an EPUB."""
    if app.builder.name not in ("html", "dirhtml"):  # not an EPUB or LaTeX: no downloads inside
        return
    # The PDF build makes one PDF per handout_docs() entry; the Spanish handouts have none yet.
    if docname.startswith(HANDOUT_PREFIX) and docname in handout_docs(Path(app.srcdir)):
        label = "Download this handout as a PDF (US Letter)"
        links = [("pdf-download", handout_pdf(docname), label)]
    elif docname == app.config.root_doc:
        links = [
            ("pdf-download", "pdf/book.pdf", "Download the whole book as a PDF"),
            ("epub-download", BOOK_EPUB, "Download the whole book as an EPUB, for e-readers"),
        ]
    else:
        return
    depth = docname.count("/")
    sections = list(doctree.findall(nodes.section))
    if not sections:
        return
    title = next(iter(sections[0].findall(nodes.title)), None)
    position = sections[0].index(title) + 1 if title is not None else 0
    for offset, (css_class, target, label) in enumerate(links):
        href = "../" * depth + target
        link = nodes.raw(
            "",
            f'<p class="{css_class}"><a href="{href}" download>{label}</a></p>',
            format="html",
        )
        sections[0].insert(position + offset, link)
