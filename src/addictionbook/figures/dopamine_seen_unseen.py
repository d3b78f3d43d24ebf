"""The dopamine system, seen and unseen: what attunement and shame do to it (after Siegel, 1999).

The article (Daily, n.d.) reports Siegel's (1999) account: when a child is "feeling felt", the
dopamine system expands, and the psychological experience tied to it is wanting to "be seen".
Shame, which Siegel defines as the absence of attunement, contracts the dopamine system, and the
person wants to be "unseen". The figure keeps "expands" and "contracts" qualitative: a larger or
smaller shape beside the same dashed reference outline, with arrows and words saying which.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle

from . import _validate
from .style import (
    EMPHASIS_PT,
    INK,
    LABEL_PT,
    LINE_PT,
    MUTED_INK,
    SIZE_PANELS,
    SMALL_PT,
    arrow,
    box,
    canvas,
    house_style,
    label,
    new_axes,
    person,
    tint,
)

__all__ = [
    "PANELS",
    "STATES",
    "DopaminePanel",
    "dopamine_seen_unseen_figure",
    "draw_dopamine_seen_unseen",
]


@dataclass(frozen=True)
class DopaminePanel:
    """The words and the direction of one panel."""

    key: str
    relation: str
    change: str
    wish: str
    expands: bool


#: The two panels, in reading order.
PANELS: dict[str, DopaminePanel] = {
    "seen": DopaminePanel(
        "seen", "Attunement:\n\u201cfeeling felt\u201d", "expands", "Wish to be seen", True
    ),
    "unseen": DopaminePanel(
        "unseen", "Shame: the absence\nof attunement", "contracts", "Wish to be unseen", False
    ),
}
#: Allowed values of ``state`` for :func:`dopamine_seen_unseen_figure`.
STATES = ("both", "seen", "unseen")

_W, _H = 10.0, 13.6  # panel canvas in data units
_REFERENCE_R = 1.45  # the dashed reference outline, identical in both panels
_SYSTEM_CENTER = (5.0, 5.55)
#: Published size of one panel alone (inches); both panels side by side are ``SIZE_PANELS``.
PANEL_SIZE = (SIZE_PANELS[0] / 2 + 0.3, SIZE_PANELS[1])


@house_style()
def draw_dopamine_seen_unseen(*, ax: Axes | None = None, state: str = "seen") -> Axes:
    """Draw one panel, attunement and the expanded dopamine system or shame and the contracted
    one, and return the axes.

    Shows the article's neurobiological claim (Daily, n.d., after Siegel, 1999): "feeling felt"
    expands the dopamine system and the wish to "be seen"; shame, the absence of attunement,
    contracts it and the wish to be "unseen". Top to bottom: caregiver and child (joined by a
    two-headed arrow when attuned, by a broken line when not), the dopamine system as a shape
    larger or smaller than a dashed reference outline, and the wish that goes with it.

    Parameters
    ----------
    ax
        The axes to draw into (limits, aspect and frame are set here); ``None`` (the default)
        draws into a new one-panel figure at the published size, ``ax.figure``.
    state
        ``"seen"`` (attunement, expansion) or ``"unseen"`` (shame, contraction).

    Returns
    -------
    Axes
        ``ax`` (or the new figure's axes), with patches and texts whose gids start
        ``dopamine-<state>-``.

    Examples
    --------
    >>> fig = draw_dopamine_seen_unseen(state="unseen").figure
    >>> from matplotlib.figure import Figure
    >>> ax = draw_dopamine_seen_unseen(ax=Figure().subplots(), state="seen")
    """
    _validate.choice("state", state, list(PANELS))
    return _draw_panel(new_axes(PANEL_SIZE) if ax is None else ax, PANELS[state])


def _draw_panel(ax: Axes, panel: DopaminePanel) -> Axes:
    """Draw ``panel`` into ``ax``: the body of :func:`draw_dopamine_seen_unseen`, which the
    figure function also calls, once per panel, with the state already checked and the house
    style already applied."""
    gid = f"dopamine-{panel.key}"
    canvas(ax, _W, _H)
    ax.set_gid(f"panel-{panel.key}")

    # The relationship: caregiver and child, joined (attunement) or not (shame).
    person(ax, (3.0, 11.0), 2.3, color="sky_blue", gid=f"{gid}-caregiver")
    person(ax, (7.2, 11.0), 1.6, color="yellow", gid=f"{gid}-child")
    label(ax, (3.0, 10.85), "Caregiver", fontsize=SMALL_PT, va="top")
    label(ax, (7.2, 10.85), "Child", fontsize=SMALL_PT, va="top")
    if panel.expands:
        arrow(ax, (4.3, 12.75), (6.3, 12.45), both=True, rad=-0.3, gid=f"{gid}-link")
    else:
        # A broken line with no arrowheads: no attunement reaches the child.
        for a, b in (((4.3, 12.75), (5.0, 12.95)), ((5.6, 12.92), (6.3, 12.45))):
            arrow(ax, a, b, dashed=True, head=False, rad=-0.1, gid=f"{gid}-link")
    box(
        ax,
        (1.2, 8.55),
        7.6,
        1.3,
        panel.relation,
        color="sky_blue" if panel.expands else None,
        bold=True,
        gid=f"{gid}-relation",
    )
    arrow(ax, (5.0, 8.5), (5.0, 7.75), gid=f"{gid}-arrow-in")

    # The dopamine system: a shape beside the same dashed reference outline.
    cx, cy = _SYSTEM_CENTER
    radius = 1.95 if panel.expands else 0.8
    ax.add_patch(
        Circle(
            _SYSTEM_CENTER,
            radius,
            facecolor=tint("orange"),
            edgecolor=INK,
            linewidth=LINE_PT * 1.5,
            zorder=3,
            gid=f"{gid}-system",
        )
    )
    ax.add_patch(
        Circle(
            _SYSTEM_CENTER,
            _REFERENCE_R,
            fill=False,
            edgecolor=MUTED_INK,
            linewidth=1.0,
            linestyle=(0, (3, 3)),
            zorder=4 if panel.expands else 2,
            gid=f"{gid}-reference",
        )
    )
    unit = 0.7071
    inner, outer = (radius + 0.12, radius + 0.8) if panel.expands else (2.45, 1.0)
    for dx, dy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
        start = (cx + dx * unit * inner, cy + dy * unit * inner)
        end = (cx + dx * unit * outer, cy + dy * unit * outer)
        arrow(ax, start, end, linewidth=1.4, gid=f"{gid}-change-arrow")
    label(
        ax,
        (cx, 2.75),
        "Dopamine system",
        fontsize=LABEL_PT,
        gid=f"{gid}-system-name",
    )
    label(ax, (cx, 2.15), panel.change, bold=True, fontsize=EMPHASIS_PT, gid=f"{gid}-change")
    arrow(ax, (cx, 1.75), (cx, 1.25), gid=f"{gid}-arrow-out")
    box(
        ax,
        (1.8, 0.1),
        6.4,
        1.1,
        panel.wish,
        color="orange" if panel.expands else None,
        bold=True,
        gid=f"{gid}-wish",
    )
    return ax


@house_style()
def dopamine_seen_unseen_figure(*, state: str = "both") -> Figure:
    """The published dopamine figure (after Siegel, 1999, as reported by Daily, n.d.).

    Parameters
    ----------
    state
        ``"both"`` (seen and unseen side by side, the default), ``"seen"`` or ``"unseen"``.

    Returns
    -------
    Figure
        Both panels of :func:`draw_dopamine_seen_unseen` side by side, or for one state the
        figure that ``draw_dopamine_seen_unseen(state=state)`` draws.

    Examples
    --------
    >>> fig = dopamine_seen_unseen_figure(state="seen")
    """
    _validate.choice("state", state, STATES)
    if state != "both":
        return _draw_panel(new_axes(PANEL_SIZE), PANELS[state]).figure
    fig = Figure(figsize=SIZE_PANELS, layout="constrained")
    for ax, panel in zip(fig.subplots(1, len(PANELS)), PANELS.values(), strict=True):
        _draw_panel(ax, panel)
    # A quiet rule between the panels: two states of one system, not one sequence.
    fig.add_artist(Line2D([0.5, 0.5], [0.04, 0.96], color=MUTED_INK, linewidth=0.8, gid="divider"))
    return fig
