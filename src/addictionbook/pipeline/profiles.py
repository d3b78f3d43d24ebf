"""Clinic editions: a clinic's name and numbers on its own copy of the client handouts.

``make handouts PROFILE=profiles/<id>.yml`` (``addictionbook build handouts --profile ...``)
writes ``_build/profiles/<id>/handouts/<name>.pdf``, the translations as
``handouts/<language>/<name>.pdf`` and ``_build/profiles/<id>/<id>-handouts.zip``: every client
handout in each language the clinic serves (``content/profile.py``), with the clinic's box on
the first page or at the end, in the page's language, and "Prepared for <clinic>" in every
page's footer beside the edition and the review status. ``make profiles`` builds each profile
in ``profiles/`` (``--slice K/N``: every Nth, for one job of a GitHub Actions matrix).

An edition is made from the ``singlehtml`` page that ``make pdf`` left in the work area: the
book is not laid out again, only the clinic's handouts (:func:`pipeline.pdf.write_pdf`, the
same tagged PDF/UA-1, the same page limits). Its inputs (each handout's HTML with the box,
the logo, the print stylesheet) are fingerprinted; an edition whose fingerprint is unchanged
is not laid out again. Published like the book's builds: staged, then swapped in whole.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from html import escape
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from ..content import review
from ..content.lint.safety import check_client_handouts
from ..content.national_lines import NationalLines
from ..content.profile import Profile, read_profile
from ..content.sources import HANDOUT_PREFIX, Sources, english_docname
from ..problems import Problem, ProblemsFound, annotate
from ..settings import Settings
from ..sphinx_ext.pdf import handout_pdf
from .build import shown
from .pdf import STYLESHEET, book_info, handout_pdf_input, handout_source, lay_out, load_article
from .publish import one_build_at_a_time, publish_dir, write_zip

#: The clinic box's words, by the page's language.
WORDS = {
    "en": {
        "title": "Your clinic: {name}",
        "main": "Main line",
        "after_hours": "After hours",
        "counselor": "Your counselor",
        "naloxone": "Naloxone",
        "website": "Website",
        "prepared": "Prepared for {name}",
        "national": "Crisis and emergency lines for {country}",
        "sources": "numbers from",
    },
    "es": {
        "title": "Su clínica: {name}",
        "main": "Línea principal",
        "after_hours": "Fuera de horario",
        "counselor": "Su consejero o consejera",
        "naloxone": "Naloxona",
        "website": "Sitio web",
        "prepared": "Preparado para {name}",
        "national": "Líneas de crisis y de emergencia de {country}",
        "sources": "números de",
    },
}


def clinic_box(profile: Profile, language: str) -> str:
    """The clinic's box in ``language``: a section with its heading (so a screen reader finds
    it in the page's outline), the logo as a figure with its alt text, and one line per
    number, service, where to get naloxone and the website."""
    words = WORDS[language]
    lines = [
        f"<li><strong>{escape(words[key])}:</strong> {escape(number)}</li>"
        for key, number in profile.phones.items()
    ]
    for service in profile.services:
        hours = profile.text(service.hours, language)
        lines.append(
            f"<li><strong>{escape(profile.text(service.name, language))}:</strong> "
            f"{escape(service.phone)}{', ' + escape(hours) if hours else ''}</li>"
        )
    if profile.naloxone:
        lines.append(
            f"<li><strong>{escape(words['naloxone'])}:</strong> "
            f"{escape(profile.text(profile.naloxone, language))}</li>"
        )
    if profile.website:
        shown = profile.website.split("://", 1)[1].rstrip("/")
        lines.append(
            f"<li><strong>{escape(words['website'])}:</strong> "
            f'<a href="{escape(profile.website)}">{escape(shown)}</a></li>'
        )
    national = profile.national_lines
    if national is not None:
        where = ", ".join(
            url.split("://", 1)[1].split("/", 1)[0] for url in national.sources.values()
        )
        lines.append(
            f"<li><strong>{escape(words['national'].format(country=national.country))}:"
            f"</strong> {escape(words['sources'])} {escape(where)}</li>"
        )
    logo = (
        f'<img class="clinic-logo" src="{profile.logo.as_uri()}" alt="{escape(profile.logo_alt)}">'
        if profile.logo and not profile.logo_decorative
        else ""  # a logo that says only the name: the first page's artifact (decorative_logo)
    )
    return (
        f'<section class="clinic-box" id="clinic-box">'
        f"<h2>{escape(words['title'].format(name=profile.name))}</h2>"
        f'<div class="clinic-body"><ul>{"".join(lines)}</ul>{logo}</div></section>'
    )


def decorative_logo(profile: Profile) -> str:
    """A logo that says only the clinic's name, as print CSS: drawn in the first page's
    top-right margin, which the PDF marks as an artifact (``upstream/weasyprint.py``), so a
    screen reader, which has the name in the box's heading, skips it."""
    if not (profile.logo and profile.logo_decorative):
        return ""
    return (
        "@page handout:first { @top-right { content: url("
        f'"{profile.logo.as_uri()}"); vertical-align: bottom; }} }}'
    )


def _inserter(profile: Profile):
    """Put the clinic's box into a handout's section: after the crisis box ("Need help
    now?", the first important box) when the profile says ``box: first``, else at the end;
    outside the United States, fill in each national line from the profile."""

    def insert(section: Tag, language: str) -> None:
        if profile.national_lines is not None:
            replace_national_lines(section, language, profile.national_lines)
        box = BeautifulSoup(clinic_box(profile, language), "html.parser")
        crisis = section.select_one("div.admonition.important")
        if profile.box == "first" and crisis is not None:
            crisis.insert_after(box)
        else:
            section.append(box)

    return insert


def replace_national_lines(section: Tag, language: str, lines: NationalLines) -> None:
    """Each national line of the page (``sphinx_ext/national_lines.py``'s spans) as ``lines``
    write it in ``language``; a line they leave empty goes, with the space before it."""
    for span in section.select("span.national-line[data-line]"):
        key = span["data-line"]
        words = lines.text(key, language)
        if not words:
            holder = span.parent
            span.decompose()
            if holder is not None and holder.name == "p" and not holder.get_text(strip=True):
                holder.decompose()  # a paragraph that held only this line
            continue
        own = lines.text_language.get(key)
        if own and own != language:
            span["lang"] = own
        elif span.has_attr("lang"):
            del span["lang"]
        span.string = words


#: What a page made for another country may not carry: the US lines' numbers and names.
US_LINES = re.compile(r"\b988\b|\b911\b|1-800-662-4357|\bSAMHSA\b")


def us_lines_left(html: str) -> list[str]:
    """The US numbers and names left in a page's text (none may be, outside the US)."""
    body = BeautifulSoup(html, "html.parser").body
    return sorted(set(US_LINES.findall(body.get_text(" ") if body else "")))


def edition_handouts(sources: Sources, profile: Profile) -> list[str]:
    """The handouts in a clinic's edition: every client handout, in each language the clinic
    serves (the English page for ``en``, its translation for another), in book order."""
    clients = set(sources.handouts_for("client"))
    chosen = []
    for docname in sources.printed_handouts:
        found = english_docname(docname)
        english, language = found if found else (docname, "en")
        if english.removeprefix(HANDOUT_PREFIX) in clients and language in profile.languages:
            chosen.append(docname)
    return chosen


def pdf_name(docname: str) -> str:
    """A handout's PDF in an edition, named as in the book's: ``handouts/<name>.pdf``,
    ``handouts/es/<name>.pdf``."""
    return handout_pdf(docname).removeprefix("pdf/")


def _is_edition_source(sources: Sources, path: str, profile: Profile) -> bool:
    """Whether the file ``path`` (a handout's page or catalogue) is in the clinic's edition."""
    return any(path == handout_source(sources, d) for d in edition_handouts(sources, profile))


def prepared_for(language: str, profile: Profile) -> str:
    """The footer line naming the clinic, in the page's language."""
    return WORDS[language]["prepared"].format(name=profile.name)


def edition_folder(out: Path, profile: Profile) -> Path:
    return out / "profiles" / profile.ident


def build_edition(
    sources: Sources, settings: Settings, profile: Profile, out: Path, say, jobs: int = 1
) -> str:
    """Make (or find current) one clinic's edition in ``out/profiles/<id>``, laying out its
    handouts on ``jobs`` processes; return what was done, for the report.
    :class:`ProblemsFound` names the file of each problem."""
    singlehtml = out / ".work" / "_build" / "singlehtml"
    if not (singlehtml / "book" / "index.html").is_file():
        raise ProblemsFound(
            [
                Problem(
                    sources.root.name,
                    0,
                    f"no book laid out for print in {singlehtml}",
                    "build the PDFs first (make pdf); make handouts PROFILE=... does it for you",
                )
            ]
        )
    if profile.national_lines is not None:
        found = [
            problem
            for problem in check_client_handouts(sources, lines=profile.national_lines)
            if _is_edition_source(sources, problem.path, profile)
        ]
        if found:
            raise ProblemsFound([_in_edition(p, profile) for p in found])
    book = book_info(sources, settings)
    # Read the book's print page while no other build rewrites it; lay out under our own lock.
    with one_build_at_a_time(out, f"clinic edition {profile.ident}", say):
        article = load_article(singlehtml)
        statuses = review.statuses(sources, settings.day(sources.root))
        inputs = []
        for docname in edition_handouts(sources, profile):
            found = english_docname(docname)
            language = found[1] if found else "en"
            html, source, limit = handout_pdf_input(
                sources,
                article,
                book,
                docname,
                statuses,
                insert=_inserter(profile),
                more_status=(prepared_for(language, profile),),
                extra_class="clinic-edition",
                extra_css=decorative_logo(profile),
            )
            left = us_lines_left(html) if profile.national_lines is not None else []
            if left:
                raise ProblemsFound(
                    [
                        Problem(
                            source,
                            0,
                            f"the clinic edition of {shown(profile.path)} is for "
                            f"{profile.national_lines.country}, but this handout still names "
                            f"{', '.join(left)}",
                            "write each national line as a role ({line}`emergency`, "
                            "{line}`crisis`, ...; CONTRIBUTING.md, 'Clinic editions')",
                        )
                    ]
                )
            inputs.append((docname, html, source, limit))
    digest = hashlib.sha256()
    for part in [
        STYLESHEET.read_bytes(),
        profile.logo.read_bytes() if profile.logo else b"",
        *(html.encode() for _, html, _, _ in inputs),
    ]:
        digest.update(hashlib.sha256(part).digest())
    fingerprint = digest.hexdigest()
    target = edition_folder(out, profile)
    stamp = target / ".inputs"
    with one_build_at_a_time(out, f"clinic edition {profile.ident}", say, f"{profile.ident}.lock"):
        if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == fingerprint:
            return "nothing changed since the last build; it is current"
        staged = out / "profiles" / f".{profile.ident}.staged"
        shutil.rmtree(staged, ignore_errors=True)
        try:
            work = [
                (html, singlehtml, staged / pdf_name(docname), source, limit)
                for docname, html, source, limit in inputs
            ]
            try:
                made = lay_out(work, jobs)  # one edition alone: its handouts side by side
            except ProblemsFound as found:
                raise ProblemsFound([_in_edition(p, profile) for p in found.problems]) from None
            epoch = int(settings.epoch(sources.root) or 0)
            members = sorted((p.relative_to(staged).as_posix(), p) for p in made)
            write_zip(staged / f"{profile.ident}-handouts.zip", members, epoch)
            (staged / ".inputs").write_text(fingerprint + "\n", encoding="utf-8")
            publish_dir(staged, target)
        finally:
            shutil.rmtree(staged, ignore_errors=True)
    return f"{len(made)} PDFs and {profile.ident}-handouts.zip"


def _in_edition(problem: Problem, profile: Profile) -> Problem:
    """A handout's problem as it arose in a clinic's edition: named with the profile, and
    what the clinic can change when its box makes the handout too long."""
    where = f"in the clinic edition of {shown(profile.path)}: "
    hint = problem.hint
    if "its limit is" in problem.message:
        hint = (
            "the clinic's box makes it longer: put the box on the first page (box: first), "
            "or give fewer or shorter services in the profile"
        )
    return Problem(problem.path, problem.line, where + problem.message, hint)


def _one(
    root: str, out: str, path: str, settings: Settings, jobs: int = 1
) -> tuple[str, list[Problem]]:
    """Build one edition (in a worker process of :func:`build_profiles`)."""
    started = time.perf_counter()
    lines = []
    try:
        profile = read_profile(Path(path))
        done = build_edition(Sources(Path(root)), settings, profile, Path(out), lines.append, jobs)
    except ProblemsFound as found:
        return "", found.problems
    took = time.perf_counter() - started
    shown_out = shown(edition_folder(Path(out), profile))
    return "".join(f"{line}\n" for line in lines) + f"{shown_out}: {done} ({took:.1f} s)", []


def check_profiles(paths: list[Path], settings: Settings) -> int:
    """Read each profile; print every problem with its file and line. 1 when any has one."""
    problems = []
    for path in paths:
        try:
            read_profile(path)
        except ProblemsFound as found:
            problems += found.problems
    if problems:
        _report_failure(problems, settings, "nothing was built")
        return 1
    return 0


def _report_failure(problems: list[Problem], settings: Settings, kept: str) -> None:
    annotate(problems, "clinic editions", settings)
    print(
        f"\nclinic edition: FAILED for {len({p.path for p in problems})} file(s); {kept}.\n"
        + "\n".join(str(p) for p in problems)
        + "\nFix each file and line named above, then build again "
        "(CONTRIBUTING.md, 'Clinic editions').",
        file=sys.stderr,
    )


def build_profiles(
    root: Path, out: Path, paths: list[Path], settings: Settings, jobs: int | None = None
) -> int:
    """Build the editions of ``paths`` on ``jobs`` processes (default: every core); print one
    line per edition, then every problem with its file and line. 0 when all were made."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    results = []
    if jobs == 1 or len(paths) == 1:  # one edition: its handouts on the processes
        results = [_one(str(root), str(out), str(p), settings, jobs) for p in paths]
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_one, str(root), str(out), str(p), settings) for p in paths]
            results = [future.result() for future in futures]
    problems = []
    for said, found in results:
        if said:
            for line in said.splitlines():
                print(f"clinic edition: {line}", flush=True)
        problems += found
    if problems:
        _report_failure(problems, settings, "each edition that failed kept its last good output")
        return 1
    return 0


def slice_of(paths: list[Path], part: str | None) -> list[Path]:
    """The profiles of one slice ``K/N`` (every Nth from the Kth, in name order): one job of a
    GitHub Actions matrix builds one slice; all N slices together build every profile once."""
    if not part:
        return paths
    k, n = (int(x) for x in part.split("/"))
    return paths[k - 1 :: n]
