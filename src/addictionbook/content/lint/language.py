"""The book's own voice: person-first, non-stigmatising language (``language.yml``) and US
spelling (``spelling.yml``); quotations keep their author's words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ...problems import Problem
from ..book import load_yaml
from ..page import QUOTED, Page
from ..sources import Sources

LANGUAGE_FILE = Path(__file__).parent.parent.joinpath("language.yml")

LANGUAGE_FILE_ES = Path(__file__).parent.parent.joinpath("language.es.yml")

SPELLING_FILE = Path(__file__).parent.parent.joinpath("spelling.yml")


def language_rules(path: Path = LANGUAGE_FILE) -> list[tuple[re.Pattern[str], str]]:
    """The stigmatising-language list (language.yml) as compiled patterns."""
    entries = load_yaml(path.read_text(encoding="utf-8"))
    return [(re.compile(e["pattern"], re.IGNORECASE), e["instead"]) for e in entries]


def check_language(sources: Sources, rules=None) -> Iterator[Problem]:
    """No stigmatising term in the book's own voice (quotations may use the article's words)."""
    rules = rules if rules is not None else language_rules()
    for page in sources.pages.values():
        for text, line, quoted in page.prose:
            if quoted:
                continue
            own_voice = QUOTED.sub(" ", text)
            for pattern, instead in rules:
                match = pattern.search(own_voice)
                if match:
                    yield Problem(
                        page.rel,
                        line,
                        f"'{match.group(0)}' is stigmatising in the "
                        f"book's own voice; write {instead} (quotations are fine)",
                    )


def spelling_rules(path: Path = SPELLING_FILE) -> tuple[list[re.Pattern[str]], list]:
    """The US-spelling list (spelling.yml): names kept as published, and (pattern, US form)."""
    data = load_yaml(path.read_text(encoding="utf-8"))
    keep = [re.compile(k) for k in data.get("keep", [])]
    return keep, [
        (re.compile(e["pattern"], re.IGNORECASE), e["instead"]) for e in data["spellings"]
    ]


def _captions(page: Page) -> Iterator[tuple[str, int]]:
    """Figure captions, alt text and the page description: text readers see outside the prose."""
    meta = (page.front.get("myst") or {}).get("html_meta") or {}
    if meta.get("description"):
        yield str(meta["description"]), page.front_line or 1
    for _, _, options, line, _ in page.directives:
        cell = options.get("mystnb") if isinstance(options.get("mystnb"), dict) else {}
        for value in (
            options.get("alt"),
            (cell.get("figure") or {}).get("caption"),
            (cell.get("image") or {}).get("alt"),
        ):
            if value:
                yield " ".join(str(value).split()), line


def check_spelling(sources: Sources, rules=None) -> Iterator[Problem]:
    """US spelling in the book's own voice (quotations and published titles keep theirs)."""
    keep, spellings = rules if rules is not None else spelling_rules()
    for page in sources.pages.values():
        texts = [(text, line) for text, line, quoted in page.prose if not quoted]
        for text, line in [*texts, *_captions(page)]:
            own_voice = QUOTED.sub(" ", text)
            for pattern in keep:
                own_voice = pattern.sub(" ", own_voice)
            for pattern, instead in spellings:
                for match in pattern.finditer(own_voice):
                    yield Problem(
                        page.rel,
                        line,
                        f"'{match.group(0)}' is British spelling; the book uses US English: "
                        f"write {instead} (quotations and journal titles keep theirs)",
                    )
