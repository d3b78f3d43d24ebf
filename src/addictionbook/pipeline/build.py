"""Build the site, the PDFs or the EPUB without ever losing the last good output.

``python -m addictionbook.pipeline.build html|pdf|epub [--root DIR] [--out DIR]``

Jupyter Book builds into a persistent work area (``<out>/.work``), which keeps Sphinx's
incremental environment and the notebook cache between builds. Only a build that exits cleanly
under ``-W -n --keep-going`` is published: the site is copied next to ``<out>/html`` and swapped
in by renaming, the PDFs replace ``<out>/pdf`` the same way, the EPUB replaces
``<out>/epub/book.epub`` atomically. A failed build leaves them where they were, and a build
never writes into the book's sources.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import threading
import time
import traceback
import zipfile
from contextlib import contextmanager
from pathlib import Path

STRICT = ["-W", "-n", "--keep-going"]
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
PROBLEM = re.compile(r"(WARNING|ERROR|CRITICAL|Error|Exception|^! )")
NOISE = re.compile(
    r"build finished with problems|Kernel is running over TCP|^Traceback|^\s+File \"|"
    r"^There was an error in building your book|^\s*raise |RemovedInSphinx|"
    r"^\[IPKernelApp\]|^zmq\.error|^nbclient\.exceptions\.|Traceback \(most recent call last\)|"
    r"^-+> "
)
#: Problems said better: (pattern on a problem line, what to print instead).
PLAINER = (
    (
        re.compile(r"^(?P<file>\S+): WARNING: Executing notebook failed: CellTimeoutError"),
        "{file}: a code cell ran past the notebook time limit (execute: timeout: in "
        "_config.yml); make the cell finish sooner (no waiting for input or the network)",
    ),
    (
        re.compile(r"^(?P<file>\S+): WARNING: Executing notebook failed: CellExecutionError"),
        "{file}: a code cell raised the error below; fix that cell",
    ),
)
#: A data URI (Sphinx's epub step logs the gallery's images as ``data:image/png;base64,...``).
BLOB = re.compile(r"(data:[\w.+-]+/[\w.+-]+;base64,)[A-Za-z0-9+/=]{64,}")
#: Longest line printed on the terminal; the log has the whole line.
LONGEST = 400


class BuildError(RuntimeError):
    """A build step failed; the message says which and what to do."""


#: What a copy of the book needs in order to build (the helper package comes from the install).
BOOK_FILES = ("_config.yml", "_toc.yml", "book", "figures", "_static", "_templates", "locales")


def copy_sources(root: Path, target: Path) -> Path:
    """Copy the book's sources (not its build) to ``target``: for tests and benchmarks."""
    target.mkdir(parents=True)
    for name in BOOK_FILES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def jupyter_book() -> str:
    """The ``jupyter-book`` command of this environment (next to the running Python)."""
    beside = Path(sys.executable).parent / "jupyter-book"
    return str(beside) if beside.exists() else shutil.which("jupyter-book") or "jupyter-book"


def source_date_epoch(root: Path) -> str:
    """Seconds of the last commit, so two builds of one commit embed the same dates."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    result = subprocess.run(
        ["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True
    )
    return result.stdout.strip() or "0"


def shorten(line: str) -> str:
    """A log line without blobs: data URIs cut to their header (the log keeps the rest)."""
    return BLOB.sub(
        lambda m: f"{m.group(1)}... ({len(m.group(0)) - len(m.group(1))} characters)", line
    )


def for_terminal(line: str) -> str:
    """A line short enough to read on a terminal (no blobs, at most ``LONGEST`` characters)."""
    line = shorten(line)
    if len(line) > LONGEST:
        line = f"{line[:LONGEST]}... ({len(line) - LONGEST} more characters in the log)"
    return line


def verbose_requested(flag: bool = False) -> bool:
    """``--verbose`` or ``V=1`` in the environment (``make html V=1``)."""
    return flag or os.environ.get("V", "") not in ("", "0")


class Reporter:
    """What a build says: one line per step by default, everything with ``V=1``.

    Every line of the build's output (Sphinx's, the notebooks', LaTeX's) goes to the log file
    in full. On the terminal a build shows one line per step with its time and a count
    (pages read, pages written, notebooks run); on a terminal that is a tty the count moves as
    the step runs. Warnings and errors are collected with their file and line (relative to the
    book), and repeated at the end.
    """

    #: Steps whose lines are counted: (pattern, step, what is counted).
    STEPS = (
        (re.compile(r"^reading sources\.\.\. \[\s*\d+%\]"), "read pages", "page"),
        (re.compile(r"^writing output\.\.\. \[\s*\d+%\]"), "write pages", "page"),
        (re.compile(r"^processing \S+\.tex\.\.\."), "write LaTeX", "document"),
        (re.compile(r"^copying images\.\.\. \[\s*\d+%\]"), "copy images", "image"),
    )
    #: Lines that start a step of their own.
    MARKERS = (
        (re.compile(r"^generating indices"), "finish pages (indices, search)"),
        (re.compile(r"^writing mimetype"), "pack the EPUB"),
        (re.compile(r"^Converting book latex into PDF|^latexmk "), "typeset PDFs (LaTeX)"),
    )

    def __init__(self, root: Path, log: Path, verbose: bool, stream=None) -> None:
        self.root = f"{root}/"
        self.path = log
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log.open("w", encoding="utf-8")
        self.verbose = verbose
        self.stream = stream or sys.stdout
        self.live = not verbose and self.stream.isatty()
        self.lock = threading.Lock()
        self.problems: list[str] = []
        self.step: str | None = None
        self.unit = ""
        self.count = 0
        self.notes: list[str] = []
        self.tally: dict[str, int] = {}
        self.started = 0.0

    def begin(self, step: str, unit: str = "") -> None:
        self.end()
        self.step, self.unit, self.count, self.notes, self.tally = step, unit, 0, [], {}
        self.started = time.perf_counter()

    def end(self) -> None:
        if self.step is None:
            return
        took = time.perf_counter() - self.started
        done = [f"{self.count} {self.unit}{'s' if self.count != 1 else ''}"] if self.unit else []
        detail = ", ".join(
            done
            + self.notes
            + [f"{n} notebook{'s' if n != 1 else ''} {what}" for what, n in self.tally.items()]
        )
        self.log.write(f"[step] {self.step}: {detail} ({took:.1f} s)\n")
        if not self.verbose:
            clear = "\r\x1b[K" if self.live else ""
            text = f"  {self.step:<28} {detail}".rstrip()
            self.stream.write(f"{clear}{text:<72} {took:6.1f} s\n")
            self.stream.flush()
        self.step = None

    def note(self, text: str) -> None:
        """Add a detail to the current step's line (e.g. how many notebooks ran)."""
        self.notes.append(text)

    def problem(self, text: str) -> None:
        with self.lock:
            self.log.write(text + "\n")
            self.problems.append(text)

    def line(self, raw: str) -> None:
        """One line of a build's output."""
        plain = shorten(ANSI.sub("", raw).rstrip("\r\n"))
        with self.lock:
            self.log.write(plain + "\n")
            if self.verbose:
                self.stream.write(for_terminal(plain) + "\n")
                self.stream.flush()
            self._follow(plain)

    def _follow(self, plain: str) -> None:
        for pattern, step, unit in self.STEPS:
            if pattern.match(plain):
                if self.step != step:
                    self.begin(step, unit)
                self.count += 1
                if self.live:
                    self.stream.write(f"\r\x1b[K  {step:<28} {self.count} {unit}s")
                    self.stream.flush()
                return
        for pattern, step in self.MARKERS:
            if pattern.match(plain) and self.step != step:
                self.begin(step)
        match = re.search(r"executing (\d+) notebook", plain)
        if match:
            self.tally["executed"] = int(match.group(1))
        if "Using cached notebook" in plain:
            self.tally["from the cache"] = self.tally.get("from the cache", 0) + 1
        elif "Executing notebook using" in plain:
            self.tally["executed"] = self.tally.get("executed", 0) + 1
        if PROBLEM.search(plain) and not NOISE.search(plain):
            problem = plain.replace(self.root, "")
            for pattern, plainer in PLAINER:
                match = pattern.match(problem)
                if match:
                    problem = plainer.format(**match.groupdict())
            self.problems.append(for_terminal(problem))

    def close(self) -> None:
        self.end()
        self.log.close()


def read_into(reporter: Reporter, handle) -> None:
    for line in handle:
        reporter.line(line)


@contextmanager
def output_to(fd: int):
    """Point this process's stdout and stderr at ``fd`` while child processes are started."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    try:
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for copy in saved:
            os.close(copy)


#: The reporter of the build that :func:`main` runs (builders reach it through the helpers).
CURRENT: Reporter | None = None


def current_reporter(root: Path, work: Path, builder: str) -> Reporter:
    """The running build's reporter; outside :func:`main`, one that streams everything."""
    if CURRENT is not None:
        return CURRENT
    return Reporter(root, work.parent / "logs" / f"{builder}.log", verbose=True)


def preflight(root: Path, reporter: Reporter | None = None, for_pdf: bool = False) -> None:
    """Catch what Sphinx would report badly or not at all, before it starts: the table of
    contents, unreadable, empty or binary sources, broken images, and for a PDF characters its
    fonts lack (``content.preflight``)."""
    from ..content.lint.structure import check_toc
    from ..content.preflight import check_glyphs, check_sources

    started = time.perf_counter()
    findings = check_toc(root) + check_sources(root)
    if for_pdf and not findings:
        findings += check_glyphs(root)
    reporter = reporter or CURRENT
    if reporter is not None:
        reporter.begin("check sources")
        reporter.started = started
        for finding in sorted(set(findings)):
            reporter.problem(str(finding))
        reporter.note(f"{len(findings)} problem(s)" if findings else "ok")
        reporter.end()
    if findings:
        raise BuildError("\n".join(str(f) for f in sorted(set(findings))))


def start_notebooks(root: Path, work: Path) -> subprocess.Popen | None:
    """Start executing the notebooks that need it, in Jupyter kernels, in parallel with
    Sphinx's start-up; Sphinx waits for them before it reads a page (see
    ``addictionbook.execution.cache.start_pre_execution``)."""
    from ..execution.cache import start_pre_execution

    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(root)  # kernels inherit it
    return start_pre_execution(root, work)


def run_jupyter_book(
    root: Path, work: Path, builder: str, reporter: Reporter | None = None
) -> None:
    """Execute stale notebooks and run Sphinx at the same time; see :func:`run_sphinx`.

    The notebooks' output goes through the reporter like Sphinx's: into the log, and on the
    terminal only with ``V=1``.
    """
    reporter = reporter or current_reporter(root, work, builder)
    reporter.begin("run notebooks, start Sphinx")
    read_end, write_end = os.pipe()
    try:
        with output_to(write_end):
            notebooks = start_notebooks(root, work)
    finally:
        os.close(write_end)
    reader = threading.Thread(
        target=read_into,
        args=(reporter, os.fdopen(read_end, encoding="utf-8", errors="replace")),
        daemon=True,
    )
    reader.start()
    try:
        run_sphinx(root, work, builder, reporter)
    finally:
        if notebooks is not None:
            notebooks.wait()
        reader.join(timeout=10)


def run_sphinx(root: Path, work: Path, builder: str, reporter: Reporter) -> None:
    """Run one strict Jupyter Book build into ``work``; raise ``BuildError`` on failure.

    Its output goes through ``reporter``, which collects the problem lines (warnings, errors,
    LaTeX errors) for the error, so the cause is the last thing a contributor reads.
    """
    cmd = [jupyter_book(), "build", str(root)]
    cmd += ["--path-output", str(work), "--builder"]
    # Jupyter Book 1.x names its own builders; any other Sphinx builder (epub) goes through
    # ``--builder custom``.
    cmd += [builder] if builder in ("html", "pdflatex") else ["custom", "--custom-builder", builder]
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": source_date_epoch(root),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    with subprocess.Popen(
        cmd + STRICT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    ) as proc:
        assert proc.stdout is not None
        read_into(reporter, proc.stdout)
    reporter.end()
    if proc.returncode != 0:
        # Sphinx does not re-read a page whose warnings failed the build, so a second run would
        # pass without fixing anything; dropping the saved environment forces a full re-read
        # (notebook outputs stay cached).
        from ..upstream.sphinx import forget_environment_after_failure

        forget_environment_after_failure(work / "_build" / ".doctrees")
        listed = "\n".join(dict.fromkeys(reporter.problems[:40])) or "(no warning was printed)"
        raise BuildError(listed)


def publish_dir(built: Path, target: Path, extra: dict[str, Path] | None = None) -> None:
    """Replace ``target`` by a copy of ``built`` (and of each folder in ``extra``, at its
    relative name), swapping by rename so it is never half-written."""
    if CURRENT is not None:
        CURRENT.begin("publish")
    fresh = target.with_name(f".{target.name}.new")
    stale = target.with_name(f".{target.name}.old")
    for leftover in (fresh, stale):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(built, fresh, ignore=shutil.ignore_patterns(".buildinfo"))
    for name, folder in (extra or {}).items():
        shutil.copytree(folder, fresh / name, dirs_exist_ok=True)
    if target.exists():
        target.rename(stale)
    fresh.rename(target)
    shutil.rmtree(stale, ignore_errors=True)


def publish_file(built: Path, target: Path) -> None:
    """Replace ``target`` by ``built`` atomically."""
    if CURRENT is not None:
        CURRENT.begin("publish")
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(f".{target.name}.new")
    shutil.copyfile(built, fresh)
    os.replace(fresh, target)


def downloads_dir(out: Path) -> Path:
    """The folder whose ``pdf/`` and ``epub/`` the site links and carries: ``out`` itself
    unless ``ADDICTIONBOOK_DOWNLOADS`` names another (the preview uses ``make``'s)."""
    from ..sphinx_ext.downloads import DOWNLOADS_ENV

    return Path(os.environ.get(DOWNLOADS_ENV) or out)


def downloads(out: Path) -> dict[str, Path]:
    """The published PDFs and EPUB the site carries (``pdf/``, ``epub/``), as they are now."""
    base = downloads_dir(out)
    return {name: base / name for name in ("pdf", "epub") if (base / name).is_dir()}


def build_html(root: Path, out: Path) -> Path:
    """Build the website; return the published ``<out>/html``.

    The PDFs and EPUB published before (``make pdf``, ``make epub``) are copied into the site
    and linked from it; those not built are neither (``sphinx_ext.downloads``). Nothing else
    writes into ``<out>/html``, so its up-to-date stamp (which counts them) holds.
    """
    from ..sphinx_ext.downloads import DOWNLOADS_ENV

    work = out / ".work"
    preflight(root)
    carried = downloads(out)
    before = os.environ.get(DOWNLOADS_ENV)
    os.environ[DOWNLOADS_ENV] = str(downloads_dir(out))  # read by Sphinx's extension
    try:
        run_jupyter_book(root, work, "html")
    finally:
        if before is None:
            del os.environ[DOWNLOADS_ENV]
        else:
            os.environ[DOWNLOADS_ENV] = before
    publish_dir(work / "_build" / "html", out / "html", extra=carried)
    return out / "html"


def build_pdf(root: Path, out: Path) -> Path:
    """Build the book PDF and one PDF per handout: Sphinx's singlehtml, then WeasyPrint
    (tagged PDF/UA-1; see :mod:`addictionbook.pipeline.pdf`).

    Publishes ``<out>/pdf/book.pdf``, ``<out>/pdf/handouts/<name>.pdf`` and the translations
    (``<out>/pdf/handouts/<language>/<name>.pdf``) only when every
    one of them was made; returns ``<out>/pdf``.
    """
    from .pdf import make_pdfs

    work = out / ".work"
    preflight(root, for_pdf=True)
    run_jupyter_book(root, work, "singlehtml")
    staged = out / ".pdf.staged"
    shutil.rmtree(staged, ignore_errors=True)
    try:
        make_pdfs(root, work / "_build" / "singlehtml", staged)
    except Exception as error:  # WeasyPrint or a page the PDF step cannot read
        shutil.rmtree(staged, ignore_errors=True)
        raise BuildError(f"the PDF step failed: {type(error).__name__}: {error}") from error
    publish_dir(staged, out / "pdf")
    shutil.rmtree(staged, ignore_errors=True)
    return out / "pdf"


def normalize_epub(path: Path, epoch: int) -> None:
    """Rewrite the EPUB at ``path`` so that its bytes depend on its contents only.

    Sphinx's epub builder zips its files with their modification times, so two builds of one
    commit differ in every entry's date. The entries are written again in the same order (the
    ``mimetype`` first and stored, as EPUB requires), each dated by ``epoch`` (the last commit;
    the zip format starts in 1980) with one set of permissions.
    """
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # 1980-01-01, the earliest zip date
    fresh = path.with_name(f".{path.name}.normalized")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(fresh, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = entry.compress_type
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the build machine
            target.writestr(info, source.read(entry), compresslevel=9)
    os.replace(fresh, path)


def build_epub(root: Path, out: Path) -> Path:
    """Build the EPUB; publish ``<out>/epub/book.epub`` atomically and return its path."""
    work = out / ".work"
    built = work / "_build" / "epub" / "book.epub"
    # The epub builder packs every file it finds in its output folder, so pages, images and
    # EPUBs left there by earlier builds would ride along: it writes into an empty folder (the
    # pages are written again, the sources are not read again).
    shutil.rmtree(built.parent, ignore_errors=True)
    preflight(root)
    run_jupyter_book(root, work, "epub")
    if not built.exists():
        raise BuildError(f"Sphinx's epub builder made no {built.name} in {built.parent}.")
    normalize_epub(built, int(source_date_epoch(root)))
    target = out / "epub" / "book.epub"
    publish_file(built, target)
    return target


BUILDERS = {"html": build_html, "pdf": build_pdf, "epub": build_epub}
#: What each target publishes: when it is all there and no input changed, nothing is built.
PUBLISHED = {"html": ["html/index.html"], "pdf": ["pdf/book.pdf"], "epub": ["epub/book.epub"]}
#: Settings each target reads from the environment.
SETTINGS = {
    "html": ["SOURCE_DATE_EPOCH"],
    "pdf": ["SOURCE_DATE_EPOCH", "ADDICTIONBOOK_PAPER"],
    "epub": ["SOURCE_DATE_EPOCH"],
}


def inputs_fingerprint(root: Path, target: str, out: Path | None = None) -> str:
    """A hash of everything a build of ``target`` reads, so an unchanged book is not rebuilt.

    The book's files (``BOOK_FILES``, at their absolute paths: Sphinx's saved state holds them),
    the whole helper package (figures, Sphinx extension, LaTeX style), the installed Python
    distributions and Debian packages, the last commit (page dates come from git) and the
    settings read from the environment.
    """
    digest = hashlib.sha256(f"{target}\0{sys.version}\0".encode())
    package = Path(__file__).resolve().parents[1]  # the whole addictionbook package
    files = []
    for name in BOOK_FILES:
        path = root / name
        files += [path] if path.is_file() else sorted(path.glob("**/*"))
    files += [p for p in sorted(package.glob("**/*")) if "__pycache__" not in p.parts]
    for path in files:
        if path.is_file():
            digest.update(f"{path}\0".encode() + path.read_bytes())
    digest.update("\0".join(sorted(os.listdir(sysconfig.get_paths()["purelib"]))).encode())
    dpkg = Path("/var/lib/dpkg/status")
    if dpkg.exists():
        digest.update(f"{dpkg.stat().st_size}:{dpkg.stat().st_mtime_ns}".encode())
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout
    digest.update(head.encode())
    for name in SETTINGS[target]:
        digest.update(f"{name}={os.environ.get(name, '')}\0".encode())
    if target == "html" and out is not None:  # the site carries the PDFs and EPUB built
        for folder in downloads(out).values():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    stat = path.stat()
                    digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def inputs_stamp(out: Path, target: str) -> Path:
    return out / ".work" / f"addictionbook-{target}.inputs"


def up_to_date(out: Path, target: str, fingerprint: str) -> bool:
    """Whether the published output of ``target`` was built from exactly these inputs."""
    stamp = inputs_stamp(out, target)
    return (
        stamp.exists()
        and stamp.read_text(encoding="utf-8").strip() == fingerprint
        and all((out / path).exists() for path in PUBLISHED[target])
    )


def shown(path: Path) -> str:
    """``path`` as the contributor typed it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def build(root: Path, out: Path, target: str, verbose: bool = False, stream=None) -> int:
    """Build ``target`` of the book at ``root`` into ``out``, report as :class:`Reporter` says;
    return the exit status (0 built or up to date, 1 failed). ``make serve`` calls it too."""
    global CURRENT
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
    CURRENT = reporter = Reporter(root, log, verbose, stream)
    print(f"build {target}: {shown(root)} -> {shown(out)}", file=stream, flush=True)
    try:
        result = BUILDERS[target](root, out)
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
        CURRENT = None
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the book (site, PDFs or EPUB) safely.")
    parser.add_argument("target", choices=sorted(BUILDERS))
    parser.add_argument("--root", type=Path, default=Path("."), help="the book's top folder")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default ROOT/_build)"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="print the whole build log (also: V=1)"
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out = (args.out or root / "_build").resolve()
    return build(root, out, args.target, verbose_requested(args.verbose))


if __name__ == "__main__":
    sys.exit(main())
