"""What the extension knows of the book, made once per Sphinx run: the settings the build
passed down (:class:`~addictionbook.settings.Settings`) and the book's sources, from the site
map sphinx-external-toc has already parsed (so ``_toc.yml`` is not parsed again)."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from ..content.sources import Sources
from ..settings import Settings


def settings(app: Sphinx) -> Settings:
    """The build's settings, read from the environment once per Sphinx run."""
    found = getattr(app, "addictionbook_settings", None)
    if found is None:
        found = app.addictionbook_settings = Settings.from_environment()  # type: ignore[attr-defined]
    return found


def sources(app: Sphinx) -> Sources:
    """The book's sources, on sphinx-external-toc's site map."""
    found = getattr(app, "addictionbook_sources", None)
    if found is None:
        site_map = getattr(app.config, "external_site_map", None)
        found = Sources(Path(app.srcdir), site_map)
        app.addictionbook_sources = found  # type: ignore[attr-defined]
    return found
