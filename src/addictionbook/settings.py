"""Settings the book's tools take from the environment, read once into one object.

A command reads :class:`Settings` once (``Settings.from_environment()``) and passes it down;
the build hands the same values to the processes it starts (Sphinx, the notebook step) in
their environment (:meth:`Settings.child_environment`), where the Sphinx extension reads them
once again. Nothing else in the package reads ``os.environ``.

=========================  =================================================================
variable                   setting
=========================  =================================================================
``V``                      print the whole build log as it runs (``make html V=1``)
``ADDICTIONBOOK_PAPER``    the PDFs' paper: ``letter`` (default) or ``a4``
``SOURCE_DATE_EPOCH``      the date every output carries (default: the last commit's)
``ADDICTIONBOOK_DOWNLOADS`` the folder whose ``pdf/`` and ``epub/`` the site carries
``ADDICTIONBOOK_THEME_NAV`` ``1``: the theme's own navigation on every page (for comparison)
``ADDICTIONBOOK_PROBLEMS`` where the build's child processes write the problems they find
``ADDICTIONBOOK_DRAFT``    ``1``: a draft edition (``make release DRAFT=1``): every handout not
                           clinically reviewed carries a "Draft: not clinically reviewed" band
``GITHUB_ACTIONS``,        on GitHub Actions: problems are also annotations and a summary
``GITHUB_STEP_SUMMARY``
=========================  =================================================================
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path

#: CSS page sizes by ``ADDICTIONBOOK_PAPER`` (``make pdf PAPER=a4``).
PAPER = {"letter": "letter", "a4": "A4"}


class SettingError(ValueError):
    """An environment variable has a value the book's tools cannot use."""


@dataclass(frozen=True)
class Settings:
    verbose: bool = False
    paper: str = "letter"
    source_date_epoch: str | None = None  # None: the last commit's date (see :meth:`epoch`)
    downloads: Path | None = None
    theme_navigation: bool = False
    problems_file: Path | None = None
    github_actions: bool = False
    github_step_summary: Path | None = None
    draft: bool = False
    _epochs: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings in ``environ`` (this process's environment by default);
        :class:`SettingError` names a variable whose value is not allowed."""
        env = os.environ if environ is None else environ
        paper = env.get("ADDICTIONBOOK_PAPER", "letter").lower()
        if paper not in PAPER:
            raise SettingError(
                f"ADDICTIONBOOK_PAPER={paper!r} is not allowed; allowed values: "
                f"{', '.join(PAPER)} (make pdf PAPER=a4)"
            )

        def path(name: str) -> Path | None:
            return Path(env[name]) if env.get(name) else None

        return cls(
            verbose=env.get("V", "") not in ("", "0"),
            paper=paper,
            source_date_epoch=env.get("SOURCE_DATE_EPOCH") or None,
            downloads=path("ADDICTIONBOOK_DOWNLOADS"),
            theme_navigation=env.get("ADDICTIONBOOK_THEME_NAV", "") not in ("", "0"),
            problems_file=path("ADDICTIONBOOK_PROBLEMS"),
            github_actions=bool(env.get("GITHUB_ACTIONS")),
            github_step_summary=path("GITHUB_STEP_SUMMARY"),
            draft=env.get("ADDICTIONBOOK_DRAFT", "") not in ("", "0"),
        )

    def but(self, **changes) -> Settings:
        """These settings with ``changes``."""
        return replace(self, **changes)

    @property
    def page_size(self) -> str:
        """The CSS page size of the PDFs."""
        return PAPER[self.paper]

    def epoch(self, root: Path) -> str:
        """Seconds since 1970 that every output of the book at ``root`` is dated by:
        ``SOURCE_DATE_EPOCH``, or the last commit's (so two builds of one commit are equal)."""
        if self.source_date_epoch is not None:
            return self.source_date_epoch
        if root not in self._epochs:
            result = subprocess.run(
                ["git", "-C", str(root), "log", "-1", "--format=%ct"],
                capture_output=True,
                text=True,
            )
            self._epochs[root] = result.stdout.strip() or "0"
        return self._epochs[root]

    def day(self, root: Path) -> date:
        """The day every output of the book at ``root`` is dated by (:meth:`epoch`, in UTC): the
        day a build computes review statuses for."""
        return datetime.fromtimestamp(int(self.epoch(root) or 0), tz=UTC).date()

    def child_environment(self, root: Path, **extra: str) -> dict[str, str]:
        """The environment for a process the build starts (Sphinx, the notebook step): this
        process's, with every setting written out, the date fixed and ``extra`` added."""
        env = dict(os.environ)
        env.update(
            {
                "ADDICTIONBOOK_PAPER": self.paper,
                "SOURCE_DATE_EPOCH": self.epoch(root),
                "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                "ADDICTIONBOOK_DRAFT": "1" if self.draft else "",
            }
        )
        for name, value in (
            ("ADDICTIONBOOK_DOWNLOADS", self.downloads),
            ("ADDICTIONBOOK_PROBLEMS", self.problems_file),
        ):
            if value is not None:
                env[name] = str(value)
            else:
                env.pop(name, None)
        env.update(extra)
        return env
