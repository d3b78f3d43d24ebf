"""``make bench``: wall times of the build steps contributors and CI wait for, beside stock.

Each step runs on a copy of the book in a temporary folder, ``--runs`` times, and the median is
printed next to the same step in a stock configuration (``jupyter-book build`` with
``execute_notebooks: force``, no staging) and the ratio. ``--scale 10,50,200`` times a clean
build and a one-chapter edit of synthetic books of N chapters, half of them notebooks drawing
registered figures. Figures, not assertions: the tests prove correctness, this measures speed.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from addictionbook.content.sources import copy_sources
from addictionbook.figures.registry import FIGURES


def jupyter_book() -> str:
    """Stock ``jupyter-book``: the command of this environment (next to the running Python)."""
    beside = Path(sys.executable).parent / "jupyter-book"
    return str(beside) if beside.exists() else shutil.which("jupyter-book") or "jupyter-book"


def timed(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> float:
    """Run ``cmd`` and return its wall time; a failing command stops the benchmark."""
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{result.stdout[-2000:]}{result.stderr}")
    return elapsed


def ours(book: Path, target: str = "html", env: dict[str, str] | None = None) -> float:
    return timed(
        [
            sys.executable,
            "-m",
            "addictionbook.cli",
            "build",
            target,
            "--root",
            str(book),
            "--out",
            str(book / "_build"),
        ],
        env=env,
    )


def stock(book: Path, builder: str = "html", env: dict[str, str] | None = None) -> float:
    """Stock ``jupyter-book build``; builders it has no name for go through ``custom``."""
    named = (
        ["--builder", builder]
        if builder in ("html", "pdflatex")
        else [
            "--builder",
            "custom",
            "--custom-builder",
            builder,
        ]
    )
    return timed(
        [jupyter_book(), "build", str(book), "--path-output", str(book / "_stock"), *named],
        env=env,
    )


def stock_copy(book: Path) -> None:
    """Turn a copy into the stock configuration: force execution on every build."""
    config = book / "_config.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("execute_notebooks: cache", "execute_notebooks: force"), encoding="utf-8"
    )


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def edit_notebook(book: Path) -> None:
    chapter = book / "book" / "layered-model.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(
        text.replace('show("fig-layered-model")', f'show("fig-layered-model")  # {time.time()}', 1),
        encoding="utf-8",
    )


def helper_env(workdir: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the helper package first on PYTHONPATH, to edit without touching the real one."""
    src = workdir / "src"
    import addictionbook

    shutil.copytree(
        Path(addictionbook.__file__).parent,
        src / "addictionbook",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    return src / "addictionbook", {**os.environ, "PYTHONPATH": str(src)}


def steps(root: Path, workdir: Path, runs: int) -> list[tuple[str, list[float], list[float]]]:
    """Run every step ``runs`` times for ours and stock; return (name, ours, stock) times."""
    table: dict[str, tuple[list[float], list[float]]] = {}

    def record(name: str, mine: float, theirs: float | None) -> None:
        row = table.setdefault(name, ([], []))
        row[0].append(mine)
        if theirs is not None:
            row[1].append(theirs)

    for run in range(runs):
        mine = copy_sources(root, workdir / f"ours-{run}")
        theirs = copy_sources(root, workdir / f"stock-{run}")
        stock_copy(theirs)
        package, env = helper_env(workdir / f"helper-{run}")
        record("clean HTML build", ours(mine, env=env), stock(theirs, env=env))
        record("no-op rebuild", ours(mine, env=env), stock(theirs, env=env))
        for book in (mine, theirs):  # an input changed, no page to read: Sphinx's own no-op
            append(book / "_config.yml", f"\n# a comment added at {time.time()}\n")
        record("config comment edited", ours(mine, env=env), stock(theirs, env=env))
        for book in (mine, theirs):
            append(book / "book" / "attunement.md", f"\nA sentence added at {time.time()}.\n")
        record("one text chapter edited", ours(mine, env=env), stock(theirs, env=env))
        for book in (mine, theirs):
            edit_notebook(book)
        record("one notebook chapter edited", ours(mine, env=env), stock(theirs, env=env))
        append(package / "figures" / "layered_model.py", f"\n# edited at {time.time()}\n")
        record("helper package edited", ours(mine, env=env), stock(theirs, env=env))
        record("full-book PDF + handouts", *pdf_step(mine, theirs, env))
        record("EPUB", ours(mine, "epub", env=env), stock(theirs, "epub", env=env))
        figures = workdir / f"figures-{run}"
        record(
            "figure export",
            timed([sys.executable, "-m", "addictionbook.cli", "figures", str(figures)], env=env),
            None,
        )
    return [(name, a, b) for name, (a, b) in table.items()]


def pdf_step(mine: Path, theirs: Path, env: dict[str, str]) -> tuple[float, float]:
    """Ours: Sphinx's singlehtml (every page written again) and WeasyPrint, notebooks cached;
    stock: ``--builder pdflatex`` (Sphinx's LaTeX and xelatex, notebooks executed)."""
    shutil.rmtree(mine / "_build" / ".work" / "_build" / "singlehtml", ignore_errors=True)
    return ours(mine, "pdf", env=env), stock(theirs, "pdflatex", env=env)


def pdf_steps(root: Path, workdir: Path, runs: int) -> list[tuple[str, list[float], list[float]]]:
    """Only the PDF row (``--steps pdf``): each run on fresh copies, both after an untimed
    site build, as in the full table (ours then has its notebook cache, stock its doctrees)."""
    mine_times, stock_times = [], []
    for run in range(runs):
        mine = copy_sources(root, workdir / f"pdf-ours-{run}")
        theirs = copy_sources(root, workdir / f"pdf-stock-{run}")
        stock_copy(theirs)
        ours(mine)
        stock(theirs)
        a, b = pdf_step(mine, theirs, dict(os.environ))
        mine_times.append(a)
        stock_times.append(b)
    return [("full-book PDF + handouts", mine_times, stock_times)]


def profile_steps(root: Path, workdir: Path, runs: int) -> list[tuple[str, list[float], list]]:
    """Only the clinic-edition row (``--steps profile``): the sample profile's edition (every
    client handout, both languages), timed as ``make handouts PROFILE=...`` runs it after an
    untimed ``make pdf`` (the PDF build then finds nothing changed); its last edition removed
    before each run, so each is laid out. Stock Jupyter Book has nothing like it."""
    book = copy_sources(root, workdir / "profile-ours")
    shutil.copytree(root / "profiles", book / "profiles", dirs_exist_ok=True)
    ours(book, "pdf")
    command = [sys.executable, "-m", "addictionbook.cli", "build", "handouts"]
    command += ["--profile", str(book / "profiles" / "sample-valley.yml")]
    command += ["--root", str(book), "--out", str(book / "_build")]
    times = []
    for _ in range(runs):
        shutil.rmtree(book / "_build" / "profiles", ignore_errors=True)
        times.append(timed(command))
    return [("clinic edition, PDFs built", times, [])]


def synthetic_book(root: Path, target: Path, chapters: int) -> Path:
    """A book of ``chapters`` chapters, half of them notebooks drawing registered figures."""
    book = copy_sources(root, target)
    shutil.rmtree(book / "book")
    (book / "book").mkdir()
    shutil.copy2(root / "book" / "references.bib", book / "book" / "references.bib")
    (book / "book" / "index.md").write_text("# Synthetic book\n\nFor the benchmark.\n")
    paragraph = (
        "A paragraph of teaching text about attunement, regulation and relationships, "
        "long enough to look like a real chapter. "
    ) * 12
    entries = []
    for n in range(chapters):
        name = f"chapter-{n:03d}"
        entries.append(f"      - file: book/{name}")
        body = f"# Chapter {n}\n\n" + "\n\n".join([paragraph] * 6) + "\n"
        if n % 2:
            spec = FIGURES[n % len(FIGURES)]
            front = (
                "---\njupytext:\n  text_representation:\n    extension: .md\n"
                "    format_name: myst\nkernelspec:\n  display_name: Python 3\n"
                "  language: python\n  name: python3\n---\n\n"
            )
            cell = (
                "```{code-cell} ipython3\n:tags: [remove-input]\n:mystnb:\n:  figure:\n"
                f":    name: fig-{name}\n:    caption: A figure.\n:  image:\n"
                f":    alt: A conceptual figure.\n\nfrom addictionbook.figures import show\n\n"
                f'show("{spec.id}")\n```\n'
            )
            body = front + body + "\n" + cell
        (book / "book" / f"{name}.md").write_text(body, encoding="utf-8")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: book/index\nparts:\n  - caption: Chapters\n    chapters:\n"
        + "\n".join(entries)
        + "\n",
        encoding="utf-8",
    )
    return book


def scale(root: Path, workdir: Path, sizes: list[int]) -> list[tuple[int, float, float]]:
    rows = []
    for n in sizes:
        book = synthetic_book(root, workdir / f"scale-{n}", n)
        clean = ours(book)
        append(book / "book" / "chapter-000.md", "\nOne more sentence.\n")
        rows.append((n, clean, ours(book)))
    return rows


def fmt(values: list[float]) -> str:
    return f"{statistics.median(values):7.1f}" if values else "      -"


def run_bench(root: Path, runs: int, scale_arg: str, skip_steps: bool, steps_arg: str) -> int:
    """``addictionbook bench``: print the step table (and the scale table), medians of ``runs``."""
    root = root.resolve()
    with tempfile.TemporaryDirectory(prefix="addictionbook-bench-") as tmp:
        workdir = Path(tmp)
        if not skip_steps:
            print(f"Median of {runs} run(s), wall seconds, on {os.cpu_count()} cores\n")
            print(f"| {'step':<28} | {'ours':>7} | {'stock':>7} | {'ratio':>5} |")
            print(f"|{'-' * 30}|{'-' * 9}|{'-' * 9}|{'-' * 7}|")
            table = {"pdf": pdf_steps, "profile": profile_steps}.get(steps_arg, steps)
            for name, mine, theirs in table(root, workdir, runs):
                ratio = (
                    f"{statistics.median(mine) / statistics.median(theirs):5.2f}"
                    if theirs
                    else "    -"
                )
                print(f"| {name:<28} | {fmt(mine)} | {fmt(theirs)} | {ratio} |", flush=True)
        if scale_arg:
            sizes = [int(n) for n in scale_arg.split(",") if n.strip()]
            print(
                f"\n| {'chapters':>8} | {'clean HTML':>10} | {'one edit':>8} | {'s/chapter':>9} |"
            )
            print(f"|{'-' * 10}|{'-' * 12}|{'-' * 10}|{'-' * 11}|")
            for n, clean, edit in scale(root, workdir, sizes):
                print(f"| {n:>8} | {clean:>10.1f} | {edit:>8.1f} | {clean / n:>9.2f} |", flush=True)
    return 0
