"""What a build prints: one line per step with its time and counts, the problems in full at the
end, the whole log in ``<out>/logs/<target>.log``; ``V=1`` prints the log as it runs; never a
blob (the EPUB step logs its images as megabyte-long data URIs)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from addictionbook.pipeline.report import LONGEST, for_terminal, shorten

from .helpers import run_build

STEP = re.compile(r"^  (\S.*?)\s+(\d+\.\d) s$")


def edited_copy(book: Path) -> Path:
    with (book / "book" / "glossary.md").open("a", encoding="utf-8") as handle:
        handle.write("\nA new sentence.\n")
    return book


def test_a_data_uri_is_cut_to_its_header() -> None:
    blob = "copying images... [ 7%] data:image/png;base64," + "iVBORw0KGgo" * 100_000
    assert shorten(blob) == "copying images... [ 7%] data:image/png;base64,... (1100000 characters)"
    long = "x" * 5000
    assert len(for_terminal(long)) < LONGEST + 60 and "4600 more characters" in for_terminal(long)
    assert shorten("no blob here") == "no blob here"


def test_default_output_is_one_line_per_step_and_the_log_has_everything(
    book_copy: Path,
) -> None:
    book = edited_copy(book_copy)
    env = {k: v for k, v in os.environ.items() if k != "V"}
    result = run_build("html", book, book / "_build", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    steps = [STEP.match(line).group(1) for line in lines if STEP.match(line)]
    assert len(lines) == len(steps) + 2, f"more than one line per step:\n{result.stdout}"
    names = " | ".join(steps)
    for step in ("check sources", "read pages", "write pages", "publish"):
        assert step in names, names
    assert re.search(r"read pages\s+\d+ pages?\b", result.stdout), "no count of pages read"
    assert re.search(r"write pages\s+\d+ pages", result.stdout)
    log = book / "_build" / "logs" / "html.log"
    assert lines[-1].endswith(f"log: {log}"), "the last line names the log"
    text = log.read_text(encoding="utf-8")
    assert re.search(r"reading sources\.\.\. \[\s*\d+%\] book/glossary", text)
    assert "Running Sphinx" in text


def test_v1_streams_the_whole_log(book_copy: Path) -> None:
    book = edited_copy(book_copy)
    result = run_build("html", book, book / "_build", env={**os.environ, "V": "1"})
    assert result.returncode == 0, result.stderr
    assert "Running Sphinx" in result.stdout and "reading sources..." in result.stdout


def test_the_epub_build_prints_no_blob(book_copy: Path, tmp_path: Path) -> None:
    book = book_copy
    for verbose in ("0", "1"):
        shutil.rmtree(book / "_build" / "epub", ignore_errors=True)
        result = run_build("epub", book, book / "_build", env={**os.environ, "V": verbose})
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr
        output = result.stdout + result.stderr
        longest = max(len(line) for line in output.splitlines())
        assert longest <= LONGEST + 60, f"V={verbose}: a {longest}-character line"
        assert not re.search(r"base64,[A-Za-z0-9+/=]{64}", output), f"V={verbose}: a data URI"
    log = (book / "_build" / "logs" / "epub.log").read_text(encoding="utf-8")
    assert "copying images..." in log and not re.search(r"base64,[A-Za-z0-9+/=]{64}", log)
