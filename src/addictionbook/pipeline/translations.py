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
    """Set ``# Name: value`` lines in the catalogue's header comment (kept by sphinx-intl), each
    on one line: a value babel wrapped over several comment lines is written back whole. No
    other line of the file changes."""
    lines = po.read_text(encoding="utf-8").split("\n")
    for name, value in fields.items():
        line = f"# {name}: {value}".rstrip()
        found = tr.header_field_lines(lines, name)
        if found:
            lines[found[0] : found[1]] = [line]
        else:
            # the comment ends where the header's flags (``#, fuzzy``) or its msgid start
            lines.insert(tr.header_comment_end(lines), line)
    po.write_text("\n".join(lines), encoding="utf-8")


def update_catalogues(sources: Sources, settings: Settings, out: Path) -> list[Path]:
    """Extract the messages, then update (or create) each translated handout's catalogue."""
    from sphinx_intl.basic import update

    root = sources.root
    reporter = Reporter(out / "logs" / "translations.log", settings.verbose)
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
        po = tr.catalogue_path(root, english_doc, language)
        # A clinical review record is kept as it was written (babel would wrap it).
        kept = tr.read_catalogue(po).fields if po.exists() else {}
        update(str(root / tr.LOCALES), str(pots), (language,), jobs=1)
        english = tr.EnglishSource(
            f"{english_doc}.md",
            sources.edition,
            tr.text_fingerprint(sources.text(f"{english_doc}.md")),
        )
        fields = {**english.fields, tr.REVIEW_FIELD: kept.get(tr.REVIEW_FIELD, "")}
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
