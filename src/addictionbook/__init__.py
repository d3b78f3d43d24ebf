"""The course text's Python package, in layers (each imports only the layers below it):

``figures``     the helper package chapters import: figure functions, house style, registry,
                export, and ``show`` for notebooks (no build code; matplotlib loads lazily)
``content``     reading the book's sources (table of contents, front matter, notebooks),
                the content linter and the chapter scaffold
``execution``   running the text notebooks and keeping their cached outputs current
``sphinx_ext``  the Sphinx extension (loaded from ``_config.yml``): handout PDFs, download
                links, the EPUB's pages, the shared sidebar, upstream workarounds
``pipeline``    the builds ``make`` runs: safe publishing, the preview server
``cli``         the one command, ``addictionbook`` (``addictionbook --help``)

Developer tools the book does not need to build (benchmarks, Lighthouse, Debian packages)
are the separate package ``addictionbook_dev``. ARCHITECTURE.md describes the whole flow.
"""
