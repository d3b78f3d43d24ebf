"""The one reader of the book's structure: table of contents, front matter, notebooks, handouts.

Build code, the Sphinx extension and the linter all ask this module, which leans on the parsers
the ecosystem already has: sphinx-external-toc (the parser Jupyter Book 1.x itself uses) for
``_toc.yml``, PyYAML for front matter, and myst-nb's own rule for what makes a Markdown file a
text notebook.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

#: Folder (as a toc prefix) whose pages are handouts, each also a PDF of its own.
HANDOUT_PREFIX = "book/handouts/"


class TocError(ValueError):
    """``_toc.yml`` cannot be read; the message says why (sphinx-external-toc's words)."""


def load_yaml(text: str) -> object:
    """``yaml.safe_load`` with libyaml's parser when PyYAML has it: every build reads each
    page's front matter, and the C parser is ten times faster."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def split_front_matter(text: str) -> tuple[dict, str]:
    """A Markdown source's YAML front matter (``{}`` if none or invalid) and the text after it.

    For code that needs one key without parsing the page; the linter itself reads front
    matter from MyST's tokens, with line numbers.
    """
    match = re.match(r"---\n(.*?)\n---[ \t]*(?:\n|$)", text, re.DOTALL)
    if not match:
        return {}, text
    try:
        front = load_yaml(match.group(1))
    except yaml.YAMLError:
        front = None
    return (front if isinstance(front, dict) else {}), text[match.end() :]


def site_map(root: Path):
    """``_toc.yml`` parsed by sphinx-external-toc; :class:`TocError` when it is malformed."""
    from sphinx_external_toc.parsing import MalformedError, parse_toc_yaml

    try:
        return parse_toc_yaml(root / "_toc.yml")
    except (MalformedError, yaml.YAMLError, TypeError, KeyError) as error:
        raise TocError(str(error).strip() or type(error).__name__) from error


def toc_files(root: Path) -> list[str]:
    """Every document named in ``_toc.yml`` (the root first), in book order."""
    return list(site_map(root).keys())


def numbered_chapters(root: Path) -> list[str]:
    """Documents in numbered parts of the book: the teaching chapters."""
    toc = site_map(root)
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


def is_notebook(text: str) -> bool:
    """Whether a Markdown source is a MyST text notebook: myst-nb's rule (front matter with a
    ``kernelspec``, or ``file_format: mystnb``), without importing myst-nb."""
    if "kernelspec" not in text and "mystnb" not in text:
        return False  # most pages: no front matter to parse
    front, _ = split_front_matter(text)
    return "kernelspec" in front or front.get("file_format") == "mystnb"


def notebook_sources(root: Path) -> list[str]:
    """The book's MyST text notebooks (toc files with notebook front matter), relative paths."""
    found = []
    for entry in toc_files(root):
        path = root / f"{entry}.md"
        if path.exists() and is_notebook(path.read_text(encoding="utf-8", errors="replace")):
            found.append(f"{entry}.md")
    return found


def handout_docs(root: Path) -> list[str]:
    """Handout pages in book order: every toc entry under book/handouts/ except its index and
    the translations (book/handouts/es/, made from the English; see content/translations.py)."""
    return [
        e
        for e in toc_files(root)
        if e.startswith(HANDOUT_PREFIX)
        and not e.endswith("/index")
        and "/" not in e.removeprefix(HANDOUT_PREFIX)
    ]


def page_title(path: Path) -> str:
    """The first ``# `` heading of a Markdown page (after its front matter)."""
    _, text = split_front_matter(path.read_text(encoding="utf-8"))
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem


def handouts_for(root: Path, audience: str) -> list[str]:
    """Names of handouts whose front matter says ``audience: <audience>``."""
    names = []
    for doc in handout_docs(root):
        front, _ = split_front_matter((root / f"{doc}.md").read_text(encoding="utf-8"))
        if front.get("audience") == audience:
            names.append(doc.removeprefix(HANDOUT_PREFIX))
    return names
