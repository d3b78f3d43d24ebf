"""The builds behind ``make``: strict Jupyter Book runs published only when they succeed
(``build``), and the live preview (``serve``)."""
