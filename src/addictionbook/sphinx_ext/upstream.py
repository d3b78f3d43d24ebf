"""Workarounds for upstream packages, in one place: what each fixes or saves, and why.

Each function here changes the behaviour of a package the book does not own; see
ARCHITECTURE.md ("Upstream workarounds") for the list.
"""

from __future__ import annotations

import functools
import sys
import types
from pathlib import Path

from sphinx.application import Sphinx


def cache_bibtex_plugin_lookups() -> None:
    """Look up each pybtex plugin once per build instead of once per citation.

    pybtex scans every installed package's entry points for its style plugins on each citation
    it formats (about 20 ms a time: 2.7 s of a clean build of this book). The installed packages
    cannot change during a build, so the lookup is cached.
    """
    import pybtex.plugin

    lookup = pybtex.plugin.entry_points
    if not hasattr(lookup, "cache_info"):
        pybtex.plugin.entry_points = functools.lru_cache(maxsize=None)(lookup)


def social_cards_enabled(app: Sphinx) -> bool:
    """Whether ``ogp_social_cards`` asks for images (Jupyter Book passes config as overrides)."""
    for raw in (getattr(app.config, "_overrides", {}), getattr(app.config, "_raw_config", {})):
        if "ogp_social_cards" in raw:
            return (raw["ogp_social_cards"] or {}).get("enable", True) is not False
    return True


def skip_social_card_import(app: Sphinx) -> None:
    """Spare the build sphinxext-opengraph's import of matplotlib (1.3 s) when cards are off.

    The extension imports its social-card module, and with it matplotlib, even when
    ``ogp_social_cards: {enable: false}``. When cards are off (as in ``_config.yml``), it gets
    the stand-in it uses itself when matplotlib is missing: no defaults and no card drawer.
    Must run before ``sphinxext.opengraph`` is imported, so this extension is listed first.
    """
    name = "sphinxext.opengraph._social_cards"
    if social_cards_enabled(app) or "sphinxext.opengraph" in sys.modules or name in sys.modules:
        return
    stand_in = types.ModuleType(name, "No social cards: see addictionbook.sphinx_ext.")
    stand_in.DEFAULT_SOCIAL_CONFIG = {}  # type: ignore[attr-defined]
    stand_in.create_social_card = None  # type: ignore[attr-defined]
    sys.modules[name] = stand_in


def cache_compiled_templates(app: Sphinx) -> None:
    """Keep the theme's compiled Jinja templates between builds (0.3 s of every build).

    Jinja checks each template's source against its cached bytecode, so an edited template is
    compiled again.
    """
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is not None and environment.bytecode_cache is None:
        from jinja2 import FileSystemBytecodeCache

        folder = Path(app.doctreedir).parent / ".jinja_cache"
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))
