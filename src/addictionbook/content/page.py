"""One Markdown page of the book, parsed once: front matter, headings, directives, roles, prose.

The parser is MyST-Parser's own markdown-it (the tokens the build reads), so every part carries
its line in the source. Text inside quotations (blockquotes, epigraphs, quotation marks) is
marked as quoted: it is the quoted author's voice, not the book's.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .frontmatter import load_yaml

QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|'[^'\n]{12,}'")

QUOTE_DIRECTIVES = {"epigraph", "pull-quote", "highlights", "blockquote"}

CODE_DIRECTIVES = {"code-cell", "code-block", "code", "sourcecode", "literalinclude", "glossary"}


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


@functools.cache
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


def parse_page(root: Path, path: Path, text: str | None = None) -> Page:
    """Parse ``path`` into a :class:`Page` with absolute (1-based) line numbers (``text``:
    the file's text, when the caller has read it already)."""
    text = path.read_text(encoding="utf-8") if text is None else text
    parsed = _parsed(text)
    return Page(
        root=root,
        path=path,
        front=copy.deepcopy(parsed.front),
        front_line=parsed.front_line,
        headings=list(parsed.headings),
        directives=[(n, a, copy.deepcopy(o), s, e) for n, a, o, s, e in parsed.directives],
        roles=list(parsed.roles),
        prose=list(parsed.prose),
        images=list(parsed.images),
    )


@functools.lru_cache(maxsize=1024)
def _parsed(text: str) -> Page:
    """A text's parts, parsed once per process: a command that checks the book and then
    builds it, the preview's checks on every save, and a test process's many copies of the
    same pages parse each distinct text once. Callers get copies (:func:`parse_page`)."""
    page = Page(root=Path(), path=Path())
    _walk(_parser(), page, text, offset=0, quoted=False)
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
            except (yaml.YAMLError, ValueError) as error:  # ValueError: a date like 2027-02-30
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
