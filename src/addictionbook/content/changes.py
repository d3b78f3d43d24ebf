"""What a pull request changed, for the two checks its workflow runs (``pull-request.yml``):

- ``addictionbook needs-review --base REF``: the texts that were clinically reviewed and that
  the pull request changed, so that they now need a new review (a page changed since its
  review, a translation whose English changed); written to the run's summary as warnings.
- ``addictionbook fragment-check --base REF``: a pull request that changes a client text (a
  client handout, its translation) or a safety message (``client_safety.yml``,
  ``treatment_safety.yml``, the Safety box of a chapter that teaches treatment) must add a
  clinical-safety news fragment (``changelog.d/<number>.safety.md``), so that the next
  edition's change log says what changed for clients' safety, first.

"Changed" is what ``git diff BASE...HEAD`` names: the pull request's own changes since it left
the base branch.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

from ..problems import Problem
from . import review
from .page import parse_page
from .sources import Sources, english_docname

#: The safety messages every client handout and treatment chapter must carry (the linter's data).
SAFETY_DATA = (
    "src/addictionbook/content/client_safety.yml",
    "src/addictionbook/content/treatment_safety.yml",
)
#: A clinical-safety news fragment's name: ``<name>.safety[.<n>][.md]`` (towncrier's form).
SAFETY_FRAGMENT = re.compile(r"^[^/]+?\.safety(\.\d+)?(\.md)?$")
FRAGMENTS = "changelog.d"


class GitError(RuntimeError):
    """git cannot compare with the base (an unknown ref, not a repository)."""


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise GitError(result.stderr.strip() or f"git {' '.join(args)} failed")
    return result.stdout


def changed_files(root: Path, base: str) -> dict[str, str]:
    """File -> git's status letter (A, M, D, R...) for what changed since HEAD left ``base``."""
    try:
        _git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    except GitError as error:
        raise GitError(
            f"the base {base!r} is not a commit git knows here ({error}); fetch it first "
            "(actions/checkout with fetch-depth: 0 fetches every branch)"
        ) from error
    found = {}
    for line in _git(root, "diff", "--name-status", "--no-renames", f"{base}...HEAD").splitlines():
        status, _, path = line.partition("\t")
        if path:
            found[path] = status[:1]
    return found


def base_text(root: Path, base: str, path: str) -> str | None:
    """The file ``path`` as the merge base of ``base`` and HEAD had it (None: it had none)."""
    try:
        merge_base = _git(root, "merge-base", base, "HEAD").strip()
        return _git(root, "show", f"{merge_base}:{path}")
    except GitError:
        return None


def safety_box(root: Path, path: str, text: str) -> str:
    """The text of a chapter's ``{admonition} Safety`` box (empty: none)."""
    page = parse_page(root, root / path, text=text)
    lines = text.splitlines()
    for name, argument, _, start, end in page.directives:
        if name == "admonition" and argument.strip() == "Safety":
            return "\n".join(lines[start - 1 : end])
    return ""


def client_texts(sources: Sources) -> dict[str, str]:
    """Each file whose text a client reads -> the page it belongs to: the client handouts and
    their translations' catalogues."""
    return {review.record_file(sources, d): d for d in review.client_pages(sources)}


def safety_changes(sources: Sources, base: str, changed: dict[str, str]) -> list[str]:
    """The changed files that hold a client text or a safety message, in order."""
    texts = client_texts(sources)
    found = [path for path in changed if path in texts or path in SAFETY_DATA]
    for docname in sources.chapters:
        path = f"{docname}.md"
        if path not in changed or changed[path] == "D":
            continue
        if sources.front(docname).get("safety") != "treatment":
            continue
        before = base_text(sources.root, base, path)
        now = safety_box(sources.root, path, sources.text(path))
        if before is None or safety_box(sources.root, path, before) != now:
            found.append(path)
    return sorted(set(found))


def safety_fragments(changed: dict[str, str]) -> list[str]:
    """The clinical-safety news fragments the pull request adds (or edits)."""
    return sorted(
        path
        for path, status in changed.items()
        if status != "D"
        and path.startswith(f"{FRAGMENTS}/")
        and SAFETY_FRAGMENT.match(path.removeprefix(f"{FRAGMENTS}/"))
    )


def missing_safety_fragment(sources: Sources, base: str) -> tuple[list[Problem], list[str]]:
    """A problem for each client text or safety message the pull request changes when it
    adds no clinical-safety fragment; and the fragments it adds."""
    changed = changed_files(sources.root, base)
    texts = safety_changes(sources, base, changed)
    added = safety_fragments(changed)
    if not texts or added:
        return [], added
    return [
        Problem(
            path,
            0,
            "a client text or safety message changed, and the pull request adds no "
            "clinical-safety news fragment",
            "add changelog.d/<pull request number>.safety.md: one or two plain sentences on "
            "what changed for clients (changelog.d/README.md)",
        )
        for path in texts
    ], added


def texts_needing_review(sources: Sources, base: str, today: dt.date) -> list[Problem]:
    """The reviewed texts this pull request changed: each now needs a new clinical review."""
    changed = changed_files(sources.root, base)
    found = []
    for status in review.statuses(sources, today).values():
        if status.record is None or status.kind not in ("changed", "outdated"):
            continue
        english = english_docname(status.docname)
        own = {status.source, f"{status.docname}.md"}
        if english:
            own.add(f"{english[0]}.md")
        if not own & set(changed):
            continue
        what = (
            "its English changed after it was translated: translate the change, then it needs "
            "a new clinical review"
            if status.kind == "outdated"
            else "it changed since its clinical review"
        )
        found.append(
            Problem(
                status.source,
                status.line,
                f"reviewed by {status.record.by} on {status.record.date}; {what}",
                "a clinician reviews the new text and records it: make review "
                f'PAGE={status.source} BY="Name, credentials"',
            )
        )
    return found
