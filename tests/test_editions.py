"""Editions (issue 22): the change log from news fragments, clinical safety first; ``make
release`` and what it refuses; the pull request's checks (a clinical-safety fragment, the texts
that need a new review); and, building a small book twice, byte-identical release files that
say "Draft: not clinically reviewed" on the page and in the PDF.

The small book (``tests/small_book.py``) is a git repository of its own; the tests that build
it ask for ``small_book`` (a build fixture, tests/conftest.py), the others for ``book``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from click.testing import CliRunner

from addictionbook.cli import main
from addictionbook.content import lint, review
from addictionbook.content.sources import Sources
from addictionbook.pipeline import release

from .helpers import copy_notebook_cache, run_build, tree_digest
from .small_book import commit_all, git

HANDOUT = "book/handouts/drug-free-is-a-start.md"
PO = "locales/es/LC_MESSAGES/drug-free-is-a-start.po"
NEWS = "book/what-changed.md"
CLIENT_TEXTS = [
    "book/handouts/drug-free-is-a-start.md",
    "book/handouts/peeling-the-layers.md",
    "locales/es/LC_MESSAGES/drug-free-is-a-start.po",
    "locales/es/LC_MESSAGES/peeling-the-layers.po",
]


@pytest.fixture
def book(unbuilt_small_book: Path) -> Path:
    return unbuilt_small_book


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="addictionbook")


def write(book: Path, path: str, text: str) -> None:
    (book / path).parent.mkdir(parents=True, exist_ok=True)
    (book / path).write_text(text, encoding="utf-8")


def edit(book: Path, path: str, old: str, new: str) -> None:
    text = (book / path).read_text(encoding="utf-8")
    assert old in text, f"{path} has no {old!r}"
    (book / path).write_text(text.replace(old, new, 1), encoding="utf-8")


def run_release(book: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "addictionbook.cli", "release", "--root", str(book), *args],
        capture_output=True,
        text=True,
    )


# --- the change log ----------------------------------------------------------------------------


def test_the_change_log_is_built_from_fragments_with_clinical_safety_first(book: Path) -> None:
    write(book, "changelog.d/3.site.md", "The site shows the edition in every footer.\n")
    write(book, "changelog.d/2.content.md", "A chapter on shame and repair.\n")
    write(book, "changelog.d/1.safety.md", "The handout names fentanyl in pills too.\n")
    write(book, "changelog.d/+naloxone.safety.md", "Naloxone can be bought without a script.\n")
    commit_all(book, "fragments")
    news, used = release.write_change_log(book, "0.2.0", "2027-03-02")
    assert news == NEWS and len(used) == 4, "the fragments are kept until the release is made"
    assert all(p.exists() for p in used)
    text = (book / NEWS).read_text(encoding="utf-8")
    marker = text.index("% towncrier")
    new, old = text.index("## Edition 0.2.0 (2027-03-02)"), text.index("## Edition 0.1.0")
    assert marker < new < old, "the newest edition first, under the page's introduction"
    sections = [
        text.index(f"### {s}", new) for s in ("Clinical safety", "Content", "Build and site")
    ]
    assert sections == sorted(sections) and sections[-1] < old, "clinical safety first"
    safety = text[sections[0] : sections[1]]
    assert "fentanyl in pills" in safety and "without a script" in safety
    assert "[#1](https://github.com/" in safety, "an issue number links its issue"
    assert "shame and repair" in text[sections[1] : sections[2]]
    notes = release.edition_notes(text, "0.2.0")
    assert notes.startswith("## Edition 0.2.0") and "Edition 0.1.0" not in notes
    assert not lint.run(Sources(book)), "the page is still a page the linter passes"
    # Built once: a second run (the release workflow on the tag) leaves it alone.
    assert release.write_change_log(book, "0.2.0", "2027-03-02") == (None, [])


def test_the_edition_is_written_as_text_changing_only_its_lines(book: Path) -> None:
    before = {name: (book / name).read_text(encoding="utf-8") for name in release.EDITION_FILES}
    assert release.write_edition(book, "0.2.0", "2027-03-02") == list(release.EDITION_FILES)
    config = (book / "_config.yml").read_text(encoding="utf-8")
    changed = set(config.splitlines()) ^ set(before["_config.yml"].splitlines())
    assert changed == {
        '    release: "0.1.0"',
        '    release: "0.2.0"',
        '    edition_date: ""',
        '    edition_date: "2027-03-02"',
    }
    assert Sources(book).edition == "0.2.0"
    cff = yaml.safe_load((book / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["version"] == "0.2.0" and str(cff["date-released"]) == "2027-03-02"
    lines = (book / "CITATION.cff").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(before["CITATION.cff"].splitlines()) + 1
    assert release.write_edition(book, "0.2.0", "2027-03-02") == [], "nothing left to write"


# --- what a release refuses ----------------------------------------------------------------------


def test_a_release_refuses_a_tree_with_changes(book: Path) -> None:
    edit(book, "book/glossary.md", "Tuning in", "Tuning into")
    before = tree_digest(book)
    result = run_release(book, "--version", "0.2.0", "--draft")
    assert result.returncode == 1
    assert "book/glossary.md: has changes that are not committed" in result.stderr
    assert "REFUSED" in result.stderr and "commit them" in result.stderr
    assert tree_digest(book) == before and not (book / "_build" / "release").exists()


@pytest.mark.parametrize("version", ["0.2", "v0.2.0", "0.0.9"])
def test_a_release_refuses_a_version_that_is_not_a_newer_edition(book: Path, version: str) -> None:
    result = run_release(book, "--version", version, "--draft")
    assert result.returncode == 1 and f"VERSION={version}" in result.stderr


def test_a_release_refuses_a_client_handout_not_reviewed_at_its_current_text(book: Path) -> None:
    """Every client handout, English and Spanish, named; nothing written. Reviewed at its
    current text, a handout passes; changed after, it is refused again."""
    before = tree_digest(book)
    result = run_release(book, "--version", "0.2.0")
    assert result.returncode == 1, result.stdout + result.stderr
    for path in CLIENT_TEXTS:
        assert f"{path}: the client handout is not clinically reviewed" in result.stderr, path
    assert "DRAFT=1" in result.stderr and "make review" in result.stderr
    assert tree_digest(book) == before and not (book / "_build").exists()
    sources = Sources(book)
    for path in CLIENT_TEXTS:
        review.write_record(sources, path, "Jane Doe, LCSW", dt.date(2027, 2, 1))
    day = dt.date(2027, 3, 1)
    assert release.check_reviews(Sources(book), day, draft=False) == []
    edit(book, HANDOUT, "It is a start, not the finish.", "It is a start.")
    with pytest.raises(release.Refused) as refused:
        release.check_reviews(Sources(book), day, draft=False)
    paths = {p.path for p in refused.value.problems}
    assert HANDOUT in paths and PO in paths, "the English changed and its translation is behind"


def test_a_release_that_fails_puts_back_what_it_had_written(book: Path) -> None:
    write(book, "changelog.d/1.unknown-kind.md", "Not a type towncrier knows.\n")
    commit_all(book, "a fragment of no known type")
    result = run_release(book, "--version", "0.2.0", "--draft")
    assert result.returncode == 1 and "towncrier could not build the change log" in result.stderr
    assert "put back" in result.stderr
    assert git(book, "status", "--porcelain") == "", "_config.yml and CITATION.cff restored"
    assert Sources(book).edition == "0.1.0"


# --- the pull request's checks ------------------------------------------------------------------


def branch(book: Path) -> None:
    git(book, "checkout", "-q", "-b", "change")


def test_the_fragment_check_asks_for_a_clinical_safety_fragment(book: Path) -> None:
    branch(book)
    edit(book, "book/glossary.md", "Tuning in", "Tuning into")
    commit_all(book, "not a client text")
    assert invoke("fragment-check", "--base", "main", "--root", str(book)).exit_code == 0
    edit(book, PO, 'msgstr "Dejar las drogas es un comienzo"', 'msgstr "Dejar las drogas"')
    write(book, "changelog.d/9.content.md", "A content fragment is not a safety one.\n")
    commit_all(book, "a client text")
    result = invoke("fragment-check", "--base", "main", "--root", str(book))
    assert result.exit_code == 1, result.output
    assert f"{PO}: a client text or safety message changed" in result.output
    assert "changelog.d/<pull request number>.safety.md" in result.output
    write(book, "changelog.d/9.safety.md", "The Spanish handout's title is shorter.\n")
    commit_all(book, "its fragment")
    result = invoke("fragment-check", "--base", "main", "--root", str(book))
    assert result.exit_code == 0 and "changelog.d/9.safety.md" in result.output


def test_the_fragment_check_reads_a_treatment_chapters_safety_box(book: Path) -> None:
    chapter = "book/small-chapter.md"
    box = "```{admonition} Safety\n:class: warning safety\nNaloxone reverses an overdose.\n```\n"
    edit(book, chapter, "myst:\n", "safety: treatment\nmyst:\n")
    edit(book, chapter, "## The idea\n", "## The idea\n\n" + box)
    commit_all(book, "a treatment chapter")
    branch(book)
    edit(book, chapter, "(Timing, how to run", "(The timing, how to run")
    commit_all(book, "outside the box")
    assert invoke("fragment-check", "--base", "main", "--root", str(book)).exit_code == 0
    edit(book, chapter, "Naloxone reverses an overdose.", "Naloxone reverses an opioid overdose.")
    commit_all(book, "inside the box")
    result = invoke("fragment-check", "--base", "main", "--root", str(book))
    assert result.exit_code == 1 and f"{chapter}: a client text" in result.output


def test_the_fragment_check_says_when_it_cannot_compare(book: Path) -> None:
    result = invoke("fragment-check", "--base", "origin/nowhere", "--root", str(book))
    assert result.exit_code == 2 and "fetch it first" in result.output


def test_a_pull_request_that_changes_a_reviewed_text_says_it_needs_a_new_review(
    book: Path, tmp_path: Path, monkeypatch
) -> None:
    review.write_record(Sources(book), HANDOUT, "Jane Doe, LCSW", dt.date.today())
    review.write_record(Sources(book), PO, "Ana Pérez, LCSW", dt.date.today())
    commit_all(book, "reviewed")
    branch(book)
    result = invoke("needs-review", "--base", "main", "--root", str(book))
    assert result.exit_code == 0 and "no clinically reviewed text changed" in result.output
    edit(book, HANDOUT, "It is a start, not the finish.", "It is a start.")
    commit_all(book, "a reviewed text changed")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = invoke("needs-review", "--base", "main", "--root", str(book))
    assert result.exit_code == 0, result.output
    assert f"warning: {HANDOUT}:" in result.output and "changed since its clinical review" in (
        result.output
    )
    assert f"warning: {PO}:" in result.output and "its English changed" in result.output
    assert "2 reviewed text(s)" in result.output
    text = summary.read_text(encoding="utf-8")
    assert "Texts that now need a new clinical review" in text and HANDOUT in text and PO in text


# --- a status that changes with the day, not the text ------------------------------------------


def epoch(day: str) -> str:
    return str(int(dt.datetime.fromisoformat(f"{day}T12:00:00+00:00").timestamp()))


def test_a_review_falling_due_reaches_the_page_and_the_list_in_an_incremental_build(
    small_book: Path,
) -> None:
    """The text does not change, the day does: the next build says "overdue" on the handout
    and in the status list, though Sphinx reads only what changed."""
    review.write_record(Sources(small_book), HANDOUT, "Jane Doe, LCSW", dt.date(2026, 1, 15))
    commit_all(small_book, "reviewed")
    out = small_book / "_build"
    handout = out / "html" / "book" / "handouts" / "drug-free-is-a-start.html"
    listing = out / "html" / "book" / "review-status.html"
    for day, words, kind in (
        ("2026-06-01", "Clinically reviewed by Jane Doe, LCSW on January 15, 2026", "Reviewed"),
        (
            "2027-06-01",
            "Clinical review overdue. Last reviewed by Jane Doe, LCSW",
            "Review overdue",
        ),
    ):
        env = {**os.environ, "SOURCE_DATE_EPOCH": epoch(day)}
        result = run_build("html", small_book, out, env=env)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr
        page = BeautifulSoup(handout.read_text(encoding="utf-8"), "html.parser")
        mark = page.select_one("article .review-status, article .review-band")
        assert mark.get_text(" ", strip=True).startswith(words), (day, mark)
        table = BeautifulSoup(listing.read_text(encoding="utf-8"), "html.parser")
        row = next(r for r in table.select("tbody tr") if "Being drug-free" in r.get_text())
        assert row.select("td")[2].get_text(strip=True) == kind, day
        when = dt.date.fromisoformat(day)
        assert f"Statuses as of {when:%B} {when.day}, {when.year}" in table.get_text(" ")


# --- a whole release, twice ----------------------------------------------------------------------


def clone(source: Path, target: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(source), str(target)], check=True)
    return target


def test_two_draft_releases_of_one_commit_give_the_same_files_each_saying_draft(
    small_book: Path, tmp_path: Path
) -> None:
    """make release VERSION=0.2.0 DRAFT=1 on two clones of one commit: the release files are
    named with the edition, byte for byte the same, listed with their SHA-256, and every handout
    not reviewed says "Draft: not clinically reviewed" at the top of its page and its PDF. The
    first clone is released from empty, as the release workflow does; the second starts from
    the first's notebook cache, as a contributor's checkout does, and executes nothing: the
    files must not depend on whether a notebook's outputs came from the cache."""
    write(small_book, "changelog.d/1.safety.md", "The handout names fentanyl in pills too.\n")
    commit_all(small_book, "a fragment")
    made: list[Path] = []
    for name in ("first", "second"):
        book = clone(small_book, tmp_path / name)
        if made:
            copy_notebook_cache(made[0], made[0] / "_build" / ".work", book)
        result = run_release(book, "--version", "0.2.0", "--draft")
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr
        if made:
            assert "executed" not in result.stdout, "the second release ran a notebook again"
        made.append(book)
    first, second = (b / "_build" / "release" / "0.2.0" for b in made)
    names = sorted(p.name for p in first.iterdir())
    stem = "interpersonal-neurobiology-of-addiction-0.2.0-draft"
    assert names == sorted(
        [
            f"{stem}.pdf",
            f"{stem}.epub",
            f"{stem}-chapter-01-small-chapter.pdf",
            f"{stem}-handout-drug-free-is-a-start-en.pdf",
            f"{stem}-handout-drug-free-is-a-start-es.pdf",
            f"{stem}-handout-peeling-the-layers-en.pdf",
            f"{stem}-handout-peeling-the-layers-es.pdf",
            f"{stem}-handouts.zip",
            f"{stem}-changes.md",
            f"{stem}-SHA256SUMS",
        ]
    )
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    sums = dict(
        reversed(line.split("  "))
        for line in (first / f"{stem}-SHA256SUMS").read_text().split("\n")
        if line
    )
    assert set(sums) == set(names) - {f"{stem}-SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256((first / name).read_bytes()).hexdigest() == digest, name
    with zipfile.ZipFile(first / f"{stem}-handouts.zip") as archive:
        entries = archive.infolist()
    assert [e.filename for e in entries] == [
        f"{stem}-handouts/en/drug-free-is-a-start.pdf",
        f"{stem}-handouts/en/peeling-the-layers.pdf",
        f"{stem}-handouts/es/drug-free-is-a-start.pdf",
        f"{stem}-handouts/es/peeling-the-layers.pdf",
    ]
    commit = int(git(made[0], "log", "-1", "--format=%ct").strip())
    assert {e.date_time for e in entries} == {dt.datetime.utcfromtimestamp(commit).timetuple()[:6]}
    assert "### Clinical safety" in (first / f"{stem}-changes.md").read_text()
    book = made[0]
    # The edition was written, the change log built and the fragment used.
    assert Sources(book).edition == "0.2.0"
    assert "## Edition 0.2.0" in (book / NEWS).read_text(encoding="utf-8")
    assert "D  changelog.d/1.safety.md" in git(book, "status", "--porcelain")
    # Every handout says it is a draft: in its PDF's text and on its page.
    for name, words in (
        ("drug-free-is-a-start-en", "Draft: not clinically reviewed"),
        ("peeling-the-layers-es", "Borrador: sin revisión clínica"),
    ):
        text = pdf_text(first / f"{stem}-handout-{name}.pdf")
        assert words in text, name
        assert "Edition 0.2.0" in text or "Edición 0.2.0" in text, name
    for page, words in (
        ("book/handouts/drug-free-is-a-start.html", "Draft: not clinically reviewed."),
        ("book/handouts/es/peeling-the-layers.html", "Borrador: sin revisión clínica."),
    ):
        html = BeautifulSoup((book / "_build" / "html" / page).read_text(), "html.parser")
        band = html.select_one("article .review-band.review-draft")
        assert band is not None and band.get_text(" ", strip=True).startswith(words), page
        footer = html.select_one(".bd-footer-content").get_text(" ", strip=True)
        assert "Edition 0.2.0." in footer and "(Edition 0.2.0)" in footer, page
    assert "Not yet clinically reviewed." in pdf_text(
        first / f"{stem}-chapter-01-small-chapter.pdf"
    )


def pdf_text(path: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return re.sub(r"\s+", " ", result.stdout)
