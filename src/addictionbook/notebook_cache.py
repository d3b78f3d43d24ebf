"""The notebook cache, made to know the helper package and to use every core.

myst-nb keys a notebook's cached outputs on its own code cells only (MyST-NB issue 299): edit a
figure function and the book would keep publishing the old figure. Here the cache is also keyed
on the helper package: its modules that chapters can reach are hashed, and when the hash
differs from the one stamped beside the cache, the cached outputs of exactly the notebooks that
import the package are dropped. myst-nb also executes notebooks one at a time while Sphinx reads;
:func:`pre_execute` first runs every notebook that has no valid cached output in parallel with
jupyter-cache's own executor, so Sphinx then finds them all in the cache.
"""

from __future__ import annotations

import ast
import hashlib
import logging
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The module chapters import; the hash covers it and every package module it reaches.
ENTRY_MODULE = "notebook"
IMPORTS_PACKAGE = re.compile(r"^\s*(?:from|import)\s+addictionbook\b", re.MULTILINE)
STAMP_NAME = "addictionbook-helper.sha256"
#: jupyter-cache's name for myst-nb's reader of MyST text notebooks.
MYST_READER = {"type": "plugin", "name": "myst_nb_md"}


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


def imports_helper(path: Path) -> bool:
    """Whether a Markdown source imports the helper package."""
    return path.suffix == ".md" and bool(IMPORTS_PACKAGE.search(path.read_text(encoding="utf-8")))


def drop_cached(cache_dir: Path, sources: set[str]) -> None:
    """Remove the cached executions of ``sources`` (paths relative to the book's folder).

    Records are matched on the path's tail, not the absolute path they were made under, so a
    book folder that was moved or copied (with its build) is still invalidated.
    """
    from jupyter_cache import get_cache

    if not cache_dir.exists():
        return
    cache = get_cache(str(cache_dir))
    for record in cache.list_cache_records():
        uri = Path(record.uri).as_posix()
        if any(uri == s or uri.endswith("/" + s) for s in sources):
            cache.remove_cache(record.pk)


def invalidate_if_helper_changed(cache_dir: Path, srcdir: Path, sources: list[str]) -> bool:
    """Drop cached outputs of the ``sources`` that import the helper, if the helper changed.

    The hash is stamped beside the cache (not in Sphinx's environment), so a lost environment
    can never pair chapters with outputs of old helper code. Returns whether it changed.
    """
    stamp = cache_dir.parent / STAMP_NAME
    current = helper_hash()
    previous = stamp.read_text().strip() if stamp.exists() else None
    if previous == current:
        return False
    drop_cached(cache_dir, {s for s in sources if imports_helper(srcdir / s)})
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(current + "\n")
    return True


def is_notebook(text: str) -> bool:
    """Whether a Markdown source is a MyST text notebook (as myst-nb decides: front matter
    with a ``kernelspec`` or ``file_format: mystnb``), without importing myst-nb."""
    from .check import split_front_matter

    front, _ = split_front_matter(text)
    return "kernelspec" in front or front.get("file_format") == "mystnb"


def notebook_sources(srcdir: Path) -> list[str]:
    """The book's MyST text notebooks (toc files with notebook front matter), relative paths."""
    from .check import toc_files

    found = []
    for entry in toc_files(srcdir):
        path = srcdir / f"{entry}.md"
        if path.exists() and is_notebook(path.read_text(encoding="utf-8")):
            found.append(f"{entry}.md")
    return found


def fingerprint(srcdir: Path, sources: list[str]) -> str:
    """Hash of the notebooks' sources and the helper: equal means nothing can need running."""
    digest = hashlib.sha256(helper_hash().encode())
    for source in sorted(sources):
        digest.update(source.encode())
        digest.update((srcdir / source).read_bytes())
    return digest.hexdigest()


def pre_execute(srcdir: Path, cache_dir: Path, timeout: int) -> list[str]:
    """Execute, in parallel, every notebook without a valid cached output; return them.

    Failures are left to the Sphinx build, which runs the notebook again and reports the
    failing cell with the chapter's name.
    """
    sources = notebook_sources(srcdir)
    done = cache_dir / "addictionbook-executed.sha256"  # inside the cache: gone with it
    current = fingerprint(srcdir, sources)
    if done.exists() and done.read_text().strip() == current:
        return []  # the common no-op and text-edit case: no imports of myst-nb or the cache

    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    invalidate_if_helper_changed(cache_dir, srcdir, sources)
    cache = get_cache(str(cache_dir))
    uris = [str((srcdir / s).resolve()) for s in sources]
    for uri in uris:
        cache.add_nb_to_project(uri, read_data=MYST_READER)
    stale = cache.list_unexecuted(filter_uris=uris)
    if len(stale) == 1:
        return []  # one notebook gains nothing from a process pool: myst-nb runs it inline
    if stale:
        print(f"pre-executing {len(stale)} notebook(s) in parallel", flush=True)
        logger = logging.getLogger("addictionbook.pre_execute")
        executor = load_executor("local-parallel", cache=cache, logger=logger)
        executor.run_and_cache(
            filter_pks=[r.pk for r in stale], timeout=timeout, allow_errors=False
        )
    if not cache.list_unexecuted(filter_uris=uris):
        done.write_text(current + "\n")
    return [r.uri for r in stale]
