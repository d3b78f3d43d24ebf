"""The EPUB's pages: Sphinx's epub theme alone, no scripts, no web-page furniture, so that the
book passes epubcheck."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

ASSETS = Path(__file__).resolve().parent / "assets"

#: The project's own templates (``_templates/``) restyle sphinx-book-theme's pages.
PROJECT_TEMPLATES = "_templates"
#: The stylesheets an EPUB page links: the epub theme's, code highlighting and the book's own
#: (``assets/addictionbook-epub.css``: boxed notes, self-check answers, figures). The others style
#: the site's buttons, toggles, print layout and icon fonts, none of which the EPUB has; myst-nb's
#: and sphinx-design's use CSS that e-readers and epubcheck cannot read (custom properties,
#: ``:is()``) for components the book's EPUB styles itself.
EPUB_CSS = ASSETS / "addictionbook-epub.css"
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
