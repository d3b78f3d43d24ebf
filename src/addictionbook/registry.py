"""The published figures: id, the call that draws them, caption and alt text.

One entry per file in ``figures/``; ``make figures`` exports them all, the gallery page shows
them, and the tests check each has a caption that says it is conceptual and real alt text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from matplotlib.figure import Figure

from .layers import layered_model_figure

#: Every caption ends with this, so no reader takes a schematic for measured data.
CONCEPTUAL = "Conceptual schematic, not measured data."


@dataclass(frozen=True)
class FigureSpec:
    """A published figure: its id (``fig-...``), how to draw it, and how to describe it."""

    id: str
    function: Callable[..., Figure]
    caption: str
    alt: str
    params: Mapping[str, object] = field(default_factory=dict)

    def draw(self) -> Figure:
        """Draw the figure with its registered parameters."""
        return self.function(**self.params)

    @property
    def call(self) -> str:
        """The Python call that draws this figure, as an instructor would type it."""
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"addictionbook.{self.function.__name__}({args})"


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(
        id="fig-layered-model",
        function=layered_model_figure,
        caption=(
            "The layered model of addiction (after Daily, n.d.): beneath the drug of choice lie "
            "switching drugs, process addictions and an affect-regulation disorder; at the core, "
            f"difficulty co-regulating in relationships. {CONCEPTUAL}"
        ),
        alt=(
            "Five nested boxes: drug of choice outermost, then switching drugs, process "
            "addictions, affect-regulation disorder, and difficulty co-regulating at the core."
        ),
        params=MappingProxyType({}),
    ),
)

BY_ID: Mapping[str, FigureSpec] = MappingProxyType({spec.id: spec for spec in FIGURES})


def get(figure_id: str) -> FigureSpec:
    """Return the registered figure ``figure_id``; an unknown id raises ``ValueError``."""
    try:
        return BY_ID[figure_id]
    except KeyError:
        raise ValueError(
            f"figure_id={figure_id!r} is not registered; allowed values: {', '.join(BY_ID)}"
        ) from None
