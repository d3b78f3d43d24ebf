"""Spanish client handouts: their gettext catalogues and the page source made from the English.

A client handout ``book/handouts/<name>.md`` has a Spanish version when the table of contents
lists ``book/handouts/es/<name>`` (a stub page) and ``locales/es/LC_MESSAGES/<name>.po`` holds
its translation. The Spanish page is never written by hand: at build time the Sphinx extension
(``sphinx_ext/translations.py``) reads the English source in its place (:func:`spanish_source`)
and Sphinx's own i18n transform translates it from the catalogue. So an English edit makes the
catalogue's entries fuzzy or untranslated (``make translations``), and the linter
(``content/lint/translations.py``) fails ``make check`` until a translator has caught up.

The catalogue records its own status in its header comment (babel, which sphinx-intl uses to
update catalogues, keeps the comment but drops unknown ``X-`` header fields)::

    # English-Source: book/handouts/<name>.md @ <commit of its last change>
    # Clinical-Review: <bilingual clinician, credentials, date> (empty: not reviewed yet)

and the translation date is the standard ``PO-Revision-Date`` a PO editor sets on saving.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .sources import HANDOUT_PREFIX, LANGUAGES, english_docname

#: Where the catalogues live, relative to the book's root (Sphinx's default ``locale_dirs``).
LOCALES = "locales"
#: The header-comment fields of a catalogue (see the module docstring).
SOURCE_FIELD = "English-Source"
REVIEW_FIELD = "Clinical-Review"
#: What the Spanish page says while no bilingual clinician has reviewed the translation.
REVIEW_PENDING = "revisión clínica pendiente"

MONTHS_ES = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
).split()


def english_source(path: Path) -> Path | None:
    """The English source a translated stub (``.../handouts/<language>/<name>.md``) is built
    from, or ``None``: what the page really contains, e.g. for the notebook cache."""
    if path.parent.name in LANGUAGES and path.parent.parent.name == "handouts":
        return path.parent.parent / path.name
    return None


def catalogue_path(root: Path, english_doc: str, language: str = "es") -> Path:
    """``locales/<language>/LC_MESSAGES/<name>.po`` for ``book/handouts/<name>``."""
    name = english_doc.removeprefix(HANDOUT_PREFIX)
    return root / LOCALES / language / "LC_MESSAGES" / f"{name}.po"


# --- the page source ---------------------------------------------------------------------------


def _translated_figure(figure_id: str, language: str) -> str | None:
    from ..figures.registry import BY_ID

    candidate = f"{figure_id}-{language}"
    return candidate if candidate in BY_ID else None


def spanish_source(english_text: str, english_doc: str, language: str = "es") -> str:
    """The source Sphinx reads for the translated page: the English source, with

    - its label ``(<name>)=`` made ``(<name>-<language>)=`` (a label is unique in the book);
    - each figure cell showing a figure that has a registered ``<id>-<language>`` variant
      showing that variant instead, with the variant's alt text and a figure name of its own
      (the caption is translated from the catalogue like the text).

    Everything else is translated by Sphinx from the catalogue.
    """
    from ..figures.registry import BY_ID

    name = english_doc.removeprefix(HANDOUT_PREFIX)
    text = re.sub(
        rf"^\({re.escape(name)}\)=$", f"({name}-{language})=", english_text, flags=re.MULTILINE
    )

    def cell(match: re.Match[str]) -> str:
        body = match.group(0)
        shown = re.search(r"show\(\s*[\"'](fig-[\w-]+)[\"']", body)
        variant = shown and _translated_figure(shown.group(1), language)
        if not variant:
            return body
        alt = BY_ID[variant].alt.replace('"', "'")
        body = body.replace(shown.group(0), shown.group(0).replace(shown.group(1), variant))
        body = re.sub(r"^(:\s+name:\s*)(fig-[\w-]+)\s*$", rf"\1\2-{language}", body, flags=re.M)
        return re.sub(r"^(:\s+alt:\s*).*$", lambda m: f'{m.group(1)}"{alt}"', body, flags=re.M)

    return re.sub(r"^```\{code-cell\}.*?^```$", cell, text, flags=re.MULTILINE | re.DOTALL)


# --- the catalogue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One message of a catalogue: the English, its translation, its line in the .po file."""

    msgid: str
    msgstr: str
    line: int
    fuzzy: bool


@dataclass(frozen=True)
class Catalogue:
    path: Path
    entries: tuple[Entry, ...]
    fields: dict[str, str]  # the header comment's "Name: value" lines
    revision_date: datetime | None

    @property
    def reviewer(self) -> str:
        """Who reviewed the translation clinically (name, credentials, date), or ``""``."""
        return self.fields.get(REVIEW_FIELD, "").strip()

    @property
    def english_source(self) -> str:
        return self.fields.get(SOURCE_FIELD, "").strip()

    def text(self) -> str:
        """The translated text as running prose (for readability and the safety checks)."""
        parts = []
        for entry in self.entries:
            plain = re.sub(r"[*`\\]|\{[\w:-]+\}|<[^>]*>", "", entry.msgstr)
            plain = re.sub(r"_{3,}", " ", plain)
            plain = " ".join(plain.split())
            if plain and re.search(r"\w", plain):
                parts.append(plain if plain[-1] in ".!?:" else plain + ".")
        return " ".join(parts)


def read_catalogue(path: Path) -> Catalogue:
    """Read a .po file with babel (what sphinx-intl uses), keeping line numbers and the header
    comment's fields."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    entries = tuple(
        Entry(m.id, m.string, m.lineno, m.fuzzy)
        for m in catalog
        if m.id and isinstance(m.id, str) and isinstance(m.string, str)
    )
    fields = {}
    for line in (catalog.header_comment or "").splitlines():
        match = re.match(r"#\s*([A-Z][\w-]+):\s*(.*)$", line)
        if match:
            fields[match.group(1)] = match.group(2)
    revision = catalog.revision_date if isinstance(catalog.revision_date, datetime) else None
    return Catalogue(path, entries, fields, revision)


def spanish_date(moment: datetime) -> str:
    return f"{moment.day} de {MONTHS_ES[moment.month - 1]} de {moment.year}"


def status_line(catalogue: Catalogue) -> str:
    """The translation status a Spanish page shows: when, from which English, reviewed or not."""
    when = (
        f"Traducido el {spanish_date(catalogue.revision_date)}"
        if catalogue.revision_date and catalogue.revision_date.year > 1970
        else "Traducción sin fecha"
    )
    source = catalogue.english_source
    commit = source.partition("@")[2].strip() if "@" in source else ""
    edition = f" de la versión en inglés del commit {commit}" if commit else " del inglés"
    review = (
        f"Revisión clínica: {catalogue.reviewer}." if catalogue.reviewer else f"{REVIEW_PENDING}."
    )
    return f"{when}{edition}. {review[0].upper()}{review[1:]}"


def page_status(root: Path, docname: str) -> str:
    """The status line of translated page ``docname`` (:func:`status_line`), or ``""`` for a
    page that is not a translation or whose catalogue does not exist yet."""
    found = english_docname(docname)
    if not found:
        return ""
    po = catalogue_path(root, *found)
    return status_line(read_catalogue(po)) if po.exists() else ""
