"""Helper package for the course text *The Interpersonal Neurobiology of Addiction*.

Conceptual figures of the article's model (each a function returning a matplotlib ``Figure``,
built from ``draw_*`` functions that draw one panel into an axes), their registry and exporter,
and the build helpers behind ``make``.

The figure functions are imported on first use (PEP 562), so the build tools, which import
this package on every ``make html``, do not pay for importing matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

#: Public figure functions and the module that defines each.
_FIGURE_FUNCTIONS = {
    "circles_figure": "circles",
    "draw_circles": "circles",
    "dopamine_figure": "dopamine",
    "draw_dopamine": "dopamine",
    "draw_layers": "layers",
    "layered_model_figure": "layers",
    "draw_lens": "lens",
    "lens_figure": "lens",
    "draw_opioid_attunement": "opioid",
    "opioid_figure": "opioid",
    "draw_systems": "systems",
    "systems_figure": "systems",
}

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
assert sorted(__all__) == sorted(_FIGURE_FUNCTIONS), "__all__ and the lazy table disagree"

if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from .circles import circles_figure, draw_circles
    from .dopamine import dopamine_figure, draw_dopamine
    from .layers import draw_layers, layered_model_figure
    from .lens import draw_lens, lens_figure
    from .opioid import draw_opioid_attunement, opioid_figure
    from .systems import draw_systems, systems_figure


def __getattr__(name: str) -> object:
    if name in _FIGURE_FUNCTIONS:
        module = importlib.import_module(f".{_FIGURE_FUNCTIONS[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
