"""Helpers for the figure tests: find drawn objects, render, measure text contrast, and find
the book's figure cells."""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text

import addictionbook.figures as ab
from addictionbook.figures.registry import FIGURES

#: Every figure the book publishes, plus the parameter values chapters may use to show a step
#: of an explanation: (test id, function, keyword arguments).
VARIANTS: list[tuple[str, Callable[..., Figure], dict[str, object]]] = [
    *((spec.id, spec.function, dict(spec.params)) for spec in FIGURES),
    ("dopamine-seen-unseen-state-seen", ab.dopamine_seen_unseen_figure, {"state": "seen"}),
    ("dopamine-seen-unseen-state-unseen", ab.dopamine_seen_unseen_figure, {"state": "unseen"}),
    ("layered-model-peeled-4-core", ab.layered_model_figure, {"peeled": 4, "highlight": "core"}),
    (
        "layered-model-peeled-2-process",
        ab.layered_model_figure,
        {"peeled": 2, "highlight": "process"},
    ),
    (
        "layered-model-peeled-3-affect",
        ab.layered_model_figure,
        {"peeled": 3, "highlight": "affect"},
    ),
    ("three-systems-no-intoxication", ab.three_systems_figure, {"show_intoxication": False}),
    ("working-model-lens-secure", ab.working_model_lens_figure, {"model": "secure"}),
    ("working-model-lens-insecure", ab.working_model_lens_figure, {"model": "insecure"}),
    ("circles-of-coregulation-stage-1", ab.circles_of_coregulation_figure, {"stage": 1}),
    ("circles-of-coregulation-stage-2", ab.circles_of_coregulation_figure, {"stage": 2}),
]

_CALLS = {name: (function, kwargs) for name, function, kwargs in VARIANTS}


@functools.cache
def drawn(name: str) -> Figure:
    """Variant ``name`` of :data:`VARIANTS`, drawn once per test process for the tests that
    only read or render it (each sets the resolution it renders at; none adds or removes an
    artist, and a visibility switched for a measure is switched back)."""
    function, kwargs = _CALLS[name]
    return function(**kwargs)


def artists(fig: Figure) -> Iterator[Artist]:
    """Every artist of ``fig``, the figure's own included."""
    yield from fig.findobj(lambda a: True)


def by_gid(container: Figure | Axes, gid: str, kind: type = Artist) -> list[Artist]:
    """Artists of type ``kind`` whose gid equals ``gid``."""
    return [a for a in container.findobj(kind) if a.get_gid() == gid]


def gid_prefixed(container: Figure | Axes, prefix: str, kind: type = Artist) -> list[Artist]:
    """Artists of type ``kind`` whose gid starts with ``prefix``."""
    return [a for a in container.findobj(kind) if (a.get_gid() or "").startswith(prefix)]


def texts(container: Figure | Axes) -> list[Text]:
    """Visible, non-empty texts."""
    return [t for t in container.findobj(Text) if t.get_visible() and t.get_text().strip()]


def all_text(container: Figure | Axes) -> str:
    """Every visible text joined with spaces, line breaks flattened (for "is this term shown")."""
    return " ".join(" ".join(t.get_text().split()) for t in texts(container))


def patch_by_gid(container: Figure | Axes, gid: str) -> Patch:
    """The single patch with gid ``gid``."""
    found = by_gid(container, gid, Patch)
    assert len(found) == 1, f"expected one patch {gid!r}, found {len(found)}"
    return found[0]


def is_dashed(patch: Patch) -> bool:
    """Whether a patch's outline is dashed."""
    return patch.get_linestyle() not in ("-", "solid")


def render_rgb(fig: Figure, dpi: float) -> tuple[np.ndarray, FigureCanvasAgg]:
    """Render ``fig`` with Agg at ``dpi``; return the RGB array (rows top-down) and canvas."""
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy(), canvas


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.x relative luminance of an sRGB color with channels in 0..1."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG contrast ratio of two colors, 1 to 21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_contrasts(fig: Figure, dpi: float = 100) -> list[tuple[str, float]]:
    """For every visible text: its string and its contrast against what lies behind it.

    The background is measured on a render with all texts hidden: the most common pixel color
    inside the text's bounding box is the color the text sits on.
    """
    items = texts(fig)
    _, canvas = render_rgb(fig, dpi)
    renderer = canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in items]
    for t in items:
        t.set_visible(False)
    try:
        background, _ = render_rgb(fig, dpi)
    finally:
        for t in items:
            t.set_visible(True)
    height = background.shape[0]
    results = []
    for t, bb in zip(items, boxes, strict=True):
        x0, x1 = max(int(bb.x0), 0), min(int(np.ceil(bb.x1)), background.shape[1])
        y0, y1 = max(int(height - bb.y1), 0), min(int(np.ceil(height - bb.y0)), height)
        region = background[y0:y1, x0:x1].reshape(-1, 3)
        common = Counter(map(tuple, region)).most_common(1)[0][0]
        behind = tuple(c / 255 for c in common)
        alpha = t.get_alpha()
        assert alpha in (None, 1), f"text {t.get_text()!r} is translucent"
        results.append((t.get_text(), contrast_ratio(to_rgb(t.get_color()), behind)))
    return results


def shown_figures(root: Path) -> list[tuple[str, int, str, dict]]:
    """Every code cell of the book that shows a registered figure: (page, line of the cell,
    figure id, the cell's ``mystnb: image:`` options such as ``alt`` and ``width``)."""
    from addictionbook.content.sources import Sources

    found = []
    for entry, page in Sources(root).pages.items():
        lines = page.path.read_text(encoding="utf-8").splitlines()
        for name, _, options, start, end in page.directives:
            shown = re.search(r"show\(\s*[\"'](fig-[\w-]+)", "\n".join(lines[start - 1 : end]))
            if name == "code-cell" and shown:
                image = (options.get("mystnb") or {}).get("image") or {}
                found.append((entry, start, shown.group(1), dict(image)))
    return found
