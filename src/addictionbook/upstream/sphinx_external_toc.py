"""sphinx-external-toc: Sphinx's own toctree collector found among the app's listeners, not
among every object in memory (``toctree-collector-from-listeners``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import applies

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx

_upstream: Callable[[Sphinx], None] | None = None


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


def find_toctree_collectors_by_listener() -> None:
    """Put :func:`disable_connected_toctree_collectors` in sphinx-external-toc's place.

    Its ``setup`` imports the function from ``collectors`` when it runs, so this must run
    before Sphinx loads the extensions: the build's Sphinx process does it first
    (``pipeline/jupyter_book_process.py``); the book's extension does it again for any later
    Sphinx application in the same process.
    """
    global _upstream
    import sphinx_external_toc.collectors as collectors

    if collectors.disable_builtin_toctree_collector is not disable_connected_toctree_collectors:
        _upstream = collectors.disable_builtin_toctree_collector
        collectors.disable_builtin_toctree_collector = disable_connected_toctree_collectors
