"""A Markdown page's YAML front matter, and what it says about the page (a text notebook?),
read without parsing the page: for the code that needs one key of many pages fast. The
linter reads front matter from MyST's tokens, with line numbers (:mod:`.page`)."""

from __future__ import annotations

import re

import yaml

#: ``yaml.SafeLoader`` with libyaml's parser when PyYAML has it (ten times faster).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> object:
    """``yaml.safe_load`` with libyaml's parser when PyYAML has it: every build reads each
    page's front matter, the table of contents and the configuration."""
    return yaml.load(text, Loader=SAFE_LOADER)


def split_front_matter(text: str) -> tuple[dict, str]:
    """A Markdown source's YAML front matter (``{}`` if none or invalid) and the text after it.

    For code that needs one key without parsing the page; the linter itself reads front
    matter from MyST's tokens, with line numbers (:mod:`.page`).
    """
    match = re.match(r"---\n(.*?)\n---[ \t]*(?:\n|$)", text, re.DOTALL)
    if not match:
        return {}, text
    try:
        front = load_yaml(match.group(1))
    except (yaml.YAMLError, ValueError):  # ValueError: a date the calendar has not (2027-02-30)
        front = None
    return (front if isinstance(front, dict) else {}), text[match.end() :]


def is_notebook(text: str) -> bool:
    """Whether a Markdown source is a MyST text notebook: myst-nb's rule (front matter with a
    ``kernelspec``, or ``file_format: mystnb``), without importing myst-nb."""
    if "kernelspec" not in text and "mystnb" not in text:
        return False  # most pages: no front matter to parse
    front, _ = split_front_matter(text)
    return "kernelspec" in front or front.get("file_format") == "mystnb"


# --- a page's clinical review record, edited as text -------------------------------------------

#: The front-matter key of a page's clinical review record (``content/review.py``).
REVIEW_KEY = "clinical-review"


def front_matter_lines(lines: list[str]) -> tuple[int, int] | None:
    """(first line inside, closing ``---`` line) of a source's front matter, 0-based."""
    if not lines or lines[0].rstrip("\r\n") != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            return 1, index
    return None


def review_record_lines(text: str) -> tuple[int, int] | None:
    """The lines (0-based, end exclusive) of the ``clinical-review:`` block in the front
    matter: its key line and the indented lines under it; ``None`` when there is none."""
    lines = text.splitlines(keepends=True)
    front = front_matter_lines(lines)
    if front is None:
        return None
    for index in range(*front):
        if re.match(rf"{re.escape(REVIEW_KEY)}\s*:", lines[index]):
            end = index + 1
            while end < front[1] and (lines[end][:1] in (" ", "\t") or not lines[end].strip()):
                end += 1
            while end > index + 1 and not lines[end - 1].strip():
                end -= 1  # blank lines after the block are not the block's
            return index, end
    return None


def without_review_record(text: str) -> str:
    """The source without its review record: the text a review pins (a record written into
    the front matter, or replaced, leaves this unchanged)."""
    span = review_record_lines(text)
    if span is None:
        return text
    lines = text.splitlines(keepends=True)
    del lines[span[0] : span[1]]
    return "".join(lines)


def with_review_record(text: str, block: str) -> str:
    """``text`` with ``block`` (the record's YAML lines, ending in a newline) as its review
    record: in place of the one it has, else just before the front matter's closing ``---``.
    Nothing else in the file changes. :class:`ValueError` when the page has no front matter."""
    lines = text.splitlines(keepends=True)
    span = review_record_lines(text)
    if span is None:
        front = front_matter_lines(lines)
        if front is None:
            raise ValueError("the page has no front matter (the --- lines at its top)")
        span = (front[1], front[1])
    lines[span[0] : span[1]] = [block]
    return "".join(lines)
