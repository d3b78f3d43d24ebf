"""Each web page links only the stylesheets and scripts its own content uses.

Extensions add their files to every page of the site: sphinx-design's stylesheet (55 kB) on a
page without a dropdown or card, myst-nb's (43 kB) on a page without a notebook cell, the
highlighting and copy-button files on pages without code. Stylesheets block the first paint
(Lighthouse counted ten on every page), so a page that does not use a component does not wait
for its styles. What a page uses is read from the class names in its body; a component that
first appears below the first screen (a chapter's self-check dropdowns, its notebook figures)
has its stylesheet fetched without holding the first paint.

The EPUB chooses its own stylesheets (``epub.epub_page_context``); pages without a body (search,
the index) keep every file.

The theme's stylesheet, the largest file every page waits for, carries a rule for each of Font
Awesome's 1,900 icons, while the site's icon fonts (``_static/book-icons*.woff``, see
``_static/book.css``) hold only the 31 glyphs the theme shows: ``trim_icon_rules`` drops the
rules for glyphs those fonts do not have, which could never draw anything (a third of the
file's compressed size).

The figure gallery shows each figure as an SVG data URI in raw HTML (its cell output, see
``addictionbook.figures.notebook.figure_bundle``): 330 kB of base64 in the page, which the
reader's browser must fetch before it can paint anything. ``svg_data_uris_to_files`` writes each
one to ``_images/`` (named by its content) and links it, as Sphinx does for data-URI images
given to builders that do not keep them inline.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from docutils import nodes
from sphinx.application import Sphinx

from .. import upstream

CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')
#: The theme's stylesheet, and the icon fonts that replace Font Awesome's (``_static/book.css``).
THEME_CSS = "_static/styles/pydata-sphinx-theme.css"
ICON_FONTS = ("_static/book-icons.woff", "_static/book-icons-brands.woff")
#: One icon rule of the theme's minified stylesheet (pydata-sphinx-theme 0.17.1, Font Awesome
#: 6.5.2): ``.fa-name:before,.fa-alias:before{content:"\\f2b9"}``.
ICON_RULE = re.compile(r'(?:\.fa-[\w-]+::?before,?)+\{content:"([^"]*)"\}')
CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}) ?|\\(.)")
SVG_DATA_URI = re.compile(r'(<img\b[^>]*?\bsrc=")data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"')


def _has_code(classes: set[str]) -> bool:
    return any(name.startswith("highlight") for name in classes)


def _has_design(classes: set[str]) -> bool:
    return any(name.startswith("sd-") for name in classes)


def _has_toggle(classes: set[str]) -> bool:
    # sphinx-togglebutton's default selector (.toggle, .admonition.dropdown) and its directive.
    return (
        "toggle" in classes or "toggle-details" in classes or {"admonition", "dropdown"} <= classes
    )


def _has_cells(classes: set[str]) -> bool:
    return bool(classes & {"cell", "cell_output", "cell_input"})


#: File name (its start, before a hash or query) -> whether a page's class names need it.
NEEDED_BY: dict[str, Callable[[set[str]], bool]] = {
    "pygments.css": _has_code,
    "copybutton.css": _has_code,
    "copybutton.js": _has_code,
    "clipboard.min.js": _has_code,
    "sphinx-design.min.css": _has_design,
    "design-tabs.js": lambda classes: "sd-tab-set" in classes,
    "togglebutton.css": _has_toggle,
    "togglebutton.js": _has_toggle,
    "mystnb.": _has_cells,
}


#: Component stylesheets that may arrive after the first paint when the page first uses the
#: component below its first screen: the self-check dropdowns and notebook figures of a
#: chapter, code further down. (Toggle-button styles hide content as soon as its script runs,
#: so they stay blocking.)
DEFERRABLE = ("sphinx-design.min.css", "mystnb.", "pygments.css", "copybutton.css")
#: Characters of a page's body HTML that fill more than a phone's first screen (a title and
#: about a dozen lines of text take 1,500 to 2,500).
FIRST_SCREEN = 4000
#: How a deferred stylesheet is linked: fetched at once without holding the first paint, and
#: applied when it arrives (``_templates/layout.html`` adds the <noscript> fallback).
DEFERRED = {"rel": "preload", "as": "style", "onload": "this.onload=null;this.rel='stylesheet'"}


def first_use(body: str, uses: Callable[[set[str]], bool]) -> int | None:
    """Offset in ``body`` of the first element whose class names need the file, or None."""
    for match in CLASS_ATTRIBUTE.finditer(body):
        if uses(set(match.group(1).split())):
            return match.start()
    return None


def _rule(filename: str) -> tuple[str, Callable[[set[str]], bool]] | None:
    name = PurePosixPath(filename.split("?", 1)[0]).name
    return next(
        ((start, uses) for start, uses in NEEDED_BY.items() if name.startswith(start)), None
    )


def page_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Drop from the page's ``css_files`` and ``script_files`` what its body does not use, and
    link the component stylesheets it first uses below its first screen as ``DEFERRED``."""
    if app.builder.name != "html" or not context.get("body"):
        return
    body = context["body"]
    for key in ("css_files", "script_files"):
        kept = []
        for asset in context.get(key, []):
            filename = str(getattr(asset, "filename", "") or "")
            rule = _rule(filename) if filename else None
            if rule is None:
                kept.append(asset)
                continue
            start, uses = rule
            offset = first_use(body, uses)
            if offset is None:
                continue
            if key == "css_files" and start in DEFERRABLE and offset > FIRST_SCREEN:
                attributes = {k: v for k, v in asset.attributes.items() if k not in ("rel", "type")}
                asset = type(asset)(
                    asset.filename, priority=asset.priority, **attributes, **DEFERRED
                )
            kept.append(asset)
        context[key] = kept


def _css_string(value: str) -> str:
    """A CSS string's characters, escapes resolved (``\\f2b9`` -> U+F2B9)."""
    return CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), value)


def drop_icon_rules(css: str, code_points: set[int]) -> str:
    """``css`` without the icon rules whose character is not in ``code_points``."""

    def keep(rule: re.Match) -> str:
        text = _css_string(rule.group(1))
        return rule.group(0) if len(text) != 1 or ord(text) in code_points else ""

    return ICON_RULE.sub(keep, css)


def trim_icon_rules(app: Sphinx, exception: Exception | None) -> None:
    """Drop from the site's copy of the theme's stylesheet the icons its fonts cannot draw."""
    if exception is not None or app.builder.name != "html":
        return
    if not upstream.applies("theme-icon-rules-trimmed"):
        return
    from fontTools.ttLib import TTFont  # matplotlib's dependency; only this step needs it

    outdir = Path(app.outdir)
    stylesheet = outdir / THEME_CSS
    fonts = [outdir / name for name in ICON_FONTS]
    if not stylesheet.is_file() or not all(font.is_file() for font in fonts):
        return
    code_points = {cp for font in fonts for cp in TTFont(font).getBestCmap()}
    css = stylesheet.read_text(encoding="utf-8")
    trimmed = drop_icon_rules(css, code_points)
    if trimmed != css:
        stylesheet.write_text(trimmed, encoding="utf-8")


def svg_data_uris_to_files(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """On the site, write the SVG data URIs of raw HTML images to ``_images/<sha256>.svg``."""
    if app.builder.name != "html":
        return
    images = Path(app.outdir) / "_images"
    base = posixpath.dirname(docname)

    def to_file(match: re.Match) -> str:
        data = base64.b64decode(match.group(2))
        name = f"{hashlib.sha256(data).hexdigest()}.svg"
        target = images / name
        if not target.is_file():
            images.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return f'{match.group(1)}{posixpath.relpath(f"_images/{name}", base or ".")}"'

    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if "html" in raw.get("format", "").split() and "data:image/svg+xml;base64," in text:
            linked = SVG_DATA_URI.sub(to_file, text)
            raw.replace_self(nodes.raw(linked, linked, format=raw["format"]))
