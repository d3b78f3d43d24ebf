"""Reading ease of client handouts: SMOG and Flesch-Kincaid grades for English, Szigriszt-Pazos
for Spanish (textstat), checked and reported by ``make check``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...problems import Problem
from ..sources import Sources
from .texts import Document, documents

#: Reading-grade ceiling for client handouts (SMOG and Flesch-Kincaid).
CLIENT_MAX_GRADE = 8.0
#: Readability floor for Spanish client handouts: Szigriszt-Pazos (INFLESZ scale) 65 and up
#: reads "bastante fácil" (fairly easy).
CLIENT_MIN_SZIGRISZT = 65.0


def prose_for_grading(document: Document) -> str:
    """The document's running text as sentences, for reading-grade formulas.

    Lines that follow each other make one paragraph, so a sentence wrapped over two source
    lines counts as one sentence (counting each line as a sentence understates the grade)."""
    paragraphs: list[list[str]] = []
    last = -2
    for text in document.texts:
        if text.kind != "prose":
            continue
        plain = re.sub(r"\{[\w:-]+\}`([^`]*)`", r"\1", text.text)
        plain = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", plain)
        plain = re.sub(r"[*_`#>|]", " ", plain).strip()
        if plain and not re.fullmatch(r"[\s_.-]*", plain):
            if text.line == last + 1 and paragraphs:
                paragraphs[-1].append(plain)
            else:
                paragraphs.append([plain])
            last = text.line
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


def scores(document: Document) -> dict[str, float]:
    """The document's readability: grades for English, Szigriszt-Pazos for Spanish."""
    if document.language == "es":
        return {"Szigriszt-Pazos": szigriszt_pazos(document.running_text)}
    return reading_grades(prose_for_grading(document))


def check_readability(sources: Sources) -> Iterator[Problem]:
    """Client handouts read at grade 8 or lower in English and at Szigriszt-Pazos 65 or more
    ("bastante fácil") in Spanish."""
    for document in documents(sources):
        if not document.client:
            continue
        for formula, score in scores(document).items():
            if formula == "Szigriszt-Pazos" and score < CLIENT_MIN_SZIGRISZT:
                yield Problem(
                    document.path,
                    document.line,
                    f"the Spanish reads at Szigriszt-Pazos {score:.1f}",
                    f'aim for {CLIENT_MIN_SZIGRISZT:.0f} or more ("bastante fácil"): shorter '
                    "sentences, everyday words",
                )
            elif formula != "Szigriszt-Pazos" and score > CLIENT_MAX_GRADE:
                yield Problem(
                    document.path,
                    document.line,
                    f"a client handout at reading grade {score:.1f} ({formula})",
                    f"aim for {CLIENT_MAX_GRADE:.0f} or lower: shorter sentences, everyday words",
                )


def readability_report(sources: Sources) -> list[str]:
    """One line per client handout: its English reading grades and, for each translation,
    its Szigriszt-Pazos score (printed by ``make check``)."""
    client = [d for d in documents(sources) if d.client]
    english = {d.docname: d for d in client if d.language == "en"}
    translated = {sources.translations[d.docname][0]: d for d in client if d.language != "en"}
    lines = []
    for docname, document in english.items():
        line = f"{document.path}: " + ", ".join(f"{k} {v:.1f}" for k, v in scores(document).items())
        if docname in translated:
            other = translated[docname]
            score = scores(other)["Szigriszt-Pazos"]
            line += f"; {other.language}: Szigriszt-Pazos {score:.1f}"
        lines.append(line)
    return lines
