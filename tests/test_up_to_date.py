"""A build with no changed input does nothing; any changed input (not just a chapter) builds.

The fingerprint covers the book's files, the helper package, the installed packages, the last
commit and the settings read from the environment
(``addictionbook.pipeline.fingerprint.inputs_fingerprint``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from addictionbook.pipeline.fingerprint import inputs_fingerprint
from addictionbook.settings import Settings

from .helpers import build_ok, copy_book

NOTHING = "nothing changed since the last build"


def build(book: Path, **env: str) -> str:
    return build_ok("html", book, env={**os.environ, **env})


@pytest.fixture
def book(book_copy: Path) -> Path:
    """A copy of the book with a good build, at the path it was built at."""
    return book_copy


def test_an_unchanged_book_is_not_built_again(book: Path) -> None:
    index = book / "_build" / "html" / "index.html"
    before = index.stat()
    assert NOTHING in build(book)
    after = index.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_an_edited_stylesheet_reaches_the_site(book: Path) -> None:
    """Sphinx copies _static only when it writes a page; the extension makes it write one."""
    stylesheet = book / "_static" / "book.css"
    with stylesheet.open("a", encoding="utf-8") as handle:
        handle.write("\n/* a contributor's edit */\n")
    assert NOTHING not in build(book)
    published = book / "_build" / "html" / "_static" / "book.css"
    assert published.read_bytes() == stylesheet.read_bytes()


def test_a_deleted_site_is_built_again(book: Path) -> None:
    shutil.rmtree(book / "_build" / "html")
    assert NOTHING not in build(book)
    assert (book / "_build" / "html" / "index.html").exists()


def test_only_the_settings_a_target_reads_count(book: Path) -> None:
    assert NOTHING in build(book, ADDICTIONBOOK_PAPER="a4")  # paper size: PDFs only
    assert NOTHING not in build(book, SOURCE_DATE_EPOCH="1700000000")  # page dates: the site too


def test_a_moved_book_is_built_again(tmp_path: Path) -> None:
    """Sphinx's saved state holds the book's paths, so a book moved with its ``_build`` is
    built again: two copies that differ only in where they are have different fingerprints."""
    here = copy_book(tmp_path / "here")
    there = copy_book(tmp_path / "there")
    settings = Settings()
    assert inputs_fingerprint(here, "html", settings) == inputs_fingerprint(here, "html", settings)
    assert inputs_fingerprint(here, "html", settings) != inputs_fingerprint(there, "html", settings)
