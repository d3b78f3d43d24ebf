"""The full-book PDF: chapters and captions present, references resolved, figures vector."""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from matplotlib.text import Text
from pypdf import PdfReader

from addictionbook.content import review, translations
from addictionbook.content.frontmatter import split_front_matter
from addictionbook.content.sources import HANDOUT_PREFIX, Sources, english_docname
from addictionbook.settings import SettingError, Settings

from .figure_helpers import shown_figures
from .helpers import ROOT, run_build

#: The repository's book, as the build reads it.
BOOK = Sources(ROOT)


@functools.cache
def _page_texts(path: Path, size: int, mtime: int) -> tuple[str, ...]:
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return tuple(result.stdout.decode("utf-8").split("\f")[:-1])  # one form feed per page


def page_texts(path: Path) -> tuple[str, ...]:
    """The text of each page, read once per file (poppler's pdftotext, through the fonts'
    Unicode maps, as a reader's copy and paste gets it): many tests read the same PDFs."""
    stat = path.stat()
    return _page_texts(path, stat.st_size, stat.st_mtime_ns)


def pdf_text(path: Path) -> str:
    return "\n".join(page_texts(path))


def test_pdf_contains_chapter_title_and_figure_caption(book_pdf: Path) -> None:
    text = " ".join(pdf_text(book_pdf).split())
    assert "The layered model of addiction" in text
    assert re.search(r"Fig\. \d+\.\d+:? The layered model of addiction \(after Daily", text)


def test_pdf_has_no_unresolved_references(book_pdf: Path) -> None:
    assert "??" not in pdf_text(book_pdf)


def vector_figure_pages(path: Path, caption: str) -> list:
    """Pages of ``path`` that show the figure captioned ``caption``."""
    reader = PdfReader(path)
    texts = page_texts(path)
    return [reader.pages[i] for i, text in enumerate(texts) if caption in " ".join(text.split())]


def path_operators(page) -> int:
    """How many path-painting operators a page draws (the SVG figure is drawn with them)."""
    from pypdf.generic import ContentStream

    stream = ContentStream(page.get_contents(), page.pdf)
    return sum(op in (b"f", b"f*", b"S", b"B", b"b", b"B*") for _, op in stream.operations)


def test_pdf_figure_is_vector(book_pdf: Path) -> None:
    """The layered-model figure is drawn as vector paths (the site's SVG), not a raster image;
    its labels reach a reader through the Figure's alt text (tests/test_pdf_ua.py)."""
    pages = vector_figure_pages(book_pdf, "The layered model of addiction (after Daily")
    assert pages, "the layered-model figure's caption is not in the PDF"
    assert all(not page.images for page in pages), "figure was embedded as a raster image"
    assert max(path_operators(page) for page in pages) >= 20, "no vector drawing on the page"


# --- the book's metadata, fonts and title page; the handouts (issue 5) ---------------------


TITLE = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]
#: Every handout PDF by name (``es/<name>`` for a translation).
HANDOUTS = [doc.removeprefix(HANDOUT_PREFIX) for doc in BOOK.printed_handouts]
#: Translated handout docname -> (English docname, language).
TRANSLATED = BOOK.translations


def front_matter(doc: str) -> dict:
    return split_front_matter((ROOT / f"{doc}.md").read_text(encoding="utf-8"))[0]


#: Every chapter's PDF by name (``book/<name>``).
CHAPTERS = [doc.rsplit("/", 1)[-1] for doc in BOOK.chapters]


def all_pdfs(pdf_dir: Path) -> list[Path]:
    return (
        [pdf_dir / "book.pdf"]
        + [pdf_dir / "handouts" / f"{n}.pdf" for n in HANDOUTS]
        + [pdf_dir / "chapters" / f"{n}.pdf" for n in CHAPTERS]
    )


def review_statuses() -> dict:
    """Each page's clinical review status as the build computes it (for the day every output
    is dated by: the last commit's)."""
    return review.statuses(BOOK, Settings.from_environment({}).day(ROOT))


@pytest.fixture(scope="module")
def pdf_dir(book_pdf: Path) -> Path:
    return book_pdf.parent


def test_every_handout_page_has_a_pdf_within_its_page_limit(pdf_dir: Path) -> None:
    """One or two pages each, as each handout's front matter says (page_limit)."""
    assert HANDOUTS, "no handout pages under book/handouts/"
    for docname in BOOK.printed_handouts:
        english = (english_docname(docname) or (docname, "en"))[0]
        limit = front_matter(english)["page_limit"]
        assert limit in (1, 2), f"{english}: page_limit {limit}"
        name = docname.removeprefix(HANDOUT_PREFIX)
        pages = len(PdfReader(pdf_dir / "handouts" / f"{name}.pdf").pages)
        assert 1 <= pages <= limit, f"{name}.pdf has {pages} pages, its limit {limit}"


def test_a_handout_that_outgrows_its_page_limit_is_not_published(
    small_copy_with_pdfs: Path,
) -> None:
    """A dozen paragraphs added to a two-page client handout: make pdf fails, naming the
    handout, its page count and its limit; the last good PDFs stay. (On the small book, which
    has the handout and lays out its PDFs in seconds.)"""
    book = small_copy_with_pdfs
    out = book / "_build"
    before = {p: p.read_bytes() for p in (out / "pdf").rglob("*.pdf")}
    handout = book / "book" / "handouts" / "drug-free-is-a-start.md"
    paragraph = "Talk with someone you trust about the day you had and the day ahead. " * 6
    with handout.open("a", encoding="utf-8") as handle:
        handle.write("".join(f"\n{paragraph}\n" for _ in range(12)))
    result = run_build("pdf", book, out)
    assert result.returncode == 1, result.stdout[-2000:]
    assert re.search(
        r"book/handouts/drug-free-is-a-start\.md: drug-free-is-a-start\.pdf is \d pages; its "
        r"limit is 2 \(page_limit: in the handout's front matter\)",
        result.stderr,
    ), result.stderr[-2000:]
    assert {p: p.read_bytes() for p in (out / "pdf").rglob("*.pdf")} == before


def test_clinician_guides_fit_on_one_page(pdf_dir: Path) -> None:
    guides = [d for d in BOOK.handouts if front_matter(d).get("audience") == "clinician"]
    assert guides
    for doc in guides:
        name = doc.removeprefix(HANDOUT_PREFIX)
        assert len(PdfReader(pdf_dir / "handouts" / f"{name}.pdf").pages) == 1, name


def test_handout_has_title_and_footer_with_book_edition_licence_and_review_status(
    pdf_dir: Path,
) -> None:
    """Every page's footer: the handout, the book, its edition, the licence, and the handout's
    clinical review status (also under the title, where a screen reader reads it); a client
    handout not reviewed says so in a band at its top."""
    statuses = review_statuses()
    for doc in BOOK.printed_handouts:
        path = pdf_dir / "handouts" / f"{doc.removeprefix(HANDOUT_PREFIX)}.pdf"
        if doc in TRANSLATED:
            assert f"Edición {BOOK.edition}" in " ".join(pdf_text(path).split())
        else:
            assert BOOK.title(doc) in " ".join(pdf_text(path).split())
        status = review.status_text(statuses[doc])
        for page in page_texts(path):
            footer = " ".join(page.split())
            assert TITLE in footer and "CC BY-SA 4.0" in footer, path.name
            assert f"Edition {BOOK.edition}" in footer or f"Edición {BOOK.edition}" in footer
            assert status in footer, f"{path.name}: the footer lacks the status {status!r}"
        band = " ".join(page_texts(path)[0].split())
        words = review.band(statuses[doc], draft=False)[0]
        assert (words in band) == statuses[doc].client, f"{path.name}: the band {words!r}"


def test_every_chapter_has_a_pdf_linked_from_its_page_with_edition_and_review_status(
    site: Path, pdf_dir: Path
) -> None:
    statuses = review_statuses()
    for doc, name in zip(BOOK.chapters, CHAPTERS, strict=True):
        path = pdf_dir / "chapters" / f"{name}.pdf"
        texts = page_texts(path)
        html = BeautifulSoup((site / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")
        title = " ".join(html.find("h1").get_text(" ", strip=True).rstrip("#").split())
        first = " ".join(texts[0].split())  # a long title wraps; the chapter's number leads it
        assert re.match(rf"(\d+\. )?{re.escape(title)}", first), f"{name}: starts {first[:90]!r}"
        for page in texts:
            footer = " ".join(page.split())
            assert f"{TITLE} | Edition {BOOK.edition} | " in footer, f"{name}: no footer"
            assert review.status_text(statuses[doc]) in footer, name
        (link,) = html.select("p.pdf-download a[href]")
        assert link.get_text() == "Download this chapter as a PDF (US Letter)"
        target = (site / doc).parent / link["href"]
        assert target.resolve().read_bytes() == path.read_bytes(), f"{doc}: {link['href']}"


def test_client_handouts_carry_the_crisis_line(pdf_dir: Path) -> None:
    clients = [d for d in BOOK.handouts if front_matter(d).get("audience") == "client"]
    assert clients
    for doc in clients:
        text = " ".join(
            pdf_text(pdf_dir / "handouts" / f"{doc.removeprefix(HANDOUT_PREFIX)}.pdf").split()
        )
        assert "988" in text and "1-800-662-4357" in text, doc


def spanish_catalogue(english_doc: str) -> translations.Catalogue:
    return translations.read_catalogue(translations.catalogue_path(ROOT, english_doc))


def test_every_client_handout_has_a_spanish_pdf() -> None:
    clients = {d for d in BOOK.handouts if front_matter(d).get("audience") == "client"}
    assert clients and clients == {english for english, _ in TRANSLATED.values()}
    assert all(f"es/{d.removeprefix(HANDOUT_PREFIX)}" in HANDOUTS for d in clients)


def test_spanish_handouts_have_the_spanish_title_crisis_lines_and_footer(pdf_dir: Path) -> None:
    """Title from the catalogue; 988 in Spanish (press 2) and SAMHSA's line; on every page a
    footer in Spanish with the edition, the licence and the translation status the catalogue
    gives (date, English edition); the review status is tested above)."""
    for docname, (english, language) in TRANSLATED.items():
        assert language == "es"
        path = pdf_dir / "handouts" / f"{docname.removeprefix(HANDOUT_PREFIX)}.pdf"
        catalogue = spanish_catalogue(english)
        spanish = {e.msgid: e.msgstr for e in catalogue.entries}
        title = spanish[BOOK.title(english)]
        text = " ".join(pdf_text(path).split())
        assert text.startswith(title), f"{path.name} does not start with {title!r}"
        assert "llame al 988 y marque 2" in text and "1-800-662-4357" in text, path.name
        if "show(" in BOOK.text(f"{english}.md"):
            assert "Figura 1" in text and "Fig. " not in text, path.name
        status = " ".join(translations.status_line(catalogue, BOOK.text(f"{english}.md")).split())
        for number, page in enumerate(page_texts(path), 1):
            page_text = " ".join(page.split())
            for expected in ("Edición", "CC BY-SA 4.0", status):
                assert expected in page_text, f"{path.name} p.{number}: footer lacks {expected!r}"
        assert text.count(status) == len(page_texts(path)), "status repeated in the text"


def test_no_pdf_has_unresolved_references(pdf_dir: Path) -> None:
    for path in all_pdfs(pdf_dir):
        assert "??" not in pdf_text(path), path.name


def test_every_font_is_embedded(pdf_dir: Path) -> None:
    for path in all_pdfs(pdf_dir):
        listing = subprocess.run(
            ["pdffonts", str(path)], capture_output=True, text=True, check=True
        )
        rows = listing.stdout.splitlines()[2:]
        assert rows, f"{path.name}: no fonts listed"
        for row in rows:
            # columns: name type encoding emb sub uni object ID; "Type 3" takes two words
            fields = row.split()
            emb = fields[-5]
            assert emb == "yes", f"{path.name}: font not embedded: {row}"


def test_pdf_metadata_is_set(pdf_dir: Path) -> None:
    for path in all_pdfs(pdf_dir):
        meta = PdfReader(path).metadata
        for key in ("/Title", "/Author", "/Subject", "/Keywords"):
            assert meta.get(key, "").strip(), f"{path.name}: {key} is empty"
    assert PdfReader(pdf_dir / "book.pdf").metadata["/Title"] == TITLE


def outline_titles(outline: list) -> list[str]:
    """Every bookmark's title, nested ones too (pypdf gives children as a list)."""
    titles = []
    for item in outline:
        titles += outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


def test_book_pdf_has_title_page_contents_glossary_and_bibliography(pdf_dir: Path) -> None:
    reader = PdfReader(pdf_dir / "book.pdf")
    # Display type on the title page is extracted without spaces: compare without them.
    first = "".join(page_texts(pdf_dir / "book.pdf")[0].split())
    for expected in (TITLE, "Edition", "Jon Daily, LCSW, CADC II", "CC BY-SA 4.0"):
        assert "".join(expected.split()) in first, f"title page lacks {expected!r}"
    text = " ".join(pdf_text(pdf_dir / "book.pdf").split())
    contents = " ".join(page_texts(pdf_dir / "book.pdf")[1].split())
    assert re.search(r"1\.? Attunement and .feeling felt.[ .]*\d+", contents), "no contents"
    chapters = [t for t in outline_titles(reader.outline) if re.match(r"\d+\. \S", t)]
    assert len(chapters) >= 8, "the PDF has no bookmarks for its chapters"
    assert "Glossary" in text and "Earned secure attachment" in text
    assert "The Developing Mind" in text  # the bibliography


def test_figures_in_the_worksheet_are_vector(pdf_dir: Path) -> None:
    """The worksheet, English and Spanish, shows the layered model as vector drawing, not a
    raster image, with its caption in the handout's language."""
    caption = "The layers, from outside to center"
    figured = {d: caption for d in BOOK.handouts if "show(" in (ROOT / f"{d}.md").read_text()}
    assert figured, "no handout with a figure"
    for docname, (english, _) in TRANSLATED.items():
        if english in figured:
            found = [e.msgstr for e in spanish_catalogue(english).entries if caption in e.msgid]
            figured[docname] = found[0].split(".")[0]
    assert len(figured) >= 2, "the Spanish worksheet is missing"
    for doc, caption in figured.items():
        path = pdf_dir / "handouts" / f"{doc.removeprefix(HANDOUT_PREFIX)}.pdf"
        pages = vector_figure_pages(path, caption)
        assert pages, f"{doc}: figure caption missing"
        assert not any(page.images for page in PdfReader(path).pages), f"{doc}: raster image"
        assert max(path_operators(page) for page in pages) >= 20, f"{doc}: no vector drawing"


def test_site_download_links_resolve_to_the_pdfs(site: Path, pdf_dir: Path) -> None:
    """The landing page and every handout page, Spanish ones included, link their PDF (a
    Spanish page in Spanish), and the link's file is the published PDF."""
    targets = {}
    for doc in ["book/index", *BOOK.printed_handouts]:
        page = BeautifulSoup((site / f"{doc}.html").read_text(encoding="utf-8"), "html.parser")
        links = page.select("p.pdf-download a[href]")
        assert len(links) == 1, f"{doc}: expected one visible PDF link"
        target = (site / doc).parent / links[0]["href"]
        assert target.resolve().is_file(), f"{doc}: {links[0]['href']} does not exist"
        targets[doc] = target.resolve()
        if doc in TRANSLATED:
            assert links[0].get_text().startswith("Descargar"), f"{doc}: link not in Spanish"
    assert targets["book/index"].read_bytes() == (pdf_dir / "book.pdf").read_bytes()
    for doc in TRANSLATED:
        published = pdf_dir / "handouts" / f"{doc.removeprefix(HANDOUT_PREFIX)}.pdf"
        assert targets[doc].read_bytes() == published.read_bytes(), doc


def test_no_text_runs_off_the_page(pdf_dir: Path, tmp_path: Path) -> None:
    """Every word of every PDF lies at least a quarter inch inside the paper's edges."""
    margin = 18.0  # points
    for path in all_pdfs(pdf_dir):
        bbox = tmp_path / f"{path.stem}.html"
        subprocess.run(["pdftotext", "-bbox", str(path), str(bbox)], check=True)
        page_soup = BeautifulSoup(bbox.read_text(encoding="utf-8"), "html.parser")
        for number, page in enumerate(page_soup.find_all("page"), 1):
            width, height = float(page["width"]), float(page["height"])
            for word in page.find_all("word"):
                x0, x1 = float(word["xmin"]), float(word["xmax"])
                y0, y1 = float(word["ymin"]), float(word["ymax"])
                inside = margin <= x0 and x1 <= width - margin
                inside = inside and margin <= y0 and y1 <= height - margin
                assert inside, f"{path.name} p.{number}: {word.text!r} runs off the page"


@pytest.mark.parametrize(("setting", "size"), [("letter", "letter"), ("a4", "A4"), ("A4", "A4")])
def test_paper_size_setting(setting: str, size: str) -> None:
    """US Letter by default; ADDICTIONBOOK_PAPER=a4 (make pdf PAPER=a4) gives A4."""
    assert Settings.from_environment({"ADDICTIONBOOK_PAPER": setting}).page_size == size
    assert Settings.from_environment({}).page_size == "letter"


def test_the_pdfs_are_letter_and_a4_pdfs_are_a4(
    pdf_dir: Path, build_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The published PDFs are US Letter (612 x 792 pt); with ADDICTIONBOOK_PAPER=a4 the same
    handout is laid out on A4 (595 x 842 pt)."""
    from addictionbook.pipeline.pdf import book_info, handout_document, load_article, write_pdf

    for path in all_pdfs(pdf_dir):
        for page in PdfReader(path).pages:
            assert (round(page.mediabox.width), round(page.mediabox.height)) == (612, 792)
    a4_settings = Settings.from_environment({"ADDICTIONBOOK_PAPER": "a4"})
    singlehtml = build_out / ".work" / "_build" / "singlehtml"
    book = book_info(BOOK, a4_settings)
    html = handout_document(load_article(singlehtml), BOOK.handouts[0], book, "client")
    a4 = write_pdf(html, singlehtml, tmp_path / "a4.pdf")
    page = PdfReader(a4).pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == (595, 842)


def test_an_unknown_paper_size_is_refused() -> None:
    with pytest.raises(SettingError, match="ADDICTIONBOOK_PAPER='legal'.*letter, a4"):
        Settings.from_environment({"ADDICTIONBOOK_PAPER": "legal"})


def test_a_failed_pdf_step_keeps_the_last_good_pdfs(small_copy_with_pdfs: Path) -> None:
    """A handout image without alt text fails the PDF step before any layout (it could not be
    tagged), naming the page and the image, and the PDFs of the last good build stay. (On the
    small book: the same PDF step.)"""
    book = small_copy_with_pdfs
    out = book / "_build"
    before = {p: p.read_bytes() for p in (out / "pdf").rglob("*.pdf")}
    sources = Sources(book)
    assert len(before) == 1 + len(sources.printed_handouts) + len(sources.chapters)
    handout = book / "book" / "handouts" / "drug-free-is-a-start.md"
    with handout.open("a", encoding="utf-8") as handle:
        handle.write("\n![](/figures/fig-layered-model.svg)\n")
    broken = run_build("pdf", book, out)
    assert broken.returncode != 0
    assert "has no alt text" in broken.stderr, broken.stderr[-2000:]
    assert "book/handouts/drug-free-is-a-start.md: " in broken.stderr, broken.stderr[-2000:]
    assert {p: p.read_bytes() for p in (out / "pdf").rglob("*.pdf")} == before


def figures_by_alt() -> dict[str, str]:
    """Alt text -> registered figure id, for every figure cell of the book and the gallery."""
    from addictionbook.figures.registry import FIGURES

    found = {" ".join(spec.alt.split()): spec.id for spec in FIGURES}
    for _, _, figure_id, image in shown_figures(ROOT):
        if image.get("alt"):
            found[" ".join(str(image["alt"]).split())] = figure_id
    return found


def printed_figures(path: Path) -> list[tuple[str, float]]:
    """(alt text, printed width in inches) of every tagged Figure (WeasyPrint's layout BBox is
    in CSS pixels, 96 to the inch)."""
    import pikepdf

    found = []

    def walk(node) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if node.S == "/Figure" and "/A" in node and "/BBox" in node.A:
                left, _, right, _ = (float(x) for x in node.A.BBox)
                found.append((" ".join(str(node.get("/Alt", "")).split()), (right - left) / 96))
            if node.get("/K") is not None:
                walk(node.K)

    with pikepdf.open(path) as pdf:
        walk(pdf.Root.StructTreeRoot.K)
    return found


def test_figures_print_with_text_at_least_min_font(pdf_dir: Path) -> None:
    """A figure scaled down on paper shrinks its labels: none may fall under 8 pt."""
    from addictionbook.figures.registry import BY_ID
    from addictionbook.figures.style import MIN_FONT_PT

    known = figures_by_alt()
    checked = 0
    for path in all_pdfs(pdf_dir):
        for alt, width_in in printed_figures(path):
            if alt not in known:
                continue
            fig = BY_ID[known[alt]].draw()
            scale = min(1.0, width_in / fig.get_size_inches()[0])
            smallest = min(t.get_fontsize() for t in fig.findobj(Text) if t.get_text()) * scale
            assert smallest >= MIN_FONT_PT, (
                f"{path.name}: {known[alt]} printed at {scale:.0%}: text at {smallest:.1f} pt"
            )
            checked += 1
    assert checked >= 6, f"only {checked} figures found in the PDFs"


def test_worksheets_print_ruled_lines_not_underscores(pdf_dir: Path) -> None:
    """On paper a place to answer is ruled lines drawn by the stylesheet: no underscore reaches
    the PDF's text (a screen reader would read each one)."""
    for name in HANDOUTS:
        text = pdf_text(pdf_dir / "handouts" / f"{name}.pdf")
        assert "___" not in text, name


def test_the_pdf_step_goes_through_the_book_once_for_all_its_pages(
    build_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chapter's and handout's page is cut from the one article of the singlehtml build,
    which is indexed (each id's page) once, not once per page (0.6 s of every PDF build); the
    pages are exactly those an index made afresh for each page gives."""
    from addictionbook.pipeline import pdf

    singlehtml = build_out / ".work" / "_build" / "singlehtml"
    made: dict[str, list[str]] = {}
    owners, indexed = pdf._owners, []

    def counted(*args):
        indexed.append(args[-1])  # the root document: a short record
        return owners(*args)

    def pages(key: str) -> list[str]:
        def lay_out(work, jobs=None, progress=None):
            made[key] = [html for html, *_ in work]
            return []

        monkeypatch.setattr(pdf, "lay_out", lay_out)
        pdf.make_pdfs(BOOK, Settings.from_environment({}), singlehtml, tmp_path / key)
        return made[key]

    monkeypatch.setattr(pdf, "_owners", counted)
    once = pages("once")
    assert len(indexed) == 1, f"the article was indexed {len(indexed)} times"
    assert len(once) == pdf.pdf_count(BOOK)

    def afresh(article, root_doc):
        sections = pdf._documents(article)
        return sections, owners(article, sections, root_doc)

    monkeypatch.setattr(pdf, "_index", afresh)
    assert pages("afresh") == once
