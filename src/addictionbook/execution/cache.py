"""The notebook cache, made to know the helper package and to use every core.

myst-nb keys a notebook's cached outputs on its own code cells only (MyST-NB issue 299): edit a
figure function and the book would keep publishing the old figure. Here the cache is also keyed
on the helper package: its modules that chapters can reach are hashed, and when the hash
differs from the one stamped beside the cache, the cached outputs of exactly the notebooks that
import the package are dropped. myst-nb also executes notebooks one at a time, each in a new
kernel, while Sphinx reads; :func:`pre_execute` first runs every notebook that has no valid
cached output, in parallel forks of one warm process (:mod:`addictionbook.execution.runner`),
so Sphinx then finds them all in the cache.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import multiprocessing
import multiprocessing.pool
import os
import re
import subprocess
import sys
from pathlib import Path

from ..content.book import notebook_sources
from ..content.translations import english_source

PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: The figure library, the only part of the package chapters import.
FIGURES_DIR = PACKAGE_DIR / "figures"
IMPORTS_PACKAGE = re.compile(r"^\s*(?:from|import)\s+addictionbook\b", re.MULTILINE)
STAMP_NAME = "addictionbook-helper.sha256"
#: Held (exclusively) by the process executing notebooks; Sphinx waits for it before reading.
LOCK_NAME = "addictionbook-executing.lock"
#: Inside the cache: per notebook, the hash it last ran cleanly with (see changed_notebooks).
DONE_NAME = "addictionbook-executed.json"
#: jupyter-cache's name for myst-nb's reader of MyST text notebooks.
MYST_READER = {"type": "plugin", "name": "myst_nb_md"}


def helper_files() -> list[Path]:
    """What chapters can import: the figure library (``addictionbook.figures``), and the
    package's ``__init__`` that importing it runs first. Build code lives in other folders,
    so editing it re-executes nothing."""
    files = [PACKAGE_DIR / "__init__.py"]
    files += [
        p for p in sorted(FIGURES_DIR.rglob("*")) if p.is_file() and "__pycache__" not in p.parts
    ]
    return files


def helper_hash() -> str:
    """SHA-256 over the figure library's files (paths and bytes)."""
    digest = hashlib.sha256()
    for path in helper_files():
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def imports_helper(path: Path) -> bool:
    """Whether a Markdown source imports the helper package (a translated handout's stub: its
    English source, which the build reads in its place)."""
    path = english_source(path) or path
    return path.suffix == ".md" and bool(IMPORTS_PACKAGE.search(path.read_text(encoding="utf-8")))


def drop_cached(cache_dir: Path, sources: set[str]) -> None:
    """Remove the cached executions of ``sources`` (paths relative to the book's folder).

    Records are matched on the path's tail, not the absolute path they were made under, so a
    book folder that was moved or copied (with its build) is still invalidated.
    """
    from jupyter_cache import get_cache

    if not cache_dir.exists():
        return
    cache = get_cache(str(cache_dir))
    for record in cache.list_cache_records():
        uri = Path(record.uri).as_posix()
        if any(uri == s or uri.endswith("/" + s) for s in sources):
            cache.remove_cache(record.pk)


def invalidate_if_helper_changed(
    cache_dir: Path, srcdir: Path, sources: list[str], current: str | None = None
) -> bool:
    """Drop cached outputs of the ``sources`` that import the helper, if the helper changed.

    The hash is stamped beside the cache (not in Sphinx's environment), so a lost environment
    can never pair chapters with outputs of old helper code. Returns whether it changed.
    """
    stamp = cache_dir.parent / STAMP_NAME
    current = current or helper_hash()
    previous = stamp.read_text().strip() if stamp.exists() else None
    if previous == current:
        return False
    drop_cached(cache_dir, {s for s in sources if imports_helper(srcdir / s)})
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current + "\n")
    return True


def fingerprints(srcdir: Path, sources: list[str]) -> dict[str, str]:
    """Per notebook, a hash of its source and of the helper package."""
    helper = helper_hash().encode()
    return {s: hashlib.sha256(helper + (srcdir / s).read_bytes()).hexdigest() for s in sources}


def changed_notebooks(srcdir: Path, cache_dir: Path) -> tuple[list[str], dict[str, str]]:
    """Notebooks whose source or helper changed since they last ran cleanly, and all hashes.

    Read from a stamp inside the cache (gone with it), without importing myst-nb or the cache:
    in the common no-op and text-edit builds the list is empty and nothing else runs.
    """
    sources = notebook_sources(srcdir)
    current = fingerprints(srcdir, sources)
    try:
        previous = json.loads((cache_dir / DONE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    return [s for s in sources if previous.get(s) != current[s]], current


def _warm_worker() -> None:
    from .runner import warm_up

    warm_up()


def start_workers(count: int) -> multiprocessing.pool.Pool:
    """Worker processes that import what notebooks import while this one queries the cache.

    Forked first, from this still light process, so their imports run on the other cores
    at the same time as jupyter-cache's; each notebook then runs in a fork of a warm worker.
    """
    return multiprocessing.get_context("fork").Pool(max(count, 1), initializer=_warm_worker)


def pre_execute(srcdir: Path, cache_dir: Path, timeout: int) -> list[str]:
    """Execute every notebook without a valid cached output, in parallel; return their paths.

    They run in forks of one warm process (:mod:`addictionbook.execution.runner`). Only notebooks
    changed since their last clean run are checked against jupyter-cache. Failures are left to
    the Sphinx build, which runs the notebook again in a kernel and reports the failing cell
    with the chapter's name.
    """
    candidates, current = changed_notebooks(srcdir, cache_dir)
    if not candidates:
        return []
    count = min(len(candidates), os.cpu_count() or 1)
    with start_workers(count) as workers:
        from jupyter_cache import get_cache

        from .runner import execute_and_cache

        invalidate_if_helper_changed(cache_dir, srcdir, list(current))
        cache = get_cache(str(cache_dir))
        uris = {s: str((srcdir / s).resolve()) for s in candidates}
        for uri in uris.values():
            cache.add_nb_to_project(uri, read_data=MYST_READER)
        stale = cache.list_unexecuted(filter_uris=list(uris.values()))
        if stale:
            print(f"executing {len(stale)} notebook(s) in parallel", flush=True)
            execute_and_cache(cache, stale, timeout, workers, count)
    failed = {r.uri for r in cache.list_unexecuted(filter_uris=list(uris.values()))}
    settled = {s: h for s, h in current.items() if uris.get(s) not in failed}
    (cache_dir / DONE_NAME).write_text(json.dumps(settled, indent=1), encoding="utf-8")
    return [r.uri for r in stale]


def _lock_file(cache_dir: Path) -> int:
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    return os.open(cache_dir.parent / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)


def start_pre_execution(srcdir: Path, cache_dir: Path, timeout: int) -> subprocess.Popen | None:
    """Start :func:`pre_execute` in a child process that holds the execution lock; or None.

    The build starts Sphinx meanwhile, whose start-up (imports, extensions, the saved
    environment) overlaps the notebooks' execution; the extension waits for the lock before
    Sphinx reads a page (:func:`wait_for_pre_execution`). Nothing starts when the fingerprint
    says no notebook can need running.
    """
    if not changed_notebooks(srcdir, cache_dir)[0]:
        return None
    lock = _lock_file(cache_dir)
    fcntl.flock(lock, fcntl.LOCK_EX)  # taken before the child exists: Sphinx cannot miss it
    try:
        return subprocess.Popen(
            [sys.executable, "-m", __name__, str(srcdir), str(cache_dir), str(timeout)],
            pass_fds=(lock,),  # the child holds the lock until it exits
        )
    finally:
        os.close(lock)


def wait_for_pre_execution(cache_dir: Path) -> None:
    """Block until no process holds the execution lock (returns at once if none does)."""
    lock = _lock_file(cache_dir)
    try:
        fcntl.flock(lock, fcntl.LOCK_SH)
    finally:
        os.close(lock)


if __name__ == "__main__":
    pre_execute(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
    sys.stdout.flush()
    os._exit(0)  # releases the lock now, not after tearing down myst-nb and the cache
