"""A small book that passes ``make check`` and builds in seconds, as a git repository: for the
tests that review, release or build an edition of a whole book (tests/test_editions.py).

It has the real book's configuration, templates and static files, its two client handouts
with their Spanish catalogues, its "Review status" and "What changed" pages, and in place of
the chapters one short chapter (the scaffold's) with a glossary term, a citation and one
figure cell for every registered figure the handouts do not show (the linter asks that every
registered figure is shown). Its one commit is dated :data:`COMMIT_DATE`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from addictionbook.content.scaffold import TEMPLATE
from addictionbook.content.sources import copy_sources

from .helpers import notebook_front_matter

ROOT = Path(__file__).resolve().parents[1]
COMMIT_DATE = "2027-03-01T12:00:00+00:00"
HANDOUTS = ("drug-free-is-a-start", "peeling-the-layers")
CLIENT_FILES = [f"book/handouts/{n}.md" for n in HANDOUTS] + [
    f"book/handouts/es/{n}.md" for n in HANDOUTS
]
NOTEBOOK_FRONT = notebook_front_matter(
    "A small chapter for the tests: one idea and every registered figure."
)
TOC = """\
format: jb-book
root: book/index
parts:
  - caption: Chapters
    numbered: true
    chapters:
      - file: book/small-chapter
  - caption: Appendices
    chapters:
      - file: book/glossary
      - file: book/references
      - file: book/review-status
      - file: book/what-changed
      - file: book/handouts/index
        sections:
          - file: book/handouts/drug-free-is-a-start
          - file: book/handouts/es/drug-free-is-a-start
          - file: book/handouts/peeling-the-layers
          - file: book/handouts/es/peeling-the-layers
"""
PAGE = """\
---
myst:
  html_meta:
    description: "{description}"
---

({label})=
# {title}

{body}
"""


def _figure_cell(spec) -> str:
    caption = "\n".join(f":      {line}" for line in spec.caption.split("\n"))
    alt = spec.alt.replace('"', "'")
    return (
        "```{code-cell} ipython3\n:tags: [remove-input]\n:mystnb:\n:  figure:\n"
        f":    name: {spec.id}\n:    caption: |\n{caption}\n:  image:\n"
        f':    alt: "{alt}"\n\nfrom addictionbook.figures import show\n\n'
        f'show("{spec.id}")\n```\n'
    )


def git(book: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE=COMMIT_DATE, GIT_COMMITTER_DATE=COMMIT_DATE)
    result = subprocess.run(
        ["git", "-C", str(book), *args], capture_output=True, text=True, env=env, check=True
    )
    return result.stdout


def commit_all(book: Path, message: str) -> None:
    git(book, "add", "-A")
    git(book, "commit", "-q", "-m", message)


def make_small_book(target: Path) -> Path:
    """Write the small book into ``target`` (a new folder) and commit it."""
    book = copy_sources(ROOT, target)
    shutil.rmtree(book / "book")
    for name in (
        ["references.bib", "references.md", "review-status.md", "what-changed.md"]
        + [f"handouts/{n}.md" for n in HANDOUTS]
        + [f"handouts/es/{n}.md" for n in HANDOUTS]
    ):
        (book / "book" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "book" / name, book / "book" / name)
    for name in ("CITATION.cff", "changelog.d/README.md", ".gitignore"):
        (book / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, book / name)
    from addictionbook.figures.registry import FIGURES  # matplotlib: not at conftest's import

    shown = {"fig-layered-model-client", "fig-layered-model-client-es"}
    cells = "\n".join(_figure_cell(spec) for spec in FIGURES if spec.id not in shown)
    chapter = TEMPLATE.format(
        title="A small chapter", slug="small-chapter", description="A small chapter."
    )
    chapter = chapter.split("\n---\n", 1)[1]
    chapter = chapter.replace("## Discussion questions", cells + "\n## Discussion questions")
    (book / "book" / "small-chapter.md").write_text(NOTEBOOK_FRONT + chapter, encoding="utf-8")
    pages = {
        "index": ("The small book", "A small book for the tests.", "See {ref}`small-chapter`."),
        "glossary": (
            "Glossary",
            "The small book's glossary.",
            "```{glossary}\nAttunement\n  Tuning in to another person's feelings.\n```",
        ),
        "handouts/index": (
            "Handouts",
            "The small book's handouts.",
            "{ref}`drug-free-is-a-start` and {ref}`peeling-the-layers`, also in Spanish.",
        ),
    }
    labels = {"index": "home", "glossary": "glossary", "handouts/index": "handouts"}
    for name, (title, description, body) in pages.items():
        label = labels[name]
        (book / "book" / f"{name}.md").write_text(
            PAGE.format(description=description, label=label, title=title, body=body),
            encoding="utf-8",
        )
    (book / "_toc.yml").write_text(TOC, encoding="utf-8")
    git(book, "init", "-q", "-b", "main", "--template=")  # no sample hooks to copy
    git(book, "config", "user.name", "Test")
    git(book, "config", "user.email", "test@example.org")
    commit_all(book, "A small book")
    git(book, "gc", "--quiet")  # one pack, not 150 loose objects, in each copy a test makes
    return book
