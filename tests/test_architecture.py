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
#: from the environment; ``upstream``: the workarounds for other packages) sits below all of
#: them and imports nothing of ours.
LAYERS = ("base", "figures", "content", "execution", "sphinx_ext", "pipeline", "cli")
BASE = {"problems", "settings", "upstream"}
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
