"""Helper package for the course text *The Interpersonal Neurobiology of Addiction*.

Conceptual figures of the article's model (each a function returning a matplotlib ``Figure``,
built from ``draw_*`` functions that draw one panel into an axes), their registry and exporter,
and the build helpers behind ``make``.
"""

from .circles import circles_figure, draw_circles
from .dopamine import dopamine_figure, draw_dopamine
from .layers import draw_layers, layered_model_figure
from .lens import draw_lens, lens_figure
from .opioid import draw_opioid_attunement, opioid_figure
from .systems import draw_systems, systems_figure

__all__ = [
    "circles_figure",
    "dopamine_figure",
    "draw_circles",
    "draw_dopamine",
    "draw_layers",
    "draw_lens",
    "draw_opioid_attunement",
    "draw_systems",
    "layered_model_figure",
    "lens_figure",
    "opioid_figure",
    "systems_figure",
]
