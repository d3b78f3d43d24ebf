"""The figure library the chapters import: conceptual figures of the article's model.

Each figure is a function returning a matplotlib ``Figure``, built from ``draw_*`` functions
that draw one panel into an axes; ``registry`` lists the published figures with caption and alt
text, ``export`` writes them to ``figures/``, and ``show`` / ``gallery`` display them in a
notebook (``from addictionbook.figures import show``).

Names are imported on first use (PEP 562), so code that only needs the registry's metadata
does not pay for importing matplotlib or IPython.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

#: Public names and the module that defines each: the figure functions, then the notebook
#: helpers that display a registered figure.
_LAZY = {
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
    "show": "notebook",
    "gallery": "notebook",
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
    "show",
    "gallery",
]
#: The figure functions: ``draw_*`` (one panel into an axes) and ``*_figure`` (a Figure).
FIGURE_FUNCTIONS = tuple(name for name in __all__ if _LAZY[name] != "notebook")
assert sorted(__all__) == sorted(_LAZY), "__all__ and the lazy table disagree"

if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from .circles import circles_figure, draw_circles
    from .dopamine import dopamine_figure, draw_dopamine
    from .layers import draw_layers, layered_model_figure
    from .lens import draw_lens, lens_figure
    from .notebook import gallery, show
    from .opioid import draw_opioid_attunement, opioid_figure
    from .systems import draw_systems, systems_figure


def __getattr__(name: str) -> object:
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
