"""Benchmark the built website with Lighthouse (``make lighthouse``): a measurement, not a test.

``addictionbook lighthouse [--site DIR] [--page PATH ... | --all]`` serves the built
site from ``127.0.0.1`` with gzip (as any real web host would), runs Lighthouse's mobile preset
(simulated slow 4G and a mid-range phone) in Debian's Chromium against a representative set of
pages (the landing page, the heaviest chapter, the figure gallery and a handout) or, with
``--all``, every page of the table of contents, and
prints one row per page: the four category scores, the bytes transferred and the Largest
Contentful Paint, from the median of three runs (``--runs``), since the scores of one run vary
with the machine's load. Goals: performance 95 or more; accessibility, best practices and SEO
100; under 500 KiB per page. The exit status is 0 whatever the scores (``--strict`` fails below
them).

Lighthouse is an npm package pinned in ``tools/lighthouse/package-lock.json`` and installed into
``tools/lighthouse/node_modules`` with ``npm ci`` on first use.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOL_DIR = ROOT / "tools" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
#: The flags the project's issue measured the stock template with, so the numbers compare.
#: Headless Chromium without a GPU often holds a page's first paint here for a fixed 1-2 s after
#: the load event (PaintHolding); Lighthouse's simulation then counts every file fetched before
#: that paint as blocking it, and one run's performance score can drop by up to 10 points. The
#: median of three runs absorbs most of it; adding ``--disable-features=PaintHolding`` (with
#: ``--chrome-flags``) gives steadier numbers, about 1-3 points higher.
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
#: Landing page, figure gallery (the heaviest page), a client handout; the heaviest numbered
#: chapter of the built site is added to them (``representative_pages``).
PAGES = (
    "book/index.html",
    "book/figure-gallery.html",
    "book/handouts/drug-free-is-a-start.html",
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
MAX_KIB = 500
COMPRESSIBLE = (".html", ".css", ".js", ".svg", ".json", ".txt", ".xml", ".map")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed for text types when the client accepts gzip.

    HTTP/1.1 keeps connections open, as any real web host does (HTTP/1.0 would make Lighthouse
    model a new connection, with its round trips, for every file).
    """

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        return _Body(body)


class _Body:
    """The minimal file-like object ``SimpleHTTPRequestHandler`` copies to the socket."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on a free port of 127.0.0.1; yield its base URL."""
    handler = partial(GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def page_weight(site: Path, page: str) -> int:
    """Bytes of a page's HTML and of the images it shows (what differs from page to page)."""
    path = site / page
    html = path.read_text(encoding="utf-8")
    images = {
        (path.parent / src).resolve()
        for src in re.findall(r'<img[^>]*\bsrc="([^"#?]+)"', html)
        if ":" not in src
    }
    return len(html.encode()) + sum(i.stat().st_size for i in images if i.is_file())


def toc_pages() -> list[str]:
    """Every page of the table of contents, in the book's order."""
    from addictionbook.content.sources import Sources

    return [f"{entry}.html" for entry in Sources(ROOT).toc_entries]


def representative_pages(site: Path) -> list[str]:
    """``PAGES`` and the heaviest numbered chapter (by ``page_weight``)."""
    from addictionbook.content.sources import Sources

    chapters = [f"{e}.html" for e in Sources(ROOT).chapters if (site / f"{e}.html").is_file()]
    if not chapters:
        return list(PAGES)
    heaviest = max(chapters, key=lambda page: page_weight(site, page))
    return [PAGES[0], heaviest, *PAGES[1:]]


def lighthouse_bin() -> Path:
    """The pinned Lighthouse CLI; installed with ``npm ci`` from the lock file when missing."""
    binary = TOOL_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if shutil.which("npm") is None:
            raise SystemExit("lighthouse: npm is not installed (Node.js 18+ is needed)")
        print("lighthouse: installing the pinned Lighthouse (npm ci)", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=TOOL_DIR, check=True)
    return binary


def audit(url: str, report: Path, flags: str = CHROME_FLAGS) -> dict:
    """Run Lighthouse (mobile preset, the default) on ``url``; return the parsed JSON report."""
    cmd = [
        str(lighthouse_bin()),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={flags}",
    ]
    env = {**os.environ, "CHROME_PATH": CHROME}
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0 or not report.exists():
        raise SystemExit(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def summarise(data: dict) -> dict[str, float]:
    """Scores (0-100), total bytes (KiB) and LCP (s) from a Lighthouse report."""
    row = {name: round(100 * (data["categories"][name]["score"] or 0)) for name in CATEGORIES}
    row["kib"] = data["audits"]["total-byte-weight"]["numericValue"] / 1024
    row["lcp"] = data["audits"]["largest-contentful-paint"]["numericValue"] / 1000
    return row


def failures(data: dict) -> list[str]:
    """Titles of the failed audits outside performance (what keeps a category below 100)."""
    found = []
    for name in CATEGORIES[1:]:
        for ref in data["categories"][name]["auditRefs"]:
            result = data["audits"][ref["id"]]
            if ref.get("weight") and result.get("score") is not None and result["score"] < 1:
                found.append(f"{name}: {result['title']}")
    return found


def meets_goals(row: dict[str, float]) -> bool:
    return all(row[name] >= goal for name, goal in GOALS.items()) and row["kib"] < MAX_KIB


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score (Lighthouse's advice for noisy machines)."""
    ordered = sorted(runs, key=lambda data: summarise(data)["performance"])
    return ordered[(len(ordered) - 1) // 2]


def table(rows: dict[str, dict[str, float]], spread: dict[str, str]) -> str:
    head = (
        f"{'page':<42} {'perf':>4} {'a11y':>4} {'bp':>4} {'seo':>4} {'KiB':>6} {'LCP s':>6}"
        f"  {'perf runs':<12}"
    )
    lines = [head, "-" * len(head)]
    for page, row in rows.items():
        mark = "" if meets_goals(row) else "  (below goal)"
        lines.append(
            f"{page:<42} {row['performance']:>4} {row['accessibility']:>4} "
            f"{row['best-practices']:>4} {row['seo']:>4} {row['kib']:>6,.0f} {row['lcp']:>6.1f}"
            f"  {spread[page]:<12}" + mark
        )
    lines.append(
        f"goal: performance >= {GOALS['performance']}, the others 100, under {MAX_KIB} KiB "
        "(median run of each page; KiB transferred with gzip)"
    )
    return "\n".join(lines)


def run_lighthouse(
    site: Path,
    pages_arg: list[str],
    every_page: bool,
    runs: int,
    chrome_flags: str,
    reports_dir: Path | None,
    strict: bool,
) -> int:
    """``addictionbook lighthouse``: audit the pages and print the table of scores."""
    site = site.resolve()
    if pages_arg:
        pages = pages_arg
    elif every_page:
        pages = toc_pages()
    else:
        pages = representative_pages(site)
    missing = [p for p in pages if not (site / p).is_file()]
    if missing:
        print(f"lighthouse: not in {site}: {', '.join(missing)}; build the site first (make html)")
        return 2
    rows: dict[str, dict[str, float]] = {}
    spread: dict[str, str] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, serve(site) as base:
        reports = reports_dir or Path(tmp)
        reports.mkdir(parents=True, exist_ok=True)
        for page in pages:
            runs = []
            for run in range(1, max(runs, 1) + 1):
                print(f"lighthouse: {page} (run {run})", file=sys.stderr, flush=True)
                name = f"{page.replace('/', '_')}.{run}.json"
                runs.append(audit(base + page, reports / name, chrome_flags))
            data = median_run(runs)
            rows[page] = summarise(data)
            spread[page] = "/".join(str(summarise(r)["performance"]) for r in runs)
            notes += [f"{page}: {f}" for f in failures(data)]
    print(table(rows, spread))
    for note in notes:
        print(f"  failed audit - {note}")
    if strict and not all(meets_goals(r) for r in rows.values()):
        return 1
    return 0
