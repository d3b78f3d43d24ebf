"""Shared fixtures and helpers: the book is built once per test run and read by many tests.

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

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from addictionbook.content.sources import copy_sources
from tests.xdist_groups import name_xdist_groups

ROOT = Path(__file__).resolve().parents[1]

#: Fixtures that build the book (or hand a test a book to build): their tests are ``build``.
BUILD_FIXTURES = {
    "build_out",
    "site",
    "book_pdf",
    "book_epub",
    "good_copy",
    "book_copy",
    "book_copy_with_pdfs",
    "fresh_book",
}

#: Fixtures that read the run's one shared build (``build_out``).
SHARED_FIXTURES = {"build_out", "site", "book_pdf", "book_epub", "book_copy_with_pdfs"}
#: The shared build's targets, in the order ``make book`` builds them.
SHARED_TARGETS = ("pdf", "epub", "html")

_current: dict[str, pytest.Item | None] = {"item": None}


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


def npm_install(folder: Path, installed: Path, *flags: str, env: dict | None = None) -> None:
    """Install the npm packages pinned in ``folder/package-lock.json`` unless ``installed``
    exists. ``npm ci`` empties ``node_modules`` first, so two workers installing at once break
    each other's tool: the install runs under a lock on the lock file, and the others wait."""
    if shutil.which("npm") is None:
        pytest.fail(f"npm is not installed: {folder.name} needs Node.js 20+ (Debian: nodejs npm)")
    with exclusive(folder / "package-lock.json"):
        if not installed.exists():
            subprocess.run(
                ["npm", "ci", *flags, "--silent", "--no-audit", "--no-fund"],
                cwd=folder,
                env=env,
                check=True,
                capture_output=True,
            )


def _marker(out: Path, target: str, state: str) -> Path:
    return out.with_name(f"{out.name}.{target}.{state}")


def _lock(out: Path) -> Path:
    """The file whose lock the shared build holds while it builds ``out``."""
    return out.with_name(f"{out.name}.lock")


def published(out: Path) -> list[str]:
    """What a build left in its output folder for readers: every name but the hidden work."""
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))


def check_pdf_stands_alone(out: Path) -> None:
    """``make pdf`` from an empty _build stands alone: the PDFs, no site, no EPUB."""
    left = published(out)
    assert left == ["logs", "pdf"], f"make pdf from empty left {left}"


def build_shared(out: Path) -> None:
    """Build the shared targets into ``out`` in ``make book``'s order, each once per run,
    marking each done (or failed, with its output) beside ``out``. Run under the lock."""
    for target in SHARED_TARGETS:
        if _marker(out, target, "done").exists():
            continue
        try:
            result = run_build(target, ROOT, out)
            assert result.returncode == 0, (
                f"{target} build failed:\n{result.stdout[-4000:]}\n{result.stderr}"
            )
            if target == "pdf":
                check_pdf_stands_alone(out)
        except Exception as error:
            _marker(out, target, "failed").write_text(str(error), encoding="utf-8")
            raise
        _marker(out, target, "done").write_text("ok\n", encoding="utf-8")


def shared_build(target: str, out: Path) -> None:
    """Wait for (or make) the shared build up to ``target``; fail with its output if it failed."""
    with exclusive(_lock(out)):
        for earlier in SHARED_TARGETS[: SHARED_TARGETS.index(target) + 1]:
            failed = _marker(out, earlier, "failed")
            if failed.exists():
                pytest.fail(failed.read_text(encoding="utf-8"), pytrace=False)
        if not _marker(out, target, "done").exists():
            build_shared(out)


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
            [sys.executable, "-m", "tests.conftest", str(build_out_path), str(fd)],
            cwd=ROOT,
            pass_fds=(fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,  # a failure is written beside the build (shared_build)
        )
    finally:
        os.close(fd)  # the child's copy keeps the lock until it exits


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder all xdist workers of this run share (a worker's own one without xdist)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    return base / name


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


if __name__ == "__main__":  # the background shared build (``_start_shared_build``)
    build_shared(Path(sys.argv[1]))  # the lock (descriptor sys.argv[2]) is released on exit
