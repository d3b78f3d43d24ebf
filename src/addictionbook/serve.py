"""Live preview: ``make serve`` rebuilds the site on save and reloads the browser.

sphinx-autobuild needs a ``conf.py``; Jupyter Book 1.x derives one from ``_config.yml`` and
``_toc.yml``. It is written into the build folder (never the sources) and sphinx-autobuild
watches the book, the configuration and the helper package.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path


def write_conf(root: Path, confdir: Path) -> Path:
    """Write the Sphinx ``conf.py`` that Jupyter Book would use into ``confdir``."""
    confdir.mkdir(parents=True, exist_ok=True)
    jb = Path(sys.executable).parent / "jupyter-book"
    subprocess.run(
        [str(jb), "config", "sphinx", str(root)], check=True, cwd=root, stdout=subprocess.DEVNULL
    )
    generated = root / "conf.py"
    target = confdir / "conf.py"
    text = generated.read_text(encoding="utf-8")
    generated.unlink()
    # Paths in the generated conf are relative to the book; make them absolute.
    text = text.replace(
        "external_toc_path = '_toc.yml'", f"external_toc_path = '{root / '_toc.yml'}'"
    )
    target.write_text(text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--out", type=Path, default=Path("_build/serve"))
    args = parser.parse_args(argv)
    root = Path(".").resolve()
    out = args.out.resolve()
    confdir = out / "conf"
    write_conf(root, confdir)
    cmd = [
        str(Path(sys.executable).parent / "sphinx-autobuild"),
        str(root),
        str(out / "html"),
        "-c",
        str(confdir),
        "-d",
        str(out / "doctrees"),
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--watch",
        str(root / "src"),
        "--watch",
        str(root / "_config.yml"),
        "--watch",
        str(root / "_toc.yml"),
        "--ignore",
        str(out),
        "--ignore",
        str(root / "_build"),
        "--re-ignore",
        r"(\.venv|__pycache__|\.git|figures)/",
    ]
    print("Preview on http://%s:%s (Ctrl-C stops)" % (args.host, args.port), flush=True)
    return subprocess.call(cmd, env=os.environ)


if __name__ == "__main__":
    sys.exit(main())
