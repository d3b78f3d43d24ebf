"""One build's context, made once per command and passed down: the book's sources, the
settings, where the output goes, and the reporter that says what happens."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..content.sources import Sources
from ..settings import Settings
from .report import Reporter


def share_notebook_cache(work: Path, shared_work: Path) -> None:
    """Let the work area ``work`` use ``shared_work``'s notebook cache (a link), so that a
    notebook executed by one build is not executed again by the other; each keeps its own
    Sphinx environment (the preview's, the translations' gettext run)."""
    shared = shared_work / "_build" / ".jupyter_cache"
    link = work / "_build" / ".jupyter_cache"
    if link.is_symlink() or link.exists():
        return
    shared.mkdir(parents=True, exist_ok=True)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(shared, target_is_directory=True)


@dataclass
class Job:
    sources: Sources
    settings: Settings
    out: Path  # the output folder (``_build``): published targets, logs, the work area
    target: str  # html, pdf or epub
    reporter: Reporter
    #: The work area's name in ``out``: the book's builds share ``.work``; a builder whose
    #: environment Sphinx cannot share with them (gettext) has one of its own.
    work_name: str = ".work"

    @property
    def root(self) -> Path:
        return self.sources.root

    @property
    def work(self) -> Path:
        """Jupyter Book's ``--path-output``: Sphinx's environment and the notebook cache."""
        return self.out / self.work_name

    def shown(self, path: Path) -> str:
        """``path`` relative to the book when inside it (as problems name files)."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)
