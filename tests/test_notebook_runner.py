"""The build's notebook step runs each notebook in its own Jupyter kernel and caches exactly
what myst-nb's own execution would: the outputs nbclient gets from a kernel, byte for byte.

The reference is nbclient with a real kernel, run on the same notebook in the same folder, as
jupyter-cache's ``single_nb_execution`` runs it for myst-nb. The step is always driven through
its real entry point, ``python -m addictionbook.execution.cache`` (what the build starts), in a
process of its own.

Every test here runs the build's notebook step, each notebook in a Jupyter kernel (seconds a
test): they are marked ``build``, so ``make test-fast`` leaves them to ``make test``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING
from unittest.mock import ANY

import pytest

from addictionbook import problems
from addictionbook.content.sources import Sources
from addictionbook.execution.cache import failed_marker, plan_for, summary
from addictionbook.problems import Problem

if TYPE_CHECKING:
    import nbformat

# Jupyter's own libraries are imported where used, not when make test-fast collects this module
# (whose tests it deselects): 0.3 s of each worker's start.

from .helpers import ROOT

pytestmark = pytest.mark.build

FRONT = """\
---
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

"""
CACHE = Path("_build/.work/_build/.jupyter_cache")
CONFIG = "execute:\n  execute_notebooks: cache\n  timeout: 60\n"


def mini_book(root: Path, notebooks: dict[str, list[str]], config: str = CONFIG) -> Path:
    """A book folder whose toc lists ``notebooks`` (name: code cells)."""
    (root / "book").mkdir(parents=True)
    (root / "book" / "index.md").write_text("# Index\n", encoding="utf-8")
    (root / "_config.yml").write_text(config, encoding="utf-8")
    entries = ""
    for name, cells in notebooks.items():
        body = "\n".join(f"```{{code-cell}} ipython3\n{cell}\n```\n" for cell in cells)
        (root / "book" / f"{name}.md").write_text(FRONT + f"# {name}\n\n" + body, "utf-8")
        entries += f"  - file: book/{name}\n"
    (root / "_toc.yml").write_text(
        f"format: jb-book\nroot: book/index\nchapters:\n{entries}", encoding="utf-8"
    )
    return root


def pre_execute(book: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the build's notebook step on ``book`` into its own cache, as the build starts it
    (with the plan the build read from the book); its problems go to ``problems.jsonl``."""
    plan = json.dumps(plan_for(Sources(book)))
    found = book / "problems.jsonl"
    found.unlink(missing_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "addictionbook.execution.cache", str(book), str(book / CACHE), plan],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "SOURCE_DATE_EPOCH": "1700000000",
            "ADDICTIONBOOK_PROBLEMS": str(found),
            **(env or {}),
        },
        timeout=300,
    )


def reported(book: Path) -> list[Problem]:
    """What the last notebook step reported (:func:`pre_execute`)."""
    return problems.read(book / "problems.jsonl")


def cached(book: Path) -> dict[str, nbformat.NotebookNode]:
    """Cached executed notebooks by name."""
    from jupyter_cache import get_cache

    cache = get_cache(str(book / CACHE))
    return {Path(r.uri).stem: cache.get_cache_bundle(r.pk).nb for r in cache.list_cache_records()}


def with_kernel(path: Path, **options) -> nbformat.NotebookNode:
    """``path`` executed by nbclient in a new kernel, as myst-nb executes it."""
    import nbformat
    from myst_nb.core.read import read_myst_markdown_notebook
    from nbclient import NotebookClient

    nb = read_myst_markdown_notebook(path.read_text(encoding="utf-8"))
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    resources = {"metadata": {"path": str(path.parent)}}
    NotebookClient(nb, timeout=120, resources=resources, **options).execute()
    return nb


def output_bytes(nb: nbformat.NotebookNode) -> bytes:
    """Every code cell's execution count and outputs, and the kernel's language_info, as JSON."""
    cells = [(c.execution_count, c.outputs) for c in nb.cells if c.cell_type == "code"]
    return json.dumps([cells, nb.metadata["language_info"]], sort_keys=True).encode()


def test_a_book_chapter_is_cached_byte_for_byte_as_a_kernel_outputs_it(
    tmp_path: Path, monkeypatch
) -> None:
    """A real figure chapter (SVG, PDF and PNG of a registered figure)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = mini_book(tmp_path, {})
    shutil.copy2(ROOT / "book" / "layered-model.md", book / "book" / "layered-model.md")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: book/index\nchapters:\n  - file: book/layered-model\n"
    )
    result = pre_execute(book)
    assert result.returncode == 0, result.stderr
    mine = cached(book)["layered-model"]
    reference = with_kernel(book / "book" / "layered-model.md")
    assert output_bytes(mine) == output_bytes(reference)
    assert mine.metadata["language_info"]["name"] == "python"
    first = next(c for c in mine.cells if c.cell_type == "code" and c.outputs)
    assert {"image/svg+xml", "application/pdf", "image/png"} <= set(first.outputs[0]["data"])


def test_streams_results_displays_and_display_updates_are_a_kernels(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = mini_book(
        tmp_path,
        {
            "order": [
                'print("first")\nfrom IPython.display import display, Markdown\n'
                'display(Markdown("*second*"))\nprint("third")\n6 * 7',
                'handle = display(Markdown("draft"), display_id=True)',
                'handle.update(Markdown("final"))\nimport sys\nprint("note", file=sys.stderr)',
                "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.title('open')",
            ]
        },
    )
    result = pre_execute(book)
    assert result.returncode == 0, result.stderr
    mine = cached(book)["order"]
    reference = with_kernel(book / "book" / "order.md")
    assert output_bytes(mine) == output_bytes(reference)
    code = [c for c in mine.cells if c.cell_type == "code"]
    assert [o["output_type"] for o in code[0].outputs] == [
        "stream",
        "display_data",
        "stream",
        "execute_result",
    ]
    # update_display_data rewrote the earlier cell's output in place (nbclient does that).
    assert code[1].outputs[0]["data"]["text/markdown"] == "final"
    # A stderr stream is an output like any other: cached, as myst-nb caches it (the page's
    # ``stderr_output`` setting decides what Sphinx makes of it).
    assert code[2].outputs[0]["name"] == "stderr"
    assert "image/png" in code[3].outputs[-1]["data"]


def test_a_raising_notebook_is_not_cached_and_is_named_with_its_cell(tmp_path: Path) -> None:
    from jupyter_cache import get_cache
    from jupyter_cache.cache.db import NbProjectRecord

    book = mini_book(
        tmp_path, {"good": ["print(6 * 7)"], "bad": ["x = 1", "raise ValueError('broken')"]}
    )
    result = pre_execute(book)
    assert result.returncode == 0, result.stderr
    assert set(cached(book)) == {"good"}
    cache = get_cache(str(book / CACHE))
    assert [Path(r.uri).stem for r in cache.list_unexecuted()] == ["bad"]
    bad = str(book / "book" / "bad.md")
    lines = (book / "book" / "bad.md").read_text(encoding="utf-8").splitlines()
    fence = [i for i, text in enumerate(lines, 1) if text.startswith("```{code-cell}")][1]
    # One problem: the file, the raising cell's first line of code (the second code cell's:
    # the line after its fence), and what it raised.
    assert reported(book) == [
        Problem(
            "book/bad.md",
            fence + 1,
            "code cell 2 raised ValueError: broken",
            "fix that cell (V=1 prints the traceback)",
        )
    ]
    assert failed_marker(book / CACHE, bad).exists(), "marked: myst-nb will not run it again"
    record = NbProjectRecord.record_from_uri(bad, cache.db)
    # jupyter-cache's record of the failure, as myst-nb keeps it (with the kernel's colours).
    assert "ValueError" in record.traceback and "broken" in record.traceback
    # The next build's notebook step tries it again (it is not marked as run cleanly).
    pre_execute(book)
    assert summary(book / CACHE) == {"executed": 0, "failed": 1, "kernels": 1, "seconds": ANY}
    assert len(reported(book)) == 1


def test_a_hanging_notebook_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    book = mini_book(
        tmp_path,
        {"hangs": ["import time\ntime.sleep(600)"], "quick": ["print('done')"]},
        config="execute:\n  execute_notebooks: cache\n  timeout: 3\n",
    )
    runtime = tmp_path / "runtime"  # where the kernels' connection files go
    started = time.monotonic()
    result = pre_execute(book, env={"JUPYTER_RUNTIME_DIR": str(runtime)})
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert elapsed < 60, f"the step took {elapsed:.0f} s: the 3 s timeout did not stop it"
    (problem,) = reported(book)
    assert (problem.path, problem.line) == ("book/hangs.md", 11)
    assert problem.message == "code cell 1 did not finish within the 3 s time limit and was stopped"
    assert "execute: timeout:" in problem.hint
    assert set(cached(book)) == {"quick"}
    # Every kernel was shut down: none still runs with a connection file from this step.
    assert not list(runtime.glob("kernel-*.json"))
    others = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(runtime) not in others


def test_three_notebooks_share_no_state(tmp_path: Path) -> None:
    """Each notebook runs in a kernel of its own: names, rcParams, the folder and the process
    do not carry over. Three notebooks on two cores: a kernel reused for a second notebook
    would show it the first one's changes."""
    look = (
        "import matplotlib, os\n"
        'print(matplotlib.rcParams["lines.linewidth"], os.getcwd(), "secret" in dir(), '
        "os.getpid())"
    )
    spoil = 'matplotlib.rcParams["lines.linewidth"] = 9\nsecret = 42\nos.chdir("/")'
    names = ["first", "second", "third"]
    # Distinct code per notebook: jupyter-cache keys records on the code, not the file.
    book = mini_book(tmp_path, {name: [f"# {name}\n{look}", spoil] for name in names})
    assert pre_execute(book).returncode == 0
    pids = set()
    for name in names:
        text = cached(book)[name].cells[0].outputs[0]["text"]  # the cache keeps code cells
        width, cwd, secret, pid = text.split()
        assert (width, cwd, secret) == ("1.5", str(book / "book"), "False"), name
        pids.add(pid)
    assert len(pids) == 3


def test_execute_options_from_the_config_are_honoured(tmp_path: Path) -> None:
    """allow_errors caches a raising notebook with its error, as myst-nb would; run_in_temp runs
    it in a temporary folder; exclude_patterns leaves a notebook alone; a notebook's own
    ``execution.timeout`` metadata overrides the book's; sphinx.config overrides execute."""
    config = (
        "execute:\n  execute_notebooks: cache\n  timeout: 1\n  allow_errors: false\n"
        "  exclude_patterns: ['*skipped.md']\n"
        "sphinx:\n  config:\n    nb_execution_allow_errors: true\n"
        "    nb_execution_in_temp: true\n"
    )
    book = mini_book(
        tmp_path,
        {
            "errs": ["import os\nprint(os.getcwd())", "1 / 0", "print('after')"],
            "skipped": ["print('never')"],
            "slow": ["import time\ntime.sleep(2)\nprint('slept')"],
        },
        config=config,
    )
    slow = book / "book" / "slow.md"
    slow.write_text(
        slow.read_text().replace("---\n\n", "execution:\n  timeout: 30\n---\n\n", 1),
        encoding="utf-8",
    )
    result = pre_execute(book)
    assert result.returncode == 0, result.stderr
    found = cached(book)
    assert set(found) == {"errs", "slow"}, result.stdout
    code = [c for c in found["errs"].cells if c.cell_type == "code"]
    folder = code[0].outputs[0]["text"].strip()
    assert folder != str(book / "book") and not Path(folder).exists()  # a removed temp dir
    assert code[1].outputs[0]["ename"] == "ZeroDivisionError"
    assert code[2].outputs[0]["text"] == "after\n"
    assert [c for c in found["slow"].cells if c.cell_type == "code"][0].outputs[0]["text"] == (
        "slept\n"
    )


def test_sphinx_waits_only_for_the_notebook_it_reads_next(tmp_path: Path, monkeypatch) -> None:
    """The build's step releases its plan lock once it holds each notebook's lock, and each
    notebook's lock once that notebook is cached: Sphinx reads other pages meanwhile."""
    from addictionbook.execution.cache import (
        start_pre_execution,
        wait_for_notebook,
        wait_for_pre_execution,
    )

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = mini_book(
        tmp_path, {"a-quick": ["print('quick')"], "b-slow": ["import time\ntime.sleep(5)"]}
    )
    step = start_pre_execution(Sources(book), book / "_build" / ".work", dict(os.environ))
    assert step is not None
    try:
        wait_for_pre_execution(book / CACHE)
        wait_for_notebook(book / CACHE, book / "book" / "a-quick.md")
        assert "a-quick" in cached(book)
        assert "b-slow" not in cached(book), "the quick notebook waited for the slow one"
        wait_for_notebook(book / CACHE, book / "book" / "b-slow.md")
        assert set(cached(book)) == {"a-quick", "b-slow"}
    finally:
        assert step.wait(timeout=120) == 0
