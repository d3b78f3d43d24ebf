"""Sphinx extension: keep executed chapters in step with the helper package; print handouts.

myst-nb's cache keys a notebook on its own cells only (MyST-NB issue 299), so editing a figure
function would leave stale figures in the book. With :mod:`addictionbook.notebook_cache`, this
extension drops the cached outputs of the chapters that import the helper package when the
package changed, and marks exactly those chapters outdated, so they execute and are read again.

It also makes every page under ``book/handouts/`` its own LaTeX document in the ``howto`` class
(one- or two-page PDFs styled by ``latex/addictionbook.sty``), next to the full book, and links
each handout page (and the landing page) to its PDF on the site.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import types
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from . import notebook_cache

PACKAGE_DIR = Path(__file__).resolve().parent
logger = logging.getLogger(__name__)


def _cache_dir(app: Sphinx) -> Path | None:
    config = getattr(app.env, "mystnb_config", None)
    return Path(config.execution_cache_path) if config and config.execution_cache_path else None


def outdated_by_helper(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """Mark chapters that import the helper as outdated when the helper changed.

    Two records of the helper's hash: the one beside the notebook cache decides which cached
    outputs to drop (``make`` may already have done so, and re-executed them in parallel); the
    one in Sphinx's environment decides which pages Sphinx must read again.
    """
    cache_dir = _cache_dir(app)
    if cache_dir is None:
        return []
    notebook_cache.wait_for_pre_execution(cache_dir)  # notebooks still running in parallel
    srcdir = Path(app.srcdir)
    sources = {
        d: Path(env.doc2path(d)).resolve().relative_to(srcdir).as_posix() for d in env.found_docs
    }
    notebook_cache.invalidate_if_helper_changed(cache_dir, srcdir, list(sources.values()))
    current = notebook_cache.helper_hash()
    previous = getattr(env, "addictionbook_helper_hash", None)
    env.addictionbook_helper_hash = current
    if previous == current or (previous is None and not env.all_docs):
        return []  # unchanged, or a fresh environment that reads every page anyway
    docs = {d for d, s in sources.items() if notebook_cache.imports_helper(srcdir / s)}
    outdated = sorted(docs - set(added) - set(changed))
    if outdated:
        logger.info(f"helper package changed: re-executing {', '.join(outdated)}")
    return outdated


# --- PDFs: the full book and one short PDF per handout ------------------------------------

HANDOUT_PREFIX = "book/handouts/"
STYLE_FILE = PACKAGE_DIR / "latex" / "addictionbook.sty"
PAPER = {"letter": "letterpaper", "a4": "a4paper"}
LICENCE = "Text CC BY-SA 4.0, code MIT"


def handout_docs(srcdir: Path) -> list[str]:
    """Handout pages in book order: every toc entry under book/handouts/ except its index."""
    from .check import toc_files

    return [
        e for e in toc_files(srcdir) if e.startswith(HANDOUT_PREFIX) and not e.endswith("/index")
    ]


def page_title(path: Path) -> str:
    """The first ``# `` heading of a Markdown page (after its front matter)."""
    from .check import split_front_matter

    _, text = split_front_matter(path.read_text(encoding="utf-8"))
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def clinician_handouts(srcdir: Path) -> list[str]:
    """Names of handouts whose front matter says ``audience: clinician`` (set at 11 pt)."""
    from .check import split_front_matter

    names = []
    for doc in handout_docs(srcdir):
        front, _ = split_front_matter((srcdir / f"{doc}.md").read_text(encoding="utf-8"))
        if front.get("audience") == "clinician":
            names.append(doc.removeprefix(HANDOUT_PREFIX))
    return names


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
            f"\\def\\abClinicianHandouts{{{','.join(clinician_handouts(Path(app.srcdir)))}}}",
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


def add_pdf_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """On the site, give each handout page (and the landing page) a visible PDF download link."""
    if app.builder.name not in ("html", "dirhtml"):  # not an EPUB or LaTeX: no PDFs inside
        return
    if docname.startswith(HANDOUT_PREFIX) and not docname.endswith("/index"):
        target, label = handout_pdf(docname), "Download this handout as a PDF (US Letter)"
    elif docname == app.config.root_doc:
        target, label = "pdf/book.pdf", "Download the whole book as a PDF"
    else:
        return
    depth = docname.count("/")
    href = "../" * depth + target
    link = nodes.raw(
        "",
        f'<p class="pdf-download"><a href="{href}" download>{label}</a></p>',
        format="html",
    )
    sections = list(doctree.findall(nodes.section))
    if sections:
        title = next(iter(sections[0].findall(nodes.title)), None)
        sections[0].insert(sections[0].index(title) + 1 if title is not None else 0, link)


# --- Speed: two costs of upstream packages, paid on every build ---------------------------


def cache_bibtex_plugin_lookups() -> None:
    """Look up each pybtex plugin once per build instead of once per citation.

    pybtex scans every installed package's entry points for its style plugins on each citation
    it formats (about 20 ms a time: 2.7 s of a clean build of this book). The installed packages
    cannot change during a build, so the lookup is cached.
    """
    import pybtex.plugin

    lookup = pybtex.plugin.entry_points
    if not hasattr(lookup, "cache_info"):
        pybtex.plugin.entry_points = functools.lru_cache(maxsize=None)(lookup)


def social_cards_enabled(app: Sphinx) -> bool:
    """Whether ``ogp_social_cards`` asks for images (Jupyter Book passes config as overrides)."""
    for raw in (getattr(app.config, "_overrides", {}), getattr(app.config, "_raw_config", {})):
        if "ogp_social_cards" in raw:
            return (raw["ogp_social_cards"] or {}).get("enable", True) is not False
    return True


def skip_social_card_import(app: Sphinx) -> None:
    """Spare the build sphinxext-opengraph's import of matplotlib (1.3 s) when cards are off.

    The extension imports its social-card module, and with it matplotlib, even when
    ``ogp_social_cards: {enable: false}``. When cards are off (as in ``_config.yml``), it gets
    the stand-in it uses itself when matplotlib is missing: no defaults and no card drawer.
    Must run before ``sphinxext.opengraph`` is imported, so this extension is listed first.
    """
    name = "sphinxext.opengraph._social_cards"
    if social_cards_enabled(app) or "sphinxext.opengraph" in sys.modules or name in sys.modules:
        return
    stand_in = types.ModuleType(name, "No social cards: see addictionbook.sphinx_ext.")
    stand_in.DEFAULT_SOCIAL_CONFIG = {}  # type: ignore[attr-defined]
    stand_in.create_social_card = None  # type: ignore[attr-defined]
    sys.modules[name] = stand_in


def setup(app: Sphinx) -> dict:
    cache_bibtex_plugin_lookups()
    skip_social_card_import(app)
    app.connect("env-get-outdated", outdated_by_helper)
    app.connect("config-inited", configure_pdfs, priority=900)
    app.connect("env-updated", add_handout_documents)
    app.connect("doctree-resolved", add_pdf_links)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 2,
    }
