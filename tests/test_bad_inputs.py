"""Bad input fails the build with a message naming the file, and loses nothing.

A good build of a copy of the book is made once; each case copies it (with its build and
notebook cache), breaks one thing, builds again, and checks: non-zero exit, the offending file
named, the last good site still in place byte for byte, and no source file rewritten.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from addictionbook.content.sources import Sources
from addictionbook.pipeline import jupyter_book_process
from addictionbook.settings import Settings

from .helpers import notebook_front_matter, run_build, tree_digest


def append(path: str, text: str) -> Callable[[Path], str]:
    def breaker(book: Path) -> str:
        with (book / path).open("a", encoding="utf-8") as handle:
            handle.write(text)
        return path

    return breaker


def add_toc_entry(book: Path, docname: str = "book/no-such-chapter") -> str:
    """List ``docname`` in the table of contents, after the glossary."""
    toc = book / "_toc.yml"
    toc.write_text(
        toc.read_text(encoding="utf-8").replace(
            "      - file: book/glossary\n",
            f"      - file: book/glossary\n      - file: {docname}\n",
        ),
        encoding="utf-8",
    )
    return "_toc.yml"


def write_bytes(path: str, data: bytes) -> Callable[[Path], str]:
    def breaker(book: Path) -> str:
        (book / path).write_bytes(data)
        return path

    return breaker


def append_bytes(path: str, data: bytes) -> Callable[[Path], str]:
    def breaker(book: Path) -> str:
        with (book / path).open("ab") as handle:
            handle.write(data)
        return path

    return breaker


def show_image(name: str, make: Callable[[Path], bytes]) -> Callable[[Path], str]:
    """Put an image file ``figures/<name>`` made by ``make`` into a chapter's figure."""

    def breaker(book: Path) -> str:
        (book / "figures" / name).write_bytes(make(book))
        with (book / "book" / "references.md").open("a", encoding="utf-8") as handle:
            handle.write(f"\n```{{figure}} ../figures/{name}\n:alt: A figure.\n\nA caption.\n```\n")
        return "book/references.md"

    return breaker


def jpeg_bytes(book: Path) -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "JPEG")
    return buffer.getvalue()


PNG = "figures/fig-layered-model.png"


def break_catalogue(book: Path) -> str:
    """An unclosed quote in a Spanish catalogue's translation (babel reads it silently)."""
    po = "locales/es/LC_MESSAGES/drug-free-is-a-start.po"
    lines = (book / po).read_text(encoding="utf-8").split("\n")
    at = next(i for i, text in enumerate(lines) if text.startswith('msgstr "') and len(text) > 12)
    lines[at] = lines[at][:-1]
    (book / po).write_text("\n".join(lines), encoding="utf-8")
    return po


#: Broken inputs caught before Sphinx (``content.preflight``): cheap, so tried on every target.
PREFLIGHT_CASES = {
    "bibliography with a syntax error": (
        append("book/references.bib", "\n@article{broken-entry,\n  title = {An unclosed title,\n"),
        "the bibliography cannot be read",
    ),
    "catalogue with an unclosed quote": (break_catalogue, "not a well-formed PO file"),
    "invalid UTF-8 in a chapter": (
        append_bytes("book/attunement.md", b"\nThe caf\xe9 where the group met.\n"),
        "is not UTF-8",
    ),
    "empty chapter file": (write_bytes("book/glossary.md", b""), "is empty"),
    "binary file as a chapter": (
        write_bytes("book/glossary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        "binary data",
    ),
    "png that is not a png": (
        show_image("corrupt.png", lambda book: b"this is not a PNG file"),
        "corrupt.png is not a PNG image",
    ),
    "truncated png": (
        show_image("truncated.png", lambda book: (book / PNG).read_bytes()[:400]),
        "truncated.png is damaged",
    ),
    "zero-byte image": (show_image("zero.png", lambda book: b""), "zero.png is empty"),
    "jpeg with a png name": (
        show_image("photo.png", jpeg_bytes),
        "photo.png is a JPEG image with a .png name",
    ),
    "svg that is not xml": (
        show_image("broken.svg", lambda book: b"<svg><g></svg>"),
        "broken.svg is not a valid SVG",
    ),
    "svg that is html": (
        show_image("page.svg", lambda book: b"<html><body/></html>"),
        "page.svg is not an SVG",
    ),
    "pdf figure that is not a pdf": (
        show_image("figure.pdf", lambda book: b"GIF89a not a PDF"),
        "figure.pdf is not a PDF",
    ),
}

#: Broken inputs that only Sphinx or a kernel finds (the preflight ones are tried on every
#: target in ``test_broken_input_fails_every_target_in_one_line``, which checks the same and
#: more: one line with the file's line number, nothing published changed; a broken
#: cross-reference in ``test_a_broken_reference_fails_again_until_fixed_then_publishes``, a
#: cell that hangs in ``test_a_hanging_cell_waits_out_its_time_limit_once``).
CASES = {
    "toc entry for a missing file": (add_toc_entry, "book/no-such-chapter"),
    "notebook cell that raises": (
        append(
            "book/layered-model.md",
            '\n```{code-cell} ipython3\nraise RuntimeError("deliberately broken cell")\n```\n',
        ),
        "deliberately broken cell",
    ),
    "missing figure file": (
        append(
            "book/references.md",
            "\n```{figure} ../figures/no-such-figure.svg\n:alt: A figure that is not there.\n\n"
            "A caption.\n```\n",
        ),
        "no-such-figure.svg",
    ),
}


def assert_fails_naming_the_file_and_keeps_the_last_good_site(
    book: Path, case: str, breaker: Callable[[Path], str], detail: str
) -> subprocess.CompletedProcess[str]:
    """Break the book with ``breaker`` and build: non-zero exit, the offending file named,
    ``detail`` mentioned, no traceback, the last good site byte for byte, no source rewritten.
    Returns the build's result."""
    site = book / "_build" / "html"
    pages = [site / "index.html"] + [site / f"{doc}.html" for doc in Sources(book).chapters]
    before = [page.read_bytes() for page in pages]

    offending = breaker(book)
    sources = tree_digest(book)
    result = run_build("html", book, book / "_build")

    output = result.stdout + result.stderr
    assert result.returncode != 0, f"{case}: the build passed:\n{output[-2000:]}"
    assert offending in result.stderr, f"{case}: the error does not name {offending}"
    assert detail in output, f"{case}: the output does not mention {detail}"
    assert "Traceback" not in output, f"{case}: a Python traceback:\n{output[-3000:]}"
    assert [page.read_bytes() for page in pages] == before, "the last good site changed"
    assert tree_digest(book) == sources, "the build rewrote a source file"
    return result


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_names_the_file_and_keeps_the_last_good_site(
    book_copy: Path, tmp_path: Path, case: str
) -> None:
    breaker, detail = CASES[case]
    assert_fails_naming_the_file_and_keeps_the_last_good_site(book_copy, case, breaker, detail)


@pytest.mark.parametrize("target", ["html", "pdf", "epub"])
@pytest.mark.parametrize("case", sorted(PREFLIGHT_CASES))
def test_broken_input_fails_every_target_in_one_line(
    book_copy: Path, tmp_path: Path, case: str, target: str
) -> None:
    """One line names the file, its line and what to do; no traceback; nothing published."""
    breaker, detail = PREFLIGHT_CASES[case]
    book = book_copy
    built = tree_digest(book / "_build", skip=".work")
    offending = breaker(book)
    sources = tree_digest(book)
    result = run_build(target, book, book / "_build")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-2000:]
    named = [line for line in result.stderr.splitlines() if line.startswith(f"{offending}:")]
    assert len(named) == 1, f"expected one line naming {offending}:\n{result.stderr}"
    assert detail in named[0], named[0]
    assert "; " in named[0], f"the line does not say what to do: {named[0]}"
    assert re.match(rf"{re.escape(offending)}:\d+: ", named[0]), "no line number"
    assert "Traceback" not in output
    assert tree_digest(book) == sources, "the build rewrote a source file"
    after = tree_digest(book / "_build", skip=".work")
    assert {k: v for k, v in after.items() if not k.startswith("logs/")} == {
        k: v for k, v in built.items() if not k.startswith("logs/")
    }, "a failed build changed the published output"
    assert not (book / "_build" / target).exists() or target == "html"
    assert not sphinx_processes(book), "Sphinx, started beside the checks, was left running"


def sphinx_processes(book: Path) -> list[str]:
    """The command lines of the running Sphinx processes of a build of ``book``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().decode(errors="replace").split("\0")
        except OSError:  # the process ended meanwhile
            continue
        if jupyter_book_process.__name__ in words and str(book) in words:
            found.append(" ".join(words))
    return found


def test_a_character_the_pdf_fonts_lack_fails_the_pdf_and_names_it(
    small_copy_with_pdfs: Path,
) -> None:
    """A character no PDF font has (U+E000, private use) would be lost from the PDF: the PDF
    build stops at the line that has it, and the last good PDFs stay. (On the small book: the
    same PDF step, in seconds.)"""
    book = small_copy_with_pdfs
    good = (book / "_build" / "pdf" / "book.pdf").read_bytes()
    chapter = book / "book" / "glossary.md"
    lines = chapter.read_text(encoding="utf-8").splitlines()
    lines.append("A sign the fonts lack: \ue000.")
    chapter.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_build("pdf", book, book / "_build")
    assert result.returncode == 1, result.stdout[-2000:]
    named = [x for x in result.stderr.splitlines() if x.startswith("book/glossary.md:")]
    assert named == [
        f"book/glossary.md:{len(lines)}: the character '\\ue000' (U+E000) is in none of the "
        "PDF's fonts (FreeSerif, FreeSans, FreeMono), so the PDF would lose it; write it with "
        "other characters (or in words)"
    ], result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert (book / "_build" / "pdf" / "book.pdf").read_bytes() == good
    assert run_build("html", book, book / "_build").returncode == 0, "only the PDF lacks it"


def test_a_chapter_that_vanishes_during_the_build_is_named(
    book_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Deleted after the checks, before Sphinx reads it: the build fails naming it, no traceback.

    Sphinx starts up (over a second of imports and extensions) while the checks run, and reads
    no page before they have passed: here the checks take 3 s more, time enough for Sphinx to
    start and read the chapter were it not held back, and the build still finds it gone."""
    from addictionbook.pipeline import build, sphinx_run

    book = book_copy
    before = (book / "_build" / "html" / "index.html").read_bytes()
    checked = build.preflight
    command = sphinx_run.sphinx_command
    events: list[str] = []

    def sphinx_command(*args):
        events.append("sphinx started")
        return command(*args)

    def preflight_then_delete(job, for_pdf: bool = False) -> None:
        events.append("checks began")
        checked(job, for_pdf)
        time.sleep(3)
        (job.root / "book" / "glossary.md").unlink()

    monkeypatch.setattr(sphinx_run, "sphinx_command", sphinx_command)
    monkeypatch.setattr(build, "preflight", preflight_then_delete)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert build.build(book, book / "_build", "html") == 1
    err = capsys.readouterr().err
    assert "book/glossary" in err and "Traceback" not in err, err
    assert (book / "_build" / "html" / "index.html").read_bytes() == before
    assert events == ["sphinx started", "checks began"], "Sphinx did not start beside the checks"


def test_output_that_vanishes_while_publishing_is_one_line(
    book_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Another process removes the built site before it is published (``make clean`` in a
    second terminal): one line, the traceback only with --verbose, the last good site kept."""
    from addictionbook.pipeline import build

    book = book_copy
    (book / "book" / "glossary.md").open("a").write("\nOne more sentence.\n")
    before = (book / "_build" / "html" / "index.html").read_bytes()
    publish = build.publish_dir

    def remove_then_publish(built: Path, target: Path, extra=None) -> None:
        shutil.rmtree(built)
        publish(built, target, extra)

    monkeypatch.setattr(build, "publish_dir", remove_then_publish)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert build.build(book, book / "_build", "html") == 1
    err = capsys.readouterr().err
    assert "disappeared during the build" in err and "Traceback" not in err, err
    assert (book / "_build" / "html" / "index.html").read_bytes() == before
    assert build.build(book, book / "_build", "html", Settings(verbose=True)) == 1
    assert "Traceback" in capsys.readouterr().err, "--verbose shows the traceback"


def test_a_broken_reference_fails_again_until_fixed_then_publishes(
    small_copy: Path, tmp_path: Path
) -> None:
    """A broken cross-reference fails the build as any bad input does (named, no traceback,
    the last good site kept); a second build without a fix fails again, and after the fix
    the next build passes (Sphinx re-reads the failed page) and publishes. On the small book:
    after a failure the build reads every page again, and the book has ten times as many."""
    book = small_copy
    original = (book / "book" / "references.md").read_text(encoding="utf-8")
    broken = append("book/references.md", "\nSee {numref}`fig-no-such-figure`.\n")
    assert_fails_naming_the_file_and_keeps_the_last_good_site(
        book, "broken cross-reference", broken, "fig-no-such-figure"
    )
    # A second run without a fix must fail again, not pass on stale state.
    assert run_build("html", book, book / "_build").returncode != 0
    (book / "book" / "references.md").write_text(original + "\nA new sentence.\n", encoding="utf-8")
    result = run_build("html", book, book / "_build")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert "A new sentence." in (book / "_build" / "html" / "book" / "references.html").read_text()


def test_a_hanging_cell_waits_out_its_time_limit_once(book_copy: Path, tmp_path: Path) -> None:
    """A cell that never returns is stopped by the notebook step at the time limit, reported
    once with its file and line, and not run again by myst-nb (it waited twice: 248 s for a
    120 s limit); as any bad input, it fails the build without a traceback and keeps the last
    good site. The notebook is a page of its own with nothing else to run, so that the first
    cell to reach the 3 s limit is the hanging one on any machine."""
    marker = tmp_path / "ran.txt"  # outside the book, whose sources must stay as they were

    def hanging_page(book: Path) -> str:
        config = book / "_config.yml"
        config.write_text(
            config.read_text(encoding="utf-8").replace("timeout: 120", "timeout: 3"),
            encoding="utf-8",
        )
        (book / "book" / "hang.md").write_text(
            notebook_front_matter("A page whose cell hangs.") + "\n"
            "# A page whose cell hangs\n\n```{code-cell} ipython3\nimport time\n"
            f"with open({str(marker)!r}, 'a') as handle:\n    handle.write('ran\\n')\n"
            "time.sleep(300)\n```\n",
            encoding="utf-8",
        )
        add_toc_entry(book, "book/hang")
        return "book/hang.md"

    result = assert_fails_naming_the_file_and_keeps_the_last_good_site(
        book_copy, "notebook cell that hangs past its time limit", hanging_page, "time limit"
    )
    assert result.returncode == 1
    assert marker.read_text() == "ran\n", "the hanging cell ran more than once"
    named = [line for line in result.stderr.splitlines() if "time limit" in line]
    # line 18 of the page is the hanging cell's ``import time``
    assert len(named) == 1 and named[0].startswith("book/hang.md:18:"), result.stderr
    assert "did not finish within the 3 s time limit" in named[0]


def test_a_wrong_citation_key_is_named_at_its_line_with_the_closest_key(book_copy: Path) -> None:
    book = book_copy
    paragraph = (
        "\nA paragraph whose first line has no citation,\nand whose second line has none,\n"
        "but whose third line cites {cite:p}`siegel-1998`.\n"
    )
    append("book/references.md", paragraph)(book)
    lines = (book / "book" / "references.md").read_text(encoding="utf-8").splitlines()
    key_line = next(n for n, text in enumerate(lines, 1) if "siegel-1998" in text)
    result = run_build("html", book, book / "_build")
    assert result.returncode == 1
    named = [line for line in result.stderr.splitlines() if "siegel-1998" in line]
    assert named == [
        f'book/references.md:{key_line}: could not find bibtex key "siegel-1998"; did you mean '
        "`siegel-1999`? (the keys are in book/references.bib)"
    ], result.stderr


def test_a_truncated_image_is_caught_even_after_weasyprint_is_imported(tmp_path: Path) -> None:
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES when imported: the image check still reads
    strictly, and leaves the setting as it found it."""
    import weasyprint  # noqa: F401 - imported for its side effect on Pillow
    from PIL import ImageFile

    from addictionbook.content.preflight import image_problem

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    data = (Path(__file__).resolve().parents[1] / PNG).read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    assert "truncated" in (image_problem(tmp_path / "cut.png") or "")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
