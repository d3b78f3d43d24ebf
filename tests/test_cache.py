"""Notebook cache correctness, proved by jupyter-cache's own records (not by timing).

- nothing changed (and Sphinx run anyway): no notebook executes;
- a text chapter edited: no notebook executes;
- a sentence edited in a notebook chapter: the notebook step does not even start (its
  fingerprint covers the front matter and the code cells, not the prose);
- one notebook's code edited: exactly that notebook executes;
- build tooling in the package edited (the linter): nothing executes; then a figure module of
  the helper package edited: exactly the notebooks that import the package execute (a notebook
  that does not import it stays cached), and the published figure changes.

The helper-package cases build with a copy of the package first on PYTHONPATH, so the real
package is never touched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from addictionbook.pipeline.fingerprint import inputs_stamp

from .helpers import ROOT, build_ok, notebook_front_matter

CACHE = Path("_build/.work/_build/.jupyter_cache")
PLAIN_NOTEBOOK = (
    notebook_front_matter("A notebook that does not use the helper package.")
    + """
# Plain notebook

```{code-cell} ipython3
print(6 * 7)
```
"""
)


def records(book: Path) -> set[tuple[int, str, str]]:
    """(pk, notebook path, creation time) of every cached execution."""
    from jupyter_cache import get_cache  # here: make test-fast collects this module, runs none

    cache = get_cache(str(book / CACHE))
    return {(r.pk, r.uri, r.created.isoformat()) for r in cache.list_cache_records()}


def executed(book: Path, before: set[tuple[int, str, str]]) -> set[str]:
    """Docnames (``book/x``) of the notebooks executed since ``before`` was taken."""
    new = records(book) - before
    return {Path(uri).relative_to(book).with_suffix("").as_posix() for _, uri, _ in new}


def notebooks_importing_helper(book: Path) -> set[str]:
    """Pages that are notebooks importing the helper: a translated handout's page is its
    English source's notebook (the stub names it in ``translation-of``)."""
    found = set()
    for path in (book / "book").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        english = re.search(r"^translation-of:\s*(\S+)", text, re.MULTILINE)
        if english:
            text = (book / f"{english.group(1)}.md").read_text(encoding="utf-8")
        if "kernelspec:" in text and re.search(r"^\s*from addictionbook", text, re.MULTILINE):
            found.add(path.relative_to(book).with_suffix("").as_posix())
    return found


def build(book: Path, env: dict[str, str] | None = None) -> None:
    build_ok("html", book, env=env)


@pytest.fixture
def book(book_copy: Path) -> Path:
    return book_copy


@pytest.fixture
def helper_copy(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of src/addictionbook and an environment that imports it instead of the real one."""
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "addictionbook",
        src / "addictionbook",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return src / "addictionbook", env


def test_no_op_rebuild_executes_no_notebook(book: Path) -> None:
    """Sphinx runs again over the unchanged book (its up-to-date stamp removed, so the build
    is not skipped before the cache is asked): no notebook executes."""
    inputs_stamp(book / "_build", "html").unlink()
    before = records(book)
    assert "nothing changed" not in build_ok("html", book)
    assert executed(book, before) == set()


def test_editing_a_text_chapter_executes_no_notebook(book: Path) -> None:
    before = records(book)
    with (book / "book" / "attunement.md").open("a", encoding="utf-8") as handle:
        handle.write("\nAn added sentence.\n")
    build(book)
    assert executed(book, before) == set()


def test_only_the_front_matter_and_code_cells_of_a_notebook_count_as_changed(
    tmp_path: Path,
) -> None:
    """The fingerprint that decides whether the notebook step starts: prose edited, nothing to
    run; a code cell, its options or the kernel edited, the notebook is a candidate again."""
    from addictionbook.execution import cache

    chapter = "book/layered-model.md"
    page = tmp_path / chapter
    page.parent.mkdir(parents=True)
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()

    def ran_cleanly(text: str) -> None:
        page.write_text(text, encoding="utf-8")
        stamp = cache.fingerprints(tmp_path, [chapter])
        (cache_dir / cache.DONE_NAME).write_text(json.dumps(stamp), encoding="utf-8")

    def changed(text: str) -> list[str]:
        page.write_text(text, encoding="utf-8")
        return cache.changed_notebooks(tmp_path, [chapter], cache_dir)[0]

    original = (ROOT / chapter).read_text(encoding="utf-8")
    ran_cleanly(original)
    assert changed(original) == []
    prose = "A sentence added to the chapter's prose.\n\n## Learning objectives"
    assert changed(original.replace("## Learning objectives", prose)) == []
    assert changed(original + "\nA closing sentence.\n") == []
    assert changed(original.replace("peeled=3", "peeled=2")) == [chapter]  # code
    assert changed(original.replace(":    name: fig-", ":    name: fig-x-")) == [chapter]
    assert changed(original.replace("name: python3", "name: python2")) == [chapter]  # kernel
    # A cell fenced by four backticks holds a line of three: the code after it still counts.
    fenced = original + "\n````{code-cell} ipython3\nx = '''\n```\n'''\ny = 1\n````\nProse.\n"
    ran_cleanly(fenced)
    assert changed(fenced.replace("y = 1", "y = 2")) == [chapter]
    assert changed(fenced.replace("Prose.", "More prose.")) == []


def test_editing_one_notebook_executes_only_that_notebook(book: Path) -> None:
    before = records(book)
    chapter = book / "book" / "layered-model.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(
        text.replace('show("fig-layered-model")', 'show("fig-layered-model")  # edited', 1),
        encoding="utf-8",
    )
    build(book)
    assert executed(book, before) == {"book/layered-model"}


def test_editing_the_helper_re_executes_exactly_the_notebooks_that_import_it(
    small_copy: Path, helper_copy: tuple[Path, dict[str, str]]
) -> None:
    """An edit to build tooling in the package executes nothing; an edit to a figure module
    executes exactly the notebooks that import the package (not one that does not), and the
    site shows the figure the edited code draws. On the small book: a chapter and a handout
    in two languages that import the package, where the book has nine such
    notebooks to execute again."""
    book = small_copy
    package, env = helper_copy
    toc = book / "_toc.yml"
    (book / "book" / "plain-notebook.md").write_text(PLAIN_NOTEBOOK, encoding="utf-8")
    toc.write_text(
        toc.read_text(encoding="utf-8").replace(
            "      - file: book/glossary\n",
            "      - file: book/glossary\n      - file: book/plain-notebook\n",
        ),
        encoding="utf-8",
    )
    build(book, env)
    page = book / "_build" / "html" / "book" / "small-chapter.html"
    old_figure = (
        BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        .find(id="fig-layered-model")
        .find("img")["src"]
    )

    before = records(book)
    with (package / "content" / "lint" / "__init__.py").open("a", encoding="utf-8") as handle:
        handle.write("\n# an edit to build tooling\n")
    build(book, env)
    assert executed(book, before) == set(), "an edit to build tooling executed notebooks"

    before = records(book)
    layers = package / "figures" / "layered_model.py"
    layers.write_text(
        layers.read_text(encoding="utf-8").replace(
            '"Drug of choice"', '"Drug of choice, edited"', 1
        ),
        encoding="utf-8",
    )
    build(book, env)

    importing = notebooks_importing_helper(book)
    assert "book/plain-notebook" not in importing and "book/small-chapter" in importing
    assert "book/handouts/es/peeling-the-layers" in importing  # the Spanish worksheet too
    assert executed(book, before) == importing
    new_figure = (
        BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        .find(id="fig-layered-model")
        .find("img")["src"]
    )
    assert new_figure != old_figure, "the site still shows the figure drawn by the old helper"
