"""The built website in a real browser, the way students meet it: on a phone, on a slow or no
connection, sometimes with a screen reader or in dark mode, and without telling a third party.

Debian's Chromium (``/usr/bin/chromium``, or ``CHROME_PATH``), driven by Playwright, reads the
session-built site from a local HTTP server that serves it the way GitHub Pages does: under the
repository's path, with the book's 404 page for a missing address. One browser serves the whole
module; every page is visited once at phone size in light mode and once at desktop size in dark
mode, and the tests read what those visits recorded.
"""

from __future__ import annotations

import functools
import http.server
import io
import os
import re
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest
import yaml

from addictionbook.content import review
from addictionbook.content.sources import Sources
from addictionbook_dev.lighthouse import GzipHandler

from .helpers import ROOT

#: The repository's book, as the build reads it.
BOOK = Sources(ROOT)

CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
#: Without the background-networking flags Chromium calls Google hosts, which would both fail
#: here and pollute the "no other host" record.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
SPHINX = CONFIG["sphinx"]["config"]
#: The site's path on its host (GitHub Pages serves the repository under /<name>/).
PREFIX = SPHINX["html_context"]["site_path"]
SITE_URL = SPHINX["site_url"]
PAGES = [f"{entry}.html" for entry in BOOK.toc_entries]
#: Bytes one page may transfer, gzip-compressed (HTML, CSS, scripts, fonts, images): the
#: Lighthouse goal. The stock theme page transfers about 1 MB (fontawesome.js alone 0.5 MB).
PAGE_BUDGET = 500 * 1024
#: Light enough for dark text: relative luminance (0 black, 1 white).
LIGHT = 0.75

pytestmark = pytest.mark.build

if not Path(CHROMIUM).exists():
    message = f"Chromium is not installed at {CHROMIUM}: run `make sysdeps-test` (Debian: chromium)"
    if os.environ.get("CI"):
        raise RuntimeError(message)
    pytest.skip(message, allow_module_level=True)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Playwright and axe are imported where used, not when make test-fast collects this module
# (whose tests it deselects).

# --- the local web host ------------------------------------------------------------------------


class PagesHandler(GzipHandler):
    """Serve the site as GitHub Pages does: under PREFIX, gzip-compressed, and with 404.html
    for a missing page."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def translate_path(self, path: str) -> str:
        path = urlparse(path).path
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / ".not-under-the-prefix")
        return super().translate_path("/" + path[len(PREFIX) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(PagesHandler, directory=str(site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


# --- one visit of every page in each mode ------------------------------------------------------


@dataclass
class Visit:
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    info: dict = field(default_factory=dict)
    figures: list[dict] = field(default_factory=list)
    serious: list[str] = field(default_factory=list)


#: What the page says about itself, read in the browser after load.
PAGE_INFO = """() => {
  const meta = (sel) => (document.querySelector(sel) || {}).content || "";
  const bg = getComputedStyle(document.body).backgroundColor;
  const bytes = performance.getEntriesByType("navigation").concat(
    performance.getEntriesByType("resource")).reduce((n, e) => n + (e.encodedBodySize || 0), 0);
  return {
    theme: document.documentElement.dataset.theme,
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    description: meta('meta[name="description"]'),
    ogTitle: meta('meta[property="og:title"]'),
    ogUrl: meta('meta[property="og:url"]'),
    ogDescription: meta('meta[property="og:description"]'),
    icon: (document.querySelector('link[rel="icon"]') || {}).href || "",
    footer: (document.querySelector(".bd-footer-content") || {}).innerText || "",
    background: bg,
    bytes: bytes,
    band: (() => {
      const band = document.querySelector("article .review-band");
      if (!band) return null;
      const box = band.getBoundingClientRect();
      const heading = band.querySelector("strong");
      return {
        text: band.innerText,
        width: box.width,
        height: box.height,
        top: box.top + window.scrollY,
        firstAdmonition: (() => {
          const a = document.querySelector("article .admonition");
          return a ? a.getBoundingClientRect().top + window.scrollY : null;
        })(),
        color: getComputedStyle(band.querySelector("p")).color,
        headingColor: heading ? getComputedStyle(heading).color : "",
        background: getComputedStyle(band).backgroundColor,
        visibility: getComputedStyle(band).visibility,
        display: getComputedStyle(band).display,
      };
    })(),
  };
}"""

#: Every image in the article: loaded size, alt text, computed background.
FIGURE_INFO = """() => Array.from(document.querySelectorAll(".bd-article figure img")).map(
  (img, i) => ({
    index: i,
    src: img.getAttribute("src"),
    alt: (img.getAttribute("alt") || "").trim(),
    naturalWidth: img.naturalWidth,
    complete: img.complete,
    background: getComputedStyle(img).backgroundColor,
  }))"""


def visit_all(
    browser: Browser, base_url: str, viewport: dict, mode: str, pages: list[str] = PAGES
) -> dict[str, Visit]:
    context = browser.new_context(
        viewport=viewport,
        color_scheme=mode,
        is_mobile=viewport == PHONE,
        has_touch=viewport == PHONE,
    )
    # The theme keeps the reader's choice in localStorage; set it as the theme switcher would.
    context.add_init_script(
        f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');"
    )
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    visits: dict[str, Visit] = {}
    for name in pages:
        visit = visits[name] = Visit()
        page = context.new_page()
        page.on("request", lambda r, v=visit: v.requests.append(r.url))
        page.on(
            "response",
            lambda r, v=visit: r.status >= 400 and v.failed.append(f"{r.status} {r.url}"),
        )
        page.on("requestfailed", lambda r, v=visit: v.failed.append(f"{r.failure} {r.url}"))
        page.on(
            "console",
            lambda m, v=visit: m.type == "error" and v.console_errors.append(m.text),
        )
        page.on("pageerror", lambda e, v=visit: v.console_errors.append(str(e)))
        page.goto(base_url + name, wait_until="networkidle")
        visit.info = page.evaluate(PAGE_INFO)
        visit.figures = page.evaluate(FIGURE_INFO)
        if mode == "dark":
            for figure in visit.figures:
                image = page.locator(".bd-article figure img").nth(figure["index"])
                image.scroll_into_view_if_needed()
                figure["luminance"] = edge_luminance(image.screenshot())
        results = axe.run(page).response
        visit.serious = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        page.close()
    context.close()
    return visits


def visit_all_in_own_browser(
    base_url: str, viewport: dict, mode: str, pages: list[str]
) -> dict[str, Visit]:
    """:func:`visit_all` in a Chromium of its own (Playwright's sync API: one instance per
    thread)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return visit_all(chromium, base_url, viewport, mode, pages)
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def visits(base_url: str) -> dict[str, dict[str, Visit]]:
    """Both visits of every page, made four browsers at a time (each mode's pages in two
    halves): a page waits for the network to go quiet, and these waits overlap."""
    halves = [PAGES[0::2], PAGES[1::2]]
    jobs = [("phone", PHONE, "light"), ("dark", DESKTOP, "dark")]
    with ThreadPoolExecutor(max_workers=len(jobs) * len(halves)) as pool:
        futures = [
            (key, pool.submit(visit_all_in_own_browser, base_url, viewport, mode, half))
            for key, viewport, mode in jobs
            for half in halves
        ]
        found: dict[str, dict[str, Visit]] = {key: {} for key, _, _ in jobs}
        for key, future in futures:
            found[key].update(future.result())
    return {key: {name: found[key][name] for name in PAGES} for key in found}


@pytest.fixture(scope="module")
def phone(visits: dict[str, dict[str, Visit]]) -> dict[str, Visit]:
    """Every page at phone size (390x844), light mode."""
    return visits["phone"]


@pytest.fixture(scope="module")
def dark(visits: dict[str, dict[str, Visit]]) -> dict[str, Visit]:
    """Every page at desktop size, in the theme's dark mode and with a dark system preference."""
    return visits["dark"]


def luminance(rgb: tuple[int, ...]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def css_color(value: str) -> tuple[tuple[int, int, int], float]:
    """``rgb(a)`` from getComputedStyle as ((r, g, b), alpha)."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", value)]
    alpha = numbers[3] if len(numbers) > 3 else 1.0
    return (int(numbers[0]), int(numbers[1]), int(numbers[2])), alpha


def edge_luminance(png: bytes) -> float:
    """Median relative luminance of a screenshot's outer band (the figure's background)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    band = max(2, min(width, height) // 25)
    pixels = [
        image.getpixel((x, y))
        for x in range(0, width, 2)
        for y in range(0, height, 2)
        if x < band or y < band or x >= width - band or y >= height - band
    ]
    values = sorted(luminance(pixel) for pixel in pixels)
    return values[len(values) // 2]


def by_page(visits: dict[str, Visit], attribute: str) -> dict[str, list]:
    return {name: getattr(v, attribute) for name, v in visits.items() if getattr(v, attribute)}


# --- loading ----------------------------------------------------------------------------------


def test_every_page_loads_with_only_successful_responses(phone, dark) -> None:
    failed = by_page(phone, "failed") | by_page(dark, "failed")
    assert not failed, f"failed requests: {failed}"


def test_no_page_logs_a_console_error(phone, dark) -> None:
    errors = by_page(phone, "console_errors") | by_page(dark, "console_errors")
    assert not errors, f"console errors: {errors}"


def test_no_page_contacts_any_host_but_the_site(phone, dark, base_url: str) -> None:
    """Offline-proof and private: nobody else learns that a student reads about addiction."""
    host = urlparse(base_url).netloc
    elsewhere = {
        name: sorted({u for u in v.requests if urlparse(u).scheme not in ("data", "blob")})
        for visits in (phone, dark)
        for name, v in visits.items()
    }
    elsewhere = {
        name: [u for u in urls if urlparse(u).netloc != host] for name, urls in elsewhere.items()
    }
    elsewhere = {name: urls for name, urls in elsewhere.items() if urls}
    assert not elsewhere, f"requests to other hosts: {elsewhere}"
    assert all(v.requests for v in phone.values()), "the request recorder saw nothing"


def test_pages_load_neither_fontawesome_js_nor_the_full_icon_fonts(phone) -> None:
    """The 1.49 MB icon script and 274 KB icon fonts stay out; the 5 KB subset serves."""
    heavy = {
        name: [u for u in v.requests if "fontawesome" in u]
        for name, v in phone.items()
        if any("fontawesome" in u for u in v.requests)
    }
    assert not heavy, f"pages load the full Font Awesome: {heavy}"
    assert any("book-icons.woff" in u for u in phone["book/index.html"].requests)


def test_every_page_stays_under_its_byte_budget(phone) -> None:
    heavy = {name: v.info["bytes"] for name, v in phone.items() if v.info["bytes"] > PAGE_BUDGET}
    assert not heavy, f"pages over {PAGE_BUDGET} bytes (gzip-compressed): {heavy}"
    assert all(v.info["bytes"] > 20_000 for v in phone.values()), "transfer sizes not measured"


# --- reading on a phone ------------------------------------------------------------------------


def test_no_page_scrolls_sideways_on_a_phone(phone) -> None:
    wide = {
        name: f"{v.info['scrollWidth']} > {v.info['clientWidth']}"
        for name, v in phone.items()
        if v.info["scrollWidth"] > v.info["clientWidth"]
    }
    assert not wide, f"pages wider than a 390 px phone screen: {wide}"


def test_search_finds_the_attunement_chapter(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base_url + "search.html", wait_until="networkidle")
    field = page.locator("#search-results").locator("xpath=..").locator("input[name=q]")
    field.fill("attunement")
    field.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q=attunement"))
    hit = page.locator('#search-results a[href*="book/attunement.html"]').first
    hit.wait_for(timeout=15_000)
    hit.click()
    page.wait_for_url(re.compile(r"book/attunement\.html"))
    assert "Attunement" in page.locator("article h1").first.inner_text()
    context.close()


def test_menus_and_colour_switch_work_on_a_phone_with_deferred_scripts(
    browser: Browser, base_url: str
) -> None:
    """The theme's scripts run deferred; the reader's controls must still answer."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_init_script("localStorage.getItem('mode') || localStorage.setItem('mode', 'light')")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(base_url + "book/layered-model.html", wait_until="networkidle")
    # The download menu opens and offers this page's source.
    page.locator(".dropdown-download-buttons .dropdown-toggle").click()
    assert page.locator(".dropdown-download-buttons .btn-download-source-button").is_visible()
    page.keyboard.press("Escape")
    # The menu button opens the book's navigation, the contents button this page's sections
    # (the theme alone wired only its hidden copies of these buttons; _static/book.js).
    page.locator(".primary-toggle:visible").first.click()
    drawer = page.locator("#pst-primary-sidebar-modal[open]")
    drawer.get_by_role("link", name=re.compile("Attunement")).first.wait_for(state="visible")
    page.keyboard.press("Escape")
    page.locator(".secondary-toggle:visible").first.click()
    drawer = page.locator("#pst-secondary-sidebar-modal[open]")
    drawer.get_by_role("link", name=re.compile("Learning objectives")).wait_for(state="visible")
    page.keyboard.press("Escape")
    # The colour switch cycles light -> auto (light here) -> dark; the choice survives a reload.
    themes = [page.evaluate("document.documentElement.dataset.theme")]
    for _ in range(2):
        page.locator(".theme-switch-button:visible").first.click()
        themes.append(page.evaluate("document.documentElement.dataset.theme"))
    assert themes == ["light", "light", "dark"], themes
    page.reload(wait_until="networkidle")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    context.close()


# --- figures, light and dark -------------------------------------------------------------------


def test_every_figure_is_displayed_with_alt_text_in_light_and_dark_mode(phone, dark) -> None:
    figures = [
        (mode, name, f)
        for mode, visits in (("light", phone), ("dark", dark))
        for name, v in visits.items()
        for f in v.figures
    ]
    assert len(figures) >= 2 * 6, "the book's figures were not found on its pages"
    broken = [(mode, name, f["src"]) for mode, name, f in figures if f["naturalWidth"] == 0]
    assert not broken, f"figures not displayed: {broken}"
    no_alt = [(mode, name, f["src"]) for mode, name, f in figures if len(f["alt"].split()) < 3]
    assert not no_alt, f"figures without alt text: {no_alt}"


def test_dark_mode_is_dark_and_keeps_figures_on_a_light_opaque_background(dark) -> None:
    """Dark lines and text of a figure must never sit on the dark page."""
    for name, visit in dark.items():
        assert visit.info["theme"] == "dark", f"{name} is not in dark mode"
        rgb, _ = css_color(visit.info["background"])
        assert luminance(rgb) < 0.1, f"{name}: page background {visit.info['background']}"
    figures = [(name, f) for name, v in dark.items() for f in v.figures]
    assert figures
    for name, figure in figures:
        rgb, alpha = css_color(figure["background"])
        assert alpha == 1 and luminance(rgb) > LIGHT, (
            f"{name}: {figure['src']} has background {figure['background']} in dark mode"
        )
        assert figure["luminance"] > LIGHT, (
            f"{name}: {figure['src']} has a dark edge on screen (median luminance "
            f"{figure['luminance']:.2f})"
        )


def test_light_mode_is_light(phone) -> None:
    for name, visit in phone.items():
        assert visit.info["theme"] == "light", f"{name} is not in light mode"
        rgb, _ = css_color(visit.info["background"])
        assert luminance(rgb) > 0.9, f"{name}: page background {visit.info['background']}"


# --- accessibility -----------------------------------------------------------------------------


def test_axe_finds_no_serious_or_critical_violation_on_a_phone_in_light_mode(phone) -> None:
    serious = by_page(phone, "serious")
    assert not serious, f"axe-core: {serious}"


def test_axe_finds_no_serious_or_critical_violation_in_dark_mode(dark) -> None:
    serious = by_page(dark, "serious")
    assert not serious, f"axe-core: {serious}"


# --- what a page says about itself --------------------------------------------------------------


def test_every_page_has_a_description_and_opengraph_tags(phone) -> None:
    for name, visit in phone.items():
        info = visit.info
        assert len(info["description"]) >= 40, f"{name}: meta description {info['description']!r}"
        assert info["ogTitle"] and info["ogDescription"], f"{name}: OpenGraph title/description"
        assert info["ogUrl"] == SITE_URL + name, f"{name}: og:url {info['ogUrl']}"


def test_every_page_has_a_favicon_that_loads(phone, browser: Browser) -> None:
    icons = {v.info["icon"] for v in phone.values()}
    assert "" not in icons, "a page has no <link rel=icon>"
    context = browser.new_context()
    for icon in icons:
        response = context.request.get(icon)
        assert response.ok and "svg" in response.headers["content-type"], icon
    context.close()


def committed_sources() -> set[str]:
    result = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "book"], capture_output=True, text=True
    )
    return {p.rsplit(".", 1)[0] for p in result.stdout.split()} if result.returncode == 0 else set()


def test_every_committed_page_shows_its_last_updated_date(phone) -> None:
    committed = committed_sources()
    if not committed:
        pytest.skip("not a git checkout: pages carry no dates")
    pages = [name for name in PAGES if name.removesuffix(".html") in committed]
    assert pages
    undated = [
        name
        for name in pages
        if not re.search(r"Last updated on \w+ \d{1,2}, \d{4}", phone[name].info["footer"])
    ]
    assert not undated, f"pages without a last-updated date: {undated}"


def test_footer_cite_line_matches_citation_cff(phone) -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors"):
        assert cff.get(key), f"CITATION.cff lacks {key}"
    assert all(a.get("name") or a.get("family-names") for a in cff["authors"])
    assert cff["title"].lower().startswith(CONFIG["title"].lower())
    assert cff["repository-code"] == CONFIG["repository"]["url"]
    assert set(cff["license"]) == {"CC-BY-SA-4.0", "MIT"}
    cite = cff["preferred-citation"]
    assert cite["type"] == "book"
    assert cff["version"] == SPHINX["release"], "CITATION.cff's version is the edition"
    for name in ("book/index.html", "book/layered-model.html"):
        footer = " ".join(phone[name].info["footer"].split())
        assert "Cite this book" in footer, f"{name}: no citation line"
        for part in (cite["authors"][0]["name"], str(cite["year"]), cite["url"]):
            assert part in footer, f"{name}: the citation line lacks {part!r}"
        assert cite["title"].lower() in footer.lower()
        assert f"(Edition {cff['version']})" in footer, f"{name}: no edition in the citation"


def contrast(foreground: str, background: str) -> float:
    """WCAG's contrast ratio of two opaque ``rgb()`` colours."""
    lighter, darker = sorted(
        (luminance(css_color(foreground)[0]), luminance(css_color(background)[0])), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def test_a_client_handout_not_reviewed_shows_its_band_at_the_top_with_strong_contrast(
    phone, dark
) -> None:
    """The band cannot be missed: displayed, full width, above the handout's first box, and
    its text at least 7:1 (WCAG AAA) on its background, in light mode on a phone and in dark
    mode on a desktop. (axe checks every page's contrast too.)"""
    clients = [f"{d}.html" for d in review.client_pages(BOOK)]
    assert clients
    for visits in (phone, dark):
        for name in clients:
            band = visits[name].info["band"]
            assert band, f"{name}: no band"
            assert band["display"] != "none" and band["visibility"] == "visible", name
            assert band["height"] > 20 and band["width"] > 300, f"{name}: band {band}"
            assert band["firstAdmonition"] and band["top"] < band["firstAdmonition"], name
            assert css_color(band["background"])[1] == 1.0, f"{name}: a see-through band"
            for color in (band["color"], band["headingColor"]):
                assert contrast(color, band["background"]) >= 7, f"{name}: {color} on band"
        for name in PAGES:
            if name not in clients and not name.startswith("book/handouts/"):
                assert visits[name].info["band"] is None, f"{name}: a band on a page not a handout"


def test_sitemap_lists_every_page_at_the_published_address(browser: Browser, base_url) -> None:
    context = browser.new_context()
    response = context.request.get(base_url + "sitemap.xml")
    assert response.ok
    root = ET.fromstring(response.body())
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {loc.text for loc in root.findall("s:url/s:loc", namespace)}
    context.close()
    missing = [SITE_URL + name for name in PAGES if SITE_URL + name not in locations]
    assert not missing, f"not in sitemap.xml: {missing}"
    assert not any(loc.endswith(("search.html", "genindex.html", "404.html")) for loc in locations)


def test_a_missing_page_gets_the_books_404_page_with_a_way_back(
    browser: Browser, base_url: str
) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    failed: list[str] = []
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and r.request.resource_type != "document" and failed.append(r.url)
        ),
    )
    response = page.goto(base_url + "book/no-such-chapter.html", wait_until="networkidle")
    assert response is not None and response.status == 404
    assert "Page not found" in page.locator("article h1").first.inner_text()
    assert not failed, f"the 404 page's own files do not load: {failed}"
    page.get_by_role("link", name="start of the book").click()
    page.wait_for_url(re.compile(r"book/index\.html$"))
    assert "Interpersonal Neurobiology" in page.locator("article h1").first.inner_text()
    context.close()


def test_a_printed_page_is_the_text_alone_in_black_on_white(browser: Browser, base_url) -> None:
    context = browser.new_context(viewport=DESKTOP, color_scheme="dark")
    context.add_init_script("localStorage.setItem('mode', 'dark');")
    page = context.new_page()
    page.goto(base_url + "book/layered-model.html", wait_until="networkidle")
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => Object.fromEntries(
             [".bd-header", ".bd-sidebar-primary", ".bd-sidebar-secondary", ".prev-next-footer",
              ".bd-header-article", "#pst-back-to-top", ".bd-article", ".bd-footer-content"]
             .map(s => [s, !!document.querySelector(s) &&
                        getComputedStyle(document.querySelector(s)).display !== "none"]))"""
    )
    colours = page.evaluate(
        """() => [getComputedStyle(document.body).backgroundColor,
                  getComputedStyle(document.querySelector(".bd-article p")).color]"""
    )
    context.close()
    hidden_on_paper = {k: v for k, v in shown.items() if v}.keys() - {
        ".bd-article",
        ".bd-footer-content",
    }
    assert not hidden_on_paper, f"printed with the page: {sorted(hidden_on_paper)}"
    assert shown[".bd-article"] and shown[".bd-footer-content"]
    background, text = (luminance(css_color(c)[0]) for c in colours)
    assert background > 0.95 and text < 0.05, f"printed colours: {colours}"


#: Each region of a page and the language the browser resolves for it (``lang`` of the region
#: or its nearest ancestor), as a screen reader reads it.
REGION_LANGUAGES = """() => {
  // the language of an element's words: its own words' element if it wraps them in one
  const words = (el) => (el && el.querySelector(':scope > [lang]')) || el;
  const lang = (el) => {
    const at = words(el);
    return at && at.closest('[lang]') ? at.closest('[lang]').lang : null;
  };
  const one = (selector) => lang(document.querySelector(selector));
  return {
    page: document.documentElement.lang,
    skip: one('#pst-skip-link a'),
    search: one('#pst-header button, #pst-header .search-button'),
    sidebar: one('#pst-primary-sidebar nav'),
    english_chapter: lang([...document.querySelectorAll('#pst-primary-sidebar a')]
      .find((a) => a.textContent.includes('Attunement'))),
    spanish_handout: lang([...document.querySelectorAll('#pst-primary-sidebar a')]
      .find((a) => a.textContent.includes('Quitar las capas'))),
    contents_label: one('#pst-secondary-sidebar'),
    contents_entry: one('#pst-page-toc-nav a'),
    back_to_top: one('#pst-back-to-top'),
    footer: one('footer.bd-footer'),
    article: one('article.bd-article section p:not([class])'),
  };
}"""


def test_a_spanish_page_reads_its_english_furniture_as_english(
    browser: Browser, base_url: str
) -> None:
    """WCAG 2.1 SC 3.1.2: on a Spanish handout (<html lang="es">) the site's English words (the
    skip link, search, the sidebar's English chapter titles, "Contents", "Back to top", the
    footer) resolve to English, while the text, the page's own contents and the Spanish titles
    resolve to Spanish."""
    page = browser.new_page()
    page.goto(base_url + "book/handouts/es/peeling-the-layers.html", wait_until="networkidle")
    regions = page.evaluate(REGION_LANGUAGES)
    page.close()
    assert regions["page"] == "es" and regions["article"] == "es", regions
    for english in ("skip", "search", "sidebar", "english_chapter", "contents_label"):
        assert regions[english] == "en", (english, regions)
    for english in ("back_to_top", "footer"):
        assert regions[english] == "en", (english, regions)
    assert regions["spanish_handout"] == "es" and regions["contents_entry"] == "es", regions
