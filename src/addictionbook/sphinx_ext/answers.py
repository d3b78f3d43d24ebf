"""A place to answer a worksheet's question: ``{answer}`2``` (the number of lines).

Worksheets used to draw answer lines as runs of underscores, which a screen reader reads aloud
("underscore underscore ...") and a student who cannot write by hand cannot use. The role makes
one node that each output draws for what it is for:

- the site and the EPUB: a ``<textarea>`` labelled with the question it answers (the words
  before it in its paragraph, or the row and column headers of its table cell), so a reader
  can type the answer, and assistive technology announces the question;
- print (the PDFs, and a printed web page): ruled lines drawn by the stylesheet on an empty
  element hidden from assistive technology (``aria-hidden``; no text, so nothing is read
  aloud, and the PDF tags only the question).
"""

from __future__ import annotations

import html
import re

from docutils import nodes
from sphinx.application import Sphinx

from ..content.sources import english_docname

#: The label when nothing before the place says what it answers, by page language.
ANSWER = {"en": "Answer", "es": "Respuesta"}


class answer_place(nodes.Inline, nodes.Element):
    """Where a reader writes an answer: ``lines`` lines; ``label`` the question it answers."""


def answer_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{answer}`N``` : a place to answer, N lines high (1 to 12)."""
    try:
        lines = int(text.strip() or "1")
        if not 1 <= lines <= 12:
            raise ValueError
    except ValueError:
        message = inliner.reporter.error(
            f"{{answer}} takes the number of lines (1 to 12), not {text!r}", line=lineno
        )
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    return [answer_place(rawtext, lines=lines)], []


def _text(node: nodes.Node) -> str:
    return " ".join(node.astext().split())


def _label(place: answer_place, language: str) -> str:
    """The question a place answers: its paragraph's words before it; in a table, the row's
    first cell and the column's header."""
    cell = place.parent
    while cell is not None and not isinstance(cell, nodes.entry):
        cell = cell.parent
    if cell is not None:
        row = cell.parent
        position = row.index(cell)
        first = _text(row[0]) if position else ""
        group = row.parent
        table = group.parent
        heads = [g for g in table.findall(nodes.thead)]
        header = ""
        if heads and heads[0].children:
            header_row = heads[0][0]
            if position < len(header_row):
                header = _text(header_row[position])
        return ", ".join(part for part in (first, header) if part) or ANSWER[language]
    paragraph = place.parent
    before = []
    for child in paragraph.children:
        if child is place:
            break
        before.append(child.astext())
    label = re.sub(r"[\s:.]+$", "", " ".join(" ".join(before).split()))
    if label in ("", *ANSWER.values()):  # "Answer:": the question is the paragraph before
        index = paragraph.parent.index(paragraph)
        previous = paragraph.parent[index - 1] if index else None
        if isinstance(previous, nodes.paragraph):
            label = _text(previous)
    section = paragraph.parent
    while section is not None and not isinstance(section, nodes.section):
        section = section.parent
    if section is not None and isinstance(section.parent, nodes.section):  # a numbered part
        title = next(iter(section.findall(nodes.title)), None)
        if title is not None:
            label = f"{label} ({_text(title)})" if label else _text(title)
    return label or ANSWER[language]


def label_answer_places(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give each place to answer the question it answers, in the page's language."""
    found = english_docname(docname)
    language = found[1] if found else "en"
    for place in doctree.findall(answer_place):
        place["label"] = _label(place, language)
        paragraph = place.parent
        if isinstance(paragraph, nodes.paragraph) and paragraph.index(place):
            # In print the question's words and the ruled lines share a line, the lines to the
            # margin (print stylesheets): the words before the place are one element, marked
            # short when they fit on one line beside the lines.
            before = paragraph.children[: paragraph.index(place)]
            short = len(" ".join("".join(n.astext() for n in before).split())) <= 48
            classes = ["answer-question"] + (["short"] if short else [])
            question = nodes.inline("", "", *before, classes=classes)
            paragraph.children = [question, *paragraph.children[len(before) :]]
            question.parent = paragraph
            paragraph["classes"].append("has-answer")


def visit_html(self, node: answer_place) -> None:
    lines = node["lines"]
    label = html.escape(node.get("label", ANSWER["en"]), quote=True)
    self.body.append(
        f'<textarea class="answer-place" rows="{lines + 1}" aria-label="{label}"></textarea>'
        f'<span class="answer-lines" aria-hidden="true">{"<span></span>" * lines}</span>'
    )
    raise nodes.SkipNode


def visit_text(self, node: answer_place) -> None:
    self.add_text("_" * 40)
    raise nodes.SkipNode


def visit_nothing(self, node: answer_place) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> None:
    """Registered by :mod:`addictionbook.sphinx_ext`."""
    app.add_role("answer", answer_role)
    # "html" is the format every HTML builder (html, singlehtml, epub) looks up: a handler
    # registered under one builder's name would hide the other extensions' from that builder.
    app.add_node(
        answer_place,
        html=(visit_html, None),
        latex=(visit_nothing, None),
        text=(visit_text, None),
        man=(visit_nothing, None),
        texinfo=(visit_nothing, None),
    )
    app.connect("doctree-resolved", label_answer_places)
