"""A Markdown page's YAML front matter, and what it says about the page (a text notebook?),
read without parsing the page: for the code that needs one key of many pages fast. The
linter reads front matter from MyST's tokens, with line numbers (:mod:`.page`)."""

from __future__ import annotations

import re

import yaml


def load_yaml(text: str) -> object:
    """``yaml.safe_load`` with libyaml's parser when PyYAML has it: every build reads each
    page's front matter, and the C parser is ten times faster."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


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
    except yaml.YAMLError:
        front = None
    return (front if isinstance(front, dict) else {}), text[match.end() :]


def is_notebook(text: str) -> bool:
    """Whether a Markdown source is a MyST text notebook: myst-nb's rule (front matter with a
    ``kernelspec``, or ``file_format: mystnb``), without importing myst-nb."""
    if "kernelspec" not in text and "mystnb" not in text:
        return False  # most pages: no front matter to parse
    front, _ = split_front_matter(text)
    return "kernelspec" in front or front.get("file_format") == "mystnb"
