"""The site's root ``index.html``: a small page that sends the reader to the book's first page.

sphinx-external-toc (1.1.0, ``events.ensure_index_file``) writes a bare ``<meta http-equiv=
"Refresh">`` there when the file is missing: no language, no title, no link for readers whose
browser does not follow the refresh, and no icon, so the browser asks for ``/favicon.ico`` and
gets a 404. This writes a complete page first (before its handler runs, which then leaves the
file alone), on every build, so it also follows a change of the root page.
"""

from __future__ import annotations

import html
from pathlib import Path

from sphinx.application import Sphinx

from .. import upstream

#: The site's icon (``_static/favicon.svg``, the one ``_templates/layout.html`` links).
ICON = "_static/favicon.svg"

PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={target}" />
<link rel="icon" href="{icon}" type="image/svg+xml" />
</head>
<body>
<p><a href="{target}">{title}</a></p>
</body>
</html>
"""


def write_root_redirect(app: Sphinx, exception: Exception | None) -> None:
    """Write ``index.html`` at the site's root, pointing to the root document's page."""
    if exception is not None or app.builder.name != "html":
        return
    root = app.config.root_doc
    if root == "index" or not upstream.applies("root-redirect-page"):
        return
    outdir = Path(app.outdir)
    if not (outdir / ICON).is_file():
        return
    page = PAGE.format(
        lang=html.escape(app.config.language or "en"),
        title=html.escape(app.config.html_title or app.config.project),
        target=html.escape(app.builder.get_target_uri(root)),
        icon=ICON,
    )
    index = outdir / "index.html"
    if not index.is_file() or index.read_text(encoding="utf-8") != page:
        index.write_text(page, encoding="utf-8")
