"""Sphinx extension: keep executed chapters in step with the helper package.

myst-nb's cache keys a notebook on its own cells only (MyST-NB issue 299), so editing a figure
function would leave stale figures in the book. This extension hashes the helper package's
source; when the hash differs from the one recorded in the build environment, every chapter that
imports the package is marked outdated and its jupyter-cache record dropped, so exactly those
notebooks execute again.
"""

from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

PACKAGE_DIR = Path(__file__).resolve().parent
IMPORTS_PACKAGE = re.compile(r"^\s*(?:from|import)\s+addictionbook\b", re.MULTILINE)
logger = logging.getLogger(__name__)


#: The module chapters import; the hash covers it and every package module it reaches.
ENTRY_MODULE = "notebook"


def chapter_modules(entry: str = ENTRY_MODULE) -> list[Path]:
    """Package modules reachable from ``entry`` through imports (parsed, not executed).

    Build tooling (build.py, check.py, ...) is not reachable, so editing it re-executes nothing.
    """
    seen: dict[str, Path] = {}
    todo = [entry, "__init__"]  # importing any module runs the package's __init__ first
    while todo:
        name = todo.pop()
        path = PACKAGE_DIR / (name.replace(".", "/") + ".py")
        if name in seen or not path.exists():
            continue
        seen[name] = path
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level == 1:
                    base = node.module
                    todo += [base] if base else [alias.name for alias in node.names]
                elif node.module and node.module.startswith("addictionbook."):
                    todo.append(node.module.removeprefix("addictionbook."))
            elif isinstance(node, ast.Import):
                todo += [
                    a.name.removeprefix("addictionbook.")
                    for a in node.names
                    if a.name.startswith("addictionbook.")
                ]
    return sorted(seen.values())


def helper_hash() -> str:
    """SHA-256 over the modules chapters can reach, plus packaged style files."""
    digest = hashlib.sha256()
    files = chapter_modules() + sorted(PACKAGE_DIR.glob("*.mplstyle"))
    for path in files:
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def importing_docs(env: BuildEnvironment) -> set[str]:
    """Docnames whose source imports the helper package."""
    found = set()
    for docname in env.found_docs:
        path = Path(env.doc2path(docname))
        if path.suffix == ".md" and IMPORTS_PACKAGE.search(path.read_text(encoding="utf-8")):
            found.add(docname)
    return found


def _cache_dir(app: Sphinx) -> Path | None:
    config = getattr(app.env, "mystnb_config", None)
    return Path(config.execution_cache_path) if config and config.execution_cache_path else None


def _drop_cache_records(cache_dir: Path, paths: set[Path]) -> None:
    from jupyter_cache import get_cache

    if not cache_dir.exists():
        return
    cache = get_cache(str(cache_dir))
    wanted = {str(p) for p in paths}
    for record in cache.list_cache_records():
        if record.uri in wanted:
            cache.remove_cache(record.pk)


def outdated_by_helper(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """Mark chapters that import the helper as outdated when the helper changed.

    The last hash is kept beside the jupyter cache (not in the Sphinx environment), so a lost
    or deleted environment can never pair fresh chapters with outputs of old helper code.
    """
    cache_dir = _cache_dir(app)
    if cache_dir is None:
        return []
    stamp = cache_dir.parent / "addictionbook-helper.sha256"
    current = helper_hash()
    previous = stamp.read_text().strip() if stamp.exists() else None
    if previous == current:
        return []
    docs = importing_docs(env)
    _drop_cache_records(cache_dir, {Path(env.doc2path(d)).resolve() for d in docs})
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current + "\n")
    outdated = sorted(docs - set(added) - set(changed))
    if outdated:
        logger.info(f"helper package changed: re-executing {', '.join(outdated)}")
    return outdated


def setup(app: Sphinx) -> dict:
    app.connect("env-get-outdated", outdated_by_helper)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 1,
    }
