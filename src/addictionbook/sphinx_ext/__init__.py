"""The book's Sphinx extension, loaded from ``_config.yml`` (``extra_extensions``).

- ``problems``: every warning the strict build fails on handed to the build with its file and
  line, as data;
- ``answers``: a worksheet's place to answer (a labelled text box on screen, ruled lines in
  print) instead of underscores read aloud;
- ``freshness``: chapters that import the figure library are re-executed when it changes;
  an edited static file reaches the site;
- ``pdf``: paper size, edition and handout PDF paths shared with the PDF step;
- ``downloads``: PDF and EPUB download links on the site, for the files that were built;
- ``epub``: the EPUB's pages without scripts or site furniture;
- ``sidebar``: the navigation made once per build, and every page written again when it changed;
- ``redirect``: the site's root page, which sends the reader to the book;
- ``page_assets``: each web page links only the stylesheets and scripts its content uses, and
  the theme's stylesheet only the icons the site's icon fonts hold;
- ``translations``: the Spanish client handouts, translated from their gettext catalogues;
- ``review``: each page's clinical review status (a line, or a band on a client handout not
  reviewed), the "Review status" page, and the edition in every page's footer;
- and the workarounds for upstream packages in ``addictionbook.upstream`` (one module each).
"""

from __future__ import annotations

from sphinx.application import Sphinx

from ..upstream import jupyter_cache, opengraph, pybtex, sphinx_external_toc
from ..upstream import sphinx as sphinx_upstream
from . import (
    answers,
    downloads,
    epub,
    freshness,
    national_lines,
    page_assets,
    pdf,
    problems,
    redirect,
    review,
    sidebar,
    translations,
)


def setup(app: Sphinx) -> dict:
    problems.record_problems(app)  # first: every warning after this is the build's problem
    app.connect("build-finished", problems.record_exception)
    sidebar.setup(app)
    answers.setup(app)
    national_lines.setup(app)
    translations.setup(app)
    review.setup(app)
    pybtex.cache_bibtex_plugin_lookups()
    opengraph.skip_social_card_import(app)
    sphinx_external_toc.put_in_place()  # for the next Sphinx application in this process
    jupyter_cache.trim_the_cache_in_one_query()
    # after myst-nb's own builder-inited (priority 500), which makes the config it reads
    app.connect("builder-inited", freshness.wait_for_the_build, priority=900)
    app.connect("env-get-outdated", freshness.outdated_by_helper)
    app.connect("env-get-outdated", freshness.outdated_by_static_files)
    app.connect("env-get-outdated", downloads.outdated_by_downloads)
    app.connect("source-read", freshness.wait_for_notebook)
    app.connect("doctree-read", freshness.restore_execution)
    app.connect("builder-inited", sphinx_upstream.cache_compiled_templates)
    app.connect("config-inited", pdf.configure_pdfs, priority=900)
    app.connect("doctree-resolved", downloads.add_download_links)
    app.connect("builder-inited", epub.epub_setup)
    # After sphinx-thebe (priority 500) has added its scripts to the page.
    app.connect("doctree-resolved", epub.epub_strip_doctree, priority=900)
    app.connect("html-page-context", epub.epub_page_context, priority=1000)
    app.connect("html-page-context", page_assets.page_assets, priority=900)
    app.connect("build-finished", page_assets.trim_icon_rules)
    app.connect("doctree-resolved", page_assets.svg_data_uris_to_files)
    app.connect("html-collect-pages", epub.epub_static_files)
    # Before sphinx-external-toc's own redirect (priority 500), which then leaves it alone.
    app.connect("build-finished", redirect.write_root_redirect, priority=400)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 2,
    }
