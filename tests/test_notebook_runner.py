"""The forked notebook runner gives what a Jupyter kernel gives, keeps notebooks apart, and
never caches a failure (myst-nb then runs that notebook in a kernel and reports it).

The reference is nbclient with a real kernel, run on the same notebook in the same folder. The
runner is always driven through its real entry point, ``python -m addictionbook.execution.cache``
(what the build starts), in a process of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_cache import get_cache
from myst_nb.core.read import read_myst_markdown_notebook
from nbclient import NotebookClient

FRONT = """\
---
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

"""
CACHE = Path("_build/.work/_build/.jupyter_cache")


def mini_book(root: Path, notebooks: dict[str, list[str]]) -> Path:
    """A book folder whose toc lists ``notebooks`` (name: code cells)."""
    (root / "book").mkdir(parents=True)
    (root / "book" / "index.md").write_text("# Index\n", encoding="utf-8")
    entries = ""
    for name, cells in notebooks.items():
        body = "\n".join(f"```{{code-cell}} ipython3\n{cell}\n```\n" for cell in cells)
        (root / "book" / f"{name}.md").write_text(FRONT + f"# {name}\n\n" + body, "utf-8")
        entries += f"  - file: book/{name}\n"
    (root / "_toc.yml").write_text(
        f"format: jb-book\nroot: book/index\nchapters:\n{entries}", encoding="utf-8"
    )
    return root


def pre_execute(book: Path) -> subprocess.CompletedProcess[str]:
    """Run the build's notebook step on ``book`` into its own cache."""
    return subprocess.run(
        [sys.executable, "-m", "addictionbook.execution.cache", str(book), str(book / CACHE), "60"],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
    )


def cached(book: Path) -> dict[str, nbformat.NotebookNode]:
    """Cached executed notebooks by name, with the executor each record names."""
    cache = get_cache(str(book / CACHE))
    found = {}
    for record in cache.list_cache_records():
        nb = cache.get_cache_bundle(record.pk).nb
        nb.metadata["executor"] = record.data.get("executor")
        found[Path(record.uri).stem] = nb
    return found


def with_kernel(path: Path) -> nbformat.NotebookNode:
    nb = read_myst_markdown_notebook(path.read_text(encoding="utf-8"))
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def outputs(nb: nbformat.NotebookNode) -> list:
    return [
        (cell.execution_count, [dict(o) for o in cell.outputs])
        for cell in nb.cells
        if cell.cell_type == "code"
    ]


def test_the_book_chapters_get_byte_identical_outputs_to_a_kernel(
    good_copy: Path, monkeypatch
) -> None:
    """What the build cached for a figure chapter is what a kernel would have produced."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # as the build of a copy outside git
    mine = cached(good_copy)["layered-model"]
    assert mine.metadata["executor"] == "addictionbook.execution.runner"
    reference = with_kernel(good_copy / "book" / "layered-model.md")
    assert outputs(mine) == outputs(reference)
    assert mine.metadata["language_info"] == reference.metadata["language_info"]
    assert {"image/svg+xml", "application/pdf"} <= set(outputs(mine)[0][1][0]["data"])


def test_streams_results_and_displays_come_in_kernel_order(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = mini_book(
        tmp_path,
        {
            "order": [
                'print("first")\nfrom IPython.display import display, Markdown\n'
                'display(Markdown("*second*"))\nprint("third")\n6 * 7',
                "x = 1  # no output",
                "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.title('open')",
            ]
        },
    )
    result = pre_execute(book)
    assert result.returncode == 0, result.stderr
    mine = cached(book)["order"]
    assert mine.metadata["executor"] == "addictionbook.execution.runner"
    reference = with_kernel(book / "book" / "order.md")
    kinds = [o["output_type"] for o in outputs(mine)[0][1]]
    assert kinds == ["stream", "display_data", "stream", "execute_result"]
    assert outputs(mine)[:2] == outputs(reference)[:2]
    # A pyplot figure left open at the end of a cell is shown, as the inline backend does.
    assert [o["output_type"] for o in outputs(mine)[2][1]] == [
        o["output_type"] for o in outputs(reference)[2][1]
    ]
    assert "image/png" in outputs(mine)[2][1][-1]["data"]


@pytest.mark.parametrize(
    "cell",
    ["raise ValueError('a broken figure')", "import sys\nprint('careful', file=sys.stderr)"],
    ids=["raises", "writes-to-stderr"],
)
def test_a_failing_notebook_is_not_cached(tmp_path: Path, cell: str) -> None:
    book = mini_book(tmp_path, {"good": ["print(6 * 7)"], "bad": ["x = 1", cell]})
    assert pre_execute(book).returncode == 0
    assert set(cached(book)) == {"good"}
    cache = get_cache(str(book / CACHE))
    assert [Path(r.uri).stem for r in cache.list_unexecuted()] == ["bad"]
    # The failure is retried by the next build (myst-nb runs it in a kernel and reports it).
    assert pre_execute(book).stdout.count("executing 1 notebook") == 1


def test_notebooks_share_no_state(tmp_path: Path) -> None:
    """Each notebook runs in a fresh fork: names, rcParams and the folder do not leak.

    Three notebooks on two workers: a worker reused for a second notebook would show it the
    first one's changes.
    """
    look = (
        "import matplotlib, os\n"
        'print(matplotlib.rcParams["lines.linewidth"], os.getcwd(), "secret" in dir())'
    )
    spoil = 'matplotlib.rcParams["lines.linewidth"] = 9\nsecret = 42\nos.chdir("/")'
    names = ["first", "second", "third"]
    # Distinct code per notebook: jupyter-cache keys records on the code, not the file.
    book = mini_book(tmp_path, {name: [f"# {name}\n{look}", spoil] for name in names})
    assert pre_execute(book).returncode == 0
    for name in names:
        text = cached(book)[name].cells[0].outputs[0]["text"]  # the cache keeps code cells
        assert text.split() == ["1.5", str(book / "book"), "False"], name
