"""The layered model of addiction: what treatment uncovers as each layer is peeled away.

The article (Daily, n.d.) describes a person's relationship to intoxication in layers: take away
the drug of choice and people often switch drugs; take away all chemical addictions and process
addictions appear; beneath those lies an affect-regulation disorder; and at its heart, difficulty
managing relationships in a co-regulating way. The figure is a conceptual schematic, not data.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from . import _validate
from .style import INK, SIZE_SINGLE, house_style, tint

__all__ = ["LAYERS", "Layer", "draw_layers", "layered_model_figure"]


@dataclass(frozen=True)
class Layer:
    """One layer of the model, from the outside in."""

    key: str
    label: str
    colour: str


#: Outermost first; the last entry is the core, which is never peeled away.
LAYERS: tuple[Layer, ...] = (
    Layer("drug", "Drug of choice", "orange"),
    Layer("switching", "Switching to other drugs", "yellow"),
    Layer("process", "Process addictions", "sky_blue"),
    Layer("affect", "Affect-regulation disorder", "bluish_green"),
    Layer("core", "Difficulty co-regulating\nin relationships", "reddish_purple"),
)

_PEELED_TEXT = "#595959"  # 7:1 on white: still readable, visibly set aside


def draw_layers(*, ax: Axes, peeled: int = 0, highlight: str | None = None) -> Axes:
    """Draw the nested layers into ``ax`` and return it.

    Parameters
    ----------
    ax
        The axes to draw into (its limits and frame are set here).
    peeled
        How many outer layers treatment has peeled away, 0 to 4. Peeled layers are drawn as
        dashed, unfilled outlines with their label kept, so the reader sees what was removed.
    highlight
        Key of one layer to emphasise with a heavy outline and bold label
        (``"drug"``, ``"switching"``, ``"process"``, ``"affect"``, ``"core"``), or ``None``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = draw_layers(ax=Figure().subplots(), peeled=2, highlight="process")
    """
    peeled = _validate.int_range("peeled", peeled, 0, len(LAYERS) - 1)
    _validate.choice("highlight", highlight, [None, *(layer.key for layer in LAYERS)])

    ax.set_xlim(0, 10)
    ax.set_ylim(0, 7)
    ax.set_axis_off()
    band = 0.9  # height of each ring's label strip
    inset_x = 0.5
    for depth, layer in enumerate(LAYERS):
        is_core = depth == len(LAYERS) - 1
        is_peeled = depth < peeled
        is_highlight = layer.key == highlight
        x0, y0 = 0.2 + depth * inset_x, 0.15 + depth * band * 0.25
        width = 10 - 2 * x0 - 1.6  # leave room on the right for the "peeling" arrow
        height = 7 - y0 - depth * band - 0.15
        box = FancyBboxPatch(
            (x0, y0),
            width,
            height,
            boxstyle="round,pad=0,rounding_size=0.25",
            facecolor="#FFFFFF" if is_peeled else tint(layer.colour),
            edgecolor=INK,
            linewidth=3.2 if is_highlight else 1.2,
            linestyle=(0, (4, 3)) if is_peeled else "-",
            zorder=depth,
            gid=f"layer-{layer.key}",
        )
        ax.add_patch(box)
        label = layer.label + (" (peeled away)" if is_peeled else "")
        text_y = y0 + height / 2 if is_core else y0 + height - band / 2
        ax.text(
            x0 + width / 2,
            text_y,
            label,
            ha="center",
            va="center",
            fontsize=11 if is_core else 10,
            fontweight="bold" if (is_highlight or is_core) else "normal",
            fontstyle="italic" if is_peeled else "normal",
            color=_PEELED_TEXT if is_peeled else INK,
            zorder=depth + 0.5,
            gid=f"label-{layer.key}",
        )

    arrow = FancyArrowPatch(
        (9.55, 6.6),
        (9.55, 2.2),
        arrowstyle="-|>,head_length=6,head_width=4",
        mutation_scale=2.2,
        linewidth=1.6,
        color=INK,
        gid="peeling-arrow",
    )
    ax.add_patch(arrow)
    ax.text(
        9.55,
        1.7,
        "Treatment\npeels from\nthe outside in",
        ha="center",
        va="top",
        fontsize=9,
        color=INK,
        gid="peeling-label",
    )
    return ax


def layered_model_figure(*, peeled: int = 0, highlight: str | None = None) -> Figure:
    """The published layered-model figure (after Daily, n.d.): see :func:`draw_layers`."""
    with house_style():
        fig = Figure(figsize=SIZE_SINGLE, layout="constrained")
        draw_layers(ax=fig.subplots(), peeled=peeled, highlight=highlight)
    return fig
