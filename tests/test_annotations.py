"""Problems shown where a contributor looks on GitHub: workflow-command annotations on the
changed lines and a table in the run's summary (``content.annotations``)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from addictionbook.content import annotations
from addictionbook.content.annotations import Annotation, annotate, parse
from addictionbook.content.lint.report import check_book

from .conftest import copy_book, run_build


def test_a_located_problem_becomes_an_error_on_its_file_and_line() -> None:
    got = parse("book/attunement.md:12: WARNING: undefined label: 'fig-x'")
    assert got == Annotation("error", "undefined label: 'fig-x'", "book/attunement.md", 12)
    assert got.command() == "::error file=book/attunement.md,line=12::undefined label: 'fig-x'"
    column = parse("book/glossary.md:3:7: the term is not defined")
    assert (column.path, column.line, column.message) == (
        "book/glossary.md",
        3,
        "the term is not defined",
    )


def test_a_problem_without_a_file_is_a_plain_error() -> None:
    got = parse("RuntimeError: deliberately broken cell")
    assert got.path is None and got.command() == "::error::RuntimeError: deliberately broken cell"


def test_workflow_command_escaping() -> None:
    """GitHub's rules: % CR LF in the message; also : and , in properties."""
    odd = Annotation("warning", "100% sure\nsecond line\r", "we,ird:name.md", 2)
    assert odd.command() == (
        "::warning file=we%2Cird%3Aname.md,line=2::100%25 sure%0Asecond line%0D"
    )


def test_nothing_is_written_outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    stream = io.StringIO()
    assert annotate(["book/a.md:1: x"], "t", stream=stream) == 0
    assert stream.getvalue() == ""


def test_on_github_each_problem_is_annotated_and_summarised(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    stream = io.StringIO()
    problems = ["book/a.md:4: the image x.png is empty; replace it", "_toc.yml:9: a | b"]
    assert annotate(problems, "build html", stream=stream) == 2
    assert stream.getvalue().splitlines() == [
        "::error file=book/a.md,line=4::the image x.png is empty; replace it",
        "::error file=_toc.yml,line=9::a | b",
    ]
    text = summary.read_text(encoding="utf-8")
    assert "### build html: 2 problem(s)" in text
    assert "| `book/a.md` | 4 | the image x.png is empty; replace it |" in text
    assert "a \\| b" in text, "a | in a message must not break the table"


def test_make_check_findings_become_annotations(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:
    book = copy_book(tmp_path / "book")
    with (book / "book" / "glossary.md").open("ab") as handle:
        handle.write(b"\ncaf\xe9\n")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert check_book(book) == 1
    out = capsys.readouterr().out
    assert any(
        line.startswith("::error file=book/glossary.md,line=")
        and "is not UTF-8" in line
        and "%0A" not in line
        for line in out.splitlines()
    ), out
    assert "book/glossary.md" in summary.read_text(encoding="utf-8")
    assert annotations.LOCATED.match(out.splitlines()[0]), "the plain finding line comes first"


def test_a_failed_build_annotates_its_problems(book_copy: Path, tmp_path: Path) -> None:
    book = book_copy
    (book / "figures" / "broken.png").write_bytes(b"not a png")
    with (book / "book" / "references.md").open("a", encoding="utf-8") as handle:
        handle.write("\n![A broken image](../figures/broken.png)\n")
    summary = tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = run_build("html", book, book / "_build", env=env)
    assert result.returncode == 1
    commands = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(commands) == 1, result.stdout
    assert commands[0].startswith("::error file=book/references.md,line=")
    assert "broken.png is not a PNG image" in commands[0]
    assert "build html" in summary.read_text(encoding="utf-8")
