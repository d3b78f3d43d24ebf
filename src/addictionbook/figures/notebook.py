"""What an executable chapter calls to show a registered figure in the right formats.

In a hidden code cell::

    from addictionbook.figures import show
    show("fig-layered-model")

The cell output carries SVG (for the site), PDF (for the book PDF) and PNG (for the EPUB, whose
readers do not all show SVG, and whose checker refuses matplotlib's SVG document type);
``_config.yml`` picks one per builder. All come from the same figure object, so site, PDF and
EPUB never disagree.

The figure gallery (``book/figure-gallery.md``) calls :func:`gallery`, which shows every
registered figure with its caption, alt text and the call that draws it.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable
from functools import partial

from IPython.core.interactiveshell import InteractiveShell
from IPython.core.pylabtools import print_figure
from IPython.display import Markdown, display
from matplotlib.figure import Figure
from matplotlib_inline.backend_inline import set_matplotlib_formats

from .export import PNG_DPI, render
from .registry import FIGURES, FigureSpec, get
from .style import house_style


def use_book_formats() -> None:
    """Make the kernel render figures as SVG, PDF and PNG (the house style fixes the SVG ids).

    ``set_matplotlib_formats`` registers SVG and PDF; each format is then registered again
    without the dates and software stamp matplotlib writes by default (the SVG's ``dc:date`` is
    the time, or SOURCE_DATE_EPOCH, of the notebook's run, so a cached figure would carry the
    date of whichever commit first ran it), and the PNG at the export resolution (200 dpi:
    legible on an e-reader's screen).
    """
    set_matplotlib_formats("svg", "pdf")
    formatters = InteractiveShell.instance().display_formatter.formatters
    formatters["image/svg+xml"].for_type(
        Figure, partial(print_figure, fmt="svg", metadata={"Date": None})
    )
    formatters["application/pdf"].for_type(
        Figure,
        partial(
            print_figure, fmt="pdf", base64=True, metadata={"CreationDate": None, "ModDate": None}
        ),
    )
    formatters["image/png"].for_type(
        Figure,
        partial(print_figure, fmt="png", base64=True, dpi=PNG_DPI, metadata={"Software": None}),
    )


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
    whose ``alt`` is this figure's; the book PDF gets the vector PDF; the EPUB gets the PNG with
    the same alt text, as MyST Markdown (an image directive with a data URI, which the epub
    builder writes out as an image file of the package). myst-nb applies one cell's
    ``image: alt`` to every image of the cell, which a gallery of many figures cannot use.
    """
    svg = base64.b64encode(render(fig, "svg")).decode("ascii")
    pdf = base64.b64encode(render(fig, "pdf")).decode("ascii")
    png = base64.b64encode(render(fig, "png")).decode("ascii")  # last: SVG and PDF as before
    one_line = " ".join(alt.split())
    width_in, height_in = fig.get_size_inches()
    # width and height give the browser the figure's shape before the file arrives (the site
    # writes the data URI out as a file: addictionbook.sphinx_ext.page_assets), so nothing moves.
    img = (
        f'<img src="data:image/svg+xml;base64,{svg}" alt="{html.escape(alt, quote=True)}" '
        f'width="{width_in * 96:.0f}" height="{height_in * 96:.0f}" '
        f'style="width: 100%; max-width: {width_in * 96:.0f}px; height: auto; '
        f'background: #FFFFFF;">'
    )
    return {
        "text/html": f'<figure class="gallery-figure">{img}</figure>',
        "application/pdf": pdf,
        # An image directive, whose alt option is taken word for word (a Markdown image's alt
        # text loses escaped punctuation); the gallery's cell renders Markdown as MyST.
        "text/markdown": f":::{{image}} data:image/png;base64,{png}\n:alt: {one_line}\n:::",
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
            f"```python\nimport addictionbook.figures\n\nfig = {spec.call}\n```"
        )
    )


def gallery(specs: Iterable[FigureSpec] = FIGURES) -> None:
    """Display every registered figure (or ``specs``) in registry order."""
    for spec in specs:
        gallery_entry(spec)
