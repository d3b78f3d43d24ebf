"""Helper package for the course text *The Interpersonal Neurobiology of Addiction*.

Conceptual figures of the article's model (each a function returning a matplotlib ``Figure``),
their registry and exporter, and the build helpers behind ``make``.
"""

from .layers import draw_layers, layered_model_figure

__all__ = ["draw_layers", "layered_model_figure"]
