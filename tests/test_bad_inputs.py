"""Bad input fails the build with a message naming the file, and loses nothing.

A good build of a copy of the book is made once; each case copies it (with its build and
notebook cache), breaks one thing, builds again, and checks: non-zero exit, the offending file
named, the last good site still in place byte for byte, and no source file rewritten.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import run_build


def tree_digest(root: Path, skip: str = "_build") -> dict[str, str]:
    """SHA-256 of every file under ``root`` except the build folder."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and skip not in p.relative_to(root).parts
    }


def append(path: str, text: str) -> Callable[[Path], str]:
    def breaker(book: Path) -> str:
        with (book / path).open("a", encoding="utf-8") as handle:
            handle.write(text)
        return path

    return breaker


def add_toc_entry(book: Path) -> str:
    toc = book / "_toc.yml"
    toc.write_text(
        toc.read_text(encoding="utf-8").replace(
            "      - file: book/glossary\n",
            "      - file: book/glossary\n      - file: book/no-such-chapter\n",
        ),
        encoding="utf-8",
    )
    return "_toc.yml"


CASES = {
    "broken cross-reference": (
        append("book/references.md", "\nSee {numref}`fig-no-such-figure`.\n"),
        "fig-no-such-figure",
    ),
    "toc entry for a missing file": (add_toc_entry, "book/no-such-chapter"),
    "notebook cell that raises": (
        append(
            "book/layered-model.md",
            '\n```{code-cell} ipython3\nraise RuntimeError("deliberately broken cell")\n```\n',
        ),
        "deliberately broken cell",
    ),
    "missing figure file": (
        append(
            "book/references.md",
            "\n```{figure} ../figures/no-such-figure.svg\n:alt: A figure that is not there.\n\n"
            "A caption.\n```\n",
        ),
        "no-such-figure.svg",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_names_the_file_and_keeps_the_last_good_site(
    good_copy: Path, tmp_path: Path, case: str
) -> None:
    breaker, detail = CASES[case]
    book = tmp_path / "book-copy"
    shutil.copytree(good_copy, book, symlinks=True)
    index = book / "_build" / "html" / "index.html"
    chapter = book / "_build" / "html" / "book" / "layered-model.html"
    before = (index.read_bytes(), chapter.read_bytes())

    offending = breaker(book)
    sources = tree_digest(book)
    result = run_build("html", book, book / "_build")

    output = result.stdout + result.stderr
    assert result.returncode != 0, f"{case}: the build passed:\n{output[-2000:]}"
    assert offending in result.stderr, f"{case}: the error does not name {offending}"
    assert detail in output, f"{case}: the output does not mention {detail}"
    assert (index.read_bytes(), chapter.read_bytes()) == before, "the last good site changed"
    assert tree_digest(book) == sources, "the build rewrote a source file"


def test_a_fixed_build_passes_again_and_publishes(good_copy: Path, tmp_path: Path) -> None:
    """After a failure and its fix the next build passes (Sphinx re-reads the failed page)."""
    book = tmp_path / "book-copy"
    shutil.copytree(good_copy, book, symlinks=True)
    original = (book / "book" / "references.md").read_text(encoding="utf-8")
    append("book/references.md", "\nSee {numref}`fig-no-such-figure`.\n")(book)
    assert run_build("html", book, book / "_build").returncode != 0
    # A second run without a fix must fail again, not pass on stale state.
    assert run_build("html", book, book / "_build").returncode != 0
    (book / "book" / "references.md").write_text(original + "\nA new sentence.\n", encoding="utf-8")
    result = run_build("html", book, book / "_build")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert "A new sentence." in (book / "_build" / "html" / "book" / "references.html").read_text()
