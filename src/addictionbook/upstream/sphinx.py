"""Sphinx: the theme's compiled templates kept between builds (``compiled-templates-kept``),
and the saved environment dropped after a failed build (``failed-build-reread``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import WORKAROUNDS, applies

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def cache_compiled_templates(app: Sphinx) -> None:
    """Keep the theme's compiled Jinja templates between builds (0.3 s of every build).

    Jinja checks each template's source against its cached bytecode, so an edited template is
    compiled again.
    """
    templates = getattr(app.builder, "templates", None)
    environment = getattr(templates, "environment", None)
    if environment is None or environment.bytecode_cache is not None:
        return
    if applies("compiled-templates-kept"):
        from jinja2 import FileSystemBytecodeCache

        folder = Path(app.doctreedir).parent / ".jinja_cache"
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def forget_environment_after_failure(doctreedir: Path) -> None:
    """After a failed build, make the next build read every page again.

    Sphinx does not re-read a page that has not changed, so the warning that failed the build
    is not raised again and a second build would pass without anything being fixed (Sphinx
    issue 725). Removing the saved environment forces a full re-read; notebook outputs stay in
    their cache. Called by the build pipeline, outside Sphinx: no Sphinx logger, so the range
    is checked without a warning (an upgrade shows up in tests/test_upstream.py).
    """
    if WORKAROUNDS["failed-build-reread"].in_range():
        from sphinx.application import ENV_PICKLE_FILENAME

        (doctreedir / ENV_PICKLE_FILENAME).unlink(missing_ok=True)
