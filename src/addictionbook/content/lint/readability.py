"""Reading ease of client handouts: SMOG and Flesch-Kincaid grades for English, Szigriszt-Pazos
for Spanish (textstat), and the report ``make check`` prints."""

from __future__ import annotations

import re
from pathlib import Path

from .. import translations
from ..page import Page
from ..sources import Sources

#: Reading-grade ceiling for client handouts (SMOG and Flesch-Kincaid).
CLIENT_MAX_GRADE = 8.0

#: Readability floor for Spanish client handouts: Szigriszt-Pazos (INFLESZ scale) 65 and up
#: reads "bastante fácil" (fairly easy).
CLIENT_MIN_SZIGRISZT = 65.0


def prose_for_grading(page: Page) -> str:
    """The page's running text as sentences, for reading-grade formulas.

    Lines that follow each other make one paragraph, so a sentence wrapped over two source
    lines counts as one sentence (counting each line as a sentence understates the grade)."""
    paragraphs: list[list[str]] = []
    last = -2
    for text, line, _ in page.prose:
        text = re.sub(r"\{[\w:-]+\}`([^`]*)`", r"\1", text)
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"[*_`#>|]", " ", text).strip()
        if text and not re.fullmatch(r"[\s_.-]*", text):
            if line == last + 1 and paragraphs:
                paragraphs[-1].append(text)
            else:
                paragraphs.append([text])
            last = line
    sentences = (" ".join(lines) for lines in paragraphs)
    return " ".join(s if s[-1] in ".!?:" else s + "." for s in sentences)


def reading_grades(text: str) -> dict[str, float]:
    import textstat

    return {
        "SMOG": textstat.smog_index(text),
        "Flesch-Kincaid": textstat.flesch_kincaid_grade(text),
    }


def szigriszt_pazos(text: str) -> float:
    """Szigriszt-Pazos readability of Spanish ``text`` (INFLESZ: 65-80 "bastante fácil")."""
    import textstat

    textstat.set_lang("es")  # Spanish syllables (pyphen's es dictionary)
    try:
        return float(textstat.szigriszt_pazos(text))
    finally:
        textstat.set_lang("en_US")


def readability_report(root: Path) -> list[str]:
    """One line per client handout: its English reading grades and, for each translation,
    its Szigriszt-Pazos score (printed by ``make check``)."""
    sources = Sources(root)
    translated = {english: (doc, lang) for doc, (english, lang) in sources.translations.items()}
    lines = []
    for entry, page in sources.pages.items():
        if page.front.get("audience") != "client":
            continue
        grades = reading_grades(prose_for_grading(page))
        line = f"{page.rel}: " + ", ".join(f"{k} {v:.1f}" for k, v in grades.items())
        if entry in translated:
            po = translations.catalogue_path(root, entry, translated[entry][1])
            if po.exists():
                score = szigriszt_pazos(translations.read_catalogue(po).text())
                line += f"; {translated[entry][1]}: Szigriszt-Pazos {score:.1f}"
        lines.append(line)
    return lines
