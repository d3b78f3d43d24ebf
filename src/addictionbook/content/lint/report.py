"""What ``make check`` prints: each problem as ``path:line: message; what to do``, the
readability of each client handout when there is none, the clinical reviews that need renewing
(warnings, which do not fail the check), and, on GitHub Actions, the same as annotations."""

from __future__ import annotations

import datetime as dt
import sys

import yaml

from ...problems import Problem, ProblemsFound, annotate
from ...settings import Settings
from .. import review
from ..sources import Sources, TocError
from . import run
from .readability import readability_report


def review_warnings(sources: Sources, today: dt.date) -> list[Problem]:
    """Pages changed since their clinical review, and reviews overdue on ``today``."""
    from babel.messages.pofile import PoFileError

    try:
        return review.needs_attention(review.statuses(sources, today))
    except (OSError, UnicodeDecodeError, TocError, yaml.YAMLError, PoFileError):
        return []  # the problems printed say why the sources cannot be read


def check_book(sources: Sources, settings: Settings, today: dt.date | None = None) -> int:
    """Run every check over the book and report; 1 when there is a problem. Reviews to renew
    (as of ``today``, by default the real day) are printed as warnings and exit 0."""
    try:
        problems = run(sources)
    except ProblemsFound as found:  # the linter's own data (a malformed rule) is wrong
        problems = found.problems
    for problem in problems:
        print(problem)
    warnings = review_warnings(sources, today or dt.date.today())
    for warning in warnings:
        print(f"warning: {warning}")
    if not problems:  # a problem may be a file the report cannot read; it names its own grade
        for line in readability_report(sources):
            print(f"readability: {line}", file=sys.stderr)
    annotate(problems, "make check", settings)
    annotate(warnings, "make check: clinical reviews to renew", settings, level="warning")
    print(
        f"check: {len(problems)} problem(s)"
        + (f", {len(warnings)} review warning(s)" if warnings else "")
        + f" in {sources.root}",
        file=sys.stderr,
    )
    return 1 if problems else 0
