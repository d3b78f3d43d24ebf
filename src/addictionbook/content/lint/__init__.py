"""The content linter: every mistake a reviewer would otherwise catch by eye, as a command.

``addictionbook check [ROOT]`` (``make check``) prints each problem as
``path:line: what is wrong; what to do`` and exits 1 when there is any (:mod:`.report`). It
reads the sources with the parsers the build uses: markdown-it tokens from MyST-Parser (front
matter, headings, directives and roles, with line numbers), YAML for front matter and the
table of contents, pybtex for ``references.bib``, babel for the catalogues, textstat for
reading grades. Words in quotations are the quoted author's; only the book's own voice is
checked for stigmatising language.

The checks live by what they look at: ``structure`` (front matter, sections, alt text, terms,
citations, vignettes, figures, tracked files), ``language`` (person-first words, US
spelling), ``safety`` (client handouts, and the Safety box of treatment chapters),
``readability``, ``translations`` (complete catalogues). ``rules`` reads their data files,
``texts`` gives them every text a reader sees (titles of admonitions and dropdowns too),
English and translated, so each rule is written once for both.
"""

from __future__ import annotations

from ...problems import Problem
from .. import preflight
from ..sources import Sources
from . import language, readability, safety, structure, translations

#: Every module of checks (CONTRIBUTING.md explains each check they hold).
CHECK_MODULES = (structure, language, safety, readability, translations)
#: The checks, in the order they run.
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
    translations.check_translations,
    structure.check_vignettes,
    structure.check_handout_page_limits,
    structure.check_answer_blanks,
    structure.check_figures_used,
    structure.check_figure_texts,
    structure.check_tracked_files,
)


def run(sources: Sources) -> list[Problem]:
    """Every check over the book, sorted by file and line: first what every build checks
    (:mod:`..preflight`), and only when the sources are readable, the rest."""
    problems = preflight.run(sources)
    if problems:
        return problems  # the other checks need readable sources
    for check in CHECKS:
        problems += check(sources)
    return sorted(set(problems))
