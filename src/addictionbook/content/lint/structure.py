"""The book's structure: the table of contents, front matter, chapter sections, alt text,
glossary terms, citation keys, vignette labels, figures shown, and what git tracks."""

from __future__ import annotations

import difflib
import re
import subprocess
from collections.abc import Iterator

from ...problems import Problem
from .. import translations
from ..sources import Sources

#: Sections every chapter has, as level-2 headings, in this order.
REQUIRED_SECTIONS = (
    "Learning objectives",
    "Key terms",
    "Discussion questions",
    "Self-check",
    "Notes for instructors",
)

#: Files a contributor must never add to the repository.
FORBIDDEN_TRACKED = re.compile(
    r"(\.ipynb$|(^|/)(_build|\.venv|jupyter_execute|\.jupyter_cache|__pycache__)/|\.pyc$)"
)

CITE_ROLE = re.compile(r"^cite(:\w+)?$")


def check_front_matter(sources: Sources) -> Iterator[Problem]:
    """Every page has front matter with a one-sentence description for search engines."""
    for page in sources.pages.values():
        if "__error__" in page.front:
            yield Problem(
                page.rel,
                page.front_line or 1,
                f"the front matter is not valid YAML ({page.front['__error__'].splitlines()[0]}); "
                "fix the indentation or quoting between the --- lines",
            )
            continue
        meta = (page.front.get("myst") or {}).get("html_meta") or {}
        if not page.front:
            yield Problem(
                page.rel,
                1,
                "missing front matter; start the file with ---, "
                'myst: html_meta: description: "one sentence", and --- (see CONTRIBUTING.md)',
            )
        elif not str(meta.get("description", "")).strip():
            yield Problem(
                page.rel,
                page.front_line or 1,
                "the front matter has no "
                "myst.html_meta.description; add one sentence that says what the page teaches",
            )
        if page.front.get("kernelspec") and not page.front.get("jupytext"):
            yield Problem(
                page.rel,
                page.front_line or 1,
                "a notebook needs a jupytext block in its "
                "front matter (format_name: myst), or its code cells will not run; copy it "
                "from book/layered-model.md",
            )


def check_sections(sources: Sources) -> Iterator[Problem]:
    """Chapters have every required section, as ``##`` headings, in order."""
    for entry in sources.chapters:
        page = sources.pages.get(entry)
        if page is None:
            continue
        titles = [h for h in page.headings if h[0] == 1]
        if len(titles) != 1:
            yield Problem(
                page.rel,
                titles[1][2] if len(titles) > 1 else 1,
                "a chapter has exactly one # title; make other headings ## or deeper",
            )
        found = [text for level, text, _ in page.headings if level == 2]
        missing = [s for s in REQUIRED_SECTIONS if s not in found]
        for section in missing:
            yield Problem(
                page.rel,
                1,
                f"missing the section '## {section}'; every chapter has "
                f"{', '.join(REQUIRED_SECTIONS)}",
            )
        present = [s for s in found if s in REQUIRED_SECTIONS]
        if not missing and present != list(REQUIRED_SECTIONS):
            line = next(h[2] for h in page.headings if h[1] in REQUIRED_SECTIONS)
            yield Problem(
                page.rel,
                line,
                "the required sections are out of order; use: " + ", ".join(REQUIRED_SECTIONS),
            )


def check_alt_text(sources: Sources) -> Iterator[Problem]:
    """Every image and figure has alt text (figures drawn by cells too)."""
    for page in sources.pages.values():
        for alt, line in page.images:
            if not alt.strip():
                yield Problem(
                    page.rel,
                    line,
                    "this image has no alt text; write one sentence "
                    "that says what it shows inside the ![...]",
                )
        for name, _, options, line, _ in page.directives:
            if name in ("figure", "image") and not str(options.get("alt", "")).strip():
                yield Problem(
                    page.rel,
                    line,
                    f"this {name} has no alt text; add :alt: with one "
                    "sentence that says what it shows",
                )
            if name == "code-cell" and isinstance(options.get("mystnb"), dict):
                cell = options["mystnb"]
                if "figure" in cell and not str((cell.get("image") or {}).get("alt", "")).strip():
                    yield Problem(
                        page.rel,
                        line,
                        "this figure cell has no alt text; add "
                        ':  image:\\n:    alt: "one sentence on what it shows"',
                    )


def check_terms(sources: Sources) -> Iterator[Problem]:
    """Every {term} has a glossary entry; every glossary entry is used somewhere."""
    used: set[str] = set()
    for page in sources.pages.values():
        for role in page.roles:
            if role.name != "term":
                continue
            target = role.target.lower()
            used.add(target)
            if target not in sources.glossary_terms:
                yield Problem(
                    page.rel,
                    role.line,
                    f"the term '{role.target}' has no glossary "
                    "entry; add it to book/glossary.md or use an existing term's exact name",
                )
    glossary = sources.pages.get("book/glossary")
    for term, line in sources.glossary_terms.items():
        if term not in used and glossary is not None:
            yield Problem(
                glossary.rel,
                line,
                f"the glossary term '{term}' is never linked with "
                "{term}; link it where a chapter uses it, or remove it",
            )


def check_citations(sources: Sources) -> Iterator[Problem]:
    """Every citation key exists in references.bib."""
    for page in sources.pages.values():
        for role in page.roles:
            if not CITE_ROLE.match(role.name):
                continue
            # sphinxcontrib-bibtex's {pre}key{post} texts ("as cited in ...") are not keys
            keys = re.sub(r"\{[^{}]*\}", "", role.content)
            for key in (k.strip() for k in keys.split(",")):
                if key and key not in sources.bib_keys:
                    close = difflib.get_close_matches(key, sorted(sources.bib_keys), n=1)
                    yield Problem(
                        page.rel,
                        role.line,
                        f"the citation key '{key}' is not in book/references.bib",
                        f"did you mean `{close[0]}`?"
                        if close
                        else "check the spelling or add the checked entry",
                    )


def check_handout_page_limits(sources: Sources) -> Iterator[Problem]:
    """Every handout says in its front matter how many pages it may have in print
    (``page_limit: 2``): the PDF step refuses a handout that outgrows it."""
    for docname in sources.handouts:
        page = sources.pages.get(docname)
        if page is None:
            continue
        limit = page.front.get("page_limit")
        if not (isinstance(limit, int) and not isinstance(limit, bool) and limit >= 1):
            yield Problem(
                page.rel,
                page.front_line or 1,
                "a handout without its page limit"
                + ("" if limit is None else f" ({limit!r} is not a number of pages)"),
                "add 'page_limit: 2' (or 1) to its front matter: the pages it may have in "
                "print, which the PDF step enforces",
            )


#: Blanks drawn with underscores (Markdown-escaped or not): read aloud as "underscore...".
UNDERSCORE_BLANK = re.compile(r"(?:\\?_){4,}")


def check_answer_blanks(sources: Sources) -> Iterator[Problem]:
    """A place to answer is ``{answer}`N``` (a labelled text box on screen, ruled lines in
    print), never a run of underscores, which a screen reader reads aloud character by
    character and a student who cannot write by hand cannot use."""
    for entry, page in sources.pages.items():
        for number, line in enumerate(sources.text(f"{entry}.md").splitlines(), 1):
            if UNDERSCORE_BLANK.search(line) and not line.lstrip().startswith(("```", "    ")):
                yield Problem(
                    page.rel,
                    number,
                    "a blank drawn with underscores (a screen reader reads each one aloud)",
                    "write {answer}`1` (the number of lines) where the answer goes: a "
                    "labelled text box on the site, ruled lines on paper",
                )


def check_vignettes(sources: Sources) -> Iterator[Problem]:
    """Case vignettes say they are fictional composites."""
    for page in sources.pages.values():
        for name, argument, _, line, _ in page.directives:
            if name == "admonition" and argument.lower().startswith("case vignette"):
                if "fictional composite" not in argument.lower():
                    yield Problem(
                        page.rel,
                        line,
                        "label the vignette as fiction: 'Case vignette (a fictional composite)'",
                    )


def check_figures_used(sources: Sources) -> Iterator[Problem]:
    """Every registered figure appears in at least one chapter."""
    from ...figures.registry import FIGURES

    shown = set()
    for entry in sources.pages:
        if entry.endswith("figure-gallery"):
            continue
        shown |= set(re.findall(r"show\(\s*[\"'](fig-[\w-]+)", sources.text(f"{entry}.md")))
    # A translated handout shows its figures' variants in its language (<id>-<language>).
    for english_doc, language in sources.translations.values():
        page = sources.pages.get(english_doc)
        if page is not None:
            source = translations.spanish_source(
                sources.text(f"{english_doc}.md"), english_doc, language
            )
            shown |= set(re.findall(r"show\(\s*[\"'](fig-[\w-]+)", source))
    for spec in FIGURES:
        if spec.id not in shown:
            yield Problem(
                "src/addictionbook/figures/registry.py",
                1,
                f"the figure {spec.id} is registered "
                "but no chapter shows it; add a figure cell or unregister it",
            )


#: A figure cell's call that shows a registered figure as registered (no other arguments).
SHOW_AS_REGISTERED = re.compile(r"^\s*show\(\s*[\"'](fig-[\w-]+)[\"']\s*\)\s*$", re.MULTILINE)


def check_figure_texts(sources: Sources) -> Iterator[Problem]:
    """A figure cell that shows a registered figure as registered gives it the registry's
    caption and alt text, word for word (``figures/registry.py`` is the one source: a hedge
    dropped from a copy is a problem). A client handout may show the registry's plain-words
    ``client_caption`` instead; a cell that draws a variant (``show(id, peeled=3)``) has text
    of its own."""
    from ...figures.registry import BY_ID

    def same(a: object, b: str) -> bool:
        return " ".join(str(a or "").split()) == " ".join(b.split())

    for entry, page in sources.pages.items():
        lines = sources.text(f"{entry}.md").split("\n")
        client = page.front.get("audience") == "client"
        for name, _, options, start, end in page.directives:
            if name != "code-cell" or not isinstance(options.get("mystnb"), dict):
                continue
            shown = SHOW_AS_REGISTERED.search("\n".join(lines[start:end]))
            spec = BY_ID.get(shown.group(1)) if shown else None
            if spec is None:
                continue
            cell = options["mystnb"]
            caption = (cell.get("figure") or {}).get("caption")
            allowed = [spec.caption] + (
                [spec.client_caption] if client and spec.client_caption else []
            )
            where = "src/addictionbook/figures/registry.py"
            if caption is not None and not any(same(caption, text) for text in allowed):
                yield Problem(
                    page.rel,
                    start,
                    f"the caption of {spec.id} differs from the registry's",
                    f"copy it word for word from {where} (or change it there, for every page)",
                )
            alt = (cell.get("image") or {}).get("alt")
            if alt is not None and not same(alt, spec.alt):
                yield Problem(
                    page.rel,
                    start,
                    f"the alt text of {spec.id} differs from the registry's",
                    f"copy it word for word from {where} (or change it there, for every page)",
                )


def check_tracked_files(sources: Sources) -> Iterator[Problem]:
    """No notebooks with outputs (.ipynb) or build output in the repository."""
    root = sources.root
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
            yield Problem(name, 1, f"this file must not be in the repository; {how}")
