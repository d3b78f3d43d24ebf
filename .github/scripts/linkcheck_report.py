"""Turn Sphinx's linkcheck report into the Markdown of the weekly "linkcheck" issue.

``python .github/scripts/linkcheck_report.py OUTPUT_JSON [--out FILE] [--run-url URL]``

``OUTPUT_JSON`` is the ``output.json`` the linkcheck builder writes (``make linkcheck``): one
JSON object per line with ``filename``, ``lineno``, ``status``, ``code``, ``uri`` and ``info``.
Writes the report (Markdown) to ``--out`` or standard output and, under GitHub Actions, the
outputs ``broken`` (how many distinct links are broken) and ``fingerprint`` (a hash of the
broken links, embedded in the report, so a workflow can tell whether the list changed).
Exits 2 when the report is missing: the link check itself did not run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from pathlib import Path

#: Statuses that mean "this link needs attention" (``timeout`` is its own status from Sphinx 8).
BROKEN = {"broken", "timeout"}


def read_results(path: Path) -> list[dict]:
    """The linkcheck results, one dict per checked link occurrence."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def broken_links(results: list[dict]) -> dict[str, dict]:
    """Broken URI -> {"info": the error, "where": sorted ["file:line", ...]}."""
    found: dict[str, dict] = {}
    for result in results:
        if result.get("status") not in BROKEN:
            continue
        entry = found.setdefault(result["uri"], {"info": result.get("info", ""), "where": set()})
        entry["where"].add(f"{result.get('filename', '?')}:{result.get('lineno', '?')}")
    return {uri: {**e, "where": sorted(e["where"])} for uri, e in sorted(found.items())}


def fingerprint(broken: dict[str, dict]) -> str:
    return hashlib.sha256("\n".join(broken).encode()).hexdigest()[:16]


def report(broken: dict[str, dict], run_url: str = "") -> str:
    """The issue body: what broke, where it is used, and how to fix it."""
    lines = [f"<!-- linkcheck:{fingerprint(broken)} -->"]
    if not broken:
        lines += ["Every external link in the book worked."]
    else:
        lines += [
            f"The weekly link check found **{len(broken)} broken link(s)** in the book.",
            "",
            "| link | used in | error |",
            "|---|---|---|",
        ]
        for uri, entry in broken.items():
            where = ", ".join(f"`{w}`" for w in entry["where"])
            if any(w.startswith("book/references.md") for w in entry["where"]):
                where += " (an entry in `book/references.bib`)"
            info = " ".join(str(entry["info"]).split()).replace("|", "\\|")[:200]
            lines.append(f"| <{uri}> | {where} | {info} |")
        lines += [
            "",
            "**How to fix:** open the link; if the page moved, replace the address with its new",
            "one; if it is gone, link an archived copy (web.archive.org) or remove the link. A",
            "site that was only down for a while needs nothing: this issue closes by itself when",
            "every link works again.",
        ]
    if run_url:
        lines += ["", f"Found by [this run]({run_url}) of `.github/workflows/linkcheck.yml`."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_json", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--run-url", default="")
    args = parser.parse_args(argv)
    if not args.output_json.exists():
        print(f"linkcheck_report: {args.output_json} is missing; did the link check run?")
        return 2
    broken = broken_links(read_results(args.output_json))
    text = report(broken, args.run_url)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if "GITHUB_OUTPUT" in os.environ:
        with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as out:
            out.write(f"broken={len(broken)}\nfingerprint={fingerprint(broken)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
