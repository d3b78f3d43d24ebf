"""``addictionbook``: the one command behind every ``make`` target, on click (as Jupyter
Book's own command line is).

``addictionbook COMMAND [ARGS...]``; ``addictionbook COMMAND --help`` gives a command's usage,
and a wrong argument exits 2 with a usage line. Each command imports what it runs only when it
runs, so ``addictionbook check`` does not load Sphinx and ``addictionbook build`` does not load
matplotlib. The developer tools (``bench``, ``lighthouse``, ``sysdeps``) live in
``addictionbook_dev.cli`` and are loaded by name, the way click's documentation shows for lazily
loaded subcommands, so that this package never imports its developer tools.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import click

#: Commands defined outside this package: name -> "module:attribute" (loaded when used).
LAZY = {
    "bench": "addictionbook_dev.cli:bench",
    "lighthouse": "addictionbook_dev.cli:lighthouse",
    "sysdeps": "addictionbook_dev.cli:sysdeps",
}
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
BOOK_ROOT = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The book's top folder (where _config.yml is).",
)


class LazyGroup(click.Group):
    """A group whose commands in :data:`LAZY` are imported only when asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY:
            module, attribute = LAZY[name].split(":")
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings=CONTEXT)
def main() -> None:
    """Build, check and preview the course text. `make help` lists the make targets that
    call these commands."""
    from .gc_thresholds import raise_for_a_build

    raise_for_a_build()  # every command is a short build-like process (see the module)


def finish(status: int) -> None:
    """Leave with ``status`` (0: done; 1: the book has problems, each named above)."""
    sys.exit(status)


def settings(**changes):
    """The settings, read from the environment once for this command (a value that is not
    allowed is a usage error: exit 2, naming the variable)."""
    from .settings import SettingError, Settings

    try:
        return Settings.from_environment().but(**changes)
    except SettingError as error:
        raise click.UsageError(str(error)) from error


@main.command()
@click.argument("target", type=click.Choice(["html", "pdf", "epub", "handouts", "profiles"]))
@BOOK_ROOT
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: ROOT/_build).",
)
@click.option("-v", "--verbose", is_flag=True, help="Print the whole build log (also: V=1).")
@click.option(
    "--profile",
    "profile",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="handouts: a clinic profile (profiles/<id>.yml): that clinic's edition of the client "
    "handouts in _build/profiles/<id>/.",
)
@click.option(
    "--slice",
    "part",
    default=None,
    metavar="K/N",
    help="profiles: build every Nth profile from the Kth (one job of a matrix).",
)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="profiles: processes.")
def build(
    target: str,
    root: Path,
    out: Path | None,
    verbose: bool,
    profile: Path | None,
    part: str | None,
    jobs: int | None,
) -> None:
    """Build TARGET into _build/, publishing only a build that passed: html, pdf or epub;
    handouts (the PDFs; with --profile, a clinic's edition of the client handouts too); or
    profiles (every clinic's edition, one per file in ROOT/profiles/)."""
    from .pipeline.build import build as run_build

    chosen = settings(**({"verbose": True} if verbose else {}))
    root = root.resolve()
    out = (out or root / "_build").resolve()
    if profile is not None and target != "handouts":
        raise click.UsageError("--profile goes with `build handouts`")
    if part is not None and (target != "profiles" or not _is_slice(part)):
        raise click.UsageError("--slice K/N goes with `build profiles`, 1 <= K <= N (e.g. 2/4)")
    paths = []
    if profile is not None or target == "profiles":
        from .content.profile import profile_paths
        from .pipeline.profiles import check_profiles, slice_of

        paths = [profile.resolve()] if profile else slice_of(profile_paths(root), part)
        if check_profiles(paths, chosen):  # a bad profile stops before any build
            finish(1)
    status = run_build(root, out, "pdf" if target in ("handouts", "profiles") else target, chosen)
    if status or not paths:
        if target == "profiles" and not status:
            click.echo(f"clinic edition: no profiles in {root / 'profiles'} (or in this slice)")
        finish(status)
    from .pipeline.profiles import build_profiles

    finish(build_profiles(root, out, paths, chosen, jobs))


def _is_slice(part: str) -> bool:
    k, _, n = part.partition("/")
    return k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)


@main.command()
@click.argument(
    "root", type=click.Path(file_okay=False, path_type=Path), default=Path("."), required=False
)
def check(root: Path) -> None:
    """The content linter: every problem as file:line: what to fix (exit 1 if any)."""
    from .content.lint.report import check_book
    from .content.sources import Sources

    finish(check_book(Sources(root.resolve()), settings()))


@main.command("new-chapter")
@click.argument("title")
@BOOK_ROOT
def new_chapter(title: str, root: Path) -> None:
    """Start a chapter called TITLE with every required section, listed in _toc.yml."""
    from .content.scaffold import new_chapter as scaffold

    try:
        path = scaffold(root.resolve(), title.strip())
    except (ValueError, FileExistsError) as error:
        click.echo(f"new-chapter: {error}", err=True)
        finish(1)
    click.echo(f"created {path} and added it to _toc.yml; preview it with `make serve`")


@main.command()
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path), default=Path("figures"))
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes.")
def figures(outdir: Path, jobs: int | None) -> None:
    """Export every registered figure to OUTDIR (SVG, PDF and PNG)."""
    from .figures.export import export_command

    export_command(outdir, jobs)


@main.command()
@BOOK_ROOT
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("_build"),
    show_default=True,
    help="Build folder.",
)
def translations(root: Path, out: Path) -> None:
    """Refresh the Spanish handouts' catalogues (locales/) from the English."""
    from .pipeline.translations import translations_command

    finish(translations_command(root.resolve(), out.resolve(), settings()))


@main.command()
@click.argument("page")
@click.option(
    "--by",
    required=True,
    help='The reviewer, as they write it: "Name, credentials" (e.g. "Jane Doe, LCSW").',
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day of the review, YYYY-MM-DD (default: today).",
)
@BOOK_ROOT
def review(page: str, by: str, day, root: Path) -> None:
    """Record that a clinician reviewed PAGE as it reads now: an English page (book/....md) or
    a translation (its catalogue locales/<language>/LC_MESSAGES/<name>.po, or its page).
    Writes only the review record (see CONTRIBUTING.md, "Clinical review")."""
    import datetime as dt

    from .content import review as records
    from .content.sources import Sources

    root = root.resolve()
    if Path(page).is_absolute():
        try:
            page = Path(page).resolve().relative_to(root).as_posix()
        except ValueError:
            click.echo(f"review: {page} is not inside the book ({root})", err=True)
            finish(1)
    try:
        path, record = records.write_record(
            Sources(root), page, by, day.date() if day else dt.date.today()
        )
    except records.ReviewError as error:
        click.echo(f"review: {error}", err=True)
        finish(1)
    click.echo(
        f"review: recorded in {path.relative_to(root)}: reviewed by {record.by} on "
        f"{record.date}, edition {record.edition}, text {record.fingerprint}; commit it in a "
        "pull request"
    )


BASE = click.option(
    "--base",
    required=True,
    help="The branch the pull request goes into, as git names it here (e.g. origin/main).",
)


@main.command("needs-review")
@BASE
@BOOK_ROOT
def needs_review(base: str, root: Path) -> None:
    """List the clinically reviewed texts that the changes since BASE altered: each needs a new
    review (warnings; on GitHub, annotations and the run's summary). Exits 0 unless git cannot
    compare."""
    import datetime as dt

    from .content.changes import GitError, texts_needing_review
    from .content.sources import Sources
    from .problems import annotate

    try:
        found = texts_needing_review(Sources(root.resolve()), base, dt.date.today())
    except GitError as error:
        click.echo(f"needs-review: {error}", err=True)
        finish(2)
    for problem in found:
        click.echo(f"warning: {problem}")
    annotate(found, "Texts that now need a new clinical review", settings(), level="warning")
    click.echo(
        f"needs-review: {len(found)} reviewed text(s) changed since {base} need a new review"
        if found
        else f"needs-review: no clinically reviewed text changed since {base}"
    )


@main.command("fragment-check")
@BASE
@BOOK_ROOT
def fragment_check(base: str, root: Path) -> None:
    """Fail when the changes since BASE alter a client text or a safety message and add no
    clinical-safety news fragment (changelog.d/<number>.safety.md)."""
    from .content.changes import GitError, missing_safety_fragment
    from .content.sources import Sources
    from .problems import annotate

    try:
        problems, added = missing_safety_fragment(Sources(root.resolve()), base)
    except GitError as error:
        click.echo(f"fragment-check: {error}", err=True)
        finish(2)
    for problem in problems:
        click.echo(str(problem), err=True)
    annotate(problems, "Clinical-safety news fragment", settings())
    if problems:
        click.echo(
            f"fragment-check: {len(problems)} client text(s) or safety message(s) changed "
            "without a clinical-safety news fragment",
            err=True,
        )
        finish(1)
    click.echo(
        f"fragment-check: ok ({', '.join(added)})"
        if added
        else "fragment-check: ok (no client text or safety message changed)"
    )


@main.command()
@click.option("--version", "version", required=True, help="The edition, x.y.z (e.g. 0.2.0).")
@click.option(
    "--draft",
    is_flag=True,
    help="A draft edition: allowed with client handouts not reviewed, each of which then "
    'says "Draft: not clinically reviewed" (also: DRAFT=1).',
)
@click.option(
    "--date",
    default=None,
    help="The edition's date, YYYY-MM-DD (default: the last commit's day).",
)
@BOOK_ROOT
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: ROOT/_build); the files go into OUT/release/VERSION/.",
)
def release(version: str, draft: bool, date: str | None, root: Path, out: Path | None) -> None:
    """Make edition VERSION: refuse a tree with changes or a client handout not clinically
    reviewed (unless --draft), write the edition into _config.yml and CITATION.cff, build the
    change log from changelog.d/, build everything and write the release files."""
    from .pipeline.release import make_release

    if date is not None:
        import datetime as dt

        try:
            dt.date.fromisoformat(date)
        except ValueError as error:
            raise click.BadParameter(
                f"{date!r} is not a date YYYY-MM-DD", param_hint="--date"
            ) from error
    chosen = settings(**({"draft": True} if draft else {}))
    root = root.resolve()
    finish(make_release(root, (out or root / "_build").resolve(), version, chosen, date))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@BOOK_ROOT
@click.option(
    "--build-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="make's output folder, whose notebook cache, PDFs and EPUB the preview uses "
    "(default: ROOT/_build).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The preview's folder (default: BUILD_DIR/serve).",
)
def serve(host: str, port: int, root: Path, build_dir: Path | None, out: Path | None) -> None:
    """Live preview that rebuilds the real site when a source is saved."""
    from .pipeline.serve import serve as run_serve

    root = root.resolve()
    build_dir = (build_dir or root / "_build").resolve()
    preview = (out or build_dir / "serve").resolve()
    finish(run_serve(root, build_dir, preview, host, port, settings()))


if __name__ == "__main__":
    main()
