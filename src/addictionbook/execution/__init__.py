"""Running the book's text notebooks in Jupyter kernels and keeping their cached outputs in
step with the figure library (``cache``: which notebooks are stale, and the build's notebook
step; ``runner``: executing them)."""
