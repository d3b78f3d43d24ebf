"""Clinical review status where readers see it: a status line under the title of every chapter
and handout (in the page's language), a band at the top of a client handout whose text is not
reviewed as it reads now (and, in a draft edition, of every handout not reviewed), and the
"Review status" page, which lists every page (the ``{review-status}`` directive, as
sphinxcontrib-bibtex's ``{bibliography}`` fills the references page).

The statuses come from ``content/review.py``, computed once per Sphinx run for the day every
output is dated by (``SOURCE_DATE_EPOCH``), so two builds of one commit agree. They are added
to each page's doctree when it is read, so the site, the EPUB and the ``singlehtml`` book the
PDFs are cut from all carry them; ``pipeline/pdf.py`` moves a handout's or chapter's status
line into its PDF's footer. When a page's status changes without its text changing (a day
passes its next review, the English of a translation changes, a draft build), the page and the
status list are read again (:func:`outdated_by_review`).

Also: the edition in every page's footer and citation line (``{edition}`` in ``_config.yml``'s
``html.extra_footer``; ``{{ edition }}`` in a page), and the settings ``review_interval_months``
and ``edition_date``.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..content import review
from .book import settings, sources

#: The placeholder ``_config.yml``'s footer writes where the edition goes.
EDITION_PLACEHOLDER = "{edition}"
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def statuses(app: Sphinx) -> dict[str, review.Status]:
    """Every reviewable page's status, computed once per Sphinx run."""
    found = getattr(app, "addictionbook_review", None)
    if found is None:
        found = review.statuses(sources(app), settings(app).day(Path(app.srcdir)))
        app.addictionbook_review = found  # type: ignore[attr-defined]
    return found


def _shown(app: Sphinx, docname: str) -> bool:
    """Pages that carry a status line: the chapters and every handout."""
    book = sources(app)
    return docname in book.chapters or docname in book.printed_handouts


def outdated_by_review(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Pages whose status changed though their text did not, and then the status list (also
    when the day it is dated by changed)."""
    draft = settings(app).draft
    current = {d: (s.kind, s.record, s.due, draft) for d, s in statuses(app).items()}
    day = settings(app).day(Path(app.srcdir))  # the status list says "as of" that day
    previous = getattr(env, "addictionbook_review", None)
    previous_day = getattr(env, "addictionbook_review_day", None)
    env.addictionbook_review, env.addictionbook_review_day = current, day
    if previous is None or not env.all_docs:
        return []
    differ = {d for d in current if previous.get(d) != current[d]}
    if set(previous) != set(current) or differ or previous_day != day:
        differ |= {d for d in env.found_docs if review.is_generated(sources(app), d)}
    return sorted(d for d in differ - set(added) - set(changed) if d in env.found_docs)


def _after_title(doctree: nodes.document, node: nodes.Node) -> None:
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        doctree.insert(0, node)
        return
    title = next(iter(section.findall(nodes.title)), None)
    section.insert(section.index(title) + 1 if title is not None else 0, node)


def status_node(status: review.Status, draft: bool, handout: bool) -> nodes.Element:
    """The band (a client handout not reviewed as it reads now; in a draft edition, every
    handout not reviewed) or the status line."""
    kind = f"review-{status.kind}"
    if review.has_band(status, draft, handout):
        heading, text = review.band(status, draft)
        paragraph = nodes.paragraph("", "", nodes.strong("", f"{heading}."), nodes.Text(f" {text}"))
        classes = ["review-band", kind] + (["review-draft"] if draft else [])
        return nodes.container("", paragraph, classes=classes)
    return nodes.paragraph("", review.status_text(status), classes=["review-status", kind])


def add_review_status(app: Sphinx, doctree: nodes.document) -> None:
    """Under the title of a chapter or handout: its review status (a band when it must not be
    missed). Not in the gettext builder's messages: the status is written in each language by
    the build, never translated from a catalogue."""
    if app.builder.name == "gettext":
        return
    docname = app.env.docname
    status = statuses(app).get(docname)
    if status is None or not _shown(app, docname):
        return
    handout = docname in sources(app).printed_handouts
    _after_title(doctree, status_node(status, settings(app).draft, handout))


def _cell(*children: nodes.Node) -> nodes.entry:
    return nodes.entry("", nodes.paragraph("", "", *children))


def _table(caption: str, rows: list[list[nodes.entry]], headers: list[str]) -> nodes.table:
    table = nodes.table(classes=["review-status-table"])
    table += nodes.title("", caption)
    group = nodes.tgroup(cols=len(headers))
    table += group
    group += [nodes.colspec(colwidth=1) for _ in headers]
    head = nodes.thead()
    head += nodes.row("", *[_cell(nodes.Text(h)) for h in headers])
    body = nodes.tbody()
    body += [nodes.row("", *row) for row in rows]
    group += [head, body]
    return table


class ReviewStatusList(SphinxDirective):
    """``{review-status}``: every reviewable page with its review status, client handouts
    first (what a clinic prints), each row linking its page."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        # Read again when a status changes (outdated_by_review), not whenever a page is edited:
        # the titles in the list are resolved when it is written.
        app = self.env.app
        book = sources(app)
        found = statuses(app)
        headers = ["Page", "Language", "Status", "Reviewed by", "Date", "Edition", "Next review"]

        def row(status: review.Status) -> list[nodes.entry]:
            link = addnodes.pending_xref(
                "",
                nodes.inline("", status.docname),
                refdomain="std",
                reftype="doc",
                reftarget="/" + status.docname,
                refexplicit=False,
                refwarn=True,
                refdoc=self.env.docname,
            )
            record = status.record
            words = review.KIND_NAMES[status.kind]
            kind = nodes.strong("", words) if not status.reviewed else nodes.Text(words)
            return [
                _cell(link),
                _cell(nodes.Text(LANGUAGE_NAMES.get(status.language, status.language))),
                _cell(kind),
                _cell(nodes.Text(record.by if record else "—")),
                _cell(nodes.Text(record.date.isoformat() if record else "—")),
                _cell(nodes.Text(record.edition if record else "—")),
                _cell(nodes.Text(status.due.isoformat() if status.due else "—")),
            ]

        clients = [row(s) for s in found.values() if s.client]
        others = [row(s) for s in found.values() if not s.client]
        day = settings(app).day(Path(app.srcdir))
        note = nodes.paragraph(
            "",
            f"Statuses as of {review.long_date(day, 'en')}, the date of this edition's build "
            f"(edition {book.edition}); a review is due again "
            f"{review.interval_months(book)} months after it was made.",
            classes=["review-status-date"],
        )
        return [
            note,
            _table("Client handouts, in English and Spanish", clients, headers),
            _table("Chapters and every other page", others, headers),
        ]


def edition_everywhere(app: Sphinx, config) -> None:
    """Write the edition where ``_config.yml``'s footer says ``{edition}`` (every page's footer
    and its citation line) and where a page says ``{{ edition }}`` (a MyST substitution: the
    landing page's citation), so it is written in one place: ``release``."""
    options = config.html_theme_options
    footer = options.get("extra_footer") if isinstance(options, dict) else None
    if footer and EDITION_PLACEHOLDER in footer:
        options["extra_footer"] = footer.replace(EDITION_PLACEHOLDER, str(config.release))
    substitutions = dict(getattr(config, "myst_substitutions", None) or {})
    substitutions.setdefault("edition", str(config.release))
    config.myst_substitutions = substitutions


def setup(app: Sphinx) -> None:
    app.add_config_value(review.INTERVAL_SETTING, review.DEFAULT_INTERVAL_MONTHS, "env", [int])
    # The day the edition was released (``make release`` writes it, with ``release``).
    app.add_config_value("edition_date", "", "env", [str])
    app.add_directive(review.STATUS_DIRECTIVE, ReviewStatusList)
    app.connect("env-get-outdated", outdated_by_review)
    # After the translation status (priority 500) and the Locale transform: never translated.
    app.connect("doctree-read", add_review_status, priority=600)
    # After configure_pdfs (priority 900) has set the edition from the package if need be.
    app.connect("config-inited", edition_everywhere, priority=950)
