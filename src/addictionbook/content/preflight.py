"""Checks every build runs before Sphinx: files Sphinx and myst-nb would choke on or publish
broken, each reported as ``path:line: what is wrong; what to do``.

Sphinx reads a chapter with invalid UTF-8 as a Python traceback (from the notebook step,
without the file's name), an empty chapter as an error that does not name it, and copies a
``.png`` that is not a PNG into the site as it is. These checks name the file first: the
build's sources (``_config.yml``, ``_toc.yml``, the bibliography and every page in the table of
contents) must be readable UTF-8 text and not empty, every clinical review record must be one
the schema allows, and every local image a page shows must be an image of the kind its name
says (Pillow opens and decodes raster images; an SVG must be XML with an ``<svg>`` root; a PDF
must start as one). The PDF build also checks that every
character is in the PDF's fonts (:func:`check_glyphs`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from ..problems import Problem
from .sources import Sources, TocError

#: ``{figure}``/``{image}`` directives, Markdown images and HTML ``<img src>``.
IMAGE_DIRECTIVE = re.compile(r"^\s*(?:```+|:::+)\{(?:figure|image)\}\s+(\S+)", re.M)
MARKDOWN_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]+)")
HTML_IMAGE = re.compile(r"<img\b[^>]*\bsrc=[\"']([^\"']+)")
#: What Pillow calls each raster format, by the file name's extension.
RASTER = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".gif": "GIF",
    ".webp": "WEBP",
}
IMAGE_KINDS = "PNG, JPEG, GIF, WebP or SVG"


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def check_text_file(sources: Sources, name: str, what: str) -> tuple[str | None, list[Problem]]:
    """Read the file ``name`` (relative to the book) as UTF-8 text; return its text (None if
    unusable) and the problems. A usable text is kept in ``sources``."""
    try:
        data = (sources.root / name).read_bytes()
    except FileNotFoundError:
        return None, [Problem(name, 1, f"the {what} is missing; restore it (git checkout)")]
    except OSError as error:
        return None, [Problem(name, 1, f"the {what} cannot be read ({error.strerror})")]
    if not data.strip():
        return None, [
            Problem(
                name,
                1,
                f"the {what} is empty; write its content (a page needs at least a # title) "
                "or remove it from _toc.yml",
            )
        ]
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        return None, [
            Problem(
                name,
                line,
                f"the {what} holds binary data, not text (a NUL byte); is it the right file? "
                "Save it as plain UTF-8 text",
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start]
        return None, [
            Problem(
                name,
                line,
                f"byte 0x{byte:02x} at column {column} is not UTF-8 text; re-save the file "
                "with UTF-8 encoding (or retype the character there)",
            )
        ]
    sources.remember(name, text)
    return text, []


def image_problem(path: Path) -> str | None:
    """What is wrong with the image file at ``path`` (None when it is a good image)."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if size == 0:
        return "is empty (0 bytes)"
    if suffix == ".svg":
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as error:
            return f"is not a valid SVG ({error})"
        if root.tag.rsplit("}", 1)[-1] != "svg":
            return f"is not an SVG (its XML root is <{root.tag}>, not <svg>)"
        return None
    if suffix == ".pdf":
        with path.open("rb") as handle:
            return None if handle.read(5) == b"%PDF-" else "is not a PDF"
    if suffix not in RASTER:
        return None  # a kind Sphinx copies as it is; nothing to decode
    from PIL import Image, ImageFile, UnidentifiedImageError

    # WeasyPrint, once imported in the same process, lets Pillow load truncated images
    # (ImageFile.LOAD_TRUNCATED_IMAGES): the check reads strictly whatever ran before it.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(path) as image:
            kind = image.format
            image.load()  # decodes every pixel: a truncated file fails here
    except UnidentifiedImageError:
        return f"is not a {RASTER[suffix]} image (its content is not an image)"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        return f"is damaged ({error})"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    if kind != RASTER[suffix]:
        return f"is a {kind} image with a {suffix} name; rename it to match (or convert it)"
    return None


def image_references(text: str) -> Iterator[tuple[str, int]]:
    """Every local image path a page shows, with its line."""
    for pattern in (IMAGE_DIRECTIVE, MARKDOWN_IMAGE, HTML_IMAGE):
        for match in pattern.finditer(text):
            target = match.group(1)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or "*" in target or "{" in target:
                continue  # a URL, a data URI, or a per-builder pattern (Sphinx picks one)
            yield target.split("#")[0].split("?")[0], text.count("\n", 0, match.start(1)) + 1


def check_images(root: Path, page: Path, text: str) -> Iterator[Problem]:
    for target, line in image_references(text):
        path = (root / target.lstrip("/")) if target.startswith("/") else page.parent / target
        if not path.is_file():
            yield Problem(
                _rel(root, page),
                line,
                f"the image {target} does not exist; add the file or fix the path",
            )
            continue
        problem = image_problem(path)
        if problem:
            advice = "" if ";" in problem else f"; replace it with a good {IMAGE_KINDS} file"
            yield Problem(_rel(root, page), line, f"the image {target} {problem}{advice}")


def check_toc(sources: Sources) -> list[Problem]:
    """Every table-of-contents entry names a file that exists."""
    root = sources.root
    try:
        entries = sources.toc_entries
    except TocError as error:
        return [Problem("_toc.yml", 1, f"the table of contents cannot be read: {error}")]
    lines = sources.text("_toc.yml").splitlines()
    problems = []
    for entry in entries:
        if not any((root / f"{entry}{ext}").exists() for ext in ("", ".md", ".ipynb")):
            line = next((i for i, text in enumerate(lines, 1) if entry in text), 1)
            problems.append(
                Problem(
                    "_toc.yml",
                    line,
                    f"'{entry}' is listed but {entry}.md does not exist; create it or fix the name",
                )
            )
    return problems


def check_sources(sources: Sources) -> list[Problem]:
    """Every file the build reads is readable UTF-8 text, and every image a page shows is good.

    Run before Sphinx by every build, and by ``make check``. What it reads as text it hands
    to ``sources``, so nothing is read twice.
    """
    root = sources.root
    findings: list[Problem] = []
    config_text, found = check_text_file(sources, "_config.yml", "configuration file")
    findings += found
    toc_text, found = check_text_file(sources, "_toc.yml", "table of contents")
    findings += found
    if config_text is None or toc_text is None:
        return findings
    try:
        config = sources.config
    except Exception as error:  # noqa: BLE001 - any YAML error, reported with its position
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return [Problem("_config.yml", line, f"the configuration cannot be read: {error}")]
    for bib in config.get("bibtex_bibfiles", []) if isinstance(config, dict) else []:
        findings += check_text_file(sources, bib, "bibliography")[1]
    try:
        entries = sources.toc_entries
    except TocError:
        return findings  # check_toc says what is wrong with it
    for entry in entries:
        for suffix in (".md", ".ipynb", ""):
            path = root / f"{entry}{suffix}"
            if path.is_file():
                break
        else:
            continue  # check_toc names missing files
        text, found = check_text_file(sources, _rel(root, path), "page")
        findings += found
        if text is not None and path.suffix == ".md":
            findings += check_images(root, path, text)
    return findings


# --- the PDF's fonts ---------------------------------------------------------------------

#: The families the PDFs are set in (``sphinx_ext/assets/addictionbook-print.css``), from
#: Debian's fonts-freefont-otf (``make sysdeps``). A character none of them has would be drawn
#: from whatever other font a machine happens to have, or not at all: lost content.
PDF_FONTS = ("FreeSerif", "FreeSans", "FreeMono")
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


@functools.cache
def pdf_font_coverage() -> frozenset[int] | None:
    """Every code point the PDF's fonts can draw (None when the fonts are not installed)."""
    from fontTools.ttLib import TTFont  # matplotlib's dependency

    covered: set[int] = set()
    for family in PDF_FONTS:
        files = [p for d in FONT_DIRS if d.is_dir() for p in d.rglob(f"{family}.otf")]
        if not files:
            return None
        covered |= set(TTFont(files[0]).getBestCmap())
    return frozenset(covered)


def check_glyphs(sources: Sources) -> list[Problem]:
    """Every character of the book's pages and translations is in the PDF's fonts."""
    covered = pdf_font_coverage()
    if covered is None:
        return [
            Problem(
                "_config.yml",
                1,
                f"the PDF's fonts ({', '.join(PDF_FONTS)}) are not installed; run make sysdeps",
            )
        ]
    root = sources.root
    try:
        entries = sources.toc_entries
    except TocError:
        return []  # check_toc says what is wrong with it
    paths = [root / f"{entry}.md" for entry in entries]
    paths += sorted((root / "locales").rglob("*.po")) if (root / "locales").is_dir() else []
    findings = []
    for path in paths:
        try:
            lines = sources.text(_rel(root, path)).splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # check_sources names it
        for number, line in enumerate(lines, 1):
            for char in dict.fromkeys(line):
                drawn = not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf")
                if drawn and ord(char) not in covered:
                    findings.append(
                        Problem(
                            _rel(root, path),
                            number,
                            f"the character {char!r} (U+{ord(char):04X}) is in none of the "
                            f"PDF's fonts ({', '.join(PDF_FONTS)}), so the PDF would lose it; "
                            "write it with other characters (or in words)",
                        )
                    )
    return findings


# --- the bibliography ---------------------------------------------------------------------


def check_bibliographies(sources: Sources) -> list[Problem]:
    """Every bibliography ``_config.yml`` names parses as BibTeX (pybtex, which
    sphinxcontrib-bibtex uses). pybtex's own error names a line but not the file, and Sphinx
    shows it as a traceback; here it is ``book/references.bib:LINE``."""
    from pybtex.database import parse_string
    from pybtex.scanner import PybtexSyntaxError

    problems = []
    for bib in sources.bibliographies:
        try:
            text = sources.text(bib)
        except (OSError, UnicodeDecodeError):
            continue  # check_sources names it
        try:
            parse_string(text, "bibtex")
        except PybtexSyntaxError as error:
            problems.append(
                Problem(
                    bib,
                    error.lineno or 1,
                    f"the bibliography cannot be read ({error.error_type}: {error.args[0]})",
                    "look for an unclosed brace or quote, or a missing comma, on this line or "
                    "the entry above it (compare with the other entries)",
                )
            )
        except Exception as error:  # noqa: BLE001 - pybtex's other errors (a duplicate key...)
            problems.append(
                Problem(
                    bib,
                    getattr(error, "lineno", None) or 1,
                    f"the bibliography cannot be read: {error}",
                    "fix the entry it names",
                )
            )
    return problems


# --- clinical review records ---------------------------------------------------------------


def check_review_records(sources: Sources) -> list[Problem]:
    """Every clinical review record (a page's ``clinical-review:``, a catalogue's
    ``# Clinical-Review:``) is one the schema allows: a malformed record would leave a page
    saying nothing true about its review (``content/review.py``)."""
    from . import review

    return review.record_problems(sources)


def run(sources: Sources, for_pdf: bool = False) -> list[Problem]:
    """What every build checks before Sphinx starts, and ``make check`` first: the table of
    contents, unreadable, empty or binary sources, broken images, the bibliography, the
    translations' catalogues, the clinical review records, and for a PDF the characters its fonts
    lack. Sorted by file and line."""
    problems = check_toc(sources) + check_sources(sources)
    if not problems:
        problems += check_bibliographies(sources) + check_catalogues(sources)
    if not problems:  # a catalogue babel cannot read is named first, and once
        problems += check_review_records(sources)
    if for_pdf and not problems:
        problems += check_glyphs(sources)
    return sorted(set(problems))


# --- the translations' catalogues ---------------------------------------------------------

#: msgfmt's report of a syntax error: ``FILE:LINE: message``.
MSGFMT_ERROR = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<message>.+)$", re.M)


def check_catalogues(sources: Sources) -> list[Problem]:
    """Every translation catalogue is a well-formed PO file, as GNU gettext's ``msgfmt
    --check`` reads it (the reference implementation; babel and polib read an unclosed quote
    without a word, and a client would get a Spanish page missing half a sentence)."""
    import shutil
    import subprocess

    from .translations import catalogue_path

    catalogues = [catalogue_path(sources.root, *found) for found in sources.translations.values()]
    catalogues = [po for po in catalogues if po.is_file()]  # a missing one: the linter's
    if not catalogues:
        return []
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return [
            Problem(
                _rel(sources.root, po),
                0,
                "the catalogue cannot be checked: msgfmt (GNU gettext) is not installed",
                "run make sysdeps (Debian package gettext)",
            )
            for po in catalogues
        ]
    problems = []
    for po in catalogues:
        result = subprocess.run(
            [msgfmt, "--check", "--output-file=/dev/null", str(po)],
            capture_output=True,
            text=True,
            env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
        )
        if result.returncode == 0:
            continue
        found = [
            m
            for m in MSGFMT_ERROR.finditer(result.stderr)
            if Path(m.group("file")).resolve() == po.resolve()
        ]
        for match in found or [None]:
            line = int(match.group("line")) if match else 0
            if match and match.group("message") == "end-of-line within string":
                line -= 1  # msgfmt names the line after the one it read the string on
            problems.append(
                Problem(
                    _rel(sources.root, po),
                    line,
                    f"the catalogue is not a well-formed PO file: "
                    f"{match.group('message') if match else result.stderr.strip()}",
                    "each line of a msgid or msgstr is one string in double quotes (a quote "
                    'inside is written \\"); fix it in a PO editor or by hand, then build again',
                )
            )
    return problems
