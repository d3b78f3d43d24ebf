"""Helpers the test modules import: run a build as ``make`` does, copy the book, compare trees,
hold a lock, install a pinned npm tool, and make the run's shared build.

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
from collections.abc import Iterator
from pathlib import Path

import pytest

from addictionbook.content.sources import copy_sources

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

#: The shared build's targets, in the order ``make book`` builds them.
SHARED_TARGETS = ("pdf", "epub", "html")

#: The test running now (set by ``conftest.py``), for :func:`run_build`'s check of its marker.
_current: dict[str, pytest.Item | None] = {"item": None}


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


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder all xdist workers of this run share (a worker's own one without xdist)."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    return base / name


if __name__ == "__main__":  # the background shared build (``conftest._start_shared_build``)
    build_shared(Path(sys.argv[1]))  # the lock (descriptor sys.argv[2]) is released on exit
