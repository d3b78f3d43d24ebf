"""Fixtures (and the hooks they need): the book is built once per test run and read by many
tests. The helpers the test modules import are in ``helpers.py``.

- ``site``, ``book_pdf``, ``book_epub``: the repository's book built once into one output
  folder. Under pytest-xdist (``make test`` runs two workers) the workers share that folder:
  the first to ask builds, under a file lock, and the others read its output.
- ``good_copy``: a copy of the book with a good build (one per worker), for tests that break
  or extend it;
  ``book_copy`` gives each test its own copy of that (with the build and notebook cache, at
  the path it was built at, so that builds are incremental as a contributor's are),
  ``book_copy_with_pdfs`` the same with the run's PDFs published in it (the last good PDFs a
  failing PDF build must keep), and ``fresh_book`` a copy of the sources alone.
- Any test that asks for one of these fixtures is marked ``build`` automatically, and
  :func:`run_build` refuses to run in a test that is not: ``make test-fast`` (``-m "not
  build"``) can then promise that it builds nothing.

Speed on two cores: tests run in groups (nothing built, own copies, the shared build),
and the shared build starts in a background process as the first test starts (when the run
has a test that reads it), so it is built while the workers run the first two groups instead
of a worker waiting for it. ``make test`` hands tests out one at a time in that order
(``--dist loadgroup --no-loadscope-reorder``), each module that only reads the shared build
as one group, so both workers finish together and module fixtures run once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import (
    BUILD_FIXTURES,
    ROOT,
    SHARED_TARGETS,
    _current,
    _lock,
    _marker,
    build_ok,
    copy_book,
    shared_build,
    shared_folder,
)
from tests.xdist_groups import name_xdist_groups

#: Fixtures that read the run's one shared build (``build_out``).
SHARED_FIXTURES = {"build_out", "site", "book_pdf", "book_epub", "book_copy_with_pdfs"}
#: Fixtures that hand a test a book of its own to build (``book_copy`` and
#: ``book_copy_with_pdfs`` come from ``good_copy``).
COPY_FIXTURES = {"good_copy", "fresh_book"}


def _group(item: pytest.Item) -> int:
    """0: builds nothing; 1: builds its own copy; 2: reads the shared build and builds a copy
    of its own (long: run before the short tests that end the run); 3: only reads the shared
    build. (``fixturenames`` holds every fixture a test uses, directly or not.)"""
    names = set(getattr(item, "fixturenames", ()))
    if SHARED_FIXTURES & names:
        return 2 if COPY_FIXTURES & names else 3
    return 1 if BUILD_FIXTURES & names else 0


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark the tests that build; keep each module that only reads the shared build on one
    xdist worker (``--dist loadgroup``), so its module-scoped fixtures (the browser's visits
    of every page, epubcheck, Ace) run once, not once per worker. (Marked as each test is
    collected, before xdist's ``pytest_collection_modifyitems`` reads the groups.)"""
    group = _group(item)
    if group:
        item.add_marker(pytest.mark.build)
    if group == 3:
        item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.hookimpl(trylast=True)  # after xdist's own naming of the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if getattr(config.option, "loadgroup", False):  # a worker of ``--dist loadgroup``
        name_xdist_groups(items)
    items.sort(key=_group)  # stable: each group keeps the files' order


@pytest.fixture(autouse=True)
def _remember_current_test(request: pytest.FixtureRequest) -> Iterator[None]:
    _current["item"] = request.node
    yield
    _current["item"] = None


# The suite's deliberate failures must not become annotations of the CI run that runs it
# (tests/test_annotations.py sets these itself).
for _name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session", autouse=True)
def _start_shared_build(request: pytest.FixtureRequest, build_out_path: Path) -> None:
    """Start the shared build in a background process if this run reads it and no worker has
    started it: it holds the build lock (handed over by this process) until it is done."""
    if not any(_group(item) >= 2 for item in request.session.items):
        return
    lock = _lock(build_out_path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_CREAT | os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # another worker's background build holds it
        os.close(fd)
        return
    try:
        if all(_marker(build_out_path, t, "done").exists() for t in SHARED_TARGETS):
            return
        subprocess.Popen(
            [sys.executable, "-m", "tests.helpers", str(build_out_path), str(fd)],
            cwd=ROOT,
            pass_fds=(fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # a failure is written beside the build (shared_build)
        )
    finally:
        os.close(fd)  # the child's copy keeps the lock until it exits


@pytest.fixture(scope="session")
def build_out_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the run's shared build goes (see ``build_out``), built or not."""
    return shared_folder(tmp_path_factory, "book-build")


@pytest.fixture(scope="session")
def build_out(build_out_path: Path) -> Path:
    """One output folder for the run, shared by the HTML, PDF and EPUB builds (and their cache),
    with all three built (``make book``: the PDFs, then the EPUB, then the site).

    Tests only read it: one that needs to change a build copies it first.
    """
    shared_build("html", build_out_path)
    return build_out_path


@pytest.fixture(scope="session")
def book_pdf(build_out_path: Path) -> Path:
    """The full-book PDF, built first into the empty output folder (as ``make book`` does)."""
    shared_build("pdf", build_out_path)
    return build_out_path / "pdf" / "book.pdf"


@pytest.fixture(scope="session")
def book_epub(build_out_path: Path, book_pdf: Path) -> Path:
    """The EPUB, built once (after the PDF, so notebooks come from the cache)."""
    shared_build("epub", build_out_path)
    return build_out_path / "epub" / "book.epub"


@pytest.fixture(scope="session")
def site(build_out: Path) -> Path:
    """The website as ``make book`` leaves it: built last, carrying and linking the PDFs and the
    EPUB; returns ``<out>/html``."""
    return build_out / "html"


@pytest.fixture(scope="session")
def good_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pristine copy of the book with a good build in its own ``_build`` (notebook cache
    included): ``make html`` alone, from an empty ``_build``. Made once per worker; never
    handed to a test (see ``book_copy``).

    It is built at the path every ``book_copy`` of this worker is restored to: Sphinx's saved
    environment holds its source folder, so a copy built elsewhere would be read again in full
    (about 2.5 s more per build), where a contributor's build reads only what changed.
    """
    base = tmp_path_factory.getbasetemp()  # this worker's own folder
    pristine = base / "good-book"
    book = base / "book"
    shutil.rmtree(book, ignore_errors=True)
    build_ok("html", copy_book(book))
    shutil.copytree(book, pristine, symlinks=True)
    return pristine


@pytest.fixture
def book_copy(good_copy: Path) -> Path:
    """This test's own copy of ``good_copy``, build and notebook cache included, at the path
    it was built at (so incremental builds read only what the test changed). Each test of the
    worker gets it afresh at the same path: the previous test's copy is replaced."""
    book = good_copy.with_name("book")
    shutil.rmtree(book, ignore_errors=True)
    shutil.copytree(good_copy, book, symlinks=True)
    return book


@pytest.fixture
def book_copy_with_pdfs(book_copy: Path, book_pdf: Path) -> Path:
    """``book_copy`` with the PDFs this run built published in its ``_build/pdf``, as a
    ``make pdf`` would have left them (built once for the run, not again per test)."""
    shutil.copytree(book_pdf.parent, book_copy / "_build" / "pdf")
    return book_copy


@pytest.fixture
def fresh_book(tmp_path: Path) -> Path:
    """This test's own copy of the book's sources, never built."""
    return copy_book(tmp_path / "fresh")
