"""A book of four pages for the in-process tests of the Sphinx extension
(``tests/test_sphinx_ext.py``): a landing page, a chapter, a client handout and its Spanish
version, in the real book's layout (``_toc.yml``, ``book/handouts/``, ``locales/``), built with
the real book's theme and the whole extension, as ``_config.yml`` loads it."""

project = "A tiny book"
html_title = "A tiny book"
author = "The tests"
copyright = "2026"
language = "en"
extensions = [
    "myst_parser",
    "sphinx_external_toc",
    "sphinx_design",
    "addictionbook.sphinx_ext",
]
external_toc_path = "_toc.yml"
html_theme = "sphinx_book_theme"
templates_path = ["_templates"]
exclude_patterns = ["_build"]
gettext_compact = False
epub_basename = "book"
epub_identifier = "https://example.org/tiny-book"
epub_scheme = "URL"
epub_uid = "BookId"
