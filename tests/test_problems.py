"""Problems as data, and where a contributor sees them: the terminal line, the GitHub
annotation on the changed line and the run's summary (``addictionbook.problems``). No view
parses a problem back out of text."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from addictionbook import problems
from addictionbook.content.lint.report import check_book
from addictionbook.content.sources import Sources
from addictionbook.problems import Problem, annotate, summary, workflow_command
from addictionbook.settings import Settings

from .helpers import copy_book, run_build

ON_GITHUB = Settings(github_actions=True)


def test_a_problem_reads_file_line_message_and_what_to_do() -> None:
    got = Problem("book/attunement.md", 12, "undefined label: 'fig-x'", "fix the label")
    assert str(got) == "book/attunement.md:12: undefined label: 'fig-x'; fix the label"
    assert str(Problem("_build/logs/html.log", 0, "Sphinx stopped")) == (
        "_build/logs/html.log: Sphinx stopped"
    ), "line 0: a problem about the whole file has no line"


def test_a_problem_becomes_an_error_on_its_file_and_line() -> None:
    got = Problem("book/attunement.md", 12, "undefined label: 'fig-x'")
    assert (
        workflow_command(got) == "::error file=book/attunement.md,line=12::undefined label: 'fig-x'"
    )
    whole_file = Problem("book/glossary.md", 0, "empty")
    assert workflow_command(whole_file) == "::error file=book/glossary.md::empty"


def test_workflow_command_escaping() -> None:
    """GitHub's rules: % CR LF in the message; also : and , in properties."""
    odd = Problem("we,ird:name.md", 2, "100% sure\nsecond line\r")
    assert workflow_command(odd, "warning") == (
        "::warning file=we%2Cird%3Aname.md,line=2::100%25 sure%0Asecond line%0D"
    )


def test_problems_written_by_a_child_process_read_back_as_they_were(tmp_path: Path) -> None:
    written = [Problem("book/a.md", 3, "x: y", "do z"), Problem("_toc.yml", 0, "ü\nnext")]
    target = tmp_path / "problems.jsonl"
    for problem in written:
        problems.append(target, problem)
    assert problems.read(target) == written
    assert problems.read(tmp_path / "none.jsonl") == []


def test_nothing_is_written_outside_github_actions() -> None:
    stream = io.StringIO()
    assert annotate([Problem("book/a.md", 1, "x")], "t", Settings(), stream=stream) == 0
    assert stream.getvalue() == ""


def test_on_github_each_problem_is_annotated_and_summarised(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    stream = io.StringIO()
    found = [
        Problem("book/a.md", 4, "the image x.png is empty", "replace it"),
        Problem("_toc.yml", 9, "a | b"),
    ]
    settings = ON_GITHUB.but(github_step_summary=target)
    assert annotate(found, "build html", settings, stream=stream) == 2
    assert stream.getvalue().splitlines() == [
        "::error file=book/a.md,line=4::the image x.png is empty; replace it",
        "::error file=_toc.yml,line=9::a | b",
    ]
    text = target.read_text(encoding="utf-8")
    assert text == summary("build html", found)
    assert "### build html: 2 problem(s)" in text
    assert "| `book/a.md` | 4 | the image x.png is empty; replace it |" in text
    assert "a \\| b" in text, "a | in a message must not break the table"


def test_make_check_problems_become_annotations(tmp_path: Path, capsys) -> None:
    book = copy_book(tmp_path / "book")
    with (book / "book" / "glossary.md").open("ab") as handle:
        handle.write(b"\ncaf\xe9\n")
    target = tmp_path / "summary.md"
    assert check_book(Sources(book), ON_GITHUB.but(github_step_summary=target)) == 1
    out = capsys.readouterr().out
    assert any(
        line.startswith("::error file=book/glossary.md,line=")
        and "is not UTF-8" in line
        and "%0A" not in line
        for line in out.splitlines()
    ), out
    assert "book/glossary.md" in target.read_text(encoding="utf-8")
    assert re.match(r"book/glossary\.md:\d+: ", out.splitlines()[0]), "the plain line first"


def test_a_failed_build_annotates_its_problems(book_copy: Path, tmp_path: Path) -> None:
    book = book_copy
    (book / "figures" / "broken.png").write_bytes(b"not a png")
    with (book / "book" / "references.md").open("a", encoding="utf-8") as handle:
        handle.write("\n![A broken image](../figures/broken.png)\n")
    target = tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(target)}
    result = run_build("html", book, book / "_build", env=env)
    assert result.returncode == 1
    commands = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(commands) == 1, result.stdout
    assert commands[0].startswith("::error file=book/references.md,line=")
    assert "broken.png is not a PNG image" in commands[0]
    assert "build html" in target.read_text(encoding="utf-8")


def test_a_failing_notebook_is_annotated_on_its_file_and_cell_once(
    book_copy: Path, tmp_path: Path
) -> None:
    """A cell that raises: one problem, on the notebook's file and the failing cell's line
    (it was reported by the notebook step and not run again by myst-nb)."""
    book = book_copy
    page = book / "book" / "layered-model.md"
    text = page.read_text(encoding="utf-8")
    text += "\n```{code-cell} ipython3\nraise RuntimeError('deliberately broken cell')\n```\n"
    page.write_text(text, encoding="utf-8")
    # the line of the raising code (after the cell's fence)
    line = text.splitlines().index("```{code-cell} ipython3", len(text.splitlines()) - 4) + 2
    env = {**os.environ, "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(tmp_path / "s")}
    result = run_build("html", book, book / "_build", env=env)
    assert result.returncode == 1
    commands = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(commands) == 1, result.stdout + result.stderr
    assert commands[0].startswith(f"::error file=book/layered-model.md,line={line}::"), commands
    assert "RuntimeError: deliberately broken cell" in commands[0]
    assert result.stderr.count("deliberately broken cell") == 1, result.stderr
