"""The package's layers (ARCHITECTURE.md): each a folder, imports running only downward.

A module may import from its own layer and the layers below it, never above: the figure
library chapters import knows nothing of the build, and the build's content reader knows
nothing of Sphinx.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
#: Lowest first. The base (``problems``: what every step reports; ``settings``: what is read
#: from the environment; ``upstream``: the workarounds for other packages; ``gc_thresholds``: the
#: collector's settings for a build's processes) sits below all of them and imports nothing of
#: ours.
LAYERS = ("base", "figures", "content", "execution", "sphinx_ext", "pipeline", "cli")
BASE = {"problems", "settings", "upstream", "gc_thresholds"}
DEV = "addictionbook_dev"


def layer_of(module: str) -> int | None:
    """The layer index of a dotted module name in this project (None: not ours)."""
    parts = module.split(".")
    if parts[0] == DEV:
        return len(LAYERS)
    if parts[0] != "addictionbook":
        return None
    if len(parts) == 1:
        return -1  # the package's own __init__: a docstring only
    return LAYERS.index("base" if parts[1] in BASE else parts[1])


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, source: str | None = None) -> list[tuple[str, int]]:
    """Project modules imported by ``path`` (absolute names), with line numbers."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    source = path.read_text(encoding="utf-8") if source is None else source
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
    return [(target, line) for target, line in found if layer_of(target) is not None]


MODULES = sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_belongs_to_a_layer() -> None:
    for path in MODULES:
        assert layer_of(module_name(path)) is not None, path


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_run_only_to_the_same_or_a_lower_layer(path: Path) -> None:
    own = layer_of(module_name(path))
    for target, line in imports(path):
        assert layer_of(target) <= own, (
            f"{path.relative_to(SRC)}:{line} imports {target}, a higher layer; move the shared "
            "code down a layer (ARCHITECTURE.md, 'The package's layers')"
        )


def test_the_check_sees_relative_imports_and_catches_an_upward_one() -> None:
    style = SRC / "addictionbook" / "figures" / "style.py"
    found = imports(style, "from ..pipeline import build\nfrom . import _validate\n")
    assert found == [("addictionbook.pipeline", 1), ("addictionbook.figures", 2)]
    assert layer_of(found[0][0]) > layer_of(module_name(style))  # the test above would fail


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports, anywhere in it (function-level imports
    too); ``from package import name`` counts as importing ``package.name`` when that is a
    module, else the package."""
    names = {module_name(p) for p in MODULES}
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        name = module_name(path)
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name in names}
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    found.add(sub if sub in names else target)
        graph[name] = {t for t in found if t in names and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import circle (a strongly connected group of modules, Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle_anywhere() -> None:
    """No two modules import each other, directly or through others, function-level imports
    included: a circle hidden in a function is still a circle."""
    found = cycles(import_graph())
    assert found == [], "import circles (break each by moving the shared code down):\n" + "\n".join(
        " -> ".join(group) for group in found
    )


def test_the_circle_check_finds_a_circle_through_a_function_level_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_only_settings_reads_the_environment() -> None:
    """Settings are read once, in one place (``addictionbook.settings``), and passed down."""
    readers = []
    for path in MODULES:
        if module_name(path) in ("addictionbook.settings",) or module_name(path).startswith(DEV):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                if isinstance(node.value, ast.Name) and node.value.id == "os":
                    readers.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert readers == [], f"read the setting through addictionbook.settings: {readers}"
