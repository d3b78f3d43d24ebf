"""The EPUB: valid by epubcheck, every chapter in reading order, figures as PNGs with alt text,
metadata, no scripts and nothing remote, reproducible bytes, safe publishing, linked from the site.

The EPUB is read the way a reading system reads it: as a zip whose ``content.opf`` (found through
``META-INF/container.xml``) lists the files and the reading order, parsed as XML.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse
from xml.etree import ElementTree

import pytest
import yaml
from bs4 import BeautifulSoup

from addictionbook.content import review, translations
from addictionbook.content.frontmatter import split_front_matter
from addictionbook.content.sources import Sources, english_docname
from addictionbook.figures.export import PNG_DPI
from addictionbook.figures.registry import FIGURES
from addictionbook.figures.style import SIZE_HANDOUT
from addictionbook.pipeline.epub import normalize_epub
from addictionbook.settings import Settings

from .helpers import ROOT, run_build, tree_digest

#: The repository's book, as the build reads it.
BOOK = Sources(ROOT)

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPOSITORY = CONFIG["repository"]["url"]
NS = {
    "container": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XHTML = "{http://www.w3.org/1999/xhtml}"
#: Elements whose attribute makes a reading system load a resource (not a link to follow).
LOADING = {
    "img": "src",
    "link": "href",
    "script": "src",
    "source": "src",
    "audio": "src",
    "video": "src",
    "iframe": "src",
    "embed": "src",
    "object": "data",
    "track": "src",
}


# --- reading the package ------------------------------------------------------------------


class Package:
    """The EPUB's files, its package document (OPF) and what the OPF says."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as archive:
            self.files = {name: archive.read(name) for name in archive.namelist()}
            self.order = archive.namelist()
            self.infos = archive.infolist()
        container = ElementTree.fromstring(self.files["META-INF/container.xml"])
        rootfile = container.find(".//container:rootfile", NS)
        assert rootfile is not None, "container.xml names no package document"
        self.opf_path = PurePosixPath(rootfile.get("full-path", ""))
        self.opf = ElementTree.fromstring(self.files[str(self.opf_path)])
        self.manifest = {
            item.get("id"): item for item in self.opf.iterfind("opf:manifest/opf:item", NS)
        }

    def resolve(self, base: PurePosixPath, href: str) -> str:
        """The zip path of ``href`` as written in the file at ``base``."""
        parts: list[str] = []
        for part in (base.parent / unquote(urlparse(href).path)).parts:
            if part == "..":
                parts.pop()
            elif part != ".":
                parts.append(part)
        return "/".join(parts)

    def href(self, item: ElementTree.Element) -> str:
        return self.resolve(self.opf_path, item.get("href", ""))

    def spine(self) -> list[str]:
        """Zip paths of the linear reading order."""
        return [
            self.href(self.manifest[ref.get("idref")])
            for ref in self.opf.iterfind("opf:spine/opf:itemref", NS)
            if ref.get("linear", "yes") != "no"
        ]

    def documents(self) -> dict[str, ElementTree.Element]:
        """Every XHTML content document in the manifest, parsed."""
        return {
            self.href(item): ElementTree.fromstring(self.files[self.href(item)])
            for item in self.manifest.values()
            if item.get("media-type") == "application/xhtml+xml"
        }

    def metadata(self, tag: str) -> list[str]:
        return [(e.text or "").strip() for e in self.opf.iterfind(f"opf:metadata/{tag}", NS)]


@pytest.fixture(scope="module")
def package(book_epub: Path) -> Package:
    return Package(book_epub)


def epubcheck_command() -> list[str]:
    """Debian's ``epubcheck`` is a jar (run through binfmt where that is set up): run it by java,
    with the quick compiler alone and one garbage-collector thread, as a short run wants (3.4 s
    of CPU instead of 7.9 s for the book; it ran ten times slower beside the browser tests)."""
    found = shutil.which("epubcheck")
    if found is None:
        pytest.fail("epubcheck is not installed: run `make sysdeps` (Debian package epubcheck)")
    real = os.path.realpath(found)
    quick = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    return ["java", *quick, "-jar", real] if real.endswith(".jar") else [real]


@pytest.fixture(scope="module")
def epubcheck(book_epub: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    report = tmp_path_factory.mktemp("epubcheck") / "report.json"
    result = subprocess.run(
        [*epubcheck_command(), str(book_epub), "--json", str(report)],
        capture_output=True,
        text=True,
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    data["exit"] = result.returncode
    data["log"] = result.stdout + result.stderr
    return data


# --- validity -----------------------------------------------------------------------------


def test_epubcheck_finds_no_error_and_no_warning(epubcheck: dict) -> None:
    checker = epubcheck["checker"]
    problems = [
        f"{m['severity']} {m['ID']}: {m['message']} at "
        + ", ".join(f"{loc['path']}:{loc['line']}" for loc in m["locations"][:3])
        for m in epubcheck["messages"]
        if m["severity"] in ("FATAL", "ERROR", "WARNING")
    ]
    assert checker["checkerVersion"], "no epubcheck report"
    assert (checker["nFatal"], checker["nError"], checker["nWarning"]) == (0, 0, 0), (
        "epubcheck:\n" + "\n".join(problems[:30])
    )
    assert epubcheck["exit"] == 0, epubcheck["log"][-2000:]
    assert epubcheck["publication"]["ePubVersion"].startswith("3")


def test_mimetype_comes_first_uncompressed(package: Package) -> None:
    first = package.infos[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert package.files["mimetype"] == b"application/epub+zip"


# --- contents -----------------------------------------------------------------------------


def test_reading_order_is_the_table_of_contents(package: Package) -> None:
    """Every file of _toc.yml is a page of the EPUB, in the book's order, and nothing else
    comes between (the index may follow at the end)."""
    opf_dir = package.opf_path.parent.as_posix()
    expected = [str(PurePosixPath(opf_dir, f"{doc}.xhtml")) for doc in BOOK.toc_entries]
    spine = package.spine()
    assert spine[: len(expected)] == expected
    assert all(page.endswith("genindex.xhtml") for page in spine[len(expected) :]), spine


def test_navigation_document_links_every_chapter(package: Package) -> None:
    nav_item = next(i for i in package.manifest.values() if "nav" in i.get("properties", ""))
    nav_path = PurePosixPath(package.href(nav_item))
    nav = ElementTree.fromstring(package.files[str(nav_path)])
    toc = nav.find(".//xhtml:nav", NS)
    assert toc is not None
    targets = {package.resolve(nav_path, a.get("href", "")) for a in toc.iterfind(".//xhtml:a", NS)}
    missing = [doc for doc in BOOK.toc_entries if f"{doc}.xhtml" not in targets]
    assert not missing, f"the EPUB's table of contents lacks {missing}"
    assert targets <= set(package.files), sorted(targets - set(package.files))


STRAIGHT_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def test_toc_titles_match_the_chapter_titles(package: Package) -> None:
    """Each chapter page carries the chapter's own title (its first heading); a translated
    handout, its English page's title as its catalogue translates it."""
    for doc in BOOK.toc_entries:
        translated = english_docname(doc)
        source = translated[0] if translated else doc
        _, text = split_front_matter((ROOT / f"{source}.md").read_text(encoding="utf-8"))
        title = next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))
        if translated:
            catalogue = translations.read_catalogue(translations.catalogue_path(ROOT, *translated))
            title = next(e.msgstr for e in catalogue.entries if e.msgid == title)
        page = ElementTree.fromstring(package.files[f"{doc}.xhtml"])
        h1 = page.find(".//xhtml:h1", NS)
        assert h1 is not None, doc
        heading = "".join(h1.itertext()).translate(STRAIGHT_QUOTES)
        assert title.translate(STRAIGHT_QUOTES) in heading, (doc, heading)


def figure_cells() -> dict[str, tuple[str, str]]:
    """Every numbered figure a chapter draws: name -> (page, alt text), from the cell options."""
    found = {}
    for doc in BOOK.toc_entries:
        text = (ROOT / f"{doc}.md").read_text(encoding="utf-8")
        for block in re.findall(r"```\{code-cell\}[^\n]*\n((?::[^\n]*\n)+)", text):
            options = yaml.safe_load("\n".join(line[1:] for line in block.splitlines()))
            mystnb = options.get("mystnb") or {}
            if "figure" in mystnb:
                found[mystnb["figure"]["name"]] = (doc, mystnb["image"]["alt"])
    return found


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_every_chapter_figure_is_a_sharp_png_with_its_alt_text(package: Package) -> None:
    figures = figure_cells()
    assert len(figures) >= 6, figures
    for name, (doc, alt) in figures.items():
        page_path = PurePosixPath(f"{doc}.xhtml")
        page = ElementTree.fromstring(package.files[str(page_path)])
        figure = next((e for e in page.iter() if e.get("id") == name), None)
        assert figure is not None, f"{doc}: no figure {name}"
        img = figure.find(f".//{XHTML}img")
        assert img is not None, f"{name}: no image"
        assert img.get("alt") == " ".join(alt.split()), f"{name}: alt text {img.get('alt')!r}"
        width, _ = png_size(package.files[package.resolve(page_path, img.get("src", ""))])
        # 200 dpi at the narrowest published size (a client handout's figure, drawn at the
        # size it is printed): the labels stay legible when the reader zooms in.
        assert width >= SIZE_HANDOUT[0] * PNG_DPI, f"{name}: {width} px wide"


def test_gallery_shows_every_registered_figure_with_its_own_alt_text(package: Package) -> None:
    page_path = PurePosixPath("book/figure-gallery.xhtml")
    page = ElementTree.fromstring(package.files[str(page_path)])
    images = {img.get("alt"): img.get("src") for img in page.iter(f"{XHTML}img")}
    for spec in FIGURES:
        assert spec.alt in images, f"the gallery lacks {spec.id} (alt {spec.alt!r})"
        data = package.files[package.resolve(page_path, images[spec.alt])]
        # The very PNG of the exported set (figures/<id>.png), not a copy drawn differently.
        assert data == (ROOT / "figures" / f"{spec.id}.png").read_bytes(), spec.id


def test_every_image_is_a_packaged_png_with_alt_text(package: Package) -> None:
    seen = 0
    for path, page in package.documents().items():
        for img in page.iter(f"{XHTML}img"):
            seen += 1
            assert (img.get("alt") or "").strip(), f"{path}: image without alt text"
            src = img.get("src", "")
            assert not src.startswith("data:"), f"{path}: inline data URI image"
            target = package.resolve(PurePosixPath(path), src)
            png_size(package.files[target])
    assert seen >= len(FIGURES) + len(figure_cells())
    media = {i.get("media-type") for i in package.manifest.values() if "_images/" in i.get("href")}
    assert media == {"image/png"}, media


# --- metadata -----------------------------------------------------------------------------


def test_metadata_title_creator_language_identifier_and_dates(package: Package) -> None:
    assert package.metadata("dc:title") == [CONFIG["title"]]
    assert package.metadata("dc:creator") == [CONFIG["author"]]
    assert package.metadata("dc:language") == ["en"]
    assert package.opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert "CC BY-SA 4.0" in package.metadata("dc:rights")[0]
    assert package.metadata("dc:publisher")[0] and package.metadata("dc:description")[0]
    unique = package.opf.get("unique-identifier")
    identifier = package.opf.find(f"opf:metadata/dc:identifier[@id='{unique}']", NS)
    assert identifier is not None and identifier.text == REPOSITORY
    ncx = ElementTree.fromstring(package.files["toc.ncx"])
    uid = ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS)
    assert uid is not None and uid.get("content") == REPOSITORY
    # The date of the last commit (SOURCE_DATE_EPOCH), not of the build.
    commit = time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(Settings.from_environment().epoch(ROOT)))
    )
    modified = package.opf.find("opf:metadata/opf:meta[@property='dcterms:modified']", NS)
    assert modified is not None and modified.text == commit
    assert package.metadata("dc:date") == [commit]


# --- what an e-reader should not get ------------------------------------------------------


def test_no_scripts_anywhere(package: Package) -> None:
    assert not [name for name in package.files if name.endswith(".js")]
    for path, page in package.documents().items():
        assert page.find(f".//{XHTML}script") is None, f"{path} has a <script>"
        handlers = [k for e in page.iter() for k in e.attrib if k.lower().startswith("on")]
        assert not handlers, f"{path}: event handler attributes {handlers[:3]}"
    assert not [i for i in package.manifest.values() if "scripted" in i.get("properties", "")]


def test_nothing_is_loaded_from_another_host(package: Package) -> None:
    for path, page in package.documents().items():
        for element in page.iter():
            attr = LOADING.get(element.tag.removeprefix(XHTML))
            value = element.get(attr) if attr else None
            if value:
                assert not urlparse(value).netloc and not value.startswith("//"), (path, value)
                assert package.resolve(PurePosixPath(path), value) in package.files, (path, value)
    for name, data in package.files.items():
        if name.endswith(".css"):
            text = data.decode("utf-8")
            assert not re.search(r"""(url\(|@import)\s*['"]?(https?:)?//""", text), name
    remote = [i.get("href") for i in package.manifest.values() if urlparse(i.get("href")).netloc]
    assert not remote and not [
        i for i in package.manifest.values() if "remote-resources" in i.get("properties", "")
    ]


def test_no_web_page_furniture(package: Package) -> None:
    """Only the book: no buttons, forms, site navigation, download links, search or 404 page."""
    for path, page in package.documents().items():
        for tag in ("button", "form", "input", "iframe"):
            assert page.find(f".//{XHTML}{tag}") is None, f"{path} has a <{tag}>"
        classes = " ".join(e.get("class", "") for e in page.iter())
        for furniture in ("pdf-download", "epub-download", "navbar", "theme-switch", "sidebar"):
            assert furniture not in classes, f"{path} has {furniture}"
        if not path.endswith("nav.xhtml"):
            assert page.find(f".//{XHTML}nav") is None, f"{path} has a <nav>"
    names = set(package.files)
    assert not names & {"404.xhtml", "search.xhtml", "index.html", "sitemap.xml"}
    static = sorted(n for n in names if n.startswith("_static/"))
    assert not [n for n in static if n.endswith((".woff", ".woff2", ".svg"))], static


def test_every_chapter_and_handout_carries_its_review_status(package: Package) -> None:
    """The EPUB says, as the site does, each chapter's and handout's clinical review status,
    and a client handout not reviewed carries the band (issue 22)."""
    found = review.statuses(BOOK, Settings.from_environment({}).day(ROOT))
    documents = package.documents()
    for docname in BOOK.chapters + BOOK.printed_handouts:
        (path,) = [p for p in documents if p.endswith(f"{docname}.xhtml")]
        marks = [
            e
            for e in documents[path].iter()
            if {"review-status", "review-band"} & set(e.get("class", "").split())
        ]
        assert len(marks) == 1, f"{path}: {len(marks)} review marks"
        text = " ".join("".join(marks[0].itertext()).split())
        status = found[docname]
        if status.client:
            heading, words = review.band(status, draft=False)
            assert text == f"{heading}. {words}", path
        else:
            assert text == review.status_text(status), path


def test_stylesheets_are_the_epub_ones(package: Package) -> None:
    """Sphinx's epub theme and the book's EPUB stylesheet, not the website's."""
    for path, page in package.documents().items():
        sheets = [
            PurePosixPath(link.get("href", "")).name
            for link in page.iter(f"{XHTML}link")
            if "stylesheet" in link.get("rel", "")
        ]
        if path.endswith(("nav.xhtml", "toc.ncx")):
            continue
        assert "epub.css" in sheets and "addictionbook-epub.css" in sheets, (path, sheets)
        assert not [s for s in sheets if s in ("book.css", "print.css", "theme.css")], sheets


# --- reproducible and safe ----------------------------------------------------------------


def test_two_builds_of_one_commit_give_the_same_epub_bytes(
    build_out: Path, book_epub: Path, tmp_path: Path
) -> None:
    """A second build (same sources, same SOURCE_DATE_EPOCH) writes every page again and packs
    them into the same bytes."""
    second = tmp_path / "second"
    shutil.copytree(build_out / ".work", second / ".work", symlinks=True)
    result = run_build("epub", ROOT, second)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    again = second / "epub" / "book.epub"
    assert again.read_bytes() == book_epub.read_bytes(), "the EPUB differs between builds"


def test_normalizing_dates_every_entry_by_the_commit(tmp_path: Path) -> None:
    path = tmp_path / "a.epub"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.opf", "<package/>", compress_type=zipfile.ZIP_DEFLATED)
    normalize_epub(path, 1_764_115_200)  # 2025-11-26 00:00:00 UTC
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["mimetype", "content.opf"]
        assert infos[0].compress_type == zipfile.ZIP_STORED
        assert {i.date_time for i in infos} == {(2025, 11, 26, 0, 0, 0)}
        assert archive.read("content.opf") == b"<package/>"
    normalize_epub(path, 0)  # no commit: the zip format's earliest date
    with zipfile.ZipFile(path) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_a_failed_build_keeps_the_last_good_epub_and_writes_no_source(
    book_copy_with_epub: Path, tmp_path: Path
) -> None:
    book = book_copy_with_epub
    good = (book / "_build" / "epub" / "book.epub").read_bytes()
    with (book / "book" / "glossary.md").open("a", encoding="utf-8") as handle:
        handle.write("\nSee {numref}`fig-no-such-figure`.\n")
    sources = tree_digest(book)
    result = run_build("epub", book, book / "_build")
    assert result.returncode != 0
    assert "fig-no-such-figure" in result.stdout + result.stderr
    assert (book / "_build" / "epub" / "book.epub").read_bytes() == good
    assert tree_digest(book) == sources, "the build wrote into the book's sources"


# --- the site links to it -----------------------------------------------------------------


def test_site_landing_page_links_to_the_epub(site: Path, book_epub: Path) -> None:
    page = BeautifulSoup((site / "book" / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = page.select("p.epub-download a[href]")
    assert len(links) == 1, "expected one visible EPUB link on the landing page"
    assert "EPUB" in links[0].get_text()
    target = (site / "book" / links[0]["href"]).resolve()
    assert target.read_bytes() == book_epub.read_bytes()
