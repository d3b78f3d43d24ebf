"""What every client handout carries: an easy read, the crisis-help line and each client-safety
message (``client_safety.yml``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ...problems import Problem
from ..book import load_yaml
from ..page import Page
from ..sources import Sources
from .readability import CLIENT_MAX_GRADE, prose_for_grading, reading_grades

#: Crisis-help line every client handout carries.
CRISIS_LINE = re.compile(r"\b988\b")

CLIENT_SAFETY_FILE = Path(__file__).parent.parent.joinpath("client_safety.yml")


@dataclass(frozen=True)
class SafetyMessage:
    """A message every client handout carries (client_safety.yml): all its patterns must occur."""

    id: str
    description: str
    require: tuple[re.Pattern[str], ...]


def client_safety_messages(
    path: Path = CLIENT_SAFETY_FILE, language: str = "en"
) -> list[SafetyMessage]:
    """The client-safety messages (client_safety.yml) required in ``language``, compiled."""
    entries = load_yaml(path.read_text(encoding="utf-8"))
    return [
        SafetyMessage(
            e["id"],
            " ".join(e["description"].split()),
            tuple(re.compile(p, re.IGNORECASE) for p in e["require"][language]),
        )
        for e in entries
        if e["require"].get(language)
    ]


def handout_text(page: Page) -> str:
    """The page's text as one line without Markdown emphasis, so a message may wrap lines."""
    text = " ".join(text for text, _, _ in page.prose)
    return " ".join(re.sub(r"[*`]", "", text).split())


def check_client_handouts(sources: Sources, messages=None) -> Iterator[Problem]:
    """Client handouts read at grade 8 or lower and carry the crisis-help line and every
    client-safety message (medication is treatment, overdose after a break, no sudden stop)."""
    messages = messages if messages is not None else client_safety_messages()
    for page in sources.pages.values():
        if page.front.get("audience") != "client":
            continue
        grades = reading_grades(prose_for_grading(page))
        for formula, grade in grades.items():
            if grade > CLIENT_MAX_GRADE:
                yield Problem(
                    page.rel,
                    1,
                    f"a client handout at reading grade {grade:.1f} "
                    f"({formula}); aim for {CLIENT_MAX_GRADE:.0f} or lower: shorter "
                    "sentences, everyday words",
                )
        if not any(CRISIS_LINE.search(text) for text, _, _ in page.prose):
            yield Problem(
                page.rel,
                1,
                "a client handout without the crisis-help line; add "
                "'If you are in crisis, call or text 988 (Suicide & Crisis Lifeline).'",
            )
        text = handout_text(page)
        for message in messages:
            missing = [p.pattern for p in message.require if not p.search(text)]
            if missing:
                yield Problem(
                    page.rel,
                    1,
                    f"a client handout without the safety message '{message.id}': "
                    f"{message.description} Add it in plain words; the text lacks "
                    f"{' and '.join(repr(m) for m in missing)} "
                    "(see src/addictionbook/content/client_safety.yml)",
                )
