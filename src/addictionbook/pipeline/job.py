"""One build's context, made once per command and passed down: the book's sources, the
settings, where the output goes, and the reporter that says what happens."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..content.sources import Sources
from ..settings import Settings
from .report import Reporter


@dataclass
class Job:
    sources: Sources
    settings: Settings
    out: Path  # the output folder (``_build``): published targets, logs, the work area
    target: str  # html, pdf or epub
    reporter: Reporter

    @property
    def root(self) -> Path:
        return self.sources.root

    @property
    def work(self) -> Path:
        """Jupyter Book's ``--path-output``: Sphinx's environment and the notebook cache."""
        return self.out / ".work"

    def shown(self, path: Path) -> str:
        """``path`` relative to the book when inside it (as problems name files)."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)
