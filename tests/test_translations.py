"""The Spanish client handouts: catalogues, the linter's checks on them, and the built pages.

The linter tests run on a small copy of the book (one client handout, its Spanish stub and its
catalogue) and break one thing each; the build tests read the site built once for the run
(conftest.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from bs4 import BeautifulSoup

from addictionbook.content import lint, translations
from addictionbook.content.lint import language, readability, rules, safety
from addictionbook.content.lint import translations as lint_translations
from addictionbook.content.lint.report import check_book
from addictionbook.content.sources import HANDOUT_PREFIX, Sources, translated_docname
from addictionbook.figures.registry import BY_ID
from addictionbook.problems import Problem
from addictionbook.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
#: The repository's book, as the build reads it.
BOOK = Sources(ROOT)
NAME = "drug-free-is-a-start"
PO = f"locales/es/LC_MESSAGES/{NAME}.po"
TOC = f"""\
format: jb-book
root: book/index
chapters:
  - file: book/handouts/{NAME}
  - file: book/handouts/es/{NAME}
"""
CLIENT_HANDOUTS = [
    entry for entry, page in Sources(ROOT).pages.items() if page.front.get("audience") == "client"
]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """The real first client handout, its Spanish stub and catalogue, in a book of their own."""
    for name in (f"book/handouts/{NAME}.md", f"book/handouts/es/{NAME}.md", PO):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, tmp_path / name)
    (tmp_path / "_toc.yml").write_text(TOC, encoding="utf-8")
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    (tmp_path / "book/index.md").write_text("# Home\n", encoding="utf-8")
    return tmp_path


def found(root: Path) -> list[Problem]:
    """What the linter finds in the fixture book's translation: complete, person-first, safe
    and easy to read (the checks that read catalogues)."""
    sources = Sources(root)
    checks = (
        lint_translations.check_translations,
        language.check_language,
        safety.check_client_handouts,
        readability.check_readability,
    )
    return sorted(problem for check in checks for problem in check(sources))


def po_line(root: Path, needle: str) -> int:
    lines = (root / PO).read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


def edit_po(root: Path, old: str, new: str) -> None:
    text = (root / PO).read_text(encoding="utf-8")
    assert old in text, f"the catalogue has no {old!r}"
    (root / PO).write_text(text.replace(old, new, 1), encoding="utf-8")


# --- catalogues ------------------------------------------------------------------------------


def test_every_client_handout_has_a_spanish_page_and_a_catalogue() -> None:
    entries = BOOK.toc_entries
    assert CLIENT_HANDOUTS, "no client handout found"
    for english in CLIENT_HANDOUTS:
        assert translated_docname(english) in entries
        assert translations.catalogue_path(ROOT, english).exists()


def test_the_fixture_book_has_no_translation_findings(book: Path) -> None:
    assert found(book) == []


def test_a_fuzzy_entry_fails_naming_the_file_line_and_entry(book: Path) -> None:
    msgid = 'msgid "Why stopping is a start"'
    edit_po(book, msgid, f"#, fuzzy\n{msgid}")
    (finding,) = found(book)
    assert (finding.path, finding.line) == (PO, po_line(book, msgid))
    assert "fuzzy" in str(finding) and '"Why stopping is a start"' in str(finding)


def test_an_untranslated_entry_fails_naming_the_file_line_and_entry(book: Path) -> None:
    edit_po(book, 'msgstr "Recuerde"', 'msgstr ""')
    (finding,) = found(book)
    assert (finding.path, finding.line) == (PO, po_line(book, 'msgid "Remember"'))
    assert "untranslated" in str(finding) and '"Remember"' in str(finding)


def test_a_numbered_heading_must_escape_its_period(book: Path) -> None:
    edit_po(book, 'msgstr "Recuerde"', 'msgstr "1. Recuerde"')
    (finding,) = found(book)
    assert finding.line == po_line(book, 'msgstr "1. Recuerde"') - 1  # the msgid's line
    assert r"1\. " in str(finding)


def test_a_client_handout_without_a_spanish_version_fails(book: Path) -> None:
    (book / "_toc.yml").write_text(TOC.replace(f"  - file: book/handouts/es/{NAME}\n", ""))
    (finding,) = found(book)
    assert finding.path == f"book/handouts/{NAME}.md"
    assert f"book/handouts/es/{NAME}" in str(finding)


def test_a_spanish_page_without_a_catalogue_fails(book: Path) -> None:
    (book / PO).unlink()
    messages = [str(f) for f in found(book)]
    assert any("no catalogue" in m and "make translations" in m for m in messages)


def test_make_check_fails_on_a_fuzzy_entry(book: Path, capsys) -> None:
    check_book(Sources(book), Settings())
    assert PO not in capsys.readouterr().out
    edit_po(book, 'msgid "Remember"', '#, fuzzy\nmsgid "Remember"')
    assert check_book(Sources(book), Settings()) == 1
    line = po_line(book, 'msgid "Remember"')
    assert f'{PO}:{line}: fuzzy entry (the English changed) "Remember"' in capsys.readouterr().out


# --- person-first Spanish, safety messages, readability ----------------------------------------


@pytest.mark.parametrize(
    ("spanish", "flagged"),
    [
        ("Ningún adicto tiene la culpa.", "adicto"),
        ("Los drogadictos merecen ayuda.", "drogadictos"),
        ("Lleva un año limpio.", None),  # "lleva ... limpio": not in the list's verbs
        ("Está limpio desde mayo.", "Está limpio"),
        ("La prueba salió sucia.", "salió sucia"),
        ("Los alcohólicos también.", "Los alcohólicos"),
        ("Los consumidores de drogas merecen ayuda.", "consumidores de drogas"),
        ("Las personas que usan drogas merecen ayuda.", None),
    ],
)
def test_stigmatising_spanish_in_the_books_voice(book: Path, spanish: str, flagged) -> None:
    edit_po(book, 'msgstr "Recuerde"', f'msgstr "{spanish}"')
    messages = [str(f) for f in found(book)]
    if flagged is None:
        assert messages == []
    else:
        (message,) = messages
        assert f"'{flagged}' is stigmatising" in message


def test_stigmatising_spanish_inside_quotations_is_allowed(book: Path) -> None:
    edit_po(book, 'msgstr "Recuerde"', 'msgstr "Le dijeron «adicto», y eso duele."')
    assert found(book) == []


SPANISH_SAFETY = {
    # message id -> (a text in the real catalogue, what takes it away)
    "medication-is-treatment": ("La metadona, la buprenorfina", "La metadona, la otra"),
    "overdose-after-a-break": ("a solas", "con cuidado"),  # every "no use ... a solas"
    "no-sudden-stop-of-alcohol-or-sedatives": ("puede causar convulsiones", "puede ser malo"),
    "overdose-named": ("sobredosis", "reacción"),
    "crisis-triggers-and-911": ("está en peligro ahora mismo", "necesita ayuda"),
    "talk-to-a-doctor-or-nurse-before-cutting-down": (
        "hable con un médico o una enfermera antes de",
        "pida ayuda para",
    ),
    # the Spanish options are national_lines.yml's, which the catalogue names as a role;
    # another line in its place takes them away
    "crisis-line-in-spanish": ("{line}`crisis-in-spanish`", "{line}`crisis-also`"),
}


def test_every_spanish_safety_message_has_a_test() -> None:
    ids = [m.id for m in rules.safety_messages("es")]
    assert ids == list(SPANISH_SAFETY)
    assert "crisis-line-in-spanish" not in [m.id for m in rules.safety_messages()]


@pytest.mark.parametrize("message", list(SPANISH_SAFETY))
def test_the_spanish_lacking_a_safety_message_fails(book: Path, message: str) -> None:
    present, broken = SPANISH_SAFETY[message]
    with (book / PO).open("rb") as handle:
        catalog = read_po(handle)
    changed = [m for m in catalog if m.id and present in m.string]
    assert changed, f"no translation says {present!r}"
    for m in changed:
        m.string = m.string.replace(present, broken)
    with (book / PO).open("wb") as handle:
        write_po(handle, catalog, width=76)
    (finding,) = found(book)
    assert finding.path == PO and f"'{message}'" in str(finding)


def test_the_spanish_crisis_options_are_the_published_ones() -> None:
    """Call 988 and press 2; text AYUDA to 988; SAMHSA's line in English and Spanish (sources
    cited in client_safety.yml and national_lines.yml), in every Spanish catalogue as a reader
    reads it: the national lines, which it names as roles, filled in."""
    from addictionbook.content.national_lines import DATA as LINES
    from addictionbook.content.national_lines import us_lines

    for english in CLIENT_HANDOUTS:
        catalogue = translations.read_catalogue(translations.catalogue_path(ROOT, english))
        text = us_lines().expand(catalogue.text(), "es")
        assert re.search(r"llame al 988 y marque 2", text)
        assert re.search(r"la palabra AYUDA por texto al 988", text)
        assert "1-800-662-4357" in text and "en inglés y en español" in text
    source = (ROOT / "src/addictionbook/content/client_safety.yml").read_text(encoding="utf-8")
    assert "https://988lifeline.org/get-help/what-to-expect" in source
    assert "https://www.samhsa.gov/find-help/national-helpline" in source
    lines = LINES.read_text(encoding="utf-8")
    assert "https://988lifeline.org/get-help/what-to-expect" in lines
    assert "https://www.samhsa.gov/find-help/national-helpline" in lines


def test_spanish_handouts_read_fairly_easily() -> None:
    for english in CLIENT_HANDOUTS:
        text = translations.read_catalogue(translations.catalogue_path(ROOT, english)).text()
        assert len(text.split()) > 150, "the catalogue's text was not read"
        assert readability.szigriszt_pazos(text) >= readability.CLIENT_MIN_SZIGRISZT


def test_hard_spanish_fails_the_readability_floor(book: Path) -> None:
    hard = (
        "La interdependencia neurobiológica entre las experiencias relacionales tempranas y "
        "la regulación afectiva determina, consecuentemente, la vulnerabilidad "
        "psicopatológica subsiguiente, particularmente ante circunstancias "
        "socioeconómicas desfavorables e intergeneracionalmente transmitidas"
    )
    text = (book / PO).read_text(encoding="utf-8")
    text = re.sub(r'(msgstr ")[^"]+(")', lambda m: f"{m.group(1)}{hard}.{m.group(2)}", text)
    (book / PO).write_text(text, encoding="utf-8")
    messages = [str(f) for f in found(book)]
    assert any("Szigriszt-Pazos" in m and "65" in m for m in messages), messages


def test_make_check_reports_spanish_readability_beside_the_english_grades(capsys) -> None:
    assert check_book(BOOK, Settings()) == 0
    report = capsys.readouterr().err
    for english in CLIENT_HANDOUTS:
        line = next(x for x in report.splitlines() if f"{english}.md:" in x)
        assert re.search(r"SMOG [\d.]+, Flesch-Kincaid [\d.]+; es: Szigriszt-Pazos [\d.]+", line)


# --- status line and page source ------------------------------------------------------------


def english_text(book: Path) -> str:
    return (book / f"book/handouts/{NAME}.md").read_text(encoding="utf-8")


def test_status_line_says_date_and_english_edition(book: Path) -> None:
    """What a client can use: the date and the English edition, never a commit id. (Whether a
    clinician has reviewed the translation is its review status line: tests/test_review.py.)"""
    catalogue = translations.read_catalogue(book / PO)
    assert catalogue.review_record == ""  # no clinician has reviewed the book's translations
    source = catalogue.english_source
    assert source is not None and source.path == f"book/handouts/{NAME}.md"
    assert source.edition == Sources(book).edition == "0.1.0"
    line = translations.status_line(catalogue, english_text(book))
    assert line.startswith("Traducido el ") and line.endswith(" de la edición 0.1.0 en inglés.")
    assert "commit" not in line and "cambió" not in line and "revisión" not in line.lower()


def test_the_books_catalogues_follow_the_current_english() -> None:
    for english in CLIENT_HANDOUTS:
        catalogue = translations.read_catalogue(translations.catalogue_path(ROOT, english))
        assert not translations.out_of_date(catalogue, BOOK.text(f"{english}.md")), english


def test_status_line_says_when_the_english_changed_since(book: Path) -> None:
    catalogue = translations.read_catalogue(book / PO)
    changed = english_text(book) + "\nA new English sentence.\n"
    assert translations.out_of_date(catalogue, changed)
    line = translations.status_line(catalogue, changed)
    assert "El texto en inglés cambió después" in line


def test_a_header_field_babel_wrapped_is_read_whole_and_written_back_on_one_line(
    book: Path,
) -> None:
    """sphinx-intl rewrites a catalogue with babel, which wraps the header comment at 76
    columns: a long field goes on over the next comment lines. It is read whole, and ``make
    translations`` writes it back on one line without leaving a stray piece behind."""
    from addictionbook.pipeline.translations import set_header_fields

    record = (
        '{by: "Ana Pérez, LCSW, bilingual clinician", date: 2027-01-15, edition: "0.1.0", '
        'fingerprint: "0123456789ab"}'
    )
    set_header_fields(book / PO, {translations.REVIEW_FIELD: record})
    one_line = (book / PO).read_text(encoding="utf-8").splitlines()
    assert f"# {translations.REVIEW_FIELD}: {record}" in one_line
    with (book / PO).open("rb") as handle:
        catalog = read_po(handle)
    with (book / PO).open("wb") as handle:
        write_po(handle, catalog, width=76)  # as sphinx-intl update does
    wrapped = (book / PO).read_text(encoding="utf-8").splitlines()
    assert f"# {translations.REVIEW_FIELD}: {record}" not in wrapped, "babel wrapped it"
    catalogue = translations.read_catalogue(book / PO)
    assert catalogue.review_record == record
    assert catalogue.english_source is not None, "the English-Source field too"
    assert catalogue.field_lines[translations.REVIEW_FIELD] == po_line(book, "# Clinical-Review")
    set_header_fields(book / PO, {translations.REVIEW_FIELD: record})
    after = (book / PO).read_text(encoding="utf-8").splitlines()
    assert f"# {translations.REVIEW_FIELD}: {record}" in after
    assert len(after) == len(wrapped) - 1, "the wrapped piece is gone"
    # A comment line after a field written whole is not taken as part of it.
    edit_po(book, f"# {translations.REVIEW_FIELD}:", f"# A note.\n# {translations.REVIEW_FIELD}:")
    assert translations.read_catalogue(book / PO).review_record == record


def test_spanish_source_renames_the_label_and_shows_the_spanish_figure() -> None:
    english = (ROOT / "book/handouts/peeling-the-layers.md").read_text(encoding="utf-8")
    source = translations.spanish_source(english, "book/handouts/peeling-the-layers")
    assert "(peeling-the-layers-es)=" in source and "(peeling-the-layers)=" not in source
    assert 'show("fig-layered-model-client-es")' in source
    assert "name: fig-layered-model-worksheet-es" in source
    assert BY_ID["fig-layered-model-client-es"].alt in source
    assert source.count("```{code-cell}") == english.count("```{code-cell}")


# --- the built site and EPUB -------------------------------------------------------------------


def page(site: Path, docname: str) -> BeautifulSoup:
    return BeautifulSoup((site / f"{docname}.html").read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("english", CLIENT_HANDOUTS)
def test_spanish_page_is_lang_es_and_links_both_ways(site: Path, english: str) -> None:
    spanish = translated_docname(english)
    es, en = page(site, spanish), page(site, english)
    assert es.html["lang"] == "es" and en.html["lang"] == "en"
    to_english = es.select_one("p.translation-link a")
    assert to_english.get_text() == "In English" and to_english["lang"] == "en"
    assert (site / spanish).parent.joinpath(to_english["href"]).resolve() == (
        site / f"{english}.html"
    ).resolve()
    to_spanish = en.select_one("p.translation-link a")
    assert to_spanish.get_text() == "En español" and to_spanish["lang"] == "es"
    assert (site / english).parent.joinpath(to_spanish["href"]).resolve() == (
        site / f"{spanish}.html"
    ).resolve()


@pytest.mark.parametrize("english", CLIENT_HANDOUTS)
def test_spanish_page_is_translated_with_status_and_safety_lines(site: Path, english: str) -> None:
    spanish = translated_docname(english)
    es = page(site, spanish)
    main = es.select_one("article").get_text(" ", strip=True)
    catalogue = translations.read_catalogue(translations.catalogue_path(ROOT, english))
    title = next(e.msgstr for e in catalogue.entries if e.msgid == BOOK.title(english))
    assert es.select_one("h1").get_text().strip("#").strip() == title
    for word in ("Methadone", "Stay safe", "Need help now?", "Do not use alone"):
        assert word not in main, f"{word!r} left in English on {spanish}"
    assert "marque 2" in main and "AYUDA" in main and "naloxona" in main
    status = translations.status_line(catalogue, BOOK.text(f"{english}.md"))
    assert es.select_one("p.translation-status").get_text() == status
    (download,) = es.select("p.pdf-download a")  # its own PDF (tests/test_pdf.py opens it)
    assert download["href"].endswith(f"pdf/handouts/{spanish.removeprefix(HANDOUT_PREFIX)}.pdf")
    description = es.find("meta", attrs={"name": "description"})["content"]
    assert description != page(site, english).find("meta", attrs={"name": "description"})["content"]


def test_spanish_worksheet_shows_the_spanish_figure_and_caption(site: Path) -> None:
    es = page(site, "book/handouts/es/peeling-the-layers")
    image = es.select_one("figure img")
    assert image["alt"] == BY_ID["fig-layered-model-client-es"].alt
    assert "Las capas, de afuera hacia el centro" in es.select_one("figcaption").get_text()
    svg = (site / "book/handouts/es" / image["src"]).resolve().read_text(encoding="utf-8")
    assert "Lo que más uso" in svg  # matplotlib keeps each text in a comment
    assert "What I use most" not in svg


def test_handouts_index_lists_both_languages(site: Path) -> None:
    index = page(site, "book/handouts/index")
    hrefs = {a["href"].split("#")[0]: a for a in index.select("article a[href]")}
    for english in CLIENT_HANDOUTS:
        name = english.removeprefix("book/handouts/")
        assert f"{name}.html" in hrefs
        assert hrefs[f"es/{name}.html"].get("lang") == "es"


@pytest.mark.parametrize("english", CLIENT_HANDOUTS)
def test_epub_spanish_page_is_lang_es(book_epub: Path, english: str) -> None:
    import zipfile

    spanish = translated_docname(english)
    with zipfile.ZipFile(book_epub) as epub:
        names = [n for n in epub.namelist() if n.endswith(f"{spanish}.xhtml")]
        assert names, f"{spanish}.xhtml is not in the EPUB"
        xhtml = epub.read(names[0]).decode("utf-8")
    root = re.search(r"<html[^>]*>", xhtml).group(0)
    assert 'lang="es"' in root and 'xml:lang="es"' in root


def test_a_translated_worksheet_is_re_executed_when_the_figure_library_changes() -> None:
    """The stub has no code; the page it becomes imports the figure library, so a change to
    the library must drop its cached outputs and re-read it, as for the English page."""
    from addictionbook.execution.cache import imports_helper

    assert imports_helper(ROOT / "book/handouts/es/peeling-the-layers.md")
    assert not imports_helper(ROOT / f"book/handouts/es/{NAME}.md")
    assert "addictionbook" not in (ROOT / "book/handouts/es/peeling-the-layers.md").read_text()


def test_spanish_titles_are_read_in_spanish_on_every_page(site: Path) -> None:
    """A Spanish handout's title appears on every page (the sidebar, previous/next links):
    wherever it does, it sits inside ``lang="es"`` (WCAG 3.1.2, language of parts)."""
    titles = {}
    for english in CLIENT_HANDOUTS:
        catalogue = translations.read_catalogue(translations.catalogue_path(ROOT, english))
        spanish = {e.msgid: e.msgstr for e in catalogue.entries}
        titles[spanish[BOOK.title(english)]] = english
    seen = 0
    for entry in BOOK.toc_entries:
        for link in page(site, entry).select("a[href]"):
            if link.get_text(" ", strip=True) in titles:
                seen += 1
                marked = link.get("lang") == "es" or link.find(attrs={"lang": "es"})
                assert marked or link.find_parent(attrs={"lang": "es"}), f"{entry}: {link}"
    assert seen >= len(BOOK.toc_entries) * len(titles), "the titles were not found in sidebars"


def test_the_spanish_worksheet_numbers_its_figure_in_spanish_from_1(site: Path) -> None:
    """ "Figura 1" for the Spanish worksheet's own figure (it said "Fig. 2", numbered on from
    the English handouts); the English pages keep "Fig."."""
    spanish = page(site, "book/handouts/es/peeling-the-layers")
    numbers = [s.get_text().strip() for s in spanish.select("span.caption-number")]
    assert numbers == ["Figura 1"], numbers
    english = page(site, "book/handouts/peeling-the-layers")
    assert [s.get_text().strip() for s in english.select("span.caption-number")] == ["Fig. 1"]


def test_the_documented_translation_workflow_runs_end_to_end(small_copy: Path) -> None:
    """A contributor changes an English sentence of a client handout (not committed), then
    follows CONTRIBUTING: make html, make translations, make html. Every step passes (the
    gettext builder no longer breaks the site's environment, nor the site its); the catalogue
    records the English edition and text, never a working-tree state; and the Spanish page
    says, in Spanish and where the English shows through, that the text is not translated yet,
    with the English words marked as English. On the small book, a git checkout with the
    handout and its catalogue, so that the edit is uncommitted as a contributor's is."""
    book = small_copy
    english = book / "book" / "handouts" / f"{NAME}.md"
    changed = "A new sentence about calling a friend before the hard hour of the day."
    text = english.read_text(encoding="utf-8")
    english.write_text(text.replace("\n## ", f"\n{changed}\n\n## ", 1), encoding="utf-8")
    steps = [
        ["build", "html"],
        ["translations", "--out", str(book / "_build")],
        ["build", "html"],
        ["translations", "--out", str(book / "_build")],
    ]
    for step in steps:
        result = subprocess.run(
            [sys.executable, "-m", "addictionbook.cli", *step, "--root", str(book)],
            capture_output=True,
            text=True,
        )
        said = result.stdout + result.stderr
        assert result.returncode == 0, said[-3000:]
        assert "incompatible" not in said and "Traceback" not in said, said[-3000:]
        if step[0] == "translations":  # step lines like the builds; Sphinx's own in the log
            assert "  read pages " in said and "reading sources..." not in said, said[-3000:]
    catalogue = translations.read_catalogue(book / PO)
    assert str(catalogue.english_source) == (
        f"book/handouts/{NAME}.md, edition 0.1.0, "
        f"text {translations.text_fingerprint(english.read_text(encoding='utf-8'))}"
    )
    assert "uncommitted" not in (book / PO).read_text(encoding="utf-8")
    assert any(e.msgid == changed and not e.msgstr for e in catalogue.entries)
    assert (
        subprocess.run(
            [sys.executable, "-m", "addictionbook.cli", "build", "html", "--root", str(book)],
            capture_output=True,
        ).returncode
        == 0
    )
    spanish = page(book / "_build" / "html", translated_docname(f"book/handouts/{NAME}"))
    (note,) = spanish.select(".untranslated-note")
    assert note.get_text().strip() == "Texto en inglés, aún sin traducir:"
    words = note.find_next_sibling()
    assert words.get("lang") == "en" and words.get_text().strip() == changed
    status = spanish.select_one("p.translation-status").get_text()
    assert "El texto en inglés cambió después" in status


def test_a_catalogue_with_a_syntax_error_fails_check_and_names_its_line(book: Path) -> None:
    """An unclosed quote inside the medication message's msgstr: babel reads it without a
    word, and the Spanish page lost half a sentence. The catalogue is read strictly (GNU
    gettext's msgfmt): make check, and every build's preflight, name the .po file and line."""
    lines = (book / PO).read_text(encoding="utf-8").split("\n")
    at = next(i for i, text in enumerate(lines) if text.startswith('msgstr "') and len(text) > 12)
    lines[at] = lines[at][:-1]  # drop the closing quote
    (book / PO).write_text("\n".join(lines), encoding="utf-8")
    found = [p for p in lint.run(Sources(book)) if p.path == PO]
    assert len(found) == 1, found
    assert found[0].line == at + 1 and "not a well-formed PO file" in found[0].message
    assert "double quotes" in found[0].hint
