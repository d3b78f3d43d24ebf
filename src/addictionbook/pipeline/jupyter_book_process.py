"""The Sphinx process of a build: Jupyter Book's own ``jupyter-book`` command, with the
garbage collector's thresholds raised first (:mod:`addictionbook.gc_thresholds`) and the
workarounds that must be in place before Sphinx loads its extensions.

``python -m addictionbook.pipeline.jupyter_book_process build ...`` takes what ``jupyter-book``
takes (``sphinx_run.sphinx_command`` builds the line).
"""

from __future__ import annotations

import sys

from ..gc_thresholds import raise_for_a_build
from ..upstream import jupyter_cache, sphinx_external_toc


def main() -> None:
    raise_for_a_build()
    sphinx_external_toc.put_in_place()
    jupyter_cache.trim_the_cache_in_one_query()  # myst-nb caches beside the notebook step
    from jupyter_book.cli.main import main as jupyter_book_main

    sys.argv[0] = "jupyter-book"
    jupyter_book_main()


if __name__ == "__main__":
    main()
