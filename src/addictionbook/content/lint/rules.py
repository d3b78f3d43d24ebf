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
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ...problems import Problem, ProblemsFound

DATA = Path(__file__).resolve().parents[1]
SCHEMAS = DATA / "schemas"
#: Data files that share a schema: the file's first name -> the schema's.
SCHEMA_OF = {"client_safety": "safety_messages", "treatment_safety": "safety_messages"}


def shown(path: Path) -> str:
    """A data file's path as a contributor finds it (``src/addictionbook/content/...``)."""
    for base in (Path.cwd(), DATA.parents[2]):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


def node_line(node: yaml.Node, where: list) -> int:
    """The 1-based line of the YAML node at JSON path ``where`` (its nearest existing parent):
    for a mapping's entry, the line of its key (where a nested mapping's name is written)."""
    line = node.start_mark.line
    for key in where:
        if isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if k.value == key]
            if not found:
                break
            name, node = found[0]
            line = name.start_mark.line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line
        else:
            break
    return line + 1


def load(path: Path, schema_path: Path | None = None) -> tuple[object, yaml.Node | None]:
    """``path`` (YAML) validated against ``schema_path``, by default
    ``schemas/<stem>.schema.json`` (``language.es.yml``: ``language.schema.json``): its data
    and its node tree (for lines); :class:`ProblemsFound` names each error's line."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    name = shown(path)
    text = path.read_text(encoding="utf-8")
    try:
        tree = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ProblemsFound(
            [Problem(name, mark.line + 1 if mark else 1, f"not valid YAML: {error}")]
        ) from error
    stem = path.name.split(".")[0]
    schema_path = schema_path or SCHEMAS / f"{SCHEMA_OF.get(stem, stem)}.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    problems = []
    for error in Draft202012Validator(schema).iter_errors(data):
        if error.context:  # "not valid under any of the given schemas": say which part failed,
            # in the alternative of the value's own type (a long text, not "not an object")
            error = best_match([e for e in error.context if e.validator != "type"] or error.context)
        where, message = list(error.absolute_path), error.message
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {})
            patterns = error.schema.get("patternProperties", {})
            extra = [
                k
                for k in error.instance
                if k not in known and not any(re.search(p, str(k)) for p in patterns)
            ]
            where += extra[:1]  # the line of the first unknown name, not of its mapping
        elif error.validator == "pattern" and error.schema.get("description"):
            message = f"{error.instance!r} is not {error.schema['description']}"
        problems.append(
            Problem(
                name,
                node_line(tree, where) if tree else 1,
                f"{message} (at {'/'.join(map(str, error.absolute_path)) or 'the top'})",
                f"write it as {shown(schema_path)} describes",
            )
        )
    if problems:
        raise ProblemsFound(problems)
    return data, tree


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


SAFETY_FILE = DATA / "client_safety.yml"
#: What the Safety box of a chapter marked ``safety: treatment`` says.
TREATMENT_SAFETY_FILE = DATA / "treatment_safety.yml"


@functools.cache
def safety_messages(language: str = "en", path: Path = SAFETY_FILE) -> tuple[SafetyMessage, ...]:
    """The safety messages of ``path`` (the client handouts', by default) required in
    ``language``, compiled."""
    entries, tree = load(path)
    return tuple(
        SafetyMessage(
            e["id"],
            " ".join(e["description"].split()),
            tuple(
                compile_pattern(path, tree, [i, "require", language, n], p)
                for n, p in enumerate(e["require"][language])
            ),
        )
        for i, e in enumerate(entries)
        if e["require"].get(language)
    )
