"""Spanish client handouts, made by Sphinx's own i18n from the English source and a catalogue.

Sphinx translates a whole project into one ``language``; the book is English with a Spanish
version of its client handouts only. So each Spanish page is a stub in the table of contents
(``book/handouts/es/<name>.md``); when Sphinx reads it, ``source-read`` hands it the English
source instead (:func:`addictionbook.content.translations.spanish_source`), and
:class:`TranslateHandout`, Sphinx's ``Locale`` transform run with ``language = "es"`` and the
handout's catalogue, translates the doctree. The rest of the page follows from its language:
``<html lang="es">`` (site and EPUB), "In English" / "En español" links both ways, and the
translation status from the catalogue's header. See ARCHITECTURE.md, "Spanish handouts".

Checked against Sphinx 7.4.7 (``sphinx.transforms.i18n.Locale`` reads ``config.language``,
``config.locale_dirs`` and ``config.gettext_compact``; ``sphinx.locale.init`` caches catalogues
per domain, so the cached one is dropped before each page, for live rebuilds).
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

import sphinx.locale
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.i18n import Locale

from .. import upstream
from ..content import translations as tr
from ..content.sources import HANDOUT_PREFIX, LANGUAGES, english_docname, translated_docname

#: The words of the language links, each in its own language (and marked so: WCAG 3.1.2).
LINK_TEXT = {"en": "In English", "es": "En español"}


def _mo_dir(app: Sphinx) -> Path:
    """Compiled catalogues live in the build's work area, never beside the sources."""
    return Path(app.doctreedir).parent / "locale"


def _translation(app: Sphinx, docname: str) -> tuple[str, str] | None:
    return english_docname(docname) if docname in app.env.found_docs else None


def read_english_source(app: Sphinx, docname: str, source: list[str]) -> None:
    """Give Sphinx the English source for a translated stub, and compile its catalogue."""
    found = _translation(app, docname)
    if not found:
        return
    english_doc, language = found
    srcdir = Path(app.srcdir)
    english = srcdir / f"{english_doc}.md"
    po = tr.catalogue_path(srcdir, english_doc, language)
    # Re-read this page when the English or its catalogue changes, not only the stub.
    app.env.note_dependency(str(english))
    if po.exists():
        app.env.note_dependency(str(po))
        _compile(po, _mo_dir(app) / language / "LC_MESSAGES" / f"{po.stem}.mo")
    source[0] = tr.spanish_source(english.read_text(encoding="utf-8"), english_doc, language)


def _compile(po: Path, mo: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    mo.parent.mkdir(parents=True, exist_ok=True)
    with po.open("rb") as handle:
        catalog = read_po(handle)
    with mo.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)  # a fuzzy entry shows the English


class _Overrides:
    """``app.config`` as the ``Locale`` transform should see it for one translated page."""

    def __init__(self, config, **overrides) -> None:
        self._config, self._overrides = config, overrides

    def __getattr__(self, name: str):
        return self._overrides[name] if name in self._overrides else getattr(self._config, name)


class TranslateHandout(Locale):
    """Sphinx's ``Locale`` transform, for the translated handouts only, in their language."""

    default_priority = Locale.default_priority + 1

    @property
    def config(self):  # type: ignore[override]
        english_doc, language = english_docname(self.env.docname)  # type: ignore[misc]
        domain = english_doc.removeprefix(HANDOUT_PREFIX)
        return _Overrides(
            self.env.config,
            language=language,
            locale_dirs=[str(_mo_dir(self.app))],
            gettext_compact=domain,  # a string: the catalogue's name for this page
        )

    def apply(self, **kwargs) -> None:
        found = english_docname(self.env.docname)
        if not found:
            return
        domain = found[0].removeprefix(HANDOUT_PREFIX)
        sphinx.locale.translators.pop(("general", domain), None)  # never a stale catalogue
        super().apply(**kwargs)
        mark_title_language(self.document, found[1])
        mark_untranslated(self.document, found[1])


#: What a translated page says where its catalogue has no translation (yet) and the English
#: shows through: new or changed English text, or a fuzzy entry.
UNTRANSLATED_NOTE = {"es": "Texto en inglés, aún sin traducir:"}
#: The nodes whose text a reader reads as a paragraph, a heading or a caption.
READ_AS_TEXT = (nodes.paragraph, nodes.title, nodes.caption, nodes.term, nodes.rubric)


def mark_untranslated(doctree: nodes.document, language: str) -> None:
    """Where the catalogue has no translation for a paragraph (the English changed after the
    translation, or the entry is fuzzy), the English words are marked as English (read aloud
    in English: WCAG 3.1.2) and preceded by a note, in the page's language, that says so: a
    client is never handed a Spanish page with an English sentence in it unannounced."""
    from sphinx.util.nodes import extract_messages

    for node, _ in list(extract_messages(doctree)):
        if node.get("translated", True) or not isinstance(node, READ_AS_TEXT):
            continue
        english = nodes.inline("", "", *node.children, classes=["language-en"])
        note = nodes.inline("", UNTRANSLATED_NOTE[language] + " ", classes=["untranslated-note"])
        node.children = []
        node += [note, english]
        node["classes"].append("untranslated")


def mark_title_language(doctree: nodes.document, language: str) -> None:
    """Mark the page title's words as ``language`` (docutils writes a ``language-xx`` class as
    ``lang="xx"``). The title travels: the table of contents Sphinx collects from it puts it
    in the sidebar of every page, most of them English, and in the previous/next links, where
    a screen reader must read it in Spanish (WCAG 3.1.2, language of parts)."""
    title = next(iter(doctree.findall(nodes.title)), None)
    if title is None or not title.children:
        return
    words = nodes.inline("", "", *[child.deepcopy() for child in title.children])
    words["classes"].append(f"language-{language}")
    title.children = []
    title += words


def _language_link(app: Sphinx, docname: str, language: str, target: str) -> nodes.raw:
    """A paragraph linking to the page in ``language``, marked as that language for screen
    readers (WCAG 3.1.2). Raw HTML, as the download links are: it is site furniture, kept out
    of the page's description (sphinxext-opengraph skips raw nodes) and out of the PDF."""
    href = html.escape(app.builder.get_relative_uri(docname, target))
    return nodes.raw(
        "",
        f'<p class="translation-link"><a href="{href}" lang="{language}" '
        f'hreflang="{language}">{LINK_TEXT[language]}</a></p>',
        format="html",
    )


def _insert_after_title(doctree: nodes.document, node: nodes.Node) -> None:
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        doctree += node
        return
    title = next(iter(section.findall(nodes.title)), None)
    section.insert(section.index(title) + 1 if title is not None else 0, node)


def add_translation_status(app: Sphinx, doctree: nodes.document) -> None:
    """End a translated page with its status: when, from which English, reviewed or not."""
    line = tr.page_status(Path(app.srcdir), app.env.docname)
    if line:
        status = nodes.paragraph("", line, classes=["translation-status"])
        sections = list(doctree.findall(nodes.section))
        (sections[0] if sections else doctree).append(status)


def add_language_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Link a translated handout to its English page ("In English") and an English handout
    to each translation ("En español"), under the title, on the site and in the EPUB."""
    if app.builder.format != "html":
        return
    found = english_docname(docname)
    if found and docname in app.env.found_docs:
        _insert_after_title(doctree, _language_link(app, docname, "en", found[0]))
        return
    for language in LANGUAGES:
        translated = translated_docname(docname, language)
        if translated in app.env.found_docs:
            _insert_after_title(doctree, _language_link(app, docname, language, translated))


def mark_links_to_translations(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A link to a translated page (its Spanish title, in the handouts index and elsewhere)
    is marked as that language, for screen readers (WCAG 3.1.2, language of parts)."""
    for ref in doctree.findall(nodes.reference):
        uri = str(ref.get("refuri", "")).split("#")[0]
        if not ref.get("internal") or not uri:
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(docname), uri))
        found = english_docname(posixpath.splitext(target)[0])
        if found:
            ref["classes"].append(f"language-{found[1]}")


def page_language(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """``<html lang="es">`` for a translated page (site and EPUB), and its description in the
    language of the page (MyST writes ``html_meta`` after Sphinx's translation has run)."""
    found = english_docname(pagename)
    if not (found and pagename in app.env.found_docs):
        return
    english_doc, language = found
    context["language"] = language
    if context.get("html_tag"):  # the EPUB's XHTML pages: Sphinx's epub3 builder writes <html>
        # (with the book's language already set by epub.epub_setup: replace it, never repeat it)
        tag = re.sub(r'\s(?:xml:)?lang="[^"]*"', "", context["html_tag"])
        context["html_tag"] = tag.replace(
            "<html ", f'<html lang="{language}" xml:lang="{language}" ', 1
        )
    po = tr.catalogue_path(Path(app.srcdir), english_doc, language)
    if po.exists() and context.get("metatags"):
        translated = {e.msgid: e.msgstr for e in tr.read_catalogue(po).entries if not e.fuzzy}
        context["metatags"] = _translate_meta(context["metatags"], translated)


#: How a translated page numbers its figures ("Figura 1"), by language.
FIGURE_FORMAT = {"es": "Figura %s"}


def number_figures_per_page(app: Sphinx, env) -> list[str]:
    """A translated handout numbers its own figures from 1 ("Figura 1"), not on from the
    English handouts' shared counter ("Fig. 2" under a Spanish title). Runs after Sphinx has
    numbered the figures (its collector's ``env-get-updated``)."""
    if not upstream.applies("translated-figure-numbers"):
        return []
    for docname, kinds in env.toc_fignumbers.items():
        if english_docname(docname) and "figure" in kinds:
            ordered = sorted(kinds["figure"].items(), key=lambda item: item[1])
            kinds["figure"] = {ident: (n,) for n, (ident, _) in enumerate(ordered, 1)}
    return []


def figure_word_of_page(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Before Sphinx writes a page, set the figure numbers' word to the page's language
    ("Figura 1" on a Spanish handout, "Fig. 1" elsewhere): the HTML writer reads
    ``numfig_format`` as it writes each page, and pages are written one by one after this
    event. (The singlehtml book the PDFs come from is one page: ``pipeline/pdf.py`` says
    "Figura" in the Spanish sections.)"""
    formats = app.config.numfig_format
    english = getattr(app, "addictionbook_numfig_format", None)
    if english is None:
        english = app.addictionbook_numfig_format = dict(formats)  # type: ignore[attr-defined]
    found = english_docname(docname)
    formats.update(english)
    if found and found[1] in FIGURE_FORMAT and upstream.applies("translated-figure-numbers"):
        formats["figure"] = FIGURE_FORMAT[found[1]]


#: The site's furniture on every page, in English whatever the page's language: the skip link,
#: the back-to-top button, the search dialog, the header, the navigation, the article's
#: header and footers, the page's table of contents and the footers (pydata-sphinx-theme's
#: layout.html, as sphinx-book-theme uses it).
ENGLISH_CHROME = (
    "#pst-skip-link",
    "#pst-back-to-top",
    "#pst-search-dialog",
    "#pst-header",
    "#pst-primary-sidebar",
    ".bd-header-article",
    ".bd-footer-article",
    ".prev-next-footer",
    "#pst-secondary-sidebar",
    ".bd-footer-content",
    ".bd-footer",
)


def mark_english_chrome(app: Sphinx, exception: Exception | None) -> None:
    """On a translated page (``<html lang="es">``), mark the site's English furniture as
    English (``lang="en"``), so a screen reader reads "Skip to main content", the sidebar's
    English chapter titles and the footer with English rules (WCAG 2.1 SC 3.1.2, language of
    parts); the page's own table of contents lists its Spanish headings, marked Spanish. The
    written page is edited once Sphinx has written every page: the theme's layout has no place
    for a per-region language (registered: translated-page-chrome-language)."""
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    if not upstream.applies("translated-page-chrome-language"):
        return
    from bs4 import BeautifulSoup

    for docname in sorted(app.env.found_docs):
        found = english_docname(docname)
        page = Path(app.outdir) / app.builder.get_target_uri(docname)
        if not found or not page.is_file():
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for selector in ENGLISH_CHROME:
            for region in soup.select(selector):
                region["lang"] = "en"
        for contents in soup.select("#pst-page-toc-nav > ul"):
            contents["lang"] = found[1]
        page.write_text(str(soup), encoding="utf-8")


def _translate_meta(metatags: str, translated: dict[str, str]) -> str:
    def swap(match: re.Match[str]) -> str:
        english = html.unescape(match.group(2))
        spanish = translated.get(english)
        return match.group(1) + html.escape(spanish) + match.group(3) if spanish else match.group(0)

    return re.sub(r'(<meta [^>]*content=")([^"]*)(")', swap, metatags)


def setup(app: Sphinx) -> None:
    app.connect("source-read", read_english_source)
    if upstream.applies("handout-translation-transform"):
        app.add_transform(TranslateHandout)
    app.connect("doctree-read", add_translation_status)
    # After the download links (priority 500), so "En español" comes first under the title.
    app.connect("doctree-resolved", add_language_links, priority=600)
    app.connect("doctree-resolved", mark_links_to_translations)
    # After Sphinx's own numbering of the figures (its collector, priority 500).
    app.connect("env-get-updated", number_figures_per_page, priority=800)
    app.connect("doctree-resolved", figure_word_of_page, priority=900)
    app.connect("build-finished", mark_english_chrome)
    app.connect("html-page-context", page_language)
