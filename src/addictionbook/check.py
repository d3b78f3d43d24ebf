"""Fast static checks of the book's sources (``make check``), without building anything.

Each finding is printed as ``path:line: what is wrong and how to fix it``; the exit status is 1
when there is any. The full content linter grows here (one place for content checks).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def toc_files(root: Path) -> list[str]:
    """Every ``file:`` (and the root) named in ``_toc.yml``, in book order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return found


def check_toc(root: Path) -> list[Finding]:
    """Every table-of-contents entry names a file that exists."""
    findings = []
    lines = (root / "_toc.yml").read_text(encoding="utf-8").splitlines()
    for entry in toc_files(root):
        if not any((root / f"{entry}{ext}").exists() for ext in ("", ".md", ".ipynb")):
            line = next((i for i, text in enumerate(lines, 1) if entry in text), 1)
            findings.append(
                Finding(
                    "_toc.yml",
                    line,
                    f"'{entry}' is listed but {entry}.md does not exist; create it or fix the name",
                )
            )
    return findings


def check_no_ipynb(root: Path) -> list[Finding]:
    """Chapters are text notebooks (.md); .ipynb files carry outputs and unreadable diffs."""
    return [
        Finding(
            str(p.relative_to(root)),
            1,
            "a .ipynb file; convert it to a MyST .md notebook "
            "(jupytext --to myst) and delete the .ipynb",
        )
        for p in sorted((root / "book").rglob("*.ipynb"))
    ]


def run(root: Path) -> list[Finding]:
    return check_toc(root) + check_no_ipynb(root)


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0] if argv else ".").resolve()
    findings = run(root)
    for finding in findings:
        print(finding)
    print(f"check: {len(findings)} finding(s)", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
