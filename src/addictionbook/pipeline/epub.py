"""The EPUB's bytes made reproducible: two builds of one commit give the same file."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path


def normalize_epub(path: Path, epoch: int) -> None:
    """Rewrite the EPUB at ``path`` so that its bytes depend on its contents only.

    Sphinx's epub builder zips its files with their modification times, so two builds of one
    commit differ in every entry's date. The entries are written again in the same order (the
    ``mimetype`` first and stored, as EPUB requires), each dated by ``epoch`` (the last commit;
    the zip format starts in 1980) with one set of permissions.
    """
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # 1980-01-01, the earliest zip date
    fresh = path.with_name(f".{path.name}.normalized")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(fresh, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = entry.compress_type
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the build machine
            target.writestr(info, source.read(entry), compresslevel=9)
    os.replace(fresh, path)
