"""Check (and, as root, install) the Debian packages the build needs.

``addictionbook sysdeps pdf`` exits 0 when every package of the ``pdf`` group is
installed; when some are missing it installs them if running as root (containers, CI), and
otherwise prints the exact ``apt-get install`` line and exits 1. The groups are the single list
of system packages in the project (README.md, "Two commands").
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES: dict[str, tuple[str, ...]] = {
    # Every build: GNU gettext's msgfmt checks the translations' catalogues strictly.
    "build": ("gettext",),
    # WeasyPrint's libraries (Pango with FreeType and HarfBuzz, fontconfig; harfbuzz-subset
    # keeps embedded fonts small), the fonts the PDFs use; poppler-utils reads PDFs in the tests.
    "pdf": (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "fonts-freefont-otf",
        "poppler-utils",
    ),
    # The browser tests (tests/test_browser.py) and `make lighthouse` drive Debian's Chromium.
    "browser": ("chromium",),
    # tests/test_epub.py validates the EPUB with epubcheck (a Java program; brings default-jre).
    "epub": ("epubcheck",),
    # `make bench` only: stock jupyter-book's `--builder pdflatex`, the PDF step's yardstick.
    "bench": (
        "texlive-xetex",
        "texlive-latex-extra",
        "texlive-fonts-recommended",
        "texlive-plain-generic",
        "latexmk",
        "tex-gyre",
        "lmodern",
    ),
}


def missing(packages: tuple[str, ...]) -> list[str]:
    """Return the packages ``dpkg`` does not report as installed."""
    if shutil.which("dpkg-query") is None:
        return list(packages)
    absent = []
    for name in packages:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True
        )
        if "install ok installed" not in result.stdout:
            absent.append(name)
    return absent


def ensure(groups: list[str]) -> int:
    """Install or report the missing packages of ``groups``; return the exit status."""
    wanted: tuple[str, ...] = ()
    for group in groups:
        if group not in PACKAGES:
            print(f"sysdeps: unknown group {group!r}; known: {', '.join(PACKAGES)}")
            return 2
        wanted += PACKAGES[group]
    absent = missing(wanted)
    if not absent:
        return 0
    line = "apt-get install -y --no-install-recommends " + " ".join(absent)
    if os.geteuid() != 0:
        print(
            "The build needs these Debian packages, which are not installed:\n"
            f"  {' '.join(absent)}\nInstall them with:\n  sudo apt-get update && sudo {line}",
            file=sys.stderr,
        )
        return 1
    print(f"sysdeps: installing {' '.join(absent)}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(line.split() + ["-qq"], check=True, env=env)
    return 0
