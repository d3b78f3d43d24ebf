"""The documents say what the code does: README's command list is ``make help``'s output, the
system packages a build installs are the build's own, and CONTRIBUTING's steps match the
commands and files they name. Each test fails when a document drifts from the code."""

from __future__ import annotations

import re
import subprocess

from .helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def make(*args: str) -> str:
    result = subprocess.run(
        ["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_readme_lists_exactly_what_make_help_prints() -> None:
    match = re.search(r"<!-- the output of `make help`[^\n]*-->\n```text\n(.*?)```", README, re.S)
    assert match, "README.md has no make help block"
    assert match.group(1) == make("help"), "paste `make help`'s output into README.md"


def test_every_make_help_target_is_in_the_readme_and_contributing_names_the_contributor_ones() -> (
    None
):
    targets = re.findall(r"^  make ([a-z-]+)", make("help"), re.M)
    assert {"translations", "venv", "sysdeps", "handouts", "lock"} <= set(targets)
    for target in ("html", "serve", "check", "new-chapter", "figures", "translations"):
        assert f"make {target}" in CONTRIBUTING, f"CONTRIBUTING.md's commands lack make {target}"


def test_building_the_book_installs_only_what_the_build_uses() -> None:
    """``make book`` installs the build's and the PDFs' packages; the browser and epubcheck
    only ``make test``."""
    book = make("-n", "-W", "Makefile", "book")
    installs = re.findall(r"sysdeps ([a-z ]+)$", book, re.M)
    assert installs and all(set(groups.split()) == {"build", "pdf"} for groups in installs)
    test = make("-n", "test")
    assert re.search(r"sysdeps build pdf browser epub$", test, re.M), test


def test_contributing_describes_the_chapter_scaffold_as_it_is(tmp_path) -> None:
    """The placeholders are in parentheses, and the scaffold gives one objective and one
    self-check question (CONTRIBUTING says so, and asks for 3 to 5 of each)."""
    from addictionbook.content.scaffold import TEMPLATE

    text = TEMPLATE.format(title="T", slug="t", description="d")
    assert "replace each part in\nparentheses" in CONTRIBUTING
    assert (
        re.search(r"\n1\. \(Write 3 to 5 objectives", text)
        and "\n2. " not in text.split("## Key terms")[0]
    ), "one objective in the scaffold"
    assert text.count("{dropdown}") == 1, "one self-check question in the scaffold"
    assert "one learning objective" in CONTRIBUTING and "one\nself-check question" in CONTRIBUTING
    assert not re.search(r"\[[A-Z][^\]]*\]", text), "no bracketed placeholders"


def test_contributing_names_paths_as_they_are() -> None:
    """Every built page of the book CONTRIBUTING tells a reader to open is under _build/html/
    (``html/index.html`` is the unzipped preview of a pull request)."""
    for path in re.findall(r"`([\w/<>.-]*book/[\w/<>.-]+\.html)`", CONTRIBUTING):
        assert path.startswith("_build/html/"), path
    assert "your editor sets `PO-Revision-Date`" not in CONTRIBUTING
    assert "cannot quietly fall behind" not in CONTRIBUTING
