"""Shared fixtures: the book is built once per test session into a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from addictionbook.pipeline.build import copy_sources

ROOT = Path(__file__).resolve().parents[1]

# The suite's deliberate failures must not become annotations of the CI run that runs it
# (tests/test_annotations.py sets these itself).
for _name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
    os.environ.pop(_name, None)


def run_build(
    target: str, root: Path, out: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the project's build command exactly as ``make`` does; capture its output."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "addictionbook.pipeline.build",
            target,
            "--root",
            str(root),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
    )


def copy_book(target: Path) -> Path:
    """Copy the book's sources (not the build) into ``target`` for tests that break them."""
    return copy_sources(ROOT, target)


@pytest.fixture(scope="session")
def build_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One output folder for the session, shared by the HTML and PDF builds (and their cache)."""
    return tmp_path_factory.mktemp("book-build")


@pytest.fixture(scope="session")
def book_pdf(build_out: Path) -> Path:
    """The full-book PDF, built first into the empty output folder (as ``make book`` does)."""
    result = run_build("pdf", ROOT, build_out)
    assert result.returncode == 0, f"PDF build failed:\n{result.stdout[-4000:]}\n{result.stderr}"
    # ``make pdf`` from an empty _build stands alone: the PDFs, no site, no EPUB.
    published = sorted(p.name for p in build_out.iterdir() if not p.name.startswith("."))
    assert published == ["logs", "pdf"], f"make pdf from empty left {published}"
    return build_out / "pdf" / "book.pdf"


@pytest.fixture(scope="session")
def book_epub(build_out: Path, book_pdf: Path) -> Path:
    """The EPUB, built once (after the PDF, so notebooks come from the cache)."""
    result = run_build("epub", ROOT, build_out)
    assert result.returncode == 0, f"EPUB build failed:\n{result.stdout[-4000:]}\n{result.stderr}"
    return build_out / "epub" / "book.epub"


@pytest.fixture(scope="session")
def site(build_out: Path, book_pdf: Path, book_epub: Path) -> Path:
    """The website as ``make book`` leaves it: built last, carrying and linking the PDFs and the
    EPUB; returns ``<out>/html``."""
    result = run_build("html", ROOT, build_out)
    assert result.returncode == 0, f"HTML build failed:\n{result.stdout[-4000:]}\n{result.stderr}"
    return build_out / "html"


@pytest.fixture(scope="session")
def good_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the book with a good build in its own ``_build``: tests that break or extend the
    book copy this (with its notebook cache), so their builds re-execute nothing unchanged."""
    book = copy_book(tmp_path_factory.mktemp("good") / "book-copy")
    result = run_build("html", book, book / "_build")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    return book
