"""Running the book's text notebooks and keeping their cached outputs in step with the
figure library (``cache``: which notebooks are stale; ``runner``: executing them)."""
