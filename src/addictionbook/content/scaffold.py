"""Start a new chapter: ``make new-chapter TITLE="..."``.

Writes ``book/<slug>.md`` from a template that has every section the linter requires, and adds
it to ``_toc.yml`` after the last chapter of the last numbered part. The new file builds and
passes ``make check`` as it is; its placeholders say what to write.
"""

from __future__ import annotations

import re
from pathlib import Path

from .sources import Sources

TEMPLATE = """\
---
myst:
  html_meta:
    description: "{description}"
---

({slug})=
# {title}

## Learning objectives

After this chapter you will be able to:

1. (Write 3 to 5 objectives, each starting with a verb: describe, explain, use, ...)

## Key terms

{{term}}`Attunement` (replace with the glossary terms this chapter teaches; add new ones to
book/glossary.md)

## The idea

(The teaching text, in the book's own words. Cite the source of every idea, for example
{{cite:p}}`daily-nd`. To add a figure, see CONTRIBUTING.md, "Add a figure".)

```{{admonition}} Case vignette (a fictional composite)
:class: note
*(Name, age, is a composite drawn for teaching, not a real client.)* (The vignette.)
```

## Discussion questions

1. (A question that asks students to apply the idea.)

## Self-check

```{{dropdown}} (A question a reader can check themselves on?)
(The answer.)
```

## Notes for instructors

(Timing, how to run the activity, what to listen for.)
"""


def slugify(title: str) -> str:
    """Lower-case, hyphenated file name from a title: 'Shame & repair' -> 'shame-repair'."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    if not slug:
        raise ValueError(f"TITLE={title!r} has no letters or digits to name the file with")
    return slug


def add_to_toc(sources: Sources, entry: str) -> None:
    """Insert ``- file: entry`` after the last chapter of the last numbered part (as the
    book's sources read the table of contents).

    The file is edited as text at the line of that chapter, so its comments and layout stay.
    """
    toc_path = sources.root / "_toc.yml"
    toc = sources.site_map
    numbered = [t for t in toc[toc.root.docname].subtrees if t.numbered and t.items]
    if not numbered:
        raise ValueError(f"{toc_path}: no numbered part with chapters to add the chapter to")
    last = str(numbered[-1].items[-1])
    lines = sources.text("_toc.yml").splitlines(keepends=True)
    index = next(
        i for i, line in enumerate(lines) if re.search(rf"file:\s*{re.escape(last)}\s*$", line)
    )
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    lines.insert(index + 1, f"{indent}- file: {entry}\n")
    toc_path.write_text("".join(lines), encoding="utf-8")


def new_chapter(root: Path, title: str) -> Path:
    """Create the chapter file and its toc entry; refuse to overwrite an existing file."""
    slug = slugify(title)
    path = root / "book" / f"{slug}.md"
    if path.exists():
        raise FileExistsError(f"{path.relative_to(root)} exists already; choose another TITLE")
    description = f"{title}: (one sentence on what this chapter teaches)".replace('"', "'")
    path.write_text(
        TEMPLATE.format(title=title, slug=slug, description=description), encoding="utf-8"
    )
    add_to_toc(Sources(root), f"book/{slug}")
    return path
