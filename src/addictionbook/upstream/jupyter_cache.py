"""jupyter-cache: the records a cache trims past its limit are chosen in one query
(``cache-truncation-in-one-query``).

After caching a notebook, jupyter-cache trims the cache to its limit (1,000 notebooks):
``NbCacheRecord.records_to_delete`` lists the newest records to keep in one query, then, in a
second, every record not in that list. A build caches from two processes at once: the notebook
step, and myst-nb while Sphinx reads a translated handout's notebook. A record the other process
added between the two queries is missing from the first list and present in the second, so it
was deleted; when its notebook file was not yet written, the build stopped on "KeyError:
Notebook file does not exist for cache record PK" (seen in CI, ``test_cache``). Here the
records past the limit come from one query: a record added meanwhile is the newest, never past
the limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import applies

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.engine import Engine

_upstream: Callable[[int, Engine], list[int]] | None = None


def records_past_the_limit(keep: int, db: Engine) -> list[int]:
    """The primary keys of every record but the ``keep`` most recently accessed, in one query."""
    if not applies("cache-truncation-in-one-query"):
        assert _upstream is not None
        return _upstream(keep, db)
    from jupyter_cache.cache.db import NbCacheRecord, session_context

    with session_context(db) as session:
        newest_first = NbCacheRecord.accessed.desc()
        query = session.query(NbCacheRecord.pk).order_by(newest_first).offset(keep)
        return [pk for (pk,) in query.all()]


def trim_the_cache_in_one_query() -> None:
    """Put :func:`records_past_the_limit` in jupyter-cache's place, in every process that caches
    notebooks: the build's Sphinx process (``pipeline/jupyter_book_process.py``), the notebook
    step (``execution/cache.py``) and, for an application in a test process, the extension."""
    global _upstream
    from jupyter_cache.cache.db import NbCacheRecord

    if NbCacheRecord.records_to_delete is not records_past_the_limit:
        _upstream = NbCacheRecord.records_to_delete
        NbCacheRecord.records_to_delete = staticmethod(records_past_the_limit)
