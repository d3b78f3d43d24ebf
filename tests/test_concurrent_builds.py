"""Two builds at once never lose the published output (issue: two ``make html`` in the same
checkout left ``_build/html`` without ``index.html``).

Builds into one output folder run one at a time (the second waits, saying so), and publishing
swaps the new output in atomically: whatever the interleaving, ``_build/<target>`` is the last
good output or the new one, complete, never a mix and never missing."""

from __future__ import annotations

import multiprocessing
import os
import random
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from addictionbook.content.sources import Sources
from addictionbook.pipeline.publish import exchange, one_build_at_a_time, publish_dir, publish_file

from .helpers import run_build

PAGES = 40


def fake_build(out: Path, build: int, offset: float) -> None:
    """A build that writes ``PAGES`` pages stamped with its number, then publishes them as the
    pipeline does (under the output folder's lock), after ``offset`` seconds. Still holding
    the lock, it adds its number to ``published.txt``: the order the builds published in (a
    queue written after the lock, or even under it, can be overtaken by the next build)."""
    time.sleep(offset)
    with one_build_at_a_time(out, f"fake build {build}", lambda text: None):
        built = out / ".work" / f"built-{build}"
        built.mkdir(parents=True)
        for page in range(PAGES):
            (built / f"page-{page}.html").write_text(f"build {build}\n" * 50, encoding="utf-8")
        (built / "index.html").write_text(f"build {build}\n", encoding="utf-8")
        publish_dir(built, out / "html")
        (out / "book.epub.built").write_text(f"build {build}\n", encoding="utf-8")
        publish_file(out / "book.epub.built", out / "book.epub")
        with (out / "published.txt").open("a", encoding="utf-8") as order:
            order.write(f"{build}\n")


def observe(out: Path, stop: threading.Event, seen: list[str]) -> None:
    """Look at the published folder as a reader would, as often as it can: open it by name
    (one look is one folder, whatever is swapped in meanwhile) and read every page in it."""
    site = out / "html"
    while not stop.is_set():
        try:
            folder = os.open(site, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            seen.append("missing" if "ok" in seen else "not yet")
            continue
        try:
            names = sorted(os.listdir(folder))
            if not names:
                continue  # an old folder, swapped out and already emptied: not a name's content
            stamps = set()
            for name in names:
                page = os.open(name, os.O_RDONLY, dir_fd=folder)
                with os.fdopen(page, encoding="utf-8") as handle:
                    stamps.add(handle.readline())
            # still the folder the name gives? Else it was swapped out during this look, and
            # what was read of it may be half deleted: that is no longer the published output
            swapped = os.stat(site).st_ino != os.fstat(folder).st_ino
        except FileNotFoundError:
            continue  # an old folder, swapped out and being deleted while this look read it
        finally:
            os.close(folder)
        complete = len(names) == PAGES + 1
        if swapped and not complete:
            continue
        seen.append("ok" if complete and len(stamps) == 1 else f"mixed: {len(names)} {stamps}")


@pytest.mark.parametrize("round_", range(6))
def test_two_builds_at_varied_offsets_publish_one_complete_output(
    tmp_path: Path, round_: int
) -> None:
    out = tmp_path / "_build"
    out.mkdir()
    rng = random.Random(round_)
    context = multiprocessing.get_context("fork")
    offsets = [0.0, rng.choice([0.0, 0.001, 0.01, 0.05, 0.1])]
    builds = [
        context.Process(target=fake_build, args=(out, n, offset))
        for n, offset in enumerate(offsets * 2)  # two pairs: four builds
    ]
    stop, seen = threading.Event(), []
    reader = threading.Thread(target=observe, args=(out, stop, seen))
    reader.start()
    try:
        for process in builds:
            process.start()
        for process in builds:
            process.join(timeout=300)
    finally:
        stop.set()
        reader.join()
    assert [process.exitcode for process in builds] == [0] * len(builds)
    order = (out / "published.txt").read_text(encoding="utf-8").split()
    assert sorted(order) == [str(n) for n in range(len(builds))], order  # each published once
    last = order[-1]
    bad = sorted({s for s in seen if s not in ("ok", "not yet")})
    assert bad == [], f"a reader saw {bad} ({seen.count('ok')} good looks)"
    assert seen.count("ok") > 0
    assert (out / "html" / "index.html").read_text(encoding="utf-8") == f"build {last}\n"
    assert (out / "book.epub").read_text(encoding="utf-8") == f"build {last}\n"
    assert not list(out.glob(".html.*")), "no half-made or old folder left behind"


def test_the_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "x").write_text("a")
    (tmp_path / "b" / "y").write_text("b")
    assert exchange(tmp_path / "a", tmp_path / "b") is True, "renameat2 is on Linux 3.15+"
    assert os.listdir(tmp_path / "a") == ["y"] and os.listdir(tmp_path / "b") == ["x"]


def test_a_second_build_waits_and_says_for_what(tmp_path: Path) -> None:
    out = tmp_path / "_build"
    said: list[str] = []
    with one_build_at_a_time(out, "build pdf", said.append):
        waiting = subprocess.Popen(
            [
                sys.executable,
                "-u",  # each line as it is printed
                "-c",
                "import sys; from pathlib import Path\n"
                "from addictionbook.pipeline.publish import one_build_at_a_time\n"
                f"with one_build_at_a_time(Path({str(out)!r}), 'build html', print):\n"
                "    print('got it')\n",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        # it says what it waits for as it starts waiting; then it must still be waiting
        ready, _, _ = select.select([waiting.stdout], [], [], 30)
        first_line = waiting.stdout.readline() if ready else ""
        assert "waiting for build pdf (process" in first_line, first_line
        time.sleep(0.2)
        assert waiting.poll() is None, "the second build must wait while the first holds it"
    rest, _ = waiting.communicate(timeout=30)
    assert waiting.returncode == 0
    assert rest.rstrip().endswith("got it")
    assert said == []


@pytest.mark.parametrize(
    ("target", "offset"), [("html", 0.0), ("html", 0.7), ("epub", 0.3), ("pdf", 0.5)]
)
def test_two_real_builds_at_once_leave_one_complete_output(
    small_copy: Path, target: str, offset: float
) -> None:
    """Two ``make <target>`` started together in one checkout (with different inputs, so both
    build): both succeed, the second waited, and the published output is complete and exactly
    the last build's. On the small book: the lock and the exchange are the same code for any
    book, and the small one lays out its PDFs in seconds."""
    book = small_copy
    if target == "epub":
        assert run_build("epub", book, book / "_build").returncode == 0  # a last good EPUB
    commands = [
        [sys.executable, "-m", "addictionbook.cli", "build", target, "--root", str(book)]
        for _ in range(2)
    ]
    envs = [{**os.environ, "SOURCE_DATE_EPOCH": epoch} for epoch in ("1700000000", "1710000000")]
    first = subprocess.Popen(commands[0], env=envs[0], stdout=subprocess.PIPE, text=True)
    time.sleep(offset)
    second = subprocess.Popen(commands[1], env=envs[1], stdout=subprocess.PIPE, text=True)
    outputs = [first.communicate(timeout=600)[0], second.communicate(timeout=600)[0]]
    assert first.returncode == 0 and second.returncode == 0, outputs
    assert any("waiting for build" in text for text in outputs), outputs
    work = book / "_build" / ".work" / "_build"
    if target == "html":
        site = book / "_build" / "html"
        built = {p.relative_to(work / "html") for p in (work / "html").rglob("*") if p.is_file()}
        published = {p.relative_to(site) for p in site.rglob("*") if p.is_file()}
        assert published == built - {Path(".buildinfo")}, "the site is one build's output"
        for path in sorted(built - {Path(".buildinfo")}):
            assert (site / path).read_bytes() == (work / "html" / path).read_bytes(), path
    elif target == "epub":
        assert (book / "_build" / "epub" / "book.epub").read_bytes() == (
            work / "epub" / "book.epub"
        ).read_bytes()
    else:
        folder = book / "_build" / "pdf"
        published = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.pdf"))
        expected = (
            ["book.pdf"]
            + [
                f"handouts/{doc.removeprefix('book/handouts/')}.pdf"
                for doc in Sources(book).printed_handouts
            ]
            + [f"chapters/{doc.rsplit('/', 1)[-1]}.pdf" for doc in Sources(book).chapters]
        )
        assert published == sorted(expected)
        assert not list((book / "_build").glob(".pdf.*")), "no half-made folder left behind"
