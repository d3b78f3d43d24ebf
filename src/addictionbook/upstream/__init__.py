"""Workarounds for packages the book does not own: the registry of every one, each with the
version it was checked against, the upstream issue it works around, and a guard.

A workaround changes (or leans on the internals of) someone else's code, so it is the first
thing to break when a dependency is upgraded. Each is listed in :data:`WORKAROUNDS` with:

- the distribution and the version it was verified against, and the range it is applied to:
  outside that range :func:`applies` turns it off and logs a warning (Sphinx warning type
  ``addictionbook.upstream``; the strict build fails on it, which is the point: re-verify);
- the upstream issue or pull request it works around (or the code, where none is filed);
- the upstream functions it relies on, with a hash of their source at the verified version:
  ``tests/test_upstream.py`` fails when that code changes, even inside the range.

The workarounds themselves live in one module per upstream project (``jupyter_cache``,
``pybtex``, ``opengraph``, ``sphinx``, ``sphinx_external_toc``, ``weasyprint``), or, where
they must act inside the Sphinx extension, in ``sphinx_ext/`` (the sidebar made once per build,
the EPUB's accessibility fixes, the trimmed icon rules, the root redirect page); each entry's
``where`` names the file. This package sits below every layer: the Sphinx extension and the
build pipeline both use it. Loading the registry imports nothing of Sphinx (the guard's
warning imports Sphinx's logger when it fires).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import Version


@dataclass(frozen=True)
class Workaround:
    """One change to, or reliance on the internals of, a package the book does not own."""

    name: str
    package: str  # the distribution, as pip names it
    verified: str  # the version it was checked against
    applies_to: str  # PEP 440 specifier of the versions it is applied to
    upstream: str  # the issue or pull request it works around (or the code)
    relies_on: tuple[str, ...]  # dotted names of the upstream code it patches or reads
    source_sha256: str  # of that code's source at ``verified`` (see ``source_digest``)
    gain: str  # what it buys, measured
    where: str  # the file that applies it, below src/addictionbook/
    #: What goes wrong without it, when the output's correctness depends on it: then, outside
    #: its range, the build stops (:func:`applies`) instead of publishing that.
    required_for: str = ""

    def installed(self) -> str | None:
        try:
            return version(self.package)
        except PackageNotFoundError:
            return None

    def in_range(self) -> bool:
        found = self.installed()
        return found is not None and Version(found) in SpecifierSet(self.applies_to)


def resolve(dotted: str) -> object:
    """The object a dotted name points to (module, class, function or method)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def source_digest(names: tuple[str, ...]) -> str:
    """SHA-256 of the source of ``names``, in order: what a workaround was verified against.

    A name is a dotted Python name, or ``package:path`` for a file the package ships (a
    template the book overrides).
    """
    digest = hashlib.sha256()
    for name in names:
        if ":" in name:
            package, path = name.split(":", 1)
            base = Path(importlib.import_module(package).__file__).parent
            digest.update((base / path).read_bytes())
        else:
            digest.update(inspect.getsource(resolve(name)).encode())
    return digest.hexdigest()


def applies(name: str) -> bool:
    """Whether workaround ``name`` is to be applied; outside its range, warn and say no (a
    Sphinx warning, which fails the strict build). A workaround the output's correctness
    depends on (``required_for``) is never just switched off: outside its range
    :class:`~addictionbook.problems.ProblemsFound` stops the step, naming its file."""
    found = WORKAROUNDS[name]
    if found.in_range():
        return True
    if found.required_for:
        from ..problems import Problem, ProblemsFound

        raise ProblemsFound(
            [
                Problem(
                    f"src/addictionbook/{found.where.split(' ')[0]}",
                    0,
                    f"{found.package} {found.installed()} is outside {found.applies_to}, the "
                    f"versions the workaround {found.name!r} was verified for; without it "
                    f"{found.required_for}, so nothing is published",
                    f"install the locked version (make venv), or re-verify the workaround "
                    f"against {found.upstream} and record the new range and hash",
                )
            ]
        )
    from sphinx.util import logging

    logging.getLogger(__name__).warning(
        f"upstream workaround {found.name!r} was verified against {found.package} "
        f"{found.verified} and is off for {found.package} {found.installed()}: check "
        f"{found.upstream}, then re-verify it in src/addictionbook/{found.where}",
        type="addictionbook",
        subtype="upstream",
        once=True,
    )
    return False


WORKAROUNDS: dict[str, Workaround] = {
    w.name: w
    for w in (
        Workaround(
            name="pybtex-plugin-lookups",
            package="pybtex",
            verified="0.26.1",
            applies_to=">=0.26.1,<0.27",
            upstream="https://codeberg.org/pybtex/pybtex/src/tag/v0.26.1/pybtex/plugin/__init__.py"
            " (no issue filed: every plugin lookup scans the installed entry points)",
            relies_on=("pybtex.plugin._load_entry_point",),
            source_sha256="651a544d021985bab27fd3625eaed0e424ba54c5674590c14a13446e57e82f31",
            gain="2.7 s of a clean build (one entry-point scan per citation)",
            where="upstream/pybtex.py",
        ),
        Workaround(
            name="opengraph-without-social-cards",
            package="sphinxext-opengraph",
            verified="0.13.0",
            applies_to=">=0.13,<0.14",
            upstream="https://github.com/sphinx-doc/sphinxext-opengraph/issues/145",
            relies_on=("sphinxext.opengraph",),
            source_sha256="2fde085c93e864d2596e6c90b6b15f7d573b997dcfa0352fca2a86612467cd72",
            gain="1.3 s of every build (matplotlib imported for cards that are off)",
            where="upstream/opengraph.py",
        ),
        Workaround(
            name="compiled-templates-kept",
            package="sphinx",
            verified="7.4.7",
            applies_to=">=7.4,<7.5",
            upstream="https://jinja.palletsprojects.com/en/stable/api/#bytecode-cache"
            " (Sphinx sets no bytecode cache on its template environment)",
            relies_on=("sphinx.jinja2glue.BuiltinTemplateLoader.init",),
            source_sha256="62cf1b12c372bea467e9ed20f913fa09005420cd8263e9e3398e133279f43ba9",
            gain="0.3 s of every build that writes pages",
            where="upstream/sphinx.py",
        ),
        Workaround(
            name="failed-build-reread",
            package="sphinx",
            verified="7.4.7",
            applies_to=">=7.4,<7.5",
            upstream="https://github.com/sphinx-doc/sphinx/issues/725",
            relies_on=("sphinx.application.Sphinx._init_env",),
            source_sha256="9342f47426ee072b14589ef92b368330ae5da0ce5f9b1d14a0619a5261b791f2",
            gain="a page whose warning failed the build is read again, so the next build "
            "fails too until it is fixed (Sphinx would pass without re-reading it)",
            where="upstream/sphinx.py (called by pipeline/sphinx_run.py)",
        ),
        Workaround(
            name="sphinx-warning-records",
            package="sphinx",
            verified="7.4.7",
            applies_to=">=7.4,<7.5",
            upstream="https://github.com/sphinx-doc/sphinx/blob/v7.4.7/sphinx/util/logging.py"
            " (no issue filed: Sphinx gives warnings to its handlers as text only)",
            relies_on=(
                "sphinx.util.logging.setup",
                "sphinx.util.logging.WarningSuppressor.filter",
            ),
            source_sha256="1e3f171cf4a85ae899797df5b48ca83f0827721ae2afb1353e65e733352148f9",
            gain="every warning the strict build fails on reaches the report, the log and the "
            "GitHub annotations with its file and line, as data (no log scraping)",
            where="sphinx_ext/problems.py",
        ),
        Workaround(
            name="myst-nb-failed-notebook-not-rerun",
            package="myst-nb",
            verified="1.4.0",
            applies_to=">=1.4,<1.5",
            upstream="https://github.com/executablebooks/MyST-NB/blob/v1.4.0/myst_nb/core/"
            "execute/__init__.py (no per-build way to skip a notebook already known to fail)",
            relies_on=(
                "myst_nb.core.execute.create_client",
                "myst_nb.core.config.NbParserConfig.copy",
            ),
            source_sha256="29547d7e352d7e4ce80de02276ceeaa4ade8fbc37486f3a60c1652b5c801b701",
            gain="a notebook that failed or hung in the notebook step is reported once and not "
            "run again while Sphinx reads it (a hung cell cost its time limit twice)",
            where="sphinx_ext/freshness.py",
        ),
        Workaround(
            name="navigation-rewrites-every-page",
            package="sphinx",
            verified="7.4.7",
            applies_to=">=7.4,<7.5",
            upstream="https://github.com/sphinx-doc/sphinx/issues/5506",
            relies_on=("sphinx.environment.BuildEnvironment.check_dependents",),
            source_sha256="67a4800796772787a3544fef438213db91d4aa2d4ff29e7999a0d4c1eae6d879",
            gain="after a chapter is added, moved or renamed, an incremental build gives every "
            "page the new navigation (Sphinx rewrites only the pages it read)",
            where="sphinx_ext/sidebar.py",
        ),
        Workaround(
            name="sidebar-made-once",
            package="pydata-sphinx-theme",
            verified="0.17.1",
            applies_to=">=0.17.1,<0.18",
            upstream="https://github.com/pydata/pydata-sphinx-theme/issues/381",
            relies_on=("pydata_sphinx_theme.toctree.add_toctree_functions",),
            source_sha256="0f8549bca75f9d5b84de453b3c5b38e314417bd7a6fecb5f9794b78644c2c12a",
            gain="half of a 200-chapter clean build (each page's navigation built from the "
            "whole table of contents)",
            where="sphinx_ext/sidebar.py",
        ),
        Workaround(
            name="sidebar-toggle-names",
            package="sphinx-book-theme",
            verified="1.3.0",
            applies_to=">=1.3,<1.4",
            upstream="https://github.com/executablebooks/sphinx-book-theme/blob/v1.3.0/src/"
            "sphinx_book_theme/theme/sphinx_book_theme/components/sbt-sidebar-nav.html"
            " (no issue filed: the section toggles' <summary> holds only an icon)",
            relies_on=(
                "sphinx_book_theme:theme/sphinx_book_theme/components/sbt-sidebar-nav.html",
            ),
            source_sha256="38342bd744042ee107080378719e7a55892f7c294bffad6f4efc78185edf7ae1",
            gain="axe's summary-name rule passes: a screen reader can name each section toggle",
            where="sphinx_ext/sidebar.py",
        ),
        Workaround(
            name="epub-ncx-identifier",
            package="sphinx",
            verified="7.4.7",
            applies_to=">=7.4,<7.5",
            upstream="https://github.com/sphinx-doc/sphinx/issues/11184",
            relies_on=("sphinx.builders._epub_base.EpubBuilder.toc_metadata",),
            source_sha256="98b7a4b1683f9e45f194a88c31b724e2ff9eb6959b78b8cc1f770ec2b7a99736",
            gain="epubcheck NCX-001 passes: toc.ncx carries the book's identifier",
            where="sphinx_ext/epub.py",
        ),
        Workaround(
            name="epub-without-site-templates",
            package="sphinx",
            verified="7.4.7",
            applies_to=">=7.4,<7.5",
            upstream="https://www.sphinx-doc.org/en/master/usage/configuration.html"
            "#confval-templates_path (one templates_path for every builder)",
            relies_on=("sphinx.jinja2glue.BuiltinTemplateLoader.init",),
            source_sha256="62cf1b12c372bea467e9ed20f913fa09005420cd8263e9e3398e133279f43ba9",
            gain="the EPUB's pages use the epub theme alone (the site's templates extend "
            "sphinx-book-theme, which the epub theme lacks)",
            where="sphinx_ext/epub.py",
        ),
        Workaround(
            name="epub-page-language",
            package="sphinx",
            verified="7.4.7",
            applies_to=">=7.4,<7.5",
            upstream="https://github.com/sphinx-doc/sphinx/blob/v7.4.7/sphinx/builders/epub3.py"
            " (no issue filed: the epub builder's own <html> tag carries no lang)",
            relies_on=("sphinx.builders.epub3",),
            source_sha256="bfdb4f6292dec4bed326e2d9fbb1716f231601e72c963a9d1ceb961696d65621",
            gain="Ace's html-has-lang passes on every page (18 serious findings before)",
            where="sphinx_ext/epub.py",
        ),
        Workaround(
            name="epub-heading-level",
            package="sphinx",
            verified="7.4.7",
            applies_to=">=7.4,<7.5",
            upstream="https://www.w3.org/TR/wai-aria-1.2/#heading (aria-level is required;"
            " Sphinx writes a toctree caption as <p role=heading> without it)",
            relies_on=("sphinx.writers.html5.HTML5Translator.visit_title",),
            source_sha256="ffc8045a030e329c79a9ea08931b282c061b6ce42634d8637bc2c2fcb94269db",
            gain="Ace's aria-required-attr passes on the landing page (3 critical findings)",
            where="sphinx_ext/epub.py",
        ),
        Workaround(
            name="epub-biblioentry-role",
            package="docutils",
            verified="0.21.2",
            applies_to=">=0.21,<0.22",
            upstream="https://www.w3.org/TR/dpub-aria-1.1/#doc-biblioentry"
            " (deprecated; docutils writes it inside role=list)",
            relies_on=("docutils.writers._html_base.HTMLTranslator.visit_citation",),
            source_sha256="0c5327394e0a27c7249b255dae13b56b2e7192e2d554d50668c592fee3af3462",
            gain="Ace's aria-required-children passes on the references (1 critical, 14 minor)",
            where="sphinx_ext/epub.py",
        ),
        Workaround(
            name="epub-accessibility-metadata",
            package="sphinx",
            verified="7.4.7",
            applies_to=">=7.4,<7.5",
            upstream="https://www.w3.org/TR/epub-a11y-11/#sec-discoverable"
            " (Sphinx's package templates have no place for it)",
            relies_on=(
                "sphinx.builders._epub_base.EpubBuilder.content_metadata",
                "sphinx:templates/epub3/content.opf.jinja",
                "sphinx:templates/epub3/nav.xhtml.jinja",
            ),
            source_sha256="434501a93849370e06feb0d495c72ee4f6bc102b15f8770f08a1e860c337abc6",
            gain="the EPUB declares EPUB Accessibility 1.1 conformance and its access modes",
            where="sphinx_ext/epub.py",
        ),
        Workaround(
            name="epub-code-contrast",
            package="sphinx",
            verified="7.4.7",
            applies_to=">=7.4,<7.5",
            upstream="https://github.com/jupyter-book/jupyter-book/blob/v1.0.4/jupyter_book/"
            "config_default.yaml (pygments_style: sphinx for every builder)",
            relies_on=("sphinx.builders.html.StandaloneHTMLBuilder.init_highlighter",),
            source_sha256="a6e9870a2d29ac4fe2b8b597ad5e092536690fbc2e626e5da7927fd2b557ce6e",
            gain="Ace's color-contrast passes on code (7 serious findings)",
            where="sphinx_ext/epub.py",
        ),
        Workaround(
            name="theme-icon-rules-trimmed",
            package="pydata-sphinx-theme",
            verified="0.17.1",
            applies_to=">=0.17.1,<0.18",
            upstream="https://github.com/pydata/pydata-sphinx-theme/issues/381"
            " (the theme bundles every Font Awesome rule in its one blocking stylesheet)",
            relies_on=(
                "pydata_sphinx_theme:theme/pydata_sphinx_theme/static/styles/"
                "pydata-sphinx-theme.css",
            ),
            source_sha256="c783889b78ce6a5ed1a149d997c23224dc5ffd355a7c53537d62e1241546beaa",
            gain="the largest stylesheet every page waits for drops from 66 to 46 KiB gzipped",
            where="sphinx_ext/page_assets.py",
        ),
        Workaround(
            name="root-redirect-page",
            package="sphinx-external-toc",
            verified="1.1.0",
            applies_to=">=1.1,<1.2",
            upstream="https://github.com/executablebooks/sphinx-external-toc/blob/v1.1.0/"
            "sphinx_external_toc/events.py (ensure_index_file writes a bare refresh)",
            relies_on=("sphinx_external_toc.events.ensure_index_file",),
            source_sha256="edd9ec8d009cedf0e6d195be20890e54fed8bb41d15ef28ad5afe16b4a2b67e7",
            gain="the root page has a language, a title, a link and the site icon (no 404 for "
            "/favicon.ico)",
            where="sphinx_ext/redirect.py",
        ),
        Workaround(
            name="toctree-collector-from-listeners",
            package="sphinx-external-toc",
            verified="1.1.0",
            applies_to=">=1.1,<1.2",
            upstream="https://github.com/executablebooks/sphinx-external-toc/blob/v1.1.0/"
            "sphinx_external_toc/collectors.py (no issue filed: Sphinx's toctree collector is "
            "looked for among every object in memory)",
            relies_on=(
                # the module, not the function: this workaround takes the function's place
                "sphinx_external_toc.collectors",
                "sphinx.events.EventManager.connect",
            ),
            source_sha256="effd4a7f8f2b230831a3cc707c3fcac3e5e655fe382101631057804480f1c6c9",
            gain="0.03 s of every build, 0.1 s of each Sphinx application a test makes "
            "(gc.get_objects() over the whole process)",
            where="upstream/sphinx_external_toc.py (called by pipeline/jupyter_book_process.py)",
        ),
        Workaround(
            name="toc-walk-skips-excluded",
            package="sphinx-external-toc",
            verified="1.1.0",
            applies_to=">=1.1,<1.2",
            upstream="https://github.com/executablebooks/sphinx-external-toc/blob/v1.1.0/"
            "sphinx_external_toc/events.py (no issue filed: the search for pages missing from "
            "the toc walks every folder, excluded ones included, once per source suffix)",
            relies_on=(
                # the module, not the function: this workaround takes the function's place
                "sphinx_external_toc.events",
                "sphinx.util.matching.Matcher",
            ),
            source_sha256="57f2b8249be248c15e8926e3a0365860dac2ea05e83ae4b1cd2ee294a3b29ea3",
            gain="0.17 s of every build of the book where tools/ holds Ace and Lighthouse (0.006 s "
            "left: 10,700 files not listed four times)",
            where="upstream/sphinx_external_toc.py (called by pipeline/jupyter_book_process.py)",
        ),
        Workaround(
            name="cache-truncation-in-one-query",
            package="jupyter-cache",
            verified="1.0.1",
            applies_to=">=1.0,<1.1",
            upstream="https://github.com/executablebooks/jupyter-cache/blob/v1.0.1/"
            "jupyter_cache/cache/db.py (no issue filed: NbCacheRecord.records_to_delete reads "
            "the records to keep and the records to delete in two queries)",
            relies_on=(
                # the module, not the method: this workaround takes the method's place
                "jupyter_cache.cache.db",
                "jupyter_cache.cache.main.JupyterCacheBase.truncate_caches",
            ),
            source_sha256="a0258355a3a441e229d643e86ba2b9569aa3e94e51ec8bfabb7539c8c130bb0c",
            gain="a build whose notebook step and myst-nb cache at the same moment no longer "
            "stops on a KeyError, nor deletes the notebook the other one just cached",
            where="upstream/jupyter_cache.py (called by pipeline/jupyter_book_process.py and "
            "execution/cache.py)",
        ),
        Workaround(
            name="handout-translation-transform",
            package="sphinx",
            verified="7.4.7",
            applies_to=">=7.4,<7.5",
            upstream="https://github.com/sphinx-doc/sphinx/issues/366"
            " (no per-document language; closed without it)",
            relies_on=("sphinx.transforms.i18n.Locale.apply", "sphinx.locale.init"),
            source_sha256="4e2599e8464e5d785163e4d9cc3fa3ae1f6ee4458ad80737c5b1d19b6e8ffd0a",
            gain="the Spanish client handouts are translated pages of the one English build",
            where="sphinx_ext/translations.py",
        ),
        Workaround(
            name="translated-figure-numbers",
            package="sphinx",
            verified="7.4.7",
            applies_to=">=7.4,<7.5",
            upstream="https://github.com/sphinx-doc/sphinx/issues/366"
            " (no per-document language: one numfig_format and one figure counter per part)",
            relies_on=(
                "sphinx.writers.html5.HTML5Translator.add_fignumber",
                "sphinx.environment.collectors.toctree.TocTreeCollector.assign_figure_numbers",
            ),
            source_sha256="662574226dde04a23c5a09818a1ac75633ab9fa3e1777e4d5338b9559da61526",
            gain='a Spanish handout says "Figura 1" for its own figure (it said "Fig. 2", '
            "numbered on from the English handouts)",
            where="sphinx_ext/translations.py",
        ),
        Workaround(
            name="translated-page-chrome-language",
            package="pydata-sphinx-theme",
            verified="0.17.1",
            applies_to=">=0.17.1,<0.18",
            upstream="https://github.com/pydata/pydata-sphinx-theme/blob/v0.17.1/src/"
            "pydata_sphinx_theme/theme/pydata_sphinx_theme/layout.html"
            " (no issue filed: the layout has no per-region language)",
            relies_on=("pydata_sphinx_theme:theme/pydata_sphinx_theme/layout.html",),
            source_sha256="fe5c35806042db60aacb114cbe8ae2a2601721ff7376f500961b2ce0fc456d3e",
            gain="on a Spanish page the site's English furniture (skip link, header, sidebar, "
            'footers) is marked lang="en": read with English rules (WCAG 2.1 SC 3.1.2)',
            where="sphinx_ext/translations.py",
        ),
        Workaround(
            name="weasyprint-margin-artifacts",
            package="weasyprint",
            verified="70.0",
            applies_to=">=70,<71",
            upstream="https://github.com/Kozea/WeasyPrint/issues/1836",
            relies_on=(
                "weasyprint.draw.draw_stacking_context",
                "weasyprint.pdf.tags._build_box_tree",
            ),
            source_sha256="56c330f89776a24bd60c11e56153aa1e424506050314ecf23e66e97e19dec0a1",
            gain="running heads, footers and page numbers are artifacts, as PDF/UA-1 asks; "
            "without it they are marked content outside the structure tree",
            where="upstream/weasyprint.py (called by pipeline/pdf.py)",
            required_for="the PDFs would not be PDF/UA-1 (running heads and footers as marked "
            "content outside the structure tree)",
        ),
        Workaround(
            name="weasyprint-element-language",
            package="weasyprint",
            verified="70.0",
            applies_to=">=70,<71",
            upstream="https://github.com/Kozea/WeasyPrint/issues/2482"
            " (PDF/UA support improvements; only <html lang> reaches the PDF)",
            relies_on=("weasyprint.pdf.tags._build_box_tree",),
            source_sha256="f716251a83e7096e9cae972b63e633aab21c664d200582166dd0d5096780f9c4",
            gain="the Spanish pages inside the book PDF, and English words inside a Spanish "
            "handout, are read aloud in their own language (/Lang on the structure element)",
            where="upstream/weasyprint.py (called by pipeline/pdf.py)",
            required_for="a Spanish handout inside the book PDF would be read aloud with "
            "English pronunciation",
        ),
        Workaround(
            name="weasyprint-table-header-scope",
            package="weasyprint",
            verified="70.0",
            applies_to=">=70,<71",
            upstream="https://github.com/Kozea/WeasyPrint/issues/2482"
            " (PDF/UA support improvements; TH cells get no /Scope)",
            relies_on=("weasyprint.pdf.tags._build_box_tree",),
            source_sha256="f716251a83e7096e9cae972b63e633aab21c664d200582166dd0d5096780f9c4",
            gain="every table header cell carries /Scope (Column or Row): a screen reader ties "
            "data cells to their headers (Matterhorn 15-003; 20 tables of the book PDF had none)",
            where="upstream/weasyprint.py (called by pipeline/pdf.py)",
            required_for="the PDFs' tables would fail PDF/UA-1 (header cells without /Scope)",
        ),
    )
}
