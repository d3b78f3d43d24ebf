"""The book's own voice: person-first, non-stigmatising language in every language it is
written in (``language.yml``, ``language.<lang>.yml``), and US spelling in English
(``spelling.yml``). Quotations keep their author's words."""

from __future__ import annotations

from collections.abc import Iterator

from ...problems import Problem
from ..page import QUOTED
from ..sources import Sources
from . import rules
from .texts import documents


def check_language(sources: Sources, word_rules=None) -> Iterator[Problem]:
    """No stigmatising term in the book's own voice, in English pages and in translations
    (quotations may use the article's words)."""
    for document in documents(sources):
        found = word_rules if word_rules is not None else rules.word_rules(document.language)
        data = rules.shown(rules.language_file(document.language))
        for text in document.texts:
            if text.quoted:
                continue
            own_voice = QUOTED.sub(" ", text.text)
            for rule in found:
                match = rule.pattern.search(own_voice)
                if match:
                    yield Problem(
                        document.path,
                        text.line,
                        f"'{match.group(0)}' is stigmatising in the book's own voice",
                        f"write {rule.instead} (quotations are fine; see {data})",
                    )


def check_spelling(sources: Sources, spelling=None) -> Iterator[Problem]:
    """US spelling in the book's own voice, in running text, captions, alt text and page
    descriptions (quotations and published titles keep theirs)."""
    keep, spellings = spelling if spelling is not None else rules.spelling_rules()
    for document in documents(sources):
        if document.language != "en":
            continue
        for text in document.texts:
            if text.quoted:
                continue
            own_voice = QUOTED.sub(" ", text.text)
            for pattern in keep:
                own_voice = pattern.sub(" ", own_voice)
            for rule in spellings:
                for match in rule.pattern.finditer(own_voice):
                    yield Problem(
                        document.path,
                        text.line,
                        f"'{match.group(0)}' is British spelling; the book uses US English",
                        f"write {rule.instead} (quotations and journal titles keep theirs)",
                    )
