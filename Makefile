# Entry points for the book. `make help` lists them; `make book` and `make test` do everything.
# Override on the command line, e.g. `make html BUILDDIR=/tmp/site`; `V=1` prints the whole
# build log as it runs (it is always in $(BUILDDIR)/logs/<target>.log).
PYTHON   ?= python3
VENV     ?= .venv
BUILDDIR ?= _build
PAPER    ?= letter
HOST     ?= 127.0.0.1
PORT     ?= 8000
PYTEST_ARGS ?=
TESTBUILD ?= $(BUILDDIR)/test
JOBS     ?= 2
RUNS     ?= 3
SCALE    ?=
STEPS    ?=
UPGRADE  ?=
# make review PAGE=... BY="Name, credentials"; make release VERSION=x.y.z [DRAFT=1]
PAGE     ?=
BY       ?=
VERSION  ?=
DRAFT    ?=

PY    := $(VENV)/bin/python
AB    := $(VENV)/bin/addictionbook
STAMP := $(VENV)/.installed-from-lock

# Compiled modules, pytest's rewritten test modules among them, live under $(VENV)/pycache for
# every command, never beside the sources, even where PYTHONDONTWRITEBYTECODE is set: without a
# cache each test worker compiles every test module again (about 1.7 s of its start) and each
# build its modules. Python reads no __pycache__ folder when a prefix is set, so pip installs
# without compiling (--no-compile: 11 s instead of 24 s for the lock); what a command imports is
# compiled once, on first use.
export PYTHONPYCACHEPREFIX := $(abspath $(VENV))/pycache
export PYTHONDONTWRITEBYTECODE :=

.DEFAULT_GOAL := help
.PHONY: help venv sysdeps sysdeps-test book html pdf handouts profiles epub figures translations serve test test-fast check linkcheck new-chapter review release bench clean lock

help: ## List the targets, one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# The virtual environment is re-created whenever the lock file or pyproject.toml changes.
# Every file pip installs from requirements.lock must have one of the sha256 hashes listed there
# (--require-hashes), so a tampered or substituted package stops the install. pip itself goes
# first, from its own entry of the lock: the pip that `python -m venv` brings (23.x) refuses a
# dependency's extras (fonttools[woff]) in hash-checking mode. The book's own package, installed
# from this folder, is the one thing outside the hash check.
LOCK_FAILED := echo "requirements.lock: pip refused it (see above). A hash that does not \
match means a downloaded file is not the one that was locked: find out why, do not work around \
it. A missing hash or pin: run make lock, which writes the lock with every hash (never edit it \
by hand)." >&2; exit 1

$(STAMP): requirements.lock pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	awk '/^[^ #]/ { keep = /^pip==/ } keep' requirements.lock > $(VENV)/pip-from-lock.txt
	$(VENV)/bin/pip install --quiet --no-compile --require-virtualenv --require-hashes --no-deps \
		-r $(VENV)/pip-from-lock.txt || { $(LOCK_FAILED); }
	$(VENV)/bin/pip install --quiet --no-compile --require-virtualenv --require-hashes \
		-r requirements.lock \
		|| { $(LOCK_FAILED); }
	$(VENV)/bin/pip install --quiet --no-compile --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

venv: $(STAMP) ## Create .venv from requirements.lock (safe to re-run)

sysdeps: $(STAMP) ## Install the Debian packages the builds need (as root) or print the apt-get line
	$(AB) sysdeps build pdf

# The tests also drive a browser (chromium) and validate the EPUB (epubcheck): installed for
# make test only, so a machine that only builds the book does not get them.
sysdeps-test: $(STAMP) ## Install the Debian packages the PDFs and the tests need (chromium, epubcheck)
	$(AB) sysdeps build pdf browser epub

# The site is built last: it carries (and links) the PDFs and EPUB that exist when it is built.
book: pdf epub ## Build everything: website, book and handout PDFs, EPUB (linked from the site)
	@$(MAKE) --no-print-directory html

html: sysdeps ## Build the website into $(BUILDDIR)/html
	$(AB) build html --out $(BUILDDIR)

pdf: sysdeps ## Build $(BUILDDIR)/pdf/book.pdf, handouts/*.pdf and chapters/*.pdf (PAPER=letter or a4)
	ADDICTIONBOOK_PAPER=$(PAPER) $(AB) build pdf --out $(BUILDDIR)

handouts: pdf ## Build the handout PDFs into $(BUILDDIR)/pdf/handouts/; PROFILE=profiles/<id>.yml: that clinic's edition too
	$(if $(PROFILE),ADDICTIONBOOK_PAPER=$(PAPER) $(AB) build handouts --profile '$(PROFILE)' --out $(BUILDDIR))

# Each clinic's edition of the client handouts (profiles/<id>.yml -> $(BUILDDIR)/profiles/<id>/),
# on JOBS processes; SLICE=K/N builds every Nth profile from the Kth (one job of a CI matrix).
profiles: sysdeps ## Build every clinic's edition of the client handouts (profiles/*.yml) into $(BUILDDIR)/profiles/
	ADDICTIONBOOK_PAPER=$(PAPER) $(AB) build profiles --out $(BUILDDIR) --jobs $(JOBS) $(if $(SLICE),--slice $(SLICE))

# Building the EPUB needs only the build's packages (gettext); checking it (make test) needs epubcheck.
epub: sysdeps ## Build $(BUILDDIR)/epub/book.epub for e-readers (validated by epubcheck in make test)
	$(AB) build epub --out $(BUILDDIR)

figures: $(STAMP) ## Export every registered figure to figures/ (SVG, PDF, PNG)
	$(AB) figures figures

translations: sysdeps ## Refresh the Spanish handouts' catalogues (locales/es/LC_MESSAGES/*.po) from the English
	$(AB) translations --out $(BUILDDIR)

serve: sysdeps ## Live preview on http://$(HOST):$(PORT): the real site, rebuilt on save
	$(AB) serve --host $(HOST) --port $(PORT) --build-dir $(BUILDDIR)

# test: the book is built first (make book's order, into an empty $(TESTBUILD)), then the tests
# read it (tests/conftest.py, build_out); each test file runs whole on one worker, so its
# module fixtures (the browser's visits, epubcheck, Ace) run once.
# test-fast: one test at a time to whichever worker is free (worksteal); a test that passed has
# its temporary folder removed as it ends, by its worker, so that pytest does not remove a whole
# earlier run's at the end of each run while both workers wait (a failed test's is kept).
test: sysdeps-test ## Build the book into $(TESTBUILD), then run the whole test suite on JOBS workers
	$(PY) -m tests.helpers $(TESTBUILD)
	ADDICTIONBOOK_TEST_BUILD=$(TESTBUILD) $(PY) -m pytest -n $(JOBS) --dist loadfile $(PYTEST_ARGS)

test-fast: $(STAMP) ## The tests that build nothing (figures, linter, workflows): seconds, for contributors
	$(PY) -m pytest -m "not build" -n $(JOBS) --dist worksteal -o tmp_path_retention_policy=failed \
		$(PYTEST_ARGS)

# deptry (configured in pyproject.toml, [tool.deptry]): every import declared and every declared
# package used, over all the code; then the book's package alone, where the test and dev extras'
# packages may not be imported. On GitHub Actions it also writes ::error annotations.
DEPTRY := $(strip $(VENV)/bin/deptry --no-ansi $(if $(GITHUB_ACTIONS),--github-output))

check: sysdeps ## Fast static checks: code style, declared dependencies and book sources
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests
	$(DEPTRY) src tests .github/scripts
	$(DEPTRY) src/addictionbook --optional-dependencies-dev-groups test,dev
	$(AB) check

# Jupyter Book writes the linkcheck report to <path-output>/_build/html/output.{txt,json}.
linkcheck: $(STAMP) ## Check every external link (needs network); report in $(BUILDDIR)/linkcheck/
	$(VENV)/bin/jupyter-book build . --builder linkcheck --path-output $(BUILDDIR)/linkcheck

new-chapter: $(STAMP) ## Start a chapter from the template: make new-chapter TITLE="Shame and repair"
	@test -n "$(TITLE)" || { echo 'Give the title: make new-chapter TITLE="Shame and repair"' >&2; exit 2; }
	$(AB) new-chapter "$(TITLE)"

review: $(STAMP) ## Record a clinician's review of a page: make review PAGE=book/handouts/<name>.md BY="Name, credentials"
	@test -n "$(PAGE)" && test -n "$(BY)" || { echo 'Name the page and the reviewer: make review PAGE=book/handouts/<name>.md BY="Name, credentials" (a translation: PAGE=locales/es/LC_MESSAGES/<name>.po)' >&2; exit 2; }
	$(AB) review "$(PAGE)" --by "$(BY)"

release: sysdeps ## Make an edition and its release files: make release VERSION=x.y.z (DRAFT=1: handouts not reviewed say so)
	@test -n "$(VERSION)" || { echo 'Give the edition: make release VERSION=x.y.z (see README.md, "Editions")' >&2; exit 2; }
	ADDICTIONBOOK_PAPER=$(PAPER) ADDICTIONBOOK_DRAFT=$(DRAFT) $(AB) release --version '$(VERSION)' --out $(BUILDDIR)

bench: sysdeps ## Time build steps against stock jupyter-book (RUNS=3; SCALE=10,50,200 adds the scale table; STEPS=pdf or profile for one row)
	$(AB) sysdeps bench
	$(AB) bench --runs $(RUNS) $(if $(SCALE),--scale $(SCALE)) $(if $(STEPS),--steps $(STEPS))

.PHONY: lighthouse
lighthouse: html ## Lighthouse (mobile): landing page, heaviest chapter, gallery, a handout (ALL=1: every page); a benchmark
	$(AB) lighthouse --site $(BUILDDIR)/html $(if $(ALL),--all)

# requirements.lock is written by pip-tools' pip-compile (pinned in the lock itself): the
# field's usual tool for a pip-installed lock, it resolves with pip's own finder and settings,
# and --generate-hashes lists the sha256 of every file PyPI has for each pinned version (every
# platform's wheels and the sdist), which `make venv` checks with --require-hashes.
# --all-extras pins the runtime dependencies and every extra; --allow-unsafe pins pip and
# setuptools too; --strip-extras writes plain name==version entries. pip-compile keeps the
# versions already pinned and resolves only what pyproject.toml changed; UPGRADE=1 moves every
# package to its newest allowed release, UPGRADE=name only that package. Needs the network.
lock: $(STAMP) ## Pin pyproject.toml's dependencies, with hashes, in requirements.lock (needs network; UPGRADE=1 or UPGRADE=name)
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes \
		--allow-unsafe --strip-extras --all-extras --no-emit-index-url --no-emit-find-links \
		$(if $(filter 1,$(UPGRADE)),--upgrade,$(if $(UPGRADE),--upgrade-package $(UPGRADE))) \
		--output-file requirements.lock pyproject.toml

clean: ## Remove build output and caches (not figures/, which are committed)
	rm -rf $(BUILDDIR) .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
