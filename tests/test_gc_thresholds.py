"""Every process of a build collects garbage at the build's thresholds
(``addictionbook.gc_thresholds``): the command, the Sphinx process and the notebook step."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from addictionbook import cli
from addictionbook.execution import cache as notebook_cache
from addictionbook.gc_thresholds import BUILD_THRESHOLDS
from addictionbook.pipeline import jupyter_book_process
from addictionbook.pipeline.sphinx_run import sphinx_command


@pytest.fixture
def default_thresholds() -> Iterator[None]:
    """CPython's thresholds for the test, and this worker's own back after it."""
    kept = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*kept)


def test_the_thresholds_are_higher_than_cpythons_and_keep_every_generation_on() -> None:
    first, second, third = BUILD_THRESHOLDS
    assert first > 700 and second > 0 and third > 0


def test_the_command_collects_at_the_builds_thresholds(default_thresholds) -> None:
    result = CliRunner().invoke(cli.main, ["build", "--help"])
    assert result.exit_code == 0, result.output
    assert gc.get_threshold() == BUILD_THRESHOLDS


# jupyter-book 1.0.4's own command line still names click's BaseCommand (deprecated in click 8.2).
@pytest.mark.filterwarnings("ignore:'BaseCommand' is deprecated:DeprecationWarning")
def test_sphinx_runs_as_jupyter_book_at_the_builds_thresholds(
    default_thresholds, monkeypatch, capsys
) -> None:
    command = sphinx_command(Path("/book"), Path("/work"), "html")
    assert command[:3] == [sys.executable, "-m", jupyter_book_process.__name__]
    assert command[3:5] == ["build", "/book"]
    monkeypatch.setattr(sys, "argv", ["python -m ...", "--version"])
    with pytest.raises(SystemExit) as leaving:
        jupyter_book_process.main()
    assert leaving.value.code in (0, None)
    assert "Jupyter Book" in capsys.readouterr().out  # jupyter-book's own --version
    assert gc.get_threshold() == BUILD_THRESHOLDS


def test_the_notebook_step_runs_at_the_builds_thresholds(default_thresholds, monkeypatch) -> None:
    ran = []
    monkeypatch.setattr(notebook_cache, "pre_execute", lambda *args: ran.append(args))
    notebook_cache.main(["/book", "/cache", '{"notebooks": []}', "7"])
    assert ran == [(Path("/book"), Path("/cache"), {"notebooks": []}, 7)]
    assert gc.get_threshold() == BUILD_THRESHOLDS
