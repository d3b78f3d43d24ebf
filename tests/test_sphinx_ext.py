"""The Sphinx extension's hooks, each tested in process on a book of four pages.

``tests/roots/test-book`` is laid out as the real book (``_toc.yml`` with a numbered and an
unnumbered part, ``book/handouts/``, a client handout, its Spanish stub and catalogue under
``locales/``, a template of the site's own under ``_templates/``) and loads the whole extension
with the real book's theme. Each test copies it, builds it with Sphinx's own test application
(``make_app`` from ``sphinx.testing``, loaded in ``conftest.py``), and reads what one hook did to
the pages: the sidebar made once (``sidebar.py``), the download links (``downloads.py``), the
EPUB's pages and package (``epub.py``), and the Spanish handouts (``translations.py``). A build
takes well under a second, so these tests build nothing in the ``build`` marker's sense (the
book itself) and run in ``make test-fast``; the full-book tests read the same hooks' work on
the real book (``test_site.py``, ``test_translations.py``, ``test_epub.py``, ``test_sidebar.py``).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from sphinx.highlighting import PygmentsBridge
from sphinx.testing.util import SphinxTestApp

from addictionbook.content import translations
from addictionbook.sphinx_ext.epub import ACCESSIBILITY, EPUB_PYGMENTS_STYLE, EPUB_STYLESHEETS

from .test_epub import NS

#: Every page of the fixture book, and the pages Sphinx adds to a site.
PAGES = ["book/index", "book/chapter", "book/handouts/sheet", "book/handouts/es/sheet"]
SITE_PAGES = [*PAGES, "search", "genindex"]
NAV = re.compile(r'<nav [^>]*class="bd-links bd-docs-nav"[^>]*>')
#: The settings the extension reads from the environment (``addictionbook.settings``).
DOWNLOADS_ENV = "ADDICTIONBOOK_DOWNLOADS"
SETTINGS = (DOWNLOADS_ENV, "ADDICTIONBOOK_THEME_NAV", "ADDICTIONBOOK_PAPER")

Build = Callable[..., SphinxTestApp]

#: sphinx-multitoc-numbering 0.1.3 walks doctrees with docutils' deprecated ``traverse``.
pytestmark = pytest.mark.filterwarnings(
    "ignore:nodes.Node.traverse:PendingDeprecationWarning:sphinx_multitoc_numbering"
)


@pytest.fixture
def no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """None of the settings the extension reads from the environment is set."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def book(rootdir: Path, tmp_path: Path, no_settings: None) -> Path:
    """This test's own copy of the fixture book, for a test that edits it or sets a setting."""
    return Path(shutil.copytree(rootdir / "test-book", tmp_path / "book"))


def builder(make_app: Callable[..., SphinxTestApp], srcdir: Path) -> Build:
    """``build(name)``: build ``srcdir`` with Sphinx's test application (over the saved
    environment of an earlier build of the folder); no warning allowed. Each application is
    cleaned up once built, so that the next one registers its nodes afresh."""

    def build(name: str = "html", srcdir: Path = srcdir) -> SphinxTestApp:
        app = make_app(name, srcdir=srcdir)
        try:
            app.build()
        finally:
            app.cleanup()
        assert app.warning.getvalue() == "", app.warning.getvalue()
        return app

    return build


@pytest.fixture
def build(make_app: Callable[..., SphinxTestApp], book: Path) -> Build:
    """Builds this test's own copy of the book (``book``)."""
    return builder(make_app, book)


@pytest.fixture
def built(
    make_app: Callable[..., SphinxTestApp],
    rootdir: Path,
    sphinx_test_tempdir: Path,
    no_settings: None,
) -> Build:
    """Builds the book that the tests which only read it share (one per worker, in Sphinx's
    test folder, as its ``app`` fixture shares a ``testroot``): built in full once, the
    builds of later tests are incremental and write nothing new."""
    shared = Path(sphinx_test_tempdir) / "test-book"
    if not shared.exists():
        shutil.copytree(rootdir / "test-book", shared)
    return builder(make_app, shared)


def page(app: SphinxTestApp, docname: str) -> BeautifulSoup:
    suffix = ".xhtml" if app.builder.name == "epub" else ".html"
    path = Path(app.outdir) / f"{docname}{suffix}"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def navigation(app: SphinxTestApp, docname: str) -> str:
    """The page's sidebar navigation (its attributes in either order: a Spanish page's HTML
    is written again by the extension)."""
    text = (Path(app.outdir) / f"{docname}.html").read_text(encoding="utf-8")
    start = NAV.search(text)
    assert start, f"{docname} has no sidebar navigation"
    return text[start.end() : text.index("</nav>", start.end())]


def written(app: SphinxTestApp) -> set[str]:
    """The pages this build wrote (Sphinx's "writing output... [ 50%] book/x" lines)."""
    status = re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue())
    return set(re.findall(r"writing output\.\.\. \[\s*\d+%\] (\S+)", status))


def under_title(app: SphinxTestApp, docname: str) -> list[str]:
    """The classes of the paragraphs right under a page's title, up to its first own text."""
    h1 = page(app, docname).select_one("article h1")
    found = []
    for sibling in h1.find_next_siblings():
        if sibling.name != "p" or not set(sibling.get("class", [])) & {
            "pdf-download",
            "epub-download",
            "translation-link",
        }:
            break
        found.append(sibling["class"][0])
    return found


# --- sidebar.py: the navigation made once per build ------------------------------------------


def deepen(book: Path) -> None:
    """Give the chapter a sub-page with a sub-page of its own (three levels of navigation)."""
    (book / "book" / "deep").mkdir()
    for name, title in [("one", "Deep one"), ("two", "Deep two")]:
        (book / "book" / "deep" / f"{name}.md").write_text(f"# {title}\n\nText.\n", "utf-8")
    toc = book / "_toc.yml"
    toc.write_text(
        toc.read_text(encoding="utf-8").replace(
            "      - file: book/chapter\n",
            "      - file: book/chapter\n        sections:\n"
            "          - file: book/deep/one\n            sections:\n"
            "              - file: book/deep/two\n",
        ),
        encoding="utf-8",
    )


def test_the_sidebar_made_once_is_the_themes_on_every_page_with_named_toggles(
    build: Build, book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three levels, two parts (one numbered): every page's navigation, made from the one
    template, is the theme's own (``ADDICTIONBOOK_THEME_NAV=1``, a copy built separately)
    with each section's toggle named."""
    deepen(book)
    theirs_book = Path(shutil.copytree(book, tmp_path / "theirs"))
    ours = build("html")
    assert "sidebar navigation: made once, used on 8 pages" in ours.status.getvalue()
    monkeypatch.setenv("ADDICTIONBOOK_THEME_NAV", "1")
    theirs = build("html", srcdir=theirs_book)
    assert "made once" not in theirs.status.getvalue()
    pages = [*SITE_PAGES, "book/deep/one", "book/deep/two"]
    for docname in pages:
        assert navigation(ours, docname) == navigation(theirs, docname), docname
    deepest = navigation(ours, "book/deep/two")
    assert '<a class="current reference internal" href="#">1.1.1. Deep two</a>' in deepest
    assert deepest.count('open="open"') == 2, "the path to the page is not open"
    for section in ("1. Attunement", "1.1. Deep one", "A start"):
        assert f'<summary aria-label="Pages under {section}">' in deepest, section


def test_a_renamed_page_is_renamed_in_every_pages_navigation(build: Build, book: Path) -> None:
    """Sphinx reads only the renamed page again, and every page is written again with the new
    title in its navigation (Sphinx alone would write only the pages it read)."""
    build("html")
    chapter = book / "book" / "chapter.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace("# Attunement", "# Attunement and repair"),
        encoding="utf-8",
    )
    app = build("html")
    status = re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue())
    assert re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", status) == ["book/chapter"]
    assert "the navigation changed: every page is written again" in status
    assert written(app) >= set(PAGES)
    for docname in SITE_PAGES:
        assert "Attunement and repair" in navigation(app, docname), docname


# --- downloads.py: links to the PDFs and the EPUB that were built --------------------------


def downloads(folder: Path, *files: str) -> Path:
    """A folder of published downloads holding ``files`` (site-relative paths)."""
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"%PDF-1.7\n")
    return folder


def download_links(app: SphinxTestApp, docname: str) -> list[tuple[str, str]]:
    return [
        (a["href"], a.get_text())
        for a in page(app, docname).select("p.pdf-download a, p.epub-download a")
    ]


def test_download_links_are_under_the_title_for_the_files_built_and_no_others(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = downloads(tmp_path / "out", "pdf/book.pdf", "epub/book.epub", "pdf/handouts/sheet.pdf")
    monkeypatch.setenv(DOWNLOADS_ENV, str(folder))
    app = build("html")
    assert download_links(app, "book/index") == [
        ("../pdf/book.pdf", "Download the whole book as a PDF"),
        ("../epub/book.epub", "Download the whole book as an EPUB, for e-readers"),
    ]
    assert under_title(app, "book/index") == ["pdf-download", "epub-download"]
    assert download_links(app, "book/handouts/sheet") == [
        ("../../pdf/handouts/sheet.pdf", "Download this handout as a PDF (US Letter)")
    ]
    assert page(app, "book/handouts/sheet").select_one("p.pdf-download a").has_attr("download")
    assert download_links(app, "book/handouts/es/sheet") == [], "its PDF was not built"
    assert download_links(app, "book/chapter") == []


def test_a_spanish_handout_links_its_pdf_in_spanish_after_the_english_link(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the handout's language, for the paper size built (``make pdf PAPER=a4``); the
    language link comes first under the title."""
    monkeypatch.setenv(DOWNLOADS_ENV, str(downloads(tmp_path / "out", "pdf/handouts/es/sheet.pdf")))
    monkeypatch.setenv("ADDICTIONBOOK_PAPER", "a4")
    app = build("html")
    assert download_links(app, "book/handouts/es/sheet") == [
        ("../../../pdf/handouts/es/sheet.pdf", "Descargar esta hoja en PDF (tamaño A4)")
    ]
    assert under_title(app, "book/handouts/es/sheet") == ["translation-link", "pdf-download"]
    assert download_links(app, "book/index") == []


def test_the_pages_linking_a_new_download_are_written_again(
    build: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PDF built after the site (``make pdf`` then ``make html``): no source changed, yet the
    landing page, the chapters and the handouts (the pages that link a PDF) are written again
    with their links, and no other page."""
    assert download_links(build("html"), "book/index") == []
    folder = downloads(tmp_path / "out", "pdf/book.pdf", "pdf/handouts/sheet.pdf")
    monkeypatch.setenv(DOWNLOADS_ENV, str(folder))
    app = build("html")
    assert written(app) == {
        "book/index",
        "book/chapter",
        "book/handouts/sheet",
        "book/handouts/es/sheet",
    }
    assert download_links(app, "book/index") == [
        ("../pdf/book.pdf", "Download the whole book as a PDF")
    ]
    assert len(download_links(app, "book/handouts/sheet")) == 1


# --- epub.py: the EPUB's pages and package ---------------------------------------------------


def test_epub_pages_keep_no_script_and_no_dropdown_icon(built: Build) -> None:
    """The chapter's raw ``<script>`` and sphinx-design's chevron icon are left out of the EPUB
    page; the dropdown itself stays (the site keeps both)."""
    chapter = page(built("epub"), "book/chapter")
    assert chapter.find("script") is None
    assert chapter.find("details") is not None, "the dropdown is gone"
    assert chapter.select(".sd-summary-state-marker") == []
    site = page(built("html"), "book/chapter")
    assert site.find("script", string=re.compile("kernel")) is not None
    assert site.select(".sd-summary-state-marker") != []


def test_epub_pages_link_only_the_epub_stylesheets_and_no_script(built: Build) -> None:
    app = built("epub")
    for docname in PAGES:
        xhtml = page(app, docname)
        sheets = [Path(link["href"]).name for link in xhtml.find_all("link", rel="stylesheet")]
        assert set(sheets) == set(EPUB_STYLESHEETS), (docname, sheets)
        assert xhtml.find("script") is None, docname


def test_the_epub_packs_only_its_stylesheets_and_what_they_load(built: Build) -> None:
    static = Path(built("epub").outdir) / "_static"
    files = {p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file()}
    assert set(EPUB_STYLESHEETS) <= files
    loaded = set()
    for name in EPUB_STYLESHEETS:
        css = (static / name).read_text(encoding="utf-8")
        loaded |= set(re.findall(r"""url\(\s*["']?([^"')]+)""", css))
    assert files - set(EPUB_STYLESHEETS) <= loaded, files - set(EPUB_STYLESHEETS) - loaded
    assert not any(name.endswith(".js") for name in files)


def test_the_epub_declares_its_accessibility_identifier_languages_and_code_colours(
    built: Build,
) -> None:
    """``epub_setup``: the package's accessibility metadata, the book's identifier in the NCX,
    a language on every page, the high-contrast code colours, and not the site's templates."""
    app = built("epub")
    out = Path(app.outdir)
    opf = ElementTree.parse(out / "content.opf").getroot()
    declared = [
        (meta.get("property"), meta.text)
        for meta in opf.iterfind("opf:metadata/opf:meta[@property]", NS)
    ]
    expected = [(prop, value) for prop, values in ACCESSIBILITY.items() for value in values]
    assert [d for d in declared if d in expected] == expected, declared
    ncx = (out / "toc.ncx").read_text(encoding="utf-8")
    assert '<meta name="dtb:uid" content="https://example.org/tiny-book"/>' in ncx
    for docname in PAGES:
        html = page(app, docname).find("html")
        language = "es" if "/es/" in docname else "en"
        assert (html.get("lang"), html.get("xml:lang")) == (language, language), docname
        assert page(app, docname).find("meta", attrs={"name": "site-template"}) is None
    colours = PygmentsBridge("html", EPUB_PYGMENTS_STYLE).get_stylesheet()
    assert (out / "_static" / "pygments.css").read_text(encoding="utf-8") == colours
    site = built("html")
    assert page(site, "book/chapter").find("meta", attrs={"name": "site-template"}) is not None


def test_epub_part_captions_are_level_2_headings_and_citations_list_items(built: Build) -> None:
    """``epub_translator``'s two ARIA fixes (Ace reports both as critical otherwise)."""
    app = built("epub")
    captions = page(app, "book/index").find_all(attrs={"role": "heading"})
    assert [c.get_text() for c in captions] == ["Foundations", "Handouts"]
    assert all(c.get("aria-level") == "2" for c in captions), captions
    chapter = page(app, "book/chapter")
    assert chapter.find(attrs={"role": "doc-biblioentry"}) is None
    citation = chapter.find(id="daily2024")
    assert citation is not None and citation.get("role") == "listitem", citation
    assert citation.parent.get("role") == "list"


# --- translations.py: the Spanish handouts ---------------------------------------------------


def test_a_spanish_handout_is_its_english_source_translated_from_the_catalogue(
    built: Build,
) -> None:
    """The stub's page is the English source (its label renamed) in the catalogue's Spanish;
    the catalogue is compiled in the build's work area, never beside the sources."""
    app = built("html")
    es = page(app, "book/handouts/es/sheet")
    text = es.find("article").get_text(" ", strip=True)
    assert es.find("h1").get_text().strip("#") == "Un comienzo"
    assert "Dejar es un comienzo." in text and "Llame al 988." in text
    assert "Stopping is a start." not in text
    assert es.find(id="sheet-es") is not None, "the label is not renamed"
    sources = Path(app.srcdir)
    assert [p for p in sources.rglob("*.mo") if "_build" not in p.parts] == []
    assert (Path(app.doctreedir).parent / "locale/es/LC_MESSAGES/sheet.mo").is_file()


def test_a_spanish_handout_ends_with_its_translation_status(built: Build) -> None:
    app = built("html")
    sources = Path(app.srcdir)
    catalogue = translations.read_catalogue(sources / "locales/es/LC_MESSAGES/sheet.po")
    english = (sources / "book/handouts/sheet.md").read_text(encoding="utf-8")
    spanish = page(app, "book/handouts/es/sheet")
    status = spanish.select("p.translation-status")
    assert [p.get_text() for p in status] == [translations.status_line(catalogue, english)]
    assert "revisión" not in status[0].get_text().lower(), "the review has its own band"
    # This catalogue does not say which English it follows: out of date with the English, and
    # the band at the top of the page says so, in Spanish.
    (band,) = spanish.select("article .review-band.review-outdated")
    assert band.get_text(" ", strip=True).startswith("Desactualizada respecto al inglés.")


def test_the_english_and_spanish_handouts_link_each_other_in_their_language(
    built: Build,
) -> None:
    app = built("html")
    for docname, href, text, language in [
        ("book/handouts/es/sheet", "../sheet.html", "In English", "en"),
        ("book/handouts/sheet", "es/sheet.html", "En español", "es"),
    ]:
        (link,) = page(app, docname).select("p.translation-link a")
        assert (link["href"], link.get_text(), link["lang"]) == (href, text, language)
        assert under_title(app, docname) == ["translation-link"], docname
    assert page(app, "book/chapter").select("p.translation-link") == []


def test_a_link_to_a_spanish_page_is_marked_spanish(built: Build) -> None:
    index = page(built("html"), "book/index")
    (link,) = index.select("article p a[href='handouts/es/sheet.html']")
    assert link.get("lang") == "es", link
    (english,) = index.select("article a[href='handouts/sheet.html']")
    assert english.get("lang") is None


def test_the_spanish_title_is_marked_spanish_in_every_pages_navigation(built: Build) -> None:
    app = built("html")
    for docname in SITE_PAGES:
        assert '<span lang="es">Un comienzo</span>' in navigation(app, docname), docname


def test_a_spanish_page_is_lang_es_with_its_description_in_spanish(built: Build) -> None:
    """On the site and in the EPUB (where the page's ``<html>`` carries the language once)."""
    site = built("html")
    for docname, language, description in [
        ("book/handouts/es/sheet", "es", "Una hoja para clientes."),
        ("book/handouts/sheet", "en", "A handout for clients."),
    ]:
        html = page(site, docname)
        assert html.find("html")["lang"] == language, docname
        assert html.find("meta", attrs={"name": "description"})["content"] == description
    xhtml = (Path(built("epub").outdir) / "book/handouts/es/sheet.xhtml").read_text("utf-8")
    (tag,) = re.findall(r"<html[^>]*>", xhtml)
    assert tag.count('lang="es"') == 2 and "en" not in re.findall(r'lang="(\w+)"', tag), tag
