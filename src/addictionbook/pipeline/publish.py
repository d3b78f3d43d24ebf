"""Publishing a build: the new output replaces the last good one by renaming, so
``_build/<target>`` is never half-written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..settings import Settings


def publish_dir(built: Path, target: Path, extra: dict[str, Path] | None = None) -> None:
    """Replace ``target`` by a copy of ``built`` (and of each folder in ``extra``, at its
    relative name), swapping by rename so it is never half-written."""
    fresh = target.with_name(f".{target.name}.new")
    stale = target.with_name(f".{target.name}.old")
    for leftover in (fresh, stale):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(built, fresh, ignore=shutil.ignore_patterns(".buildinfo"))
    for name, folder in (extra or {}).items():
        shutil.copytree(folder, fresh / name, dirs_exist_ok=True)
    if target.exists():
        target.rename(stale)
    fresh.rename(target)
    shutil.rmtree(stale, ignore_errors=True)


def publish_file(built: Path, target: Path) -> None:
    """Replace ``target`` by ``built`` atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(f".{target.name}.new")
    shutil.copyfile(built, fresh)
    os.replace(fresh, target)


def downloads_dir(out: Path, settings: Settings) -> Path:
    """The folder whose ``pdf/`` and ``epub/`` the site links and carries: ``out`` itself
    unless the settings name another (the preview uses ``make``'s)."""
    return settings.downloads or out


def downloads(out: Path, settings: Settings) -> dict[str, Path]:
    """The published PDFs and EPUB the site carries (``pdf/``, ``epub/``), as they are now."""
    base = downloads_dir(out, settings)
    return {name: base / name for name in ("pdf", "epub") if (base / name).is_dir()}
