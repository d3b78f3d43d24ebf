"""Clinic editions (issue 23): a clinic profile is checked with its file and line, and the
sample clinic's edition of the client handouts carries its name and numbers, the national
lines, its footer, the page limits and the PDF/UA structure of the book's own handouts.

The editions are made from the run's shared print build (``make pdf``'s ``singlehtml`` page,
copied into a folder of this module's own), as ``make handouts PROFILE=...`` makes them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from addictionbook.content.profile import Profile, profile_paths, read_profile
from addictionbook.content.sources import Sources, english_docname
from addictionbook.pipeline.pdf import page_limit
from addictionbook.pipeline.profiles import (
    WORDS,
    build_profiles,
    edition_handouts,
    pdf_name,
    slice_of,
)
from addictionbook.problems import ProblemsFound
from addictionbook.settings import Settings

from .helpers import ROOT, tree_digest
from .pdf_structure import inspect
from .test_pdf import page_texts

BOOK = Sources(ROOT)
SAMPLE = ROOT / "profiles" / "sample-valley.yml"
#: The national lines every US edition keeps: crisis, emergency, treatment helpline.
NATIONAL = ("988", "911", "1-800-662-4357")


def squash(text: str) -> str:
    return " ".join(text.split())


# --- the profile, checked (no build) ---------------------------------------------------------


def test_the_repository_ships_one_sample_profile_of_a_fictional_clinic() -> None:
    """Its numbers are in 555-0100 to 555-0199 (reserved for fiction) and its address is
    example.org's, so a test build can never put a real clinic's number on a page."""
    assert profile_paths(ROOT) == [SAMPLE]
    profile = read_profile(SAMPLE)
    assert profile.numbers() and all(
        re.fullmatch(r"\(\d{3}\) 555-01\d\d", number) for number in profile.numbers()
    ), profile.numbers()
    assert re.match(r"https://[a-z.-]*\bexample\.org/", profile.website or "")
    assert profile.logo is not None and profile.logo.is_file() and profile.logo_alt
    assert set(profile.languages) == {"en", "es"}


#: A bad profile: (what to change in the sample's text, the text of the line it is on, a
#: word the message must say).
BAD = {
    "missing field": ("name: Sample Valley Community Counseling\n", "", "'name' is a required"),
    "unknown key": ("box: first\n", "box: first\nfax: (541) 555-0145\n", "'fax' was unexpected"),
    "malformed phone": ("main: (541) 555-0142", "main: call the front desk", "dials it"),
    "logo without alt": (
        '  alt: "Sample Valley Community Counseling logo: a hill over a river"\n',
        "",
        "'alt' is a required",
    ),
    "url that is not one": (
        "website: https://sample-valley.example.org/",
        "website: sample-valley",
        "web address",
    ),
    "text too long for its box": (
        "en: Sample County Mobile Crisis Team",
        "en: Sample County Mobile Crisis Team, which answers every call from anyone in the "
        "county at any hour",
        "is too long",
    ),
    "text without a language the clinic serves": (
        "      es: día y noche\n",
        "",
        "no 'es' version",
    ),
    "logo file that is not there": (
        "file: sample-valley.svg",
        "file: missing-logo.svg",
        "is not there",
    ),
}


def bad_profile(folder: Path, case: str) -> tuple[Path, int]:
    """The sample profile with ``case``'s change, in ``folder``; the line the problem is on."""
    old, new, _ = BAD[case]
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text, case
    changed = text.replace(old, new, 1)
    path = folder / "bad-clinic.yml"
    path.write_text(changed, encoding="utf-8")
    shutil.copyfile(SAMPLE.with_suffix(".svg"), folder / "sample-valley.svg")
    lines = changed.split("\n")
    if case == "missing field":
        line = 1 + next(i for i, t in enumerate(lines) if t and not t.startswith("#"))
    elif case == "logo without alt":
        line = 1 + lines.index("logo:")
    elif case == "text without a language the clinic serves":
        # the line of the text's name, ``hours:``, just above its one language
        line = next(i for i, t in enumerate(lines) if t.strip() == "en: day and night")
        assert lines[line - 1].strip() == "hours:"
    else:
        first = new.strip().split("\n")[-1]
        line = 1 + next(i for i, t in enumerate(lines) if t.strip() == first.strip())
    return path, line


@pytest.mark.parametrize("case", BAD)
def test_a_bad_profile_is_a_problem_with_its_file_and_line(tmp_path: Path, case: str) -> None:
    path, line = bad_profile(tmp_path, case)
    with pytest.raises(ProblemsFound) as raised:
        read_profile(path)
    (problem,) = raised.value.problems
    assert problem.path.endswith("bad-clinic.yml"), problem
    assert problem.line == line, f"{case}: {problem}"
    assert BAD[case][2] in problem.message, problem
    assert problem.hint, problem  # and what to do


def test_the_command_refuses_a_bad_profile_before_building_anything(tmp_path: Path) -> None:
    path, line = bad_profile(tmp_path, "malformed phone")
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "addictionbook.cli", "build", "handouts", "--profile", str(path)]
        + ["--root", str(ROOT), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"bad-clinic.yml:{line}: 'call the front desk' is not a number" in result.stderr
    assert "build pdf" not in result.stdout and not out.exists()


def test_slices_of_a_matrix_build_every_profile_once() -> None:
    paths = [Path(f"profiles/clinic-{n:02}.yml") for n in range(11)]
    slices = [slice_of(paths, f"{k}/4") for k in range(1, 5)]
    assert sorted(p for part in slices for p in part) == paths
    assert all(2 <= len(part) <= 3 for part in slices)
    assert slice_of(paths, None) == paths


# --- the sample clinic's edition ------------------------------------------------------------


@pytest.fixture(scope="module")
def clinic_out(build_out: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An output folder holding the run's print build (as ``make pdf`` left it) and the
    sample clinic's edition, made from it."""
    out = tmp_path_factory.mktemp("clinic-editions")
    singlehtml = Path(".work") / "_build" / "singlehtml"
    shutil.copytree(build_out / singlehtml, out / singlehtml)
    assert build_profiles(ROOT, out, [SAMPLE], Settings.from_environment(), jobs=1) == 0
    return out


@pytest.fixture(scope="module")
def edition(clinic_out: Path) -> Path:
    return clinic_out / "profiles" / "sample-valley"


def language_of(docname: str) -> str:
    found = english_docname(docname)
    return found[1] if found else "en"


def test_the_edition_has_each_client_handout_in_each_language_and_one_zip_of_them(
    edition: Path,
) -> None:
    clients = BOOK.handouts_for("client")
    expected = sorted(f"handouts/{name}.pdf" for name in clients) + sorted(
        f"handouts/es/{name}.pdf" for name in clients
    )
    made = sorted(p.relative_to(edition).as_posix() for p in edition.rglob("*.pdf"))
    assert sorted(made) == sorted(expected) and len(made) == 2 * len(clients) >= 4
    with zipfile.ZipFile(edition / "sample-valley-handouts.zip") as archive:
        assert sorted(archive.namelist()) == sorted(made)


def test_every_page_carries_the_clinic_its_numbers_the_national_lines_and_its_footer(
    edition: Path,
) -> None:
    profile = read_profile(SAMPLE)
    for docname in edition_handouts(BOOK, profile):
        language = language_of(docname)
        pages = page_texts(edition / pdf_name(docname))
        text = squash(" ".join(pages))
        assert WORDS[language]["title"].format(name=profile.name) in text, docname
        for number in profile.numbers():
            assert number in text, f"{docname}: {number}"
        assert profile.text(profile.naloxone, language) in text, docname
        for service in profile.services:
            assert profile.text(service.name, language) in text, docname
        for line in NATIONAL:
            assert re.search(rf"\b{re.escape(line)}\b", text), f"{docname}: {line}"
        prepared = WORDS[language]["prepared"].format(name=profile.name)
        for n, page in enumerate(pages, 1):
            assert prepared in squash(page), f"{docname}, page {n}: no '{prepared}'"
        # The box is on the first page, after the crisis box (box: first)
        first = squash(pages[0])
        crisis = "Need help now?" if language == "en" else "¿Necesita ayuda ahora?"
        assert first.index(crisis) < first.index(profile.name), docname


def test_every_pdf_is_tagged_pdfua_in_its_language_and_within_its_page_limit(
    edition: Path,
) -> None:
    """The same checks as the book's handouts: tagged, its language, a title, PDF/UA-1
    identification, headings from H1 in order and bookmarked, the logo a Figure with the
    profile's alt text; the independent pdfua checker finds nothing; the page limit holds."""
    from pdfua import Severity, validate

    profile = read_profile(SAMPLE)
    for docname in edition_handouts(BOOK, profile):
        path = edition / pdf_name(docname)
        pdf = inspect(path)
        english = english_docname(docname)
        limit = page_limit(BOOK, english[0] if english else docname)
        assert 1 <= pdf.pages <= limit, f"{docname}: {pdf.pages} pages, limit {limit}"
        assert pdf.marked and pdf.pdfua_part == "1" and pdf.title.strip(), docname
        assert pdf.lang == language_of(docname), f"{docname}: /Lang {pdf.lang!r}"
        levels = [level for level, _ in pdf.headings]
        assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
        assert [squash(t) for _, t in pdf.headings] == [squash(t) for _, t in pdf.outline]
        assert profile.logo_alt in pdf.figures, f"{docname}: the logo is no Figure"
        assert all(alt and alt.strip() for alt in pdf.figures), docname
        found = [
            f"{f.rule_id}: {f.message}"
            for f in validate(str(path)).findings
            if f.severity >= Severity.WARNING
        ]
        assert found == [], f"{docname}: {found[:3]}"


def test_a_second_build_with_nothing_changed_lays_out_nothing(
    clinic_out: Path, edition: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p: p.stat().st_mtime_ns for p in edition.rglob("*") if p.is_file()}
    assert build_profiles(ROOT, clinic_out, [SAMPLE], Settings.from_environment(), 1) == 0
    said = capsys.readouterr().out
    assert "sample-valley: nothing changed since the last build" in said, said
    assert {p: p.stat().st_mtime_ns for p in edition.rglob("*") if p.is_file()} == before


def test_a_box_that_pushes_a_handout_past_its_limit_fails_and_keeps_the_last_edition(
    clinic_out: Path, edition: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The box at the end (``box: last``) makes the Spanish "Dejar las drogas" three pages:
    the build names the handout's catalogue and the profile, says what the clinic can do,
    and the edition made before stays as it was."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    last = folder / SAMPLE.name
    last.write_text(
        SAMPLE.read_text(encoding="utf-8").replace("box: first", "box: last"), encoding="utf-8"
    )
    shutil.copyfile(SAMPLE.with_suffix(".svg"), folder / "sample-valley.svg")
    before = tree_digest(edition)
    assert build_profiles(ROOT, clinic_out, [last], Settings.from_environment(), 1) == 1
    said = capsys.readouterr().err
    assert re.search(
        r"locales/es/LC_MESSAGES/drug-free-is-a-start\.po: in the clinic edition of "
        r"\S*sample-valley\.yml: drug-free-is-a-start\.pdf is 3 pages; its limit is 2",
        said,
    ), said
    assert "box: first" in said
    assert tree_digest(edition) == before


def test_several_profiles_are_built_at_once_each_in_the_languages_it_serves(
    clinic_out: Path, tmp_path: Path
) -> None:
    """``make profiles`` on two processes: a second clinic serving English only gets the
    English handouts, with its own name; the sample's edition is untouched (current)."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    english_only = folder / "hillside.yml"
    english_only.write_text(
        SAMPLE.read_text(encoding="utf-8")
        .replace("Sample Valley Community Counseling", "Hillside Recovery Clinic")
        .replace("languages: [en, es]", "languages: [en]"),
        encoding="utf-8",
    )
    shutil.copyfile(SAMPLE.with_suffix(".svg"), folder / "sample-valley.svg")
    assert build_profiles(ROOT, clinic_out, [SAMPLE, english_only], Settings(), jobs=2) == 0
    made = clinic_out / "profiles" / "hillside"
    names = sorted(p.relative_to(made).as_posix() for p in made.rglob("*.pdf"))
    assert names == sorted(f"handouts/{n}.pdf" for n in BOOK.handouts_for("client"))
    for pdf in made.rglob("*.pdf"):
        assert "Prepared for Hillside Recovery Clinic" in squash(" ".join(page_texts(pdf)))


def test_profile_texts_pick_the_pages_language() -> None:
    assert Profile.text({"en": "Naloxone here", "es": "Naloxona aquí"}, "es") == "Naloxona aquí"
    assert Profile.text("Riverside Walk-in", "es") == "Riverside Walk-in"


# --- a clinic outside the United States -------------------------------------------------------

ABROAD = ROOT / "tests" / "profiles" / "ruritania.yml"
#: What a page made for another country may not name: the US lines.
US_LINES = re.compile(r"\b988\b|\b911\b|1-800-662-4357|\bSAMHSA\b")


@pytest.fixture(scope="module")
def abroad_edition(clinic_out: Path) -> Path:
    assert build_profiles(ROOT, clinic_out, [ABROAD], Settings.from_environment(), jobs=1) == 0
    return clinic_out / "profiles" / "ruritania"


def test_a_clinic_abroad_gets_its_own_lines_and_no_us_number_on_any_page(
    abroad_edition: Path,
) -> None:
    profile = read_profile(ABROAD)
    lines = profile.national_lines
    assert lines is not None and lines.country == "Ruritania"
    for docname in edition_handouts(BOOK, profile):
        path = abroad_edition / pdf_name(docname)
        text = squash(" ".join(page_texts(path)))
        assert not US_LINES.findall(text), f"{docname}: {US_LINES.findall(text)}"
        for number in lines.numbers.values():
            assert re.search(rf"(?<![\d-]){re.escape(number)}(?!\d)", text), f"{docname}: {number}"
        language = language_of(docname)
        assert f"call {lines.numbers['emergency']}" in text or "llame al 119" in text
        assert WORDS[language]["national"].format(country="Ruritania") in text, docname
        assert "crisis.example.org" in text, docname  # the box names the lines' sources
        pdf = inspect(path)
        assert pdf.lang == language and pdf.pdfua_part == "1", docname
        english = english_docname(docname)
        assert pdf.pages <= page_limit(BOOK, english[0] if english else docname), docname


def test_the_safety_messages_look_for_the_clinics_own_numbers() -> None:
    """With the profile's lines the handouts pass the client-safety check; with lines whose
    emergency number is not the one the text gives, the check asks for that number."""
    from addictionbook.content.lint.safety import check_client_handouts
    from addictionbook.content.national_lines import NationalLines

    lines = read_profile(ABROAD).national_lines
    assert lines is not None
    assert list(check_client_handouts(BOOK, lines=lines)) == []
    data = yaml.safe_load(ABROAD.read_text(encoding="utf-8"))["national_lines"]
    data["numbers"]["emergency"] = "112"  # the text still says 119
    found = list(check_client_handouts(BOOK, lines=NationalLines.from_data(data)))
    missing = {p.path for p in found if "crisis-triggers-and-911" in p.message}
    assert missing == {
        "book/handouts/drug-free-is-a-start.md",
        "book/handouts/peeling-the-layers.md",
        "locales/es/LC_MESSAGES/drug-free-is-a-start.po",
        "locales/es/LC_MESSAGES/peeling-the-layers.po",
    }, found
    assert all("112" in p.hint for p in found if "crisis-triggers" in p.message), found


@pytest.mark.parametrize(
    "old, new, line_of, words",
    [
        (
            "  sources:\n    crisis: https://crisis.example.org/\n",
            "  sources:\n",
            "  sources:",
            "'crisis' is a required property",
        ),
        (
            '      en: "119"\n',
            '      en: "call the emergency services"\n',
            "call the emergency",
            "does not name its number 119",
        ),
        (
            "emergency: https://emergency.example.org/",
            "emergency: emergency.example.org",
            "emergency: emergency.example.org",
            "the line's own web page",
        ),
    ],
)
def test_a_clinic_abroad_must_name_each_lines_source_and_number(
    tmp_path: Path, old: str, new: str, line_of: str, words: str
) -> None:
    text = ABROAD.read_text(encoding="utf-8")
    assert old in text
    changed = text.replace(old, new, 1)
    path = tmp_path / "abroad.yml"
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(ProblemsFound) as raised:
        read_profile(path)
    (problem,) = raised.value.problems
    lines = changed.split("\n")
    if "does not name" in words:  # on the line of the text's name, "emergency:"
        at = next(i for i, t in enumerate(lines) if line_of in t)
        assert problem.line == at, problem  # 1-based: the line above
    else:
        assert problem.line == 1 + next(i for i, t in enumerate(lines) if line_of in t), problem
    assert words in problem.message, problem


def test_a_logo_that_says_only_the_name_is_an_artifact_on_the_first_page(
    clinic_out: Path, tmp_path: Path
) -> None:
    """``decorative: true``: the logo is drawn at the top of page 1, outside the structure tree
    (an artifact a screen reader skips: the box's heading has the name in words), so no
    Figure; every piece of text is still tagged and the pdfua checker finds nothing."""
    from pdfua import Severity, validate

    folder = tmp_path / "profiles"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    alt = next(line for line in text.split("\n") if line.startswith("  alt: "))
    (folder / "lettered.yml").write_text(text.replace(alt, "  decorative: true"), "utf-8")
    shutil.copyfile(SAMPLE.with_suffix(".svg"), folder / "sample-valley.svg")
    assert read_profile(folder / "lettered.yml").logo_decorative
    assert build_profiles(ROOT, clinic_out, [folder / "lettered.yml"], Settings(), jobs=1) == 0
    path = clinic_out / "profiles" / "lettered" / "handouts" / "drug-free-is-a-start.pdf"
    structure = inspect(path)
    assert structure.figures == [] and structure.untagged_text == 0, structure.report(path.name)
    drawn = [corner_colours(path, page) for page in (1, 2)]
    assert drawn[0] > 20 and drawn[1] == 0, drawn  # the logo's green and blue, page 1 only
    plain = clinic_out / "profiles" / "sample-valley" / "handouts" / "drug-free-is-a-start.pdf"
    assert corner_colours(plain, 1) == 0  # the sample's logo is in its box, not the corner
    found = [f.rule_id for f in validate(str(path)).findings if f.severity >= Severity.WARNING]
    assert found == []


def corner_colours(pdf: Path, page: int) -> int:
    """How many coloured (not grey) pixels the top-right corner of ``page`` has, at 20 dpi:
    the top margin above the title, where a letterhead logo goes (poppler's PPM, read here)."""
    result = subprocess.run(
        ["pdftoppm", "-r", "20", "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True,
        check=True,
    )
    header = re.match(rb"P6\s(\d+)\s(\d+)\s255\s", result.stdout)
    assert header, result.stdout[:20]
    pixels = result.stdout[header.end() :]
    width, rows = int(header.group(1)), min(int(header.group(2)), 12)  # 0.6 in at 20 dpi
    coloured = 0
    for y in range(rows):
        for x in range(width // 2, width):
            r, g, b = pixels[3 * (y * width + x) : 3 * (y * width + x) + 3]
            coloured += max(r, g, b) - min(r, g, b) > 40
    return coloured
