"""What ``make check`` prints: each problem as ``path:line: message; what to do``, the
readability of each client handout when there is none, and, on GitHub Actions, the same
problems as annotations."""

from __future__ import annotations

import sys

from ...problems import ProblemsFound, annotate
from ...settings import Settings
from ..sources import Sources
from . import run
from .readability import readability_report


def check_book(sources: Sources, settings: Settings) -> int:
    """Run every check over the book and report; 1 when there is a problem."""
    try:
        problems = run(sources)
    except ProblemsFound as found:  # the linter's own data (a malformed rule) is wrong
        problems = found.problems
    for problem in problems:
        print(problem)
    if not problems:  # a problem may be a file the report cannot read; it names its own grade
        for line in readability_report(sources):
            print(f"readability: {line}", file=sys.stderr)
    annotate(problems, "make check", settings)
    print(f"check: {len(problems)} problem(s) in {sources.root}", file=sys.stderr)
    return 1 if problems else 0
