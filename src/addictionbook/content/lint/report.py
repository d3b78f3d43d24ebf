"""What ``make check`` prints: each problem as ``path:line: message``, the readability of each
client handout when there is none, and, on GitHub Actions, the same problems as annotations."""

from __future__ import annotations

import sys
from pathlib import Path

from ..annotations import annotate
from . import run
from .readability import readability_report


def check_book(root: Path) -> int:
    """Run every check over the book at ``root`` and report; 1 when there is a problem."""
    problems = run(root)
    for problem in problems:
        print(problem)
    if not problems:  # a problem may be a file the report cannot read; it names its own grade
        for line in readability_report(root):
            print(f"readability: {line}", file=sys.stderr)
    annotate([str(p) for p in problems], "make check")
    print(f"check: {len(problems)} problem(s) in {root}", file=sys.stderr)
    return 1 if problems else 0
