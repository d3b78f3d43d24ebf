"""Clinical review records, and each page's review status.

A clinical review is a clinician's act, recorded beside the text it reviewed (``make review
PAGE=... BY="Name, credentials"``, :func:`write_record`):

- an English page: a ``clinical-review:`` block in its front matter::

      clinical-review:
        by: "Jane Doe, LCSW, CADC II"
        date: "2027-01-15"
        edition: "0.2.0"
        fingerprint: "1a2b3c4d5e6f"

- a translated handout: the ``# Clinical-Review:`` header comment of its catalogue
  (``locales/<language>/LC_MESSAGES/<name>.po``), the same record as one YAML line::

      # Clinical-Review: {by: "Ana Pérez, LCSW", date: "2027-01-15", edition: "0.2.0", …}

Who (name and credentials as the reviewer writes them), when, in which edition of the book, and
a fingerprint of exactly the text reviewed: the page's source without its review record
(``translations.source_fingerprint``), or the catalogue's entries (``Catalogue.fingerprint``).
Every record is checked against ``schemas/review.schema.json`` (the ``jsonschema`` library); a
malformed one is a :class:`~addictionbook.problems.Problem` with its file and line, which stops
``make check`` and every build (``content/preflight.py``).

A page's status (:func:`statuses`), computed whenever the book is checked or built:

=================  ==============================================================================
``reviewed``       a record whose fingerprint is the text's, and its next review not yet due
``changed``        a record, but the text no longer matches its fingerprint
``overdue``        the text matches, but the next review (the date plus ``review_interval_months``
                   of ``_config.yml``'s Sphinx settings, 12 by default) is past
``not-reviewed``   no record
``outdated``       a translation whose English changed after it was translated ("out of date
                   with the English"), whatever its review says
=================  ==============================================================================

The build dates a status by the date every output carries (``SOURCE_DATE_EPOCH``, the last
commit's), so two builds of one commit agree; ``make check`` by today's date.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..problems import Problem
from . import translations as tr
from .frontmatter import REVIEW_KEY, review_record_lines, split_front_matter, with_review_record
from .sources import Sources, english_docname

SCHEMA = Path(__file__).resolve().parent / "schemas" / "review.schema.json"
#: Months from a review to the next one, unless ``_config.yml`` says otherwise.
DEFAULT_INTERVAL_MONTHS = 12
#: The Sphinx setting (``_config.yml``: ``sphinx: config:``) that says how many.
INTERVAL_SETTING = "review_interval_months"
#: The directive that lists every page's status (``book/review-status.md``).
STATUS_DIRECTIVE = "review-status"
#: towncrier's configuration: its news file is the book's "What changed" page.
NEWS_CONFIG = "towncrier.toml"
KINDS = ("reviewed", "changed", "overdue", "not-reviewed", "outdated")
HOW = "write it as src/addictionbook/content/schemas/review.schema.json says, or record it again "
HOW += 'with `make review PAGE=... BY="Name, credentials"` (CONTRIBUTING.md, "Clinical review")'


@dataclass(frozen=True)
class Record:
    """One clinical review: who, when, in which edition, and the fingerprint of the text."""

    by: str
    date: dt.date
    edition: str
    fingerprint: str

    def as_yaml_block(self) -> str:
        """The record as a page's front matter holds it (strings quoted, as JSON is YAML)."""
        return (
            f"{REVIEW_KEY}:\n"
            f"  by: {json.dumps(self.by, ensure_ascii=False)}\n"
            f'  date: "{self.date.isoformat()}"\n'
            f"  edition: {json.dumps(self.edition)}\n"
            f"  fingerprint: {json.dumps(self.fingerprint)}\n"
        )

    def as_yaml_line(self) -> str:
        """The record as a catalogue's header comment holds it: one YAML flow mapping."""
        return (
            f'{{by: {json.dumps(self.by, ensure_ascii=False)}, date: "{self.date.isoformat()}", '
            f"edition: {json.dumps(self.edition)}, fingerprint: {json.dumps(self.fingerprint)}}}"
        )


@dataclass(frozen=True)
class Status:
    """A page's review status on a given day (see the module's table)."""

    docname: str
    language: str  # the page's: "en", or a translation's
    kind: str
    record: Record | None
    due: dt.date | None  # the next review, when there is a record
    source: str  # the file that holds (or would hold) the page's record
    line: int  # the record's line in it (0: none)
    client: bool  # a client handout (English or translated)

    @property
    def reviewed(self) -> bool:
        return self.kind == "reviewed"


# --- which pages, which files ----------------------------------------------------------------


def news_page(sources: Sources) -> str | None:
    """The docname of towncrier's news file (the "What changed" page), if it is a page."""
    try:
        config = tomllib.loads(sources.text(NEWS_CONFIG))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    filename = str(config.get("tool", {}).get("towncrier", {}).get("filename", ""))
    return filename.removesuffix(".md") if filename.endswith(".md") else None


def is_generated(sources: Sources, docname: str) -> bool:
    """A page the build fills in (the status list) or a tool writes (the change log): there
    is no clinical text to review."""
    if docname == news_page(sources):
        return True
    try:
        text = sources.text(f"{docname}.md")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(rf"^(```+|:::+)\{{{STATUS_DIRECTIVE}\}}", text, re.MULTILINE) is not None


def reviewable(sources: Sources) -> list[str]:
    """Every page of the table of contents a clinician can review, in book order: all but the
    generated ones."""
    return [d for d in sources.toc_entries if not is_generated(sources, d)]


def record_file(sources: Sources, docname: str) -> str:
    """The file holding page ``docname``'s record (relative): the page, or the catalogue of a
    translation."""
    found = english_docname(docname)
    if found:
        return tr.catalogue_path(sources.root, *found).relative_to(sources.root).as_posix()
    return f"{docname}.md"


def client_pages(sources: Sources) -> list[str]:
    """The client handouts, English and translated, in book order."""
    clients = set(sources.handouts_for("client"))
    return [
        d
        for d in sources.printed_handouts
        if (english_docname(d) or (d, ""))[0].removeprefix("book/handouts/") in clients
    ]


def interval_months(sources: Sources) -> int:
    """Months from a review to the next (``review_interval_months``, 12 by default)."""
    value = ((sources.config.get("sphinx") or {}).get("config") or {}).get(INTERVAL_SETTING)
    return value if isinstance(value, int) and value > 0 else DEFAULT_INTERVAL_MONTHS


def next_review(day: dt.date, months: int) -> dt.date:
    from dateutil.relativedelta import relativedelta

    return day + relativedelta(months=months)


# --- reading and checking records ------------------------------------------------------------


@functools.cache
def _validator():
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _node_line(node: yaml.Node, where: list) -> int:
    """The 0-based line of the YAML node at JSON path ``where`` (its nearest existing parent)."""
    for key in where:
        found = (
            [v for k, v in node.value if k.value == key]
            if isinstance(node, yaml.MappingNode)
            else []
        )
        if not found:
            break
        node = found[0]
    return node.start_mark.line


class _RecordLoader(yaml.SafeLoader):
    """PyYAML's safe loader that leaves dates as the text written (the schema checks them:
    ``date: 2027-02-30`` is a problem to report, not a ``ValueError`` from the loader)."""


_RecordLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load(text: str) -> tuple[yaml.Node | None, object]:
    return yaml.compose(text, Loader=_RecordLoader), yaml.load(text, Loader=_RecordLoader)


def _parse(
    data: object, tree: yaml.Node | None, path: str, line: int, record_line: int = 0
) -> tuple[Record | None, list]:
    """A record from its YAML data (``tree``: its node, for lines; ``line``: the file line of
    the node's first line), or the problems that say why it is not one."""
    if isinstance(data, dict):
        data = {
            k: v.isoformat() if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else v
            for k, v in data.items()
        }
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        problems = []
        for error in errors:
            where = list(error.absolute_path)
            if where or not record_line:
                at = line + (_node_line(tree, where) if tree is not None else 0)
            else:  # the record as a whole: the line of its key
                at = record_line
            field = "/".join(map(str, where)) or "the record"
            problems.append(
                Problem(
                    path,
                    at,
                    f"the clinical review record is malformed: {field}: {error.message}",
                    HOW,
                )
            )
        return None, problems
    return (
        Record(
            by=" ".join(data["by"].split()),
            date=dt.date.fromisoformat(data["date"]),
            edition=data["edition"],
            fingerprint=data["fingerprint"],
        ),
        [],
    )


def read_record(sources: Sources, docname: str) -> tuple[Record | None, int, list[Problem]]:
    """Page ``docname``'s record, the line it starts on (0: none) and any problem with it."""
    path = record_file(sources, docname)
    if english_docname(docname):
        catalogue = sources.root / path
        if not catalogue.exists():
            return None, 0, []
        try:
            text = sources.text(path)
        except (OSError, UnicodeDecodeError):
            return None, 0, []  # preflight and the linter name it
        fields, lines = tr.header_fields(text)
        value = fields.get(tr.REVIEW_FIELD, "").strip()
        line = lines.get(tr.REVIEW_FIELD, 0)
        if not value:
            return None, 0, []
        try:
            tree, data = _load(value)
        except yaml.YAMLError as error:
            return (
                None,
                line,
                [
                    Problem(
                        path, line, f"the clinical review record is not valid YAML: {error}", HOW
                    )
                ],
            )
        if not isinstance(data, dict):
            return (
                None,
                line,
                [
                    Problem(
                        path,
                        line,
                        "the clinical review record is not a record: "
                        '{by: "Name, credentials", date: YYYY-MM-DD, edition: "x.y.z", '
                        'fingerprint: "..."}',
                        HOW,
                    )
                ],
            )
        record, problems = _parse(data, None, path, line)
        return record, line, problems
    try:
        text = sources.text(path)
    except (OSError, UnicodeDecodeError):
        return None, 0, []
    span = review_record_lines(text)
    if span is None:
        return None, 0, []
    line = span[0] + 1
    lines = text.splitlines()
    front_end = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")
    front_text = "\n".join(lines[1:front_end])
    try:
        tree, front = _load(front_text)
    except yaml.YAMLError:
        return None, line, []  # the linter names invalid front matter
    node = next((v for k, v in tree.value if k.value == REVIEW_KEY), None)
    # front_text starts on the file's line 2: a node's 0-based line n is the file's n + 2
    record, problems = _parse(front.get(REVIEW_KEY), node, path, 2, line)
    date = (
        next((v for k, v in node.value if k.value == "date"), None)
        if isinstance(node, yaml.MappingNode)
        else None
    )
    if record is not None and isinstance(date, yaml.ScalarNode) and date.style is None:
        # Sphinx keeps a page's front matter: a YAML date there stops the build (it is not JSON)
        problems.append(
            Problem(
                path,
                2 + date.start_mark.line,
                f'the clinical review record\'s date must be in quotes: date: "{date.value}"',
                "write it as make review does (an unquoted date stops the build)",
            )
        )
        record = None
    return record, line, problems


def record_problems(sources: Sources) -> list[Problem]:
    """Every malformed review record, with its file and line; and a record written where the
    build does not read it (a translation's page stub: its record goes in its catalogue)."""
    problems: list[Problem] = []
    for docname in reviewable(sources):
        problems += read_record(sources, docname)[2]
        if english_docname(docname):
            try:
                stub = sources.text(f"{docname}.md")
            except (OSError, UnicodeDecodeError):
                continue
            span = review_record_lines(stub)
            if span:
                problems.append(
                    Problem(
                        f"{docname}.md",
                        span[0] + 1,
                        "a translation's clinical review record goes in its catalogue, not in "
                        "the page stub",
                        f"remove it here and record the review with `make review "
                        f"PAGE={record_file(sources, docname)} BY=...`",
                    )
                )
    return sorted(problems)


# --- the status of a page --------------------------------------------------------------------


def current_fingerprint(sources: Sources, docname: str) -> str | None:
    """The fingerprint of page ``docname``'s text as it is now (None: no text to review, e.g.
    a translation without its catalogue)."""
    found = english_docname(docname)
    path = sources.root / record_file(sources, docname)
    if found:
        if not path.exists():
            return None
        return tr.read_catalogue(path).fingerprint()
    return tr.source_fingerprint(sources.text(f"{docname}.md"))


def status_of(sources: Sources, docname: str, today: dt.date, clients: set[str]) -> Status:
    record, line, problems = read_record(sources, docname)
    found = english_docname(docname)
    language = found[1] if found else "en"
    due = next_review(record.date, interval_months(sources)) if record else None
    kind = "not-reviewed"
    if found:
        catalogue_file = sources.root / record_file(sources, docname)
        english = sources.text(f"{found[0]}.md")
        if catalogue_file.exists() and tr.out_of_date(tr.read_catalogue(catalogue_file), english):
            kind = "outdated"
    if kind != "outdated" and record is not None:
        if record.fingerprint != current_fingerprint(sources, docname):
            kind = "changed"
        elif due is not None and today > due:
            kind = "overdue"
        else:
            kind = "reviewed"
    return Status(
        docname,
        language,
        kind,
        record,
        due,
        record_file(sources, docname),
        line,
        docname in clients,
    )


def statuses(sources: Sources, today: dt.date) -> dict[str, Status]:
    """Every reviewable page's status on ``today``, in book order."""
    clients = set(client_pages(sources))
    return {d: status_of(sources, d, today, clients) for d in reviewable(sources)}


def needs_attention(found: dict[str, Status]) -> list[Problem]:
    """The warnings ``make check`` prints: reviews the text no longer matches, and reviews
    past their next date (pages never reviewed are the status page's to list)."""
    warnings = []
    for status in found.values():
        record = status.record
        if status.kind == "changed" and record:
            warnings.append(
                Problem(
                    status.source,
                    status.line,
                    f"changed since its clinical review by {record.by} on {record.date}",
                    "the text needs a new review; a clinician records it with `make review "
                    f'PAGE={status.source} BY="Name, credentials"`',
                )
            )
        elif status.kind == "overdue" and record:
            warnings.append(
                Problem(
                    status.source,
                    status.line,
                    f"clinical review overdue: reviewed by {record.by} on {record.date}, the "
                    f"next review was due {status.due}",
                    "ask a clinician to review it again, then record it with `make review`",
                )
            )
    return warnings


# --- what readers see -----------------------------------------------------------------------


def long_date(day: dt.date, language: str) -> str:
    if language == "es":
        return tr.spanish_date(day)
    return f"{day:%B} {day.day}, {day.year}"


def status_text(status: Status) -> str:
    """The status line a page shows, in the page's language."""
    r, es = status.record, status.language == "es"
    when = long_date(r.date, status.language) if r else ""
    due = long_date(status.due, status.language) if status.due else ""
    if status.kind == "outdated":
        return (
            "Desactualizada respecto al inglés: el texto en inglés cambió después de esta "
            "traducción, y puede haber partes sin actualizar."
            if es
            else "Out of date with the English: the English text changed after this "
            "translation was made, and parts of it may be missing or old."
        )
    if status.kind == "not-reviewed" or r is None:
        return "Todavía sin revisión clínica." if es else "Not yet clinically reviewed."
    if status.kind == "changed":
        return (
            f"Cambió después de su revisión clínica ({r.by}, {when}): el texto actual no se ha "
            "revisado."
            if es
            else f"Changed since its clinical review ({r.by}, {when}): the text as it reads now "
            "has not been reviewed."
        )
    if status.kind == "overdue":
        return (
            f"Revisión clínica vencida: la última fue de {r.by}, el {when} (edición "
            f"{r.edition}); la siguiente debía hacerse el {due}."
            if es
            else f"Clinical review overdue: last reviewed by {r.by} on {when} (edition "
            f"{r.edition}); the next review was due {due}."
        )
    return (
        f"Revisión clínica: {r.by}, el {when} (edición {r.edition}). Próxima revisión: {due}."
        if es
        else f"Clinically reviewed by {r.by} on {when} (edition {r.edition}). Next review due "
        f"{due}."
    )


#: The band's first words, by status (and for a draft edition), in each language.
BAND_HEADINGS = {
    "en": {
        "draft": "Draft: not clinically reviewed",
        "not-reviewed": "Not clinically reviewed",
        "changed": "Changed since its clinical review",
        "overdue": "Clinical review overdue",
        "outdated": "Out of date with the English",
    },
    "es": {
        "draft": "Borrador: sin revisión clínica",
        "not-reviewed": "Sin revisión clínica",
        "changed": "Cambió después de su revisión clínica",
        "overdue": "Revisión clínica vencida",
        "outdated": "Desactualizada respecto al inglés",
    },
}
BAND_ADVICE = {
    "en": "Read it with a clinician before you give it to a client.",
    "es": "Léala con un profesional clínico antes de entregarla.",
}


def has_band(status: Status, draft: bool, handout: bool) -> bool:
    """Whether the page carries a band at its top: a client handout whose text is not reviewed
    as it reads now, and in a draft edition every handout that is not."""
    return not status.reviewed and (status.client or (draft and handout))


def _band_detail(status: Status) -> str:
    """What the band says after its heading: the facts of the status, without repeating it."""
    r, es = status.record, status.language == "es"
    if status.kind == "outdated":
        return (
            "El texto en inglés cambió después de esta traducción; puede haber partes sin "
            "actualizar."
            if es
            else "The English text changed after this translation was made; parts of it may be "
            "missing or old."
        )
    if r is None or status.kind not in ("changed", "overdue"):
        return ""
    when = long_date(r.date, status.language)
    if status.kind == "changed":
        return (
            f"Lo revisó {r.by} el {when}; el texto actual no se ha revisado."
            if es
            else f"It was reviewed by {r.by} on {when}; the text as it reads now has not been "
            "reviewed."
        )
    due = long_date(status.due, status.language)
    return (
        f"La última revisión fue de {r.by}, el {when} (edición {r.edition}); la siguiente "
        f"debía hacerse el {due}."
        if es
        else f"Last reviewed by {r.by} on {when} (edition {r.edition}); the next review was due "
        f"{due}."
    )


def band(status: Status, draft: bool) -> tuple[str, str]:
    """The band's heading and its text (the facts of the status, and what to do)."""
    words = BAND_HEADINGS[status.language if status.language in BAND_HEADINGS else "en"]
    heading = words["draft" if draft else status.kind]
    detail = _band_detail(status)
    advice = BAND_ADVICE.get(status.language, BAND_ADVICE["en"])
    return heading, f"{detail} {advice}" if detail else advice


#: The words of the status list (the "Review status" page), in the book's language.
KIND_NAMES = {
    "reviewed": "Reviewed",
    "changed": "Changed since review",
    "overdue": "Review overdue",
    "not-reviewed": "Not reviewed",
    "outdated": "Out of date with the English",
}


# --- writing a record (the reviewer's tool) ---------------------------------------------------


class ReviewError(ValueError):
    """The review cannot be recorded; the message says why and what to do."""


def page_of(sources: Sources, page: str) -> str:
    """The docname of the page a reviewer names: its ``.md`` file, a translation's ``.po``
    catalogue or page stub, or the docname itself."""
    name = Path(page).as_posix().removeprefix("./")
    if name.endswith(".po"):
        for docname, (english, language) in sources.translations.items():
            if tr.catalogue_path(sources.root, english, language) == (sources.root / name):
                return docname
        raise ReviewError(f"{page} is not the catalogue of a translated page in _toc.yml")
    docname = name.removesuffix(".md")
    if docname not in sources.toc_entries:
        raise ReviewError(f"{page} is not a page of the book (_toc.yml does not list {docname})")
    if is_generated(sources, docname):
        raise ReviewError(f"{page} is generated by the build; there is no clinical text to review")
    return docname


def write_record(sources: Sources, page: str, by: str, day: dt.date) -> tuple[Path, Record]:
    """Record that ``by`` (name, credentials) reviewed page ``page`` on ``day``, at its current
    text and the book's current edition. Writes only the record: the front matter's
    ``clinical-review`` block or the catalogue's ``Clinical-Review`` line, nothing else of the
    file. :class:`ReviewError` says why it cannot (a malformed name, a translation that is
    incomplete or out of date with the English)."""
    docname = page_of(sources, page)
    path = sources.root / record_file(sources, docname)
    found = english_docname(docname)
    fingerprint = current_fingerprint(sources, docname)
    if found:
        if fingerprint is None:
            raise ReviewError(f"{path.relative_to(sources.root)} does not exist: translate first")
        catalogue = tr.read_catalogue(path)
        unfinished = [e.line for e in catalogue.entries if e.fuzzy or not e.msgstr.strip()]
        if unfinished:
            raise ReviewError(
                f"{path.relative_to(sources.root)}:{unfinished[0]}: the translation is not "
                f"finished ({len(unfinished)} fuzzy or empty entries); `make check` lists them"
            )
        if tr.out_of_date(catalogue, sources.text(f"{found[0]}.md")):
            raise ReviewError(
                f"{path.relative_to(sources.root)} is out of date with the English "
                f"({found[0]}.md changed since): run `make translations`, translate, then review"
            )
    record, problems = _parse(
        {
            "by": " ".join(by.split()),
            "date": day.isoformat(),
            "edition": sources.edition,
            "fingerprint": fingerprint,
        },
        None,
        "",
        0,
    )
    if record is None:
        raise ReviewError(
            "; ".join(
                p.message.removeprefix("the clinical review record is malformed: ")
                for p in problems
            )
            + ' (write --by "Name, credentials", e.g. "Jane Doe, LCSW")'
        )
    text = path.read_text(encoding="utf-8")
    if found:
        lines = text.split("\n")
        span = tr.header_field_lines(lines, tr.REVIEW_FIELD)
        line = f"# {tr.REVIEW_FIELD}: {record.as_yaml_line()}"
        if span:
            lines[span[0] : span[1]] = [line]
        else:
            lines.insert(tr.header_comment_end(lines), line)
        new = "\n".join(lines)
    else:
        try:
            new = with_review_record(text, record.as_yaml_block())
        except ValueError as error:
            raise ReviewError(f"{path.relative_to(sources.root)}: {error}") from error
        if not split_front_matter(new)[0]:
            raise ReviewError(
                f"{path.relative_to(sources.root)}: its front matter is not valid YAML; fix it "
                "first (`make check` says where)"
            )
    path.write_text(new, encoding="utf-8")
    return path, record
