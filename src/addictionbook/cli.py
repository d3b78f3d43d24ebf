"""``addictionbook``: the one command behind every ``make`` target.

``addictionbook COMMAND [ARGS...]``; ``addictionbook COMMAND --help`` lists a command's
arguments. Each command is the ``main(argv)`` of one module, imported only when it runs, so
``addictionbook check`` does not load Sphinx and ``addictionbook build`` does not load
matplotlib.
"""

from __future__ import annotations

import importlib
import sys

#: command -> (module with ``main(argv)``, one line for ``--help``)
COMMANDS = {
    "build": ("addictionbook.pipeline.build", "build html|pdf|epub safely into _build/"),
    "translations": (
        "addictionbook.pipeline.translations",
        "refresh the Spanish handouts' catalogues (locales/)",
    ),
    "serve": ("addictionbook.pipeline.serve", "live preview that rebuilds on save"),
    "check": ("addictionbook.content.lint", "the content linter (file:line: what to fix)"),
    "new-chapter": ("addictionbook.content.scaffold", 'start a chapter: new-chapter "Title"'),
    "figures": ("addictionbook.figures.export", "export every registered figure to figures/"),
    "bench": ("addictionbook_dev.bench", "build times beside stock jupyter-book"),
    "lighthouse": ("addictionbook_dev.lighthouse", "Lighthouse scores of the built site"),
    "sysdeps": ("addictionbook_dev.sysdeps", "install (or name) the Debian packages needed"),
}


def usage() -> str:
    rows = "\n".join(f"  {name:<12} {text}" for name, (_, text) in COMMANDS.items())
    return f"usage: addictionbook COMMAND [ARGS...]\n\ncommands:\n{rows}\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        print(f"addictionbook: unknown command {command!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[command][0])
    sys.argv[0] = f"addictionbook {command}"  # argparse's prog in each command's --help
    return module.main(rest) or 0


if __name__ == "__main__":
    sys.exit(main())
