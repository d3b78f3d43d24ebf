"""sphinxext-opengraph: no matplotlib import when social cards are off
(``opengraph-without-social-cards``)."""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

from . import applies

if TYPE_CHECKING:
    from sphinx.application import Sphinx


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
    if not applies("opengraph-without-social-cards"):
        return
    stand_in = types.ModuleType(name, "No social cards: see addictionbook.upstream.")
    stand_in.DEFAULT_SOCIAL_CONFIG = {}  # type: ignore[attr-defined]
    stand_in.create_social_card = None  # type: ignore[attr-defined]
    sys.modules[name] = stand_in
