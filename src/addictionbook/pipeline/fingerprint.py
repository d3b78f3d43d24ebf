"""The inputs of a build, hashed: when the last published build had the same, nothing is built."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

from ..content.sources import BOOK_FILES
from ..settings import Settings
from .publish import downloads

#: What each target publishes: when it is all there and no input changed, nothing is built.
PUBLISHED = {"html": ["html/index.html"], "pdf": ["pdf/book.pdf"], "epub": ["epub/book.epub"]}
#: The settings each target's output depends on.
SETTINGS = {
    "html": ["source_date_epoch", "draft"],
    "pdf": ["source_date_epoch", "paper", "draft"],
    "epub": ["source_date_epoch", "draft"],
}


def inputs_fingerprint(root: Path, target: str, settings: Settings, out: Path | None = None) -> str:
    """A hash of everything a build of ``target`` reads, so an unchanged book is not rebuilt.

    The book's files (``BOOK_FILES``, at their absolute paths: Sphinx's saved state holds them),
    the whole helper package (figures, Sphinx extension, print style), the installed Python
    distributions and Debian packages, the last commit (page dates come from git) and the
    settings the target's output depends on.
    """
    digest = hashlib.sha256(f"{target}\0{sys.version}\0".encode())
    package = Path(__file__).resolve().parents[1]  # the whole addictionbook package
    files = []
    for name in BOOK_FILES:
        path = root / name
        files += [path] if path.is_file() else sorted(path.glob("**/*"))
    files += [p for p in sorted(package.glob("**/*")) if "__pycache__" not in p.parts]
    for path in files:
        if path.is_file():
            digest.update(f"{path}\0".encode() + path.read_bytes())
    digest.update("\0".join(sorted(os.listdir(sysconfig.get_paths()["purelib"]))).encode())
    dpkg = Path("/var/lib/dpkg/status")
    if dpkg.exists():
        digest.update(f"{dpkg.stat().st_size}:{dpkg.stat().st_mtime_ns}".encode())
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout
    digest.update(head.encode())
    for name in SETTINGS[target]:
        digest.update(f"{name}={getattr(settings, name) or ''}\0".encode())
    if target == "html" and out is not None:  # the site carries the PDFs and EPUB built
        for folder in downloads(out, settings).values():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def inputs_stamp(out: Path, target: str) -> Path:
    return out / ".work" / f"addictionbook-{target}.inputs"


def up_to_date(out: Path, target: str, fingerprint: str) -> bool:
    """Whether the published output of ``target`` was built from exactly these inputs."""
    stamp = inputs_stamp(out, target)
    return (
        stamp.exists()
        and stamp.read_text(encoding="utf-8").strip() == fingerprint
        and all((out / path).exists() for path in PUBLISHED[target])
    )
