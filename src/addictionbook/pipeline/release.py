"""An edition of the book and its release files: ``make release VERSION=x.y.z [DRAFT=1]``.

``addictionbook release --version x.y.z [--draft] [--date YYYY-MM-DD] [--root DIR] [--out DIR]``

1. Refuses a working tree with changes (``git status``): an edition is made from commits.
2. Checks the book (``make check``'s linter) and refuses a client handout, English or
   translated, that is not clinically reviewed at its current text (``content/review.py``),
   unless it is a draft (``--draft``, ``DRAFT=1``): then every handout not reviewed carries a
   "Draft: not clinically reviewed" band on its page and in its PDF, and the files say
   ``-draft``.
3. Writes the edition and its date into ``_config.yml`` (``release``, ``edition_date``) and
   ``CITATION.cff`` (``version``, ``date-released``), and turns the news fragments of
   ``changelog.d/`` into the edition's section of the "What changed" page with towncrier
   (clinical safety first). Each file is edited as text: only those lines change.
4. Builds the PDFs, the EPUB and the site with that edition (``pipeline/build.py``), then
   writes the release files into ``<out>/release/<version>/``, each named with the edition: the
   book as PDF and EPUB, each handout as a PDF per language and all of them in one zip, each
   chapter's PDF, the edition's change log, and ``SHA256SUMS``.
5. Removes the fragments it used (``git rm``) and says what to commit and tag.

A release that fails after step 3 puts those files back as they were (``git checkout``) and
leaves the last good build output. Everything is dated by the last commit
(``SOURCE_DATE_EPOCH``) and the zip's entries too, so two releases of one commit give
byte-identical files. On a version tag the release workflow (``.github/workflows/release.yml``)
runs this again on the tagged commit, where the edition is already written: then steps 3 and 5
change nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from ..content import review
from ..content.lint import run as lint
from ..content.sources import HANDOUT_PREFIX, Sources, english_docname
from ..problems import Problem, ProblemsFound, annotate
from ..settings import Settings
from .build import build, shown
from .publish import publish_dir, write_zip

#: Every release file's name starts with this, then the edition.
PREFIX = "interpersonal-neurobiology-of-addiction"
VERSION = re.compile(r"^\d+\.\d+\.\d+$")
#: The files the release writes the edition into (besides the change log).
EDITION_FILES = ("_config.yml", "CITATION.cff")


class Refused(Exception):
    """The release cannot go ahead; carries the problems that say why and what to do."""

    def __init__(self, problems: list[Problem], advice: str = "") -> None:
        self.problems, self.advice = problems, advice
        super().__init__("\n".join(map(str, problems)))


def git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)


# --- before anything is written -----------------------------------------------------------------


def check_clean(root: Path) -> None:
    """Refuse a tree with uncommitted or untracked files (ignored ones, like _build, are fine)."""
    status = git(root, "status", "--porcelain")
    if status.returncode != 0:
        raise Refused(
            [Problem(".", 0, f"not a git working tree: {status.stderr.strip()}")],
            "an edition is made from a commit of the book's repository",
        )
    dirty = [line[3:] for line in status.stdout.splitlines() if line.strip()]
    if dirty:
        raise Refused(
            [Problem(path, 0, "has changes that are not committed") for path in dirty[:20]],
            "commit them (or stash them: git stash -u), then release again",
        )


def check_version(sources: Sources, version: str) -> None:
    if not VERSION.match(version):
        raise Refused(
            [Problem("_config.yml", 0, f"VERSION={version} is not an edition number x.y.z")],
            "give it as three numbers, e.g. make release VERSION=0.2.0",
        )
    current = sources.edition
    if VERSION.match(current) and _key(version) < _key(current):
        raise Refused(
            [Problem("_config.yml", 0, f"VERSION={version} is older than the edition {current}")],
            f"an edition after {current}: e.g. its next minor version",
        )


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in version.split("."))


def check_book(sources: Sources) -> None:
    """The linter of ``make check`` (and before it what every build checks)."""
    try:
        problems = lint(sources)
    except ProblemsFound as found:
        problems = found.problems
    if problems:
        raise Refused(problems, "fix each one (make check lists them), commit, release again")


def check_reviews(sources: Sources, day: dt.date, draft: bool) -> list[review.Status]:
    """The client handouts that are not reviewed at their current text (refused, unless a
    draft: then returned, to be said)."""
    found = review.statuses(sources, day)
    unreviewed = [found[d] for d in review.client_pages(sources) if not found[d].reviewed]
    if unreviewed and not draft:
        raise Refused(
            [
                Problem(
                    s.source,
                    s.line,
                    f"the client handout is not clinically reviewed at its current text: "
                    f"{review.KIND_NAMES[s.kind].lower()} ({review.status_text(s)})",
                )
                for s in unreviewed
            ],
            'a clinician reviews each and records it (make review PAGE=... BY="Name, '
            'credentials"); or release a draft edition, which says on every handout not '
            "reviewed that it is a draft: make release VERSION=... DRAFT=1",
        )
    return unreviewed


# --- writing the edition ---------------------------------------------------------------------


def _set_line(text: str, key: str, value: str, indent: str = "", after: str | None = None) -> str:
    """``text`` (YAML, edited as text) with ``<indent><key>: <value>``: that line replaced, or
    added after the line of key ``after`` (or at the end)."""
    pattern = re.compile(rf"^{re.escape(indent)}{re.escape(key)}:[^\n]*$", re.MULTILINE)
    line = f"{indent}{key}: {value}"
    if pattern.search(text):
        return pattern.sub(lambda _: line, text, count=1)
    if after:
        anchor = re.compile(rf"^{re.escape(indent)}{re.escape(after)}:[^\n]*$", re.MULTILINE)
        match = anchor.search(text)
        if match:
            return text[: match.end()] + "\n" + line + text[match.end() :]
    return text.rstrip("\n") + "\n" + line + "\n"


def write_edition(root: Path, version: str, date: str) -> list[str]:
    """Write ``version`` and ``date`` into ``_config.yml`` and ``CITATION.cff``; return the
    files that changed."""
    changed = []
    config = root / "_config.yml"
    text = config.read_text(encoding="utf-8")
    release = re.search(r"^(\s+)release:", text, re.MULTILINE)
    if release is None:
        raise Refused(
            [Problem("_config.yml", 0, "has no 'release:' under sphinx: config:")],
            'add the line release: "0.1.0" there (the current edition)',
        )
    indent = release.group(1)
    new = _set_line(text, "release", f'"{version}"', indent)
    new = _set_line(new, "edition_date", f'"{date}"', indent, after="release")
    if new != text:
        config.write_text(new, encoding="utf-8")
        changed.append("_config.yml")
    citation = root / "CITATION.cff"
    if citation.exists():
        text = citation.read_text(encoding="utf-8")
        new = _set_line(text, "version", f'"{version}"', after="license")
        new = _set_line(new, "date-released", date, after="version")
        if new != text:
            citation.write_text(new, encoding="utf-8")
            changed.append("CITATION.cff")
    return changed


def news_settings(root: Path) -> dict:
    try:
        return tomllib.loads((root / review.NEWS_CONFIG).read_text(encoding="utf-8"))["tool"][
            "towncrier"
        ]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as error:
        raise Refused(
            [Problem(review.NEWS_CONFIG, 0, f"towncrier's settings cannot be read ({error})")],
            "restore towncrier.toml (git checkout towncrier.toml)",
        ) from error


def edition_notes(text: str, version: str) -> str | None:
    """The section of edition ``version`` in the change log's text (None: it has none)."""
    match = re.search(
        rf"^## Edition {re.escape(version)}\b.*?(?=^## Edition |\Z)", text, re.MULTILINE | re.S
    )
    return match.group(0).strip() + "\n" if match else None


def fragments(root: Path, settings: dict) -> list[Path]:
    """The news fragments waiting in ``changelog.d/`` (not its README)."""
    folder = root / settings.get("directory", "changelog.d")
    ignored = set(settings.get("ignore", []))
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name not in ignored)


def write_change_log(root: Path, version: str, date: str) -> tuple[str | None, list[Path]]:
    """Build edition ``version``'s section of the change log from the fragments with towncrier
    (fragments kept, removed by the caller once the release is made); return the news file
    (None when its section was written already) and the fragments used."""
    settings = news_settings(root)
    news = settings["filename"]
    if edition_notes((root / news).read_text(encoding="utf-8"), version):
        return None, []
    used = fragments(root, settings)
    result = subprocess.run(
        [sys.executable, "-m", "towncrier", "build", "--config", str(root / review.NEWS_CONFIG)]
        + ["--dir", str(root), "--version", version, "--date", date, "--keep"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise Refused(
            [
                Problem(
                    settings.get("directory", "changelog.d"),
                    0,
                    f"towncrier could not build the change log: {result.stderr.strip()}",
                )
            ],
            "name each fragment <number>.<type>.md with a type of towncrier.toml "
            "(changelog.d/README.md)",
        )
    return news, used


# --- the release files -----------------------------------------------------------------------


def release_files(
    sources: Sources, out: Path, version: str, draft: bool, notes: str, epoch: int
) -> Path:
    """Write the release files of edition ``version`` from the published build in ``out``
    into ``<out>/release/<version>/`` (replaced whole, by rename); return that folder."""
    stem = f"{PREFIX}-{version}" + ("-draft" if draft else "")
    staged = out / f".release-{version}.staged"
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    pdf = out / "pdf"
    files = {f"{stem}.pdf": pdf / "book.pdf", f"{stem}.epub": out / "epub" / "book.epub"}
    members = []
    for docname in sources.printed_handouts:
        found = english_docname(docname)
        language = found[1] if found else "en"
        name = (found[0] if found else docname).removeprefix(HANDOUT_PREFIX)
        built = pdf / "handouts" / f"{docname.removeprefix(HANDOUT_PREFIX)}.pdf"
        files[f"{stem}-handout-{name}-{language}.pdf"] = built
        members.append((f"{stem}-handouts/{language}/{name}.pdf", built))
    for number, docname in enumerate(sources.chapters, 1):
        name = docname.rsplit("/", 1)[-1]
        files[f"{stem}-chapter-{number:02d}-{name}.pdf"] = pdf / "chapters" / f"{name}.pdf"
    for name, path in files.items():
        shutil.copyfile(path, staged / name)
    write_zip(staged / f"{stem}-handouts.zip", sorted(members), epoch)
    (staged / f"{stem}-changes.md").write_text(notes, encoding="utf-8")
    sums = [
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in sorted(staged.iterdir())
    ]
    (staged / f"{stem}-SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    target = out / "release" / version
    target.parent.mkdir(parents=True, exist_ok=True)
    publish_dir(staged, target)
    shutil.rmtree(staged, ignore_errors=True)
    return target


# --- the command -------------------------------------------------------------------------------


def make_release(
    root: Path,
    out: Path,
    version: str,
    settings: Settings,
    date: str | None = None,
    stream=None,
) -> int:
    """``addictionbook release``: see the module's docstring. 0 released, 1 refused or failed
    (each problem printed with its file, and what to do)."""
    stream = stream or sys.stdout
    say = lambda text: print(f"release {version}: {text}", file=stream, flush=True)  # noqa: E731
    draft = settings.draft
    written: list[str] = []
    try:
        check_clean(root)
        sources = Sources(root)
        check_version(sources, version)
        say("checking the book (make check)")
        check_book(sources)
        day = settings.day(root)
        for status in check_reviews(sources, day, draft):
            say(f"draft: {status.source}: {review.KIND_NAMES[status.kind].lower()}")
        config = sources.config.get("sphinx", {}).get("config", {})
        same = sources.edition == version and config.get("edition_date")
        date = date or (str(config["edition_date"]) if same else day.isoformat())
        written = write_edition(root, version, date)
        news, used = write_change_log(root, version, date)
        written += [news] if news else []
        say(
            f"edition {version} of {date}"
            + (" (a draft)" if draft else "")
            + (f": wrote {', '.join(written)}" if written else ": already written")
        )
        for target in ("pdf", "epub", "html"):
            if build(root, out, target, settings, Sources(root), stream) != 0:
                raise Refused([], f"the {target} build failed (above)")
        sources = Sources(root)
        notes = edition_notes(sources.text(news_settings(root)["filename"]), version) or ""
        folder = release_files(sources, out, version, draft, notes, int(settings.epoch(root)))
    except Refused as refused:
        if written:
            git(root, "checkout", "HEAD", "--", *written)
        for problem in refused.problems:
            print(problem, file=sys.stderr)
        annotate(refused.problems, f"release {version}", settings)
        print(
            f"release {version}: REFUSED"
            + ("; the files it had written were put back" if written else "")
            + (f". {refused.advice}" if refused.advice else ""),
            file=sys.stderr,
        )
        return 1
    if used:
        git(root, "rm", "-q", "--", *[p.relative_to(root).as_posix() for p in used])
    say(f"release files in {shown(folder)}:")
    for path in sorted(folder.iterdir()):
        say(f"  {path.name}  {path.stat().st_size:,} bytes")
    changed = written + [p.relative_to(root).as_posix() for p in used]
    if changed:
        tag = f"v{version}" + ("-draft" if draft else "")
        say(
            f"now commit the edition and tag it: git commit -am 'Edition {version}' && "
            f"git tag -a {tag} -m 'Edition {version}' && git push --follow-tags "
            "(the release workflow then builds the tag and attaches these files to a GitHub "
            "release)"
        )
    return 0
