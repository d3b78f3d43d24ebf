"""What an executable chapter calls to show a registered figure in the right formats.

In a hidden code cell::

    from addictionbook.notebook import show
    show("fig-layered-model")

The cell output carries SVG (for the site) and PDF (for the book PDF); ``_config.yml`` picks one
per builder. Both come from the same figure object, so site and PDF never disagree.

The figure gallery (``book/figure-gallery.md``) calls :func:`gallery`, which shows every
registered figure with its caption, alt text and the call that draws it.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable

from IPython.display import Markdown, display
from matplotlib.figure import Figure
from matplotlib_inline.backend_inline import set_matplotlib_formats

from .export import render
from .registry import FIGURES, FigureSpec, get
from .style import house_style


def use_book_formats() -> None:
    """Make the kernel render figures as SVG and PDF (the house style fixes the SVG ids)."""
    set_matplotlib_formats("svg", "pdf")


def show(figure_id: str, **params: object) -> None:
    """Display the registered figure ``figure_id`` (``params`` override its registered ones).

    Returns nothing, so a cell ending in ``show(...)`` displays the figure once, not twice.
    An unknown id or a bad parameter raises ``ValueError`` naming the allowed values.
    """
    spec = get(figure_id)
    fig = spec.function(**{**spec.params, **params})
    use_book_formats()
    with house_style():
        display(fig)


def figure_bundle(fig: Figure, alt: str) -> dict[str, str]:
    """A display bundle for one figure with its *own* alt text.

    The site gets an ``<img>`` of the SVG (inline, as a data URI, so it loads from nowhere)
    whose ``alt`` is this figure's; the book PDF gets the vector PDF. myst-nb applies one cell's
    ``image: alt`` to every image of the cell, which a gallery of many figures cannot use.
    """
    svg = base64.b64encode(render(fig, "svg")).decode("ascii")
    width_in = fig.get_size_inches()[0]
    img = (
        f'<img src="data:image/svg+xml;base64,{svg}" alt="{html.escape(alt, quote=True)}" '
        f'style="width: 100%; max-width: {width_in * 96:.0f}px; height: auto; '
        f'background: #FFFFFF;">'
    )
    return {
        "text/html": f'<figure class="gallery-figure">{img}</figure>',
        "application/pdf": base64.b64encode(render(fig, "pdf")).decode("ascii"),
        "text/plain": alt,
    }


def gallery_entry(spec: FigureSpec) -> None:
    """Display one registered figure: the figure, then its id and caption, alt text and call.

    The id follows the figure (as a caption does), so in the PDF it never stands alone at the
    foot of a page whose figure moved on to the next.
    """
    display(figure_bundle(spec.draw(), spec.alt), raw=True)
    display(
        Markdown(
            f"**`{spec.id}`**: {spec.caption}\n\n"
            f"*Alt text:* {spec.alt}\n\n"
            f"```python\nimport addictionbook\n\nfig = {spec.call}\n```"
        )
    )


def gallery(specs: Iterable[FigureSpec] = FIGURES) -> None:
    """Display every registered figure (or ``specs``) in registry order."""
    for spec in specs:
        gallery_entry(spec)
