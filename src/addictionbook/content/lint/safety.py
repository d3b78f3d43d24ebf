"""What every client handout carries, in each of its languages: the crisis-help line and each
client-safety message (``client_safety.yml``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...problems import Problem
from ..national_lines import us_lines
from ..sources import Sources
from . import rules
from .texts import documents


def check_client_handouts(sources: Sources, messages=None, lines=None) -> Iterator[Problem]:
    """Client handouts, English and translated, carry the crisis-help line and every
    client-safety message of their language (medication is treatment, overdose after a break,
    no sudden stop of alcohol or sedatives, ...). ``lines``: the national lines the handouts
    are filled in with (a clinic's own abroad; by default the book's)."""
    data = rules.shown(rules.SAFETY_FILE)
    crisis = re.compile(rf"\b{re.escape((lines or us_lines()).numbers['crisis'])}\b")
    for document in documents(sources, lines):
        if not document.client:
            continue
        text = document.running_text
        if not crisis.search(text):
            yield Problem(
                document.path,
                document.line,
                "a client handout without the crisis-help line",
                "add the crisis box's first sentence: 'If you are thinking about suicide, or "
                "feel you cannot stay safe, {line}`crisis`.' (the role fills in the line, 988 "
                "in the United States; in a catalogue, keep the role in the translation)",
            )
        wanted = (
            messages
            if messages is not None
            else rules.safety_messages(document.language, lines=lines)
        )
        for message in wanted:
            missing = [p.pattern for p in message.require if not p.search(text)]
            if missing:
                yield Problem(
                    document.path,
                    document.line,
                    f"a client handout without the safety message '{message.id}' "
                    f"({document.language}): {message.description}",
                    f"add it in plain words; the text lacks "
                    f"{' and '.join(repr(m) for m in missing)} (see {data})",
                )


#: The front-matter key that marks a chapter that teaches treatment, and its value.
TREATMENT_KEY, TREATMENT = "safety", "treatment"


def safety_box(page) -> tuple[int, str] | None:
    """The line and running text of a page's Safety box (an ``{admonition}`` titled
    "Safety"), or None when it has none."""
    for name, argument, _, start, end in page.directives:
        if name == "admonition" and argument.strip().lower() == "safety":
            text = " ".join(t for t, line, _ in page.prose if start < line <= end)
            return start, " ".join(re.sub(r"[*`\\]", "", text).split())
    return None


def check_treatment_chapters(sources: Sources, messages=None) -> Iterator[Problem]:
    """A chapter that teaches treatment (front matter ``safety: treatment``) carries a Safety
    box with every treatment-safety message (``treatment_safety.yml``): tolerance and overdose
    after a break, fentanyl, mixing, naloxone and not using alone, medically supervised stops,
    medication as first-line treatment."""
    data = rules.shown(rules.TREATMENT_SAFETY_FILE)
    for page in sources.pages.values():
        marked = page.front.get(TREATMENT_KEY)
        if marked is None:
            continue
        if marked != TREATMENT:
            yield Problem(
                page.rel,
                page.front_line or 1,
                f"'{TREATMENT_KEY}: {marked}' is not a kind of page the linter knows",
                f"write '{TREATMENT_KEY}: {TREATMENT}' for a chapter that teaches treatment, or "
                "remove the key",
            )
            continue
        box = safety_box(page)
        if box is None:
            yield Problem(
                page.rel,
                page.front_line or 1,
                "a chapter that teaches treatment without its Safety box",
                "add an {admonition} titled Safety (:class: warning safety) after the key terms, "
                f"as in book/in-session.md (what it must say: {data})",
            )
            continue
        line, text = box
        wanted = (
            messages
            if messages is not None
            else rules.safety_messages("en", rules.TREATMENT_SAFETY_FILE)
        )
        for message in wanted:
            missing = [p.pattern for p in message.require if not p.search(text)]
            if missing:
                yield Problem(
                    page.rel,
                    line,
                    f"the Safety box lacks the message '{message.id}': {message.description}",
                    f"add it; the box lacks {' and '.join(repr(m) for m in missing)} (see {data})",
                )
