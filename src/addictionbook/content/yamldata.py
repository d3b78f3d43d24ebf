"""YAML data checked against a JSON Schema (the ``jsonschema`` library), each problem on the
line of the value or key it concerns: the linter's data (``lint/rules.py``), the national lines
(``national_lines.py``) and clinic profiles (``profile.py``) are all read this way."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from ..problems import Problem, ProblemsFound
from .frontmatter import SAFE_LOADER, load_yaml

DATA = Path(__file__).resolve().parent
SCHEMAS = DATA / "schemas"


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


def load_checked(path: Path, schema_path: Path) -> tuple[object, yaml.Node | None]:
    """``path`` (YAML) validated against the JSON Schema ``schema_path``: its data and its
    node tree (for lines); :class:`ProblemsFound` names each error's line."""
    name = shown(path)
    text = path.read_text(encoding="utf-8")
    try:
        tree = yaml.compose(text, Loader=SAFE_LOADER)
        data = load_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ProblemsFound(
            [Problem(name, mark.line + 1 if mark else 1, f"not valid YAML: {error}")]
        ) from error
    problems = schema_problems(data, tree, schema_path, name)
    if problems:
        raise ProblemsFound(problems)
    return data, tree


def schema_problems(
    data: object, tree: yaml.Node | None, schema_path: Path, name: str, at: tuple = ()
) -> list[Problem]:
    """Each way ``data`` (at the path ``at`` in the file ``name``, whose node tree is
    ``tree``) breaks the JSON Schema ``schema_path``, on the line it concerns."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    problems = []
    for error in Draft202012Validator(schema).iter_errors(data):
        if error.context:  # "not valid under any of the given schemas": say which part failed,
            # in the alternative of the value's own type (a long text, not "not an object")
            error = best_match([e for e in error.context if e.validator != "type"] or error.context)
        where, message = [*at, *error.absolute_path], error.message
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
        shown_at = "/".join(map(str, [*at, *error.absolute_path])) or "the top"
        problems.append(
            Problem(
                name,
                node_line(tree, where) if tree else 1,
                f"{message} (at {shown_at})",
                f"write it as {shown(schema_path)} describes",
            )
        )
    return problems
