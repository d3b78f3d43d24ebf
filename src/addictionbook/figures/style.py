"""House style for the book's figures: one palette, one type scale, explicit backgrounds.

Every public figure function runs inside :func:`house_style`, an ``rc_context`` used as a
decorator, so the style is entered once per call and nothing global is left changed; figures
are created with :func:`new_axes`, never with pyplot. The palette is Okabe–Ito (safe for
color-blind readers). Colors only *fill* shapes that carry dark outlines and direct labels;
text is near-black on white or on a light tint, which keeps it above WCAG's 4.5:1 contrast and
legible when the site is in dark mode (figures carry their own white background).

The small drawing primitives every figure shares (a schematic canvas, a labelled box, a person,
an arrow) live here too, so a change of line weight or corner radius happens in one place.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Wedge
from matplotlib.text import Text

#: Okabe & Ito (2008) color-blind-safe palette, by name.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

#: Text and outline color: near-black, 17:1 on white.
INK = "#1A1A1A"
#: De-emphasised text (peeled layers, circles not yet reached): 7:1 on white.
MUTED_INK = "#595959"
#: Every figure's explicit background, so it stays readable on the site's dark theme.
BACKGROUND = "#FFFFFF"

#: Smallest font size (points, at the published figure size) any figure may use.
MIN_FONT_PT = 8.0
#: The type scale (points): notes, body labels, emphasised labels.
SMALL_PT = 9.0
LABEL_PT = 10.0
EMPHASIS_PT = 11.0
TITLE_PT = 11.5

#: Line weights (points): ordinary outlines, highlighted outlines, arrows.
LINE_PT = 1.2
HEAVY_LINE_PT = 3.2
ARROW_PT = 1.6

#: Widest a published figure may be (inches): the PDF's text width. Figures are drawn once at
#: their print size; the site scales the SVG to the column, the PDF places it at native size.
MAX_WIDTH_IN = 6.5
#: Published figure sizes in inches (width, height).
SIZE_SINGLE = (6.0, 4.2)
SIZE_WIDE = (6.5, 3.6)
SIZE_PANELS = (6.5, 4.4)
#: A figure on a client handout, printed at this size (not scaled down), so no text drops
#: below ``MIN_FONT_PT`` on paper.
SIZE_HANDOUT = (4.9, 2.25)

#: Deterministic output: a fixed SVG id salt and no timestamps in file metadata.
SVG_HASH_SALT = "interpersonal-neurobiology-of-addiction"

_RC: dict[str, object] = {
    "figure.facecolor": BACKGROUND,
    "axes.facecolor": BACKGROUND,
    "savefig.facecolor": BACKGROUND,
    "savefig.transparent": False,
    "text.color": INK,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "hatch.color": INK,
    "hatch.linewidth": 0.6,
    "font.family": "DejaVu Sans",
    "font.size": LABEL_PT,
    "axes.titlesize": TITLE_PT,
    "legend.fontsize": LABEL_PT,
    "svg.hashsalt": SVG_HASH_SALT,
    "svg.fonttype": "path",
    "pdf.fonttype": 3,
    "path.simplify": True,
}


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Apply the house rc settings for the duration of a ``with`` block, then restore them.

    Also a decorator (``@house_style()``), as seaborn's ``axes_style`` is. Each public function
    that draws is decorated; a one-panel ``*_figure`` function draws nothing itself and returns
    its ``draw_*`` function's figure. So every public call enters the style exactly once.
    """
    with mpl.rc_context(_RC):
        yield


def new_axes(size: tuple[float, float]) -> Axes:
    """Return the single axes of a new ``Figure`` of ``size`` inches (constrained layout).

    The figure belongs to no pyplot figure manager: nothing global keeps it alive or shows it.
    Call it inside :func:`house_style`, whose rc settings the figure takes at creation.
    """
    return Figure(figsize=size, layout="constrained").subplots()


def fill(name: str) -> str:
    """Return an Okabe–Ito color by name; a bad name raises ``ValueError`` listing the names."""
    try:
        return OKABE_ITO[name]
    except KeyError:
        raise ValueError(
            f"color={name!r} is not in the palette; allowed values: {', '.join(OKABE_ITO)}"
        ) from None


def tint(name: str, strength: float = 0.45) -> str:
    """Return a light tint of a palette color (mixed with white) for filling labelled shapes.

    Full-strength Okabe–Ito blues and greens fall below 4.5:1 behind near-black text; a tint
    keeps the hue and lifts the contrast.
    """
    rgb = mpl.colors.to_rgb(fill(name))
    mixed = tuple(1 - strength * (1 - c) for c in rgb)
    return mpl.colors.to_hex(mixed)


# --- shared drawing primitives -------------------------------------------------------------


def canvas(ax: Axes, width: float, height: float) -> Axes:
    """Make ``ax`` a blank schematic canvas ``width`` x ``height`` data units, round circles.

    No frame, no ticks, no numbers: a conceptual figure must not look like a measured one.
    """
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    ax.set_facecolor(BACKGROUND)
    return ax


def box(
    ax: Axes,
    xy: tuple[float, float],
    width: float,
    height: float,
    text: str = "",
    *,
    color: str | None = None,
    gid: str | None = None,
    fontsize: float = LABEL_PT,
    bold: bool = False,
    dashed: bool = False,
    linewidth: float = LINE_PT,
    text_color: str = INK,
    zorder: float = 2,
) -> FancyBboxPatch:
    """Draw a rounded box (lower-left corner ``xy``) filled with a tint, with centered ``text``.

    ``color`` names a palette color for the tint, or ``None`` for white. The label gets the
    gid ``<gid>-label``; by convention a text whose gid is ``<gid>-label`` lies inside the
    patch ``<gid>`` (the tests check it), and a name placed beside a shape ends ``-name``.
    """
    patch = FancyBboxPatch(
        xy,
        width,
        height,
        boxstyle="round,pad=0,rounding_size=0.18",
        facecolor=tint(color) if color else BACKGROUND,
        edgecolor=INK,
        linewidth=linewidth,
        linestyle=(0, (4, 3)) if dashed else "-",
        zorder=zorder,
        gid=gid,
    )
    ax.add_patch(patch)
    if text:
        ax.text(
            xy[0] + width / 2,
            xy[1] + height / 2,
            text,
            ha="center",
            va="center",
            fontsize=fontsize,
            fontweight="bold" if bold else "normal",
            color=text_color,
            linespacing=1.25,
            zorder=zorder + 0.5,
            gid=f"{gid}-label" if gid else None,
        )
    return patch


def label(
    ax: Axes,
    xy: tuple[float, float],
    text: str,
    *,
    gid: str | None = None,
    fontsize: float = LABEL_PT,
    bold: bool = False,
    italic: bool = False,
    color: str = INK,
    ha: str = "center",
    va: str = "center",
    zorder: float = 5,
) -> Text:
    """Place a direct label (near-black text on the background) at ``xy``."""
    return ax.text(
        xy[0],
        xy[1],
        text,
        ha=ha,
        va=va,
        fontsize=fontsize,
        fontweight="bold" if bold else "normal",
        fontstyle="italic" if italic else "normal",
        color=color,
        linespacing=1.25,
        zorder=zorder,
        gid=gid,
    )


def arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    gid: str | None = None,
    both: bool = False,
    head: bool = True,
    rad: float = 0.0,
    dashed: bool = False,
    linewidth: float = ARROW_PT,
    zorder: float = 3,
) -> FancyArrowPatch:
    """Draw a near-black arrow from ``start`` to ``end``: curved by ``rad``, two-headed if
    ``both``, a plain line if not ``head``."""
    patch = FancyArrowPatch(
        start,
        end,
        arrowstyle="<|-|>" if both else ("-|>" if head else "-"),
        mutation_scale=14,
        connectionstyle=f"arc3,rad={rad}",
        linewidth=linewidth,
        linestyle=(0, (4, 3)) if dashed else "-",
        color=INK,
        shrinkA=0,
        shrinkB=0,
        zorder=zorder,
        gid=gid,
    )
    ax.add_patch(patch)
    return patch


def person(
    ax: Axes,
    xy: tuple[float, float],
    size: float,
    *,
    color: str,
    gid: str,
    zorder: float = 2,
) -> tuple[Circle, Wedge]:
    """Draw a simple person (head and shoulders) standing on ``xy``, ``size`` units tall.

    The head gets the gid ``<gid>-head``, the shoulders ``<gid>-body``.
    """
    x, y = xy
    body_r = 0.42 * size
    head_r = 0.22 * size
    body = Wedge(
        (x, y),
        body_r,
        0,
        180,
        facecolor=tint(color, 0.6),
        edgecolor=INK,
        linewidth=LINE_PT,
        zorder=zorder,
        gid=f"{gid}-body",
    )
    head = Circle(
        (x, y + body_r + 0.06 * size + head_r),
        head_r,
        facecolor=tint(color, 0.6),
        edgecolor=INK,
        linewidth=LINE_PT,
        zorder=zorder,
        gid=f"{gid}-head",
    )
    ax.add_patch(body)
    ax.add_patch(head)
    return head, body


def fit_widths(ax: Axes, fits: list[tuple[Text, float]]) -> None:
    """Make each text no wider than its width (data units) by setting it smaller, half a point
    at a time, never below ``MIN_FONT_PT``: a longer label (a translation) still fits its box
    and stays legible on paper. Measured once the figure's layout is final."""
    ax.figure.draw_without_rendering()
    for text, width in fits:
        (left, _), (right, _) = ax.transData.transform([(0, 0), (width, 0)])
        while text.get_window_extent().width > right - left and text.get_fontsize() > MIN_FONT_PT:
            text.set_fontsize(max(MIN_FONT_PT, text.get_fontsize() - 0.5))
