"""The national lines the client handouts name: crisis line, its Spanish option, emergency
number, treatment helpline (``national_lines.yml``: those of the United States).

A handout writes each line as a role, ``{line}`crisis```, in its English source and in its
translations alike, so the numbers are never literal text a translator copies. The Sphinx
extension (``sphinx_ext/national_lines.py``) fills each in from these texts in the page's
language; the checks read the text filled in the same way (``lint/texts.py``); a clinic
edition outside the United States fills them in from its profile's ``national_lines:``
(``pipeline/profiles.py``), and the safety messages then look for its numbers
(``client_safety.yml`` writes them ``<<crisis>>``, ``<<emergency>>``, ``<<helpline>>``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .yamldata import load_checked

DATA = Path(__file__).resolve().parent / "national_lines.yml"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "national_lines.schema.json"
#: ``{line}`key``` in a page's source or a catalogue's translation.
ROLE = re.compile(r"\{line\}`([a-z-]+)`")
#: ``<<name>>`` in a safety message's pattern: the number of that line.
NUMBER = re.compile(r"<<(crisis|emergency|helpline)>>")


@dataclass(frozen=True, eq=False)  # hashed by identity: the checks cache what they compile
class NationalLines:
    """One country's lines: each number, its source page, and each text by page language."""

    country: str
    numbers: dict[str, str]
    sources: dict[str, str]
    texts: dict[str, dict[str, str]]
    text_language: dict[str, str]

    @classmethod
    def from_data(cls, data: dict) -> NationalLines:
        return cls(
            data["country"],
            dict(data["numbers"]),
            dict(data["sources"]),
            {key: dict(value) for key, value in data["texts"].items()},
            dict(data.get("text_language", {})),
        )

    def text(self, key: str, language: str) -> str:
        """The text of line ``key`` on a page in ``language`` ("" when it has none there)."""
        return self.texts.get(key, {}).get(language, "")

    def expand(self, text: str, language: str) -> str:
        """``text`` with each ``{line}`key``` replaced by that line's text in ``language``."""
        return ROLE.sub(lambda m: self.text(m.group(1), language), text)

    def pattern(self, pattern: str) -> str:
        """A safety message's ``pattern`` with each ``<<name>>`` as this country's number."""
        return NUMBER.sub(lambda m: re.escape(self.numbers[m.group(1)]), pattern)


@functools.cache
def us_lines() -> NationalLines:
    """The book's own lines (``national_lines.yml``), checked against its schema."""
    data, _ = load_checked(DATA, SCHEMA)
    return NationalLines.from_data(data)
