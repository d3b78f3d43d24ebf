"""Shared fixtures: the book is built once per test session into a temporary folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: What a copy of the book needs in order to build (the helper package is installed editable).
BOOK_FILES = ("_config.yml", "_toc.yml", "book", "figures")


def run_build(target: str, root: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Run the project's build command exactly as ``make`` does; capture its output."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "addictionbook.build",
            target,
            "--root",
            str(root),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )


def copy_book(target: Path) -> Path:
    """Copy the book's sources (not the build) into ``target`` for tests that break them."""
    target.mkdir(parents=True)
    for name in BOOK_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="session")
def build_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One output folder for the session, shared by the HTML and PDF builds (and their cache)."""
    return tmp_path_factory.mktemp("book-build")


@pytest.fixture(scope="session")
def site(build_out: Path) -> Path:
    """The website, built once from the repository's sources; returns ``<out>/html``."""
    result = run_build("html", ROOT, build_out)
    assert result.returncode == 0, f"HTML build failed:\n{result.stdout[-4000:]}\n{result.stderr}"
    return build_out / "html"


@pytest.fixture(scope="session")
def book_pdf(build_out: Path, site: Path) -> Path:
    """The full-book PDF, built once (after the site, so notebooks come from the cache)."""
    result = run_build("pdf", ROOT, build_out)
    assert result.returncode == 0, f"PDF build failed:\n{result.stdout[-4000:]}\n{result.stderr}"
    return build_out / "pdf" / "book.pdf"


@pytest.fixture(scope="session")
def good_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the book with a good build in its own ``_build``: tests that break or extend the
    book copy this (with its notebook cache), so their builds re-execute nothing unchanged."""
    book = copy_book(tmp_path_factory.mktemp("good") / "book-copy")
    result = run_build("html", book, book / "_build")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    return book
