"""Build the site, the PDFs or the EPUB without ever losing the last good output.

``addictionbook build html|pdf|epub [--root DIR] [--out DIR]``

Jupyter Book builds into a persistent work area (``<out>/.work``), which keeps Sphinx's
incremental environment and the notebook cache between builds. Only a build that exits cleanly
under ``-W -n --keep-going`` is published (:mod:`.publish`): the site is copied next to
``<out>/html`` and swapped in by renaming, the PDFs replace ``<out>/pdf`` the same way, the EPUB
replaces ``<out>/epub/book.epub`` atomically. A failed build leaves them where they were, and a
build never writes into the book's sources. What a build says is :mod:`.report`'s job; whether
anything changed, :mod:`.fingerprint`'s; the Sphinx run, :mod:`.sphinx_run`'s.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from ..settings import source_date_epoch
from .epub import normalize_epub
from .fingerprint import inputs_fingerprint, inputs_stamp, up_to_date
from .publish import downloads, downloads_dir, publish_dir, publish_file
from .report import BuildError, Reporter
from .sphinx_run import run_jupyter_book


def preflight(root: Path, reporter: Reporter, for_pdf: bool = False) -> None:
    """Catch what Sphinx would report badly or not at all, before it starts: the table of
    contents, unreadable, empty or binary sources, broken images, and for a PDF characters its
    fonts lack (``content.preflight``)."""
    from ..content.lint.structure import check_toc
    from ..content.preflight import check_glyphs, check_sources

    started = time.perf_counter()
    findings = check_toc(root) + check_sources(root)
    if for_pdf and not findings:
        findings += check_glyphs(root)
    reporter.begin("check sources")
    reporter.started = started
    for finding in sorted(set(findings)):
        reporter.problem(str(finding))
    reporter.note(f"{len(findings)} problem(s)" if findings else "ok")
    reporter.end()
    if findings:
        raise BuildError("\n".join(str(f) for f in sorted(set(findings))))


def build_html(root: Path, out: Path, reporter: Reporter) -> Path:
    """Build the website; return the published ``<out>/html``.

    The PDFs and EPUB published before (``make pdf``, ``make epub``) are copied into the site
    and linked from it; those not built are neither (``sphinx_ext.downloads``). Nothing else
    writes into ``<out>/html``, so its up-to-date stamp (which counts them) holds.
    """
    from ..sphinx_ext.downloads import DOWNLOADS_ENV

    work = out / ".work"
    preflight(root, reporter)
    carried = downloads(out)
    before = os.environ.get(DOWNLOADS_ENV)
    os.environ[DOWNLOADS_ENV] = str(downloads_dir(out))  # read by Sphinx's extension
    try:
        run_jupyter_book(root, work, "html", reporter)
    finally:
        if before is None:
            del os.environ[DOWNLOADS_ENV]
        else:
            os.environ[DOWNLOADS_ENV] = before
    reporter.begin("publish")
    publish_dir(work / "_build" / "html", out / "html", extra=carried)
    return out / "html"


def build_pdf(root: Path, out: Path, reporter: Reporter) -> Path:
    """Build the book PDF and one PDF per handout: Sphinx's singlehtml, then WeasyPrint
    (tagged PDF/UA-1; see :mod:`addictionbook.pipeline.pdf`).

    Publishes ``<out>/pdf/book.pdf``, ``<out>/pdf/handouts/<name>.pdf`` and the translations
    (``<out>/pdf/handouts/<language>/<name>.pdf``) only when every
    one of them was made; returns ``<out>/pdf``.
    """
    from .pdf import make_pdfs

    work = out / ".work"
    preflight(root, reporter, for_pdf=True)
    run_jupyter_book(root, work, "singlehtml", reporter)
    staged = out / ".pdf.staged"
    shutil.rmtree(staged, ignore_errors=True)
    try:
        make_pdfs(root, work / "_build" / "singlehtml", staged)
    except Exception as error:  # WeasyPrint or a page the PDF step cannot read
        shutil.rmtree(staged, ignore_errors=True)
        raise BuildError(f"the PDF step failed: {type(error).__name__}: {error}") from error
    reporter.begin("publish")
    publish_dir(staged, out / "pdf")
    shutil.rmtree(staged, ignore_errors=True)
    return out / "pdf"


def build_epub(root: Path, out: Path, reporter: Reporter) -> Path:
    """Build the EPUB; publish ``<out>/epub/book.epub`` atomically and return its path."""
    work = out / ".work"
    built = work / "_build" / "epub" / "book.epub"
    # The epub builder packs every file it finds in its output folder, so pages, images and
    # EPUBs left there by earlier builds would ride along: it writes into an empty folder (the
    # pages are written again, the sources are not read again).
    shutil.rmtree(built.parent, ignore_errors=True)
    preflight(root, reporter)
    run_jupyter_book(root, work, "epub", reporter)
    if not built.exists():
        raise BuildError(f"Sphinx's epub builder made no {built.name} in {built.parent}.")
    normalize_epub(built, int(source_date_epoch(root)))
    target = out / "epub" / "book.epub"
    reporter.begin("publish")
    publish_file(built, target)
    return target


BUILDERS = {"html": build_html, "pdf": build_pdf, "epub": build_epub}


def shown(path: Path) -> str:
    """``path`` as the contributor typed it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def build(root: Path, out: Path, target: str, verbose: bool = False, stream=None) -> int:
    """Build ``target`` of the book at ``root`` into ``out``, report as :class:`Reporter` says;
    return the exit status (0 built or up to date, 1 failed). ``make serve`` calls it too."""
    from ..content.annotations import annotate

    stream = stream or sys.stdout
    started = time.perf_counter()
    fingerprint = inputs_fingerprint(root, target, out)
    if up_to_date(out, target, fingerprint):
        print(
            f"build {target}: nothing changed since the last build; "
            f"{shown(out / target)} is current ({time.perf_counter() - started:.1f} s)",
            file=stream,
        )
        return 0
    log = out / "logs" / f"{target}.log"
    reporter = Reporter(root, log, verbose, stream)
    print(f"build {target}: {shown(root)} -> {shown(out)}", file=stream, flush=True)
    try:
        result = BUILDERS[target](root, out, reporter)
        inputs_stamp(out, target).write_text(fingerprint + "\n", encoding="utf-8")
        failure = None
    except BuildError as error:
        failure = str(error)
    except Exception as error:  # noqa: BLE001 - anything else, said in one line (V=1: traceback)
        reporter.log.write(traceback.format_exc())
        if verbose:
            traceback.print_exc()
        failure = unexpected(root, error)
    finally:
        reporter.close()
    took = time.perf_counter() - started
    if failure is None:
        print(f"build {target}: {shown(result)} ({took:.1f} s); log: {shown(log)}", file=stream)
        return 0
    stream.flush()
    problems = [line for line in failure.splitlines() if line.strip()]
    annotate(problems, f"build {target}")
    print(
        f"\nbuild {target}: FAILED after {took:.1f} s. "
        f"The last good output in {shown(out)} was left in place.\n"
        + "\n".join(problems)
        + f"\nFix each file and line named above, then build again. Full log: {shown(log)}"
        + ("" if verbose else " (or run with V=1 to see it as the build runs)"),
        file=sys.stderr,
    )
    return 1


def unexpected(root: Path, error: Exception) -> str:
    """One line for an error the build did not foresee: a file vanished, a disk filled up..."""
    if isinstance(error, FileNotFoundError) and error.filename:
        name = str(error.filename).replace(f"{root}/", "")
        return (
            f"{name}: the file disappeared during the build (was it moved or deleted?); "
            "restore it or wait for the tool that moved it, then build again"
        )
    if isinstance(error, OSError) and error.filename:
        name = str(error.filename).replace(f"{root}/", "")
        return f"{name}: {error.strerror}; fix the file or its folder, then build again"
    return (
        f"the build stopped on an unexpected {type(error).__name__}: {error} "
        "(run again with V=1 for the traceback, and report it if it persists)"
    )
