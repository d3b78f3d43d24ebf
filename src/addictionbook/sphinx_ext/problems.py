"""Sphinx's warnings as problems: each warning the strict build fails on, with its file and line,
handed to the build as data (``addictionbook.problems``), never read back from the log.

A filter is added to Sphinx's own warning handler, right after the filter that drops the
warnings ``suppress_warnings`` silences, so it sees exactly the warnings ``-W`` counts, with
their location as Sphinx gives it (a docname and line, or a node) before Sphinx turns it into
text. Each becomes a :class:`~addictionbook.problems.Problem` appended to the file the build
names in ``ADDICTIONBOOK_PROBLEMS``. An exception that stops Sphinx (``build-finished`` with an
error) is one problem too, naming the page Sphinx was reading. Registered in
``addictionbook.upstream`` (``sphinx-warning-records``): it relies on how
``sphinx.util.logging.setup`` builds its warning handler.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from docutils import nodes
from docutils.utils import get_source_line
from sphinx.application import Sphinx
from sphinx.util import logging as sphinx_logging

from .. import problems as problem_file
from ..problems import Problem
from ..settings import Settings
from ..upstream import applies

#: myst-nb's notebook failures said the way a contributor can act on them:
#: exception name -> (message, what to do).
NOTEBOOK_FAILURES = {
    "CellTimeoutError": (
        "a code cell ran past the notebook time limit",
        "make the cell finish sooner (no waiting for input or the network); the limit is "
        "execute: timeout: in _config.yml",
    ),
    "CellExecutionError": ("a code cell raised an error", "fix that cell"),
}


class ProblemRecorder(logging.Filter):
    """Appends each warning that passes Sphinx's suppression to the build's problems file."""

    def __init__(self, app: Sphinx, target: Path) -> None:
        super().__init__()
        self.app = app
        self.target = target
        self.srcdir = Path(app.srcdir).resolve()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            problem_file.append(self.target, self.problem(record))
        except Exception:  # noqa: BLE001 - never lose Sphinx's own report over ours
            pass
        return True

    def where(self, record: logging.LogRecord) -> tuple[str, int]:
        """The file (relative to the book) and line of a record's location."""
        location = getattr(record, "location", None)
        docname, line, source = None, 0, None
        if isinstance(location, tuple):
            docname, line = location[0], location[1] or 0
        elif isinstance(location, nodes.Node):
            source, found = get_source_line(location)
            line = found or 0
        elif isinstance(location, str) and location:
            head, _, tail = location.rpartition(":")
            if tail.isdigit() and head:
                source, line = head, int(tail)
            elif location in self.app.env.all_docs or location in self.app.env.found_docs:
                docname = location
            else:
                source = location
        elif getattr(record, "docname", None):
            docname = record.docname
        if docname:
            source = str(self.app.env.doc2path(docname))
        return (self.relative(source) if source else ""), int(line or 0)

    def relative(self, source: str) -> str:
        # A source may be "path:docstring of ..." or "<translated>"; keep the path's part.
        source = re.sub(r":(docstring of|<).*$", "", source)
        try:
            return Path(source).resolve().relative_to(self.srcdir).as_posix()
        except (ValueError, OSError):
            return source

    def problem(self, record: logging.LogRecord) -> Problem:
        path, line = self.where(record)
        message = record.getMessage()
        hint = ""
        if getattr(record, "type", "") == "mystnb" and getattr(record, "subtype", "") == "exec":
            name = message.split(":", 1)[1].split()[0] if ":" in message else ""
            said, hint = NOTEBOOK_FAILURES.get(name, ("a notebook failed to run", "fix it"))
            last = [text for text in message.splitlines()[1:] if text.strip()]
            message = f"{said} ({last[-1].strip() if last else name})"
        else:
            message = " ".join(message.split()) if "\n" not in message else message.strip()
        # A warning with no location is about the configuration (an extension's setting...).
        return Problem(path or "_config.yml", line, message, hint)


def record_problems(app: Sphinx) -> None:
    """Hook the recorder into Sphinx's warning handler (when the build names a file)."""
    settings = Settings.from_environment()
    if settings.problems_file is None or not applies("sphinx-warning-records"):
        return
    app.addictionbook_problems = settings.problems_file  # type: ignore[attr-defined]
    for handler in logging.getLogger(sphinx_logging.NAMESPACE).handlers:
        if isinstance(handler, sphinx_logging.WarningStreamHandler):
            position = next(
                (
                    i + 1
                    for i, f in enumerate(handler.filters)
                    if isinstance(f, sphinx_logging.WarningSuppressor)
                ),
                0,
            )
            handler.filters.insert(position, ProblemRecorder(app, settings.problems_file))


def record_exception(app: Sphinx, exception: Exception | None) -> None:
    """An exception that stopped Sphinx is a problem too: at the page Sphinx was reading (no
    file when it was reading none: the build names its log instead)."""
    target = getattr(app, "addictionbook_problems", None)
    if exception is None or target is None:
        return
    docname = getattr(app.env, "temp_data", {}).get("docname") if app.env else None
    path = ""
    if docname:
        try:
            path = (
                Path(app.env.doc2path(docname))
                .resolve()
                .relative_to(Path(app.srcdir).resolve())
                .as_posix()
            )
        except ValueError:
            path = str(app.env.doc2path(docname))
    problem_file.append(
        target,
        Problem(
            path,
            0,
            f"Sphinx stopped on {type(exception).__name__}: {exception}",
            "fix what it names"
            + (" in this page" if path else "")
            + "; the traceback is in the build's log",
        ),
    )
