"""Declared and checked dependencies (issue 24): every package the code imports is declared in
``pyproject.toml``, deptry holds it to that in ``make check``, and ``requirements.lock`` pins
every package with the hashes of its files, which ``make venv`` checks (``--require-hashes``).

deptry is run exactly as the Makefile's ``check`` recipe runs it (read with ``make -n``), on a
copy of the project with one thing broken. The hash tests run pip on one entry of the lock:
offline against a file made here under a locked package's name (a substituted package), and
against the real file from the package index with the entry's hashes altered.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from addictionbook.upstream import WORKAROUNDS

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
PYPROJECT = ROOT / "pyproject.toml"
VENV = Path(sys.prefix)  # the tests run in .venv (the Makefile's $(PY) -m pytest)

#: One entry of the lock: ``name==version`` and its ``--hash`` options (continuations joined).
ENTRY = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)(?P<hashes>( --hash=\S+)*)$"
)
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")

#: A package the book declares directly (upstream/__init__.py imports it), small and pure
#: Python: the one whose lock entry the pip tests use.
PROBE = "packaging"
MISMATCH = "DO NOT MATCH THE HASHES"


# --- helpers --------------------------------------------------------------------------------


def lock_entries(text: str) -> list[str]:
    """The lock's entries, each on one line: comments dropped, ``\\`` continuations joined."""
    lines = [line.rstrip() for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\s*\\\n\s*", " ", "\n".join(lines))
    return [line.strip() for line in joined.splitlines() if line.strip()]


def lock_pins(text: str) -> dict[str, str]:
    pins = {}
    for entry in lock_entries(text):
        match = ENTRY.match(entry)
        if match:
            pins[canonicalize_name(match["name"])] = match["version"]
    return pins


def lock_entry(name: str) -> str:
    """The lines of ``name``'s entry in requirements.lock, as a requirements file of its own."""
    found, keep = [], False
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            keep = canonicalize_name(line.split("==", 1)[0]) == name
        if keep:
            found.append(line)
    assert found, f"requirements.lock has no entry for {name}: run make lock"
    return "\n".join(found) + "\n"


def declared() -> dict[str, list[Requirement]]:
    """pyproject.toml's requirements: ``"dependencies"`` and each extra by its name."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    groups = {"dependencies": project["dependencies"], **project["optional-dependencies"]}
    return {group: [Requirement(r) for r in reqs] for group, reqs in groups.items()}


def deptry_commands() -> list[list[str]]:
    """The deptry commands of ``make check``, as the Makefile writes them (``make -n``)."""
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    dry = subprocess.run(
        [
            "make",
            "-n",
            "--no-print-directory",
            f"VENV={VENV}",
            "-o",
            f"{VENV}/.installed-from-lock",
            "check",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert dry.returncode == 0, dry.stderr
    commands = [shlex.split(line) for line in dry.stdout.splitlines()]
    return [cmd for cmd in commands if cmd and Path(cmd[0]).name == "deptry"]


def project_copy(tmp_path: Path) -> Path:
    """The files deptry reads, copied: pyproject.toml and the code it scans."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy2(PYPROJECT, copy / "pyproject.toml")
    for folder in ("src", "tests", ".github/scripts"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def run_deptry(project: Path, first_only: bool = False) -> list[subprocess.CompletedProcess[str]]:
    """Each of ``make check``'s deptry commands run in ``project`` (``first_only``: the run
    over all the code alone); deptry reports on stderr, which is merged into stdout here."""
    commands = deptry_commands()
    return [
        subprocess.run(
            cmd,
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
        for cmd in (commands[:1] if first_only else commands)
    ]


def add_line(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def pip(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# --- deptry, as make check runs it ------------------------------------------------------------


def test_make_check_runs_deptry_over_all_code_then_over_the_book_package() -> None:
    """Both runs are in ``make check``'s recipe, and the tree as it is passes them."""
    commands = deptry_commands()
    assert len(commands) == 2, f"make check runs deptry twice (Makefile, check): {commands}"
    everything, package = commands
    assert {"src", "tests"} <= set(everything), everything
    assert "src/addictionbook" in package and "src" not in package, package
    groups = package[package.index("--optional-dependencies-dev-groups") + 1]
    assert set(groups.split(",")) == {"test", "dev"}, package
    for cmd, result in zip(commands, run_deptry(ROOT), strict=True):
        assert result.returncode == 0, f"{shlex.join(cmd)}:\n{result.stdout}"


@pytest.mark.parametrize(
    "module",
    ["src/addictionbook/problems.py", "src/addictionbook_dev/bench.py", "tests/test_scaffold.py"],
)
def test_an_import_no_dependency_declares_fails_deptry(tmp_path: Path, module: str) -> None:
    """``requests`` is installed (Sphinx needs it) but the book declares it nowhere (DEP003);
    ``left_pad`` is not even installed (DEP001)."""
    project = project_copy(tmp_path)
    add_line(project / module, "import left_pad\nimport requests")
    results = run_deptry(project, first_only=True)  # the run over all the code
    assert results[0].returncode != 0, results[0].stdout
    report = results[0].stdout
    assert re.search(rf"{re.escape(module)}:\d+:\d+: DEP003 'requests'", report), report
    assert re.search(rf"{re.escape(module)}:\d+:\d+: DEP001 'left_pad'", report), report


def test_the_book_package_may_not_import_a_test_only_package(tmp_path: Path) -> None:
    """pikepdf is declared (extra ``test``), so the run over all the code passes; the run over
    the book's package fails on it (DEP004). Developer code may import it."""
    project = project_copy(tmp_path)
    for module in ("src/addictionbook_dev/bench.py", "tests/test_scaffold.py"):
        add_line(project / module, "import pikepdf")
    assert [r.returncode for r in run_deptry(project)] == [0, 0]

    add_line(project / "src/addictionbook/problems.py", "import pikepdf")
    everything, package = run_deptry(project)
    assert everything.returncode == 0, everything.stdout
    assert package.returncode != 0, package.stdout
    assert "src/addictionbook/problems.py" in package.stdout, package.stdout
    assert "DEP004 'pikepdf' imported but declared as a dev dependency" in package.stdout


def test_a_declared_package_that_nothing_imports_fails_deptry(tmp_path: Path) -> None:
    """colorama is installed (pytest's optional dependency) but no code imports it (DEP002)."""
    project = project_copy(tmp_path)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert "\ndependencies = [\n" in text
    pyproject.write_text(
        text.replace("\ndependencies = [\n", '\ndependencies = [\n    "colorama>=0.4",\n', 1),
        encoding="utf-8",
    )
    results = run_deptry(project)
    assert all(r.returncode != 0 for r in results), [r.stdout for r in results]
    for result in results:
        assert "DEP002 'colorama' defined as a dependency but not used" in result.stdout


# --- the declarations ---------------------------------------------------------------------


def test_every_declared_package_is_pinned_in_the_lock_within_its_range() -> None:
    pins = lock_pins(LOCK.read_text(encoding="utf-8"))
    wrong = []
    for group, requirements in declared().items():
        for req in requirements:
            pinned = pins.get(canonicalize_name(req.name))
            if pinned is None or pinned not in req.specifier:
                wrong.append(f"{group}: {req} (requirements.lock: {pinned or 'missing'})")
    assert not wrong, "pyproject.toml and requirements.lock disagree; run make lock:\n" + "\n".join(
        wrong
    )


def test_each_package_an_upstream_workaround_leans_on_is_declared_within_its_range() -> None:
    """The upper bounds of pyproject.toml are where the code leans on a package's internals:
    each workaround's package is declared, admits the version it was verified against and
    nothing past the range it applies to (a newer release needs the workaround re-verified)."""
    requirements = {
        canonicalize_name(req.name): req for reqs in declared().values() for req in reqs
    }
    for workaround in WORKAROUNDS.values():
        where = f"{workaround.name} (src/addictionbook/upstream/__init__.py)"
        req = requirements.get(canonicalize_name(workaround.package))
        assert req is not None, f"pyproject.toml does not declare {workaround.package}: {where}"
        assert workaround.verified in req.specifier, f"{req} excludes {where}"
        for spec in SpecifierSet(workaround.applies_to):
            if spec.operator == "<":
                past = Version(spec.version)
            elif spec.operator == "==":
                major, minor, micro = (Version(spec.version).release + (0, 0))[:3]
                past = Version(f"{major}.{minor}.{micro + 1}")
            elif spec.operator in (">", ">="):
                continue
            else:
                raise AssertionError(f"{where}: teach this test the operator {spec.operator}")
            assert past not in req.specifier, (
                f"pyproject.toml's {req} admits {workaround.package} {past}, past {where}'s "
                f"range {workaround.applies_to}: bound it there"
            )


# --- the lock's hashes ----------------------------------------------------------------------


def test_every_entry_of_the_lock_is_pinned_with_sha256_hashes() -> None:
    entries = lock_entries(LOCK.read_text(encoding="utf-8"))
    assert len(entries) > 100, entries
    bad = [entry for entry in entries if not ENTRY.match(entry) or not HASH.search(entry)]
    assert not bad, (
        "requirements.lock: these entries are not name==version with --hash=sha256:... "
        "(run make lock; never edit the lock by hand):\n" + "\n".join(bad)
    )


def test_lock_entries_are_read_with_their_hashes() -> None:
    """The parser above, on a lock with an entry whose hashes are missing."""
    text = "a==1.0 \\\n    --hash=sha256:" + "0" * 64 + "\n    # via b\nb==2.0\n    # via c\n"
    entries = lock_entries(text)
    assert entries == ["a==1.0 --hash=sha256:" + "0" * 64, "b==2.0"]
    assert [bool(HASH.search(e)) for e in entries] == [True, False]
    assert lock_pins(text) == {"a": "1.0", "b": "2.0"}


def fake_wheel(folder: Path, name: str, version: str) -> Path:
    """A wheel that says it is ``name`` ``version``: not the file the lock pinned."""
    dist = f"{name}-{version}.dist-info"
    path = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as whl:
        whl.writestr(f"{name}/__init__.py", "raise SystemExit('substituted')\n")
        whl.writestr(
            f"{dist}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        )
        whl.writestr(
            f"{dist}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        )
        whl.writestr(f"{dist}/RECORD", "")
    return path


def test_pip_refuses_a_substituted_file_for_a_locked_package(tmp_path: Path) -> None:
    """Offline: the lock's entry for PROBE, and only a look-alike file to install it from (no
    index, no configuration file: none of this machine's mirrors or wheel folders)."""
    version = lock_pins(LOCK.read_text(encoding="utf-8"))[PROBE]
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    fake = fake_wheel(wheels, PROBE, version)
    entry = tmp_path / "entry.txt"
    entry.write_text(lock_entry(PROBE), encoding="utf-8")
    args = [
        "download",
        "--isolated",
        "--no-index",
        "--find-links",
        str(wheels),
        "--no-deps",
        "--require-hashes",
        "--dest",
        str(tmp_path / "out"),
        "-r",
        str(entry),
    ]

    offline = {**os.environ, "PIP_CONFIG_FILE": os.devnull}

    refused = pip(*args, cwd=tmp_path, env=offline)
    assert refused.returncode != 0, refused.stdout
    assert MISMATCH in refused.stderr, refused.stderr
    assert f"{PROBE}=={version}" in refused.stderr, refused.stderr
    assert not (tmp_path / "out" / fake.name).exists()

    # The same command takes the file once its hash is listed: the hash is what refused it.
    digest = hashlib.sha256(fake.read_bytes()).hexdigest()
    hashes = HASH.findall(lock_entry(PROBE))
    entry.write_text(
        f"{PROBE}=={version} {' '.join(hashes)} --hash=sha256:{digest}\n", encoding="utf-8"
    )
    accepted = pip(*args, cwd=tmp_path, env=offline)
    assert accepted.returncode == 0, accepted.stderr
    assert (tmp_path / "out" / fake.name).is_file()


def test_pip_refuses_the_real_file_when_the_locks_hashes_are_altered(tmp_path: Path) -> None:
    """From the package index as `make venv` reaches it: the lock's entry downloads (its
    hashes are the real files'), and the same entry with its hashes altered is refused."""
    entry = lock_entry(PROBE)
    good = tmp_path / "good.txt"
    good.write_text(entry, encoding="utf-8")
    altered = tmp_path / "altered.txt"
    altered.write_text(
        re.sub(r"sha256:(.)", lambda m: "sha256:" + ("0" if m[1] != "0" else "1"), entry),
        encoding="utf-8",
    )
    assert altered.read_text(encoding="utf-8") != entry

    def download(requirements: Path) -> subprocess.CompletedProcess[str]:
        dest = tmp_path / requirements.stem
        return pip(
            "download",
            "--no-deps",
            "--require-hashes",
            "--dest",
            str(dest),
            "-r",
            str(requirements),
            cwd=tmp_path,
        )

    fetched = download(good)
    if fetched.returncode != 0 and MISMATCH not in fetched.stderr:
        if re.search(
            r"(?i)connection|network|resolve|timed out|No matching distribution", fetched.stderr
        ):
            pytest.skip(f"the package index is out of reach: {fetched.stderr.strip()[-300:]}")
    assert fetched.returncode == 0, fetched.stderr
    assert any((tmp_path / "good").iterdir())

    refused = download(altered)
    assert refused.returncode != 0, refused.stdout
    assert MISMATCH in refused.stderr, refused.stderr
    assert re.search(rf"{PROBE}==\S+ from ", refused.stderr), refused.stderr
    assert not (tmp_path / "altered").exists() or not any((tmp_path / "altered").iterdir())
