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

    # English-Source: book/handouts/<name>.md
    # English-Text: edition <edition>, text <fingerprint>
    # Clinical-Review: {by: "<name, credentials>", date: <date>, edition: …, fingerprint: …}

and the translation date is the standard ``PO-Revision-Date`` a PO editor sets on saving.
``Clinical-Review`` is empty until a bilingual clinician has reviewed the translation and
``make review`` has written the record (``content/review.py`` reads and checks it). babel wraps
header comments at 76 characters when sphinx-intl rewrites a catalogue, so a field's value may
go on over the comment lines after it (:func:`header_fields` joins them, and ``make
translations`` writes each field back on one line).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .frontmatter import split_front_matter, without_review_record
from .national_lines import us_lines
from .sources import HANDOUT_PREFIX, LANGUAGES, english_docname

#: Where the catalogues live, relative to the book's root (Sphinx's default ``locale_dirs``).
LOCALES = "locales"
#: The header-comment fields of a catalogue (see the module docstring).
SOURCE_FIELD = "English-Source"
TEXT_FIELD = "English-Text"
REVIEW_FIELD = "Clinical-Review"

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


def text_fingerprint(text: str) -> str:
    """A short fingerprint of an English page's text (SHA-256, 12 hex digits): what a
    translation was made from, whatever git says about the working tree. The front matter is
    left out (a page limit or a review record is not text a translator translates)."""
    normalized = split_front_matter(text.replace("\r\n", "\n"))[1]
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:12]


def source_fingerprint(text: str) -> str:
    """A short fingerprint of a page's whole source (SHA-256, 12 hex digits) but its clinical
    review record: the text a review pins (writing the record does not change it; any other
    edit, front matter included, does)."""
    normalized = without_review_record(text.replace("\r\n", "\n"))
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class EnglishSource:
    """What a catalogue translates: the English page (``# English-Source:``), and its edition
    and text (``# English-Text:``). Two short fields, as babel (which sphinx-intl uses) wraps a
    header comment longer than 76 characters onto a line of its own."""

    path: str
    edition: str
    text: str

    TEXT = re.compile(r"^edition (?P<edition>\S+), text (?P<text>[0-9a-f]{12})$")

    @classmethod
    def parse(cls, path: str, text: str) -> EnglishSource | None:
        match = cls.TEXT.match(text.strip())
        return cls(path.strip(), **match.groupdict()) if match and path.strip() else None

    @property
    def fields(self) -> dict[str, str]:
        """The header comment's fields for this source."""
        return {SOURCE_FIELD: self.path, TEXT_FIELD: f"edition {self.edition}, text {self.text}"}

    def __str__(self) -> str:
        return f"{self.path}, edition {self.edition}, text {self.text}"


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
    field_lines: dict[str, int] = field(default_factory=dict)  # each field's line in the file

    @property
    def review_record(self) -> str:
        """The ``Clinical-Review`` field as written (``""``: not reviewed); read and checked
        by ``content/review.py``."""
        return self.fields.get(REVIEW_FIELD, "").strip()

    def fingerprint(self) -> str:
        """A fingerprint of the translation: every entry's English and its translation (and
        whether it is fuzzy), in the catalogue's order; what a clinical review of the
        translation pins. The header (dates, the review record itself) is not part of it."""
        text = "\n".join(f"{e.msgid}\0{e.msgstr}\0{int(e.fuzzy)}" for e in self.entries)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]

    @property
    def english_source(self) -> EnglishSource | None:
        """Which English edition and text the translation was made from (None: not recorded,
        or recorded the old way, by commit)."""
        return EnglishSource.parse(
            self.fields.get(SOURCE_FIELD, ""), self.fields.get(TEXT_FIELD, "")
        )

    def text(self) -> str:
        """The translated text as running prose, each national line (``{line}`crisis```) filled
        in as a reader of the page reads it (the book's own lines)."""
        language = self.path.parent.parent.name  # locales/<language>/LC_MESSAGES/<name>.po
        parts = []
        for entry in self.entries:
            plain = us_lines().expand(entry.msgstr, language)
            plain = re.sub(r"[*`\\]|\{[\w:-]+\}|<[^>]*>", "", plain)
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
    fields, lines = header_fields(path.read_text(encoding="utf-8"))
    revision = catalog.revision_date if isinstance(catalog.revision_date, datetime) else None
    return Catalogue(path, entries, fields, revision, lines)


#: A header comment's ``# Name: value`` line.
FIELD = re.compile(r"#\s*([A-Z][\w-]+):[ \t]*(.*)$")
#: The width babel wraps a catalogue's header comment at (sphinx-intl's ``line_width``).
WRAP = 76


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` is the rest of ``previous`` that babel wrapped onto it: a ``# ...``
    comment line (not a field) whose first word did not fit on ``previous`` (a line babel
    wrapped is at most :data:`WRAP` long; a field written whole on a longer line is not)."""
    if not (line.startswith("# ") and line[2:].strip()) or FIELD.match(line):
        return False
    word = line[2:].split()[0]
    return len(previous) <= WRAP < len(previous) + 1 + len(word)


def header_comment_end(lines: list[str]) -> int:
    """The index of the first line after a catalogue's header comment (its ``#,`` flags or its
    ``msgid``)."""
    return next(
        (i for i, line in enumerate(lines) if not line.startswith("#") or line.startswith("#,")),
        len(lines),
    )


def header_fields(text: str) -> tuple[dict[str, str], dict[str, int]]:
    """The ``# Name: value`` fields of a catalogue's header comment, each with the (1-based)
    line it starts on. A value babel wrapped goes on over the following comment lines
    (:func:`_continues`): they are joined back with spaces."""
    lines = text.splitlines()
    fields: dict[str, str] = {}
    starts: dict[str, int] = {}
    current = None
    for index, line in enumerate(lines[: header_comment_end(lines)]):
        match = FIELD.match(line)
        if match:
            current = match.group(1)
            fields[current], starts[current] = match.group(2).rstrip(), index + 1
        elif current and _continues(lines[index - 1], line):
            fields[current] = f"{fields[current]} {line[2:].strip()}".strip()
        else:
            current = None
    return fields, starts


def header_field_lines(lines: list[str], name: str) -> tuple[int, int] | None:
    """The lines (0-based, end exclusive) field ``name`` takes in a catalogue's header
    comment, with the lines babel wrapped its value onto."""
    end = header_comment_end(lines)
    for index in range(end):
        match = FIELD.match(lines[index])
        if match and match.group(1) == name:
            stop = index + 1
            while stop < end and _continues(lines[stop - 1], lines[stop]):
                stop += 1
            return index, stop
    return None


def spanish_date(moment: datetime) -> str:
    return f"{moment.day} de {MONTHS_ES[moment.month - 1]} de {moment.year}"


def out_of_date(catalogue: Catalogue, english_text: str) -> bool:
    """Whether the translation is behind the English: the English changed since the catalogue
    was last brought up to it (or it does not say from which English it was made), or the
    catalogue has entries not translated yet (new or changed English: empty or fuzzy)."""
    source = catalogue.english_source
    if source is None or source.text != text_fingerprint(english_text):
        return True
    return any(entry.fuzzy or not entry.msgstr.strip() for entry in catalogue.entries)


def status_line(catalogue: Catalogue, english_text: str) -> str:
    """The translation status a Spanish page shows: when, from which English edition, and
    whether the English has changed since (the clinical review has a status line of its own:
    ``content/review.py``)."""
    when = (
        f"Traducido el {spanish_date(catalogue.revision_date)}"
        if catalogue.revision_date and catalogue.revision_date.year > 1970
        else "Traducción sin fecha"
    )
    source = catalogue.english_source
    edition = f" de la edición {source.edition} en inglés" if source else " del inglés"
    stale = (
        " El texto en inglés cambió después: puede haber partes en inglés o sin actualizar."
        if out_of_date(catalogue, english_text)
        else ""
    )
    return f"{when}{edition}.{stale}"


def page_status(root: Path, docname: str) -> str:
    """The status line of translated page ``docname`` (:func:`status_line`), or ``""`` for a
    page that is not a translation or whose catalogue does not exist yet."""
    found = english_docname(docname)
    if not found:
        return ""
    po = catalogue_path(root, *found)
    if not po.exists():
        return ""
    english = (root / f"{found[0]}.md").read_text(encoding="utf-8")
    return status_line(read_catalogue(po), english)
