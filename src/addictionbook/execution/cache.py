"""The notebook cache, made to know the helper package and to use every core.

myst-nb keys a notebook's cached outputs on its own code cells only (MyST-NB issue 299): edit a
figure function and the book would keep publishing the old figure. Here the cache is also keyed
on the helper package: its modules that chapters can reach are hashed, and when the hash
differs from the one stamped beside the cache, the cached outputs of exactly the notebooks that
import the package are dropped. myst-nb also executes notebooks one at a time, each in a new
kernel, while Sphinx reads; :func:`pre_execute` first runs every notebook that has no valid
cached output, each in its own Jupyter kernel, as many at once as there are cores, with the
kernels started early (:mod:`addictionbook.execution.runner`), so Sphinx then finds them all in
the cache.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path, PurePosixPath

from .. import problems as problem_file
from ..content.frontmatter import front_matter_lines, split_front_matter
from ..content.sources import Sources
from ..content.translations import english_source
from ..settings import Settings

PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: The figure library, the only part of the package chapters import.
FIGURES_DIR = PACKAGE_DIR / "figures"
IMPORTS_PACKAGE = re.compile(r"^\s*(?:from|import)\s+addictionbook\b", re.MULTILINE)
STAMP_NAME = "addictionbook-helper.sha256"
#: Held (exclusively) by the process executing notebooks until it holds the lock of each
#: notebook it may execute (in NOTEBOOK_LOCKS); Sphinx waits for it before reading, and for a
#: notebook's own lock before reading that notebook.
LOCK_NAME = "addictionbook-executing.lock"
NOTEBOOK_LOCKS = "addictionbook-executing"
PLAN = "(plan)"  # the execution lock's key among the held locks
#: Inside the cache: per notebook, the hash it last ran cleanly with (see changed_notebooks).
DONE_NAME = "addictionbook-executed.json"
#: Beside the cache: one file per notebook that failed in this build's notebook step (see
#: :func:`failed_marker`); Sphinx's extension has myst-nb leave those alone.
FAILED_DIR = "addictionbook-failed"
#: Beside the cache: what the notebook step did (executed, failed, seconds), for the report.
SUMMARY_NAME = "addictionbook-notebooks.json"
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
    """Per notebook, a hash of what its execution depends on (:func:`executed_part`) and of
    the helper package."""
    helper = helper_hash().encode()
    hashes = {}
    for source in sources:
        text = (srcdir / source).read_text(encoding="utf-8", errors="surrogateescape")
        executed = executed_part(text).encode("utf-8", errors="surrogateescape")
        hashes[source] = hashlib.sha256(helper + executed).hexdigest()
    return hashes


_CODE_CELL = re.compile(r"^(`{3,}|~{3,})\s*\{code-cell\}")


def executed_part(text: str) -> str:
    """What of a MyST text notebook its execution depends on: the front matter (its kernel)
    and every code cell, fences and options included; not the prose between them. A sentence
    edited in a notebook chapter then starts no notebook step (no kernel, no cache query).

    It may keep more than jupyter-cache hashes (the front matter's other keys), never less:
    were a change to code missed here, myst-nb would still find the cached outputs stale and
    run the notebook while Sphinx reads it, so a figure is never left out of date."""
    lines = text.splitlines(keepends=True)
    front = front_matter_lines(lines)
    body = front[1] + 1 if front else 0
    kept = lines[:body]
    fence = None
    for line in lines[body:]:
        if fence is None:
            opened = _CODE_CELL.match(line)
            if opened:
                fence = opened.group(1)
                kept.append(line)
            continue
        kept.append(line)
        closing = line.strip()
        if len(closing) >= len(fence) and closing == fence[:1] * len(closing):
            fence = None
    return "".join(kept)


def changed_notebooks(
    srcdir: Path, notebooks: list[str], cache_dir: Path
) -> tuple[list[str], dict[str, str]]:
    """Of ``notebooks`` (paths relative to ``srcdir``), those whose source or helper changed
    since they last ran cleanly, and all their hashes.

    Read from a stamp inside the cache (gone with it), without importing myst-nb or the cache:
    in the common no-op and text-edit builds the list is empty and nothing else runs.
    """
    sources = notebooks
    current = fingerprints(srcdir, sources)
    try:
        previous = json.loads((cache_dir / DONE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    return [s for s in sources if previous.get(s) != current[s]], current


#: Jupyter Book's ``execute:`` keys and the myst-nb options they set (``yaml_to_sphinx`` in
#: jupyter_book/config.py); ``sphinx: config:`` may also set the myst-nb options directly.
EXECUTE_KEYS = {
    "execute_notebooks": "nb_execution_mode",
    "cache": "nb_execution_cache_path",
    "exclude_patterns": "nb_execution_excludepatterns",
    "timeout": "nb_execution_timeout",
    "allow_errors": "nb_execution_allow_errors",
    "run_in_temp": "nb_execution_in_temp",
}


def execution_config(config: dict) -> dict:
    """The book's ``nb_execution_*`` options (from ``_config.yml``'s ``config``) as myst-nb
    will receive them (unset ones absent)."""
    execute = config.get("execute") or {}
    options = {nb: execute[key] for key, nb in EXECUTE_KEYS.items() if key in execute}
    if options.get("nb_execution_mode") is False:  # YAML reads `off` as false
        options["nb_execution_mode"] = "off"
    sphinx = (config.get("sphinx") or {}).get("config") or {}
    options.update({k: v for k, v in sphinx.items() if k.startswith("nb_execution_")})
    return options


def excluded(path: Path, patterns) -> bool:
    """Whether myst-nb skips executing ``path`` (``nb_execution_excludepatterns``)."""
    return any(PurePosixPath(path.as_posix()).match(p) for p in patterns or ())


def cache_dir_for(root: Path, work: Path, config: dict) -> Path:
    """Where myst-nb keeps the cache: ``execute: cache`` if set, else beside the build's output."""
    configured = config.get("nb_execution_cache_path")
    return (root / configured).resolve() if configured else work / "_build" / ".jupyter_cache"


def pre_execute(
    srcdir: Path, cache_dir: Path, plan: dict, plan_lock: int | None = None
) -> list[str]:
    """Execute every notebook without a valid cached output, in parallel; return their paths.

    Kernels are launched first, for the notebooks changed since their last clean run, and boot
    while jupyter-cache says which of them have no valid cached output; those then run on all
    cores, each in its own kernel (:mod:`addictionbook.execution.runner`), in the order Sphinx
    reads them. Each candidate's lock (:func:`notebook_lock`) is held until its outputs are
    cached or known not to be needed, and ``plan_lock`` (the build's execution lock) is
    released once they are all held. ``plan``: what the build read of the book (``notebooks``,
    ``pages``, ``config``: see :func:`start_pre_execution`).

    A notebook that fails or runs past its time limit is not cached: it is reported once, as a
    problem with its file and the line of the failing cell (the file the build names in
    ``ADDICTIONBOOK_PROBLEMS``), and marked (:func:`failed_marker`) so that myst-nb does not
    run it again while Sphinx reads it.
    """
    candidates, current = changed_notebooks(srcdir, plan["notebooks"], cache_dir)
    config = plan["config"]
    patterns = config.get("nb_execution_excludepatterns")
    candidates = [s for s in candidates if not excluded((srcdir / s).resolve(), patterns)]
    uris = {s: str((srcdir / s).resolve()) for s in candidates}
    held = {uri: hold_lock(notebook_lock(cache_dir, uri)) for uri in uris.values()}
    if plan_lock is not None:
        held[PLAN] = plan_lock
    try:
        if candidates:
            return asyncio.run(
                _pre_execute(srcdir, cache_dir, uris, current, config, held, plan["pages"])
            )
        return []
    finally:
        for uri in list(held):
            release(held, uri)


async def _pre_execute(
    srcdir: Path,
    cache_dir: Path,
    uris: dict,
    current: dict,
    config: dict,
    held: dict,
    pages: list[str],
) -> list[str]:
    from . import runner

    options = runner.Options(
        timeout=config.get("nb_execution_timeout", runner.Options.timeout),
        allow_errors=config.get("nb_execution_allow_errors", runner.Options.allow_errors),
        in_temp=config.get("nb_execution_in_temp", runner.Options.in_temp),
    )
    workers = min(len(uris), os.cpu_count() or 1)
    settings = Settings.from_environment()
    begun = time.perf_counter()
    failures: list[str] = []
    pool = runner.KernelPool(options)
    try:
        for source in sorted(uris)[:workers]:  # booting while the cache is queried
            await pool.launch(kernel_spec_name(srcdir / source), str(Path(uris[source]).parent))
        from jupyter_cache import get_cache

        # Every page, not only the notebooks run here: a translated handout's stub becomes a
        # notebook only as Sphinx reads it (myst-nb executes and caches it then).
        invalidate_if_helper_changed(cache_dir, srcdir, pages)
        release(held, PLAN)  # Sphinx may start reading: every notebook's lock is held
        cache = get_cache(str(cache_dir))
        for uri in uris.values():
            cache.add_nb_to_project(uri, read_data=MYST_READER)
        stale = sorted(cache.list_unexecuted(filter_uris=list(uris.values())), key=lambda r: r.uri)
        for uri in set(held) - {r.uri for r in stale}:
            release(held, uri)  # cached already: Sphinx may read it now

        def done(uri: str, result) -> None:
            if not runner.cache_result(cache, uri, result):
                failures.append(uri)
                problem = runner.failure_problem(srcdir, uri, result, options.timeout)
                if settings.problems_file is not None:
                    problem_file.append(settings.problems_file, problem)
                marker = failed_marker(cache_dir, uri)
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.write_text(str(problem), encoding="utf-8")
            release(held, uri)

        if stale:
            jobs = [
                (r.uri, cache.get_project_notebook(r.uri).nb, str(Path(r.uri).parent))
                for r in stale
            ]
            await runner.run_all(pool, jobs, workers, done)
    finally:
        await pool.close()
    failed = {r.uri for r in cache.list_unexecuted(filter_uris=list(uris.values()))}
    settled = {s: h for s, h in current.items() if uris.get(s) not in failed}
    (cache_dir / DONE_NAME).write_text(json.dumps(settled, indent=1), encoding="utf-8")
    summary = {
        "executed": len(stale) - len(failures),
        "failed": len(failures),
        "kernels": workers,
        "seconds": round(time.perf_counter() - begun, 1),
    }
    (cache_dir.parent / SUMMARY_NAME).write_text(json.dumps(summary), encoding="utf-8")
    return [r.uri for r in stale]


def kernel_spec_name(path: Path) -> str:
    """The kernel a text notebook asks for in its front matter (``python3`` if none)."""
    front, _ = split_front_matter(path.read_text(encoding="utf-8"))
    return ((front.get("kernelspec") or {}).get("name")) or "python3"


def _lock_file(cache_dir: Path) -> int:
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    return os.open(cache_dir.parent / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)


def notebook_lock(cache_dir: Path, uri: str) -> Path:
    """The lock held while notebook ``uri`` (its absolute path) is being executed."""
    name = hashlib.sha256(uri.encode()).hexdigest()[:32]
    return cache_dir.parent / NOTEBOOK_LOCKS / f"{name}.lock"


def hold_lock(path: Path) -> int:
    """Take ``path`` exclusively; return the descriptor (closing it releases the lock)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(lock, fcntl.LOCK_EX)
    return lock


def release(held: dict[str, int], uri: str) -> None:
    if uri in held:
        os.close(held.pop(uri))


def wait_for_notebook(cache_dir: Path, path: Path) -> None:
    """Block while the notebook at ``path`` is being executed (at once if it is not)."""
    try:
        lock = os.open(notebook_lock(cache_dir, str(path.resolve())), os.O_RDONLY)
    except FileNotFoundError:
        return
    try:
        fcntl.flock(lock, fcntl.LOCK_SH)
    finally:
        os.close(lock)


def failed_marker(cache_dir: Path, uri: str) -> Path:
    """The file that says notebook ``uri`` (its absolute path) failed in this build's
    notebook step (holding the problem, as text)."""
    name = hashlib.sha256(uri.encode()).hexdigest()[:32]
    return cache_dir.parent / FAILED_DIR / f"{name}.failed"


def hold_execution_lock(sources: Sources, work: Path) -> int | None:
    """Take the execution lock (exclusively) and return its descriptor, or None when myst-nb
    does not cache executions. Taken before Sphinx starts, it holds Sphinx back before it looks
    at the sources (:func:`wait_for_pre_execution`) until the descriptor is closed, or handed to the
    notebook step (``start_pre_execution(..., lock=)``) and closed: the build checks the
    sources while Sphinx starts up."""
    config = execution_config(sources.config)
    if config.get("nb_execution_mode") != "cache":
        return None
    lock = _lock_file(cache_dir_for(sources.root, work, config))
    fcntl.flock(lock, fcntl.LOCK_EX)
    return lock


def start_pre_execution(
    sources: Sources,
    work: Path,
    env: dict[str, str],
    output: int | None = None,
    lock: int | None = None,
) -> subprocess.Popen | None:
    """Start :func:`pre_execute` in a child process that holds the execution lock; or None.

    ``work`` is Jupyter Book's ``--path-output``; ``env`` the child's environment (the build's
    settings); ``output`` the file descriptor its output goes to (the build's log); ``lock``
    the execution lock when the caller holds it already (:func:`hold_execution_lock`; the
    caller closes it after this returns, and the child holds it on). The child
    gets what the build read of the book (the notebooks, the pages, the execution options)
    instead of reading the table of contents again. The build starts Sphinx meanwhile, whose
    start-up (imports, extensions, the saved environment) overlaps the notebooks' execution;
    the extension waits for the lock before Sphinx reads a page (:func:`wait_for_pre_execution`).
    Nothing starts unless myst-nb caches executions (``execute_notebooks: cache``) and the
    fingerprint says some notebook may need running.
    """
    srcdir = sources.root
    config = execution_config(sources.config)
    if config.get("nb_execution_mode") != "cache":
        return None
    cache_dir = cache_dir_for(srcdir, work, config)
    shutil.rmtree(cache_dir.parent / FAILED_DIR, ignore_errors=True)
    (cache_dir.parent / SUMMARY_NAME).unlink(missing_ok=True)
    if not changed_notebooks(srcdir, sources.notebooks, cache_dir)[0]:
        return None
    held = lock
    if held is None:
        held = _lock_file(cache_dir)
        fcntl.flock(held, fcntl.LOCK_EX)  # taken before the child exists: Sphinx cannot miss it
    try:
        return subprocess.Popen(
            [sys.executable, "-m", __name__, str(srcdir), str(cache_dir)]
            + [json.dumps(plan_for(sources)), str(held)],
            pass_fds=(held,),  # the child holds the lock until it holds the notebooks' locks
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT if output is not None else None,
        )
    finally:
        if lock is None:
            os.close(held)


def plan_for(sources: Sources) -> dict:
    """What the notebook step needs of the book, as the build read it: the notebooks, every
    page and the execution options (JSON, handed to the step's own process)."""
    return {
        "notebooks": sources.notebooks,
        "pages": [f"{entry}.md" for entry in sources.toc_entries],
        "config": execution_config(sources.config),
    }


def summary(work_cache_dir: Path) -> dict:
    """What the notebook step did (see :func:`pre_execute`), or ``{}``."""
    try:
        return json.loads((work_cache_dir.parent / SUMMARY_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def wait_for_pre_execution(cache_dir: Path) -> None:
    """Block until no process holds the execution lock (returns at once if none does)."""
    lock = _lock_file(cache_dir)
    try:
        fcntl.flock(lock, fcntl.LOCK_SH)
    finally:
        os.close(lock)


def main(argv: list[str]) -> None:
    """The notebook step's process: ``SRCDIR CACHE_DIR PLAN [LOCK_FD]`` (see
    :func:`start_pre_execution`), with the build's garbage-collector thresholds."""
    from ..gc_thresholds import raise_for_a_build
    from ..upstream.jupyter_cache import trim_the_cache_in_one_query

    raise_for_a_build()
    trim_the_cache_in_one_query()  # myst-nb caches beside this process
    lock_fd = int(argv[3]) if len(argv) > 3 else None
    pre_execute(Path(argv[0]), Path(argv[1]), json.loads(argv[2]), lock_fd)


if __name__ == "__main__":
    main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(0)  # releases the lock now, not after tearing down myst-nb and the cache
