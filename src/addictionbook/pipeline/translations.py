"""Refresh the client handouts' translation catalogues: ``make translations``.

``addictionbook translations [--root DIR] [--out DIR]`` runs Sphinx's gettext builder over the
book (one ``.pot`` per page: ``gettext_compact: false``), then sphinx-intl updates
``locales/<language>/LC_MESSAGES/<handout>.po`` for every client handout that has a translated
page. sphinx-intl marks the entries whose English changed ``fuzzy`` and adds new ones
untranslated; ``make check`` then names each until a translator has dealt with it. The header
comment's ``English-Source`` line records the English page, the book's edition and a
fingerprint of the English text (never a working-tree state such as "uncommitted edits"), so
the Spanish page says which English it was made from, and the build knows when the English
has changed since (see ``addictionbook.content.translations``).
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from ..content import translations as tr
from ..content.sources import Sources
from ..problems import Problem, ProblemsFound
from ..settings import Settings
from .job import Job, share_notebook_cache
from .publish import one_build_at_a_time
from .report import Reporter
from .sphinx_run import run_jupyter_book


def set_header_fields(po: Path, fields: dict[str, str]) -> None:
    """Set ``# Name: value`` lines in the catalogue's header comment (kept by sphinx-intl).
    A field's old value is replaced with the lines babel wrapped it onto (a comment line that
    is no ``Name: value`` of its own, right after it)."""
    lines = po.read_text(encoding="utf-8").split("\n")
    # the comment ends where the header's flags (``#, fuzzy``) or its msgid start
    header_end = next(i for i, line in enumerate(lines) if line.startswith(("msgid", "#,")))
    for name, value in fields.items():
        line = f"# {name}: {value}".rstrip()
        found = [i for i in range(header_end) if re.match(rf"#\s*{name}:", lines[i])]
        if found:
            end = found[0] + 1
            while end < header_end and re.match(r"#\s+[^\s:]+$", lines[end]):
                end += 1  # a wrapped continuation (one word, no field name)
            lines[found[0] : end] = [line]
            header_end -= end - found[0] - 1
        else:
            lines.insert(header_end, line)
            header_end += 1
    po.write_text("\n".join(lines), encoding="utf-8")


def update_catalogues(sources: Sources, settings: Settings, out: Path) -> list[Path]:
    """Extract the messages, then update (or create) each translated handout's catalogue."""
    from sphinx_intl.basic import update

    root = sources.root
    reporter = Reporter(out / "logs" / "translations.log", verbose=True)
    # Sphinx's gettext builder cannot share the site's environment ("This environment is
    # incompatible with the selected builder"): it runs in a work area of its own, sharing
    # only the notebook cache, so make translations and make html never break each other.
    job = Job(sources, settings, out, "gettext", reporter, work_name=".work-gettext")
    share_notebook_cache(job.work, out / ".work")
    try:
        with one_build_at_a_time(out, "make translations", reporter.stream.write):
            run_jupyter_book(job, "gettext")
    finally:
        reporter.close()
    built = job.work / "_build" / "gettext"
    updated = []
    for english_doc, language in sources.translations.values():
        pot = built / f"{english_doc}.pot"
        if not pot.exists():
            raise ProblemsFound(
                [
                    Problem(
                        "_toc.yml",
                        0,
                        f"the gettext builder wrote no {pot.name} for {english_doc}",
                        f"is {english_doc} listed in _toc.yml?",
                    )
                ]
            )
        pots = out / ".pot" / language
        shutil.rmtree(pots, ignore_errors=True)
        pots.mkdir(parents=True)
        shutil.copyfile(pot, pots / pot.name)
        update(str(root / tr.LOCALES), str(pots), (language,), jobs=1)
        po = tr.catalogue_path(root, english_doc, language)
        english = tr.EnglishSource(
            f"{english_doc}.md",
            sources.edition,
            tr.text_fingerprint(sources.text(f"{english_doc}.md")),
        )
        fields = dict(english.fields)
        if tr.REVIEW_FIELD not in tr.read_catalogue(po).fields:
            fields[tr.REVIEW_FIELD] = ""
        set_header_fields(po, fields)
        updated.append(po)
    return updated


def translations_command(root: Path, out: Path, settings: Settings) -> int:
    """``addictionbook translations``: update the catalogues; 1 when the gettext run failed."""
    try:
        for po in update_catalogues(Sources(root), settings, out):
            print(f"translations: {po.relative_to(root)}")
    except ProblemsFound as found:
        for problem in found.problems:
            print(f"translations: {problem}", file=sys.stderr)
        return 1
    print("translations: now translate the fuzzy and empty entries, then run `make check`")
    return 0
