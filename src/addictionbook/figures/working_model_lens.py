"""The internal working model as a lens: one experience, read through a secure or insecure model.

The article (Daily, n.d.) calls the internal working model a cognitive filter, laid down in
implicit memory, that quickly and unconsciously tells us how we feel about ourselves and what to
expect from others. After mis-attunement and trauma it filters through insecurity, fear,
mistrust, avoidance and a negative inner voice; a securely attached child builds the opposite,
a positive, secure model. The figure sends one experience through each lens.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from . import _validate
from .style import (
    INK,
    LINE_PT,
    SIZE_WIDE,
    SMALL_PT,
    arrow,
    box,
    canvas,
    house_style,
    label,
    new_axes,
    tint,
)

__all__ = ["MODELS", "LensModel", "draw_working_model_lens", "working_model_lens_figure"]


@dataclass(frozen=True)
class LensModel:
    """One internal working model: its name, fill, and what it makes of the experience."""

    key: str
    name: str
    color: str
    hatch: str | None
    reading: tuple[tuple[str, str], ...]


#: The two models; the insecure lens is also hatched, so the difference never rests on color.
MODELS: dict[str, LensModel] = {
    "secure": LensModel(
        "secure",
        "Secure\nworking model",
        "bluish_green",
        None,
        (("Me:", "a kind inner voice"), ("Others:", "safe to trust"), ("So:", "turn toward them")),
    ),
    "insecure": LensModel(
        "insecure",
        "Insecure\nworking model",
        "vermillion",
        "///",
        (
            ("Me:", "a negative inner voice"),
            ("Others:", "fear and mistrust"),
            ("So:", "avoidance"),
        ),
    ),
}
_CHOICES = ("both", "secure", "insecure")
_W = 16.0


def _lens(ax: Axes, center: tuple[float, float], height: float, model: LensModel) -> Polygon:
    """A double-convex lens: two circular arcs meeting at the top and bottom."""
    cx, cy = center
    half = height / 2
    bulge = 0.55
    # Circle through (0, +-half) and (bulge, 0): radius r, center (bulge - r, 0).
    r = (half**2 + bulge**2) / (2 * bulge)
    phi = np.arcsin(half / r)
    t = np.linspace(-phi, phi, 40)
    right = np.column_stack([cx + (bulge - r) + r * np.cos(t), cy + r * np.sin(t)])
    left = np.column_stack([cx - (bulge - r) - r * np.cos(t[::-1]), cy + r * np.sin(t[::-1])])
    lens = Polygon(
        np.vstack([right, left]),
        closed=True,
        facecolor=tint(model.color, 0.4),
        edgecolor=INK,
        linewidth=LINE_PT * 1.4,
        hatch=model.hatch,
        zorder=2,
        gid=f"lens-{model.key}",
    )
    ax.add_patch(lens)
    return lens


def _row(ax: Axes, y: float, model: LensModel, start: tuple[float, float]) -> None:
    """Draw one lens at height ``y`` with its reading, fed from ``start``."""
    lens_x = 7.2
    arrow(ax, start, (lens_x - 0.7, y), rad=0.0, gid=f"lens-{model.key}-in")
    _lens(ax, (lens_x, y), 2.4, model)
    label(
        ax,
        (lens_x, y - 1.35),
        model.name,
        fontsize=SMALL_PT,
        va="top",
        gid=f"lens-{model.key}-name",
    )
    arrow(ax, (lens_x + 0.7, y), (9.55, y), gid=f"lens-{model.key}-out")
    box(ax, (9.65, y - 1.2), 6.25, 2.4, color=model.color, gid=f"reading-{model.key}")
    for line, (key, value) in enumerate(model.reading):
        # A shared baseline keeps the bold key and its value level on every line.
        line_y = y + 0.55 - 0.7 * line
        for x, text, bold, role in ((9.95, key, True, "key"), (11.55, value, False, "text")):
            label(
                ax,
                (x, line_y),
                text,
                bold=bold,
                ha="left",
                va="baseline",
                gid=f"reading-{model.key}-{role}",
            )


@house_style()
def draw_working_model_lens(*, ax: Axes | None = None, model: str = "both") -> Axes:
    """Draw the same experience filtered through one or both internal working models and
    return the axes.

    Shows the article's psychological regulatory system (Daily, n.d.; the internal working model
    goes back to Bowlby, 1969): a secure model reads an experience with safety and trust; an
    insecure model, built through mis-attunement and trauma, with fear, mistrust, avoidance and
    a negative inner voice.

    Parameters
    ----------
    ax
        The axes to draw into (limits, aspect and frame are set here); ``None`` (the default)
        draws into a new figure at the published size (lower for one lens), ``ax.figure``.
    model
        ``"both"`` (the default: one experience, two lenses), ``"secure"`` or ``"insecure"``.

    Returns
    -------
    Axes
        ``ax`` (or the new figure's axes), with lenses ``lens-<key>`` and readings
        ``reading-<key>``.

    Examples
    --------
    >>> fig = draw_working_model_lens(model="insecure").figure
    >>> from matplotlib.figure import Figure
    >>> ax = draw_working_model_lens(ax=Figure().subplots(), model="secure")
    """
    _validate.choice("model", model, _CHOICES)
    if ax is None:
        ax = new_axes(SIZE_WIDE if model == "both" else (SIZE_WIDE[0], SIZE_WIDE[1] * 0.6))
    keys = ["secure", "insecure"] if model == "both" else [model]
    height = 7.6 if len(keys) == 2 else 4.2
    canvas(ax, _W, height)
    ax.set_gid(f"panel-lens-{model}")
    mid = height / 2 if len(keys) == 2 else 1.85
    box(
        ax,
        (0.1, mid - 1.0),
        4.3,
        2.0,
        "The same\nexperience",
        color=None,
        bold=True,
        gid="experience",
    )
    rows = [mid + 1.9, mid - 2.0] if len(keys) == 2 else [mid]
    for key, y in zip(keys, rows, strict=True):
        _row(ax, y, MODELS[key], (4.45, mid + (y - mid) * 0.35))
    label(
        ax,
        (7.2, height - 0.25),
        "a quick, unconscious filter",
        fontsize=SMALL_PT,
        italic=True,
        va="top",
        gid="lens-filter-note",
    )
    return ax


def working_model_lens_figure(*, model: str = "both") -> Figure:
    """The published working-model lens figure (after Daily, n.d.).

    Parameters
    ----------
    model
        ``"both"`` (default), ``"secure"`` or ``"insecure"``.

    Returns
    -------
    Figure
        The figure of :func:`draw_working_model_lens`, one panel.

    Examples
    --------
    >>> fig = working_model_lens_figure(model="secure")
    """
    return draw_working_model_lens(model=model).figure
