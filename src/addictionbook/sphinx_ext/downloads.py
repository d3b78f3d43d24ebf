"""Download links on the site: each handout page and each chapter to its PDF, the landing page
to the book's PDF and EPUB, each only when that file was built.

The build (``pipeline.build``) names the folder holding the published PDFs and EPUB in its
settings (``ADDICTIONBOOK_DOWNLOADS``, :mod:`addictionbook.settings`) and copies them into the
site it publishes; a link whose file is not there is left out, so every download link on the
site resolves. When the set of files changes, the pages that link them are written again.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

from ..content.sources import HANDOUT_PREFIX, english_docname
from .book import settings, sources
from .pdf import chapter_pdf, handout_pdf

#: Site-relative path of the book's EPUB (``make epub`` copies it into the site).
BOOK_EPUB = "epub/book.epub"
BOOK_PDF = "pdf/book.pdf"
#: A handout's download link, in the handout's language, by paper size (``make pdf PAPER=a4``).
HANDOUT_LABEL = {
    "en": {
        "letter": "Download this handout as a PDF (US Letter)",
        "A4": "Download this handout as a PDF (A4)",
    },
    "es": {
        "letter": "Descargar esta hoja en PDF (tamaño carta)",
        "A4": "Descargar esta hoja en PDF (tamaño A4)",
    },
}
#: A chapter's download link, by paper size.
CHAPTER_LABEL = {
    "letter": "Download this chapter as a PDF (US Letter)",
    "A4": "Download this chapter as a PDF (A4)",
}


def available(app: Sphinx, target: str) -> bool:
    """Whether the file a download link points at (site-relative) was built (in the folder
    the build names; none: no links)."""
    base = settings(app).downloads
    return base is not None and (base / target).is_file()


def _links_by_page(app: Sphinx, docnames) -> dict[str, list[str]]:
    chapters = set(sources(app).chapters)
    found = {}
    for docname in docnames:
        if docname.startswith(HANDOUT_PREFIX) and not docname.endswith("/index"):
            found[docname] = [handout_pdf(docname)]
        elif docname in chapters:
            found[docname] = [chapter_pdf(docname)]
        elif docname == app.config.root_doc:
            found[docname] = [BOOK_PDF, BOOK_EPUB]
    return found


def outdated_by_downloads(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Pages whose download links appear or go because a PDF or the EPUB was built or removed."""
    if app.builder.name not in ("html", "dirhtml"):
        return []
    pages = _links_by_page(app, env.found_docs)
    current = sorted(t for targets in pages.values() for t in targets if available(app, t))
    previous = getattr(env, "addictionbook_downloads", None)
    env.addictionbook_downloads = current
    if previous == current or not env.all_docs:
        return []
    return sorted(set(pages) - set(added) - set(changed))


def add_download_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """On the site, give each handout page and each chapter a visible link to its PDF, and the
    landing page links to the whole book as a PDF and as an EPUB."""
    if app.builder.name not in ("html", "dirhtml"):  # not an EPUB or LaTeX: no downloads inside
        return
    if docname in sources(app).printed_handouts:
        translated = english_docname(docname)
        label = HANDOUT_LABEL[translated[1] if translated else "en"][settings(app).page_size]
        links = [("pdf-download", handout_pdf(docname), label)]
    elif docname in sources(app).chapters:
        label = CHAPTER_LABEL[settings(app).page_size]
        links = [("pdf-download", chapter_pdf(docname), label)]
    elif docname == app.config.root_doc:
        links = [
            ("pdf-download", BOOK_PDF, "Download the whole book as a PDF"),
            ("epub-download", BOOK_EPUB, "Download the whole book as an EPUB, for e-readers"),
        ]
    else:
        return
    links = [link for link in links if available(app, link[1])]
    if not links:
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
