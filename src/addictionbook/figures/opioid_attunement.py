"""The opioid system in the attuned moment: both partners, one bond (after Schore, 2003).

The article (Daily, n.d.) reports Schore (2003): in an attuned moment between child and
caregiver, *both* experience the opioid system firing, and these systems reinforce the
attachment bond. The figure draws the two people, the attuned moment between them, opioid-system
activity in each, and the bond both feed. It is a conceptual schematic; the evidence for the
opioid system in human bonding is mostly from animals (see the book's evidence note).
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from .style import (
    INK,
    SIZE_SINGLE,
    arrow,
    box,
    canvas,
    house_style,
    label,
    new_axes,
    person,
    tint,
)

__all__ = ["draw_opioid_attunement", "opioid_attunement_figure"]

_W, _H = 14.0, 9.6


@house_style()
def draw_opioid_attunement(*, ax: Axes | None = None) -> Axes:
    """Draw caregiver and child in an attuned moment, each with opioid-system activity, and
    the bond it reinforces, and return the axes.

    Shows the article's claim after Schore (2003), as reported by Daily (n.d.): in the attuned
    moment both caregiver and child experience opioid-system activity, which reinforces the
    attachment bond between them.

    Parameters
    ----------
    ax
        The axes to draw into (limits, aspect and frame are set here); ``None`` (the default)
        draws into a new figure at the published size, ``ax.figure``.

    Returns
    -------
    Axes
        ``ax`` (or the new figure's axes), with patches and texts whose gids start ``opioid-``.

    Examples
    --------
    >>> fig = draw_opioid_attunement().figure
    >>> from matplotlib.figure import Figure
    >>> ax = draw_opioid_attunement(ax=Figure().subplots())
    """
    if ax is None:
        ax = new_axes(SIZE_SINGLE)
    canvas(ax, _W, _H)
    ax.set_gid("panel-opioid")
    people = (
        ("caregiver", "Caregiver", 2.7, 3.0, "sky_blue"),
        ("child", "Child", 11.3, 2.1, "yellow"),
    )
    for key, name, x, size, color in people:
        # A dashed glow behind each person: opioid-system activity, named in the box below.
        ax.add_patch(
            Circle(
                (x, 5.05 + 0.4 * size),
                0.78 * size,
                facecolor=tint("reddish_purple", 0.22),
                edgecolor=INK,
                linewidth=0.9,
                linestyle=(0, (2, 2.5)),
                zorder=1,
                gid=f"opioid-glow-{key}",
            )
        )
        person(ax, (x, 5.05), size, color=color, gid=f"opioid-{key}")
        label(ax, (x, 4.85), name, va="top", gid=f"opioid-{key}-name")
        box(
            ax,
            (x - 2.2, 2.4),
            4.4,
            1.3,
            "Opioid system\nactive",
            color="reddish_purple",
            gid=f"opioid-activity-{key}",
        )

    # The attuned moment, shared between them.
    arrow(ax, (5.0, 8.2), (9.3, 7.75), both=True, rad=-0.25, gid="opioid-attunement")
    label(ax, (7.1, 7.25), "Attuned\nmoment", bold=True, gid="opioid-attunement-name")

    # Both feed the bond.
    box(
        ax,
        (4.5, 0.1),
        5.0,
        1.45,
        "Attachment bond\nreinforced",
        color="bluish_green",
        bold=True,
        gid="opioid-bond",
    )
    arrow(ax, (2.7, 2.35), (4.45, 0.85), rad=0.3, gid="opioid-to-bond-caregiver")
    arrow(ax, (11.3, 2.35), (9.55, 0.85), rad=-0.3, gid="opioid-to-bond-child")
    return ax


def opioid_attunement_figure() -> Figure:
    """The published opioid-attunement figure (after Schore, 2003, as reported by Daily, n.d.).

    Returns
    -------
    Figure
        The figure of :func:`draw_opioid_attunement`, one panel.

    Examples
    --------
    >>> fig = opioid_attunement_figure()
    """
    return draw_opioid_attunement().figure
