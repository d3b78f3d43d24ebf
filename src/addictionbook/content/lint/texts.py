"""Every text a reader sees, as the checks read it: one :class:`Document` per English page and
per translated catalogue, each a list of :class:`Text` with its file and line.

The language, safety and readability checks run over documents, not over pages or catalogues,
so one rule reads an English chapter and a Spanish handout alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from .. import translations
from ..national_lines import NationalLines, us_lines
from ..page import Page
from ..sources import Sources

#: Directives whose argument is a title a reader sees (an admonition's, a dropdown's...).
TITLED_DIRECTIVES = {"admonition", "dropdown", "card", "tab-item", "topic", "sidebar"}


@dataclass(frozen=True)
class Text:
    line: int
    text: str
    quoted: bool = False  # in quotation marks, a block quote or an epigraph: another's voice
    kind: str = "prose"  # prose, or what else a reader sees: title, caption, alt, description


@dataclass
class Document:
    """An English page or a translated handout's catalogue."""

    path: str  # relative to the book
    docname: str  # the page it is (for a catalogue: the translated page)
    language: str
    client: bool  # a client handout (``audience: client``), or the translation of one
    texts: list[Text] = field(default_factory=list)
    line: int = 1  # where a problem with the whole document is reported (its front matter)

    @cached_property
    def running_text(self) -> str:
        """The prose as one line without Markdown emphasis, so a message may wrap lines."""
        text = " ".join(t.text for t in self.texts if t.kind == "prose")
        return " ".join(re.sub(r"[*`\\]", "", text).split())


def page_texts(page: Page) -> list[Text]:
    """A page's prose, the titles of its admonitions and dropdowns, figure captions, alt text
    and description: every text a reader sees."""
    texts = [Text(line, text, quoted) for text, line, quoted in page.prose]
    for name, argument, _, line, _ in page.directives:
        if name in TITLED_DIRECTIVES and argument.strip():
            texts.append(Text(line, argument.strip(), kind="title"))
    meta = (page.front.get("myst") or {}).get("html_meta") or {}
    if meta.get("description"):
        texts.append(Text(page.front_line or 1, str(meta["description"]), kind="description"))
    for _, _, options, line, _ in page.directives:
        cell = options.get("mystnb") if isinstance(options.get("mystnb"), dict) else {}
        for kind, value in (
            ("alt", options.get("alt")),
            ("caption", (cell.get("figure") or {}).get("caption")),
            ("alt", (cell.get("image") or {}).get("alt")),
        ):
            if value:
                texts.append(Text(line, " ".join(str(value).split()), kind=kind))
    return texts


def catalogue_texts(catalogue: translations.Catalogue) -> list[Text]:
    """A catalogue's translations (each ``msgstr`` at its line), as running prose."""
    texts = []
    for entry in catalogue.entries:
        plain = re.sub(r"\{(?!line\})[\w:-]+\}|<[^>]*>", "", entry.msgstr)  # {line}: filled in
        plain = " ".join(re.sub(r"_{3,}", " ", plain).split())
        if plain and re.search(r"\w", plain):
            texts.append(Text(entry.line, plain if plain[-1] in ".!?:" else plain + "."))
    return texts


def documents(sources: Sources, lines: NationalLines | None = None) -> list[Document]:
    """The book's pages, then each translated handout's catalogue that can be read (a
    catalogue that cannot is the translations check's to report); each national line written
    as a role (``{line}`crisis```) filled in as a reader sees it, from ``lines`` (by default
    the book's own)."""
    found = _documents(sources)
    national = lines or us_lines()
    for document in found:
        document.texts = [
            replace(t, text=national.expand(t.text, document.language)) for t in document.texts
        ]
    return found


def _documents(sources: Sources) -> list[Document]:
    found = [
        Document(
            page.rel,
            docname,
            "en",
            page.front.get("audience") == "client",
            page_texts(page),
            page.front_line or 1,
        )
        for docname, page in sources.pages.items()
    ]
    for docname, (english, language) in sources.translations.items():
        po = translations.catalogue_path(sources.root, english, language)
        try:
            catalogue = translations.read_catalogue(po)
        except Exception:  # noqa: BLE001 - missing or unreadable: check_translations says so
            continue
        english_page = sources.pages.get(english)
        client = english_page is not None and english_page.front.get("audience") == "client"
        found.append(
            Document(
                po.relative_to(sources.root).as_posix(),
                docname,
                language,
                client,
                catalogue_texts(catalogue),
            )
        )
    return found
