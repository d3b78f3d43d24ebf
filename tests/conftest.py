"""Shared fixtures and helpers: the book is built once per test run and read by many tests.

- ``site``, ``book_pdf``, ``book_epub``: the repository's book built once into one output
  folder. Under pytest-xdist (``make test`` runs two workers) the workers share that folder:
  the first to ask builds, under a file lock, and the others read its output.
- ``good_copy``: a copy of the book with a good build, for tests that break or extend it;
  ``book_copy`` gives each test its own copy of that (with the build and notebook cache), and
  ``fresh_book`` a copy of the sources alone.
- Any test that asks for one of these fixtures is marked ``build`` automatically, and
  :func:`run_build` refuses to run in a test that is not: ``make test-fast`` (``-m "not
  build"``) can then promise that it builds nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from addictionbook.pipeline.build import copy_sources

ROOT = Path(__file__).resolve().parents[1]

#: Fixtures that build the book (or hand a test a book to build): their tests are ``build``.
BUILD_FIXTURES = {
    "build_out",
    "site",
    "book_pdf",
    "book_epub",
    "good_copy",
    "book_copy",
    "fresh_book",
}

_current: dict[str, pytest.Item | None] = {"item": None}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.build)


@pytest.fixture(autouse=True)
def _remember_current_test(request: pytest.FixtureRequest) -> Iterator[None]:
    _current["item"] = request.node
    yield
    _current["item"] = None


# The suite's deliberate failures must not become annotations of the CI run that runs it
# (tests/test_annotations.py sets these itself).
for _name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
    os.environ.pop(_name, None)


def run_build(
    target: str, root: Path, out: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the project's build command exactly as ``make`` does; capture its output."""
    item = _current["item"]
    if item is not None and item.get_closest_marker("build") is None:
        raise AssertionError(
            f"{item.nodeid} builds the book but is not marked 'build': ask for one of the "
            f"fixtures {sorted(BUILD_FIXTURES)} (conftest.py)"
        )
    return subprocess.run(
        [sys.executable, "-m", "addictionbook.cli", "build", target]
        + ["--root", str(root), "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
    )


def build_ok(target: str, book: Path, env: dict[str, str] | None = None) -> str:
    """Build ``target`` of ``book`` into ``book/_build``; assert it succeeded; return its output."""
    result = run_build(target, book, book / "_build", env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    return result.stdout


def copy_book(target: Path) -> Path:
    """Copy the book's sources (not the build) into ``target`` for tests that break them."""
    return copy_sources(ROOT, target)


def tree_digest(root: Path, skip: str = "_build") -> dict[str, str]:
    """SHA-256 of every file under ``root`` except the build folder: to prove nothing changed."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and skip not in p.relative_to(root).parts
    }


@contextlib.contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock`` (a file) for the block: one builder at a time."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_CREAT | os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def shared_build(
    target: str, root: Path, out: Path, then: Callable[[], None] | None = None
) -> None:
    """Build ``target`` into ``out`` once per test run, whichever worker asks first; ``then``
    checks what that build left, right after it (before any other build writes there)."""
    done = out.with_name(f"{out.name}.{target}.done")
    with exclusive(out.with_name(f"{out.name}.lock")):
        if done.exists():
            return
        result = run_build(target, root, out)
        assert result.returncode == 0, (
            f"{target} build failed:\n{result.stdout[-4000:]}\n{result.stderr}"
        )
        if then is not None:
            then()
        done.write_text("ok\n", encoding="utf-8")


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder all xdist workers of this run share (a worker's own one without xdist)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    return base / name


@pytest.fixture(scope="session")
def build_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One output folder for the run, shared by the HTML, PDF and EPUB builds (and their cache).

    Tests only read it: one that needs to change a build copies it first.
    """
    return shared_folder(tmp_path_factory, "book-build")


@pytest.fixture(scope="session")
def book_pdf(build_out: Path) -> Path:
    """The full-book PDF, built first into the empty output folder (as ``make book`` does)."""

    def stands_alone() -> None:
        # ``make pdf`` from an empty _build stands alone: the PDFs, no site, no EPUB.
        published = sorted(p.name for p in build_out.iterdir() if not p.name.startswith("."))
        assert published == ["logs", "pdf"], f"make pdf from empty left {published}"

    shared_build("pdf", ROOT, build_out, then=stands_alone)
    return build_out / "pdf" / "book.pdf"


@pytest.fixture(scope="session")
def book_epub(build_out: Path, book_pdf: Path) -> Path:
    """The EPUB, built once (after the PDF, so notebooks come from the cache)."""
    shared_build("epub", ROOT, build_out)
    return build_out / "epub" / "book.epub"


@pytest.fixture(scope="session")
def site(build_out: Path, book_pdf: Path, book_epub: Path) -> Path:
    """The website as ``make book`` leaves it: built last, carrying and linking the PDFs and the
    EPUB; returns ``<out>/html``."""
    shared_build("html", ROOT, build_out)
    return build_out / "html"


@pytest.fixture(scope="session")
def good_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the book with a good build in its own ``_build``: tests that break or extend the
    book copy this (with its notebook cache), so their builds re-execute nothing unchanged."""
    book = shared_folder(tmp_path_factory, "good") / "book-copy"
    with exclusive(book.with_name("lock")):
        if not (book / "_build" / "html" / "index.html").exists():
            shutil.rmtree(book, ignore_errors=True)
            copy_book(book)
            result = run_build("html", book, book / "_build")
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    return book


@pytest.fixture
def book_copy(good_copy: Path, tmp_path: Path) -> Path:
    """This test's own copy of ``good_copy``, build and notebook cache included."""
    book = tmp_path / "book"
    shutil.copytree(good_copy, book, symlinks=True)
    return book


@pytest.fixture
def fresh_book(tmp_path: Path) -> Path:
    """This test's own copy of the book's sources, never built."""
    return copy_book(tmp_path / "fresh")
