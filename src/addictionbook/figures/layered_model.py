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
from matplotlib.patches import FancyBboxPatch

from . import _validate
from .style import (
    ARROW_PT,
    BACKGROUND,
    EMPHASIS_PT,
    HEAVY_LINE_PT,
    INK,
    LABEL_PT,
    LINE_PT,
    MUTED_INK,
    SIZE_HANDOUT,
    SIZE_SINGLE,
    SMALL_PT,
    arrow,
    fit_widths,
    house_style,
    label,
    new_axes,
    tint,
)

__all__ = [
    "CLIENT_LABELS",
    "LANGUAGES",
    "LAYERS",
    "Layer",
    "draw_layered_model",
    "layered_model_figure",
]


@dataclass(frozen=True)
class Layer:
    """One layer of the model, from the outside in."""

    key: str
    label: str
    color: str


#: Outermost first; the last entry is the core, which is never peeled away.
LAYERS: tuple[Layer, ...] = (
    Layer("drug", "Drug of choice", "orange"),
    Layer("switching", "Switching to other drugs", "yellow"),
    Layer("process", "Process addictions", "sky_blue"),
    Layer("affect", "Affect-regulation disorder", "bluish_green"),
    Layer("core", "Difficulty co-regulating\nin relationships", "reddish_purple"),
)

#: Plain words for a client worksheet (``labels="client"``), by layer key; they match the
#: worksheet's questions (book/handouts/peeling-the-layers.md) and its alt text.
CLIENT_LABELS: dict[str, str] = {
    "drug": "What I use most",
    "switching": "Other drugs I switch to",
    "process": "Things I do to change how I feel",
    "affect": "Hard feelings",
    "core": "Getting through feelings\nwith other people",
}
#: The client labels by language (``language="es"`` for the Spanish worksheet,
#: book/handouts/es/peeling-the-layers, whose questions they match): plain, neutral
#: Latin American Spanish, ``usted`` form.
CLIENT_LABELS_BY_LANGUAGE: dict[str, dict[str, str]] = {
    "en": CLIENT_LABELS,
    "es": {
        "drug": "Lo que más uso",
        "switching": "Otras drogas que uso en su lugar",
        "process": "Cosas que hago para cambiar cómo me siento",
        "affect": "Sentimientos difíciles",
        "core": "Enfrentar lo que siento\ncon otras personas",
    },
}
ARROW_LABELS = {
    "clinical": "Treatment\npeels from\nthe outside in",
    "client": "Start\noutside,\nwork in",
}
#: Every text of the figure that is not a layer's name, by language; the clinical labels are
#: English only (the chapters are), so ``language`` other than "en" needs ``labels="client"``.
TEXTS_BY_LANGUAGE: dict[str, dict[str, str]] = {
    "en": {"arrow-client": ARROW_LABELS["client"], "peeled": " (peeled away)"},
    "es": {"arrow-client": "De afuera\nhacia\nadentro", "peeled": " (ya quitada)"},
}
#: The languages the client labels are drawn in.
LANGUAGES: tuple[str, ...] = tuple(CLIENT_LABELS_BY_LANGUAGE)


@house_style()
def draw_layered_model(
    *,
    ax: Axes | None = None,
    peeled: int = 0,
    highlight: str | None = None,
    labels: str = "clinical",
    language: str = "en",
) -> Axes:
    """Draw the nested layers of the layered model and return the axes.

    Shows the article's translation to treatment (Daily, n.d.): beneath the drug of choice lie
    switching drugs, process addictions and an affect-regulation disorder, and at the core,
    difficulty managing relationships in a co-regulating way. An arrow and its label say that
    treatment peels the layers from the outside in.

    Parameters
    ----------
    ax
        The axes to draw into (its limits and frame are set here); ``None`` (the default)
        draws into a new figure at the published size (the handout size for ``"client"``
        labels), ``ax.figure``.
    peeled
        How many outer layers treatment has peeled away, 0 to 4. Peeled layers are drawn as
        dashed, unfilled outlines with their label kept (in muted italics, marked "peeled
        away"), so the reader sees what was removed.
    highlight
        Key of one layer to emphasise with a heavy outline and bold label
        (``"drug"``, ``"switching"``, ``"process"``, ``"affect"``, ``"core"``), or ``None``.
    labels
        ``"clinical"`` (default): the article's terms, for the chapters; ``"client"``: the
        plain words of :data:`CLIENT_LABELS`, for the client worksheet.
    language
        The language of the labels: ``"en"`` (default) or ``"es"`` (Spanish, for the Spanish
        worksheet; only with ``labels="client"``). The words come from
        ``CLIENT_LABELS_BY_LANGUAGE``; the drawing is the same.

    Returns
    -------
    Axes
        ``ax`` (or the new figure's axes), with patches ``layer-<key>`` and texts
        ``label-<key>``, outermost first.

    Examples
    --------
    >>> ax = draw_layered_model(peeled=2, highlight="process")
    >>> from matplotlib.figure import Figure
    >>> before, after = Figure(figsize=(6.5, 2.6), layout="constrained").subplots(1, 2)
    >>> ax = draw_layered_model(ax=before)
    >>> ax = draw_layered_model(ax=after, peeled=1, highlight="switching")
    """
    peeled = _validate.int_range("peeled", peeled, 0, len(LAYERS) - 1)
    _validate.choice("highlight", highlight, [None, *(layer.key for layer in LAYERS)])
    _validate.choice("labels", labels, list(ARROW_LABELS))
    _validate.choice("language", language, ["en"] if labels == "clinical" else list(LANGUAGES))
    texts = TEXTS_BY_LANGUAGE[language]
    names = CLIENT_LABELS_BY_LANGUAGE[language] if labels == "client" else {}
    if ax is None:
        ax = new_axes(SIZE_HANDOUT if labels == "client" else SIZE_SINGLE)  # printed this size

    ax.set_xlim(0, 10)
    ax.set_ylim(0, 7)
    ax.set_axis_off()
    band = 0.9  # height of each ring's label strip
    fits = []  # each label and the width it must fit in
    inset_x = 0.4
    for depth, layer in enumerate(LAYERS):
        is_core = depth == len(LAYERS) - 1
        is_peeled = depth < peeled
        is_highlight = layer.key == highlight
        x0, y0 = 0.1 + depth * inset_x, 0.1 + depth * band * 0.25
        width = 10 - 2 * x0 - 1.9  # leave room on the right for the "peeling" arrow
        height = 7 - y0 - depth * band - 0.1
        ax.add_patch(
            FancyBboxPatch(
                (x0, y0),
                width,
                height,
                boxstyle="round,pad=0,rounding_size=0.25",
                facecolor=BACKGROUND if is_peeled else tint(layer.color),
                edgecolor=INK,
                linewidth=HEAVY_LINE_PT if is_highlight else LINE_PT,
                linestyle=(0, (4, 3)) if is_peeled else "-",
                zorder=depth,
                gid=f"layer-{layer.key}",
            )
        )
        name = names.get(layer.key, layer.label)
        text = name + (texts["peeled"] if is_peeled else "")
        text_y = y0 + height / 2 if is_core else y0 + height - band / 2
        written = ax.text(
            x0 + width / 2,
            text_y,
            text,
            ha="center",
            va="center",
            fontsize=EMPHASIS_PT if is_core else LABEL_PT,
            fontweight="bold" if (is_highlight or is_core) else "normal",
            fontstyle="italic" if is_peeled else "normal",
            color=MUTED_INK if is_peeled else INK,
            linespacing=1.25,
            zorder=depth + 0.5,
            gid=f"label-{layer.key}",
        )
        fits.append((written, width - 0.2))

    label(
        ax,
        (9.15, 6.9),
        texts["arrow-client"] if labels == "client" else ARROW_LABELS["clinical"],
        fontsize=SMALL_PT,
        va="top",
        gid="peeling-label",
    )
    arrow(ax, (9.15, 5.2), (9.15, 1.0), linewidth=ARROW_PT, gid="peeling-arrow")
    fit_widths(ax, fits)
    return ax


def layered_model_figure(
    *,
    peeled: int = 0,
    highlight: str | None = None,
    labels: str = "clinical",
    language: str = "en",
) -> Figure:
    """The published layered-model figure (after Daily, n.d.).

    Parameters
    ----------
    peeled
        How many outer layers are peeled away, 0 (default) to 4; see :func:`draw_layered_model`.
    highlight
        One layer to emphasise, or ``None`` (default); see :func:`draw_layered_model`.
    labels
        ``"clinical"`` (default) or ``"client"`` (plain words); see :func:`draw_layered_model`.
    language
        ``"en"`` (default) or ``"es"`` (client labels only); see :func:`draw_layered_model`.

    Returns
    -------
    Figure
        The figure of :func:`draw_layered_model`, one panel.

    Examples
    --------
    >>> fig = layered_model_figure(peeled=1, highlight="switching")
    """
    return draw_layered_model(
        peeled=peeled, highlight=highlight, labels=labels, language=language
    ).figure
