"""The content linter: every mistake a reviewer would otherwise catch by eye, as a command.

``addictionbook check [ROOT]`` (``make check``) prints each problem as
``path:line: what is wrong and how to fix it`` and exits 1 when there is any. It reads the
sources with the parsers the build uses: markdown-it tokens from MyST-Parser (front matter,
headings, directives and roles, with line numbers), YAML for front matter and the table of
contents, pybtex for ``references.bib``, textstat for reading grades. Words in quotations are
the quoted author's; only the book's own voice is checked for stigmatising language.

The checks live by what they look at: ``structure`` (toc, front matter, sections, alt text,
terms, citations, vignettes, figures, tracked files), ``language`` (person-first words, US
spelling), ``safety`` (client handouts), ``readability``, ``translations`` (the catalogues).
"""

from __future__ import annotations

from pathlib import Path

from ...problems import Problem
from ..sources import Sources
from . import language, readability, safety, structure, translations
from .language import check_language, check_spelling
from .safety import check_client_handouts
from .structure import (
    check_alt_text,
    check_citations,
    check_figures_used,
    check_front_matter,
    check_sections,
    check_terms,
    check_toc,
    check_tracked_files,
    check_vignettes,
)
from .translations import check_translations

#: Every module of checks (CONTRIBUTING.md explains each check they hold).
CHECK_MODULES = (structure, language, safety, readability, translations)


def run(root: Path) -> list[Problem]:
    """Every check over the book at ``root``, sorted by file and line."""
    from ..preflight import check_sources

    findings = check_toc(root) + check_sources(root)
    if findings:
        return sorted(set(findings))  # the other checks need readable sources
    sources = Sources(root)
    for check in (
        check_front_matter,
        check_sections,
        check_alt_text,
        check_terms,
        check_citations,
        check_language,
        check_spelling,
        check_client_handouts,
        check_translations,
        check_vignettes,
        check_figures_used,
    ):
        findings += check(sources)
    findings += check_tracked_files(root)
    return sorted(set(findings))
