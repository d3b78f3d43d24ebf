"""Every workaround for an upstream package is listed, guarded and pinned to the code it was
verified against (src/addictionbook/upstream/).

When a dependency is upgraded, these tests say which workaround to re-verify: the version
left its range, or the upstream code it relies on changed (its source hash).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from addictionbook import upstream

from .helpers import run_python

#: ``src/addictionbook``: where a workaround lives (test code: below the repository).
SRC = Path(upstream.__file__).resolve().parents[1]
WORKAROUNDS = sorted(upstream.WORKAROUNDS.values(), key=lambda w: w.name)


@pytest.mark.parametrize("workaround", WORKAROUNDS, ids=lambda w: w.name)
def test_installed_version_is_one_the_workaround_was_verified_for(workaround) -> None:
    assert workaround.in_range(), (
        f"{workaround.package} {workaround.installed()} is outside {workaround.applies_to}: "
        f"re-verify {workaround.name} against {workaround.upstream}"
    )


@pytest.mark.parametrize("workaround", WORKAROUNDS, ids=lambda w: w.name)
def test_the_upstream_code_relied_on_is_unchanged(workaround) -> None:
    assert upstream.source_digest(workaround.relies_on) == workaround.source_sha256, (
        f"{', '.join(workaround.relies_on)} changed upstream: re-verify {workaround.name} "
        f"({workaround.upstream}), then record the new hash"
    )


@pytest.mark.parametrize("workaround", WORKAROUNDS, ids=lambda w: w.name)
def test_each_workaround_says_where_it_lives_why_and_what_it_buys(workaround) -> None:
    assert workaround.upstream.startswith("https://")
    assert (
        workaround.gain
        and workaround.verified in workaround.applies_to
        or (workaround.installed() == workaround.verified)
    )
    where = workaround.where.split(" ")[0]
    assert (SRC / where).is_file() or (SRC.parents[1] / where).is_file(), where


def test_out_of_range_the_guard_says_no_and_warns(monkeypatch, caplog) -> None:
    monkeypatch.setattr(upstream, "version", lambda package: "999.0")
    with caplog.at_level("WARNING"):
        assert upstream.applies("compiled-templates-kept") is False
    assert "compiled-templates-kept" in caplog.text and "999.0" in caplog.text


def test_out_of_range_pybtex_lookups_are_left_alone() -> None:
    out = run_python(
        """
        import importlib.metadata, pybtex.plugin
        from addictionbook import upstream
        from addictionbook.upstream.pybtex import cache_bibtex_plugin_lookups
        upstream.version = lambda package: "999.0"
        cache_bibtex_plugin_lookups()
        print(hasattr(pybtex.plugin.entry_points, "cache_info"))
        """
    )
    assert out == "False"


def test_pybtex_plugins_are_looked_up_once_and_still_found() -> None:
    out = run_python(
        """
        import pybtex.plugin
        from addictionbook.upstream.pybtex import cache_bibtex_plugin_lookups
        cache_bibtex_plugin_lookups()
        plain = pybtex.plugin.find_plugin("pybtex.style.formatting", "plain")
        alpha = pybtex.plugin.find_plugin("pybtex.style.formatting", "alpha")
        print(hasattr(pybtex.plugin.entry_points, "cache_info"), plain.__module__, alpha.__module__)
        """
    )
    cached, plain, alpha = out.split()
    assert cached == "True"
    assert plain.endswith(".plain") and alpha.endswith(".alpha")


def test_opengraph_does_not_import_matplotlib_when_social_cards_are_off() -> None:
    out = run_python(
        """
        import sys
        from types import SimpleNamespace
        from addictionbook.upstream.opengraph import skip_social_card_import
        overrides = {"ogp_social_cards": {"enable": False}}
        app = SimpleNamespace(config=SimpleNamespace(_overrides=overrides))
        skip_social_card_import(app)
        import sphinxext.opengraph as og
        print("matplotlib" in sys.modules, og.create_social_card is None)
        """
    )
    assert out == "False True"


def test_opengraph_keeps_social_cards_when_they_are_on() -> None:
    out = run_python(
        """
        from types import SimpleNamespace
        from addictionbook.upstream.opengraph import skip_social_card_import
        overrides = {"ogp_social_cards": {"enable": True}}
        app = SimpleNamespace(config=SimpleNamespace(_overrides=overrides))
        skip_social_card_import(app)
        import sphinxext.opengraph as og
        print(og.create_social_card is not None)
        """
    )
    assert out == "True"


def test_a_failed_build_forgets_the_saved_environment(tmp_path: Path) -> None:
    from sphinx.application import ENV_PICKLE_FILENAME

    (tmp_path / ENV_PICKLE_FILENAME).write_bytes(b"saved")
    from addictionbook.upstream.sphinx import forget_environment_after_failure

    forget_environment_after_failure(tmp_path)
    assert not (tmp_path / ENV_PICKLE_FILENAME).exists()


def test_an_out_of_range_weasyprint_stops_the_pdf_step(monkeypatch, tmp_path: Path) -> None:
    """The PDFs' PDF/UA tags depend on the WeasyPrint workarounds: outside their verified
    versions the PDF step stops, naming the workaround's file, instead of publishing
    untagged PDFs."""
    from addictionbook.pipeline.pdf import write_pdf
    from addictionbook.problems import ProblemsFound

    html = '<html lang="en"><head><title>T</title></head><body><h1>T</h1></body></html>'
    assert write_pdf(html, tmp_path, tmp_path / "in-range.pdf").exists()
    real = upstream.version
    monkeypatch.setattr(
        upstream, "version", lambda package: "71.0" if package == "weasyprint" else real(package)
    )
    with pytest.raises(ProblemsFound) as stopped:
        write_pdf(html, tmp_path, tmp_path / "out-of-range.pdf")
    problem = stopped.value.problems[0]
    assert problem.path == "src/addictionbook/upstream/weasyprint.py"
    assert "weasyprint 71.0 is outside >=70,<71" in problem.message
    assert "not be PDF/UA-1" in problem.message and "make venv" in problem.hint
    assert not (tmp_path / "out-of-range.pdf").exists()


def test_required_workarounds_are_the_ones_the_pdf_tags_depend_on() -> None:
    required = {w.name for w in WORKAROUNDS if w.required_for}
    assert required == {
        "weasyprint-margin-artifacts",
        "weasyprint-element-language",
        "weasyprint-table-header-scope",
    }


def test_the_cache_never_trims_a_notebook_another_process_has_just_cached(tmp_path: Path) -> None:
    """Another process caches a notebook while this one trims the cache to its limit: the new
    record is never among those trimmed (jupyter-cache's two queries picked it; the workaround's
    one query does not), and with nothing racing both pick the same, oldest records."""
    out = run_python(
        f"""
        import json, time
        from jupyter_cache import get_cache
        from jupyter_cache.cache.db import NbCacheRecord
        from sqlalchemy.orm import Query

        db = get_cache({str(tmp_path / "cache")!r}).db
        oldest = []
        for n in range(4):
            record = NbCacheRecord.create_record(uri=f"/nb{{n}}.md", hashkey=f"h{{n}}", db=db)
            oldest.append(record.pk)
            time.sleep(0.01)

        def racing(records_to_delete, name):
            added, all_rows = [], Query.all
            def other_process_caches_after(query):
                rows = all_rows(query)
                if not added:  # right after the first query: another process caches a notebook
                    added.append(NbCacheRecord.create_record(uri=name, hashkey=name, db=db).pk)
                return rows
            Query.all = other_process_caches_after
            try:
                trimmed = records_to_delete(1000, db)
            finally:
                Query.all = all_rows
            return added[0] in trimmed

        upstream = NbCacheRecord.records_to_delete
        upstream_trims_it = racing(upstream, "/upstream.md")
        from addictionbook.upstream.jupyter_cache import trim_the_cache_in_one_query
        trim_the_cache_in_one_query()
        ours = NbCacheRecord.records_to_delete
        ours_trims_it = racing(ours, "/ours.md")
        quiet = sorted(ours(3, db)) == sorted(upstream(3, db)) == sorted(oldest[:3])
        print(json.dumps([upstream_trims_it, ours_trims_it, quiet]))
        """
    )
    upstream_trims_it, ours_trims_it, quiet = json.loads(out)
    assert upstream_trims_it, "jupyter-cache no longer races: re-verify the workaround"
    assert not ours_trims_it, "a notebook cached meanwhile was trimmed"
    assert quiet, out


def sphinx_apps(src: Path) -> str:
    """Code that defines ``app(n)``, the n-th Sphinx application over the fixture book at
    ``src`` (each with an output folder of its own), for :func:`run_python` to run."""
    return f"""
        from sphinx.application import Sphinx

        def app(n):
            src = {str(src)!r}
            return Sphinx(src, src, f"{{src}}/_build/{{n}}", f"{{src}}/_build/{{n}}/.doctrees",
                          "html", status=None, warning=None)
        """


def test_the_search_for_pages_left_out_of_the_toc_skips_excluded_folders(tmp_path: Path) -> None:
    """With the workaround, sphinx-external-toc excludes the same pages, in the same order,
    without listing a folder Sphinx excludes (the build folder, ``tools/``)."""
    (tmp_path / "conf.py").write_text(
        'extensions = ["sphinx_external_toc"]\nexternal_toc_path = "_toc.yml"\n'
        "external_toc_exclude_missing = True\n"
        'exclude_patterns = ["_build", "tools", "**/.*"]\n'
    )
    (tmp_path / "_toc.yml").write_text("root: index\nsubtrees:\n- entries:\n  - file: sub/kept\n")
    pages = ("index", "stray", "stray-too", "sub/kept", "sub/other", "sub/deeper/more", "b/two")
    for page in (*pages, "a/one"):
        (tmp_path / f"{page}.rst").parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f"{page}.rst").write_text("A page\n======\n")
    for left_out in ("tools/node_modules/pkg/README.rst", "_build/old/page.rst", ".hidden/x.rst"):
        (tmp_path / left_out).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / left_out).write_text("Not a page\n==========\n")
    out = run_python(
        sphinx_apps(tmp_path)
        + f"""
        import json, os

        upstream = app(0).config.exclude_patterns
        from addictionbook.upstream.sphinx_external_toc import put_in_place
        put_in_place()
        listed, scandir = [], os.scandir
        def recorded(path="."):
            listed.append(os.path.relpath(path, {str(tmp_path)!r}))
            return scandir(path)
        os.scandir = recorded
        ours = app(1).config.exclude_patterns
        os.scandir = scandir
        entered = {{p.split(os.sep)[0] for p in listed if p.startswith(("tools", "_build"))}}
        print(json.dumps([ours == upstream, upstream[3:], sorted(entered)]))
        """
    )
    same, excluded, entered = json.loads(out)
    assert same, out
    assert sorted(excluded) == [
        "a/one.rst",
        "b/two.rst",
        "stray-too.rst",
        "stray.rst",
        "sub/deeper/more.rst",
        "sub/other.rst",
    ], out
    assert entered == [], f"an excluded folder was listed: {out}"


def test_toctree_collectors_are_found_among_the_apps_listeners_not_in_all_memory(
    tmp_path: Path,
) -> None:
    """The replacement disables what sphinx-external-toc's own function disables, for a first
    and a later application in one process, without walking the garbage collector's objects."""
    (tmp_path / "conf.py").write_text(
        'extensions = ["sphinx_external_toc"]\nexternal_toc_path = "_toc.yml"\n'
    )
    (tmp_path / "_toc.yml").write_text("root: index\n")
    (tmp_path / "index.md").write_text("# A page\n")
    out = run_python(
        sphinx_apps(tmp_path)
        + """
        import gc
        from sphinx.environment.collectors.toctree import TocTreeCollector

        def connected(app):
            return sorted(
                (event, type(l.handler.__self__).__name__ if hasattr(l.handler, "__self__")
                 else l.handler.__qualname__)
                for event, listeners in app.events.listeners.items() for l in listeners)

        upstream = connected(app(0))
        from addictionbook.upstream.sphinx_external_toc import (
            find_toctree_collectors_by_listener)
        find_toctree_collectors_by_listener()
        def no_walking():
            raise AssertionError("gc.get_objects() was called")
        gc.get_objects = no_walking
        ours = [connected(app(n)) for n in (1, 2)]
        print(ours[0] == upstream == ours[1])
        print(sum(1 for event, name in upstream if name == "TocTreeCollector"),
              sum(1 for event, name in upstream if name == "TocTreeCollectorWithStyles"))
        """
    )
    assert out.splitlines() == ["True", "0 5"], out
