"""Each target stands alone: built from an empty ``_build`` it leaves a consistent tree (a
download link on the site resolves or is not there), and no target rewrites another's output
behind that target's up-to-date stamp. (``make book`` from empty: the session's ``site``
fixture, checked by test_site and test_pdf.)

The targets are built here on the small book (tests/small_book.py): what is tested is which
folders each target writes and links, the same code for any book, and the small book lays out
its PDFs in seconds where the book takes a quarter of a minute."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlparse

from bs4 import BeautifulSoup

from addictionbook.content.sources import Sources

from .helpers import ROOT, published, run_build, tree_digest

DOWNLOAD_LINKS = "p.pdf-download a[href], p.epub-download a[href]"


def download_links(site: Path) -> dict[str, list[str]]:
    found = {}
    for page in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        links = [a["href"] for a in soup.select(DOWNLOAD_LINKS)]
        if links:
            found[page.relative_to(site).as_posix()] = links
    return found


def assert_links_resolve(site: Path) -> None:
    for page in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for a in soup.find_all("a", href=True):
            href = a["href"]
            if urlparse(href).scheme or href.startswith(("#", "mailto:")):
                continue
            target = Path(urlparse(urljoin(page.as_uri(), href)).path)
            assert target.exists(), f"{page.relative_to(site)} links to missing {href}"


def test_html_alone_from_empty_has_no_download_links(small_copy: Path) -> None:
    """The copy's build is ``make html`` alone from an empty ``_build`` (``small_good_copy``)."""
    out = small_copy / "_build"
    assert published(out) == ["html", "logs"], published(out)
    assert download_links(out / "html") == {}, "links to PDFs or an EPUB that were not built"
    assert not (out / "html" / "pdf").exists() and not (out / "html" / "epub").exists()
    assert not (out / "pdf").exists() and not (out / "epub").exists()
    assert_links_resolve(out / "html")
    assert (out / "logs" / "html.log").is_file()


def test_epub_alone_from_empty_publishes_only_the_epub(small_book: Path) -> None:
    book = small_book
    out = book / "_build"
    result = run_build("epub", book, out)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert published(out) == ["epub", "logs"], published(out)
    assert (out / "epub" / "book.epub").stat().st_size > 0


def test_pdf_and_epub_never_touch_the_site_and_the_site_then_carries_them(
    small_copy: Path, small_pdfs: Path
) -> None:
    """``make pdf``/``make epub`` leave ``html/`` byte for byte; the next ``make html`` is not
    'up to date' (its stamp counts the downloads) and links exactly what exists.

    The site is the copy's ``make html`` from empty (``small_good_copy``: no download links,
    see the test above). Built here, the PDFs are byte for byte those the worker built of the
    same commit in another folder (``small_pdfs``): two builds of one commit give the same
    PDFs wherever they are built. (tests/test_editions.py compares two whole releases built
    from empty, tests/test_epub.py two EPUBs.)"""
    book = small_copy
    out = book / "_build"
    assert download_links(out / "html") == {}
    site = tree_digest(out / "html")
    for target in ("pdf", "epub"):
        result = run_build(target, book, out)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr
        assert tree_digest(out / "html") == site, f"make {target} rewrote the site"
        if target == "pdf":  # laying out the PDFs is a step of its own, with its count
            sources = Sources(book)  # the book, each printed handout, each chapter
            total = 1 + len(sources.printed_handouts) + len(sources.chapters)
            assert re.search(rf"^  lay out PDFs +{total} PDFs +\d+\.\d s$", result.stdout, re.M)
            assert len(list((out / "pdf").rglob("*.pdf"))) == total
    result = run_build("html", book, out)
    assert result.returncode == 0 and "nothing changed" not in result.stdout
    links = download_links(out / "html")
    assert links["book/index.html"] == ["../pdf/book.pdf", "../epub/book.epub"], links
    chapters = {f"{doc}.html" for doc in Sources(book).chapters}
    assert all(
        page.startswith("book/handouts/") or page in chapters
        for page in set(links) - {"book/index.html"}
    )
    for name in ("pdf/book.pdf", "epub/book.epub"):
        assert (out / "html" / name).read_bytes() == (out / name).read_bytes(), name
    assert_links_resolve(out / "html")
    again = run_build("html", book, out)
    assert "nothing changed" in again.stdout, "the site's stamp is not stable"
    shared = small_pdfs
    pdfs = sorted(p.relative_to(shared) for p in shared.rglob("*.pdf"))
    assert pdfs == sorted(p.relative_to(out / "pdf") for p in (out / "pdf").rglob("*.pdf"))
    for name in pdfs:
        assert (out / "pdf" / name).read_bytes() == (shared / name).read_bytes(), name


def test_make_book_builds_the_site_after_the_pdfs_and_the_epub() -> None:
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "book"], cwd=ROOT, capture_output=True, text=True
    )
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    order = [
        next(i for i, line in enumerate(lines) if f"build {target}" in line)
        for target in ("pdf", "epub", "html")
    ]
    assert order == sorted(order), dry.stdout
