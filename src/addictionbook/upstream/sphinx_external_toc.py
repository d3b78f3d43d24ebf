"""sphinx-external-toc: Sphinx's own toctree collector found among the app's listeners, not
among every object in memory (``toctree-collector-from-listeners``); the search for pages left
out of the table of contents skips the folders Sphinx excludes (``toc-walk-skips-excluded``).

:func:`put_in_place` puts both in sphinx-external-toc's place. Its ``setup`` imports the two
functions when it runs, so this must happen before Sphinx loads the extensions: the build's
Sphinx process does it first (``pipeline/jupyter_book_process.py``); the book's extension does
it again for any later Sphinx application in the same process.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from . import applies

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.config import Config

_upstream: Callable[[Sphinx], None] | None = None
_upstream_parse: Callable[[Sphinx, Config], None] | None = None


def disable_connected_toctree_collectors(app: Sphinx) -> None:
    """Disable every toctree collector connected to ``app``, as sphinx-external-toc does.

    sphinx-external-toc finds them with ``gc.get_objects()``: 0.03 s in a build's fresh process,
    0.1 s for each Sphinx application a test process makes (22 in ``make test-fast``). The
    collectors it is after are the ones whose handlers ``app`` holds, so they are looked up
    there.
    """
    if not applies("toctree-collector-from-listeners"):
        assert _upstream is not None
        _upstream(app)
        return
    from sphinx.environment.collectors.toctree import TocTreeCollector

    connected = {
        listener.handler.__self__
        for listeners in app.events.listeners.values()
        for listener in listeners
        if isinstance(getattr(listener.handler, "__self__", None), TocTreeCollector)
    }
    for collector in connected:
        if collector.listener_ids is not None:  # as upstream: a rebuild may call it again
            collector.disable(app)


def put_in_place() -> None:
    """Both workarounds, before Sphinx loads sphinx-external-toc (see the module's docstring)."""
    find_toctree_collectors_by_listener()
    skip_excluded_folders_in_the_toc_walk()


def find_toctree_collectors_by_listener() -> None:
    """Put :func:`disable_connected_toctree_collectors` in sphinx-external-toc's place."""
    global _upstream
    import sphinx_external_toc.collectors as collectors

    if collectors.disable_builtin_toctree_collector is not disable_connected_toctree_collectors:
        _upstream = collectors.disable_builtin_toctree_collector
        collectors.disable_builtin_toctree_collector = disable_connected_toctree_collectors


def parse_toc_skipping_excluded_folders(app: Sphinx, config: Config) -> None:
    """sphinx-external-toc's ``parse_toc_to_env``, whose search for pages missing from the
    table of contents does not walk the folders Sphinx excludes.

    Upstream globs ``<srcdir>/**/*<suffix>`` once per source suffix, through every folder:
    ``_build``, and ``tools/`` where ``make test`` installed Ace and Lighthouse (10,700 files;
    0.17 s of every build of the book), then drops each file under an excluded folder. The
    walk here leaves those folders out and lists the rest in glob's order, so upstream makes
    the same list of pages to exclude, in the same order (``exclude_patterns`` is part of
    Sphinx's saved environment: another order would make the next build read every page).
    """
    assert _upstream_parse is not None
    if not applies("toc-walk-skips-excluded"):
        _upstream_parse(app, config)
        return
    import sphinx_external_toc.events as events
    from sphinx.util.matching import Matcher

    real = events.glob
    events.glob = _GlobSkippingExcluded(Path(app.srcdir), Matcher(config["exclude_patterns"]))
    try:
        _upstream_parse(app, config)
    finally:
        events.glob = real


class _GlobSkippingExcluded:
    """The one ``glob.iglob`` call of ``parse_toc_to_env``, without the excluded folders."""

    def __init__(self, srcdir: Path, excluded: Callable[[str], bool]) -> None:
        self.srcdir, self.excluded = srcdir, excluded

    def iglob(self, pattern: str, recursive: bool = False) -> Iterator[str]:
        import glob

        prefix = os.path.join(str(self.srcdir), "**", "")
        name = pattern[len(prefix) :]
        known = recursive and pattern.startswith(prefix) and os.sep not in name
        if not known or glob.has_magic(str(self.srcdir)):
            return glob.iglob(pattern, recursive=recursive)  # not the call this knows
        return self._matches(name)

    def _matches(self, name_pattern: str) -> Iterator[str]:
        for folder in [str(self.srcdir), *self._folders(str(self.srcdir), "")]:
            for name in fnmatch.filter(_names(folder, folders_only=False), name_pattern):
                yield os.path.join(folder, name)

    def _folders(self, path: str, relative: str) -> Iterator[str]:
        """The folders below ``path`` in glob's order (depth first, as listed), hidden and
        excluded ones (with all they hold) left out."""
        for name in _names(path, folders_only=True):
            inside = f"{relative}/{name}" if relative else name
            if self.excluded(inside):
                continue
            yield os.path.join(path, name)
            yield from self._folders(os.path.join(path, name), inside)


def _names(path: str, folders_only: bool) -> list[str]:
    """What glob lists in ``path``: names not starting with a dot, as the folder lists them
    (folders: what ``is_dir`` says, links followed)."""
    found = []
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                try:
                    if not entry.name.startswith(".") and (not folders_only or entry.is_dir()):
                        found.append(entry.name)
                except OSError:
                    pass
    except OSError:
        pass
    return found


def skip_excluded_folders_in_the_toc_walk() -> None:
    """Put :func:`parse_toc_skipping_excluded_folders` in sphinx-external-toc's place."""
    global _upstream_parse
    import sphinx_external_toc.events as events

    if events.parse_toc_to_env is not parse_toc_skipping_excluded_folders:
        _upstream_parse = events.parse_toc_to_env
        events.parse_toc_to_env = parse_toc_skipping_excluded_folders
