"""``jupyter-book`` as the build runs it: the same command, without interpreter teardown.

After a build, Python spends about 0.4 s freeing Sphinx's objects before the process exits,
on every build. Everything is written and closed by then, so this runs Jupyter Book's own
command, runs the exit handlers (multiprocessing's among them: sphinx-sitemap starts a manager
process, which must be shut down or it keeps the build's output pipe open), and leaves with
``os._exit``. ``python -m addictionbook.pipeline.jupyter_book_cli build ...`` takes the arguments of
``jupyter-book``.
"""

from __future__ import annotations

import atexit
import os
import sys
import traceback


def main(argv: list[str]) -> int:
    import click
    from jupyter_book.cli.main import main as jupyter_book

    try:
        jupyter_book.main(argv, prog_name="jupyter-book", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1
    except Exception:  # noqa: BLE001 - Jupyter Book reports build failures by raising
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    atexit._run_exitfuncs()  # what a normal exit runs first; the module teardown is skipped
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
