"""The book's sources, read once per command: the table of contents, ``_config.yml``, each page's
text and front matter and what kind of page it is, the handouts and their translations, the
glossary's terms and the bibliography's keys.

A command makes one :class:`Sources` and passes it down; everything in it is read when first
asked for and kept, so ``_toc.yml`` is parsed once (by sphinx-external-toc, the parser Jupyter
Book 1.x itself uses) however many steps ask which pages are handouts. Inside Sphinx the
extension makes one from the site map sphinx-external-toc already parsed
(:meth:`Sources.from_site_map`), so the build's Sphinx process parses nothing again either.
Front matter is read with PyYAML (libyaml's parser where PyYAML has it); what makes a Markdown
file a text notebook is myst-nb's own rule.
"""

from __future__ import annotations

import shutil
from functools import cached_property
from pathlib import Path

import yaml

from .frontmatter import is_notebook, load_yaml, split_front_matter

#: Folder (as a toc prefix) whose pages are handouts, each also a PDF of its own.
HANDOUT_PREFIX = "book/handouts/"
#: The languages client handouts are translated into (a folder under book/handouts/ each).
LANGUAGES = ("es",)
#: What a copy of the book needs in order to build (the helper package comes from the install).
BOOK_FILES = (
    "_config.yml",
    "_toc.yml",
    "book",
    "figures",
    "_static",
    "_templates",
    "locales",
    # towncrier's settings name the change log page (content/review.py: no review for it)
    "towncrier.toml",
)


class TocError(ValueError):
    """``_toc.yml`` cannot be read; the message says why (sphinx-external-toc's words)."""


def translated_docname(english_doc: str, language: str = "es") -> str:
    """``book/handouts/<name>`` -> ``book/handouts/<language>/<name>``."""
    return f"{HANDOUT_PREFIX}{language}/{english_doc.removeprefix(HANDOUT_PREFIX)}"


def english_docname(docname: str) -> tuple[str, str] | None:
    """``(English docname, language)`` for a translated handout's docname, else ``None``."""
    for language in LANGUAGES:
        prefix = f"{HANDOUT_PREFIX}{language}/"
        if docname.startswith(prefix):
            return HANDOUT_PREFIX + docname.removeprefix(prefix), language
    return None


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


class Sources:
    """The book at ``root``, each part read when first asked for and then kept.

    ``site_map``: a site map sphinx-external-toc has already parsed (inside Sphinx); without
    one, ``_toc.yml`` is parsed on first use, and :class:`TocError` says why it cannot be.
    """

    def __init__(self, root: Path, site_map=None) -> None:
        self.root = Path(root)
        self._texts: dict[str, str] = {}
        if site_map is not None:
            self.site_map = site_map

    @classmethod
    def from_site_map(cls, root: Path, site_map) -> Sources:
        return cls(root, site_map)

    # --- the files ---------------------------------------------------------------------------

    def text(self, relative: str) -> str:
        """The text of the file ``relative`` to the book's folder (read once)."""
        if relative not in self._texts:
            self._texts[relative] = (self.root / relative).read_text(encoding="utf-8")
        return self._texts[relative]

    def remember(self, relative: str, text: str) -> None:
        """Keep ``text`` as the file's, read by a caller that checked it (preflight)."""
        self._texts[relative] = text

    def front(self, docname: str) -> dict:
        """The front matter of page ``docname`` (``{}`` if none, invalid or no such file)."""
        try:
            return split_front_matter(self.text(f"{docname}.md"))[0]
        except (OSError, UnicodeDecodeError):
            return {}

    @cached_property
    def config(self) -> dict:
        """``_config.yml`` (Jupyter Book's configuration), parsed once."""
        return load_yaml(self.text("_config.yml")) or {}

    @cached_property
    def edition(self) -> str:
        """The book's edition: ``release`` in ``_config.yml``'s Sphinx settings (else the
        package's version)."""
        release = ((self.config.get("sphinx") or {}).get("config") or {}).get("release")
        if release:
            return str(release)
        from importlib.metadata import version

        return version("addictionbook")

    # --- the table of contents ---------------------------------------------------------------

    @cached_property
    def site_map(self):
        """``_toc.yml`` parsed by sphinx-external-toc (its YAML read with libyaml, as front
        matter is: a tenth of the time); :class:`TocError` when it is malformed."""
        from sphinx_external_toc.parsing import MalformedError, parse_toc_data

        try:
            return parse_toc_data(load_yaml(self.text("_toc.yml")))
        except (MalformedError, yaml.YAMLError, TypeError, KeyError) as error:
            raise TocError(str(error).strip() or type(error).__name__) from error

    @cached_property
    def toc_entries(self) -> list[str]:
        """Every document named in ``_toc.yml`` (the root first), in book order."""
        return list(self.site_map.keys())

    @cached_property
    def chapters(self) -> list[str]:
        """Documents in numbered parts of the book: the teaching chapters."""
        toc = self.site_map
        found: list[str] = []

        def walk(docname: str, numbered: bool) -> None:
            for subtree in toc[docname].subtrees:
                for item in subtree.items:
                    if isinstance(item, str):
                        if numbered or subtree.numbered:
                            found.append(item)
                        walk(item, numbered or bool(subtree.numbered))

        walk(toc.root.docname, False)
        return found

    @cached_property
    def part_captions(self) -> dict[str, str]:
        """First chapter of each captioned part of the book -> the part's caption."""
        toc = self.site_map
        first = {}
        for subtree in toc[toc.root.docname].subtrees:
            if subtree.caption and subtree.items:
                item = subtree.items[0]
                first[item if isinstance(item, str) else str(item)] = subtree.caption
        return first

    # --- kinds of page -----------------------------------------------------------------------

    @cached_property
    def notebooks(self) -> list[str]:
        """The book's MyST text notebooks (relative paths), in book order."""
        found = []
        for entry in self.toc_entries:
            try:
                text = self.text(f"{entry}.md")
            except (OSError, UnicodeDecodeError):
                continue
            if is_notebook(text):
                found.append(f"{entry}.md")
        return found

    @cached_property
    def handouts(self) -> list[str]:
        """Handout pages in book order: every toc entry under book/handouts/ except its index
        and the translations (book/handouts/<language>/, made from the English)."""
        return [
            e
            for e in self.toc_entries
            if e.startswith(HANDOUT_PREFIX)
            and not e.endswith("/index")
            and "/" not in e.removeprefix(HANDOUT_PREFIX)
        ]

    def handouts_for(self, audience: str) -> list[str]:
        """Names of handouts whose front matter says ``audience: <audience>``."""
        return [
            doc.removeprefix(HANDOUT_PREFIX)
            for doc in self.handouts
            if self.front(doc).get("audience") == audience
        ]

    @cached_property
    def translations(self) -> dict[str, tuple[str, str]]:
        """Translated handout docname -> (English docname, language), in book order."""
        found = {}
        for entry in self.toc_entries:
            english = english_docname(entry)
            if english:
                found[entry] = english
        return found

    @cached_property
    def printed_handouts(self) -> list[str]:
        """Every handout page that gets a PDF of its own, in book order: the English handouts,
        then their translations."""
        return self.handouts + list(self.translations)

    def title(self, docname: str) -> str:
        """The first ``# `` heading of a page (after its front matter)."""
        _, text = split_front_matter(self.text(f"{docname}.md"))
        for line in text.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
        return docname.rsplit("/", 1)[-1]

    # --- what the linter reads ---------------------------------------------------------------

    @cached_property
    def pages(self):
        """Every page of the table of contents parsed (:class:`.page.Page`), by docname; a
        translated handout's stub is none: its text is its catalogue's."""
        from .page import parse_page

        pages = {}
        for entry in self.toc_entries:
            path = self.root / f"{entry}.md"
            if path.exists() and not english_docname(entry):
                pages[entry] = parse_page(self.root, path, self.text(f"{entry}.md"))
        return pages

    @cached_property
    def glossary_terms(self) -> dict[str, int]:
        """Glossary term (lower case) -> line, from every ``{glossary}`` directive."""
        terms: dict[str, int] = {}
        for entry, page in self.pages.items():
            for name, _, _, line, _ in page.directives:
                if name != "glossary":
                    continue
                body = self.text(f"{entry}.md").split("\n")
                start = line  # the fence line is `line`; the content follows
                for n, text in enumerate(body[start:], start=start + 1):
                    if text.startswith(("```", ":::")):
                        break
                    if text and not text[0].isspace() and not text.startswith(":"):
                        terms[text.strip().lower()] = n
        return terms

    @cached_property
    def bibliographies(self) -> list[str]:
        """The bibliography files ``_config.yml`` names (relative paths)."""
        return list(self.config.get("bibtex_bibfiles") or [])

    @cached_property
    def bib_keys(self) -> set[str]:
        from pybtex.database import parse_string

        keys: set[str] = set()
        for bib in self.bibliographies:
            keys |= set(parse_string(self.text(bib), "bibtex").entries.keys())
        return keys
