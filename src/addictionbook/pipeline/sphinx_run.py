"""One strict Jupyter Book run (``-W -n --keep-going``) into the build's work area, with the
stale notebooks executing in Jupyter kernels beside Sphinx's start-up.

Sphinx runs as ``jupyter-book build``, in a process of its own (:mod:`.jupyter_book_process`);
what it and the notebook step find wrong comes back as problems (``ADDICTIONBOOK_PROBLEMS``: the
extension's ``sphinx_ext/problems.py`` and ``execution/cache.py`` write them), and their output
goes through the reporter into the log.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from .. import problems
from ..content.page import parse_page
from ..execution import cache as notebook_cache
from ..problems import Problem, ProblemsFound
from ..upstream.sphinx import forget_environment_after_failure
from .job import Job
from .report import read_into

STRICT = ["-W", "-n", "--keep-going"]


def sphinx_command(root: Path, work: Path, builder: str) -> list[str]:
    """``jupyter-book build`` of ``root`` into ``work`` with ``builder``, strict, run by this
    Python through :mod:`.jupyter_book_process` (the build's garbage-collector thresholds)."""
    cmd = [sys.executable, "-m", f"{__package__}.jupyter_book_process", "build", str(root)]
    cmd += ["--path-output", str(work), "--builder"]
    # Jupyter Book 1.x names its own builders; any other Sphinx builder (singlehtml, epub,
    # gettext) goes through ``--builder custom``.
    cmd += [builder] if builder == "html" else ["custom", "--custom-builder", builder]
    return cmd + STRICT


def run_jupyter_book(job: Job, builder: str, checks: Callable[[], None] | None = None) -> None:
    """Execute stale notebooks and run Sphinx at the same time; :class:`ProblemsFound` with
    every problem either found (each named once) when the build cannot be published.

    ``checks`` (the build's preflight) run while Sphinx starts up (its imports and extensions
    take over a second): Sphinx waits for them before it looks at the sources (the execution
    lock, :func:`~addictionbook.execution.cache.hold_execution_lock`;
    ``sphinx_ext.freshness.wait_for_the_build``) and is stopped if they raise.
    Without that lock (myst-nb not caching executions) they run before Sphinx starts."""
    reporter = job.reporter
    found_file = job.work / f"problems-{builder}.jsonl"
    notebook_file = job.work / f"problems-{builder}-notebooks.jsonl"
    found_file.parent.mkdir(parents=True, exist_ok=True)
    for stale in (found_file, notebook_file):
        stale.unlink(missing_ok=True)
    env = job.settings.but(problems_file=found_file).child_environment(job.root)
    notebook_env = job.settings.but(problems_file=notebook_file).child_environment(job.root)
    gate = notebook_cache.hold_execution_lock(job.sources, job.work)
    if gate is None and checks is not None:
        checks()
        checks = None
    try:
        proc = subprocess.Popen(
            sphinx_command(job.root, job.work, builder),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except BaseException:
        if gate is not None:
            os.close(gate)
        raise
    try:
        try:
            if checks is not None:
                checks()
            reporter.begin("run notebooks, start Sphinx")
            read_end, write_end = os.pipe()
            try:
                notebooks = notebook_cache.start_pre_execution(
                    job.sources, job.work, notebook_env, write_end, lock=gate
                )
            finally:
                os.close(write_end)
        finally:
            if gate is not None:
                os.close(gate)  # Sphinx reads on (the notebook step holds the lock if it runs)
    except BaseException:
        proc.kill()  # held back before it looked at the sources: it has written nothing
        proc.communicate()
        raise
    reader = threading.Thread(
        target=read_into,
        args=(reporter, os.fdopen(read_end, encoding="utf-8", errors="replace")),
        daemon=True,
    )
    reader.start()
    try:
        with proc:
            assert proc.stdout is not None
            read_into(reporter, proc.stdout)
    finally:
        if notebooks is not None:
            notebooks.wait()
        reader.join(timeout=10)
    reporter.end()
    ran = notebook_cache.summary(
        notebook_cache.cache_dir_for(
            job.root, job.work, notebook_cache.execution_config(job.sources.config)
        )
    )
    if ran.get("executed") or ran.get("failed"):
        done = f"{ran['executed']} executed" + (
            f", {ran['failed']} failed" if ran["failed"] else ""
        )
        reporter.finished(
            "execute notebooks", f"{done}, {ran.get('kernels', 1)} at a time", ran["seconds"]
        )
    failed = problems.read(notebook_file)
    found = failed + [
        at_the_citation(job, p)
        for p in without_lost_figures(job, problems.read(found_file), failed)
    ]
    if proc.returncode == 0 and not found:
        return
    # Sphinx does not re-read a page whose warnings failed the build (nor one read without
    # its notebook's outputs), so a second run would pass without fixing anything; dropping
    # the saved environment forces a full re-read (notebook outputs stay cached).
    forget_environment_after_failure(job.work / "_build" / ".doctrees")
    log = job.shown(reporter.path)
    found = [p if p.path else Problem(log, 0, p.message, p.hint) for p in found]
    if not found:
        found = [
            Problem(
                log,
                0,
                f"Sphinx's {builder} build failed without naming a file",
                "read the end of this log for the cause",
            )
        ]
    raise ProblemsFound(found)


#: Sphinx's warning for a reference to a label no page defines.
UNDEFINED_LABEL = re.compile(r"^undefined label: '([^']+)'")


def without_lost_figures(job: Job, found: list[Problem], failed: list[Problem]) -> list[Problem]:
    """Sphinx's problems, less the references to figures a failed notebook did not draw: a
    notebook that failed is read without its outputs, so every reference to its figures is
    undefined; the notebook's own problem is the one to fix (and the only one reported)."""
    lost: set[str] = set()
    for path in {p.path for p in failed}:
        try:
            page = parse_page(job.root, job.root / path, text=job.sources.text(path))
        except (OSError, UnicodeDecodeError):
            continue
        for name, _, options, _, _ in page.directives:
            cell = options.get("mystnb") if name == "code-cell" else None
            figure = (cell or {}).get("figure") if isinstance(cell, dict) else None
            if isinstance(figure, dict) and figure.get("name"):
                lost.add(str(figure["name"]))
    if not lost:
        return found
    kept = []
    for problem in found:
        match = UNDEFINED_LABEL.match(problem.message)
        if not (match and match.group(1) in lost):
            kept.append(problem)
    return kept


#: sphinxcontrib-bibtex's warning for a citation key the bibliography does not have.
UNKNOWN_KEY = re.compile(r'^could not find bibtex key "([^"]+)"')


def at_the_citation(job: Job, problem: Problem) -> Problem:
    """A citation key the bibliography lacks, said at the key's own line (sphinxcontrib-bibtex
    names the first line of the paragraph) with the closest key it has."""
    match = UNKNOWN_KEY.match(problem.message)
    if not match or not problem.path:
        return problem
    key = match.group(1)
    line = problem.line
    try:
        lines = job.sources.text(problem.path).splitlines()
        line = next(
            (n for n in range(max(problem.line, 1), len(lines) + 1) if key in lines[n - 1]),
            problem.line,
        )
    except (OSError, UnicodeDecodeError):
        pass
    return Problem(problem.path, line, problem.message, suggest_key(job.sources, key))


def suggest_key(sources, key: str) -> str:
    """What to do about an unknown citation key: the closest existing key, if one is close."""
    import difflib

    bibliographies = " or ".join(sources.bibliographies) or "the bibliography"
    try:
        close = difflib.get_close_matches(key, sorted(sources.bib_keys), n=1, cutoff=0.6)
    except Exception:  # noqa: BLE001 - a bibliography preflight already named
        close = []
    if close:
        return f"did you mean `{close[0]}`? (the keys are in {bibliographies})"
    return f"check the spelling, or add the checked entry to {bibliographies}"
