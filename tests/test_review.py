"""Clinical review records and each page's review status (issue 22), on a small book of the
tests' own (``tests/small_book.py``): every status, the ``review`` command, malformed records,
and the warnings of ``make check``. Nothing here builds the book; what readers see in the built
site and PDFs is tested in tests/test_site.py, test_pdf.py and test_editions.py.

The repository's own book has no review record: no clinician has reviewed it.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner

from addictionbook.cli import main
from addictionbook.content import preflight, review, translations
from addictionbook.content.frontmatter import without_review_record
from addictionbook.content.lint.report import check_book
from addictionbook.content.sources import Sources
from addictionbook.settings import Settings

from .helpers import ROOT, tree_digest

HANDOUT = "book/handouts/drug-free-is-a-start"
SPANISH = "book/handouts/es/drug-free-is-a-start"
PO = "locales/es/LC_MESSAGES/drug-free-is-a-start.po"
CHAPTER = "book/small-chapter"
DAY = dt.date(2027, 3, 1)
REVIEWER = "Jane Doe, LCSW, CADC II"


@pytest.fixture
def book(unbuilt_small_book: Path) -> Path:
    return unbuilt_small_book


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="addictionbook")


def record(book: Path, page: str, by: str = REVIEWER, day: str = "2027-02-01"):
    result = invoke("review", page, "--by", by, "--date", day, "--root", str(book))
    assert result.exit_code == 0, result.output
    return result


def status(book: Path, docname: str, today: dt.date = DAY) -> review.Status:
    return review.statuses(Sources(book), today)[docname]


def edit(book: Path, path: str, old: str, new: str) -> None:
    text = (book / path).read_text(encoding="utf-8")
    assert old in text, f"{path} has no {old!r}"
    (book / path).write_text(text.replace(old, new, 1), encoding="utf-8")


# --- no page is reviewed until a clinician records it -----------------------------------------


def test_the_repository_book_has_no_review_record() -> None:
    """No clinician has reviewed the book: no page or catalogue may claim a review."""
    found = review.statuses(Sources(ROOT), dt.date.today())
    assert found and all(s.record is None and s.kind == "not-reviewed" for s in found.values())
    for po in (ROOT / "locales").rglob("*.po"):
        assert translations.read_catalogue(po).review_record == "", po


def test_every_page_starts_not_reviewed_and_the_generated_pages_are_not_listed(
    book: Path,
) -> None:
    found = review.statuses(Sources(book), DAY)
    assert set(found) == set(Sources(book).toc_entries) - {
        "book/review-status",
        "book/what-changed",
    }
    assert {s.kind for s in found.values()} == {"not-reviewed"}
    assert {d for d, s in found.items() if s.client} == set(review.client_pages(Sources(book)))
    assert found[SPANISH].source == PO and found[HANDOUT].source == f"{HANDOUT}.md"
    text = review.status_text(found[HANDOUT])
    assert text == "Not yet clinically reviewed."
    assert review.status_text(found[SPANISH]) == "Todavía sin revisión clínica."


# --- the review command -----------------------------------------------------------------------


def test_review_writes_only_the_record_and_the_page_is_reviewed(book: Path) -> None:
    before = (book / f"{HANDOUT}.md").read_text(encoding="utf-8")
    result = record(book, f"{HANDOUT}.md", by="Jane  Doe,  LCSW, CADC II")
    after = (book / f"{HANDOUT}.md").read_text(encoding="utf-8")
    assert f"recorded in {HANDOUT}.md" in result.output
    assert without_review_record(after) == before, "only the record was added"
    added = [
        line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[0] != " "
    ]
    assert added == [
        "+ clinical-review:",
        f'+   by: "{REVIEWER}"',
        '+   date: "2027-02-01"',
        '+   edition: "0.1.0"',
        f'+   fingerprint: "{translations.source_fingerprint(before)}"',
    ]
    assert after.index("clinical-review:") < after.index("\n---\n", 4), "inside the front matter"
    found = status(book, HANDOUT)
    assert found.kind == "reviewed" and found.record.by == REVIEWER
    assert found.record.date == dt.date(2027, 2, 1) and found.due == dt.date(2028, 2, 1)
    assert review.status_text(found) == (
        f"Clinically reviewed by {REVIEWER} on February 1, 2027 (edition 0.1.0). "
        "Next review due February 1, 2028."
    )
    assert not review.has_band(found, draft=True, handout=True)
    # A second review replaces the first, and still only the record differs.
    record(book, f"{HANDOUT}.md", by="Ana Pérez, MD", day="2027-02-15")
    again = (book / f"{HANDOUT}.md").read_text(encoding="utf-8")
    assert without_review_record(again) == before and again.count("clinical-review:") == 1
    assert status(book, HANDOUT).record.by == "Ana Pérez, MD"


def test_review_of_a_translation_writes_only_its_catalogue_header_line(book: Path) -> None:
    before = (book / PO).read_text(encoding="utf-8").splitlines()
    record(book, PO, by="Ana Pérez, LCSW, bilingual clinician")
    after = (book / PO).read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert len(after) == len(before) and len(changed) == 1
    assert changed[0][0] == "# Clinical-Review:"
    assert changed[0][1].startswith('# Clinical-Review: {by: "Ana Pérez, LCSW, bilingual')
    found = status(book, SPANISH)
    assert found.kind == "reviewed" and found.language == "es"
    assert review.status_text(found) == (
        "Revisión clínica: Ana Pérez, LCSW, bilingual clinician, el 1 de febrero de 2027 "
        "(edición 0.1.0). Próxima revisión: 1 de febrero de 2028."
    )
    assert status(book, HANDOUT).kind == "not-reviewed", "the English is reviewed on its own"
    # The Spanish page's stub names the same record.
    record(book, f"{SPANISH}.md", by="Luis Gómez, PhD", day="2027-02-20")
    assert status(book, SPANISH).record.by == "Luis Gómez, PhD"
    assert (book / f"{SPANISH}.md").read_text(encoding="utf-8").count("clinical-review") == 0


@pytest.mark.parametrize(
    "page, by, complaint",
    [
        ("book/nowhere.md", REVIEWER, "is not a page of the book"),
        ("book/review-status.md", REVIEWER, "generated by the build"),
        (f"{HANDOUT}.md", "Jane Doe", "Name, credentials"),
        (f"{HANDOUT}.md", ", LCSW", "Name, credentials"),
        ("locales/es/LC_MESSAGES/nowhere.po", REVIEWER, "is not the catalogue"),
    ],
)
def test_review_refuses_what_it_cannot_record_and_changes_nothing(
    book: Path, page: str, by: str, complaint: str
) -> None:
    before = tree_digest(book)
    result = invoke("review", page, "--by", by, "--root", str(book))
    assert result.exit_code == 1 and complaint in result.output, result.output
    assert tree_digest(book) == before


def test_review_refuses_a_translation_out_of_date_with_the_english_or_unfinished(
    book: Path,
) -> None:
    english = (book / f"{HANDOUT}.md").read_text(encoding="utf-8")
    edit(book, f"{HANDOUT}.md", "It is a start, not the finish.", "It is a start.")
    before = tree_digest(book)
    result = invoke("review", PO, "--by", REVIEWER, "--root", str(book))
    assert result.exit_code == 1 and "out of date with the English" in result.output
    assert tree_digest(book) == before
    (book / f"{HANDOUT}.md").write_text(english, encoding="utf-8")
    edit(book, PO, 'msgstr "Dejar las drogas es un comienzo"', 'msgstr ""')
    result = invoke("review", PO, "--by", REVIEWER, "--root", str(book))
    assert result.exit_code == 1 and "the translation is not finished" in result.output
    assert f"{PO}:" in result.output, "names the catalogue and the entry's line"


def test_review_command_needs_its_reviewer() -> None:
    result = invoke("review", f"{HANDOUT}.md")
    assert result.exit_code == 2 and "Missing option '--by'" in result.output


# --- the statuses ------------------------------------------------------------------------------


def test_a_page_changed_since_its_review(book: Path) -> None:
    record(book, f"{HANDOUT}.md")
    edit(book, f"{HANDOUT}.md", "It is a start, not the finish.", "It is a start.")
    found = status(book, HANDOUT)
    assert found.kind == "changed" and found.record.by == REVIEWER
    assert review.status_text(found).startswith(
        f"Changed since its clinical review ({REVIEWER}, February 1, 2027)"
    )
    assert review.has_band(found, draft=False, handout=True)
    heading, text = review.band(found, draft=False)
    assert heading == "Changed since its clinical review" and "Read it with a clinician" in text
    # Editing the front matter (but for the record) is a change of the text too.
    record(book, f"{HANDOUT}.md")
    edit(book, f"{HANDOUT}.md", "audience: client", "audience: client\npage_limit: 2")
    assert status(book, HANDOUT).kind == "changed"


def test_a_review_past_its_interval_is_overdue_and_the_interval_is_a_setting(book: Path) -> None:
    record(book, f"{HANDOUT}.md", day="2026-01-15")
    assert status(book, HANDOUT, dt.date(2027, 1, 15)).kind == "reviewed", "due that day"
    found = status(book, HANDOUT, dt.date(2027, 1, 16))
    assert found.kind == "overdue" and found.due == dt.date(2027, 1, 15)
    assert review.status_text(found) == (
        f"Clinical review overdue: last reviewed by {REVIEWER} on January 15, 2026 (edition "
        "0.1.0); the next review was due January 15, 2027."
    )
    edit(book, "_config.yml", "review_interval_months: 12", "review_interval_months: 24")
    found = status(book, HANDOUT, dt.date(2027, 1, 16))
    assert found.kind == "reviewed" and found.due == dt.date(2028, 1, 15)


def test_a_translation_whose_english_changed_is_out_of_date_whatever_its_review(
    book: Path,
) -> None:
    record(book, PO, by="Ana Pérez, LCSW")
    record(book, f"{HANDOUT}.md")
    assert status(book, SPANISH).kind == "reviewed", "the English's own record changes nothing"
    edit(book, f"{HANDOUT}.md", "It is a start, not the finish.", "It is a start.")
    found = status(book, SPANISH)
    assert found.kind == "outdated" and found.record is not None
    assert review.status_text(found).startswith("Desactualizada respecto al inglés")
    assert review.band(found, draft=False)[0] == "Desactualizada respecto al inglés"
    assert review.band(found, draft=True)[0] == "Borrador: sin revisión clínica"


def test_only_handouts_not_reviewed_get_a_band_clinicians_handouts_only_in_a_draft(
    book: Path,
) -> None:
    found = review.statuses(Sources(book), DAY)
    client, chapter = found[HANDOUT], found[CHAPTER]
    assert review.has_band(client, draft=False, handout=True)
    assert review.band(client, draft=False) == (
        "Not clinically reviewed",
        "Read it with a clinician before you give it to a client.",
    )
    assert review.band(client, draft=True)[0] == "Draft: not clinically reviewed"
    clinician = review.Status("book/handouts/guide", "en", "not-reviewed", None, None, "", 0, False)
    assert not review.has_band(clinician, draft=False, handout=True)
    assert review.has_band(clinician, draft=True, handout=True)
    assert not review.has_band(chapter, draft=True, handout=False)


# --- malformed records ---------------------------------------------------------------------


RECORD = f'clinical-review:\n  by: "{REVIEWER}"\n  date: "2027-02-01"\n  edition: "0.1.0"\n'


@pytest.mark.parametrize(
    "old, new, line_of, complaint",
    [
        (f'by: "{REVIEWER}"', 'by: "Jane Doe"', "  by:", "by: 'Jane Doe' does not match"),
        ('date: "2027-02-01"', 'date: "2027-02-30"', "  date:", "is not a 'date'"),
        ('date: "2027-02-01"', "date: 2027-02-01", "  date:", "date must be in quotes"),
        ('edition: "0.1.0"', "edition: 0.1", "  edition:", "0.1 is not of type 'string'"),
        ("fingerprint: ", "fingerprint: 123456789012 #", "  fingerprint:", "not of type 'string'"),
        ('edition: "0.1.0"', 'edition: "0.1.0"\n  reviewer: me', "clinical-review:", "reviewer"),
        (RECORD, "clinical-review: yes\n", "clinical-review:", "is not of type 'object'"),
    ],
)
def test_a_malformed_record_is_a_problem_with_file_and_line(
    book: Path, old: str, new: str, line_of: str, complaint: str
) -> None:
    record(book, f"{HANDOUT}.md")
    text = (book / f"{HANDOUT}.md").read_text(encoding="utf-8")
    if old == RECORD:
        old = text[text.index("clinical-review:") : text.index("\n---\n", 4) + 1]
    edit(book, f"{HANDOUT}.md", old, new)
    lines = (book / f"{HANDOUT}.md").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith(line_of))
    (problem,) = preflight.run(Sources(book))
    assert (problem.path, problem.line) == (f"{HANDOUT}.md", line), problem
    assert complaint in problem.message and "make review" in problem.hint, problem
    assert status(book, HANDOUT).kind == "not-reviewed", "a malformed record claims nothing"
    result = invoke("check", str(book))
    assert result.exit_code == 1 and f"{HANDOUT}.md:{line}: " in result.output


@pytest.mark.parametrize(
    "value, complaint",
    [
        ("Ana Pérez, LCSW, 2027-01-15", "is not a record"),
        (
            '{by: "Ana Pérez, LCSW", date: 2027-01-15, edition: "0.2"}',
            "'fingerprint' is a required",
        ),
        ("{by: [unclosed", "not valid YAML"),
    ],
)
def test_a_malformed_catalogue_record_is_a_problem_with_its_header_line(
    book: Path, value: str, complaint: str
) -> None:
    edit(book, PO, "# Clinical-Review:", f"# Clinical-Review: {value}")
    lines = (book / PO).read_text(encoding="utf-8").splitlines()
    line = lines.index(f"# Clinical-Review: {value}") + 1
    problems = preflight.run(Sources(book))
    assert problems and {(p.path, p.line) for p in problems} == {(PO, line)}, problems
    assert any(complaint in p.message for p in problems), problems


def test_a_record_in_a_translations_page_stub_is_a_problem(book: Path) -> None:
    edit(book, f"{SPANISH}.md", "language: es\n", "language: es\n" + RECORD)
    (problem,) = preflight.run(Sources(book))
    assert problem.path == f"{SPANISH}.md" and "goes in its catalogue" in problem.message


# --- make check's warnings -------------------------------------------------------------------


def test_make_check_warns_of_changed_and_overdue_reviews_without_failing(
    book: Path, tmp_path: Path, capsys
) -> None:
    assert check_book(Sources(book), Settings(), DAY) == 0
    assert "warning" not in capsys.readouterr().out, "a page never reviewed is no warning"
    record(book, f"{HANDOUT}.md", day="2025-01-01")
    record(book, PO, by="Ana Pérez, LCSW")
    edit(book, PO, "# Clinical-Review:", "# A comment\n# Clinical-Review:")
    edit(book, PO, 'msgstr "Dejar las drogas es un comienzo"', 'msgstr "Dejar las drogas"')
    summary = tmp_path / "summary.md"
    settings = Settings(github_actions=True, github_step_summary=summary)
    assert check_book(Sources(book), settings, DAY) == 0, "warnings do not fail make check"
    out = capsys.readouterr()
    handout_line = (book / f"{HANDOUT}.md").read_text().splitlines().index("clinical-review:") + 1
    po_line = (book / PO).read_text().splitlines().index(
        next(
            line for line in (book / PO).read_text().splitlines() if line.startswith("# Clinical-R")
        )
    ) + 1
    assert (
        f"warning: {HANDOUT}.md:{handout_line}: clinical review overdue: reviewed by {REVIEWER} "
        "on 2025-01-01, the next review was due 2026-01-01" in out.out
    )
    assert f"warning: {PO}:{po_line}: changed since its clinical review by Ana Pérez" in out.out
    assert f"::warning file={HANDOUT}.md,line={handout_line}::clinical review overdue" in out.out
    assert "2 review warning(s)" in out.err
    assert "clinical reviews to renew: 2 problem(s)" in summary.read_text(encoding="utf-8")
