"""Helpers the test modules import: run a build as ``make`` does, copy the book (and a built
book's notebook cache), restore a saved copy, compare trees, hold a lock, install a pinned npm
tool; and the run's build of the book (``build_book``, which
``make test`` runs as ``python -m tests.helpers <folder>`` before the tests).

Fixtures live in ``conftest.py``; the figure tests' helpers in ``figure_helpers.py``, the PDF
structure reader in ``pdf_structure.py``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from addictionbook.content.sources import Sources, copy_sources
from addictionbook.execution import cache as notebook_cache

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
    "book_copy_with_epub",
    "fresh_book",
    # the small book (tests/small_book.py): built, for the tests of the build's mechanics, or
    # its sources alone, for the tests that build it from empty or release it whole
    "small_good_copy",
    "small_copy",
    "small_pdfs",
    "small_copy_with_pdfs",
    "small_book",
}

#: The shared build's targets, in the order ``make book`` builds them.
SHARED_TARGETS = ("pdf", "epub", "html")
#: Names the folder where ``make test`` built the book before the tests (``build_out``).
BUILD_ENV = "ADDICTIONBOOK_TEST_BUILD"

#: The test running now (set by ``conftest.py``), for :func:`run_build`'s check of its marker.
_current: dict[str, pytest.Item | None] = {"item": None}


def restore(pristine: Path, at: Path) -> Path:
    """Replace ``at`` with a copy of ``pristine`` (symbolic links kept as links); return ``at``.
    Saves a built book, and gives each test that book again at the path it was built at."""
    shutil.rmtree(at, ignore_errors=True)
    shutil.copytree(pristine, at, symlinks=True)
    return at


def copy_notebook_cache(built: Path, work: Path, book: Path) -> Path:
    """Give ``book`` (not built yet) the notebook cache of the book at ``built`` whose build
    used the work area ``work``; return ``book``. The cache is content-addressed: a notebook
    whose code is the same is the same entry wherever it lies, so ``book``'s first build
    executes only the notebooks ``built``'s did not."""
    config = notebook_cache.execution_config(Sources(book).config)
    theirs = notebook_cache.cache_dir_for(built, work, config)
    mine = notebook_cache.cache_dir_for(book, book / "_build" / ".work", config)
    if theirs.is_dir():
        shutil.copytree(theirs, mine)
        stamp = theirs.parent / notebook_cache.STAMP_NAME  # the helper package's hash
        if stamp.is_file():
            shutil.copyfile(stamp, mine.parent / notebook_cache.STAMP_NAME)
    return book


def notebook_front_matter(description: str) -> str:
    """The front matter of a text notebook page (jupytext's MyST format, a Python kernel) with
    the page ``description`` the linter asks for, as the book's notebook chapters start."""
    return (
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n"
        f'myst:\n  html_meta:\n    description: "{description}"\n---\n'
    )


def run_python(code: str) -> str:
    """Run ``code`` (dedented) in a fresh Python, for what a test process cannot show once it
    has imported something (patches and imports act on the whole process); assert it exits 0
    and return what it printed, stripped."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


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


def published(out: Path) -> list[str]:
    """What a build left in its output folder for readers: every name but the hidden work."""
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))


def check_pdf_stands_alone(out: Path) -> None:
    """``make pdf`` from an empty _build stands alone: the PDFs, no site, no EPUB."""
    left = published(out)
    assert left == ["logs", "pdf"], f"make pdf from empty left {left}"


def build_book(out: Path, show: bool = False) -> None:
    """Build the book into the empty folder ``out`` as ``make book`` does: the PDFs, the EPUB,
    then the site (which carries and links them). ``show``: the builds print to the terminal
    (``make test``, ``python -m tests.helpers``) instead of into the failure message."""
    for target in SHARED_TARGETS:
        if show:
            command = [sys.executable, "-m", "addictionbook.cli", "build", target]
            shown = subprocess.run(command + ["--root", str(ROOT), "--out", str(out)])
            if shown.returncode:
                raise SystemExit(shown.returncode)
        else:
            result = run_build(target, ROOT, out)
            assert result.returncode == 0, (
                f"{target} build failed:\n{result.stdout[-4000:]}\n{result.stderr}"
            )
        if target == "pdf":
            check_pdf_stands_alone(out)


if __name__ == "__main__":  # ``make test``: the run's build, before pytest starts
    folder = Path(sys.argv[1])
    shutil.rmtree(folder, ignore_errors=True)
    build_book(folder, show=True)
