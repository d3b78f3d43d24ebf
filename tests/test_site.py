"""The built website: chapters, figures, cross-references, no third-party hosts, licences."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import yaml
from bs4 import BeautifulSoup

from addictionbook.content import review
from addictionbook.content.sources import Sources
from addictionbook.settings import Settings

from .helpers import ROOT

#: The repository's book, as the build reads it.
BOOK = Sources(ROOT)

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
LOADING = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "source": "src",
    "audio": "src",
    "video": "src",
    "embed": "src",
    "object": "data",
}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_toc_file_becomes_a_page(site: Path) -> None:
    for entry in BOOK.toc_entries:
        assert (site / f"{entry}.html").is_file(), f"{entry} is in _toc.yml but was not built"


def test_only_toc_files_are_built(site: Path) -> None:
    built = {p.relative_to(site).with_suffix("").as_posix() for p in site.glob("book/**/*.html")}
    assert built <= set(BOOK.toc_entries), (
        f"built pages not in _toc.yml: {built - set(BOOK.toc_entries)}"
    )


def test_layered_model_chapter_has_its_title(site: Path) -> None:
    page = soup(site / "book" / "layered-model.html")
    assert page.find("h1").get_text(strip=True).startswith("The layered model of addiction")


def test_figure_is_an_svg_image_with_alt_text(site: Path) -> None:
    page = soup(site / "book" / "layered-model.html")
    figure = page.find(id="fig-layered-model")
    assert figure is not None, "the figure named fig-layered-model is missing"
    img = figure.find("img")
    assert img is not None and img["src"].endswith(".svg")
    assert len(img.get("alt", "").split()) >= 5, "alt text must describe the figure"
    assert (site / "book" / img["src"]).resolve().is_file()


def test_figure_caption_is_numbered_and_says_conceptual(site: Path) -> None:
    figure = soup(site / "book" / "layered-model.html").find(id="fig-layered-model")
    caption = figure.find("figcaption")
    number = caption.find(class_="caption-number").get_text(strip=True)
    assert re.fullmatch(r"Fig\. \d+(\.\d+)*", number), number
    assert "Conceptual schematic, not measured data." in caption.get_text(" ", strip=True)


def test_numref_resolves_to_the_figure_with_its_number(site: Path) -> None:
    page = soup(site / "book" / "layered-model.html")
    figure = page.find(id="fig-layered-model")
    number = figure.find(class_="caption-number").get_text(strip=True)
    links = [
        a for a in page.select("a.reference.internal") if a.get("href") == "#fig-layered-model"
    ]
    assert links, "no {numref} link to fig-layered-model"
    assert all(a.get_text(strip=True) == number for a in links)


def test_internal_links_point_at_existing_files(
    site: Path, book_pdf: Path, book_epub: Path
) -> None:
    """Every relative link resolves in the full output of `make book` (site, PDFs, EPUB)."""
    for path in pages(site):
        for a in soup(path).find_all("a", href=True):
            href = a["href"]
            if urlparse(href).scheme or href.startswith(("#", "mailto:")):
                continue
            target = urlparse(urljoin(path.as_uri(), href)).path
            assert Path(target).exists(), f"{path.relative_to(site)} links to missing {href}"


def test_no_page_loads_anything_from_another_host(site: Path) -> None:
    offenders = []
    for path in pages(site):
        page = soup(path)
        for tag, attr in LOADING.items():
            offenders += [
                (path.name, el[attr])
                for el in page.find_all(tag)
                if el.get(attr) and urlparse(el[attr]).netloc
            ]
        for link in page.find_all("link", href=True):
            rel = set(link.get("rel", []))
            if (
                rel
                & {
                    "stylesheet",
                    "preload",
                    "modulepreload",
                    "icon",
                    "prefetch",
                    "preconnect",
                    "dns-prefetch",
                }
                and urlparse(link["href"]).netloc
            ):
                offenders.append((path.name, link["href"]))
        for style in page.find_all("style"):
            offenders += [
                (path.name, u) for u in re.findall(r"url\((?:'|\")?(https?:)?//[^)]+", style.text)
            ]
    assert not offenders, f"pages load from other hosts: {offenders[:10]}"


def test_css_loads_nothing_from_other_hosts(site: Path) -> None:
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        imports = re.findall(r"@import\s+(?:url\()?['\"]?(https?:)?//", text)
        remote = re.findall(r"url\(\s*['\"]?(?:https?:)?//", text)
        assert not imports and not remote, f"{css.relative_to(site)} loads a remote resource"


def test_edit_and_repository_buttons_point_at_the_repository(site: Path) -> None:
    repo = CONFIG["repository"]["url"].rstrip("/")
    page = soup(site / "book" / "layered-model.html")
    hrefs = [a["href"] for a in page.find_all("a", href=True)]
    assert repo in hrefs or f"{repo}/" in hrefs or any(h == repo for h in hrefs)
    assert any(h.startswith(f"{repo}/edit/") and h.endswith("book/layered-model.md") for h in hrefs)


def test_footer_states_both_licences(site: Path) -> None:
    text = soup(site / "book" / "layered-model.html").get_text(" ", strip=True)
    assert "CC BY-SA 4.0" in text and "MIT" in text


# --- editions and clinical review (issue 22) ---------------------------------------------------


def statuses() -> dict[str, review.Status]:
    """Each page's review status as the build computes it (the day of the last commit)."""
    return review.statuses(BOOK, Settings.from_environment({}).day(ROOT))


def test_every_page_names_the_edition_in_its_footer_and_citation(site: Path) -> None:
    edition = BOOK.edition
    for entry in BOOK.toc_entries:
        footer = soup(site / f"{entry}.html").select_one(".bd-footer-content")
        text = " ".join(footer.get_text(" ", strip=True).split())
        assert f"Edition {edition}." in text, f"{entry}: no edition in the footer"
        assert "{edition}" not in text, entry
        citation = footer.select_one(".book-citation").get_text(" ", strip=True)
        assert f"(Edition {edition})" in " ".join(citation.split()), entry
    landing = soup(site / "book" / "index.html").get_text(" ", strip=True)
    assert f"A course text (Edition {edition})" in " ".join(landing.split()), "the citation box"
    assert "{{" not in landing


def test_every_chapter_and_handout_says_its_review_status_under_its_title(site: Path) -> None:
    """A status line in the page's language; a client handout not reviewed as it reads now
    gets the band instead, before its text begins."""
    found = statuses()
    shown = BOOK.chapters + BOOK.printed_handouts
    for entry in BOOK.toc_entries:
        page = soup(site / f"{entry}.html")
        article = page.select_one("article")
        marks = article.select(".review-status, .review-band")
        if entry not in shown:
            assert not marks, f"{entry}: only chapters and handouts carry a status"
            continue
        (mark,) = marks
        status = found[entry]
        section = article.find("section")
        children = section.find_all(recursive=False)
        before = [c.name for c in children[: children.index(mark)]]
        assert "h1" in before and set(before) <= {"span", "h1", "p"}, f"{entry}: {before}"
        if review.has_band(status, draft=False, handout=entry in BOOK.printed_handouts):
            heading, text = review.band(status, draft=False)
            assert "review-band" in mark["class"] and "review-draft" not in mark["class"]
            assert mark.get_text(" ", strip=True) == f"{heading}. {text}", entry
            everything = list(article.descendants)
            first_box = article.find("div", class_="admonition")
            assert everything.index(mark) < everything.index(first_box), f"{entry}: band too low"
        else:
            assert mark.name == "p" and mark.get_text() == review.status_text(status), entry
        language = "es" if entry in BOOK.translations else "en"
        assert page.find("html")["lang"] == language and status.language == language


def test_the_client_handouts_say_they_are_not_yet_clinically_reviewed(site: Path) -> None:
    """No clinician has reviewed the book: every client handout says so, in its language."""
    for entry in review.client_pages(BOOK):
        band = soup(site / f"{entry}.html").select_one("article .review-band.review-not-reviewed")
        words = (
            "Sin revisión clínica." if entry in BOOK.translations else "Not clinically reviewed."
        )
        assert band is not None and band.get_text(" ", strip=True).startswith(words), entry


def test_the_review_status_page_lists_every_page_with_its_status(site: Path) -> None:
    found = statuses()
    page = soup(site / "book" / "review-status.html")
    tables = page.select("article table")
    assert [t.select_one("caption .caption-text").get_text(strip=True) for t in tables] == [
        "Client handouts, in English and Spanish",
        "Chapters and every other page",
    ]
    listed = []
    for table, clients in zip(tables, (True, False), strict=True):
        assert [th.get_text() for th in table.select("thead th")] == [
            "Page",
            "Language",
            "Status",
            "Reviewed by",
            "Date",
            "Edition",
            "Next review",
        ]
        for row in table.select("tbody tr"):
            link = row.select_one("a[href]")
            target = (site / "book" / "review-status.html").parent / link["href"]
            docname = target.resolve().relative_to(site.resolve()).as_posix().removesuffix(".html")
            listed.append(docname)
            status = found[docname]
            cells = [td.get_text(" ", strip=True) for td in row.select("td")]
            assert cells[2] == review.KIND_NAMES[status.kind] and status.client == clients
            assert cells[1] == ("Spanish" if docname in BOOK.translations else "English")
            assert (link.get("lang") == "es") == (docname in BOOK.translations), docname
    assert listed == [d for d in found if found[d].client] + [
        d for d in found if not found[d].client
    ]
    assert "book/review-status" not in listed and "book/what-changed" not in listed


def test_the_landing_page_and_the_handouts_index_link_what_changed(site: Path) -> None:
    for entry in ("book/index", "book/handouts/index"):
        hrefs = {a["href"].split("#")[0] for a in soup(site / f"{entry}.html").select("article a")}
        assert {h for h in hrefs if h.endswith("what-changed.html")}, entry
        assert {h for h in hrefs if h.endswith("review-status.html")}, entry
    changes = soup(site / "book" / "what-changed.html").select_one("article")
    assert changes.find("h1").get_text().strip("#").strip() == "What changed"
    assert changes.find("h2").get_text().startswith("Edition "), "editions, newest first"


# --- what each page loads before its first paint ---------------------------------------------


def stylesheets(page: BeautifulSoup, rel: str) -> list[str]:
    """File names of the stylesheets linked with ``rel`` ("stylesheet": those that hold the
    first paint, print-only ones left out; "preload": those fetched without holding it)."""
    return [
        Path(urlparse(link["href"]).path).name
        for link in page.find_all("link", rel=rel)
        if link.get("media", "all") != "print"
        and (rel == "stylesheet" or link.get("as") == "style")
        and link.find_parent("noscript") is None
    ]


def article_classes(page: BeautifulSoup) -> list[set[str]]:
    """The class names of each element of the article, in document order."""
    article = page.find("article")
    assert article is not None
    return [set(element["class"]) for element in article.find_all(class_=True)]


def test_each_page_links_only_the_component_stylesheets_its_content_uses(site: Path) -> None:
    """sphinx-design's, myst-nb's and the code highlighting's stylesheets are linked by the
    pages that use those components and by no other (each is used by some page and unused by
    another, so both halves are tested); a component first used far down a chapter (the
    self-check dropdowns) does not hold the first paint, one at the top does."""
    uses = {
        "sphinx-design.min.css": lambda c: any(n.startswith("sd-") for n in c),
        "mystnb.": lambda c: bool(c & {"cell", "cell_output", "cell_input"}),
        "pygments.css": lambda c: any(n.startswith("highlight") for n in c),
        "copybutton.css": lambda c: any(n.startswith("highlight") for n in c),
    }
    seen: dict[str, set[bool]] = {name: set() for name in uses}
    for entry in BOOK.toc_entries:
        page = soup(site / f"{entry}.html")
        blocking, deferred = stylesheets(page, "stylesheet"), stylesheets(page, "preload")
        elements = article_classes(page)
        for name, used in uses.items():
            linked = any(sheet.startswith(name) for sheet in blocking + deferred)
            assert linked == any(used(c) for c in elements), f"{entry}: {name} linked={linked}"
            seen[name].add(linked)
            if linked and any(sheet.startswith(name) for sheet in deferred):
                fallback = page.select(f'noscript link[rel="stylesheet"][href*="{name}"]')
                assert fallback, f"{entry}: {name} has no <noscript> link for readers without JS"
        # The theme's own stylesheets stay on every page, and hold the first paint.
        assert {"basic.css", "pydata-sphinx-theme.css", "book.css"} <= set(blocking), entry
    assert all(both == {True, False} for both in seen.values()), seen
    glossary = stylesheets(soup(site / "book" / "glossary.html"), "stylesheet")
    assert len(glossary) <= 5, glossary
    chapter = soup(site / "book" / "attunement.html")
    assert "sphinx-design.min.css" in stylesheets(chapter, "preload"), "self-check below"
    assert "sphinx-design.min.css" not in stylesheets(chapter, "stylesheet")
    gallery = soup(site / "book" / "figure-gallery.html")
    assert "pygments.css" in stylesheets(gallery, "stylesheet"), "code near the top"


def test_root_page_redirects_to_the_book_with_the_site_icon(site: Path) -> None:
    """The site's root index.html (the address a reader types) is a real page: language, title,
    a refresh and a link to the landing page, and the site's icon (no request for the missing
    /favicon.ico)."""
    page = soup(site / "index.html")
    assert page.html is not None and page.html.get("lang") == "en"
    assert page.title is not None and page.title.get_text(strip=True) == CONFIG["title"]
    refresh = page.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None and refresh["content"] == "0; url=book/index.html"
    assert page.find("a", href="book/index.html") is not None
    icon = page.find("link", rel="icon")
    assert icon is not None and (site / icon["href"]).is_file()
    assert icon["href"] == "_static/favicon.svg"


def test_the_theme_stylesheet_keeps_exactly_the_icons_the_icon_fonts_can_draw(site: Path) -> None:
    """Icon rules for glyphs missing from the site's subset fonts are dropped (they can never
    draw); those of the glyphs the fonts have, such as the menu and search icons, stay."""
    from fontTools.ttLib import TTFont

    from addictionbook.sphinx_ext.page_assets import ICON_RULE, _css_string

    css = (site / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    fonts = [site / "_static" / name for name in ("book-icons.woff", "book-icons-brands.woff")]
    code_points = {cp for font in fonts for cp in TTFont(font).getBestCmap()}
    drawn = {ord(_css_string(m.group(1))) for m in ICON_RULE.finditer(css)}
    assert drawn <= code_points, sorted(hex(c) for c in drawn - code_points)
    assert len(drawn) >= 15, "the icons the theme shows keep their rules"
    for icon in ("fa-bars", "fa-magnifying-glass", "fa-download", "fa-github"):
        assert f".{icon}:before" in css, icon
    assert ".fa-address-book:before" not in css
    assert len(css) < 330_000, "the theme's stylesheet is not trimmed"


def test_gallery_figures_are_svg_files_with_their_shape_not_inline_data(site: Path) -> None:
    """The gallery's figures are linked SVG files (the page itself stays small enough to paint
    early), each with its own alt text and its width and height (no shift when it arrives)."""
    from addictionbook.figures.registry import FIGURES

    path = site / "book" / "figure-gallery.html"
    assert "data:image" not in path.read_text(encoding="utf-8")
    assert path.stat().st_size < 100_000, "the gallery page carries its images inline"
    images = soup(path).select("figure.gallery-figure img")
    assert [img["alt"] for img in images] == [spec.alt for spec in FIGURES]
    for img in images:
        target = (path.parent / img["src"]).resolve()
        assert target.suffix == ".svg" and target.is_file(), img["src"]
        assert target.read_bytes().lstrip().startswith(b"<?xml"), img["src"]
        assert int(img["width"]) > 300 and int(img["height"]) > 200, img


def test_worksheets_give_each_question_a_labelled_place_to_answer(site: Path) -> None:
    """No blank is drawn with underscores (read aloud one by one); each place to answer is a
    text box whose accessible name is the question it answers, and the ruled lines for paper
    are hidden from assistive technology."""
    from bs4 import BeautifulSoup

    pages = ["peeling-the-layers", "es/peeling-the-layers", "two-filters-worksheet"]
    pages.append("case-formulation-worksheet")
    for name in pages:
        soup = BeautifulSoup(
            (site / "book" / "handouts" / f"{name}.html").read_text(encoding="utf-8"),
            "html.parser",
        )
        article = soup.select_one("article")
        assert "___" not in article.get_text(), name
        boxes = article.select("textarea.answer-place")
        assert boxes, name
        for box in boxes:
            assert len(box.get("aria-label", "")) > 8, (name, box)
            lines = box.find_next_sibling(class_="answer-lines")
            assert lines is not None and lines.get("aria-hidden") == "true", name
    peeling = BeautifulSoup(
        (site / "book/handouts/peeling-the-layers.html").read_text(encoding="utf-8"), "html.parser"
    )
    first = peeling.select_one("textarea.answer-place")["aria-label"]
    assert first.startswith("What do I use most?") and first.endswith("(1. What I use)"), first
    two = BeautifulSoup(
        (site / "book/handouts/two-filters-worksheet.html").read_text(encoding="utf-8"),
        "html.parser",
    )
    labels = [box["aria-label"] for box in two.select("td textarea.answer-place")]
    assert labels[:2] == [
        "First, fast reading, Through a secure filter",
        "First, fast reading, Through an insecure filter",
    ], labels[:2]
