"""A problem the book's tools found: the one shape every check and build step reports in.

A :class:`Problem` names the file (relative to the book's folder) and the line where there is
one, says what is wrong and, in ``hint``, what to do. Preflight, the content linter, the
notebook runner, the Sphinx-warning reader and the PDF step all make them; the terminal
report, the build log and the GitHub annotations are views of the same list, so nothing ever
parses a problem back out of text. The build's child processes (Sphinx, the notebook step)
hand theirs over as JSON lines (:func:`append`, :func:`read`).
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the book's folder, as the contributor sees it
    line: int  # 1-based; 0 when the problem is about the whole file
    message: str  # what is wrong
    hint: str = ""  # what to do, when the message does not already say it

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        return f"{text}; {self.hint}" if self.hint else text


class ProblemsFound(Exception):
    """A step stopped on problems the contributor must fix; carries them as they were found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


# --- problems written by the build's child processes --------------------------------------


def append(path: Path, problem: Problem) -> None:
    """Add ``problem`` to the JSON-lines file ``path`` (how Sphinx's process and the notebook
    step hand the build what they found; one short line per write, so writers do not mix)."""
    line = json.dumps(asdict(problem), ensure_ascii=False) + "\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line)


def read(path: Path) -> list[Problem]:
    """The problems in the JSON-lines file ``path`` (none when it does not exist)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [Problem(**json.loads(line)) for line in lines if line.strip()]


# --- on GitHub Actions: annotations on the changed lines, and the run's summary ----------


def workflow_command(problem: Problem, level: str = "error") -> str:
    """``::error file=PATH,line=LINE::MESSAGE``, which GitHub shows on that line of a pull
    request's diff (escaped as GitHub's workflow-command rules say: ``%``, CR and LF in the
    message; also ``:`` and ``,`` in properties)."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    props = [f"file={prop(problem.path)}"] + ([f"line={problem.line}"] if problem.line else [])
    text = f"{problem.message}; {problem.hint}" if problem.hint else problem.message
    return f"::{level} {','.join(props)}::{data(text)}"


def summary(title: str, problems: list[Problem]) -> str:
    """A Markdown section for ``$GITHUB_STEP_SUMMARY``: one table row per problem."""
    rows = [f"### {title}: {len(problems)} problem(s)", "", "| file | line | problem |"]
    rows.append("|---|---|---|")
    for p in problems:
        text = (f"{p.message}; {p.hint}" if p.hint else p.message).replace("|", "\\|")
        rows.append(f"| `{p.path}` | {p.line or ''} | {text} |")
    return "\n".join(rows) + "\n\n"


def annotate(
    problems: list[Problem], title: str, settings, level: str = "error", stream=None
) -> int:
    """On GitHub Actions (``settings.github_actions``): print a workflow command for each
    problem and add them to the run's summary; return how many were written (0 elsewhere)."""
    if not settings.github_actions or not problems:
        return 0
    stream = stream or sys.stdout
    for problem in problems:
        print(workflow_command(problem, level), file=stream)
    stream.flush()
    if settings.github_step_summary is not None:
        with settings.github_step_summary.open("a", encoding="utf-8") as handle:
            handle.write(summary(title, problems))
    return len(problems)
