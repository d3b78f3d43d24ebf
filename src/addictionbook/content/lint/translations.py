"""Each translated client handout is complete: it has a translated page and a catalogue, and
no entry of the catalogue is untranslated or fuzzy (the page would show English, or a
translation of an older English). The Spanish text itself is checked like the English by the
language, safety and readability checks."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...problems import Problem
from .. import translations
from ..sources import HANDOUT_PREFIX, LANGUAGES, Sources, translated_docname


def check_translations(sources: Sources) -> Iterator[Problem]:
    """Every client handout has its translations, and every catalogue is complete."""
    translated = set(sources.translations.values())
    for entry, page in sources.pages.items():
        client = page.front.get("audience") == "client"
        for language in LANGUAGES:
            if client and entry.startswith(HANDOUT_PREFIX) and (entry, language) not in translated:
                stub = translated_docname(entry, language)
                yield Problem(
                    page.rel,
                    page.front_line or 1,
                    f"a client handout without its {language} version",
                    f"list {stub} in _toc.yml, copy book/handouts/{language}/"
                    "drug-free-is-a-start.md there (changing the names), run `make translations` "
                    "and translate the new .po file (see CONTRIBUTING.md)",
                )
    for english_doc, language in sources.translations.values():
        yield from catalogue_problems(sources, english_doc, language)


def catalogue_problems(sources: Sources, english_doc: str, language: str) -> Iterator[Problem]:
    """A missing catalogue, and each untranslated or fuzzy entry of an existing one."""
    path = translations.catalogue_path(sources.root, english_doc, language)
    rel = path.relative_to(sources.root).as_posix()
    if not path.exists():
        yield Problem(
            rel,
            1,
            f"{english_doc}.md has a Spanish page but no catalogue",
            "run `make translations` and translate the new .po file",
        )
        return
    try:
        catalogue = translations.read_catalogue(path)
    except Exception as error:  # noqa: BLE001 - babel's PoFileError and friends: name the file
        yield Problem(
            rel, getattr(error, "lineno", 1) or 1, f"the catalogue cannot be read: {error}"
        )
        return
    for entry in catalogue.entries:
        english = " ".join(entry.msgid.split())
        shown = english if len(english) <= 70 else english[:67] + "..."
        if entry.fuzzy:
            yield Problem(
                rel,
                entry.line,
                f'fuzzy entry (the English changed) "{shown}"',
                "check the Spanish against the new English, fix it and remove the '#, fuzzy' line",
            )
        elif not entry.msgstr.strip():
            yield Problem(
                rel, entry.line, f'untranslated entry "{shown}"', "write its msgstr in Spanish"
            )
        elif re.match(r"\d+\. ", entry.msgstr):
            # Sphinx parses a translation as Markdown: "4. Text" would become a list, and
            # Sphinx would keep the English heading.
            number = entry.msgstr.split(".", 1)[0]
            yield Problem(
                rel,
                entry.line,
                f'the translation "{entry.msgstr[:40]}" starts with "{number}. ", which '
                "Markdown reads as a list",
                f'write "{number}\\. " instead',
            )
