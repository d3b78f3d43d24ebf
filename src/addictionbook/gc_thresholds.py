"""The garbage collector's thresholds for the processes of a build.

A build's processes (the command, Sphinx, the notebook step, the PDF layout workers) live for
seconds and make millions of objects that stay alive to the end: Sphinx's saved environment,
doctrees, WeasyPrint's boxes. With CPython's default first threshold (700 allocations) the
collector runs thousands of times and finds almost nothing to free. A higher first threshold
keeps the collector on, less often: measured with ``make bench`` on this book, about a tenth of
an incremental Sphinx build's time, for about 1% more memory (ARCHITECTURE.md, "Where each
decision lives").
"""

from __future__ import annotations

import gc

#: (generation 0, generation 1, generation 2), as :func:`gc.set_threshold` takes them.
BUILD_THRESHOLDS = (10_000, 10, 10)


def raise_for_a_build() -> None:
    """Collect less often in this process (and in the processes it forks)."""
    gc.set_threshold(*BUILD_THRESHOLDS)
