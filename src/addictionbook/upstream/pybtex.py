"""pybtex: each style plugin looked up once per build (``pybtex-plugin-lookups``)."""

from __future__ import annotations

import functools

from . import applies


def cache_bibtex_plugin_lookups() -> None:
    """Look up each pybtex plugin once per build instead of once per citation.

    pybtex scans every installed package's entry points for its style plugins on each citation
    it formats (about 20 ms a time: 2.7 s of a clean build of this book). The installed packages
    cannot change during a build, so the lookup is cached.
    """
    import pybtex.plugin

    lookup = pybtex.plugin.entry_points
    if not hasattr(lookup, "cache_info") and applies("pybtex-plugin-lookups"):
        pybtex.plugin.entry_points = functools.lru_cache(maxsize=None)(lookup)
