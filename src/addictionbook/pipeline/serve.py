"""Live preview: ``make serve`` builds the real site on every save and reloads the browser.

Every build is ``addictionbook build html`` (:func:`addictionbook.pipeline.build.build`): the
same ``_config.yml`` and ``_toc.yml``, templates, static files, bibliography and Sphinx
extension as ``make html``, and the same report (one line per step, then the problems with
their file and line; the whole log in ``<out>/logs/html.log``). It builds into its own folder
(``_build/serve``), shares ``make html``'s notebook cache (a notebook run by one is not run
again by the other), and carries the PDFs and EPUB ``make pdf``/``make epub`` published in
``_build``. A failed build leaves the last good preview on screen.

sphinx-autobuild's server does the rest (uvicorn and starlette serve the folder, watchfiles
watches the sources, a small script in each page reloads it after a build); only its Sphinx
call is replaced by the book's build, and each file is served from one open
(:func:`published_files`), because a build swaps the folder while the server reads it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from ..settings import Settings
from .job import share_notebook_cache

#: What the preview watches, relative to the book's folder (the helper package: by its path).
WATCHED = ("book", "_config.yml", "_toc.yml", "_static", "_templates", "figures")
#: Editor swap and backup files, caches: never a reason to rebuild.
IGNORED = (r"(^|/)(\.#|#)[^/]*$", r"(~|\.swp|\.swx|\.tmp)$", r"/__pycache__/", r"/\.")


def rebuild(root: Path, out: Path, settings: Settings, changed_paths: Sequence[Path] = ()) -> int:
    """One build of the preview (run by the watcher after each change), from the sources as
    they are now; ``settings`` name ``make``'s folder as the one whose PDFs and EPUB the
    preview carries."""
    from .build import build

    if changed_paths:
        names = sorted({_shown(root, p) for p in changed_paths})
        print(f"\nchanged: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}", flush=True)
    status = build(root, out, "html", settings)
    if status != 0:
        print("The preview still shows the last good build.", file=sys.stderr, flush=True)
    sys.stdout.flush()
    return status


def _shown(root: Path, path: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return str(path)


def placeholder(site: Path) -> None:
    """A page to serve until a first build succeeds."""
    site.mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Preview</title>"
        "</head><body><p>The first build of the preview failed: the terminal running "
        "<code>make serve</code> says which file to fix. This page reloads when a build "
        "succeeds.</p></body></html>\n",
        encoding="utf-8",
    )


def published_files(directory: Path):
    """Starlette's ``StaticFiles`` for a folder that a build replaces by an atomic swap while
    the server runs (:func:`addictionbook.pipeline.publish.publish_dir`).

    Starlette (checked against 1.10.0) takes ``Content-Length`` from a ``stat`` of the path
    and opens the path again later to send it: a page requested during a swap declared the
    old page's length and sent the new page's bytes, and the server dropped the connection
    with nothing sent (the browser shows an error, not a page). Here the file is opened once
    and its length and bytes both come from that open file, old or new but never a mix.
    Range requests get the whole file, which HTTP allows."""
    from starlette.exceptions import HTTPException
    from starlette.responses import FileResponse, Response
    from starlette.staticfiles import StaticFiles

    class PublishedFiles(StaticFiles):
        def file_response(self, full_path, stat_result, scope, status_code=200):
            try:
                with open(full_path, "rb") as handle:
                    stat_result = os.fstat(handle.fileno())
                    body = handle.read()
            except FileNotFoundError:  # the name was briefly absent (no atomic swap here)
                raise HTTPException(status_code=404) from None
            response = super().file_response(full_path, stat_result, scope, status_code)
            if not isinstance(response, FileResponse):
                return response  # 304 Not Modified
            headers = {k: v for k, v in response.headers.items() if k != "accept-ranges"}
            return Response(body, status_code=response.status_code, headers=headers)

    return PublishedFiles(directory=directory, html=True)


def create_app(root: Path, out: Path, settings: Settings, host: str, port: int):
    """The preview server: the site at ``/``, the reload socket, the watcher."""
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from sphinx_autobuild.server import RebuildServer
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, WebSocketRoute

    package = Path(__file__).resolve().parents[1]
    watched = [root / name for name in WATCHED if (root / name).exists()] + [package]
    ignore = IgnoreFilter([out, root / "_build", root / ".venv"], list(IGNORED))
    watcher = RebuildServer(watched, ignore, change_callback=partial(rebuild, root, out, settings))
    return Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=published_files(out / "html"), name="site"),
        ],
        middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=f"{host}:{port}")],
        lifespan=watcher.lifespan,
    )


def serve(root: Path, build_dir: Path, out: Path, host: str, port: int, settings: Settings) -> int:
    """``addictionbook serve``: build the preview, then serve it and rebuild on every save."""
    import uvicorn

    settings = settings.but(downloads=build_dir)
    share_notebook_cache(out / ".work", build_dir / ".work")
    rebuild(root, out, settings)
    if not (out / "html" / "index.html").exists():
        placeholder(out / "html")
    app = create_app(root, out, settings, host, port)
    url = f"http://{host}:{port}/"
    if re.match(r"^(127\.|localhost$|\[?::1)", host) is None:
        print(f"Note: the preview is reachable from other machines on {host}.")
    print(f"\nPreview on {url} (rebuilds when you save; Ctrl-C stops)", flush=True)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except KeyboardInterrupt:
        pass
    return 0
