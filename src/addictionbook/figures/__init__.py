"""The figure library the chapters import: conceptual figures of the article's model.

The figure with id ``fig-<name>`` (``<name>`` with hyphens) lives in module ``<name>.py``, which
offers two functions, as seaborn's do: ``draw_<name>(*, ax=None, ...)`` draws one panel into
``ax``, or into a new pyplot-free ``Figure`` at the published size when ``ax`` is ``None``, and
returns the axes; ``<name>_figure(...)`` returns the published ``Figure`` (for a one-panel
figure, the one ``draw_<name>`` makes). Each checks its parameters and applies the house style
once. ``registry`` lists the published figures with caption and alt text, ``export`` writes
them to ``figures/``, and ``show`` / ``gallery`` display them in a notebook
(``from addictionbook.figures import show``).

Names are imported on first use (PEP 562), so code that only needs the registry's metadata
does not pay for importing matplotlib or IPython.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

#: Public names and the module that defines each: the figure functions, then the notebook
#: helpers that display a registered figure.
_LAZY = {
    "circles_of_coregulation_figure": "circles_of_coregulation",
    "draw_circles_of_coregulation": "circles_of_coregulation",
    "dopamine_seen_unseen_figure": "dopamine_seen_unseen",
    "draw_dopamine_seen_unseen": "dopamine_seen_unseen",
    "draw_layered_model": "layered_model",
    "layered_model_figure": "layered_model",
    "draw_opioid_attunement": "opioid_attunement",
    "opioid_attunement_figure": "opioid_attunement",
    "draw_three_systems": "three_systems",
    "three_systems_figure": "three_systems",
    "draw_working_model_lens": "working_model_lens",
    "working_model_lens_figure": "working_model_lens",
    "show": "notebook",
    "gallery": "notebook",
}

__all__ = [
    "circles_of_coregulation_figure",
    "dopamine_seen_unseen_figure",
    "draw_circles_of_coregulation",
    "draw_dopamine_seen_unseen",
    "draw_layered_model",
    "draw_opioid_attunement",
    "draw_three_systems",
    "draw_working_model_lens",
    "layered_model_figure",
    "opioid_attunement_figure",
    "three_systems_figure",
    "working_model_lens_figure",
    "show",
    "gallery",
]
#: The figure functions: ``draw_*`` (one panel into an axes) and ``*_figure`` (a Figure).
FIGURE_FUNCTIONS = tuple(name for name in __all__ if _LAZY[name] != "notebook")
assert sorted(__all__) == sorted(_LAZY), "__all__ and the lazy table disagree"

if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from .circles_of_coregulation import (
        circles_of_coregulation_figure,
        draw_circles_of_coregulation,
    )
    from .dopamine_seen_unseen import dopamine_seen_unseen_figure, draw_dopamine_seen_unseen
    from .layered_model import draw_layered_model, layered_model_figure
    from .notebook import gallery, show
    from .opioid_attunement import draw_opioid_attunement, opioid_attunement_figure
    from .three_systems import draw_three_systems, three_systems_figure
    from .working_model_lens import draw_working_model_lens, working_model_lens_figure


def __getattr__(name: str) -> object:
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
