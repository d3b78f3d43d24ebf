"""Fixtures, and the hooks and autouse fixtures they need (the helpers that test modules import
are in ``helpers.py``).

- ``build_out`` (and ``site``, ``book_pdf``, ``book_epub`` inside it): the repository's book
  built once for the run, as ``make book`` builds it (the PDFs, the EPUB, then the site) into
  one empty folder. ``make test`` builds it before pytest starts and names the folder in
  ``ADDICTIONBOOK_TEST_BUILD``; without it (``pytest tests/test_site.py``) the first test that
  asks builds it, under a file lock that the other xdist workers wait on (pytest-xdist's
  "Making session-scoped fixtures execute only once"). Tests only read it.
- ``good_copy``: a copy of the book with a good ``make html`` build (one per worker), for
  tests that break or extend it; ``book_copy`` gives each test its own copy of that (with the
  build and notebook cache, at the path it was built at, so that builds are incremental as a
  contributor's are), ``book_copy_with_pdfs`` and ``book_copy_with_epub`` the same with the
  run's PDFs or EPUB published in it (the last good output a failing build must keep), and
  ``fresh_book`` a copy of the sources alone.
- ``small_copy``, ``small_copy_with_pdfs``, ``small_book`` and ``unbuilt_small_book``: the
  same for the small book (``tests/small_book.py``: the book's machinery, one chapter, the
  client handouts), for the tests of the build's mechanics (locks, targets, publishing, page
  limits, counting reads) that do not need the book's text and would otherwise lay out all
  its PDFs again, and for the review and edition tests that build nothing.
- Every test that uses one of these fixtures is marked ``build`` when it is collected, and
  :func:`helpers.run_build` refuses to run in a test that is not: ``make test-fast``
  (``-m "not build"``) can then promise that it builds nothing.
- Every test process collects garbage at a build's thresholds (an autouse fixture), and not at
  all once the run is over (``pytest_unconfigure``): its heap is left to the operating system.
- ``make_app`` and ``app`` (``sphinx.testing``), with ``rootdir``: Sphinx's own test
  application, for the in-process tests of the extension on the books in ``tests/roots/``.
"""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from filelock import FileLock

from addictionbook.gc_thresholds import raise_for_a_build
from tests.helpers import (
    BUILD_ENV,
    BUILD_FIXTURES,
    ROOT,
    _current,
    build_book,
    build_ok,
    copy_book,
    copy_notebook_cache,
    restore,
)
from tests.small_book import git, make_small_book

#: Sphinx's own test fixtures (``make_app``, ``app``): the in-process tests of the extension.
pytest_plugins = "sphinx.testing.fixtures"

# The suite's deliberate failures must not become annotations of the CI run that runs it
# (tests/test_annotations.py sets these itself).
for _name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
    os.environ.pop(_name, None)


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark ``build`` each test that uses a build fixture, directly or through another fixture
    (``fixturenames`` holds them all), as it is collected: before ``-m`` selects."""
    if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
        item.add_marker(pytest.mark.build)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Nothing a test made is needed once the run is over, so the process leaves its objects to
    the operating system: without this, each worker's interpreter collected its whole heap
    (figures, Sphinx applications, parsed books) on its way out, and pytest waited 1.2 s at the
    end of ``make test-fast`` for the last of them. Exit handlers still run."""
    gc.disable()
    gc.freeze()


@pytest.fixture(scope="session", autouse=True)
def _collect_garbage_at_the_builds_thresholds() -> None:
    """The test processes make as many long-lived objects as a build's (figures, parsed
    pages, PDFs): they collect at its thresholds too (``addictionbook.gc_thresholds``)."""
    raise_for_a_build()


@pytest.fixture(autouse=True)
def _remember_current_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tell :func:`helpers.run_build` which test is running (it refuses unmarked ones)."""
    _current["item"] = request.node
    yield
    _current["item"] = None


@pytest.fixture(scope="session")
def build_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder holding the run's one build of the book: ``pdf/``, ``epub/``, ``html/``
    (``make book`` from an empty folder) and the work area they share (``.work``)."""
    given = os.environ.get(BUILD_ENV)
    if given:
        out = Path(given).resolve()
        missing = [t for t in ("pdf", "epub", "html") if not (out / t).is_dir()]
        if missing:
            pytest.fail(f"{BUILD_ENV}={given} holds no {', '.join(missing)}", pytrace=False)
        return out
    # the site is built last: when it is there, the build is complete
    return built_once_for_the_run(
        tmp_path_factory, "book-build", lambda out: (out / "html").is_dir(), build_book
    )


def built_once_for_the_run(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    complete: Callable[[Path], bool],
    build: Callable[[Path], object],
) -> Path:
    """The folder ``name`` in the run's own folder (shared by its xdist workers), made by
    ``build`` by the first worker that asks, under a file lock the others wait on
    (pytest-xdist's "Making session-scoped fixtures execute only once"); ``complete(folder)``
    says whether a build there finished, else it is made again from empty."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, shared by its workers
    folder = base / name
    with FileLock(f"{folder}.lock"):
        if not complete(folder):
            shutil.rmtree(folder, ignore_errors=True)
            build(folder)
    return folder


def built_once_per_worker(
    tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Path]
) -> Path:
    """The book ``make`` writes into this worker's folder ``name``, built there by ``make
    html`` (from the run's notebook cache), then saved as ``good-<name>``: the pristine copy
    that each test's copy is restored from, at the path the build was made at."""
    base = tmp_path_factory.getbasetemp()  # this worker's own folder
    book = base / name
    shutil.rmtree(book, ignore_errors=True)
    build_ok("html", with_the_runs_notebook_cache(make(book)))
    return restore(book, base / f"good-{name}")


@pytest.fixture(scope="session")
def book_pdf(build_out: Path) -> Path:
    """The full-book PDF of the run's build."""
    return build_out / "pdf" / "book.pdf"


@pytest.fixture(scope="session")
def book_epub(build_out: Path) -> Path:
    """The EPUB of the run's build."""
    return build_out / "epub" / "book.epub"


@pytest.fixture(scope="session")
def site(build_out: Path) -> Path:
    """The website as ``make book`` leaves it: built last, carrying and linking the PDFs and the
    EPUB; returns ``<out>/html``."""
    return build_out / "html"


def with_the_runs_notebook_cache(book: Path) -> Path:
    """Give ``book`` the notebook cache of the build ``make test`` made before the tests, so
    that its first build executes only the notebooks that build has not (about 13 s of CPU
    less per worker for the book). Without that build (a test file run alone), ``book``
    executes its notebooks itself."""
    given = os.environ.get(BUILD_ENV)
    return copy_notebook_cache(ROOT, Path(given).resolve() / ".work", book) if given else book


@pytest.fixture(scope="session")
def good_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pristine copy of the book with a good build in its own ``_build`` (notebook cache
    included): ``make html`` alone, from a ``_build`` that holds only a notebook cache
    (:func:`with_the_runs_notebook_cache`). Made once per worker; never handed to a test
    (see ``book_copy``).

    It is built at the path every ``book_copy`` of this worker is restored to: Sphinx's saved
    environment holds its source folder, so a copy built elsewhere would be read again in full
    (about 2.5 s more per build), where a contributor's build reads only what changed.
    """
    return built_once_per_worker(tmp_path_factory, "book", copy_book)


@pytest.fixture
def book_copy(good_copy: Path) -> Path:
    """This test's own copy of ``good_copy``, build and notebook cache included, at the path
    it was built at (so incremental builds read only what the test changed). Each test of the
    worker gets it afresh at the same path: the previous test's copy is replaced."""
    return restore(good_copy, good_copy.with_name("book"))


@pytest.fixture
def book_copy_with_pdfs(book_copy: Path, book_pdf: Path) -> Path:
    """``book_copy`` with the PDFs this run built published in its ``_build/pdf``, as a
    ``make pdf`` would have left them (built once for the run, not again per test)."""
    shutil.copytree(book_pdf.parent, book_copy / "_build" / "pdf")
    return book_copy


@pytest.fixture
def book_copy_with_epub(book_copy: Path, book_epub: Path) -> Path:
    """``book_copy`` with the EPUB this run built published in its ``_build/epub``, as a
    ``make epub`` would have left it."""
    shutil.copytree(book_epub.parent, book_copy / "_build" / "epub")
    return book_copy


@pytest.fixture
def fresh_book(tmp_path: Path) -> Path:
    """This test's own copy of the book's sources, never built."""
    return copy_book(tmp_path / "fresh")


@pytest.fixture(scope="session")
def small_good_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small book with a good ``make html`` from empty, made once per worker at the path
    every ``small_copy`` is restored to (as ``good_copy``); never handed to a test."""
    return built_once_per_worker(tmp_path_factory, "small", make_small_book)


@pytest.fixture
def small_copy(small_good_copy: Path) -> Path:
    """This test's own copy of ``small_good_copy`` (a git checkout of one commit, with its
    build and notebook cache), at the path it was built at."""
    return restore(small_good_copy, small_good_copy.with_name("small"))


@pytest.fixture(scope="session")
def small_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small book's ``make pdf`` output (``_build/pdf``), built from empty once for the
    run (the first worker that asks builds it, under a file lock the others wait on, as
    ``build_out``), in a folder of its own: tests only read it (``small_copy_with_pdfs`` copies
    it, ``test_targets`` compares a build of the same commit elsewhere with it)."""
    book = built_once_for_the_run(
        tmp_path_factory,
        "small-pdf",
        lambda book: (book / "_build" / "pdf").is_dir(),  # published last: the build is complete
        lambda book: build_ok("pdf", with_the_runs_notebook_cache(make_small_book(book))),
    )
    return book / "_build" / "pdf"


@pytest.fixture
def small_copy_with_pdfs(small_copy: Path, small_pdfs: Path) -> Path:
    """``small_copy`` with the small book's PDFs published in its ``_build/pdf``, as a
    ``make pdf`` would have left them (the last good PDFs a failing build must keep)."""
    shutil.copytree(small_pdfs, small_copy / "_build" / "pdf")
    return small_copy


@pytest.fixture(scope="session")
def small_book_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small book as :func:`make_small_book` writes it (a git checkout of one commit,
    never built), made once per worker; never handed to a test (see ``small_book``)."""
    return make_small_book(tmp_path_factory.getbasetemp() / "small-source")


@pytest.fixture
def unbuilt_small_book(small_book_source: Path, tmp_path: Path) -> Path:
    """This test's own small book (a git checkout of one commit), for the tests that check,
    review or refuse to release it without building it. A copy of ``small_book_source``: the
    same files and the same commit, without writing and committing them again per test. Git's
    index is brought up to date with the copied files' new inodes first, so that what a test
    sees change in ``.git`` is what the test did."""
    book = restore(small_book_source, tmp_path / "small")
    git(book, "update-index", "-q", "--refresh")
    return book


@pytest.fixture
def small_book(unbuilt_small_book: Path) -> Path:
    """``unbuilt_small_book``, for the tests that build it from empty or release it (so they
    are marked ``build``)."""
    return unbuilt_small_book


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """The fixture books of the in-process tests: ``tests/roots/test-<name>`` (the folder
    Sphinx's ``app`` fixture takes a ``testroot`` from)."""
    return ROOT / "tests" / "roots"
