"""Run the book's notebooks in forks of one warm process, and put their outputs in the cache.

A Jupyter kernel costs each notebook about two seconds before its first line runs: a new
Python, ipykernel, the ZMQ handshake, matplotlib and this package imported again, a graceful
shutdown. The book's notebooks are short figure scripts, so that is most of their run time.
Here one process imports IPython, matplotlib and the helper package once; each notebook then
runs in a fresh fork of it (copy-on-write: nothing passes from one notebook to the next), in an
IPython shell that records outputs as a kernel reports them (display data, results and streams,
in order). The outputs go into jupyter-cache, where myst-nb finds them.

Only success is cached. A notebook that raises, writes to stderr or times out here is left
uncached, and myst-nb runs it again in a real kernel while Sphinx reads, so the failing cell
is reported exactly as without this module.
"""

from __future__ import annotations

import base64
import importlib
import os
import pickle
import signal
import sys
import time
from pathlib import Path

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets import Type
from traitlets.config import Config

#: Imported once in the parent, before forking: what every chapter imports anyway.
WARM_MODULES = ("matplotlib.pyplot", "addictionbook.figures.notebook")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def _jsonable(data: dict) -> dict:
    """Binary display data as base64 text, as a kernel sends it over the wire."""
    return {
        k: base64.b64encode(v).decode("ascii") if isinstance(v, bytes) else v
        for k, v in data.items()
    }


class RecordingDisplayPublisher(DisplayPublisher):
    """``display()`` appends a ``display_data`` output to the running cell."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
        if not update:
            self.shell.cell_outputs.append(
                nbformat.v4.new_output(
                    "display_data", data=_jsonable(data), metadata=metadata or {}
                )
            )

    def clear_output(self, wait=False):
        self.shell.cell_outputs.clear()


class RecordingDisplayHook(DisplayHook):
    """A cell's last expression becomes an ``execute_result`` output, not printed text."""

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self.shell.cell_outputs.append(
            nbformat.v4.new_output(
                "execute_result",
                data=_jsonable(format_dict),
                metadata=md_dict or {},
                execution_count=self.prompt_count,
            )
        )

    def finish_displayhook(self):
        pass


class RecordingStream:
    """``sys.stdout``/``sys.stderr`` of a cell: text becomes ``stream`` outputs."""

    encoding = "utf-8"

    def __init__(self, shell: RecordingShell, name: str) -> None:
        self.shell, self.name = shell, name

    def write(self, text: str) -> int:
        outputs = self.shell.cell_outputs
        if outputs and outputs[-1].output_type == "stream" and outputs[-1].name == self.name:
            outputs[-1].text += text
        else:
            outputs.append(nbformat.v4.new_output("stream", name=self.name, text=text))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


class RecordingShell(InteractiveShell):
    """An IPython shell whose outputs are recorded per cell, as ipykernel's shell sends them."""

    displayhook_class = Type(RecordingDisplayHook)
    display_pub_class = Type(RecordingDisplayPublisher)
    cell_outputs: list = []

    def enable_gui(self, gui=None):
        """No GUI event loop: a build draws inline, as a kernel without a display does."""


def run_in_shell(nb_json: str, cwd: str) -> tuple[str | None, float]:
    """Execute a notebook (JSON) in a new shell of this process; return it executed, or None.

    Runs in a forked child (:func:`run_isolated`): the shell, ``sys.stdout``, the working
    folder and the matplotlib state are this notebook's own and die with the child.
    """
    started = time.perf_counter()
    nb = nbformat.reads(nb_json, as_version=4)
    os.chdir(cwd)
    sys.path.insert(0, cwd)
    shell = RecordingShell.instance(config=Config({"HistoryManager": {"enabled": False}}))
    shell.enable_matplotlib("inline")
    sys.stdout, sys.stderr = RecordingStream(shell, "stdout"), RecordingStream(shell, "stderr")
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        shell.cell_outputs = []
        result = shell.run_cell(cell.source, store_history=True)
        cell.outputs = shell.cell_outputs
        cell.execution_count = result.execution_count
        failed = not result.success or any(
            o.output_type == "stream" and o.name == "stderr" for o in cell.outputs
        )
        if failed:
            return None, time.perf_counter() - started
    nb.metadata["language_info"] = language_info()
    return nbformat.writes(nb), time.perf_counter() - started


def language_info() -> dict:
    """The notebook metadata ipykernel reports for this Python (myst-nb picks the lexer from it).

    Spelled out rather than imported: importing ipykernel costs every build 0.4 s. The tests
    compare it with a real kernel's.
    """
    return {
        "name": "python",
        "version": sys.version.split()[0],
        "mimetype": "text/x-python",
        "codemirror_mode": {"name": "ipython", "version": sys.version_info[0]},
        "pygments_lexer": f"ipython{sys.version_info[0]}",
        "nbconvert_exporter": "python",
        "file_extension": ".py",
    }


def warm_up() -> None:
    """Import what the notebooks import, once, in the process that will fork them."""
    os.environ["MPLBACKEND"] = INLINE_BACKEND  # what ipykernel sets for its kernels
    for name in WARM_MODULES:
        importlib.import_module(name)


def run_isolated(nb_json: str, cwd: str, timeout: int) -> tuple[str | None, float]:
    """In a warm worker: run one notebook in a fork of it, so the worker itself stays clean.

    The fork gets an alarm at ``timeout`` seconds, so a notebook that hangs dies on its own
    even when the worker is stopped.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the notebook's own process
        os.close(read)
        signal.alarm(max(int(timeout), 1))
        try:
            result = run_in_shell(nb_json, cwd)
        except BaseException:  # noqa: BLE001 - anything the notebook does: not cached
            result = (None, 0.0)
        with os.fdopen(write, "wb") as pipe:
            pickle.dump(result, pipe)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return pickle.loads(data) if data else (None, 0.0)


def execute_and_cache(cache, records: list, timeout: int, pool, workers: int) -> list:
    """Execute the cache's project ``records`` on ``pool``'s warm workers; cache each success.

    ``pool`` (of ``workers`` processes) comes from
    :func:`addictionbook.execution.cache.start_workers`. Returns the records
    that were not cached (failed or timed out): myst-nb runs those itself.
    """
    from jupyter_cache.base import CacheBundleIn

    jobs = []
    for record in records:
        nb = cache.get_project_notebook(record.uri).nb
        cwd = str(Path(record.uri).parent)
        jobs.append((record, pool.apply_async(run_isolated, (nbformat.writes(nb), cwd, timeout))))
    waves = -(-len(records) // max(workers, 1))  # notebooks queue behind each other
    deadline = time.monotonic() + timeout * waves
    failed = []
    for record, job in jobs:
        try:
            executed, seconds = job.get(max(deadline - time.monotonic(), 1))
        except Exception:  # a timeout or a crash: myst-nb will run it and say why
            executed = None
        if executed is None:
            failed.append(record)
            continue
        bundle = CacheBundleIn(
            nbformat.reads(executed, as_version=4),
            record.uri,
            data={"execution_seconds": seconds, "executor": "addictionbook.execution.runner"},
        )
        cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
    return failed
