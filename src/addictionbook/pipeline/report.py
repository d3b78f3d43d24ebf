"""What a build says: one line per step on the terminal, everything in the log.

Every line of a build's output (Sphinx's, the notebooks') goes to ``_build/logs/<target>.log``
in full; the terminal shows one line per step with its time and a count, or the whole log with
``V=1``. Data URIs are cut to their header and long lines shortened on the terminal.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

PROBLEM = re.compile(r"(WARNING|ERROR|CRITICAL|Error|Exception|^! )")

NOISE = re.compile(
    r"build finished with problems|Kernel is running over TCP|^Traceback|^\s+File \"|"
    r"^There was an error in building your book|^\s*raise |RemovedInSphinx|"
    r"^\[IPKernelApp\]|^zmq\.error|^nbclient\.exceptions\.|Traceback \(most recent call last\)|"
    r"^-+> "
)

#: Problems said better: (pattern on a problem line, what to print instead).
PLAINER = (
    (
        re.compile(r"^(?P<file>\S+): WARNING: Executing notebook failed: CellTimeoutError"),
        "{file}: a code cell ran past the notebook time limit (execute: timeout: in "
        "_config.yml); make the cell finish sooner (no waiting for input or the network)",
    ),
    (
        re.compile(r"^(?P<file>\S+): WARNING: Executing notebook failed: CellExecutionError"),
        "{file}: a code cell raised the error below; fix that cell",
    ),
)

#: A data URI (Sphinx's epub step logs the gallery's images as ``data:image/png;base64,...``).
BLOB = re.compile(r"(data:[\w.+-]+/[\w.+-]+;base64,)[A-Za-z0-9+/=]{64,}")

#: Longest line printed on the terminal; the log has the whole line.
LONGEST = 400


class BuildError(RuntimeError):
    """A build step failed; the message says which and what to do."""


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


def verbose_requested(flag: bool = False) -> bool:
    """``--verbose`` or ``V=1`` in the environment (``make html V=1``)."""
    return flag or os.environ.get("V", "") not in ("", "0")


class Reporter:
    """What a build says: one line per step by default, everything with ``V=1``.

    Every line of the build's output (Sphinx's, the notebooks', LaTeX's) goes to the log file
    in full. On the terminal a build shows one line per step with its time and a count
    (pages read, pages written, notebooks run); on a terminal that is a tty the count moves as
    the step runs. Warnings and errors are collected with their file and line (relative to the
    book), and repeated at the end.
    """

    #: Steps whose lines are counted: (pattern, step, what is counted).
    STEPS = (
        (re.compile(r"^reading sources\.\.\. \[\s*\d+%\]"), "read pages", "page"),
        (re.compile(r"^writing output\.\.\. \[\s*\d+%\]"), "write pages", "page"),
        (re.compile(r"^processing \S+\.tex\.\.\."), "write LaTeX", "document"),
        (re.compile(r"^copying images\.\.\. \[\s*\d+%\]"), "copy images", "image"),
    )
    #: Lines that start a step of their own.
    MARKERS = (
        (re.compile(r"^generating indices"), "finish pages (indices, search)"),
        (re.compile(r"^writing mimetype"), "pack the EPUB"),
        (re.compile(r"^Converting book latex into PDF|^latexmk "), "typeset PDFs (LaTeX)"),
    )

    def __init__(self, root: Path, log: Path, verbose: bool, stream=None) -> None:
        self.root = f"{root}/"
        self.path = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log.open("w", encoding="utf-8")
        self.verbose = verbose
        self.stream = stream or sys.stdout
        self.live = not verbose and self.stream.isatty()
        self.lock = threading.Lock()
        self.problems: list[str] = []
        self.step: str | None = None
        self.unit = ""
        self.count = 0
        self.notes: list[str] = []
        self.tally: dict[str, int] = {}
        self.started = 0.0

    def begin(self, step: str, unit: str = "") -> None:
        self.end()
        self.step, self.unit, self.count, self.notes, self.tally = step, unit, 0, [], {}
        self.started = time.perf_counter()

    def end(self) -> None:
        if self.step is None:
            return
        took = time.perf_counter() - self.started
        done = [f"{self.count} {self.unit}{'s' if self.count != 1 else ''}"] if self.unit else []
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

    def note(self, text: str) -> None:
        """Add a detail to the current step's line (e.g. how many notebooks ran)."""
        self.notes.append(text)

    def problem(self, text: str) -> None:
        with self.lock:
            self.log.write(text + "\n")
            self.problems.append(text)

    def line(self, raw: str) -> None:
        """One line of a build's output."""
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
                self.count += 1
                if self.live:
                    self.stream.write(f"\r\x1b[K  {step:<28} {self.count} {unit}s")
                    self.stream.flush()
                return
        for pattern, step in self.MARKERS:
            if pattern.match(plain) and self.step != step:
                self.begin(step)
        match = re.search(r"executing (\d+) notebook", plain)
        if match:
            self.tally["executed"] = int(match.group(1))
        if "Using cached notebook" in plain:
            self.tally["from the cache"] = self.tally.get("from the cache", 0) + 1
        elif "Executing notebook using" in plain:
            self.tally["executed"] = self.tally.get("executed", 0) + 1
        if PROBLEM.search(plain) and not NOISE.search(plain):
            problem = plain.replace(self.root, "")
            for pattern, plainer in PLAINER:
                match = pattern.match(problem)
                if match:
                    problem = plainer.format(**match.groupdict())
            self.problems.append(for_terminal(problem))

    def close(self) -> None:
        self.end()
        self.log.close()


def read_into(reporter: Reporter, handle) -> None:
    for line in handle:
        reporter.line(line)


@contextmanager
def output_to(fd: int):
    """Point this process's stdout and stderr at ``fd`` while child processes are started."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    try:
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for copy in saved:
            os.close(copy)
