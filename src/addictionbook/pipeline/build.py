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
import time
import zipfile
from pathlib import Path

STRICT = ["-W", "-n", "--keep-going"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PROBLEM = re.compile(r"(WARNING|ERROR|CRITICAL|Error|Traceback|! )")
NOISE = re.compile(r"build finished with problems|Kernel is running over TCP")


class BuildError(RuntimeError):
    """A build step failed; the message says which and what to do."""


#: What a copy of the book needs in order to build (the helper package comes from the install).
BOOK_FILES = ("_config.yml", "_toc.yml", "book", "figures", "_static", "_templates")


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


def preflight(root: Path) -> None:
    """Catch table-of-contents mistakes before Sphinx, with a message that names ``_toc.yml``."""
    from ..content.lint import check_toc

    findings = check_toc(root)
    if findings:
        raise BuildError("\n".join(str(f) for f in findings))


def start_notebooks(root: Path, work: Path) -> subprocess.Popen | None:
    """Start executing the notebooks that need it, in Jupyter kernels, in parallel with
    Sphinx's start-up; Sphinx waits for them before it reads a page (see
    ``addictionbook.execution.cache.start_pre_execution``)."""
    from ..execution.cache import start_pre_execution

    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch(root)  # kernels inherit it
    return start_pre_execution(root, work)


def run_jupyter_book(root: Path, work: Path, builder: str) -> None:
    """Execute stale notebooks and run Sphinx at the same time; see :func:`run_sphinx`."""
    notebooks = start_notebooks(root, work)
    try:
        run_sphinx(root, work, builder)
    finally:
        if notebooks is not None:
            notebooks.wait()


def run_sphinx(root: Path, work: Path, builder: str) -> None:
    """Run one strict Jupyter Book build into ``work``; raise ``BuildError`` on failure.

    The output streams through as usual; the problem lines (warnings, errors, LaTeX errors) are
    collected and repeated in the error, so the cause is the last thing a contributor reads.
    """
    cmd = [sys.executable, "-m", "addictionbook.pipeline.jupyter_book_cli", "build", str(root)]
    cmd += ["--path-output", str(work), "--builder"]
    # Jupyter Book 1.x names its own builders; any other Sphinx builder (epub) goes through
    # ``--builder custom``.
    cmd += [builder] if builder in ("html", "pdflatex") else ["custom", "--custom-builder", builder]
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": source_date_epoch(root),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    problems: list[str] = []
    with subprocess.Popen(
        cmd + STRICT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            plain = ANSI.sub("", line).rstrip()
            if PROBLEM.search(plain) and not NOISE.search(plain):
                problems.append(plain)
    if proc.returncode != 0:
        # Sphinx does not re-read a page whose warnings failed the build, so a second run would
        # pass without fixing anything; dropping the saved environment forces a full re-read
        # (notebook outputs stay cached).
        (work / "_build" / ".doctrees" / "environment.pickle").unlink(missing_ok=True)
        listed = "\n".join(f"  {p}" for p in problems[:40]) or "  (see the log above)"
        raise BuildError(
            f"the {builder} build failed (exit {proc.returncode}). Problems:\n{listed}\n"
            "Fix each file and line named above, then build again."
        )


def publish_dir(built: Path, target: Path) -> None:
    """Replace ``target`` by a copy of ``built``, swapping by rename so it is never half-written."""
    fresh = target.with_name(f".{target.name}.new")
    stale = target.with_name(f".{target.name}.old")
    for leftover in (fresh, stale):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(built, fresh, ignore=shutil.ignore_patterns(".buildinfo"))
    if target.exists():
        target.rename(stale)
    fresh.rename(target)
    shutil.rmtree(stale, ignore_errors=True)


def publish_file(built: Path, target: Path) -> None:
    """Replace ``target`` by ``built`` atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(f".{target.name}.new")
    shutil.copyfile(built, fresh)
    os.replace(fresh, target)


def mirror_downloads(out: Path) -> None:
    """Copy the published PDFs and EPUB into the site (``html/pdf/``, ``html/epub/``), where
    its download links point."""
    for name in ("pdf", "epub"):
        if (out / name).is_dir() and (out / "html").is_dir():
            shutil.copytree(out / name, out / "html" / name, dirs_exist_ok=True)


def build_html(root: Path, out: Path) -> Path:
    """Build the website; return the published ``<out>/html`` (with the PDFs and EPUB, if built)."""
    work = out / ".work"
    preflight(root)
    run_jupyter_book(root, work, "html")
    publish_dir(work / "_build" / "html", out / "html")
    mirror_downloads(out)
    return out / "html"


def build_pdf(root: Path, out: Path) -> Path:
    """Build the book PDF and one PDF per handout with xelatex, in one LaTeX run.

    Publishes ``<out>/pdf/book.pdf`` and ``<out>/pdf/handouts/<name>.pdf`` only when every
    one of them was made; returns ``<out>/pdf``.
    """
    from ..content.book import HANDOUT_PREFIX, handout_docs

    work = out / ".work"
    latex = work / "_build" / "latex"
    names = [doc.removeprefix(HANDOUT_PREFIX) for doc in handout_docs(root)]
    expected = [latex / "book.pdf"] + [latex / f"{name}.pdf" for name in names]
    for path in expected:
        path.unlink(missing_ok=True)
    preflight(root)
    run_jupyter_book(root, work, "pdflatex")
    missing = [p.name for p in expected if not p.exists()]
    if missing:
        raise BuildError(f"LaTeX produced no {', '.join(missing)}; see the .log files in {latex}.")
    staged = out / ".pdf.staged"
    shutil.rmtree(staged, ignore_errors=True)
    (staged / "handouts").mkdir(parents=True)
    shutil.copyfile(latex / "book.pdf", staged / "book.pdf")
    for name in names:
        shutil.copyfile(latex / f"{name}.pdf", staged / "handouts" / f"{name}.pdf")
    publish_dir(staged, out / "pdf")
    shutil.rmtree(staged, ignore_errors=True)
    mirror_downloads(out)
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
    mirror_downloads(out)
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


def inputs_fingerprint(root: Path, target: str) -> str:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the book (site, PDFs or EPUB) safely.")
    parser.add_argument("target", choices=sorted(BUILDERS))
    parser.add_argument("--root", type=Path, default=Path("."), help="the book's top folder")
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default ROOT/_build)"
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out = (args.out or root / "_build").resolve()
    started = time.perf_counter()
    fingerprint = inputs_fingerprint(root, args.target)
    if up_to_date(out, args.target, fingerprint):
        print(
            f"build {args.target}: nothing changed since the last build; "
            f"{out / args.target} is current ({time.perf_counter() - started:.1f} s)"
        )
        return 0
    try:
        result = BUILDERS[args.target](root, out)
        inputs_stamp(out, args.target).write_text(fingerprint + "\n", encoding="utf-8")
    except BuildError as error:
        print(
            f"\nbuild {args.target}: FAILED: {error}\n"
            f"The last good output in {out} was left in place.",
            file=sys.stderr,
        )
        return 1
    print(f"build {args.target}: {result} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
