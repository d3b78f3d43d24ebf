"""What an executable chapter calls to show a registered figure in the right formats.

In a hidden code cell::

    from addictionbook.notebook import show
    show("fig-layered-model")

The cell output carries SVG (for the site) and PDF (for the book PDF); ``_config.yml`` picks one
per builder. Both come from the same figure object, so site and PDF never disagree.
"""

from __future__ import annotations

from IPython.display import display
from matplotlib_inline.backend_inline import set_matplotlib_formats

from .registry import get
from .style import house_style


def use_book_formats() -> None:
    """Make the kernel render figures as SVG and PDF (the house style fixes the SVG ids)."""
    set_matplotlib_formats("svg", "pdf")


def show(figure_id: str, **params: object) -> None:
    """Display the registered figure ``figure_id`` (``params`` override its registered ones).

    Returns nothing, so a cell ending in ``show(...)`` displays the figure once, not twice.
    """
    spec = get(figure_id)
    fig = spec.function(**{**spec.params, **params})
    use_book_formats()
    with house_style():
        display(fig)
