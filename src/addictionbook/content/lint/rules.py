"""The linter's data, read and checked: the words the book avoids (``language.yml``, one file
per language), US spellings (``spelling.yml``) and the client-safety messages
(``client_safety.yml``).

Each file is validated against its JSON Schema (``content/schemas/``, with the ``jsonschema``
library) and its regular expressions are compiled before any page is checked, so a malformed
rule is a :class:`~addictionbook.problems.Problem` naming the data file, the line of the
rule and what to fix, never a ``KeyError`` in the middle of a check. The rules are the same
for every text a reader sees: English pages and the translations in the catalogues.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ...problems import Problem, ProblemsFound
from ..national_lines import us_lines
from ..yamldata import DATA, SCHEMAS, load_checked, node_line, shown

#: Data files that share a schema: the file's first name -> the schema's.
SCHEMA_OF = {"client_safety": "safety_messages", "treatment_safety": "safety_messages"}


def load(path: Path, schema_path: Path | None = None) -> tuple[object, yaml.Node | None]:
    """A data file of the linter (``path``) read and checked against its schema,
    ``schemas/<stem>.schema.json`` unless ``schema_path`` names another
    (``content/yamldata.py``)."""
    stem = path.name.split(".")[0]
    return load_checked(path, schema_path or SCHEMAS / f"{SCHEMA_OF.get(stem, stem)}.schema.json")


def compile_pattern(path: Path, tree: yaml.Node, where: list, pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled case-insensitively; :class:`ProblemsFound` at its line if it is
    not a regular expression."""
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise ProblemsFound(
            [
                Problem(
                    shown(path),
                    node_line(tree, where),
                    f"{pattern!r} is not a regular expression ({error})",
                    "fix the pattern (Python's re syntax; escape backslashes as \\\\ in double "
                    "quotes, or use single quotes)",
                )
            ]
        ) from error


@dataclass(frozen=True)
class WordRule:
    """A word or phrase the book avoids (or spells otherwise) and what to write instead."""

    pattern: re.Pattern[str]
    instead: str


def language_file(language: str) -> Path:
    return DATA / ("language.yml" if language == "en" else f"language.{language}.yml")


@functools.cache
def word_rules(language: str) -> tuple[WordRule, ...]:
    """The stigmatising words of ``language`` (``language.yml``, ``language.<lang>.yml``)."""
    path = language_file(language)
    entries, tree = load(path)
    return tuple(
        WordRule(compile_pattern(path, tree, [i, "pattern"], e["pattern"]), e["instead"])
        for i, e in enumerate(entries)
    )


@functools.cache
def spelling_rules() -> tuple[tuple[re.Pattern[str], ...], tuple[WordRule, ...]]:
    """The US-spelling list: names kept as published, and the British spellings."""
    path = DATA / "spelling.yml"
    data, tree = load(path)
    keep = tuple(
        re.compile(compile_pattern(path, tree, ["keep", i], k).pattern)  # case kept
        for i, k in enumerate(data.get("keep", []))
    )
    return keep, tuple(
        WordRule(
            compile_pattern(path, tree, ["spellings", i, "pattern"], e["pattern"]), e["instead"]
        )
        for i, e in enumerate(data["spellings"])
    )


@dataclass(frozen=True)
class SafetyMessage:
    """A message every client handout carries (client_safety.yml): all its patterns must occur."""

    id: str
    description: str
    require: tuple[re.Pattern[str], ...]
    us_lines_only: bool = False  # not checked where a clinic edition replaces the US lines


SAFETY_FILE = DATA / "client_safety.yml"
#: What the Safety box of a chapter marked ``safety: treatment`` says.
TREATMENT_SAFETY_FILE = DATA / "treatment_safety.yml"


@functools.cache
def safety_messages(
    language: str = "en", path: Path = SAFETY_FILE, lines=None
) -> tuple[SafetyMessage, ...]:
    """The safety messages of ``path`` (the client handouts', by default) required in
    ``language``, compiled, each ``<<crisis>>``, ``<<emergency>>`` and ``<<helpline>>`` as the
    number of ``lines`` (``content/national_lines.py``; by default the book's own, the US
    lines). With a clinic's own lines, the messages only the US lines satisfy are left out."""
    national = lines or us_lines()
    entries, tree = load(path)
    return tuple(
        SafetyMessage(
            e["id"],
            " ".join(e["description"].split()),
            tuple(
                compile_pattern(path, tree, [i, "require", language, n], national.pattern(p))
                for n, p in enumerate(e["require"][language])
            ),
            e.get("us_lines_only", False),
        )
        for i, e in enumerate(entries)
        if e["require"].get(language) and not (lines and e.get("us_lines_only"))
    )
