"""The content linter: every mistake a reviewer would otherwise catch by eye, as a command.

``addictionbook check [ROOT]`` (``make check``) prints each finding as
``path:line: what is wrong and how to fix it`` and exits 1 when there is any. It reads the
sources with the parsers the build uses: markdown-it tokens from MyST-Parser (front matter,
headings, directives and roles, with line numbers), YAML for front matter and the table of
contents, pybtex for ``references.bib``, textstat for reading grades. Words in quotations are
the quoted author's; only the book's own voice is checked for stigmatising language.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import yaml

from . import translations
from .book import HANDOUT_PREFIX, TocError, load_yaml, numbered_chapters, toc_files

#: Sections every chapter has, as level-2 headings, in this order.
REQUIRED_SECTIONS = (
    "Learning objectives",
    "Key terms",
    "Discussion questions",
    "Self-check",
    "Notes for instructors",
)
#: Reading-grade ceiling for client handouts (SMOG and Flesch-Kincaid).
CLIENT_MAX_GRADE = 8.0
#: Readability floor for Spanish client handouts: Szigriszt-Pazos (INFLESZ scale) 65 and up
#: reads "bastante fácil" (fairly easy).
CLIENT_MIN_SZIGRISZT = 65.0
#: Crisis-help line every client handout carries.
CRISIS_LINE = re.compile(r"\b988\b")
#: Files a contributor must never add to the repository.
FORBIDDEN_TRACKED = re.compile(
    r"(\.ipynb$|(^|/)(_build|\.venv|jupyter_execute|\.jupyter_cache|__pycache__)/|\.pyc$)"
)
CITE_ROLE = re.compile(r"^cite(:\w+)?$")
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|'[^'\n]{12,}'")
QUOTE_DIRECTIVES = {"epigraph", "pull-quote", "highlights", "blockquote"}
CODE_DIRECTIVES = {"code-cell", "code-block", "code", "sourcecode", "literalinclude", "glossary"}
LANGUAGE_FILE = Path(__file__).with_name("language.yml")
LANGUAGE_FILE_ES = Path(__file__).with_name("language.es.yml")
CLIENT_SAFETY_FILE = Path(__file__).with_name("client_safety.yml")
SPELLING_FILE = Path(__file__).with_name("spelling.yml")


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Role:
    name: str
    content: str
    line: int

    @property
    def target(self) -> str:
        """The target of ``text <target>`` or the whole content."""
        match = re.search(r"<([^<>]+)>\s*$", self.content)
        return (match.group(1) if match else self.content).strip()


@dataclass
class Page:
    """One Markdown source, parsed once: front matter, headings, directives, roles, prose."""

    root: Path
    path: Path
    front: dict = field(default_factory=dict)
    front_line: int = 0
    headings: list[tuple[int, str, int]] = field(default_factory=list)  # (level, text, line)
    directives: list[tuple[str, str, dict, int, int]] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    prose: list[tuple[str, int, bool]] = field(default_factory=list)  # (text, line, quoted)
    images: list[tuple[str, int]] = field(default_factory=list)  # (alt, line)

    @property
    def rel(self) -> str:
        return self.path.relative_to(self.root).as_posix()


def _parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    config = MdParserConfig(enable_extensions={"colon_fence", "deflist", "substitution"})
    return create_md_parser(config, RendererHTML)


def _split_options(body: str) -> tuple[dict, str, int]:
    """Split a directive body into its ``:key: value`` options, the content, and options' lines."""
    lines = body.split("\n")
    option_lines = []
    for line in lines:
        if line.startswith(":"):
            option_lines.append(line)
        else:
            break
    options: dict = {}
    text = "\n".join(line[1:] if line.startswith(":") else line for line in option_lines)
    if option_lines:
        # `:key: value` lines and the `:key:` + `:  nested:` YAML form of myst-nb cells
        yaml_text = "\n".join(
            re.sub(r"^(\s*[\w-]+):\s*$", r"\1:", line) for line in text.split("\n")
        )
        try:
            loaded = load_yaml(yaml_text)
            options = loaded if isinstance(loaded, dict) else {}
        except yaml.YAMLError:
            options = {}
    rest = "\n".join(lines[len(option_lines) :])
    return options, rest, len(option_lines)


def parse_page(root: Path, path: Path, md=None) -> Page:
    """Parse ``path`` into a :class:`Page` with absolute (1-based) line numbers."""
    md = md or _parser()
    page = Page(root=root, path=path)
    _walk(md, page, path.read_text(encoding="utf-8"), offset=0, quoted=False)
    return page


def _walk(md, page: Page, text: str, offset: int, quoted: bool) -> None:
    tokens = md.parse(text)
    blockquote = 0
    for i, token in enumerate(tokens):
        line = (token.map[0] if token.map else 0) + offset + 1
        if token.type == "front_matter" and offset == 0:
            page.front_line = line
            try:
                page.front = load_yaml(token.content) or {}
            except yaml.YAMLError as error:
                page.front = {"__error__": str(error)}
        elif token.type == "blockquote_open":
            blockquote += 1
        elif token.type == "blockquote_close":
            blockquote -= 1
        elif token.type == "heading_open":
            page.headings.append((int(token.tag[1]), tokens[i + 1].content.strip(), line))
        elif token.type == "fence" and token.info.startswith("{"):
            name, _, argument = token.info[1:].partition("}")
            options, body, n_options = _split_options(token.content)
            page.directives.append((name, argument.strip(), options, line, token.map[1] + offset))
            if name not in CODE_DIRECTIVES:
                _walk(
                    md,
                    page,
                    body,
                    offset + (token.map[0] + 1 + n_options),
                    quoted or name in QUOTE_DIRECTIVES,
                )
        elif token.type == "inline":
            _inline(page, token, line, quoted or blockquote > 0)


def _inline(page: Page, token, line: int, quoted: bool) -> None:
    content, position = token.content, 0
    for child in token.children or []:
        if child.type == "myst_role":
            name = child.meta.get("name", "")
            found = content.find(f"{{{name}}}`", position)
            position = found if found >= 0 else position
            page.roles.append(Role(name, child.content, line + content[:position].count("\n")))
        elif child.type == "image":
            alt = "".join(c.content for c in child.children or [])
            page.images.append((alt, line))
    for n, text in enumerate(content.split("\n")):
        page.prose.append((text, line + n, quoted))


@dataclass
class Book:
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


# --- the checks: each takes the Book and yields Findings ------------------------------------


def check_toc(root: Path) -> list[Finding]:
    """Every table-of-contents entry names a file that exists."""
    findings = []
    lines = (root / "_toc.yml").read_text(encoding="utf-8").splitlines()
    try:
        entries = toc_files(root)
    except TocError as error:
        return [Finding("_toc.yml", 1, f"the table of contents cannot be read: {error}")]
    for entry in entries:
        if not any((root / f"{entry}{ext}").exists() for ext in ("", ".md", ".ipynb")):
            line = next((i for i, text in enumerate(lines, 1) if entry in text), 1)
            findings.append(
                Finding(
                    "_toc.yml",
                    line,
                    f"'{entry}' is listed but {entry}.md does not exist; create it or fix the name",
                )
            )
    return findings


def check_front_matter(book: Book) -> Iterator[Finding]:
    """Every page has front matter with a one-sentence description for search engines."""
    for page in book.pages.values():
        if "__error__" in page.front:
            yield Finding(
                page.rel,
                page.front_line or 1,
                f"the front matter is not valid YAML ({page.front['__error__'].splitlines()[0]}); "
                "fix the indentation or quoting between the --- lines",
            )
            continue
        meta = (page.front.get("myst") or {}).get("html_meta") or {}
        if not page.front:
            yield Finding(
                page.rel,
                1,
                "missing front matter; start the file with ---, "
                'myst: html_meta: description: "one sentence", and --- (see CONTRIBUTING.md)',
            )
        elif not str(meta.get("description", "")).strip():
            yield Finding(
                page.rel,
                page.front_line or 1,
                "the front matter has no "
                "myst.html_meta.description; add one sentence that says what the page teaches",
            )
        if page.front.get("kernelspec") and not page.front.get("jupytext"):
            yield Finding(
                page.rel,
                page.front_line or 1,
                "a notebook needs a jupytext block in its "
                "front matter (format_name: myst), or its code cells will not run; copy it "
                "from book/layered-model.md",
            )


def check_sections(book: Book) -> Iterator[Finding]:
    """Chapters have every required section, as ``##`` headings, in order."""
    for entry in book.chapters:
        page = book.pages.get(entry)
        if page is None:
            continue
        titles = [h for h in page.headings if h[0] == 1]
        if len(titles) != 1:
            yield Finding(
                page.rel,
                titles[1][2] if len(titles) > 1 else 1,
                "a chapter has exactly one # title; make other headings ## or deeper",
            )
        found = [text for level, text, _ in page.headings if level == 2]
        missing = [s for s in REQUIRED_SECTIONS if s not in found]
        for section in missing:
            yield Finding(
                page.rel,
                1,
                f"missing the section '## {section}'; every chapter has "
                f"{', '.join(REQUIRED_SECTIONS)}",
            )
        present = [s for s in found if s in REQUIRED_SECTIONS]
        if not missing and present != list(REQUIRED_SECTIONS):
            line = next(h[2] for h in page.headings if h[1] in REQUIRED_SECTIONS)
            yield Finding(
                page.rel,
                line,
                "the required sections are out of order; use: " + ", ".join(REQUIRED_SECTIONS),
            )


def check_alt_text(book: Book) -> Iterator[Finding]:
    """Every image and figure has alt text (figures drawn by cells too)."""
    for page in book.pages.values():
        for alt, line in page.images:
            if not alt.strip():
                yield Finding(
                    page.rel,
                    line,
                    "this image has no alt text; write one sentence "
                    "that says what it shows inside the ![...]",
                )
        for name, _, options, line, _ in page.directives:
            if name in ("figure", "image") and not str(options.get("alt", "")).strip():
                yield Finding(
                    page.rel,
                    line,
                    f"this {name} has no alt text; add :alt: with one "
                    "sentence that says what it shows",
                )
            if name == "code-cell" and isinstance(options.get("mystnb"), dict):
                cell = options["mystnb"]
                if "figure" in cell and not str((cell.get("image") or {}).get("alt", "")).strip():
                    yield Finding(
                        page.rel,
                        line,
                        "this figure cell has no alt text; add "
                        ':  image:\\n:    alt: "one sentence on what it shows"',
                    )


def check_terms(book: Book) -> Iterator[Finding]:
    """Every {term} has a glossary entry; every glossary entry is used somewhere."""
    used: set[str] = set()
    for page in book.pages.values():
        for role in page.roles:
            if role.name != "term":
                continue
            target = role.target.lower()
            used.add(target)
            if target not in book.glossary_terms:
                yield Finding(
                    page.rel,
                    role.line,
                    f"the term '{role.target}' has no glossary "
                    "entry; add it to book/glossary.md or use an existing term's exact name",
                )
    glossary = book.pages.get("book/glossary")
    for term, line in book.glossary_terms.items():
        if term not in used and glossary is not None:
            yield Finding(
                glossary.rel,
                line,
                f"the glossary term '{term}' is never linked with "
                "{term}; link it where a chapter uses it, or remove it",
            )


def check_citations(book: Book) -> Iterator[Finding]:
    """Every citation key exists in references.bib."""
    for page in book.pages.values():
        for role in page.roles:
            if not CITE_ROLE.match(role.name):
                continue
            # sphinxcontrib-bibtex's {pre}key{post} texts ("as cited in ...") are not keys
            keys = re.sub(r"\{[^{}]*\}", "", role.content)
            for key in (k.strip() for k in keys.split(",")):
                if key and key not in book.bib_keys:
                    yield Finding(
                        page.rel,
                        role.line,
                        f"the citation key '{key}' is not in "
                        "book/references.bib; check the spelling or add the checked entry",
                    )


def language_rules(path: Path = LANGUAGE_FILE) -> list[tuple[re.Pattern[str], str]]:
    """The stigmatising-language list (language.yml) as compiled patterns."""
    entries = load_yaml(path.read_text(encoding="utf-8"))
    return [(re.compile(e["pattern"], re.IGNORECASE), e["instead"]) for e in entries]


def check_language(book: Book, rules=None) -> Iterator[Finding]:
    """No stigmatising term in the book's own voice (quotations may use the article's words)."""
    rules = rules if rules is not None else language_rules()
    for page in book.pages.values():
        for text, line, quoted in page.prose:
            if quoted:
                continue
            own_voice = QUOTED.sub(" ", text)
            for pattern, instead in rules:
                match = pattern.search(own_voice)
                if match:
                    yield Finding(
                        page.rel,
                        line,
                        f"'{match.group(0)}' is stigmatising in the "
                        f"book's own voice; write {instead} (quotations are fine)",
                    )


def spelling_rules(path: Path = SPELLING_FILE) -> tuple[list[re.Pattern[str]], list]:
    """The US-spelling list (spelling.yml): names kept as published, and (pattern, US form)."""
    data = load_yaml(path.read_text(encoding="utf-8"))
    keep = [re.compile(k) for k in data.get("keep", [])]
    return keep, [
        (re.compile(e["pattern"], re.IGNORECASE), e["instead"]) for e in data["spellings"]
    ]


def _captions(page: Page) -> Iterator[tuple[str, int]]:
    """Figure captions, alt text and the page description: text readers see outside the prose."""
    meta = (page.front.get("myst") or {}).get("html_meta") or {}
    if meta.get("description"):
        yield str(meta["description"]), page.front_line or 1
    for _, _, options, line, _ in page.directives:
        cell = options.get("mystnb") if isinstance(options.get("mystnb"), dict) else {}
        for value in (
            options.get("alt"),
            (cell.get("figure") or {}).get("caption"),
            (cell.get("image") or {}).get("alt"),
        ):
            if value:
                yield " ".join(str(value).split()), line


def check_spelling(book: Book, rules=None) -> Iterator[Finding]:
    """US spelling in the book's own voice (quotations and published titles keep theirs)."""
    keep, spellings = rules if rules is not None else spelling_rules()
    for page in book.pages.values():
        texts = [(text, line) for text, line, quoted in page.prose if not quoted]
        for text, line in [*texts, *_captions(page)]:
            own_voice = QUOTED.sub(" ", text)
            for pattern in keep:
                own_voice = pattern.sub(" ", own_voice)
            for pattern, instead in spellings:
                for match in pattern.finditer(own_voice):
                    yield Finding(
                        page.rel,
                        line,
                        f"'{match.group(0)}' is British spelling; the book uses US English: "
                        f"write {instead} (quotations and journal titles keep theirs)",
                    )


def prose_for_grading(page: Page) -> str:
    """The page's running text as sentences, for reading-grade formulas.

    Lines that follow each other make one paragraph, so a sentence wrapped over two source
    lines counts as one sentence (counting each line as a sentence understates the grade)."""
    paragraphs: list[list[str]] = []
    last = -2
    for text, line, _ in page.prose:
        text = re.sub(r"\{[\w:-]+\}`([^`]*)`", r"\1", text)
        text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"[*_`#>|]", " ", text).strip()
        if text and not re.fullmatch(r"[\s_.-]*", text):
            if line == last + 1 and paragraphs:
                paragraphs[-1].append(text)
            else:
                paragraphs.append([text])
            last = line
    sentences = (" ".join(lines) for lines in paragraphs)
    return " ".join(s if s[-1] in ".!?:" else s + "." for s in sentences)


def reading_grades(text: str) -> dict[str, float]:
    import textstat

    return {
        "SMOG": textstat.smog_index(text),
        "Flesch-Kincaid": textstat.flesch_kincaid_grade(text),
    }


@dataclass(frozen=True)
class SafetyMessage:
    """A message every client handout carries (client_safety.yml): all its patterns must occur."""

    id: str
    description: str
    require: tuple[re.Pattern[str], ...]


def client_safety_messages(
    path: Path = CLIENT_SAFETY_FILE, language: str = "en"
) -> list[SafetyMessage]:
    """The client-safety messages (client_safety.yml) required in ``language``, compiled."""
    entries = load_yaml(path.read_text(encoding="utf-8"))
    return [
        SafetyMessage(
            e["id"],
            " ".join(e["description"].split()),
            tuple(re.compile(p, re.IGNORECASE) for p in e["require"][language]),
        )
        for e in entries
        if e["require"].get(language)
    ]


def handout_text(page: Page) -> str:
    """The page's text as one line without Markdown emphasis, so a message may wrap lines."""
    text = " ".join(text for text, _, _ in page.prose)
    return " ".join(re.sub(r"[*`]", "", text).split())


def check_client_handouts(book: Book, messages=None) -> Iterator[Finding]:
    """Client handouts read at grade 8 or lower and carry the crisis-help line and every
    client-safety message (medication is treatment, overdose after a break, no sudden stop)."""
    messages = messages if messages is not None else client_safety_messages()
    for page in book.pages.values():
        if page.front.get("audience") != "client":
            continue
        grades = reading_grades(prose_for_grading(page))
        for formula, grade in grades.items():
            if grade > CLIENT_MAX_GRADE:
                yield Finding(
                    page.rel,
                    1,
                    f"a client handout at reading grade {grade:.1f} "
                    f"({formula}); aim for {CLIENT_MAX_GRADE:.0f} or lower: shorter "
                    "sentences, everyday words",
                )
        if not any(CRISIS_LINE.search(text) for text, _, _ in page.prose):
            yield Finding(
                page.rel,
                1,
                "a client handout without the crisis-help line; add "
                "'If you are in crisis, call or text 988 (Suicide & Crisis Lifeline).'",
            )
        text = handout_text(page)
        for message in messages:
            missing = [p.pattern for p in message.require if not p.search(text)]
            if missing:
                yield Finding(
                    page.rel,
                    1,
                    f"a client handout without the safety message '{message.id}': "
                    f"{message.description} Add it in plain words; the text lacks "
                    f"{' and '.join(repr(m) for m in missing)} "
                    "(see src/addictionbook/content/client_safety.yml)",
                )


def szigriszt_pazos(text: str) -> float:
    """Szigriszt-Pazos readability of Spanish ``text`` (INFLESZ: 65-80 "bastante fácil")."""
    import textstat

    textstat.set_lang("es")  # Spanish syllables (pyphen's es dictionary)
    try:
        return float(textstat.szigriszt_pazos(text))
    finally:
        textstat.set_lang("en_US")


def check_translations(book: Book, messages=None, rules=None) -> Iterator[Finding]:
    """Each translated client handout: a complete catalogue (no untranslated or fuzzy entry),
    person-first Spanish, every required safety message in Spanish, and easy reading."""
    rules = rules if rules is not None else language_rules(LANGUAGE_FILE_ES)
    translated = {(english, language) for english, language in book.translations.values()}
    for entry, page in book.pages.items():
        for language in translations.LANGUAGES:
            client = page.front.get("audience") == "client"
            if client and entry.startswith(HANDOUT_PREFIX) and (entry, language) not in translated:
                stub = translations.translated_docname(entry, language)
                yield Finding(
                    page.rel,
                    page.front_line or 1,
                    f"a client handout without its {language} version; list {stub} in "
                    f"_toc.yml, copy book/handouts/{language}/drug-free-is-a-start.md there "
                    "(changing the names), run `make translations` and translate the new "
                    ".po file (see CONTRIBUTING.md)",
                )
    for english_doc, language in book.translations.values():
        for path, line, message in translations.catalogue_findings(
            book.root, english_doc, language
        ):
            yield Finding(path, line, message)
        po = translations.catalogue_path(book.root, english_doc, language)
        try:
            catalogue = translations.read_catalogue(po)
        except Exception:  # reported above by catalogue_findings
            continue
        rel = po.relative_to(book.root).as_posix()
        for entry in catalogue.entries:
            own_voice = QUOTED.sub(" ", entry.msgstr)
            for pattern, instead in rules:
                match = pattern.search(own_voice)
                if match:
                    yield Finding(
                        rel,
                        entry.line,
                        f"'{match.group(0)}' is stigmatising in the book's own voice; write "
                        f"{instead} (quotations are fine; see content/language.{language}.yml)",
                    )
        text = catalogue.text()
        wanted = messages if messages is not None else client_safety_messages(language=language)
        for message in wanted:
            missing = [p.pattern for p in message.require if not p.search(text)]
            if missing:
                yield Finding(
                    rel,
                    1,
                    f"the {language} translation lacks the safety message '{message.id}': "
                    f"{message.description} The translations lack "
                    f"{' and '.join(repr(m) for m in missing)} "
                    "(see src/addictionbook/content/client_safety.yml)",
                )
        if not CRISIS_LINE.search(text):
            yield Finding(rel, 1, "the translation has no crisis-help line (988)")
        score = szigriszt_pazos(text)
        if score < CLIENT_MIN_SZIGRISZT:
            yield Finding(
                rel,
                1,
                f"the Spanish reads at Szigriszt-Pazos {score:.1f}; aim for "
                f'{CLIENT_MIN_SZIGRISZT:.0f} or more ("bastante fácil"): shorter sentences, '
                "everyday words",
            )


def readability_report(root: Path) -> list[str]:
    """One line per client handout: its English reading grades and, for each translation,
    its Szigriszt-Pazos score (printed by ``make check``)."""
    book = Book(root)
    translated = {english: (doc, lang) for doc, (english, lang) in book.translations.items()}
    lines = []
    for entry, page in book.pages.items():
        if page.front.get("audience") != "client":
            continue
        grades = reading_grades(prose_for_grading(page))
        line = f"{page.rel}: " + ", ".join(f"{k} {v:.1f}" for k, v in grades.items())
        if entry in translated:
            po = translations.catalogue_path(root, entry, translated[entry][1])
            if po.exists():
                score = szigriszt_pazos(translations.read_catalogue(po).text())
                line += f"; {translated[entry][1]}: Szigriszt-Pazos {score:.1f}"
        lines.append(line)
    return lines


def check_vignettes(book: Book) -> Iterator[Finding]:
    """Case vignettes say they are fictional composites."""
    for page in book.pages.values():
        for name, argument, _, line, _ in page.directives:
            if name == "admonition" and argument.lower().startswith("case vignette"):
                if "fictional composite" not in argument.lower():
                    yield Finding(
                        page.rel,
                        line,
                        "label the vignette as fiction: 'Case vignette (a fictional composite)'",
                    )


def check_figures_used(book: Book) -> Iterator[Finding]:
    """Every registered figure appears in at least one chapter."""
    from ..figures.registry import FIGURES

    shown = set()
    for entry, page in book.pages.items():
        if entry.endswith("figure-gallery"):
            continue
        shown |= set(
            re.findall(r"show\(\s*[\"'](fig-[\w-]+)", page.path.read_text(encoding="utf-8"))
        )
    # A translated handout shows its figures' variants in its language (<id>-<language>).
    for english_doc, language in book.translations.values():
        page = book.pages.get(english_doc)
        if page is not None:
            source = translations.spanish_source(
                page.path.read_text(encoding="utf-8"), english_doc, language
            )
            shown |= set(re.findall(r"show\(\s*[\"'](fig-[\w-]+)", source))
    for spec in FIGURES:
        if spec.id not in shown:
            yield Finding(
                "src/addictionbook/figures/registry.py",
                1,
                f"the figure {spec.id} is registered "
                "but no chapter shows it; add a figure cell or unregister it",
            )


def check_tracked_files(root: Path) -> Iterator[Finding]:
    """No notebooks with outputs (.ipynb) or build output in the repository."""
    result = subprocess.run(["git", "-C", str(root), "ls-files"], capture_output=True, text=True)
    if result.returncode != 0:  # not a git checkout: look at the book folder instead
        names = [p.relative_to(root).as_posix() for p in (root / "book").rglob("*.ipynb")]
    else:
        names = result.stdout.splitlines()
    for name in names:
        if FORBIDDEN_TRACKED.search(name):
            how = (
                "convert it to a MyST text notebook (jupytext --to myst) and remove the .ipynb"
                if name.endswith(".ipynb")
                else "build output does not belong in git; "
                "git rm -r --cached it (it is in .gitignore)"
            )
            yield Finding(name, 1, f"this file must not be in the repository; {how}")


def run(root: Path) -> list[Finding]:
    """Every check over the book at ``root``, sorted by file and line."""
    from .preflight import check_sources

    findings = check_toc(root) + check_sources(root)
    if findings:
        return sorted(set(findings))  # the other checks need readable sources
    book = Book(root)
    for check in (
        check_front_matter,
        check_sections,
        check_alt_text,
        check_terms,
        check_citations,
        check_language,
        check_spelling,
        check_client_handouts,
        check_translations,
        check_vignettes,
        check_figures_used,
    ):
        findings += check(book)
    findings += check_tracked_files(root)
    return sorted(set(findings))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0] if argv else ".").resolve()
    findings = run(root)
    for finding in findings:
        print(finding)
    if not findings:  # a finding may be a file the report cannot read; it names its own grade
        for line in readability_report(root):
            print(f"readability: {line}", file=sys.stderr)
    from .annotations import annotate

    annotate([str(f) for f in findings], "make check")
    print(f"check: {len(findings)} finding(s) in {root}", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
