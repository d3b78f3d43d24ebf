"""Relationships, psychology and neurobiology: three regulatory systems, built together.

The article (Daily, n.d.) connects its variables: relationships (attunement, co-regulation),
psychology (the internal working model) and neurobiology (the dopamine and opioid systems) are
intertwined and work at the same time; they are built, or disrupted, together. Where the
regulatory systems were not built in past relationships and are not supported by current ones,
intoxication, a dopamine and opioid release, can stand in for relational regulation.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from . import _validate
from .style import (
    INK,
    LINE_PT,
    SIZE_SINGLE,
    SMALL_PT,
    arrow,
    box,
    canvas,
    fill,
    house_style,
    label,
    new_axes,
)

__all__ = ["SYSTEMS", "RegulatorySystem", "draw_three_systems", "three_systems_figure"]


@dataclass(frozen=True)
class RegulatorySystem:
    """One of the three intertwined systems."""

    key: str
    label: str
    color: str
    center: tuple[float, float]
    label_at: tuple[float, float]


_R = 2.7
#: The three systems, with their circle centers and label positions on the canvas.
SYSTEMS: tuple[RegulatorySystem, ...] = (
    RegulatorySystem(
        "relationships",
        "Relationships\nattunement,\nco-regulation",
        "sky_blue",
        (4.6, 6.45),
        (4.6, 7.85),
    ),
    RegulatorySystem(
        "psychology",
        "Psychology\ninternal\nworking model",
        "yellow",
        (3.05, 3.85),
        (2.0, 3.55),
    ),
    RegulatorySystem(
        "neurobiology",
        "Neurobiology\ndopamine and\nopioid systems",
        "reddish_purple",
        (6.15, 3.85),
        (7.2, 3.55),
    ),
)

_W, _H = 14.0, 9.8


@house_style()
def draw_three_systems(*, ax: Axes | None = None, show_intoxication: bool = True) -> Axes:
    """Draw the three intertwined regulatory systems and return the axes.

    Shows the article's synthesis (Daily, n.d., drawing on Siegel, 1999, and Schore, 2003):
    relationships, the internal working model and dopamine/opioid regulation overlap and are
    built or disrupted together; optionally, intoxication entering the neurobiological system
    in place of relational regulation.

    Parameters
    ----------
    ax
        The axes to draw into (limits, aspect and frame are set here); ``None`` (the default)
        draws into a new figure at the published size, ``ax.figure``.
    show_intoxication
        Also draw intoxication, a dopamine and opioid release, standing in for the regulation
        relationships did not build or do not support.

    Returns
    -------
    Axes
        ``ax`` (or the new figure's axes), with circles ``system-<key>`` and, if shown, the
        box ``intoxication``.

    Examples
    --------
    >>> fig = draw_three_systems(show_intoxication=False).figure
    >>> from matplotlib.figure import Figure
    >>> ax = draw_three_systems(ax=Figure().subplots())
    """
    _validate.flag("show_intoxication", show_intoxication)
    if ax is None:
        ax = new_axes(SIZE_SINGLE)
    canvas(ax, _W, _H)
    ax.set_gid("panel-systems")
    shift = 0.0 if show_intoxication else 2.6
    for system in SYSTEMS:
        cx, cy = system.center
        ax.add_patch(
            Circle(
                (cx + shift, cy),
                _R,
                facecolor=fill(system.color),
                edgecolor="none",
                alpha=0.3,
                zorder=1,
                gid=f"system-{system.key}",
            )
        )
    # Outlines again on top, so every circle's edge stays visible through the others.
    for system in SYSTEMS:
        cx, cy = system.center
        ax.add_patch(
            Circle(
                (cx + shift, cy),
                _R,
                fill=False,
                edgecolor=INK,
                linewidth=LINE_PT,
                zorder=2,
                gid=f"system-{system.key}-outline",
            )
        )
    for system in SYSTEMS:
        lx, ly = system.label_at
        head, rest = system.label.split("\n", 1)
        label(ax, (lx + shift, ly + 0.25), head, bold=True, gid=f"system-{system.key}-label")
        label(ax, (lx + shift, ly - 0.3), rest, fontsize=SMALL_PT, va="top")
    label(
        ax,
        (4.6 + shift, 4.8),
        "built or\ndisrupted\ntogether",
        fontsize=SMALL_PT,
        italic=True,
        gid="systems-together",
    )

    if show_intoxication:
        box(ax, (9.75, 4.75), 4.1, 2.15, color="orange", gid="intoxication")
        label(ax, (11.8, 6.45), "Intoxication", bold=True, gid="intoxication-label")
        label(ax, (11.8, 5.5), "in the article:\ndopamine and\nopioid release", fontsize=SMALL_PT)
        arrow(ax, (9.7, 5.55), (8.0, 4.75), rad=0.2, gid="intoxication-arrow")
        label(
            ax,
            (11.8, 4.4),
            "stands in for relational\nregulation where\nrelationships did not\n"
            "build it and do not\nsupport it now",
            fontsize=SMALL_PT,
            va="top",
            gid="intoxication-note",
        )
    return ax


def three_systems_figure(*, show_intoxication: bool = True) -> Figure:
    """The published three-systems figure (after Daily, n.d.).

    Parameters
    ----------
    show_intoxication
        Draw where intoxication substitutes for relational regulation (default ``True``).

    Returns
    -------
    Figure
        The figure of :func:`draw_three_systems`, one panel.

    Examples
    --------
    >>> fig = three_systems_figure(show_intoxication=False)
    """
    return draw_three_systems(show_intoxication=show_intoxication).figure
