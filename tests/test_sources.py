"""The book's sources are read once per command (``content/sources.py``): the table of
contents is parsed once per build in the build's process, and not again by the Sphinx
extension, which uses the site map sphinx-external-toc already parsed."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from sphinx_external_toc import parsing

from addictionbook.content.sources import Sources
from addictionbook.pipeline import build
from addictionbook.settings import Settings
from addictionbook.sphinx_ext.book import sources as extension_sources

from .helpers import ROOT


@pytest.fixture
def toc_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every table of contents made into a site map in this process, by its root page: by
    ``parse_toc_data`` (the book's own reader, from YAML read with libyaml) or through
    ``parse_toc_yaml`` (sphinx-external-toc's, which calls it)."""
    calls: list[str] = []
    real = parsing.parse_toc_data

    def counted(data, *args, **kwargs):
        calls.append(data.get("root"))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(parsing, "parse_toc_data", counted)
    return calls


def test_one_sources_object_parses_the_toc_once(toc_parses: list[str]) -> None:
    sources = Sources(ROOT)
    for _ in range(3):
        assert sources.toc_entries[0] == "book/index"
        assert sources.handouts and sources.printed_handouts and sources.translations
        assert sources.chapters and sources.part_captions and sources.notebooks
    assert toc_parses == ["book/index"]


def test_the_extension_parses_no_toc(toc_parses: list[str]) -> None:
    """Inside Sphinx the sources come from sphinx-external-toc's own site map."""
    site_map = parsing.parse_toc_yaml(ROOT / "_toc.yml")
    toc_parses.clear()
    app = SimpleNamespace(srcdir=str(ROOT), config=SimpleNamespace(external_site_map=site_map))
    sources = extension_sources(app)
    assert sources is extension_sources(app), "made once per Sphinx run"
    assert sources.printed_handouts == Sources(ROOT, site_map).printed_handouts
    assert toc_parses == []


def test_a_pdf_build_parses_the_toc_once(small_copy: Path, toc_parses: list[str]) -> None:
    """A whole PDF build (preflight, the notebook step's plan, Sphinx's singlehtml, every PDF)
    parses ``_toc.yml`` once in the build's process (it was eight times or more). On the small
    book: the same steps, each of its kinds of PDF (book, chapter, handouts in two languages)."""
    book = small_copy
    with (book / "book" / "glossary.md").open("a", encoding="utf-8") as handle:
        handle.write("\nOne more sentence.\n")
    assert build.build(book, book / "_build", "pdf", Settings()) == 0
    assert (book / "_build" / "pdf" / "book.pdf").is_file()
    assert (book / "_build" / "pdf" / "chapters" / "small-chapter.pdf").is_file()
    assert toc_parses == ["book/index"]


def test_a_text_is_parsed_once_and_each_page_gets_parts_of_its_own(tmp_path: Path) -> None:
    """Two pages of the same text (a test's copies of the book, a check then a build) are
    parsed once; each gets its own front matter and directive options, so that what one
    caller changes is not what the next one reads."""
    from addictionbook.content import page as page_module

    text = '---\ntitle: "A page"\n---\n# A page\n\n```{figure} a.png\n:alt: An alt.\n```\n'
    page_module._parsed.cache_clear()
    first = page_module.parse_page(tmp_path, tmp_path / "a.md", text)
    second = page_module.parse_page(ROOT, ROOT / "b.md", text)
    assert page_module._parsed.cache_info().misses == 1
    assert (first.rel, second.rel) == ("a.md", "b.md")
    assert first.front == second.front == {"title": "A page"}
    assert first.directives == second.directives
    assert first.directives[0][2] == {"alt": "An alt."}
    first.front["title"] = "changed"
    first.directives[0][2]["alt"] = "changed"
    first.headings.append((2, "added", 9))
    third = page_module.parse_page(tmp_path, tmp_path / "c.md", text)
    assert third.front == {"title": "A page"}
    assert third.directives[0][2] == {"alt": "An alt."}
    assert third.headings == [(1, "A page", 4)]
