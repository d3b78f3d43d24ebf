"""What every client handout carries, in each of its languages: the crisis-help line and each
client-safety message (``client_safety.yml``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...problems import Problem
from ..sources import Sources
from . import rules
from .texts import documents

#: Crisis-help line every client handout carries.
CRISIS_LINE = re.compile(r"\b988\b")


def check_client_handouts(sources: Sources, messages=None) -> Iterator[Problem]:
    """Client handouts, English and translated, carry the crisis-help line and every
    client-safety message of their language (medication is treatment, overdose after a break,
    no sudden stop of alcohol or sedatives, ...)."""
    data = rules.shown(rules.SAFETY_FILE)
    for document in documents(sources):
        if not document.client:
            continue
        text = document.running_text
        if not CRISIS_LINE.search(text):
            yield Problem(
                document.path,
                document.line,
                "a client handout without the crisis-help line",
                "add 'If you are in crisis, call or text 988 (Suicide & Crisis Lifeline).' "
                "(in the handout's language)",
            )
        wanted = messages if messages is not None else rules.safety_messages(document.language)
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
