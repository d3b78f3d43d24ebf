"""PDFs: the full book and one short PDF per handout (Sphinx's LaTeX builder, xelatex).

Every page under ``book/handouts/`` becomes its own LaTeX document in the ``howto`` class
(one- or two-page PDFs styled by ``assets/addictionbook.sty``), next to the full book.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..content.book import HANDOUT_PREFIX, handout_docs, handouts_for, page_title

ASSETS = Path(__file__).resolve().parent / "assets"

STYLE_FILE = ASSETS / "addictionbook.sty"
PAPER = {"letter": "letterpaper", "a4": "a4paper"}
LICENCE = "Text CC BY-SA 4.0, code MIT"


def handout_pdf(docname: str) -> str:
    """Site-relative path of a handout's PDF: pdf/handouts/<name>.pdf."""
    return f"pdf/handouts/{docname.removeprefix(HANDOUT_PREFIX)}.pdf"


def _latex_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def configure_pdfs(app: Sphinx, config) -> None:
    """Book + handout LaTeX documents, house style, paper size, version and PDF metadata."""
    from importlib.metadata import version

    paper = os.environ.get("ADDICTIONBOOK_PAPER", "letter").lower()
    if paper not in PAPER:
        raise ValueError(
            f"ADDICTIONBOOK_PAPER={paper!r} is not allowed; allowed values: letter, a4"
        )
    if not config.release:
        config.release = config.version = version("addictionbook")
    # Jupyter Book passes the book's title as html_title (``project`` keeps Sphinx's default).
    title, author = config.html_title or config.project, config.author
    config.project = title
    # One document here; the handouts join in add_handout_documents, after Jupyter Book has
    # applied its own overrides (it cannot handle a list of several documents).
    config.latex_documents = [(config.root_doc, "book.tex", title, author, "manual")]
    config.latex_additional_files = [*config.latex_additional_files, str(STYLE_FILE)]
    clinicians = handouts_for(Path(app.srcdir), "clinician")  # set at 11 pt
    elements = dict(config.latex_elements)
    elements["papersize"] = PAPER[paper]
    defs = "\n".join(
        [
            f"\\newcommand{{\\abBookTitle}}{{{_latex_escape(title)}}}",
            f"\\newcommand{{\\abVersion}}{{{_latex_escape(config.release)}}}",
            f"\\newcommand{{\\abLicence}}{{{LICENCE}}}",
            "\\newcommand{\\abSubject}{A course text on attachment, affect regulation and "
            "addiction for clinicians in training}",
            "\\newcommand{\\abKeywords}{addiction, attunement, attachment, affect regulation, "
            "co-regulation, interpersonal neurobiology}",
            f"\\def\\abClinicianHandouts{{{','.join(clinicians)}}}",
            "\\usepackage{addictionbook}",
        ]
    )
    elements["preamble"] = defs + "\n" + elements.get("preamble", "")
    config.latex_elements = elements


def add_handout_documents(app: Sphinx, env: BuildEnvironment) -> None:
    """Add one ``howto`` LaTeX document per handout page to the book's document."""
    if app.builder.name != "latex":
        return
    srcdir = Path(app.srcdir)
    book = [d for d in app.config.latex_documents if d[0] == app.config.root_doc]
    app.config.latex_documents = book + [
        (
            doc,
            f"{doc.removeprefix(HANDOUT_PREFIX)}.tex",
            page_title(srcdir / f"{doc}.md"),
            app.config.author,
            "howto",
        )
        for doc in handout_docs(srcdir)
    ]
