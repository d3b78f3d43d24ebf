"""What a build says: one line per step on the terminal, everything in the log, and at the end
each problem with its file and line.

Every line of a build's output (Sphinx's, the notebooks') goes to ``_build/logs/<target>.log``
in full; the terminal shows one line per step with its time and a count (pages read and
written, notebooks run, PDFs made), moving as the step runs on a terminal that is a tty, or the
whole log with ``V=1``. Problems are :class:`~addictionbook.problems.Problem` objects handed to
:meth:`Reporter.problem` by whoever found them; the reporter never looks for them in the text.
What it reads in Sphinx's output is only Sphinx's progress ("reading sources... [ 50%]").
"""

from __future__ import annotations

import re
import sys
import threading
import time
from pathlib import Path

from ..problems import Problem

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: A data URI (Sphinx's epub step logs the gallery's images as ``data:image/png;base64,...``).
BLOB = re.compile(r"(data:[\w.+-]+/[\w.+-]+;base64,)[A-Za-z0-9+/=]{64,}")
#: Longest line printed on the terminal; the log has the whole line.
LONGEST = 400


def shorten(line: str) -> str:
    """A log line without blobs: data URIs cut to their header (the log keeps the rest)."""
    return BLOB.sub(
        lambda m: f"{m.group(1)}... ({len(m.group(0)) - len(m.group(1))} characters)", line
    )


def for_terminal(line: str) -> str:
    """A line short enough to read on a terminal (no blobs, at most ``LONGEST`` characters)."""
    line = shorten(line)
    if len(line) > LONGEST:
        line = f"{line[:LONGEST]}... ({len(line) - LONGEST} more characters in the log)"
    return line


class Reporter:
    """One build's report: step lines on the terminal, every line in the log, the problems."""

    #: Sphinx's progress lines: (pattern, step, what is counted).
    STEPS = (
        (re.compile(r"^reading sources\.\.\. \[\s*\d+%\]"), "read pages", "page"),
        (re.compile(r"^writing output\.\.\. \[\s*\d+%\]"), "write pages", "page"),
        (re.compile(r"^copying images\.\.\. \[\s*\d+%\]"), "copy images", "image"),
    )
    #: Sphinx's lines that start a step of their own.
    MARKERS = (
        (re.compile(r"^generating indices"), "finish pages (indices, search)"),
        (re.compile(r"^writing mimetype"), "pack the EPUB"),
    )
    #: myst-nb's line for each notebook it reads: from its cache, or executed as it reads.
    NOTEBOOKS = (
        (re.compile(r"Using cached notebook"), "from the cache"),
        (re.compile(r"Executing notebook using"), "executed"),
    )

    def __init__(self, log: Path, verbose: bool, stream=None) -> None:
        self.path = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log.open("w", encoding="utf-8")
        self.verbose = verbose
        self.stream = stream or sys.stdout
        self.live = not verbose and self.stream.isatty()
        self.lock = threading.Lock()
        self.problems: list[Problem] = []
        self.step: str | None = None
        self.unit = ""
        self.count = 0
        self.total: int | None = None
        self.notes: list[str] = []
        self.tally: dict[str, int] = {}
        self.started = 0.0

    def begin(self, step: str, unit: str = "", total: int | None = None) -> None:
        self.end()
        self.step, self.unit, self.count, self.total = step, unit, 0, total
        self.notes, self.tally = [], {}
        self.started = time.perf_counter()

    def _counted(self) -> str:
        if not self.unit:
            return ""
        plural = "s" if (self.total or self.count) != 1 else ""
        of = f" of {self.total}" if self.total is not None and self.count != self.total else ""
        return f"{self.count}{of} {self.unit}{plural}"

    def end(self) -> None:
        if self.step is None:
            return
        took = time.perf_counter() - self.started
        done = [self._counted()] if self.unit else []
        detail = ", ".join(
            done
            + self.notes
            + [f"{n} notebook{'s' if n != 1 else ''} {what}" for what, n in self.tally.items()]
        )
        self.log.write(f"[step] {self.step}: {detail} ({took:.1f} s)\n")
        if not self.verbose:
            clear = "\r\x1b[K" if self.live else ""
            text = f"  {self.step:<28} {detail}".rstrip()
            self.stream.write(f"{clear}{text:<72} {took:6.1f} s\n")
            self.stream.flush()
        self.step = None

    def advance(self, count: int | None = None) -> None:
        """One more of what the current step counts (or ``count`` of them so far)."""
        self.count = self.count + 1 if count is None else count
        if self.live:
            self.stream.write(f"\r\x1b[K  {self.step:<28} {self._counted()}")
            self.stream.flush()
        elif self.verbose:
            self.stream.write(f"[{self.step}] {self._counted()}\n")
            self.stream.flush()

    def finished(self, step: str, detail: str, seconds: float) -> None:
        """A step that ran elsewhere (the notebook step's own process): its line, its time."""
        self.end()
        self.begin(step)
        self.note(detail)
        self.started = time.perf_counter() - seconds
        self.end()

    def note(self, text: str) -> None:
        """Add a detail to the current step's line (e.g. how many notebooks ran)."""
        self.notes.append(text)

    def add_tally(self, what: str, n: int) -> None:
        self.tally[what] = self.tally.get(what, 0) + n

    def problem(self, problem: Problem) -> None:
        """A problem found by a step: in the log now, on the terminal at the end."""
        with self.lock:
            self.log.write(f"[problem] {problem}\n")
            self.problems.append(problem)

    def line(self, raw: str) -> None:
        """One line of a build's output (Sphinx's, a notebook's)."""
        plain = shorten(ANSI.sub("", raw).rstrip("\r\n"))
        with self.lock:
            self.log.write(plain + "\n")
            if self.verbose:
                self.stream.write(for_terminal(plain) + "\n")
                self.stream.flush()
            self._follow(plain)

    def _follow(self, plain: str) -> None:
        for pattern, step, unit in self.STEPS:
            if pattern.match(plain):
                if self.step != step:
                    self.begin(step, unit)
                self.advance()
                return
        for pattern, step in self.MARKERS:
            if pattern.match(plain) and self.step != step:
                self.begin(step)
        for pattern, what in self.NOTEBOOKS:
            if pattern.search(plain):
                self.add_tally(what, 1)

    def traceback(self, text: str) -> None:
        """An unexpected error's traceback: in the log, and on the terminal with ``V=1``."""
        self.log.write(text)
        if self.verbose:
            sys.stderr.write(text)

    def close(self) -> None:
        self.end()
        self.log.close()


def read_into(reporter: Reporter, handle) -> None:
    for line in handle:
        reporter.line(line)
