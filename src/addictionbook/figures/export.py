"""Write every registered figure to ``figures/<id>.svg|.pdf|.png``, byte-for-byte reproducibly.

Run as ``addictionbook figures [OUTDIR] [--jobs N]`` (``make figures``). SVG ids come from
a fixed hash salt (house style) and the metadata carries no dates, so an unchanged figure
gives unchanged files and a clean ``git status``. The figures are shared out over the machine's
cores (forked workers, each writing whole files), which keeps the whole set near a second or
two; the output does not depend on how many workers ran.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import _validate
from .registry import BY_ID, FIGURES
from .style import house_style

FORMATS = ("svg", "pdf", "png")
#: PNG resolution: a 6.5 in figure becomes 1300 px, sharp on a slide or a high-density screen.
PNG_DPI = 200

#: Metadata without dates or version strings, per format.
_METADATA = {
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    "png": {"Software": None},
}


def render(fig: Figure, fmt: str) -> bytes:
    """Return ``fig`` as ``fmt`` (``"svg"``, ``"pdf"`` or ``"png"``) with deterministic metadata."""
    _validate.choice("fmt", fmt, FORMATS)
    FigureCanvasAgg(fig)  # a canvas of our own: no pyplot, no global figure manager
    buffer = io.BytesIO()
    with house_style():
        fig.savefig(buffer, format=fmt, dpi=PNG_DPI, metadata=_METADATA[fmt])
    return buffer.getvalue()


def save(fig: Figure, path: Path) -> Path:
    """Save ``fig`` to ``path`` (format from the suffix); rewrite only if the bytes changed."""
    data = render(fig, path.suffix.lstrip("."))
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


def export_one(figure_id: str, outdir: Path) -> list[Path]:
    """Draw the registered figure ``figure_id`` once and write it in every format."""
    fig = BY_ID[figure_id].draw()
    paths = []
    for fmt in FORMATS:
        paths.append(save(fig, outdir / f"{figure_id}.{fmt}"))
        # The first save ran the constrained layout; the other formats keep its positions
        # (a third of the export's time otherwise goes to solving the same layout again).
        fig.set_layout_engine("none")
    return paths


def _fork_context() -> multiprocessing.context.BaseContext | None:
    """Forked workers inherit the imported package (no second start-up); where the platform
    cannot fork safely we run serially instead."""
    if sys.platform != "linux":
        return None
    return multiprocessing.get_context("fork")


def export_all(outdir: Path, *, jobs: int | None = None) -> list[Path]:
    """Export every registered figure in every format into ``outdir``; return the paths.

    ``jobs`` is the number of worker processes (default: the machine's cores); ``1`` exports
    in this process.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    ids = [spec.id for spec in FIGURES]
    jobs = min(jobs or os.cpu_count() or 1, len(ids))
    context = _fork_context()
    if jobs <= 1 or context is None:
        return [path for figure_id in ids for path in export_one(figure_id, outdir)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        results = pool.map(export_one, ids, [outdir] * len(ids))
        return [path for paths in results for path in paths]


def export_command(outdir: Path, jobs: int | None = None) -> None:
    """``addictionbook figures``: export every figure and say what was written."""
    start = time.perf_counter()
    paths = export_all(outdir, jobs=jobs)
    elapsed = time.perf_counter() - start
    print(f"wrote {len(paths)} files ({len(FIGURES)} figures) to {outdir}/ in {elapsed:.2f} s")
