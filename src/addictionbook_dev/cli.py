"""The developer tools' commands: ``addictionbook bench``, ``lighthouse`` and ``sysdeps``.

``addictionbook.cli`` loads them by name when one is used, so the book's package never imports
its developer tools.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.command(context_settings=CONTEXT)
@click.option(
    "--runs",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Runs per step; the median is reported.",
)
@click.option("--scale", default="", help="Comma-separated book sizes, e.g. 10,50,200.")
@click.option("--skip-steps", is_flag=True, help="Only the scale table.")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The book to measure.",
)
@click.option(
    "--steps",
    type=click.Choice(["all", "pdf", "profile"]),
    default="all",
    show_default=True,
    help="All rows, the PDF row only, or the clinic-edition row only.",
)
def bench(runs: int, scale: str, skip_steps: bool, root: Path, steps: str) -> None:
    """Build times of each step beside stock jupyter-book (medians of RUNS runs)."""
    from .bench import run_bench

    sys.exit(run_bench(root, runs, scale, skip_steps, steps))


@click.command(context_settings=CONTEXT)
@click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The built site's html folder (default: _build/html).",
)
@click.option("--page", "pages", multiple=True, help="Page path under the site (repeatable).")
@click.option("--all", "every_page", is_flag=True, help="Every page of the table of contents.")
@click.option(
    "--runs",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Lighthouse runs per page; the median is shown.",
)
@click.option("--chrome-flags", default=None, help="Flags for Chromium.")
@click.option(
    "--reports",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the JSON reports in this folder.",
)
@click.option("--strict", is_flag=True, help="Exit 1 when a page misses a goal.")
def lighthouse(
    site: Path | None,
    pages: tuple[str, ...],
    every_page: bool,
    runs: int,
    chrome_flags: str | None,
    reports: Path | None,
    strict: bool,
) -> None:
    """Lighthouse scores, bytes and largest paint of the built site's pages (a benchmark)."""
    from .lighthouse import CHROME_FLAGS, ROOT, run_lighthouse

    site = site or ROOT / "_build" / "html"
    flags = chrome_flags or CHROME_FLAGS
    sys.exit(run_lighthouse(site, list(pages), every_page, runs, flags, reports, strict))


@click.command(context_settings=CONTEXT)
@click.argument("groups", nargs=-1, type=click.Choice(["build", "pdf", "browser", "epub", "bench"]))
def sysdeps(groups: tuple[str, ...]) -> None:
    """Install (as root) or name the Debian packages of GROUPS (default: build pdf)."""
    from .sysdeps import ensure

    sys.exit(ensure(list(groups) or ["build", "pdf"]))
