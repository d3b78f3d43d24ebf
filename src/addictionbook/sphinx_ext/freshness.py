"""Keep the site in step with what changed: the figure library and the static files.

myst-nb's cache keys a notebook on its own cells only (MyST-NB issue 299), so editing a figure
function would leave stale figures in the book. With :mod:`addictionbook.execution.cache`,
these hooks drop the cached outputs of the chapters that import the figure library when it
changed, and mark exactly those chapters outdated, so they execute and are read again. While
the build's notebook step (:func:`addictionbook.execution.cache.start_pre_execution`) still
executes notebooks, Sphinx reads the other pages and waits only for the notebook it reads next.
"""

from __future__ import annotations

import filecmp
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from .. import upstream
from ..execution import cache as notebook_cache

logger = logging.getLogger(__name__)


def _cache_dir(app: Sphinx) -> Path | None:
    config = getattr(app.env, "mystnb_config", None)
    return Path(config.execution_cache_path) if config and config.execution_cache_path else None


def wait_for_the_build(app: Sphinx) -> None:
    """Before Sphinx looks at the sources (it lists them and compares them with its saved
    environment next), wait while the build that started it still checks them, or its notebook
    step has not yet taken the notebooks it runs: both hold the execution lock
    (:func:`addictionbook.execution.cache.hold_execution_lock`); at once when nothing does."""
    cache_dir = _cache_dir(app)
    if cache_dir is not None:
        notebook_cache.wait_for_pre_execution(cache_dir)


def outdated_by_helper(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """Mark chapters that import the helper as outdated when the helper changed.

    Two records of the helper's hash: the one beside the notebook cache decides which cached
    outputs to drop (``make`` may already have done so, and re-executed them in parallel); the
    one in Sphinx's environment decides which pages Sphinx must read again.
    """
    cache_dir = _cache_dir(app)
    if cache_dir is None:
        return []
    srcdir = Path(app.srcdir)
    sources = {
        d: Path(env.doc2path(d)).resolve().relative_to(srcdir).as_posix() for d in env.found_docs
    }
    current = notebook_cache.helper_hash()
    notebook_cache.invalidate_if_helper_changed(cache_dir, srcdir, list(sources.values()), current)
    previous = getattr(env, "addictionbook_helper_hash", None)
    env.addictionbook_helper_hash = current
    if previous == current or (previous is None and not env.all_docs):
        return []  # unchanged, or a fresh environment that reads every page anyway
    docs = {d for d, s in sources.items() if notebook_cache.imports_helper(srcdir / s)}
    outdated = sorted(docs - set(added) - set(changed))
    if outdated:
        logger.info(f"helper package changed: re-executing {', '.join(outdated)}")
    return outdated


def wait_for_notebook(app: Sphinx, docname: str, source: list[str]) -> None:
    """Before Sphinx reads a page, wait until the build's notebook step has executed it (if it
    is executing it), so myst-nb finds the outputs in the cache; other pages are read while
    the notebooks run.

    A notebook that failed in the notebook step has been reported from there, once: myst-nb
    is told to leave it unexecuted for this page (its ``execution_excludepatterns``, for this
    page only; :func:`restore_execution`), instead of running it again into the same failure
    or the same time limit (registered in ``addictionbook.upstream``:
    ``myst-nb-failed-notebook-not-rerun``)."""
    cache_dir = _cache_dir(app)
    if cache_dir is None:
        return
    path = Path(app.env.doc2path(docname)).resolve()
    notebook_cache.wait_for_notebook(cache_dir, path)
    if not notebook_cache.failed_marker(cache_dir, str(path)).exists():
        return
    if not upstream.applies("myst-nb-failed-notebook-not-rerun"):
        return
    config = app.env.mystnb_config
    app.env.addictionbook_execution_config = config  # restored once the page is read
    patterns = (*config.execution_excludepatterns, path.as_posix())
    app.env.mystnb_config = config.copy(execution_excludepatterns=patterns)


def restore_execution(app: Sphinx, doctree) -> None:
    """After a page is read, myst-nb's execution options as they were (see
    :func:`wait_for_notebook`)."""
    saved = getattr(app.env, "addictionbook_execution_config", None)
    if saved is not None:
        app.env.mystnb_config = saved
        del app.env.addictionbook_execution_config


def outdated_by_static_files(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Make the landing page outdated when a file in ``_static`` differs from the site's copy.

    Sphinx copies ``html_static_path`` only in a build that writes a page, so an edited
    stylesheet alone would never reach the site; writing one page copies them all.
    """
    if app.builder.name not in ("html", "dirhtml"):
        return []
    site, book = Path(app.outdir) / "_static", Path(app.confdir).resolve()
    for entry in app.config.html_static_path:
        base = (book / entry).resolve()
        if not base.is_dir() or not base.is_relative_to(book):
            continue  # extensions' static folders change only with the installed packages
        for source in base.rglob("*"):
            copy = site / source.relative_to(base)
            if source.is_file() and not source.name.startswith("."):
                if not copy.is_file() or not filecmp.cmp(source, copy, shallow=False):
                    logger.info(f"{source.relative_to(book)} changed: copying _static")
                    return [app.config.root_doc]
    return []
