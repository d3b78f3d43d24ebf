"""Widening circles of co-regulation: from the therapist to a world of supportive relationships.

The article (Daily, n.d.) describes how therapy works: the client first feels attuned connection
with the therapist, then in group, then in meetings, and then builds a world of healthy,
supportive relationships. That work develops "earned secure attachment", which underpins a
reconstructed regulatory system. The figure draws the circles widening; ``stage`` says how many
have been reached, and the circles still ahead are dashed outlines.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from . import _validate
from .style import (
    ARROW_PT,
    HEAVY_LINE_PT,
    INK,
    LINE_PT,
    MUTED_INK,
    SIZE_SINGLE,
    SMALL_PT,
    arrow,
    canvas,
    house_style,
    label,
    new_axes,
    tint,
)

__all__ = [
    "CIRCLES",
    "CoRegulationCircle",
    "circles_of_coregulation_figure",
    "draw_circles_of_coregulation",
]


@dataclass(frozen=True)
class CoRegulationCircle:
    """One circle of co-regulation, from the inside out."""

    key: str
    label: str
    color: str


#: Innermost first.
CIRCLES: tuple[CoRegulationCircle, ...] = (
    CoRegulationCircle("therapist", "Therapist", "reddish_purple"),
    CoRegulationCircle("group", "Group", "sky_blue"),
    CoRegulationCircle("meetings", "Meetings", "yellow"),
    CoRegulationCircle("world", "A world of\nsupportive relationships", "bluish_green"),
)

_RADII = (1.2, 2.05, 2.9, 4.3)
_CENTER = (4.45, 4.45)
_W, _H = 12.8, 8.9


@house_style()
def draw_circles_of_coregulation(*, ax: Axes | None = None, stage: int = 4) -> Axes:
    """Draw the widening circles of co-regulation and return the axes.

    Shows the article's account of how therapy works (Daily, n.d.): being seen and feeling felt
    with the therapist, then in group, then in meetings, then in a wider world of supportive
    relationships, toward "earned secure attachment".

    Parameters
    ----------
    ax
        The axes to draw into (limits, aspect and frame are set here); ``None`` (the default)
        draws into a new figure at the published size, ``ax.figure``.
    stage
        How many circles have been reached, 1 (the therapist) to 4 (a wider world). Reached
        circles are filled and outlined; circles ahead are dashed outlines with muted labels.

    Returns
    -------
    Axes
        ``ax`` (or the new figure's axes), with circles ``circle-<key>`` (innermost first)
        and their labels.

    Examples
    --------
    >>> ax = draw_circles_of_coregulation(stage=2)
    >>> from matplotlib.figure import Figure
    >>> steps = Figure(figsize=(6.5, 2.4), layout="constrained").subplots(1, 2)
    >>> for ax, stage in zip(steps, (1, 2)):
    ...     ax = draw_circles_of_coregulation(ax=ax, stage=stage)
    """
    stage = _validate.int_range("stage", stage, 1, len(CIRCLES))
    if ax is None:
        ax = new_axes(SIZE_SINGLE)
    canvas(ax, _W, _H)
    ax.set_gid(f"panel-circles-{stage}")
    cx, cy = _CENTER
    # Outermost first, so inner circles sit on top.
    for index in reversed(range(len(CIRCLES))):
        circle = CIRCLES[index]
        reached = index < stage
        ax.add_patch(
            Circle(
                _CENTER,
                _RADII[index],
                facecolor=tint(circle.color, 0.4) if reached else "#FFFFFF",
                edgecolor=INK if reached else MUTED_INK,
                linewidth=LINE_PT if reached else 1.0,
                linestyle="-" if reached else (0, (4, 3)),
                zorder=1 + (len(CIRCLES) - index) * 0.1,
                gid=f"circle-{circle.key}",
            )
        )
        inner = _RADII[index - 1] if index else 0.0
        y = cy + 0.5 if index == 0 else cy + (inner + _RADII[index]) / 2
        label(
            ax,
            (cx, y),
            circle.label + ("" if reached else " (ahead)"),
            fontsize=SMALL_PT + 1 if reached else SMALL_PT,
            bold=reached and index == stage - 1,
            italic=not reached,
            color=INK if reached else MUTED_INK,
            gid=f"circle-{circle.key}-label",
        )
    # The direction of the work: outward, toward earned secure attachment. The stretch
    # already travelled is solid, the rest dashed.
    reach = _RADII[stage - 1]
    arrow(
        ax,
        (cx - 0.2, cy - 0.25),
        (cx + reach, cy - 0.25),
        head=False,
        linewidth=HEAVY_LINE_PT * 0.7,
        gid="circles-progress",
    )
    arrow(
        ax,
        (cx + reach, cy - 0.25),
        (8.95, cy - 0.25),
        dashed=stage < len(CIRCLES),
        linewidth=ARROW_PT if stage < len(CIRCLES) else HEAVY_LINE_PT * 0.7,
        gid="circles-ahead",
    )
    label(
        ax,
        (9.1, cy - 0.25),
        "Toward\n\u201cearned secure\nattachment\u201d",
        ha="left",
        bold=True,
        gid="circles-earned-secure",
    )
    return ax


def circles_of_coregulation_figure(*, stage: int = 4) -> Figure:
    """The published circles-of-co-regulation figure (after Daily, n.d.).

    Parameters
    ----------
    stage
        How many circles have been reached, 1 to 4 (default 4, all of them).

    Returns
    -------
    Figure
        The figure of :func:`draw_circles_of_coregulation`, one panel.

    Examples
    --------
    >>> fig = circles_of_coregulation_figure(stage=2)
    """
    return draw_circles_of_coregulation(stage=stage).figure
