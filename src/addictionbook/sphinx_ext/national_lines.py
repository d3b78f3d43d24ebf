"""``{line}`crisis```: a national line in a client handout (crisis line, its Spanish option,
emergency number, treatment helpline), filled in from ``content/national_lines.yml`` in the
page's language.

Each is written as a span that names its line (``class="national-line" data-line="crisis"``),
so a clinic edition outside the United States finds and replaces every one of them
(``pipeline/profiles.py``), and marked with its language when it is not the page's (the
Spanish option on an English page).
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.application import Sphinx

from ..content.national_lines import us_lines
from ..content.sources import english_docname


def line_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    lines = us_lines()
    key = text.strip()
    env = inliner.document.settings.env
    found = english_docname(env.docname)
    language = found[1] if found else env.config.language or "en"
    if key not in lines.texts:
        message = inliner.reporter.error(
            f"{{line}}`{key}`: no such national line; the lines are "
            f"{', '.join(sorted(lines.texts))} (src/addictionbook/content/national_lines.yml)",
            line=lineno,
        )
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    words = lines.text(key, language)
    own = lines.text_language.get(key)
    lang = f' lang="{own}"' if own and own != language else ""
    html = f'<span class="national-line" data-line="{key}"{lang}>{escape(words)}</span>'
    return [nodes.raw(rawtext, html, format="html")], []


def setup(app: Sphinx) -> None:
    app.add_role("line", line_role)
