"""Every PDF is tagged and identifies as PDF/UA-1 (issue 13), read with pikepdf.

The structure check (``tests/pdf_structure.py``) runs on every PDF the build publishes: the
full book, each handout and each chapter. ``python -m tests.pdf_structure
_build/pdf/book.pdf`` prints it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from addictionbook.content.sources import HANDOUT_PREFIX, Sources, english_docname
from addictionbook.figures.registry import FIGURES
from addictionbook.problems import ProblemsFound

from .helpers import ROOT
from .pdf_structure import Structure, inspect

#: The repository's book, as the build reads it.
BOOK = Sources(ROOT)

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
LANGUAGE = CONFIG["sphinx"]["config"]["language"]
HANDOUTS = BOOK.printed_handouts  # the English ones and their translations
#: Each PDF and the site pages it holds.
PDFS = (
    {"book.pdf": BOOK.toc_entries}
    | {f"handouts/{doc.removeprefix(HANDOUT_PREFIX)}.pdf": [doc] for doc in HANDOUTS}
    # each chapter's own PDF (issue 22), tagged like the handouts
    | {f"chapters/{doc.rsplit('/', 1)[-1]}.pdf": [doc] for doc in BOOK.chapters}
)
#: The language each PDF is written in: a translated handout's, else the book's.
LANGUAGES = {name: (english_docname(docs[0]) or ("", LANGUAGE))[1] for name, docs in PDFS.items()}
#: The handout footer's word for "Edition", by language.
EDITION = {"en": "Edition", "es": "Edición"}


@pytest.fixture(scope="module")
def structures(book_pdf: Path) -> dict[str, Structure]:
    found = {name: inspect(book_pdf.parent / name) for name in PDFS}
    for name, structure in found.items():
        print(structure.report(name))  # shown with pytest -s: the report for the notes
    return found


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("name", PDFS)
def test_pdf_is_tagged_with_language_title_and_pdfua_identification(
    structures: dict[str, Structure], name: str
) -> None:
    pdf = structures[name]
    assert pdf.marked, f"{name}: not tagged (MarkInfo/Marked)"
    assert pdf.tags["Document"] == 1 and sum(pdf.tags.values()) > 20, f"{name}: no tree"
    assert pdf.lang == LANGUAGES[name], f"{name}: /Lang is {pdf.lang!r}"
    assert pdf.title.strip(), f"{name}: no /Title"
    assert pdf.display_doc_title, f"{name}: the window shows the file name, not the title"
    assert pdf.pdfua_part == "1", f"{name}: XMP has no pdfuaid:part 1"


@pytest.mark.parametrize("name", PDFS)
def test_headings_are_tagged_in_outline_order_and_bookmarked(
    structures: dict[str, Structure], name: str
) -> None:
    """H1 first, no level skipped on the way down, and the bookmarks are the same headings in
    the same order (the tagged headings' text, read through the fonts' Unicode maps)."""
    pdf = structures[name]
    levels = [level for level, _ in pdf.headings]
    assert levels and levels[0] == 1, f"{name}: does not start with H1"
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"{name}: heading level jumps from H{before} to H{after}"
    assert [(level, squash(text)) for level, text in pdf.headings] == [
        (level, squash(title)) for level, title in pdf.outline
    ], f"{name}: bookmarks and tagged headings differ"


def test_book_has_chapters_as_h2_and_tables_with_header_cells(
    structures: dict[str, Structure],
) -> None:
    book = structures["book.pdf"]
    chapters = [text for level, text in book.headings if level == 2]
    assert any("Attunement" in text for text in chapters)
    assert any("Glossary" in text for text in chapters)
    assert any("References" in text for text in chapters)
    assert book.tags["Table"] >= 1 and book.th_cells >= 2, "tables without header cells"
    assert book.tags["L"] >= 10 and book.tags["LI"] >= 20, "lists are not tagged"
    assert book.tags["P"] >= 200 and book.links >= 50, "paragraphs or links are not tagged"


@pytest.mark.parametrize("name", PDFS)
def test_no_link_points_at_the_build_machine(structures: dict[str, Structure], name: str) -> None:
    assert not structures[name].local_links, f"{name}: links to local files"


def site_alts(site: Path, docs: list[str]) -> Counter:
    alts: Counter = Counter()
    for doc in docs:
        page = BeautifulSoup((site / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")
        alts.update(img.get("alt", "") for img in page.select("article.bd-article img"))
    return alts


@pytest.mark.parametrize("name", PDFS)
def test_every_figure_is_tagged_with_the_sites_alt_text(
    structures: dict[str, Structure], site: Path, name: str
) -> None:
    """Each figure of the pages a PDF holds is a Figure with the alt text the site gives it:
    the registry's (figure gallery) or the MyST ``:alt:`` (chapters, the worksheet)."""
    figures = structures[name].figures
    assert all(alt and alt.strip() for alt in figures), f"{name}: a Figure without /Alt"
    assert Counter(figures) == site_alts(site, PDFS[name]), f"{name}: alt texts differ"


def test_registered_figures_in_the_book_carry_the_registry_alt_text(
    structures: dict[str, Structure],
) -> None:
    figures = set(structures["book.pdf"].figures)
    missing = [spec.id for spec in FIGURES if spec.alt not in figures]
    assert not missing, f"figures without the registry's alt text in the book: {missing}"


@pytest.mark.parametrize("name", PDFS)
def test_running_heads_footers_and_page_numbers_are_artifacts(
    structures: dict[str, Structure], name: str
) -> None:
    """What repeats on every page is marked /Artifact, outside the structure tree, and every
    other piece of text is reachable from the tree."""
    pdf = structures[name]
    assert pdf.orphan_mcids == 0, f"{name}: marked content outside the structure tree"
    assert pdf.untagged_text == 0, f"{name}: text neither tagged nor an artifact"
    pages = pdf.artifact_text[1:] if name == "book.pdf" else pdf.artifact_text
    for number, text in enumerate(pages, 2 if name == "book.pdf" else 1):
        assert str(number) in text.split(), f"{name} p.{number}: page number not an artifact"
    if name == "book.pdf":
        assert all(squash(pdf.title) in squash(text) for text in pages), "running head"
    else:
        for text in pages:
            assert EDITION[LANGUAGES[name]] in text, f"{name}: footer {text!r}"
            assert "CC BY-SA 4.0" in text, f"{name}: footer {text!r}"
            assert squash(pdf.title) in squash(text), f"{name}: footer without the title"


@pytest.mark.parametrize("name", PDFS)
def test_fonts_are_embedded_with_unicode_maps(structures: dict[str, Structure], name: str) -> None:
    fonts = structures[name].fonts
    assert fonts, f"{name}: no fonts"
    for font, embedded, unicode in fonts:
        assert embedded, f"{name}: {font} not embedded"
        assert unicode, f"{name}: {font} has no ToUnicode map (text cannot be read aloud)"


def test_translated_handouts_are_tagged_in_their_language_inside_the_book(
    structures: dict[str, Structure],
) -> None:
    """The book is English; each Spanish handout in it is a part tagged /Lang es (read aloud
    with Spanish pronunciation), holding its Spanish title; nothing else is marked."""
    book = structures["book.pdf"]
    spanish = squash(" ".join(text for lang, text in book.language_parts if lang == "es"))
    translated = [d for d in HANDOUTS if english_docname(d)]
    assert translated
    for doc in translated:
        title = squash(structures[f"handouts/{doc.removeprefix(HANDOUT_PREFIX)}.pdf"].title)
        assert title and title in spanish, f"{doc}: not tagged Spanish in the book"


def test_a_spanish_handout_marks_the_books_english_title_as_english(
    structures: dict[str, Structure],
) -> None:
    for name, language in LANGUAGES.items():
        if language == "es":
            english = [text for lang, text in structures[name].language_parts if lang == "en"]
            assert squash(CONFIG["title"]) in map(squash, english), name


def test_an_html_lang_attribute_becomes_the_elements_lang(tmp_path: Path) -> None:
    """The WeasyPrint workaround (addictionbook.upstream): a part in another language."""
    from addictionbook.pipeline.pdf import write_pdf

    html = (
        '<html lang="en"><head><title>T</title></head><body><h1>Title</h1>'
        '<p>English text.</p><section lang="es"><p>Texto en español.</p></section></body></html>'
    )
    pdf = inspect(write_pdf(html, tmp_path, tmp_path / "t.pdf"))
    assert pdf.lang == "en"
    assert [(lang, squash(text)) for lang, text in pdf.language_parts] == [
        ("es", squash("Texto en español."))
    ]


def test_an_image_without_alt_text_stops_the_pdf_step(tmp_path: Path) -> None:
    """WeasyPrint only logs an untagged image; the PDF step turns that into an error."""
    from addictionbook.pipeline.pdf import write_pdf

    html = (
        '<html lang="en"><head><title>T</title></head><body><h1>T</h1>'
        '<img src="fig-layered-model.svg"></body></html>'
    )
    with pytest.raises(ProblemsFound) as stopped:
        write_pdf(html, ROOT / "figures", tmp_path / "t.pdf", "book/chapter.md")
    (problem,) = stopped.value.problems
    assert problem.path == "book/chapter.md" and "alt" in problem.message
    assert not (tmp_path / "t.pdf").exists()


def test_margin_boxes_become_artifacts_and_body_text_stays_tagged(tmp_path: Path) -> None:
    """The WeasyPrint workaround (addictionbook.upstream) on a two-page document."""
    from addictionbook.pipeline.pdf import write_pdf

    html = (
        '<html lang="en"><head><title>T</title><style>@page { size: letter; '
        '@top-center { content: "Running head" } @bottom-right { content: counter(page) } }'
        "</style></head><body><h1>Title</h1>"
        + "<p>Body text of the page.</p>" * 120
        + "</body></html>"
    )
    pdf = inspect(write_pdf(html, tmp_path, tmp_path / "t.pdf"))
    assert pdf.pages >= 2
    expected = [f"Runninghead{n}" for n in range(1, pdf.pages + 1)]
    assert [squash(text) for text in pdf.artifact_text] == expected
    assert pdf.orphan_mcids == 0 and pdf.untagged_text == 0
    assert pdf.tags["P"] == 120 and pdf.headings == [(1, "Title")]


@pytest.mark.parametrize("name", PDFS)
def test_every_table_header_cell_has_its_scope(structures: dict[str, Structure], name: str) -> None:
    """A screen reader ties each data cell to its headers: every /TH carries /Scope, Column
    for a header row, Row for a stub column (Matterhorn 15-003, veraPDF rule 7.5-1)."""
    scopes = structures[name].th_scopes
    assert all(scope in ("Column", "Row") for scope in scopes), (name, scopes)


def test_the_books_tables_have_column_headers(structures: dict[str, Structure]) -> None:
    assert structures["book.pdf"].th_scopes.count("Column") >= 20


def test_an_independent_pdfua_checker_finds_nothing_in_any_pdf(book_pdf: Path) -> None:
    """A second, independent reader of the same rules (the pdfua package, pikepdf-based, the
    machine-checkable part of the Matterhorn Protocol, pinned in requirements.lock): no error
    and no warning in the book PDF or any handout."""
    from pdfua import Severity, validate

    pdfs = sorted(book_pdf.parent.rglob("*.pdf"))
    assert len(pdfs) == len(PDFS)
    for pdf in pdfs:
        report = validate(str(pdf))
        found = [
            f"{f.rule_id} {f.severity.name}: {f.message}"
            for f in report.findings
            if f.severity >= Severity.WARNING
        ]
        assert found == [], f"{pdf.name}: {found[:3]}"
