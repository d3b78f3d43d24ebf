"""Build the site, the PDFs or the EPUB without ever losing the last good output.

``addictionbook build html|pdf|epub [--root DIR] [--out DIR]``

Each target's steps, in order: whether anything changed (:mod:`.fingerprint`), what every build
checks before Sphinx (``content.preflight``), the strict Jupyter Book run beside the notebooks
(:mod:`.sphinx_run`), the target's own step (the PDFs: :mod:`.pdf`; the EPUB's bytes:
:mod:`.epub`), and publishing (:mod:`.publish`): only a build that passed replaces the last good
output, by renaming, so a failed build leaves it where it was; a build never writes into the
book's sources. Every step hands its problems over as data
(:class:`~addictionbook.problems.ProblemsFound`); the report prints them with their file and
line, and on GitHub annotates them (:mod:`.report`, ``addictionbook.problems``).
"""

from __future__ import annotations

import shutil
import sys
import time
import traceback
from pathlib import Path

from ..content import preflight as checks
from ..content.sources import Sources
from ..problems import Problem, ProblemsFound, annotate
from ..settings import Settings
from .epub import normalize_epub
from .fingerprint import inputs_fingerprint, inputs_stamp, up_to_date
from .job import Job
from .publish import downloads, downloads_dir, one_build_at_a_time, publish_dir, publish_file
from .report import Reporter
from .sphinx_run import run_jupyter_book


def preflight(job: Job, for_pdf: bool = False) -> None:
    """Catch what Sphinx would report badly or not at all, before it starts: the table of
    contents, unreadable, empty or binary sources, broken images, the bibliography, and for a
    PDF characters its fonts lack (``content.preflight``)."""
    job.reporter.begin("check sources")
    problems = checks.run(job.sources, for_pdf=for_pdf)
    job.reporter.note(f"{len(problems)} problem(s)" if problems else "ok")
    job.reporter.end()
    if problems:
        raise ProblemsFound(problems)


def build_html(job: Job) -> Path:
    """Build the website; return the published ``<out>/html``.

    The PDFs and EPUB published before (``make pdf``, ``make epub``) are copied into the site
    and linked from it; those not built are neither (``sphinx_ext.downloads``). Nothing else
    writes into ``<out>/html``, so its up-to-date stamp (which counts them) holds.
    """
    carried = downloads(job.out, job.settings)
    job.settings = job.settings.but(downloads=downloads_dir(job.out, job.settings))
    run_jupyter_book(job, "html", checks=lambda: preflight(job))
    job.reporter.begin("publish")
    publish_dir(job.work / "_build" / "html", job.out / "html", extra=carried)
    return job.out / "html"


def build_pdf(job: Job) -> Path:
    """Build the book PDF, one PDF per handout and one per chapter: Sphinx's singlehtml, then
    WeasyPrint (tagged PDF/UA-1; see :mod:`addictionbook.pipeline.pdf`).

    Publishes ``<out>/pdf/book.pdf``, ``<out>/pdf/handouts/<name>.pdf``, the translations
    (``<out>/pdf/handouts/<language>/<name>.pdf``) and ``<out>/pdf/chapters/<name>.pdf`` only
    when every one of them was made; returns ``<out>/pdf``.
    """
    from .pdf import make_pdfs, pdf_count

    run_jupyter_book(job, "singlehtml", checks=lambda: preflight(job, for_pdf=True))
    staged = job.out / ".pdf.staged"
    shutil.rmtree(staged, ignore_errors=True)
    job.reporter.begin("lay out PDFs", "PDF", total=pdf_count(job.sources))
    try:
        make_pdfs(
            job.sources,
            job.settings,
            job.work / "_build" / "singlehtml",
            staged,
            progress=lambda done, total: job.reporter.advance(done),
        )
    except ProblemsFound:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    job.reporter.begin("publish")
    publish_dir(staged, job.out / "pdf")
    shutil.rmtree(staged, ignore_errors=True)
    return job.out / "pdf"


def build_epub(job: Job) -> Path:
    """Build the EPUB; publish ``<out>/epub/book.epub`` atomically and return its path."""
    built = job.work / "_build" / "epub" / "book.epub"
    # The epub builder packs every file it finds in its output folder, so pages, images and
    # EPUBs left there by earlier builds would ride along: it writes into an empty folder (the
    # pages are written again, the sources are not read again).
    shutil.rmtree(built.parent, ignore_errors=True)
    run_jupyter_book(job, "epub", checks=lambda: preflight(job))
    if not built.exists():
        raise ProblemsFound(
            [
                Problem(
                    job.shown(job.reporter.path),
                    0,
                    f"Sphinx's epub builder made no {built.name} in {built.parent}",
                    "read the end of this log for the cause",
                )
            ]
        )
    normalize_epub(built, int(job.settings.epoch(job.root)))
    target = job.out / "epub" / "book.epub"
    job.reporter.begin("publish")
    publish_file(built, target)
    return target


BUILDERS = {"html": build_html, "pdf": build_pdf, "epub": build_epub}


def shown(path: Path) -> str:
    """``path`` as the contributor typed it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def build(
    root: Path,
    out: Path,
    target: str,
    settings: Settings | None = None,
    sources: Sources | None = None,
    stream=None,
) -> int:
    """Build ``target`` of the book at ``root`` into ``out`` and report; return the exit status
    (0 built or up to date, 1 failed). ``make serve`` calls it too. One build at a time per
    output folder: a second one waits for the first (:func:`.publish.one_build_at_a_time`)."""
    settings = settings or Settings.from_environment()
    stream = stream or sys.stdout

    def say(text: str) -> None:
        print(f"build {target}: {text}", file=stream, flush=True)

    with one_build_at_a_time(out, f"build {target}", say):
        return _build(root, out, target, settings, sources or Sources(root), stream)


def _build(root: Path, out: Path, target: str, settings: Settings, sources: Sources, stream) -> int:
    started = time.perf_counter()
    fingerprint = inputs_fingerprint(root, target, settings, out)
    if up_to_date(out, target, fingerprint):
        print(
            f"build {target}: nothing changed since the last build; "
            f"{shown(out / target)} is current ({time.perf_counter() - started:.1f} s)",
            file=stream,
        )
        return 0
    log = out / "logs" / f"{target}.log"
    reporter = Reporter(log, settings.verbose, stream)
    job = Job(sources, settings, out, target, reporter)
    print(f"build {target}: {shown(root)} -> {shown(out)}", file=stream, flush=True)
    problems: list[Problem] = []
    try:
        result = BUILDERS[target](job)
        inputs_stamp(out, target).write_text(fingerprint + "\n", encoding="utf-8")
    except ProblemsFound as found:
        problems = found.problems
    except Exception as error:  # noqa: BLE001 - anything else, said in one line (V=1: traceback)
        reporter.traceback(traceback.format_exc())
        problems = [unexpected(job, error)]
    finally:
        for problem in problems:
            reporter.problem(problem)
        reporter.close()
    took = time.perf_counter() - started
    if not problems:
        print(f"build {target}: {shown(result)} ({took:.1f} s); log: {shown(log)}", file=stream)
        return 0
    stream.flush()
    annotate(problems, f"build {target}", settings)
    print(
        f"\nbuild {target}: FAILED after {took:.1f} s. "
        f"The last good output in {shown(out)} was left in place.\n"
        + "\n".join(str(p) for p in problems)
        + f"\nFix each file and line named above, then build again. Full log: {shown(log)}"
        + ("" if settings.verbose else " (or run with V=1 to see it as the build runs)"),
        file=sys.stderr,
    )
    return 1


def unexpected(job: Job, error: Exception) -> Problem:
    """An error the build did not foresee (a file vanished, a disk filled up...), as one
    problem naming the file it concerns, or else the log that holds its traceback."""
    if isinstance(error, OSError) and error.filename:
        name = job.shown(Path(str(error.filename)))
        if isinstance(error, FileNotFoundError):
            return Problem(
                name,
                0,
                "the file disappeared during the build (was it moved or deleted?)",
                "restore it or wait for the tool that moved it, then build again",
            )
        return Problem(name, 0, str(error.strerror), "fix the file or its folder, then build again")
    return Problem(
        job.shown(job.reporter.path),
        0,
        f"the build stopped on an unexpected {type(error).__name__}: {error}",
        "the traceback is in this log (V=1 prints it); report it if it persists",
    )
