"""House style for the book's figures: one palette, one type scale, explicit backgrounds.

Every figure function draws inside :func:`house_style`, an ``rc_context``, so nothing global is
left changed. The palette is Okabe–Ito (safe for colour-blind readers). Colours only *fill*
shapes that carry dark outlines and direct labels; text is near-black on white, which keeps it
above WCAG's 4.5:1 contrast and legible when the site is in dark mode (figures carry their own
white background).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import matplotlib as mpl

#: Okabe & Ito (2008) colour-blind-safe palette, by name.
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

#: Text and outline colour: near-black, 17:1 on white.
INK = "#1A1A1A"
#: Every figure's explicit background, so it stays readable on the site's dark theme.
BACKGROUND = "#FFFFFF"

#: Smallest font size (points, at the published figure size) any figure may use.
MIN_FONT_PT = 8.0
#: Body and label sizes (points).
LABEL_PT = 10.0
TITLE_PT = 11.5

#: Published figure sizes in inches (width, height). A figure is drawn once at its print
#: size; the site scales the SVG to the column, the PDF places it at text width.
SIZE_SINGLE = (6.0, 4.2)
SIZE_WIDE = (7.0, 3.6)

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
    "font.family": "DejaVu Sans",
    "font.size": LABEL_PT,
    "axes.titlesize": TITLE_PT,
    "legend.fontsize": LABEL_PT,
    "svg.hashsalt": SVG_HASH_SALT,
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "path.simplify": True,
}


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Apply the house rc settings for the duration of a ``with`` block, then restore them."""
    with mpl.rc_context(_RC):
        yield


def fill(name: str) -> str:
    """Return an Okabe–Ito colour by name; a bad name raises ``ValueError`` listing the names."""
    try:
        return OKABE_ITO[name]
    except KeyError:
        raise ValueError(
            f"colour={name!r} is not in the palette; allowed values: {', '.join(OKABE_ITO)}"
        ) from None


def tint(name: str, strength: float = 0.45) -> str:
    """Return a light tint of a palette colour (mixed with white) for filling labelled shapes.

    Full-strength Okabe–Ito blues and greens fall below 4.5:1 behind near-black text; a tint
    keeps the hue and lifts the contrast.
    """
    rgb = mpl.colors.to_rgb(fill(name))
    mixed = tuple(1 - strength * (1 - c) for c in rgb)
    return mpl.colors.to_hex(mixed)
