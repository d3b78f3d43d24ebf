"""Benchmark the built website with Lighthouse (``make lighthouse``): a measurement, not a test.

``python -m addictionbook.lighthouse [--site DIR] [--page PATH ...]`` serves the built site from
``127.0.0.1`` with gzip (as any real web host would), runs Lighthouse's mobile preset (simulated
slow 4G and a mid-range phone) against a few representative pages in Debian's Chromium, and
prints one row per page: the four category scores, the bytes transferred and the Largest
Contentful Paint. Goals: performance 95 or more; accessibility, best practices and SEO 100; under
500 KiB per page. The exit status is 0 whatever the scores (use ``--strict`` to fail below them).

Lighthouse is an npm package pinned in ``tools/lighthouse/package-lock.json`` and installed into
``tools/lighthouse/node_modules`` with ``npm ci`` on first use.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.server
import json
import os
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
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
#: Landing page, a chapter with figures, a handout.
PAGES = (
    "book/index.html",
    "book/layered-model.html",
    "book/handouts/drug-free-is-a-start.html",
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
MAX_KIB = 500
COMPRESSIBLE = (".html", ".css", ".js", ".svg", ".json", ".txt", ".xml", ".map")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed for text types when the client accepts gzip."""

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


def lighthouse_bin() -> Path:
    """The pinned Lighthouse CLI; installed with ``npm ci`` from the lock file when missing."""
    binary = TOOL_DIR / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if shutil.which("npm") is None:
            raise SystemExit("lighthouse: npm is not installed (Node.js 18+ is needed)")
        print("lighthouse: installing the pinned Lighthouse (npm ci)", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=TOOL_DIR, check=True)
    return binary


def audit(url: str, report: Path) -> dict:
    """Run Lighthouse (mobile preset, the default) on ``url``; return the parsed JSON report."""
    cmd = [
        str(lighthouse_bin()),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
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


def table(rows: dict[str, dict[str, float]]) -> str:
    head = f"{'page':<42} {'perf':>4} {'a11y':>4} {'bp':>4} {'seo':>4} {'KiB':>7} {'LCP s':>6}"
    lines = [head, "-" * len(head)]
    for page, row in rows.items():
        mark = "" if meets_goals(row) else "  (below goal)"
        lines.append(
            f"{page:<42} {row['performance']:>4} {row['accessibility']:>4} "
            f"{row['best-practices']:>4} {row['seo']:>4} {row['kib']:>7,.0f} {row['lcp']:>6.1f}"
            + mark
        )
    lines.append(
        f"goal: performance >= {GOALS['performance']}, the others 100, under {MAX_KIB} KiB"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--site", type=Path, default=ROOT / "_build" / "html", help="the built site's html folder"
    )
    parser.add_argument(
        "--page", action="append", dest="pages", help="page path under the site (repeatable)"
    )
    parser.add_argument("--reports", type=Path, help="keep the JSON reports in this folder")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a page misses a goal")
    args = parser.parse_args(argv)
    site = args.site.resolve()
    pages = args.pages or list(PAGES)
    missing = [p for p in pages if not (site / p).is_file()]
    if missing:
        print(f"lighthouse: not in {site}: {', '.join(missing)}; build the site first (make html)")
        return 2
    rows: dict[str, dict[str, float]] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, serve(site) as base:
        reports = args.reports or Path(tmp)
        reports.mkdir(parents=True, exist_ok=True)
        for page in pages:
            print(f"lighthouse: {page}", file=sys.stderr, flush=True)
            data = audit(base + page, reports / (page.replace("/", "_") + ".json"))
            rows[page] = summarise(data)
            notes += [f"{page}: {f}" for f in failures(data)]
    print(table(rows))
    for note in notes:
        print(f"  failed audit - {note}")
    if args.strict and not all(meets_goals(r) for r in rows.values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
