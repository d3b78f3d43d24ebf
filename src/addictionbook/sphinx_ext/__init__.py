"""The book's Sphinx extension, loaded from ``_config.yml`` (``extra_extensions``).

- ``freshness``: chapters that import the figure library are re-executed when it changes;
  an edited static file reaches the site;
- ``pdf``: the book's and each handout's LaTeX document, house style, paper size;
- ``downloads``: PDF and EPUB download links on the site;
- ``epub``: the EPUB's pages without scripts or site furniture;
- ``sidebar``: the navigation made once per build;
- ``upstream``: workarounds for upstream packages.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from . import downloads, epub, freshness, pdf, sidebar, upstream


def setup(app: Sphinx) -> dict:
    sidebar.setup(app)
    upstream.cache_bibtex_plugin_lookups()
    upstream.skip_social_card_import(app)
    app.connect("env-get-outdated", freshness.outdated_by_helper)
    app.connect("env-get-outdated", freshness.outdated_by_static_files)
    app.connect("source-read", freshness.wait_for_notebook)
    app.connect("builder-inited", upstream.cache_compiled_templates)
    app.connect("config-inited", pdf.configure_pdfs, priority=900)
    app.connect("env-updated", pdf.add_handout_documents)
    app.connect("doctree-resolved", downloads.add_download_links)
    app.connect("builder-inited", epub.epub_setup)
    # After sphinx-thebe (priority 500) has added its scripts to the page.
    app.connect("doctree-resolved", epub.epub_strip_doctree, priority=900)
    app.connect("html-page-context", epub.epub_page_context, priority=1000)
    app.connect("html-collect-pages", epub.epub_static_files)
    return {
        "version": "1",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 2,
    }
