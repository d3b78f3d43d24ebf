"""The EPUB's pages: Sphinx's epub theme alone, no scripts, no web-page furniture, so that the
book passes epubcheck; and what makes it accessible (EPUB Accessibility 1.1, checked by Ace by
DAISY in ``tests/test_epub_accessibility.py``): a language on every page, ARIA roles that
assistive technology accepts, code colours with enough contrast, and the package's accessibility
metadata."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.highlighting import PygmentsBridge

from .. import upstream

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
#: The epub builder's package templates: Sphinx's own, with the accessibility metadata added to
#: ``content.opf`` and the navigation document's ``<nav>`` given its ARIA role (each template
#: includes Sphinx's and changes only that; ``mimetype`` and ``container.xml`` are the stock files).
EPUB_TEMPLATES = ASSETS / "epub3"
#: Code highlighting: the light style the site's theme uses (accessible-pygments), whose colours
#: reach WCAG AA contrast (4.5:1) on its background. Jupyter Book sets ``pygments_style:
#: sphinx`` for every builder, whose blue names on pale green reach 4.0:1 (Ace color-contrast).
EPUB_PYGMENTS_STYLE = "a11y-high-contrast-light"

#: The package's accessibility metadata (EPUB Accessibility 1.1, section 2 "Discoverability";
#: https://www.w3.org/TR/epub-a11y-11/), written into ``content.opf``: what the book is made of,
#: what a reader can rely on, and the conformance the tests check with Ace
#: (``tests/test_epub_accessibility.py``). Property -> values, one <meta> each.
ACCESSIBILITY: dict[str, tuple[str, ...]] = {
    # Text and images (the figures); every image has alt text and a caption, so text alone is
    # enough to read the book.
    "schema:accessMode": ("textual", "visual"),
    "schema:accessModeSufficient": ("textual,visual", "textual"),
    "schema:accessibilityFeature": (
        "alternativeText",
        "displayTransformability",
        "index",
        "readingOrder",
        "structuralNavigation",
        "tableOfContents",
    ),
    "schema:accessibilityHazard": ("none",),
    "schema:accessibilitySummary": (
        "Reflowable text with headings in outline order, a table of contents, a glossary and an "
        "index. Every figure is a conceptual schematic with alt text and a caption that carry "
        "its meaning; no meaning rests on color alone. No scripts, sound, video or flashing "
        "content. The text follows the reader's font, size and color settings.",
    ),
    "dcterms:conformsTo": ("EPUB Accessibility 1.1 - WCAG 2.1 Level AA",),
    # Evaluated by the publisher itself, with Ace by DAISY on every build (no third party).
    "a11y:certifiedBy": ("The curriculum contributors",),
}


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

    Accessibility (Ace by DAISY): the pages' ``<html>`` gets ``lang``/``xml:lang`` (Sphinx's
    epub builder writes its own tag without them), code highlighting a style with enough
    contrast, the package templates ``EPUB_TEMPLATES`` (accessibility metadata), and the pages
    the ARIA fixes of ``epub_translator``.

    Images given as data URIs (the figure gallery's) are written out as files of the package,
    as for the LaTeX builder: the HTML builders' default keeps them inline, which makes one
    large page for e-readers that cap a page's size.
    """
    if not _is_epub(app):
        return
    builder = app.builder
    builder.supported_data_uri_images = False
    if upstream.applies("epub-page-language"):
        lang = html.escape(app.config.epub_language)
        builder.html_tag = builder.html_tag.replace(">", f' lang="{lang}" xml:lang="{lang}">', 1)
    if upstream.applies("epub-code-contrast"):
        builder.highlighter = PygmentsBridge("html", EPUB_PYGMENTS_STYLE)
    translator = app.registry.translators.get("epub", builder.default_translator_class)
    app.set_translator("epub", epub_translator(translator), override=True)
    if upstream.applies("epub-accessibility-metadata"):
        builder.template_dir = str(EPUB_TEMPLATES)
        content_metadata = builder.content_metadata

        def content_metadata_with_accessibility() -> dict:
            metadata = content_metadata()
            metadata["accessibility"] = list(ACCESSIBILITY.items())
            return metadata

        builder.content_metadata = content_metadata_with_accessibility
    if upstream.applies("epub-without-site-templates"):
        configured = app.config.templates_path
        app.config.templates_path = [p for p in configured if p != PROJECT_TEMPLATES]
        try:
            builder.templates.init(builder, builder.theme)
        finally:
            app.config.templates_path = configured
    if upstream.applies("epub-ncx-identifier"):
        toc_metadata = builder.toc_metadata

        def toc_metadata_with_identifier(level: int, navpoints: list) -> dict:
            metadata = toc_metadata(level, navpoints)
            metadata["uid"] = html.escape(app.config.epub_identifier)
            return metadata

        builder.toc_metadata = toc_metadata_with_identifier


def epub_translator(base: type) -> type:
    """The EPUB pages' HTML translator: ``base`` with two ARIA fixes Ace reports as critical.

    - A toctree's caption (the landing page's part titles) is a ``<p role="heading">``: it gets
      the ``aria-level`` that role requires (Sphinx 7.4.7, ``HTML5Translator.visit_title``),
      2, below the page's ``<h1>``.
    - A bibliography entry (sphinxcontrib-bibtex's citations, written by docutils 0.19's
      ``visit_citation``) is a ``<div role="doc-biblioentry">`` inside ``<div role="list">``:
      DPUB-ARIA 1.1 deprecates that role and axe does not accept it as a list's child, so each
      entry is a ``listitem`` (https://www.w3.org/TR/dpub-aria-1.1/#doc-biblioentry).
    """

    heading_level = upstream.applies("epub-heading-level")
    biblioentry = upstream.applies("epub-biblioentry-role")

    class EpubTranslator(base):  # type: ignore[misc, valid-type]
        def visit_title(self, node: nodes.Element) -> None:
            before = len(self.body)
            super().visit_title(node)
            if not heading_level:
                return
            self.body[before:] = [
                part.replace('role="heading">', 'role="heading" aria-level="2">', 1)
                for part in self.body[before:]
            ]

        def visit_citation(self, node: nodes.Element) -> None:
            before = len(self.body)
            super().visit_citation(node)
            if not biblioentry:
                return
            self.body[before:] = [
                part.replace('role="doc-biblioentry"', 'role="listitem"')
                for part in self.body[before:]
            ]

    return EpubTranslator


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
