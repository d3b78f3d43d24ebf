"""Problems where a contributor looks on GitHub: annotations on the changed lines and the run's
summary page.

When ``GITHUB_ACTIONS`` is set, each problem line (``path:line: message`` or
``path:line:column: message``, as ``make check`` and the build print them) is also printed as a
workflow command, ``::error file=PATH,line=LINE::MESSAGE``, which GitHub shows on that line of
the pull request's diff; and, when ``GITHUB_STEP_SUMMARY`` names a file, appended to it as a
table. Outside Actions nothing changes. Escaping follows GitHub's workflow-command rules
(``%``, CR and LF in messages; also ``:`` and ``,`` in properties).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass

#: ``path:line[:column]: [WARNING: |ERROR: ]message``, paths without spaces or colons.
LOCATED = re.compile(
    r"^\s*(?P<path>[^\s:][^:\n]*?):(?P<line>\d+)(?::(?P<col>\d+))?:\s*"
    r"(?:(?P<level>WARNING|ERROR|CRITICAL|SEVERE):\s*)?(?P<message>.+)$"
)


@dataclass(frozen=True)
class Annotation:
    level: str  # "error" or "warning"
    message: str
    path: str | None = None
    line: int | None = None

    def command(self) -> str:
        props = []
        if self.path:
            props.append(f"file={_escape_property(self.path)}")
        if self.line:
            props.append(f"line={self.line}")
        head = f"::{self.level} {','.join(props)}" if props else f"::{self.level}"
        return f"{head}::{_escape_data(self.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def parse(line: str, level: str = "error") -> Annotation:
    """An annotation for one problem line; one without a file when it names none."""
    match = LOCATED.match(line)
    if not match:
        return Annotation(level, line.strip())
    return Annotation(
        level,
        match.group("message").strip(),
        match.group("path").strip(),
        int(match.group("line")) or 1,
    )


def summary(title: str, annotations: list[Annotation]) -> str:
    """A Markdown section for ``$GITHUB_STEP_SUMMARY``: one table row per problem."""
    rows = [f"### {title}: {len(annotations)} problem(s)", "", "| file | line | problem |"]
    rows.append("|---|---|---|")
    for a in annotations:
        message = a.message.replace("|", "\\|")
        rows.append(f"| `{a.path or '-'}` | {a.line or ''} | {message} |")
    return "\n".join(rows) + "\n\n"


def annotate(problems: list[str], title: str, level: str = "error", stream=None) -> int:
    """Print GitHub workflow commands for ``problems`` and add them to the run's summary, when
    running on GitHub Actions; return how many were written (0 elsewhere)."""
    if not os.environ.get("GITHUB_ACTIONS") or not problems:
        return 0
    stream = stream or sys.stdout
    annotations = [parse(p, level) for p in problems]
    for annotation in annotations:
        print(annotation.command(), file=stream)
    stream.flush()
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(summary(title, annotations))
    return len(annotations)
