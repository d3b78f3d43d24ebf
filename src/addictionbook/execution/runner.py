"""Execute notebooks in Jupyter kernels, several at once, with kernels started ahead of time.

myst-nb executes a notebook without cached outputs while Sphinx reads it: one notebook at a
time, each waiting for a new kernel to start. Here the same execution happens before Sphinx
reads (:func:`addictionbook.execution.cache.pre_execute`): each notebook in a fresh ipykernel
started the way nbclient starts one, run by nbclient with the options myst-nb would pass
(jupyter-cache's ``single_nb_execution``, which myst-nb calls), and cached the way myst-nb
caches it. What is gained is only time: kernels are launched before the notebooks they will
run are known (they boot while jupyter-cache is queried and Sphinx starts up), the next kernel
boots while a notebook runs, and as many notebooks run at once as there are cores.

A notebook that fails is not cached: its traceback is recorded on jupyter-cache's project
record, and the failure becomes one problem naming the file, the line of the failing cell and
what it raised (:func:`failure_problem`), reported once: the build does not run it again.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

from ..problems import Problem


@dataclass(frozen=True)
class Options:
    """The ``nb_execution_*`` options that change how a notebook is executed (myst-nb's
    defaults)."""

    timeout: int = 30
    allow_errors: bool = False
    in_temp: bool = False


@dataclass
class Kernel:
    """A kernel launched for a notebook not yet chosen, in the folder it will run in."""

    manager: AsyncKernelManager
    name: str
    cwd: str
    temp: tempfile.TemporaryDirectory | None = None


async def launch_kernel(name: str, cwd: str | None) -> Kernel:
    """Start kernel ``name`` exactly as nbclient starts one for a notebook run in ``cwd``
    (its own arguments, e.g. an in-memory history), without waiting for it to be ready.

    ``cwd`` None: a new temporary folder (myst-nb's ``nb_execution_in_temp``).
    """
    temp = tempfile.TemporaryDirectory(prefix="addictionbook-nb-") if cwd is None else None
    folder = temp.name if temp else cwd
    stub = nbformat.v4.new_notebook()
    client = NotebookClient(stub, kernel_name=name, resources={"metadata": {"path": folder}})
    client.create_kernel_manager()
    await client.async_start_new_kernel()
    return Kernel(client.km, name, folder, temp)


async def stop_kernel(kernel: Kernel) -> None:
    """Shut the kernel down (it is never reused) and remove its temporary folder, if any."""
    try:
        if await kernel.manager.is_alive():
            await kernel.manager.shutdown_kernel(now=True)
        await kernel.manager.cleanup_resources()
    finally:
        if kernel.temp is not None:
            kernel.temp.cleanup()


@dataclass
class Result:
    """What executing one notebook gave: the notebook (executed in place) and any error."""

    nb: nbformat.NotebookNode
    seconds: float
    error: Exception | None = None
    traceback: str | None = None
    cell: int | None = None  # the index (in ``nb.cells``) of the last cell started


async def execute(nb: nbformat.NotebookNode, kernel: Kernel, options: Options) -> Result:
    """Execute ``nb`` in place on ``kernel``, as jupyter-cache's ``single_nb_execution``
    does for myst-nb: notebook metadata may override the timeout and ``allow_errors``."""
    timeout, allow_errors = options.timeout, options.allow_errors
    if "execution" in nb.metadata:
        timeout = nb.metadata.execution.get("timeout", timeout)
        allow_errors = nb.metadata.execution.get("allow_errors", allow_errors)
    result = Result(nb, 0.0)

    def started(cell, cell_index):
        result.cell = cell_index

    client = NotebookClient(
        nb,
        km=kernel.manager,
        resources={"metadata": {"path": kernel.cwd}},
        timeout=timeout,
        allow_errors=allow_errors,
        record_timing=False,
        on_cell_start=started,
    )
    begun = time.perf_counter()
    try:
        await client.async_execute()
    except Exception as error:  # noqa: BLE001
        # CellExecutionError and CellTimeoutError, which jupyter-cache catches, or a kernel
        # that died: either way the notebook is not cached and myst-nb runs it again.
        result.error, result.traceback = error, traceback.format_exc()
    finally:
        if client.kc is not None:  # nbclient leaves a client of a kernel it does not own open
            client.kc.stop_channels()
    result.seconds = time.perf_counter() - begun
    return result


def failure_problem(srcdir: Path, uri: str, result: Result, timeout: int) -> Problem:
    """The failure of notebook ``uri`` as a problem: its file (relative to ``srcdir``), the
    line of the cell that failed (from the notebook's source map) and what happened."""
    try:
        path = Path(uri).resolve().relative_to(srcdir.resolve()).as_posix()
    except ValueError:
        path = uri
    line, cell = 0, ""
    if result.cell is not None:
        lines = result.nb.metadata.get("source_map") or []
        line = lines[result.cell] + 1 if result.cell < len(lines) else 0
        number = sum(c.cell_type == "code" for c in result.nb.cells[: result.cell + 1])
        cell = f"code cell {number} "
    if isinstance(result.error, CellTimeoutError):
        return Problem(
            path,
            line,
            f"{cell}did not finish within the {timeout} s time limit and was stopped",
            "make the cell finish sooner (no waiting for input or the network); the limit is "
            "execute: timeout: in _config.yml",
        )
    name = getattr(result.error, "ename", type(result.error).__name__)
    value = str(getattr(result.error, "evalue", "") or "").strip().splitlines()
    said = f"{name}: {value[0]}" if value else name
    return Problem(path, line, f"{cell}raised {said}", "fix that cell (V=1 prints the traceback)")


@dataclass
class KernelPool:
    """Kernels launched ahead of use: one per notebook, never shared between notebooks."""

    options: Options
    idle: list[Kernel] = field(default_factory=list)
    stopping: list[asyncio.Task] = field(default_factory=list)

    async def launch(self, name: str, cwd: str) -> None:
        self.idle.append(await launch_kernel(name, None if self.options.in_temp else cwd))

    async def take(self, name: str, cwd: str) -> Kernel:
        """A launched kernel for a notebook run in ``cwd`` (a new one if none fits)."""
        for kernel in self.idle:
            if kernel.name == name and (self.options.in_temp or kernel.cwd == cwd):
                self.idle.remove(kernel)
                return kernel
        await self.launch(name, cwd)
        return self.idle.pop()

    def release(self, kernel: Kernel) -> None:
        """Stop a used kernel in the background."""
        self.stopping.append(asyncio.ensure_future(stop_kernel(kernel)))

    async def close(self) -> None:
        for kernel in self.idle:
            self.release(kernel)
        self.idle.clear()
        await asyncio.gather(*self.stopping)


def kernel_name(nb: nbformat.NotebookNode) -> str:
    """The kernel nbclient would start for ``nb``."""
    return nb.metadata.get("kernelspec", {}).get("name") or "python3"


async def run_all(pool: KernelPool, jobs: list, workers: int, on_done) -> None:
    """Execute ``jobs`` (``(uri, nb, cwd)``) on ``workers`` kernels at a time.

    ``on_done(uri, result)`` is called as each finishes. When a notebook starts and more are
    waiting than kernels are booting, the next kernel is launched, so it is ready in time.
    """
    queue = list(jobs)

    async def worker() -> None:
        while queue:
            uri, nb, cwd = queue.pop(0)
            kernel = await pool.take(kernel_name(nb), cwd)
            if len(queue) > len(pool.idle):
                await pool.launch(kernel_name(queue[0][1]), queue[0][2])
            try:
                result = await execute(nb, kernel, pool.options)
            finally:
                pool.release(kernel)
            on_done(uri, result)

    await asyncio.gather(*(worker() for _ in range(max(workers, 1))))


def cache_result(cache, uri: str, result: Result) -> bool:
    """Record ``result`` as myst-nb's cache execution does; return whether it was cached.

    Success: a cache bundle with the execution time (``myst_nb.core.execute.cache``). Failure:
    the traceback on the project record (and on stdout, into the build's log).
    """
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.cache.db import NbProjectRecord

    if result.error is not None:
        NbProjectRecord.set_traceback(uri, result.traceback, cache.db)
        print(result.traceback, flush=True)
        return False
    bundle = CacheBundleIn(result.nb, uri, data={"execution_seconds": result.seconds})
    cache.cache_notebook_bundle(bundle, check_validity=False, overwrite=True)
    return True
