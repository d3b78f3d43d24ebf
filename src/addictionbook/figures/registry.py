"""The published figures: id, the call that draws them, caption and alt text.

One entry per file in ``figures/``; ``make figures`` exports them all, the gallery page shows
them, and the tests check each has a caption that says it is conceptual and real alt text.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Every caption ends with this, so no reader takes a schematic for measured data.
CONCEPTUAL = "Conceptual schematic, not measured data."
#: The same sentence in each language a figure is published in (a figure's ``language``).
CONCEPTUAL_BY_LANGUAGE = {"en": CONCEPTUAL, "es": "Esquema conceptual, no datos medidos."}


@dataclass(frozen=True)
class FigureSpec:
    """A published figure: its id (``fig-...``), how to draw it, and how to describe it."""

    id: str
    #: The ``<name>_figure`` function that draws it, by name: the registry is read without
    #: matplotlib (``make check``, a release's checks), and the function imported when drawn.
    function_name: str
    caption: str
    alt: str
    params: Mapping[str, object] = field(default_factory=dict)
    #: The caption a client handout shows, in plain words ("": the caption above). Chapters
    #: and handouts copy the caption and alt text from here; ``make check`` compares them.
    client_caption: str = ""

    @property
    def language(self) -> str:
        """The language of the figure's words, caption and alt text (``"en"`` unless drawn
        with ``language=``)."""
        return str(self.params.get("language", "en"))

    @property
    def function(self) -> Callable[..., Figure]:
        """The figure function itself: ``<name>_figure`` of module ``<name>.py`` (imports it,
        and matplotlib)."""
        name = f"{__package__}.{self.function_name.removesuffix('_figure')}"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise  # the figure module exists, and something it imports does not
            module = None
        function = getattr(module, self.function_name, None)
        if function is None:
            raise ValueError(
                f"{self.id}: function_name {self.function_name!r} is not a figure function; "
                "give the name of its <name>_figure function, defined in figures/<name>.py"
            )
        return function

    def draw(self) -> Figure:
        """Draw the figure with its registered parameters."""
        return self.function(**self.params)

    @property
    def call(self) -> str:
        """The Python call that draws this figure, as an instructor would type it."""
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"addictionbook.figures.{self.function_name}({args})"


FIGURES: tuple[FigureSpec, ...] = (
    FigureSpec(
        id="fig-dopamine-seen-unseen",
        function_name="dopamine_seen_unseen_figure",
        caption=(
            "The dopamine system, seen and unseen (after Siegel, 1999, as reported by Daily, "
            "n.d.): attunement, \u201cfeeling felt\u201d, is linked with an expanding dopamine "
            "system and the wish to be seen; shame, the absence of attunement, with a contracting "
            "one and the wish to be unseen. \u201cExpands\u201d and \u201ccontracts\u201d are "
            "qualitative. The dashed circle is the same reference outline in both panels. "
            f"{CONCEPTUAL}"
        ),
        alt=(
            "In the article's account, attunement goes with a larger dopamine system and being "
            "seen; shame with a smaller one and hiding."
        ),
        params=MappingProxyType({"state": "both"}),
    ),
    FigureSpec(
        id="fig-opioid-attunement",
        function_name="opioid_attunement_figure",
        caption=(
            "The opioid system in the attuned moment (after Schore, 2003a, 2003b, as reported by "
            "Daily, n.d.): a hypothesis that caregiver and child both experience opioid-system "
            "activity, which reinforces the attachment bond between them; the evidence comes "
            f"mainly from animal research. {CONCEPTUAL}"
        ),
        alt=(
            "Hypothesis: caregiver and child in an attuned moment both show opioid-system "
            "activity that reinforces their bond."
        ),
        params=MappingProxyType({}),
    ),
    FigureSpec(
        id="fig-layered-model",
        function_name="layered_model_figure",
        caption=(
            "The layered model of addiction (after Daily, n.d.): beneath the drug of choice lie "
            "switching drugs, process addictions and an affect-regulation disorder; at the core, "
            f"difficulty co-regulating in relationships. {CONCEPTUAL}"
        ),
        alt=(
            "Five nested layers run from the drug of choice, outermost, to a core of difficulty "
            "co-regulating in relationships."
        ),
        params=MappingProxyType({"peeled": 0, "highlight": None}),
    ),
    FigureSpec(
        id="fig-layered-model-client",
        function_name="layered_model_figure",
        caption=(
            "The layers, in plain words for the client worksheet (after Daily, n.d.): from what "
            "a person uses most (outside) to getting through feelings with other people "
            f"(center). {CONCEPTUAL}"
        ),
        alt=(
            "Five boxes, one inside the other: what I use most, other drugs, things I do, hard "
            "feelings, and people at the center."
        ),
        params=MappingProxyType({"peeled": 0, "highlight": None, "labels": "client"}),
        client_caption=(
            "The layers, from outside to center. A picture of an idea, not a measurement."
        ),
    ),
    # The Spanish worksheet's figure (book/handouts/es/peeling-the-layers): the same drawing
    # with the Spanish client labels; the Spanish page shows it in place of the one above.
    FigureSpec(
        id="fig-layered-model-client-es",
        function_name="layered_model_figure",
        caption=(
            "Las capas, en palabras sencillas, para la hoja de trabajo en español (según Daily, "
            "s.f.): desde lo que una persona más usa (afuera) hasta enfrentar los sentimientos con "
            "otras personas (en el centro). "
            f"{CONCEPTUAL_BY_LANGUAGE['es']}"
        ),
        alt=(
            "Cinco cuadros, uno dentro del otro: lo que más uso, otras drogas, cosas que hago, "
            "sentimientos difíciles, y las personas en el centro."
        ),
        params=MappingProxyType(
            {"peeled": 0, "highlight": None, "labels": "client", "language": "es"}
        ),
    ),
    FigureSpec(
        id="fig-three-systems",
        function_name="three_systems_figure",
        caption=(
            "Relationships, psychology and neurobiology (after Daily, n.d.): relationships, the "
            "internal working model and dopamine and opioid regulation are intertwined and are "
            "built or disrupted together; where relationships did not build regulation and do "
            "not support it, intoxication can stand in for it. The article calls intoxication a "
            "dopamine and opioid release; that is a simplification, which fits some drugs "
            f"better than others. {CONCEPTUAL}"
        ),
        alt=(
            "Relationships, the working model and dopamine and opioid systems overlap as three "
            "circles; intoxication feeds the last."
        ),
        params=MappingProxyType({"show_intoxication": True}),
    ),
    FigureSpec(
        id="fig-working-model-lens",
        function_name="working_model_lens_figure",
        caption=(
            "The internal working model as a lens (after Daily, n.d.; the concept after Bowlby, "
            "1969): the same experience, "
            "read through a secure model, brings safety, trust and a kind inner voice; through "
            "an insecure model, fear, mistrust, avoidance and a negative inner voice. "
            f"{CONCEPTUAL}"
        ),
        alt=(
            "One experience passes through a secure lens to safety and trust, and through an "
            "insecure lens to fear and avoidance."
        ),
        params=MappingProxyType({"model": "both"}),
    ),
    FigureSpec(
        id="fig-circles-of-coregulation",
        function_name="circles_of_coregulation_figure",
        caption=(
            "Widening circles of co-regulation (after Daily, n.d.): connection is felt first "
            "with the therapist, then in group, then in meetings, then in a wider world of "
            "supportive relationships, toward \u201cearned secure attachment\u201d. "
            f"{CONCEPTUAL}"
        ),
        alt=(
            "Four nested circles widen from the therapist to group, meetings and a world of "
            "supportive relationships."
        ),
        params=MappingProxyType({"stage": 4}),
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
