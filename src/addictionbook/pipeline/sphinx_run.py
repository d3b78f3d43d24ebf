"""One strict Jupyter Book run (``-W -n --keep-going``) into the build's work area, with the
stale notebooks executing in Jupyter kernels beside Sphinx's start-up."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from ..settings import source_date_epoch
from ..upstream.sphinx import forget_environment_after_failure
from .report import BuildError, Reporter, output_to, read_into

STRICT = ["-W", "-n", "--keep-going"]


def jupyter_book() -> str:
    """The ``jupyter-book`` command of this environment (next to the running Python)."""
    beside = Path(sys.executable).parent / "jupyter-book"
    return str(beside) if beside.exists() else shutil.which("jupyter-book") or "jupyter-book"


def start_notebooks(root: Path, work: Path) -> subprocess.Popen | None:
    """Start executing the notebooks that need it, in Jupyter kernels, in parallel with
    Sphinx's start-up; Sphinx waits for them before it reads a page (see
    ``addictionbook.execution.cache.start_pre_execution``)."""
    from ..execution.cache import start_pre_execution

    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(root)  # kernels inherit it
    return start_pre_execution(root, work)


def run_jupyter_book(root: Path, work: Path, builder: str, reporter: Reporter) -> None:
    """Execute stale notebooks and run Sphinx at the same time; see :func:`run_sphinx`.

    The notebooks' output goes through the reporter like Sphinx's: into the log, and on the
    terminal only with ``V=1``.
    """
    reporter.begin("run notebooks, start Sphinx")
    read_end, write_end = os.pipe()
    try:
        with output_to(write_end):
            notebooks = start_notebooks(root, work)
    finally:
        os.close(write_end)
    reader = threading.Thread(
        target=read_into,
        args=(reporter, os.fdopen(read_end, encoding="utf-8", errors="replace")),
        daemon=True,
    )
    reader.start()
    try:
        run_sphinx(root, work, builder, reporter)
    finally:
        if notebooks is not None:
            notebooks.wait()
        reader.join(timeout=10)


def run_sphinx(root: Path, work: Path, builder: str, reporter: Reporter) -> None:
    """Run one strict Jupyter Book build into ``work``; raise ``BuildError`` on failure.

    Its output goes through ``reporter``, which collects the problem lines (warnings, errors,
    LaTeX errors) for the error, so the cause is the last thing a contributor reads.
    """
    cmd = [jupyter_book(), "build", str(root)]
    cmd += ["--path-output", str(work), "--builder"]
    # Jupyter Book 1.x names its own builders; any other Sphinx builder (epub) goes through
    # ``--builder custom``.
    cmd += [builder] if builder in ("html", "pdflatex") else ["custom", "--custom-builder", builder]
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": source_date_epoch(root),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    with subprocess.Popen(
        cmd + STRICT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    ) as proc:
        assert proc.stdout is not None
        read_into(reporter, proc.stdout)
    reporter.end()
    if proc.returncode != 0:
        # Sphinx does not re-read a page whose warnings failed the build, so a second run would
        # pass without fixing anything; dropping the saved environment forces a full re-read
        # (notebook outputs stay cached).
        forget_environment_after_failure(work / "_build" / ".doctrees")
        listed = "\n".join(dict.fromkeys(reporter.problems[:40])) or "(no warning was printed)"
        raise BuildError(listed)
