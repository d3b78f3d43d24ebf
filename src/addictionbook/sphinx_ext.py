"""Sphinx extension: keep executed chapters in step with the helper package; PDFs and EPUB.

myst-nb's cache keys a notebook on its own cells only (MyST-NB issue 299), so editing a figure
function would leave stale figures in the book. With :mod:`addictionbook.notebook_cache`, this
extension drops the cached outputs of the chapters that import the helper package when the
package changed, and marks exactly those chapters outdated, so they execute and are read again.

It also makes every page under ``book/handouts/`` its own LaTeX document in the ``howto`` class
(one- or two-page PDFs styled by ``latex/addictionbook.sty``), next to the full book, and links
each handout page (and the landing page) to its PDF on the site, the landing page also to the
EPUB.

The EPUB's pages are rendered with Sphinx's epub theme alone, without scripts or the site's
furniture, so that the book passes epubcheck (see the EPUB section below).
"""

from __future__ import annotations

import filecmp
import functools
import html
import os
import re
import shutil
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
    current = notebook_cache.helper_hash()
    notebook_cache.invalidate_if_helper_changed(cache_dir, srcdir, list(sources.values()), current)
    previous = getattr(env, "addictionbook_helper_hash", None)
    env.addictionbook_helper_hash = current
    if previous == current or (previous is None and not env.all_docs):
        return []  # unchanged, or a fresh environment that reads every page anyway
    docs = {d for d, s in sources.items() if notebook_cache.imports_helper(srcdir / s)}
    outdated = sorted(docs - set(added) - set(changed))
    if outdated:
        logger.info(f"helper package changed: re-executing {', '.join(outdated)}")
    return outdated


def outdated_by_static_files(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Make the landing page outdated when a file in ``_static`` differs from the site's copy.

    Sphinx copies ``html_static_path`` only in a build that writes a page, so an edited
    stylesheet alone would never reach the site; writing one page copies them all.
    """
    if app.builder.name not in ("html", "dirhtml"):
        return []
    site, book = Path(app.outdir) / "_static", Path(app.confdir).resolve()
    for entry in app.config.html_static_path:
        base = (book / entry).resolve()
        if not base.is_dir() or not base.is_relative_to(book):
            continue  # extensions' static folders change only with the installed packages
        for source in base.rglob("*"):
            copy = site / source.relative_to(base)
            if source.is_file() and not source.name.startswith("."):
                if not copy.is_file() or not filecmp.cmp(source, copy, shallow=False):
                    logger.info(f"{source.relative_to(book)} changed: copying _static")
                    return [app.config.root_doc]
    return []


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


#: Site-relative path of the book's EPUB (``make epub`` copies it into the site).
BOOK_EPUB = "epub/book.epub"


def add_download_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """On the site, give each handout page a visible link to its PDF, and the landing page links
    to the whole book as a PDF and as an EPUB."""
    if app.builder.name not in ("html", "dirhtml"):  # not an EPUB or LaTeX: no downloads inside
        return
    if docname.startswith(HANDOUT_PREFIX) and not docname.endswith("/index"):
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


# --- EPUB: Sphinx's epub theme, no scripts, no web-page furniture ---------------------------

#: The project's own templates (``_templates/``) restyle sphinx-book-theme's pages.
PROJECT_TEMPLATES = "_templates"
#: The stylesheets an EPUB page links: the epub theme's, code highlighting and the book's own
#: (``epub/addictionbook-epub.css``: boxed notes, self-check answers, figures). The others style
#: the site's buttons, toggles, print layout and icon fonts, none of which the EPUB has; myst-nb's
#: and sphinx-design's use CSS that e-readers and epubcheck cannot read (custom properties,
#: ``:is()``) for components the book's EPUB styles itself.
EPUB_CSS = PACKAGE_DIR / "epub" / "addictionbook-epub.css"
EPUB_STYLESHEETS = ("epub.css", "pygments.css", EPUB_CSS.name)
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])([^"')]+)""")


def _is_epub(app: Sphinx) -> bool:
    return app.builder is not None and app.builder.name == "epub"


def epub_setup(app: Sphinx) -> None:
    """Prepare the epub builder: its own theme alone, and the identifier in ``toc.ncx``.

    ``_templates/layout.html`` extends sphinx-book-theme's layout (its macros, navigation and
    buttons), which the epub theme does not have: the EPUB's pages are rendered without
    ``_templates/``. The setting itself is left as it is, so the saved environment is the same
    for every builder.

    Sphinx writes ``epub_uid`` (an XML id) as the NCX's ``dtb:uid``, where the book's identifier
    belongs (epubcheck NCX-001; sphinx-doc/sphinx#11184): it gets ``epub_identifier``.

    Images given as data URIs (the figure gallery's) are written out as files of the package,
    as for the LaTeX builder: the HTML builders' default keeps them inline, which makes one
    large page for e-readers that cap a page's size.
    """
    if not _is_epub(app):
        return
    builder = app.builder
    builder.supported_data_uri_images = False
    configured = app.config.templates_path
    app.config.templates_path = [p for p in configured if p != PROJECT_TEMPLATES]
    try:
        builder.templates.init(builder, builder.theme)
    finally:
        app.config.templates_path = configured

    toc_metadata = builder.toc_metadata

    def toc_metadata_with_identifier(level: int, navpoints: list) -> dict:
        metadata = toc_metadata(level, navpoints)
        metadata["uid"] = html.escape(app.config.epub_identifier)
        return metadata

    builder.toc_metadata = toc_metadata_with_identifier


def epub_strip_doctree(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Leave the web page's machinery out of an EPUB page.

    - ``<script>`` blocks that extensions put into the page (sphinx-thebe's kernel settings):
      an EPUB with scripts must declare them, and an e-reader has no kernel to start;
    - the chevron icon of sphinx-design's dropdowns, an inline SVG that EPUB 3's ``<summary>``
      does not allow (the dropdown itself stays an HTML ``<details>``, open by a tap where the
      reader supports it, shown open where it does not).
    """
    if not _is_epub(app):
        return
    for raw in list(doctree.findall(nodes.raw)):
        if "html" in raw.get("format", "").split() and "<script" in raw.astext():
            raw.parent.remove(raw)
    for marker in list(doctree.findall(nodes.inline)):
        if "sd-summary-state-marker" in marker["classes"]:
            marker.parent.remove(marker)


def _epub_stylesheet(name: str) -> bool:
    return name in EPUB_STYLESHEETS


def epub_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """No JavaScript in an EPUB page, and only the stylesheets in ``EPUB_STYLESHEETS``."""
    if not _is_epub(app):
        return
    context["script_files"] = []
    context["css_files"] = [
        css
        for css in context.get("css_files", [])
        if _epub_stylesheet(Path(str(getattr(css, "filename", css))).name)
    ] + [f"_static/{EPUB_CSS.name}"]


def epub_static_files(app: Sphinx) -> list:
    """Keep in the EPUB's ``_static`` only its stylesheets (adding the book's) and what they load.

    The epub builder packs every file of its output folder; the site's scripts are left out by
    the builder itself, but its fonts, icons and stylesheets would ride along unused. (Runs on
    ``html-collect-pages``: the static files are in place, the package is not yet made.)
    """
    if not _is_epub(app):
        return []
    static = Path(app.builder.outdir) / "_static"
    shutil.copyfile(EPUB_CSS, static / EPUB_CSS.name)
    keep = {f.name for f in static.iterdir() if f.is_file() and _epub_stylesheet(f.name)}
    for name in list(keep):
        keep.update(CSS_URL.findall((static / name).read_text(encoding="utf-8")))
    for path in sorted(static.rglob("*")):
        if path.is_file() and path.relative_to(static).as_posix() not in keep:
            path.unlink()
    return []


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


def cache_compiled_templates(app: Sphinx) -> None:
    """Keep the theme's compiled Jinja templates between builds (0.3 s of every build).

    Jinja checks each template's source against its cached bytecode, so an edited template is
    compiled again.
    """
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is not None and environment.bytecode_cache is None:
        from jinja2 import FileSystemBytecodeCache

        folder = Path(app.doctreedir).parent / ".jinja_cache"
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app: Sphinx) -> dict:
    from . import sidebar

    sidebar.setup(app)
    cache_bibtex_plugin_lookups()
    skip_social_card_import(app)
    app.connect("env-get-outdated", outdated_by_helper)
    app.connect("env-get-outdated", outdated_by_static_files)
    app.connect("builder-inited", cache_compiled_templates)
    app.connect("config-inited", configure_pdfs, priority=900)
    app.connect("env-updated", add_handout_documents)
    app.connect("doctree-resolved", add_download_links)
    app.connect("builder-inited", epub_setup)
    # After sphinx-thebe (priority 500) has added its scripts to the page.
    app.connect("doctree-resolved", epub_strip_doctree, priority=900)
    app.connect("html-page-context", epub_page_context, priority=1000)
    app.connect("html-collect-pages", epub_static_files)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 2,
    }
