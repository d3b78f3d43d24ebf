"""Each translated client handout: a complete catalogue, person-first language, every safety
message and an easy read, in its language."""

from __future__ import annotations

from collections.abc import Iterator

from ...problems import Problem
from .. import translations
from ..book import HANDOUT_PREFIX
from ..page import QUOTED
from ..sources import Sources
from .language import LANGUAGE_FILE_ES, language_rules
from .readability import CLIENT_MIN_SZIGRISZT, szigriszt_pazos
from .safety import CRISIS_LINE, client_safety_messages


def check_translations(sources: Sources, messages=None, rules=None) -> Iterator[Problem]:
    """Each translated client handout: a complete catalogue (no untranslated or fuzzy entry),
    person-first Spanish, every required safety message in Spanish, and easy reading."""
    rules = rules if rules is not None else language_rules(LANGUAGE_FILE_ES)
    translated = {(english, language) for english, language in sources.translations.values()}
    for entry, page in sources.pages.items():
        for language in translations.LANGUAGES:
            client = page.front.get("audience") == "client"
            if client and entry.startswith(HANDOUT_PREFIX) and (entry, language) not in translated:
                stub = translations.translated_docname(entry, language)
                yield Problem(
                    page.rel,
                    page.front_line or 1,
                    f"a client handout without its {language} version; list {stub} in "
                    f"_toc.yml, copy book/handouts/{language}/drug-free-is-a-start.md there "
                    "(changing the names), run `make translations` and translate the new "
                    ".po file (see CONTRIBUTING.md)",
                )
    for english_doc, language in sources.translations.values():
        for path, line, message in translations.catalogue_findings(
            sources.root, english_doc, language
        ):
            yield Problem(path, line, message)
        po = translations.catalogue_path(sources.root, english_doc, language)
        try:
            catalogue = translations.read_catalogue(po)
        except Exception:  # reported above by catalogue_findings
            continue
        rel = po.relative_to(sources.root).as_posix()
        for entry in catalogue.entries:
            own_voice = QUOTED.sub(" ", entry.msgstr)
            for pattern, instead in rules:
                match = pattern.search(own_voice)
                if match:
                    yield Problem(
                        rel,
                        entry.line,
                        f"'{match.group(0)}' is stigmatising in the book's own voice; write "
                        f"{instead} (quotations are fine; see content/language.{language}.yml)",
                    )
        text = catalogue.text()
        wanted = messages if messages is not None else client_safety_messages(language=language)
        for message in wanted:
            missing = [p.pattern for p in message.require if not p.search(text)]
            if missing:
                yield Problem(
                    rel,
                    1,
                    f"the {language} translation lacks the safety message '{message.id}': "
                    f"{message.description} The translations lack "
                    f"{' and '.join(repr(m) for m in missing)} "
                    "(see src/addictionbook/content/client_safety.yml)",
                )
        if not CRISIS_LINE.search(text):
            yield Problem(rel, 1, "the translation has no crisis-help line (988)")
        score = szigriszt_pazos(text)
        if score < CLIENT_MIN_SZIGRISZT:
            yield Problem(
                rel,
                1,
                f"the Spanish reads at Szigriszt-Pazos {score:.1f}; aim for "
                f'{CLIENT_MIN_SZIGRISZT:.0f} or more ("bastante fácil"): shorter sentences, '
                "everyday words",
            )
