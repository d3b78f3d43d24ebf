"""The content linter: one fixture per kind of finding, reported at the right line.

Each test writes a small, clean book into a temporary folder, breaks exactly one thing, and
asserts the linter reports that one problem at its line; a last test runs the linter on the
real book, which must pass.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from addictionbook.content import lint
from addictionbook.content.frontmatter import split_front_matter
from addictionbook.content.lint import language, readability, rules, safety, structure
from addictionbook.content.sources import Sources
from addictionbook.problems import Problem, ProblemsFound

from .helpers import ROOT, run_python

CHAPTER = """\
---
myst:
  html_meta:
    description: "A chapter for the linter's tests."
---

(chapter)=
# A chapter

## Learning objectives

1. Learn one thing.

## Key terms

{term}`Attunement`

## Teaching

Attunement matters {cite:p}`daily-nd`.

```{admonition} Case vignette (a fictional composite)
:class: note
*Sam is a composite.* He feels felt.
```

## Discussion questions

1. Why?

## Self-check

```{dropdown} What is attunement?
Tuning in.
```

## Notes for instructors

Ten minutes.
"""

GLOSSARY = """\
---
myst:
  html_meta:
    description: "Glossary."
---

# Glossary

```{glossary}
Attunement
  Tuning in to another person's state.
```
"""

HANDOUT = """\
---
audience: client
myst:
  html_meta:
    description: "A client handout."
---

# A handout

Stopping is a start. You can talk to a friend. Friends help you feel calm.

If you are in crisis, call or text 988.

- **Medicine for addiction is treatment.** Methadone, buprenorphine and naltrexone treat
  addiction to opioids. There are medicines for alcohol problems too.
- **After a break, your usual amount can kill.** Do not use alone. Carry naloxone. Call 911.
- **Do not stop alcohol, benzos or other sedatives all at once.** It can cause seizures. A
  doctor or nurse can help.
- **Overdose.** Street pills can have fentanyl. Opioids mixed with alcohol can stop your
  breathing. If someone will not wake up, give naloxone.
- **Danger.** Get help at once if you are thinking about suicide. If you or someone else is in
  danger right now, call 911.
- **Before you cut down.** If you drink every day, talk to a doctor or nurse before you cut down.
"""

#: For each message in client_safety.yml, the fixture text that carries it (and only it).
SAFETY_SENTENCES = {
    "medication-is-treatment": (
        "- **Medicine for addiction is treatment.** Methadone, buprenorphine and naltrexone treat\n"
        "  addiction to opioids. There are medicines for alcohol problems too.\n"
    ),
    "overdose-after-a-break": (
        "- **After a break, your usual amount can kill.** Do not use alone. Carry naloxone. "
        "Call 911.\n"
    ),
    "no-sudden-stop-of-alcohol-or-sedatives": (
        "- **Do not stop alcohol, benzos or other sedatives all at once.** It can cause seizures. "
        "A\n  doctor or nurse can help.\n"
    ),
    "overdose-named": (
        "- **Overdose.** Street pills can have fentanyl. Opioids mixed with alcohol can stop your\n"
        "  breathing. If someone will not wake up, give naloxone.\n"
    ),
    "crisis-triggers-and-911": (
        "- **Danger.** Get help at once if you are thinking about suicide. If you or someone else "
        "is in\n  danger right now, call 911.\n"
    ),
    "talk-to-a-doctor-or-nurse-before-cutting-down": (
        "- **Before you cut down.** If you drink every day, talk to a doctor or nurse before you "
        "cut down.\n"
    ),
}

TOC = """\
format: jb-book
root: book/index
parts:
  - caption: Chapters
    numbered: true
    chapters:
      - file: book/chapter
  - caption: Back matter
    chapters:
      - file: book/glossary
      - file: book/handout
"""

INDEX = '---\nmyst:\n  html_meta:\n    description: "Home."\n---\n\n# Home\n'
BIB = "@misc{daily-nd,\n  author = {Daily, Jon},\n  title = {Article},\n  year = {n.d.}\n}\n"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    files = {
        "_toc.yml": TOC,
        "_config.yml": "bibtex_bibfiles:\n  - book/references.bib\n",
        "book/index.md": INDEX,
        "book/chapter.md": CHAPTER,
        "book/glossary.md": GLOSSARY,
        "book/handout.md": HANDOUT,
        "book/references.bib": BIB,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


CHECKS = (
    structure.check_front_matter,
    structure.check_sections,
    structure.check_alt_text,
    structure.check_terms,
    structure.check_citations,
    language.check_language,
    language.check_spelling,
    safety.check_client_handouts,
    safety.check_treatment_chapters,
    readability.check_readability,
    structure.check_vignettes,
    structure.check_figure_texts,
)


def findings(root: Path) -> list[Problem]:
    book = Sources(root)
    return sorted(f for c in CHECKS for f in c(book))


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture does not contain {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, name: str, needle: str) -> int:
    lines = (root / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


def only(found: list[Problem]) -> Problem:
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_the_clean_fixture_has_no_findings(book: Path) -> None:
    assert findings(book) == []


def test_missing_front_matter(book: Path) -> None:
    text = (book / "book/chapter.md").read_text(encoding="utf-8")
    (book / "book/chapter.md").write_text(text.split("---\n", 2)[2], encoding="utf-8")
    found = only(findings(book))
    assert (found.path, found.line) == ("book/chapter.md", 1)
    assert "missing front matter" in str(found)


def test_front_matter_without_description(book: Path) -> None:
    edit(book, "book/chapter.md", '    description: "A chapter for the linter\'s tests."\n', "")
    found = only(findings(book))
    assert (found.path, found.line) == ("book/chapter.md", 1)
    assert "description" in str(found)


def test_missing_required_section(book: Path) -> None:
    edit(book, "book/chapter.md", "## Self-check", "## Quiz")
    found = only(findings(book))
    assert found.path == "book/chapter.md" and "'## Self-check'" in str(found)


def test_sections_out_of_order(book: Path) -> None:
    edit(book, "book/chapter.md", "## Key terms\n\n{term}`Attunement`\n", "")
    edit(
        book,
        "book/chapter.md",
        "## Notes for instructors",
        "## Key terms\n\n{term}`Attunement`\n\n## Notes for instructors",
    )
    found = only(findings(book))
    assert "out of order" in str(found)


def test_figure_without_alt_text(book: Path) -> None:
    edit(
        book,
        "book/chapter.md",
        "## Teaching\n",
        "## Teaching\n\n```{figure} ../figures/x.svg\n:name: fig-x\n\nA caption.\n```\n",
    )
    found = only(findings(book))
    assert found.line == line_of(book, "book/chapter.md", "{figure}")
    assert "no alt text" in str(found)


def test_markdown_image_without_alt_text(book: Path) -> None:
    edit(
        book, "book/chapter.md", "Attunement matters", "![](../figures/x.png)\n\nAttunement matters"
    )
    found = only(findings(book))
    assert found.line == line_of(book, "book/chapter.md", "![](")


def test_figure_cell_without_alt_text(book: Path) -> None:
    cell = (
        "```{code-cell} ipython3\n:tags: [remove-input]\n:mystnb:\n:  figure:\n"
        ":    name: fig-y\n:    caption: A caption.\n\nprint(1)\n```\n"
    )
    edit(book, "book/chapter.md", "## Discussion questions", cell + "\n## Discussion questions")
    found = only(findings(book))
    assert found.line == line_of(book, "book/chapter.md", "{code-cell}")
    assert "figure cell has no alt text" in str(found)


def test_term_without_glossary_entry(book: Path) -> None:
    edit(book, "book/chapter.md", "He feels felt.", "He feels {term}`felt sense`.")
    found = only(findings(book))
    assert found.line == line_of(book, "book/chapter.md", "felt sense")
    assert "'felt sense' has no glossary entry" in str(found)


def test_glossary_entry_never_used(book: Path) -> None:
    edit(
        book, "book/glossary.md", "```{glossary}\n", "```{glossary}\nResonance\n  Shared state.\n\n"
    )
    found = only(findings(book))
    assert (found.path, found.line) == (
        "book/glossary.md",
        line_of(book, "book/glossary.md", "Resonance"),
    )
    assert "never linked" in str(found)


def test_citation_key_missing_from_bib(book: Path) -> None:
    edit(book, "book/chapter.md", "{cite:p}`daily-nd`", "{cite:p}`daily-nd,siegel-1998`")
    found = only(findings(book))
    assert found.line == line_of(book, "book/chapter.md", "siegel-1998")
    assert "'siegel-1998' is not in book/references.bib" in str(found)


def test_citation_with_pre_and_post_text(book: Path) -> None:
    edit(
        book,
        "book/chapter.md",
        "{cite:p}`daily-nd`",
        "{cite:p}`{see}daily-nd{as cited in X, n.d.}`",
    )
    assert findings(book) == []
    edit(book, "book/chapter.md", "daily-nd{as cited", "siegel-1999{as cited")
    found = only(findings(book))
    assert "'siegel-1999' is not in book/references.bib" in str(found)


def test_citation_inside_an_admonition_is_checked(book: Path) -> None:
    edit(book, "book/chapter.md", "He feels felt.", "He feels felt {cite:t}`nobody-2020`.")
    found = only(findings(book))
    assert found.line == line_of(book, "book/chapter.md", "nobody-2020")


def test_stigmatising_term_in_own_voice(book: Path) -> None:
    edit(
        book, "book/chapter.md", "Attunement matters", "Addicts need attunement. Attunement matters"
    )
    found = only(findings(book))
    assert found.line == line_of(book, "book/chapter.md", "Addicts need")
    assert "'Addicts' is stigmatising" in str(found) and "person with" in str(found)


def test_stigmatising_term_inside_quotations_is_allowed(book: Path) -> None:
    edit(
        book,
        "book/chapter.md",
        "Attunement matters",
        'The article speaks of "addicts".\n\n> Addicts are not addicted to drugs.\n\n'
        "Attunement matters",
    )
    assert findings(book) == []


@pytest.mark.parametrize(
    ("british", "us"),
    [
        ("counselling", "counseling"),
        ("behaviour", "behavior"),
        ("colour", "color"),
        ("drink-driving", "drunk driving"),
        ("recognise", "recognize"),
        ("judgement", "judgment"),
        ("centre", "center"),
        ("signalling", "signaling"),
    ],
)
def test_british_spelling_in_own_voice(book: Path, british: str, us: str) -> None:
    edit(book, "book/chapter.md", "Attunement matters", f"Think of {british}. Attunement matters")
    found = only(findings(book))
    assert found.line == line_of(book, "book/chapter.md", f"Think of {british}")
    assert f"'{british}' is British spelling" in str(found) and us.split()[0] in str(found)


@pytest.mark.parametrize(
    ("british", "flagged"),
    [
        ("Lee misses sessions before a two-week holiday.", "two-week holiday"),
        ("The counselor says the holiday is not about Lee.", "the holiday"),
        ("Routines such as waiting lists and staff rotas matter.", "waiting lists"),
        ("He was left with relatives at short notice.", "at short notice"),
        ("The client agrees a new time.", "agrees a new time"),
        ("At home, after a row, nobody came back.", "after a row"),
        ("His father read out his school reports.", "school reports"),
        ("She sets limits on her bank card.", "bank card"),
        ("Mark for formulation across all five layers.", "Mark for formulation"),
        ("The caregiver adjusts, not the other way round.", "the other way round"),
        ("Have the support information to hand.", "information to hand"),
        ("Clinicians in training on placement read it.", "on placement"),
        ("She stayed in hospital for a week.", "in hospital"),
    ],
)
def test_british_usage_in_own_voice(book: Path, british: str, flagged: str) -> None:
    edit(book, "book/chapter.md", "Attunement matters", f"{british} Attunement matters")
    messages = [f.message for f in findings(book)]
    assert any(f"'{flagged}' is British spelling" in m for m in messages), messages


def test_us_senses_of_the_british_usage_words_are_not_flagged(book: Path) -> None:
    edit(
        book,
        "book/chapter.md",
        "Attunement matters",
        "The holidays are hard. Read the last row of the table. Hand in the worksheet. "
        "She went to the hospital. Mark the row where a clinician could step in. "
        'Lee said "a two-week holiday" in the quoted note. Attunement matters',
    )
    assert findings(book) == []


def test_british_spelling_in_a_figure_caption(book: Path) -> None:
    cell = (
        "```{code-cell} ipython3\n:tags: [remove-input]\n:mystnb:\n:  figure:\n"
        ":    name: fig-y\n:    caption: Behaviour in colour.\n:  image:\n"
        ":    alt: A schematic of two people.\n\nprint(1)\n```\n"
    )
    edit(book, "book/chapter.md", "## Discussion questions", cell + "\n## Discussion questions")
    found = findings(book)
    assert {f.line for f in found} == {line_of(book, "book/chapter.md", "{code-cell}")}
    assert sorted(str(f).split("'")[1] for f in found) == ["Behaviour", "colour"]


def test_british_spelling_in_quotations_and_journal_titles_is_allowed(book: Path) -> None:
    edit(
        book,
        "book/chapter.md",
        "Attunement matters",
        'The review appeared in *Behaviour*. The article says "as we work towards wellness".\n\n'
        "> We work towards their wellness.\n\nAttunement matters",
    )
    assert findings(book) == []


def test_client_handout_above_reading_grade(book: Path) -> None:
    hard = (
        "Notwithstanding considerable interindividual heterogeneity, neurobiological "
        "conceptualisations of dysregulated affective experience necessitate "
        "comprehensive multidisciplinary psychotherapeutic intervention. "
    ) * 3
    edit(book, "book/handout.md", "Stopping is a start.", hard)
    found = findings(book)
    assert {f.path for f in found} == {"book/handout.md"}
    assert any("SMOG" in str(f) for f in found) and any("Flesch-Kincaid" in str(f) for f in found)


def test_client_handout_without_crisis_line(book: Path) -> None:
    edit(book, "book/handout.md", "If you are in crisis, call or text 988.", "Take care.")
    found = only(findings(book))
    assert "crisis-help line" in str(found)


def test_every_client_safety_message_has_a_fixture() -> None:
    assert [m.id for m in rules.safety_messages()] == list(SAFETY_SENTENCES)


@pytest.mark.parametrize("message", list(SAFETY_SENTENCES))
def test_client_handout_missing_one_safety_message(book: Path, message: str) -> None:
    edit(book, "book/handout.md", SAFETY_SENTENCES[message], "")
    found = only(findings(book))
    assert found.path == "book/handout.md"
    assert f"without the safety message '{message}'" in str(found)
    assert "client_safety.yml" in str(found)


def test_client_safety_message_needs_all_its_parts(book: Path) -> None:
    edit(book, "book/handout.md", "Do not use alone. ", "")
    found = only(findings(book))
    assert "'overdose-after-a-break'" in str(found) and "use alone" in str(found)


@pytest.mark.parametrize(
    ("message", "old", "new"),
    [
        # the word itself: a handout that only hints at it ("too much") fails
        ("overdose-named", "- **Overdose.** Street", "- **Too much.** Street"),
        ("overdose-named", "can have fentanyl", "can be strong"),
        ("overdose-named", "give naloxone", "call for help"),
        # the crisis box names its trigger, and 911 is for danger right now
        ("crisis-triggers-and-911", "if you are thinking about suicide", "if you are in crisis"),
        ("crisis-triggers-and-911", "If you or someone else is in\n  danger right now, ", ""),
        # "a doctor or nurse can help" is not enough: the talk comes before cutting down
        (
            "talk-to-a-doctor-or-nurse-before-cutting-down",
            "talk to a doctor or nurse before you cut down",
            "cut down slowly on your own",
        ),
        ("talk-to-a-doctor-or-nurse-before-cutting-down", "every day", "a lot"),
    ],
)
def test_client_handout_missing_part_of_a_new_safety_message(
    book: Path, message: str, old: str, new: str
) -> None:
    edit(book, "book/handout.md", old, new)
    found = only(findings(book))
    assert found.path == "book/handout.md"
    assert f"without the safety message '{message}'" in found.message


def test_safety_messages_are_not_required_of_clinician_pages(book: Path) -> None:
    edit(book, "book/handout.md", "audience: client", "audience: clinician")
    for sentence in SAFETY_SENTENCES.values():
        edit(book, "book/handout.md", sentence, "")
    assert findings(book) == []


def test_vignette_not_labelled_fictional(book: Path) -> None:
    edit(book, "book/chapter.md", "Case vignette (a fictional composite)", "Case vignette")
    found = only(findings(book))
    assert found.line == line_of(book, "book/chapter.md", "{admonition} Case vignette")


def test_toc_entry_for_missing_file(book: Path) -> None:
    edit(
        book,
        "_toc.yml",
        "      - file: book/handout\n",
        "      - file: book/handout\n      - file: book/nowhere\n",
    )
    found = only(lint.run(Sources(book)))
    assert (found.path, found.line) == ("_toc.yml", line_of(book, "_toc.yml", "book/nowhere"))


def test_ipynb_added_to_the_repository(book: Path) -> None:
    subprocess.run(["git", "init", "-q", str(book)], check=True)
    (book / "book" / "draft.ipynb").write_text("{}", encoding="utf-8")
    subprocess.run(["git", "-C", str(book), "add", "book/draft.ipynb"], check=True)
    found = only(list(structure.check_tracked_files(Sources(book))))
    assert found.path == "book/draft.ipynb" and "jupytext" in str(found)


def test_build_output_added_to_the_repository(book: Path) -> None:
    subprocess.run(["git", "init", "-q", str(book)], check=True)
    (book / "_build" / "html").mkdir(parents=True)
    (book / "_build" / "html" / "index.html").write_text("<html></html>", encoding="utf-8")
    subprocess.run(["git", "-C", str(book), "add", "-f", "_build/html/index.html"], check=True)
    found = only(list(structure.check_tracked_files(Sources(book))))
    assert found.path == "_build/html/index.html"


def test_cli_prints_path_line_message_and_exits_non_zero(book: Path) -> None:
    edit(book, "book/chapter.md", "He feels felt.", "He feels {term}`felt sense`.")
    result = subprocess.run(
        [sys.executable, "-m", "addictionbook.cli", "check", str(book)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    line = line_of(book, "book/chapter.md", "felt sense")
    assert f"book/chapter.md:{line}: the term 'felt sense'" in result.stdout


def test_the_real_book_passes_every_check() -> None:
    found = lint.run(Sources(ROOT))
    assert found == [], "\n".join(map(str, found))


def test_checking_the_book_reads_the_figure_registry_without_matplotlib() -> None:
    """make check and a release's checks read every figure's id, caption and alt text; they
    draw nothing, so they do not import matplotlib (half a second of each command)."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from addictionbook.content import lint\n"
        "from addictionbook.content.sources import Sources\n"
        f"assert lint.run(Sources(Path({str(ROOT)!r}))) == []\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n"
    )
    assert run_python(code) == "[]"


def test_split_front_matter_reads_the_yaml_block_only() -> None:
    front, rest = split_front_matter("---\naudience: client\n---\n# Title\n\n---\nmore\n")
    assert front == {"audience": "client"} and rest == "# Title\n\n---\nmore\n"
    assert split_front_matter("# No front matter\n") == ({}, "# No front matter\n")
    assert split_front_matter("---\n: [unclosed\n---\n# T\n")[0] == {}


@pytest.mark.parametrize(
    ("title", "word"),
    [
        ("{dropdown} What is labelled a relapse?", "labelled"),
        ("{admonition} Behaviour", "Behaviour"),
    ],
)
def test_british_spelling_in_a_title_is_caught(book: Path, title: str, word: str) -> None:
    """The titles of dropdowns and admonitions are text a reader sees: checked like prose."""
    edit(book, "book/chapter.md", "{dropdown} What is attunement?", title)
    found = only(findings(book))
    assert found.line == line_of(book, "book/chapter.md", title)
    assert f"'{word}' is British spelling" in str(found)


def test_stigmatising_word_in_a_title_is_caught(book: Path) -> None:
    edit(
        book,
        "book/chapter.md",
        "{dropdown} What is attunement?",
        "{dropdown} Why do addicts relapse?",
    )
    found = only(findings(book))
    assert "'addicts' is stigmatising" in str(found)


#: The Safety box of a treatment chapter, one sentence per message of treatment_safety.yml.
TREATMENT_BOX = {
    "overdose-after-a-break": "Tolerance falls after a break, so the usual amount can kill; "
    "pills can hold fentanyl.",
    "mixing": "Mixing opioids with alcohol or benzodiazepines can stop breathing.",
    "naloxone-and-not-using-alone": "Carry naloxone, call 911, and never use alone.",
    "medically-supervised-stops": "Daily sedatives are stopped with a doctor: seizures.",
    "medication-first-line": "Medication for opioid use disorder is first-line.",
}


def treatment_chapter(book: Path, box: dict[str, str] | None = TREATMENT_BOX) -> None:
    """Mark the fixture chapter ``safety: treatment`` and give it a Safety box of ``box``."""
    edit(book, "book/chapter.md", "---\nmyst:", "---\nsafety: treatment\nmyst:")
    if box is not None:
        text = "\n".join(f"- {sentence}" for sentence in box.values())
        admonition = f"```{{admonition}} Safety\n:class: warning safety\n{text}\n```\n\n"
        edit(book, "book/chapter.md", "## Teaching\n", f"## Teaching\n\n{admonition}")


def test_every_treatment_safety_message_has_a_fixture() -> None:
    found = rules.safety_messages("en", rules.TREATMENT_SAFETY_FILE)
    assert [m.id for m in found] == list(TREATMENT_BOX)


def test_a_treatment_chapter_with_its_safety_box_passes(book: Path) -> None:
    treatment_chapter(book)
    assert findings(book) == []


def test_a_treatment_chapter_without_a_safety_box_fails(book: Path) -> None:
    treatment_chapter(book, box=None)
    found = only(findings(book))
    assert (found.path, found.line) == ("book/chapter.md", 1)
    assert "without its Safety box" in str(found) and "{admonition} titled Safety" in str(found)


@pytest.mark.parametrize("message", list(TREATMENT_BOX))
def test_a_safety_box_missing_one_message_fails(book: Path, message: str) -> None:
    treatment_chapter(book, {k: v for k, v in TREATMENT_BOX.items() if k != message})
    found = only(findings(book))
    assert found.line == line_of(book, "book/chapter.md", "{admonition} Safety")
    assert f"lacks the message '{message}'" in str(found)
    assert "treatment_safety.yml" in str(found)


def test_an_unknown_safety_kind_is_named(book: Path) -> None:
    edit(book, "book/chapter.md", "---\nmyst:", "---\nsafety: treatmnt\nmyst:")
    found = only(findings(book))
    assert "'safety: treatmnt' is not a kind of page" in str(found)


def test_the_books_treatment_chapters_are_marked() -> None:
    marked = {
        d for d, page in Sources(ROOT).pages.items() if page.front.get("safety") == "treatment"
    }
    assert {"book/in-session", "book/layered-model", "book/translating-to-treatment"} <= marked


def test_a_malformed_rule_names_its_file_and_line(tmp_path: Path) -> None:
    """The linter's data are validated by their JSON Schemas: a rule without its 'instead' is
    a problem at that rule's line, not a KeyError in the middle of a check."""
    broken = tmp_path / "language.yml"
    broken.write_text(
        "- pattern: '\\baddicts?\\b'\n  instead: 'a person with ...'\n"
        "- pattern: '\\bjunkies?\\b'\n",
        encoding="utf-8",
    )
    with pytest.raises(ProblemsFound) as stopped:
        rules.load(broken)
    (problem,) = stopped.value.problems
    assert problem.line == 3 and "'instead' is a required property" in problem.message
    assert "language.schema.json" in problem.hint


def test_an_unknown_key_in_a_safety_message_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "client_safety.yml"
    broken.write_text(
        "- id: one\n  description: d\n  require:\n    en: ['x']\n  requires: typo\n",
        encoding="utf-8",
    )
    with pytest.raises(ProblemsFound) as stopped:
        rules.load(broken)
    assert "'requires' was unexpected" in stopped.value.problems[0].message


def test_a_rule_that_is_not_a_regular_expression_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "spelling.yml"
    broken.write_text("spellings:\n  - pattern: '(colour'\n    instead: color\n", encoding="utf-8")
    monkeypatch.setattr(rules, "DATA", tmp_path)
    rules.spelling_rules.cache_clear()
    try:
        with pytest.raises(ProblemsFound) as stopped:
            rules.spelling_rules()
    finally:
        rules.spelling_rules.cache_clear()
    (problem,) = stopped.value.problems
    assert problem.line == 2 and "'(colour' is not a regular expression" in problem.message


def test_the_books_rule_files_are_valid() -> None:
    for name in ("language.yml", "language.es.yml", "spelling.yml", "client_safety.yml"):
        rules.load(rules.DATA / name)
    rules.load(rules.TREATMENT_SAFETY_FILE)


FIGURE_CELL = (
    "```{{code-cell}} ipython3\n:tags: [remove-input]\n:mystnb:\n:  figure:\n"
    ':    name: fig-x\n:    caption: "{caption}"\n:  image:\n:    alt: "{alt}"\n\n'
    'from addictionbook.figures import show\n\nshow("fig-three-systems")\n```\n'
)


def test_a_figure_cell_copies_the_registrys_caption_and_alt_text(book: Path) -> None:
    """The registry is the one source of a figure's caption and alt text: a copy that lost a
    hedge is caught at the cell's line; the registry's own text passes."""
    from addictionbook.figures.registry import BY_ID

    spec = BY_ID["fig-three-systems"]
    assert '"' not in spec.caption + spec.alt, "the fixture quotes them in double quotes"
    exact = FIGURE_CELL.format(caption=spec.caption, alt=spec.alt)
    edit(book, "book/chapter.md", "## Discussion questions", exact + "\n## Discussion questions")
    assert [f for f in findings(book) if "registry" in str(f)] == []
    hedged = spec.caption.split(". ")[0] + "."  # the simplification sentence dropped
    (book / "book/chapter.md").write_text(
        (book / "book/chapter.md").read_text().replace(spec.caption, hedged), encoding="utf-8"
    )
    found = [f for f in findings(book) if "registry" in str(f)]
    assert len(found) == 1 and "the caption of fig-three-systems differs" in str(found[0])
    assert found[0].line == line_of(book, "book/chapter.md", "{code-cell}")


@pytest.mark.parametrize(("line", "said"), [("", ""), ("page_limit: two\n", "'two'")])
def test_a_handout_without_a_page_limit(book: Path, line: str, said: str) -> None:
    """Every page under book/handouts/ says how many pages it may have in print."""
    (book / "book" / "handouts").mkdir()
    text = (book / "book" / "handout.md").read_text(encoding="utf-8")
    (book / "book" / "handouts" / "guide.md").write_text(
        text.replace("audience: client\n", f"audience: clinician\n{line}"), encoding="utf-8"
    )
    edit(
        book,
        "_toc.yml",
        "      - file: book/handout\n",
        "      - file: book/handout\n      - file: book/handouts/guide\n",
    )
    found = [f for f in lint.run(Sources(book)) if "page limit" in str(f)]
    assert len(found) == 1 and found[0].path == "book/handouts/guide.md"
    assert "a handout without its page limit" in str(found[0]) and said in str(found[0])
    assert "page_limit: 2" in found[0].hint


def test_a_blank_of_underscores_is_named(book: Path) -> None:
    edit(book, "book/chapter.md", "Ten minutes.", "Your answer: \\_\\_\\_\\_\\_\\_\\_\\_")
    found = [f for f in lint.run(Sources(book)) if "underscores" in str(f)]
    assert len(found) == 1 and found[0].line == line_of(book, "book/chapter.md", "Your answer")
    assert "{answer}`1`" in found[0].hint
