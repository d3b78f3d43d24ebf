"""A problem the book's tools found: the one shape every check and build step reports in.

A :class:`Problem` names the file (relative to the book's folder) and the line where there is
one, says what is wrong and, in ``hint``, what to do. Preflight, the content linter, the
notebook runner, the Sphinx-warning reader and the PDF step all make them; the terminal
report, the build log and the GitHub annotations are views of the same list, so nothing ever
parses a problem back out of text.
"""

from __future__ import annotations

from dataclasses import dataclass


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
