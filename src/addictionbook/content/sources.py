"""The book's sources as the checks read them: the table of contents, the pages (parsed once),
the translations, the glossary and the bibliography's keys."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import translations
from .book import load_yaml, numbered_chapters, toc_files
from .page import Page, _parser, parse_page

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


@dataclass
class Sources:
    """The whole book's sources and the reference data the checks compare them with."""

    root: Path

    @cached_property
    def toc_entries(self) -> list[str]:
        return toc_files(self.root)

    @cached_property
    def chapters(self) -> list[str]:
        """Entries of numbered parts: the teaching chapters that need every section."""
        return numbered_chapters(self.root)

    @cached_property
    def pages(self) -> dict[str, Page]:
        md = _parser()
        pages = {}
        for entry in self.toc_entries:
            path = self.root / f"{entry}.md"
            # A translated handout's stub is no page to check: its text is the catalogue's.
            if path.exists() and not translations.english_docname(entry):
                pages[entry] = parse_page(self.root, path, md)
        return pages

    @cached_property
    def translations(self) -> dict[str, tuple[str, str]]:
        """Translated handout docname -> (English docname, language)."""
        return translations.translations(self.root)

    @cached_property
    def glossary_terms(self) -> dict[str, int]:
        """Glossary term (lower case) -> line, from every ``{glossary}`` directive."""
        terms: dict[str, int] = {}
        for page in self.pages.values():
            for name, _, _, line, _ in page.directives:
                if name != "glossary":
                    continue
                body = page.path.read_text(encoding="utf-8").split("\n")
                start = line  # the fence line is `line`; the content follows
                for n, text in enumerate(body[start:], start=start + 1):
                    if text.startswith(("```", ":::")):
                        break
                    if text and not text[0].isspace() and not text.startswith(":"):
                        terms[text.strip().lower()] = n
        return terms

    @cached_property
    def bib_keys(self) -> set[str]:
        from pybtex.database import parse_file

        config = load_yaml((self.root / "_config.yml").read_text(encoding="utf-8"))
        keys: set[str] = set()
        for bib in config.get("bibtex_bibfiles", []):
            keys |= set(parse_file(str(self.root / bib)).entries.keys())
        return keys
