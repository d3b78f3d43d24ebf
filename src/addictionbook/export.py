"""Write every registered figure to ``figures/<id>.svg|.pdf|.png``, byte-for-byte reproducibly.

Run as ``python -m addictionbook.export [OUTDIR]`` (``make figures``). SVG ids come from a fixed
hash salt (house style) and the metadata carries no dates, so an unchanged figure gives
unchanged files and a clean ``git status``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .registry import FIGURES
from .style import house_style

FORMATS = ("svg", "pdf", "png")
PNG_DPI = 200

#: Metadata without dates or version strings, per format.
_METADATA = {
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    "png": {"Software": None},
}


def save(fig: Figure, path: Path) -> Path:
    """Save ``fig`` to ``path`` (format from the suffix) with deterministic metadata."""
    fmt = path.suffix.lstrip(".")
    FigureCanvasAgg(fig)  # a canvas of our own: no pyplot, no global figure manager
    with house_style():
        fig.savefig(path, format=fmt, dpi=PNG_DPI, metadata=_METADATA[fmt])
    return path


def export_all(outdir: Path) -> list[Path]:
    """Export every registered figure in every format into ``outdir``; return the paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in FIGURES:
        fig = spec.draw()
        for fmt in FORMATS:
            written.append(save(fig, outdir / f"{spec.id}.{fmt}"))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", default="figures", type=Path)
    args = parser.parse_args(argv)
    paths = export_all(args.outdir)
    print(f"wrote {len(paths)} files to {args.outdir}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
