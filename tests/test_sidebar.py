"""The sidebar made once per build (addictionbook.sphinx_ext.sidebar) equals the theme's,
on every page of the book.

The theme's own navigation comes from a second build with ``ADDICTIONBOOK_THEME_NAV=1``; the
book has parts, numbered chapters, an unnumbered appendix and a section with sub-pages. A
deeper table of contents, and a renamed page in an incremental build, are tested in process
on a small book (``tests/test_sphinx_ext.py``).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from .helpers import build_ok

NAV = '<nav class="bd-links bd-docs-nav"'


def navigation(page: Path) -> str | None:
    text = page.read_text(encoding="utf-8")
    if NAV not in text:
        return None
    start = text.index(NAV)
    return text[start : text.index("</nav>", start)]


def build(book: Path, theme_nav: bool) -> tuple[Path, str]:
    env = {**os.environ}
    if theme_nav:
        env["ADDICTIONBOOK_THEME_NAV"] = "1"
    build_ok("html", book, env=env)
    # Sphinx's own messages are in the build's log (the terminal shows one line per step).
    return book / "_build" / "html", (book / "_build" / "logs" / "html.log").read_text()


def build_with_theme_nav(book: Path, tmp_path: Path) -> tuple[Path, str]:
    """The theme's own navigation on every page of ``book``: built from a copy at a new path,
    which Sphinx reads and writes in full (the book itself would write only what changed)."""
    theirs = tmp_path / "theirs"
    shutil.copytree(book, theirs, symlinks=True)
    return build(theirs, theme_nav=True)


def assert_same_navigation(ours: Path, theirs: Path) -> int:
    compared = 0
    for page in sorted(theirs.rglob("*.html")):
        expected = navigation(page)
        if expected is None:
            continue
        assert navigation(ours / page.relative_to(theirs)) == expected, page.relative_to(theirs)
        compared += 1
    return compared


def test_every_page_of_the_book_has_the_themes_navigation(
    site: Path, book_copy: Path, tmp_path: Path
) -> None:
    theirs, log = build_with_theme_nav(book_copy, tmp_path)
    assert "sidebar navigation: made once" not in log
    compared = assert_same_navigation(site, theirs)
    assert compared >= 20  # every chapter, appendix, handout, search and 404
    handout = navigation(site / "book" / "handouts" / "session-guide.html")
    assert '<a class="current reference internal" href="#">' in handout


def test_each_section_toggle_is_named_after_its_section() -> None:
    """The theme's expand button holds only an icon; it gets "Pages under <title>", the title
    read without its markup (a Spanish title sits in a lang span)."""
    from addictionbook.sphinx_ext.sidebar import name_section_toggles

    nav = (
        '<li><a class="reference internal" href="a.html">Handouts &amp; guides</a><details>'
        '<summary><span class="toctree-toggle" role="presentation"><i></i></span></summary>'
        '<ul><li><a href="b.html"><span lang="es">Quitar las capas</span></a><details>'
        '<summary><span class="toctree-toggle" role="presentation"><i></i></span></summary>'
    )
    named = name_section_toggles(nav)
    labels = re.findall(r'<summary aria-label="([^"]*)"><span class="toctree-toggle"', named)
    assert labels == ["Pages under Handouts &amp; guides", "Pages under Quitar las capas"], named
