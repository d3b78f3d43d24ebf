"""The PDFs: the full book, one short PDF per handout and one per chapter, tagged PDF/UA-1,
made by WeasyPrint.

Sphinx's ``singlehtml`` builder writes the whole book as one HTML page. This module takes its
article, gives it a title page, a table of contents and print furniture, and lets WeasyPrint
lay it out with one print stylesheet (``sphinx_ext/assets/addictionbook-print.css``: CSS
paged media for margins, running heads, page numbers, the crisis box and the handout footer).
Each handout page and each chapter is cut out of the same HTML as a document of its own
(:func:`page_document`), its footer naming the page, the book's edition and its clinical review
status (``content/review.py``). WeasyPrint writes
PDF/UA-1 (``pdf_variant="pdf/ua-1"``): a structure tree made from the HTML (headings, paragraphs,
lists, tables with header cells, links, figures with the site's alt text), the document
language, the title shown in the window, bookmarks from the headings, fonts embedded with
Unicode maps. ``addictionbook.upstream`` marks the running heads and footers as artifacts.

Why WeasyPrint rather than xelatex: TeX Live 2022's tagging gives no headings and no PDF/UA
identification (ARCHITECTURE.md, and README.md's Performance section for the timings).
"""

from __future__ import annotations

import copy
import hashlib
import logging
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from html import escape
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from ..content import review, translations
from ..content.sources import HANDOUT_PREFIX, Sources, english_docname
from ..problems import Problem, ProblemsFound
from ..settings import Settings
from ..sphinx_ext.pdf import ASSETS, LICENCE, chapter_pdf, handout_pdf
from ..sphinx_ext.translations import FIGURE_FORMAT

STYLESHEET = ASSETS / "addictionbook-print.css"
#: Shown on the title page; the book's own subtitle.
SUBTITLE = "A course text after the article by Jon Daily, LCSW, CADC II"
SUBJECT = "A course text on attachment, affect regulation and addiction for clinicians in training"
KEYWORDS = (
    "addiction, attunement, attachment, affect regulation, co-regulation, "
    "interpersonal neurobiology"
)
TITLE_PAGE_NOTE = (
    "The rights to the article this book teaches remain with its author; quotations from it "
    "are marked and cited. For education; not clinical advice. In a crisis in the United "
    "States, call or text 988."
)
#: Site furniture that means nothing on paper.
DROP = "a.headerlink, .sd-summary-state-marker, button, .copybtn, script, .toggle-button"


@dataclass(frozen=True)
class Book:
    """What the PDFs say about the book: from ``_config.yml`` and the installed package."""

    title: str
    author: str
    edition: str
    language: str
    site_url: str
    date: str  # YYYY-MM-DD, from SOURCE_DATE_EPOCH
    page_size: str  # CSS page size (ADDICTIONBOOK_PAPER)


def book_info(sources: Sources, settings: Settings) -> Book:

    config = sources.config
    sphinx = config.get("sphinx", {}).get("config", {})
    epoch = int(settings.epoch(sources.root) or 0)
    return Book(
        title=config["title"],
        author=config.get("author", ""),
        edition=sources.edition,
        language=sphinx.get("language", "en"),
        site_url=sphinx.get("site_url", "").rstrip("/") + "/",
        date=time.strftime("%Y-%m-%d", time.gmtime(epoch)),
        page_size=settings.page_size,
    )


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ") + '"'


def _head(
    book: Book, title: str, description: str, extra_css: str, language: str | None = None
) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language or book.language)}"><head>'
        '<meta charset="utf-8">'
        f"<title>{escape(title)}</title>"
        f'<meta name="author" content="{escape(book.author)}">'
        f'<meta name="description" content="{escape(description)}">'
        f'<meta name="keywords" content="{escape(KEYWORDS)}">'
        f'<meta name="generator" content="{escape(book.title)}">'
        f'<meta name="dcterms.created" content="{book.date}">'
        f'<meta name="dcterms.modified" content="{book.date}">'
        f"<style>{extra_css}</style></head>"
    )


def load_article(singlehtml: Path, root_doc: str = "book/index") -> BeautifulSoup:
    """The book's article from the ``singlehtml`` build, cleaned for print.

    Links are made relative to the page itself (Sphinx writes them as ``book/index.html#x``)
    and links to files of the build (a figure's image) dropped,
    section ids made unique (each chapter has its own "Key terms"), dropdowns opened (the
    self-check answers are printed), the site's buttons and anchors dropped, and each
    translated handout's section marked with its language (the single page is English).
    Nothing changes it afterwards: the book and each page copy what they change.
    """
    page = BeautifulSoup(
        (singlehtml / f"{root_doc}.html").read_text(encoding="utf-8"), "html.parser"
    )
    article = page.select_one("article.bd-article")
    if article is None:
        raise ValueError(f"{singlehtml / root_doc}.html has no <article class='bd-article'>")
    for node in article.select(DROP):
        node.decompose()
    own = f"{root_doc}.html#"
    for link in article.select("a[href]"):
        if link["href"].startswith(own):
            link["href"] = "#" + link["href"][len(own) :]
        elif not link["href"].startswith(("#", "https:", "http:", "mailto:")):
            link.unwrap()  # a figure's link to its own image file: a local path in a PDF
    for details in article.select("details"):
        details["open"] = ""
    for header in article.select("thead th"):  # a header row's cells head their columns
        header["scope"] = "col"
    for header in article.select("tbody th"):  # docutils writes a stub column's cells as <th>
        header["scope"] = "row"
    seen: set[str] = set()
    for node in article.select("[id]"):
        ident, n = node["id"], 1
        while node["id"] in seen:
            n += 1
            node["id"] = f"{ident}-{n}"
        seen.add(node["id"])
    for docname, section in _documents(article).items():
        found = english_docname(docname)
        if found:
            section["lang"] = found[1]
            _figure_word(section, found[1])
    return article


def _figure_word(section: Tag, language: str) -> None:
    """ "Figura 1", not "Fig. 1", in a translated handout's section: the singlehtml book is one
    English page, so Sphinx wrote the English word (``sphinx_ext/translations.py`` does the
    same for the site's and the EPUB's pages)."""
    word = FIGURE_FORMAT.get(language)
    if not word:
        return
    for span in section.select("span.caption-number"):
        number = re.search(r"\d+(?:\.\d+)*", span.get_text())
        if number:
            span.string = word % number.group(0) + " "


def _documents(article: Tag) -> dict[str, Tag]:
    """Each document's ``<section>`` in the single page, by docname."""
    found = {}
    for marker in article.select('span[id^="document-"]'):
        section = marker.find_next_sibling("section")
        if section is not None:
            found[marker["id"].removeprefix("document-")] = section
    return found


def _owners(article: Tag, sections: dict[str, Tag], root_doc: str) -> dict[str, str]:
    """Which document each id belongs to (the innermost document's section holding it)."""
    owner = {node["id"]: root_doc for node in article.select("[id]")}
    for docname, section in sections.items():  # outer documents come first: inner ones win
        for node in [section, *section.select("[id]")]:
            owner[node["id"]] = docname
        marker = section.find_previous_sibling("span", id=f"document-{docname}")
        if marker is not None:
            owner[marker["id"]] = docname
    return owner


_last_index: tuple[Tag, str, dict[str, Tag], dict[str, str]] | None = None


def _index(article: Tag, root_doc: str) -> tuple[dict[str, Tag], dict[str, str]]:
    """:func:`_documents` and :func:`_owners` of ``article``, worked out once per article: a
    PDF build makes a page of each chapter and handout from one article, and going through
    the whole book again for each was 0.6 s of every PDF build, before any layout. The
    article is not changed once loaded (each page copies the section it changes), and the
    one kept is held here, so another article cannot take its identity."""
    global _last_index
    if _last_index is None or _last_index[0] is not article or _last_index[1] != root_doc:
        sections = _documents(article)
        _last_index = (article, root_doc, sections, _owners(article, sections, root_doc))
    return _last_index[2], _last_index[3]


def _relevel(section: Tag, by: int) -> None:
    for heading in section.find_all(re.compile(r"^h[1-6]$")):
        heading.name = f"h{max(1, int(heading.name[1]) - by)}"


def book_document(sources: Sources, article: Tag, book: Book) -> str:
    """The full book as one HTML document: title page, contents, the text."""
    article = copy.copy(article)
    # A link to the landing page (the review status list has one) goes to its text, "About
    # this book": the single page has no anchor for its own root document.
    root_doc = sources.toc_entries[0] if sources.toc_entries else "book/index"
    for link in article.select(f'a[href="#document-{root_doc}"]'):
        link["href"] = "#about-this-book"
    root_section = article.find("section")
    h1 = root_section.find("h1")
    title = h1.get_text(" ", strip=True)
    h1.decompose()
    # The landing page's own text (before the first chapter) becomes "About this book".
    about = [c for c in list(root_section.children) if not _is_toctree(c)]
    chapters = [c for c in list(root_section.children) if _is_toctree(c)]
    parts = sources.part_captions
    body = ['<body class="book">', _title_page(book, title)]
    body.append(_contents(chapters, parts))
    body.append('<section class="about" id="about-this-book"><h2>About this book</h2>')
    body += [str(c) for c in about]
    body.append("</section>")
    for wrapper in chapters:
        for section in wrapper.find_all("section", recursive=False):
            section["class"] = [*section.get("class", []), "chapter"]
            docname = _first_docname(section)
            if docname in parts:
                section["data-part"] = parts[docname]
        body.append(str(wrapper))
    body.append("</body></html>")
    css = f"@page {{ size: {book.page_size}; }}"
    return _head(book, title, SUBJECT, css) + "".join(body)


def _is_toctree(node) -> bool:
    return isinstance(node, Tag) and "toctree-wrapper" in node.get("class", [])


def _first_docname(section: Tag) -> str:
    marker = section.find_previous_sibling("span")
    return marker["id"].removeprefix("document-") if marker and marker.get("id") else ""


def _title_page(book: Book, title: str) -> str:
    return (
        '<section class="title-page">'
        f"<h1>{escape(title)}</h1>"
        f'<p class="subtitle">{escape(SUBTITLE)}</p>'
        f'<p class="author">{escape(book.author)}</p>'
        f'<p class="edition">Edition {escape(book.edition)} | {book.date}</p>'
        f'<p class="licence">{escape(LICENCE)}. {escape(TITLE_PAGE_NOTE)}</p>'
        "</section>"
    )


def _contents(chapters: list[Tag], parts: dict[str, str]) -> str:
    """A table of contents: chapters and their sections, with page numbers (CSS
    ``target-counter``) and the parts of the book as group labels."""
    items = []
    for wrapper in chapters:
        for section in wrapper.find_all("section", recursive=False):
            docname = _first_docname(section)
            if docname in parts:
                items.append(f'<li class="part">{escape(parts[docname])}</li>')
            items.append(_toc_entry(section, depth=1))
    return (
        '<nav class="contents" aria-labelledby="contents-title">'
        '<h2 id="contents-title">Contents</h2><ul>' + "".join(items) + "</ul></nav>"
    )


def _toc_entry(section: Tag, depth: int) -> str:
    heading = section.find(re.compile(r"^h[1-6]$"))
    text = escape(heading.get_text(" ", strip=True)) if heading else ""
    lang = f' lang="{escape(section["lang"])}"' if section.get("lang") else ""
    entry = f'<li><a href="#{section["id"]}"{lang}>{text}</a>'
    subs = _subsections(section)
    if depth < 2 and subs:
        entry += "<ul>" + "".join(_toc_entry(s, depth + 1) for s in subs) + "</ul>"
    return entry + "</li>"


def _subsections(section: Tag) -> list[Tag]:
    """The sections directly under ``section``, also those of documents included there (the
    handouts sit in a toctree inside the Handouts page's section)."""
    return [s for s in section.find_all("section") if s.find_parent("section") is section]


#: The handout footer's words in each language a handout is printed in: edition, licence.
FOOTER_WORDS = {
    "en": ("Edition", LICENCE),
    "es": ("Edición", "Texto CC BY-SA 4.0, código MIT"),
}
#: The line under a handout's title naming the book, and the PDF's description.
FROM_THE_BOOK = {"en": "a handout from", "es": "una hoja del libro"}


def handout_document(
    article: Tag,
    docname: str,
    book: Book,
    audience: str,
    root_doc: str = "book/index",
    status: str = "",
    review_status: str = "",
    insert=None,
    more_status: tuple[str, ...] = (),
    extra_class: str = "",
    extra_css: str = "",
) -> str:
    """One handout as a document of its own (:func:`page_document`). A translated handout is
    a document in its language (the book's English title marked as English), its footer in
    that language with the translation ``status`` (``content.translations.status_line``); the
    footer ends with the ``review_status`` (``content.review.status_text``), then
    ``more_status`` (a clinic edition's "Prepared for")."""
    return page_document(
        article,
        docname,
        book,
        f"handout audience-{audience} {extra_class}".strip(),
        root_doc,
        [line for line in (status, review_status, *more_status) if line],
        insert,
        extra_css,
    )


def page_document(
    article: Tag,
    docname: str,
    book: Book,
    body_class: str,
    root_doc: str = "book/index",
    status: list[str] | None = None,
    insert=None,
    extra_css: str = "",
) -> str:
    """One page of the book (a handout, a chapter) as a document of its own: its section of
    the book, headings from H1, links to the rest of the book pointing at the website, and on
    every page's foot its title, the book, the edition, the licence and its ``status`` lines
    (the translation status then not repeated in the text; the review status line or band
    under the title stays, tagged, for a screen reader, which skips the footer).
    ``insert(section, language)``, when given, adds to the page's section (a clinic's box)."""
    sections, owner = _index(article, root_doc)
    if docname not in sections:
        raise ValueError(f"the singlehtml build has no section for {docname}")
    section = copy.copy(sections[docname])
    found = english_docname(docname)
    language = found[1] if found else book.language
    own_ids = {n["id"] for n in [section, *section.select("[id]")]}
    for link in section.select('a[href^="#"]'):
        target = link["href"][1:]
        if target not in own_ids:  # elsewhere in the book: its page on the website
            link["href"] = f"{book.site_url}{owner.get(target, root_doc)}.html#{target}"
    heading = section.find(re.compile(r"^h[1-6]$"))
    _relevel(section, int(heading.name[1]) - 1)
    title = heading.get_text(" ", strip=True)
    book_lang = "" if language == book.language else f' lang="{escape(book.language)}"'
    heading.insert_after(
        BeautifulSoup(f'<p class="handout-book"{book_lang}>{escape(book.title)}</p>', "html.parser")
    )
    edition, licence = FOOTER_WORDS[language]
    footer = f"{title}\n{book.title} | {edition} {book.edition} | {licence}"
    for line in status or []:  # on every page's foot
        footer += f"\n{line}"
    if status:  # the translation status not again at the end of the text; the review status
        # stays under the title too: the footer is an artifact, which a screen reader skips
        for paragraph in section.select("p.translation-status"):
            paragraph.decompose()
    if insert is not None:
        insert(section, language)
    css = f"@page {{ size: {book.page_size}; @bottom-left {{ content: {_css_string(footer)}; }} }}"
    css += extra_css
    what = "a chapter of" if body_class == "chapter" else FROM_THE_BOOK[language]
    description = f"{title}: {what} {book.title}"
    return (
        _head(book, title, description, css, language)
        + f'<body class="{body_class}">{section}</body></html>'
    )


def write_pdf(
    html: str, base: Path, target: Path, source: str = "", page_limit: int | None = None
) -> Path:
    """Lay out ``html`` (its relative links resolved against ``base``) with the print
    stylesheet and write a tagged PDF/UA-1 to ``target``; :class:`ProblemsFound` names
    ``source`` (the page it was made from) for each error WeasyPrint reports, and when the
    layout has more pages than ``page_limit`` (then nothing is written)."""
    from weasyprint import CSS, DEFAULT_OPTIONS, HTML

    from ..upstream.weasyprint import patch_weasyprint_tagging

    patch_weasyprint_tagging()
    target.parent.mkdir(parents=True, exist_ok=True)
    # WeasyPrint logs what breaks PDF/UA (an image without alt text, no language, a missing
    # image or font) as errors and carries on: here they fail the build, like Sphinx warnings.
    errors = _Errors()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(errors)
    options = {
        **DEFAULT_OPTIONS,
        "stylesheets": [CSS(filename=str(STYLESHEET))],
        "pdf_variant": "pdf/ua-1",
        # The same input gives the same bytes (no random file identifier).
        "pdf_identifier": hashlib.sha256(html.encode()).hexdigest()[:32].encode(),
    }
    try:
        document = HTML(string=html, base_url=f"{base.resolve()}/").render(**options)
        if page_limit is not None and len(document.pages) > page_limit:
            raise ProblemsFound(
                [
                    Problem(
                        source or target.name,
                        0,
                        f"{target.name} is {len(document.pages)} pages; its limit is "
                        f"{page_limit} (page_limit: in the handout's front matter)",
                        "shorten the handout (or, if it is meant to be longer, raise its "
                        "page_limit); the last good PDFs were kept",
                    )
                ]
            )
        document.write_pdf(target, **{k: options[k] for k in DEFAULT_OPTIONS})
    finally:
        logger.removeHandler(errors)
    if errors.messages:
        target.unlink(missing_ok=True)
        raise ProblemsFound(
            [
                Problem(
                    source or target.name,
                    0,
                    f"WeasyPrint could not make {target.name} as a tagged PDF: {message}",
                    "fix what it names in this page (an image, a link, a character)",
                )
                for message in errors.messages[:20]
            ]
        )
    return target


class _Errors(logging.Handler):
    """Collects WeasyPrint's error messages."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def images_without_alt(article: Tag, root_doc: str = "book/index") -> list[Problem]:
    """A problem for each image with no alt text: PDF/UA cannot tag it as a figure.

    WeasyPrint finds these too, but only after laying out the whole book; checked first, the
    PDF step fails at once and names the page."""
    _sections, owner = _index(article, root_doc)
    found = []
    for image in article.select("img"):
        if not str(image.get("alt", "")).strip():
            holder = image.find_parent(id=lambda ident: ident in owner)
            page = owner.get(holder["id"], root_doc) if holder else root_doc
            found.append(
                Problem(
                    f"{page}.md",
                    0,
                    f"the image {image.get('src', '(no src)')} has no alt text, so the tagged "
                    "PDF cannot describe it",
                    "give it one (![what it shows](...) or :alt:)",
                )
            )
    return found


#: The front-matter key of a handout's page limit, and the limit when a handout sets none.
PAGE_LIMIT_KEY, DEFAULT_PAGE_LIMIT = "page_limit", 2


def page_limit(sources: Sources, docname: str) -> int:
    """How many pages the handout ``docname`` may have in print (its front matter's
    ``page_limit``; its translations share the English page's)."""
    value = sources.front(docname).get(PAGE_LIMIT_KEY, DEFAULT_PAGE_LIMIT)
    return value if isinstance(value, int) and value > 0 else DEFAULT_PAGE_LIMIT


def pdf_count(sources: Sources) -> int:
    """How many PDFs :func:`make_pdfs` writes: the book, each handout, each chapter."""
    return 1 + len(sources.printed_handouts) + len(sources.chapters)


def handout_pdf_input(
    sources: Sources,
    article: Tag,
    book: Book,
    docname: str,
    statuses: dict,
    insert=None,
    more_status: tuple[str, ...] = (),
    extra_class: str = "",
    extra_css: str = "",
) -> tuple[str, str, int]:
    """What :func:`write_pdf` needs for the handout ``docname``: its HTML document, the source
    file a problem names (a translation's catalogue) and its page limit. ``insert`` and
    ``more_status``, ``extra_class`` and ``extra_css``: a clinic edition's box, footer line,
    body class and print rules (``pipeline/profiles.py``)."""
    found = english_docname(docname)
    english = found[0] if found else docname
    clinicians = set(sources.handouts_for("clinician"))
    audience = "clinician" if english.removeprefix(HANDOUT_PREFIX) in clinicians else "client"
    status = translations.page_status(sources.root, docname)
    reviewed = review.status_text(statuses[docname]) if docname in statuses else ""
    root_doc = sources.toc_entries[0] if sources.toc_entries else "book/index"
    html = handout_document(
        article,
        docname,
        book,
        audience,
        root_doc,
        status,
        reviewed,
        insert,
        more_status,
        extra_class,
        extra_css,
    )
    return html, handout_source(sources, docname), page_limit(sources, english)


def handout_source(sources: Sources, docname: str) -> str:
    """The file a handout's problems name: its page, or a translation's catalogue."""
    found = english_docname(docname)
    if not found:
        return f"{docname}.md"
    return translations.catalogue_path(sources.root, *found).relative_to(sources.root).as_posix()


def make_pdfs(
    sources: Sources,
    settings: Settings,
    singlehtml: Path,
    target: Path,
    progress=None,
    jobs: int | None = None,
) -> list[Path]:
    """Write ``target/book.pdf``, ``target/handouts/<name>.pdf`` (each translated handout as
    ``target/handouts/<language>/<name>.pdf``) and ``target/chapters/<name>.pdf`` from a
    singlehtml build, laid out on ``jobs`` processes (default: every core; the book, the
    longest, first); ``progress(done, total)`` is called as each PDF is made.
    :class:`ProblemsFound` names the page of each problem."""
    book = book_info(sources, settings)
    article = load_article(singlehtml)
    missing = images_without_alt(article)
    if missing:
        raise ProblemsFound(missing)
    statuses = review.statuses(sources, settings.day(sources.root))
    root_doc = sources.toc_entries[0] if sources.toc_entries else "book/index"
    work = [
        (book_document(sources, article, book), singlehtml, target / "book.pdf", f"{root_doc}.md")
    ]
    for docname in sources.printed_handouts:
        html, source, limit = handout_pdf_input(sources, article, book, docname, statuses)
        pdf = target / handout_pdf(docname).removeprefix("pdf/")
        work.append((html, singlehtml, pdf, source, limit))
    for docname in sources.chapters:
        reviewed = [review.status_text(statuses[docname])] if docname in statuses else []
        html = page_document(article, docname, book, "chapter", root_doc, reviewed)
        work.append(
            (html, singlehtml, target / chapter_pdf(docname).removeprefix("pdf/"), f"{docname}.md")
        )
    return lay_out(work, jobs, progress)


def lay_out(work: list[tuple], jobs: int | None = None, progress=None) -> list[Path]:
    """:func:`write_pdf` for each item of ``work`` (its arguments), on ``jobs`` processes
    (default: every core), in the order given; ``progress(done, total)`` as each is made. The
    first problem stops it (the PDFs already made stay in their staging folder)."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(work)))
    made: list[Path] = []
    if jobs == 1:
        for item in work:
            made.append(write_pdf(*item))
            if progress:
                progress(len(made), len(work))
        return made
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(write_pdf, *item) for item in work]
        try:
            for future in as_completed(futures):
                made.append(future.result())
                if progress:
                    progress(len(made), len(work))
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return [future.result() for future in futures]
