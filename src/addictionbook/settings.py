"""Settings the book's tools read from the environment."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def source_date_epoch(root: Path) -> str:
    """Seconds of the last commit, so two builds of one commit embed the same dates."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    result = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True
    )
    return result.stdout.strip() or "0"
