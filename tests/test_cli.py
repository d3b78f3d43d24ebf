"""The command line (``addictionbook``, on click): every command answers ``--help`` with its
usage, and a wrong argument exits 2 with a usage line, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from addictionbook.cli import LAZY, main

COMMANDS = main.list_commands(click.Context(main))


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="addictionbook")


def test_every_command_is_listed_with_a_line_of_help() -> None:
    assert {"build", "check", "new-chapter", "figures", "translations", "serve"} <= set(COMMANDS)
    assert {"review", "release", "needs-review", "fragment-check"} <= set(COMMANDS)
    assert set(LAZY) <= set(COMMANDS)
    result = invoke("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.output, f"{name} is missing from addictionbook --help"


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_each_command_answers_help_with_its_usage(command: str, flag: str) -> None:
    result = invoke(command, flag)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: addictionbook {command} "), result.output
    assert result.exception is None


@pytest.mark.parametrize(
    "args, complaint",
    [
        (["build", "site"], "'site' is not one of 'html', 'pdf', 'epub'"),
        (["build"], "Missing argument '{html|pdf|epub|handouts|profiles}'"),
        (["new-chapter"], "Missing argument 'TITLE'"),
        (["build", "html", "--profile", "profiles/x.yml"], "--profile goes with `build handouts`"),
        (["build", "profiles", "--slice", "3/2"], "--slice K/N goes with `build profiles`"),
        (["sysdeps", "printer"], "'printer' is not one of"),
        (["serve", "--port", "http"], "'http' is not a valid integer range"),
        (["figures", "--jobs", "0"], "0 is not in the range x>=1"),
        (["check", "--verbose"], "No such option '--verbose'"),
        (["publish"], "No such command 'publish'"),
        (["review", "book/attunement.md"], "Missing option '--by'"),
        (["release"], "Missing option '--version'"),
        (["release", "--version", "0.2.0", "--date", "2027-13-01"], "is not a date YYYY-MM-DD"),
        (["needs-review"], "Missing option '--base'"),
        (["fragment-check", "--base", "main", "extra"], "unexpected extra argument (extra)"),
    ],
)
def test_a_wrong_argument_exits_2_with_a_usage_line(args: list[str], complaint: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "Usage: addictionbook" in result.output and complaint in result.output, result.output
    assert "Traceback" not in result.output


def test_the_installed_command_is_the_click_group() -> None:
    """``.venv/bin/addictionbook`` (the console script the Makefile calls) runs this CLI: its
    own help and a command's, from a real process."""
    script = Path(sys.executable).with_name("addictionbook")
    command = [str(script)] if script.exists() else [shutil.which("addictionbook") or "false"]
    for args in (["--help"], ["check", "--help"], ["sysdeps", "--help"]):
        result = subprocess.run(command + args, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Usage: addictionbook"), result.stdout
