"""The site's sidebar navigation, built once per build instead of once per page.

sphinx-book-theme builds each page's sidebar from the whole table of contents: Sphinx resolves
the full toctree for the page, renders it, and the theme parses and rewrites it with
BeautifulSoup. That is work proportional to the number of chapters on every page, so a clean
build grows with the square of the book (half the time of a 200-chapter build). The navigation
differs between pages only in its relative links and in the "current" marks on the path to the
page, so here the theme's navigation is made once, its marks removed and its links made
root-relative; every page then gets that template with its own links and marks put back.

The theme's own template (``sbt-sidebar-nav.html``) calls ``generate_toctree_html`` from the
page's template context; :func:`add_nav_function` puts a wrapper there (Sphinx's documented
``html-page-context`` event, after the theme has added its function), so no theme template is
copied. With ``ADDICTIONBOOK_THEME_NAV=1`` the wrapper calls the theme for every page; the tests
compare both, page by page. Either way the wrapper names each section's expand button
(:func:`name_section_toggles`).
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import re
from dataclasses import dataclass, field

from markupsafe import Markup
from sphinx.application import Sphinx
from sphinx.util import logging

from .. import upstream
from .book import settings

logger = logging.getLogger(__name__)

TAG = re.compile(r"<(/?)(li|ul|details|a)\b([^>]*)>")
HREF = re.compile(r'href="([^"]*)"')
LOCAL = re.compile(r"^(?![a-z][a-z0-9+.-]*:|#|/)")  # a relative link inside the site


@dataclass
class Slot:
    """One tag of the navigation that a page's marks or links can change."""

    kind: str
    attrs: str
    ancestors: tuple[int, ...] = ()
    href: str = ""

    def render(self, marked: bool, href: str) -> str:
        attrs = self.attrs
        if self.kind == "a":
            attrs = HREF.sub(f'href="{href}"', attrs, count=1)
            if marked:
                attrs = attrs.replace('class="', 'class="current ', 1)
        elif marked and self.kind == "li":
            attrs = re.sub(r'class="([^\s"]+)', r'class="\1 current active', attrs, count=1)
        elif marked and self.kind == "ul":
            has_class = 'class="' in attrs
            attrs = (
                attrs.replace('class="', 'class="current ', 1)
                if has_class
                else (attrs + ' class="current"')
            )
        elif marked and self.kind == "details":
            attrs += ' open="open"'
        return f"<{self.kind}{attrs}>"


@dataclass
class NavTemplate:
    """The navigation without any page's marks, links relative to the site's root."""

    parts: list[str | int] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    by_uri: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_page(cls, html: str, page_uri: str) -> NavTemplate:
        """Parse the theme's navigation as rendered for ``page_uri`` and remove its marks."""
        template, stack, pos = cls(), [], 0
        page_dir = posixpath.dirname(page_uri)
        for match in TAG.finditer(html):
            template.parts.append(html[pos : match.start()])
            pos = match.end()
            closing, kind, attrs = match.groups()
            if closing:
                template.parts.append(match.group(0))
                if kind != "a":
                    stack.pop()
                continue
            slot = Slot(kind, unmark(kind, attrs), tuple(stack))
            if kind == "a":
                href = HREF.search(attrs)
                link = href.group(1) if href else ""
                if link == "#" and 'class="current ' in attrs:
                    link = posixpath.basename(page_uri)
                if LOCAL.match(link):
                    link = posixpath.normpath(posixpath.join(page_dir, link))
                    template.by_uri.setdefault(link, len(template.slots))
                slot.href = link
            else:
                stack.append(len(template.slots))
            template.parts.append(len(template.slots))
            template.slots.append(slot)
        template.parts.append(html[pos:])
        return template

    def for_page(self, page_uri: str) -> str:
        """The navigation as the theme would render it on ``page_uri``."""
        current = self.by_uri.get(page_uri)
        marked = set(self.slots[current].ancestors) | {current} if current is not None else set()
        page_dir = posixpath.dirname(page_uri)
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            slot = self.slots[part]
            # The theme opens the <details> of every marked entry, the page's own included.
            opened = (
                slot.kind == "details" and bool(slot.ancestors) and slot.ancestors[-1] in marked
            )
            href = slot.href
            if slot.kind == "a" and LOCAL.match(href):
                href = "#" if part == current else posixpath.relpath(href, page_dir or ".")
            out.append(slot.render(part in marked or opened, href))
        return "".join(out)


def unmark(kind: str, attrs: str) -> str:
    """Remove the marks Sphinx and the theme put on the path to the current page."""
    if kind == "li":
        return attrs.replace(" current active", "")
    if kind == "ul":
        return attrs.replace(' class="current"', "").replace('class="current ', 'class="')
    if kind == "details":
        return attrs.replace(' open="open"', "")
    if kind == "a":
        return attrs.replace('class="current ', 'class="')
    return attrs


def cached_nav(app: Sphinx, page_uri: str, generate, **kwargs) -> str:
    """The theme's ``generate_toctree_html(**kwargs)`` for this page, from the build's template."""
    key = tuple(sorted(kwargs.items()))
    templates = app._addictionbook_nav  # type: ignore[attr-defined]
    if key not in templates:
        templates[key] = NavTemplate.from_page(str(generate(**kwargs)), page_uri)
    app._addictionbook_nav_pages.add(page_uri)  # type: ignore[attr-defined]
    return templates[key].for_page(page_uri)


def forget_templates(app: Sphinx) -> None:
    """Each build starts from the theme's navigation again (the toc may have changed)."""
    app._addictionbook_nav = {}  # type: ignore[attr-defined]
    app._addictionbook_nav_pages = set()  # type: ignore[attr-defined]


def report(app: Sphinx, exception: Exception | None) -> None:
    pages = getattr(app, "_addictionbook_nav_pages", ())
    if pages:
        logger.info(f"sidebar navigation: made once, used on {len(pages)} pages")


#: Where the theme's section toggle starts: a ``<summary>`` holding only a chevron icon.
TOGGLE = '<summary><span class="toctree-toggle"'
TAGS = re.compile(r"<[^>]+>")


def name_section_toggles(nav: str) -> str:
    """Give each section's expand button a name, "Pages under <section>": the theme's
    ``<summary>`` holds only an icon, which a screen reader cannot name (axe: summary-name)."""
    parts = nav.split(TOGGLE)
    out = [parts[0]]
    for before, after in zip(parts, parts[1:], strict=False):
        link = before.rsplit("</a>", 1)[0]
        title = html.unescape(" ".join(TAGS.sub("", link[link.rfind("<a ") :]).split()))
        out.append(f'<summary aria-label="Pages under {html.escape(title)}">')
        out.append(TOGGLE.removeprefix("<summary>") + after)
    return "".join(out)


def add_nav_function(app: Sphinx, pagename: str, templatename, context: dict, doctree) -> None:
    """Wrap the theme's ``generate_toctree_html`` for this page: the sidebar comes from the
    navigation made once per build (unless the theme's own is asked for, or the theme is a
    version this was not verified against: see ``upstream.WORKAROUNDS``), its toggles named."""
    theme_nav = context.get("generate_toctree_html")
    if app.builder.name != "html" or theme_nav is None:
        return
    made_once = not settings(app).theme_navigation and upstream.applies("sidebar-made-once")
    name_toggles = upstream.applies("sidebar-toggle-names")
    page_uri = app.builder.get_target_uri(pagename)

    def sidebar(**kwargs) -> str:
        nav = str(theme_nav(**kwargs))
        return name_section_toggles(nav) if name_toggles else nav

    def generate_toctree_html(kind: str, **kwargs) -> str:
        if kind != "sidebar":
            return theme_nav(kind, **kwargs)
        if made_once:  # the toggles are then named once, in the build's navigation template
            return Markup(cached_nav(app, page_uri, sidebar, kind=kind, **kwargs))
        return Markup(sidebar(kind=kind, **kwargs))

    context["generate_toctree_html"] = generate_toctree_html


def navigation_key(app: Sphinx, env) -> str:
    """A digest of what every page's navigation shows: the table of contents (parts, their
    captions and order, from ``_toc.yml``), each page's toctree and each page's title."""
    site_map = getattr(app.config, "external_site_map", None)
    parts = [json.dumps(site_map.as_json(), sort_keys=True) if site_map is not None else ""]
    for docname in sorted(env.found_docs):
        title = env.titles.get(docname)
        parts.append(f"{docname}\0{title.pformat() if title is not None else ''}")
        parts.append(repr(env.toctree_includes.get(docname, [])))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def rewrite_pages_when_navigation_changes(app: Sphinx, env) -> list[str]:
    """Every page carries the whole navigation (sidebar, previous/next links), but Sphinx
    writes again only the pages it read (and the parents of a changed toctree): after a
    chapter is added, moved or renamed the other pages would keep the old navigation
    (https://github.com/sphinx-doc/sphinx/issues/5506). When the navigation changed, every
    page is written again (from the saved doctrees: nothing is read again)."""
    if not upstream.applies("navigation-rewrites-every-page"):
        return []
    key = navigation_key(app, env)
    previous = getattr(env, "addictionbook_navigation_key", None)
    env.addictionbook_navigation_key = key
    if previous is None or previous == key:
        return []
    logger.info("the navigation changed: every page is written again")
    return sorted(env.found_docs)


def setup(app: Sphinx) -> None:
    """Registered by :mod:`addictionbook.sphinx_ext`."""
    app.connect("env-get-updated", rewrite_pages_when_navigation_changes)
    app.connect("builder-inited", forget_templates)
    # after the theme's own handler (priority 500) has put its function in the context
    app.connect("html-page-context", add_nav_function, priority=600)
    app.connect("build-finished", report)
