"""``make serve`` shows the real site: what ``make html`` publishes, rebuilt on every save.

A preview is started on a free loopback port over a copy of the book that has a good
``make html`` build; the tests read its pages over HTTP (bounded waits) and stop the server
they started.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

RELOAD_SCRIPT = re.compile(rb"\s*<script>\s*const ws = new WebSocket\(.*?</script>\s*$", re.S)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(condition, seconds: float, what: str, proc: subprocess.Popen):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if proc.poll() is not None:
            pytest.fail(f"the preview stopped (exit {proc.returncode}) before {what}")
        time.sleep(0.5)
    pytest.fail(f"no {what} within {seconds} s")


class Preview:
    def __init__(self, book: Path, proc: subprocess.Popen, url: str, log: Path) -> None:
        self.book, self.proc, self.url, self.log = book, proc, url, log

    def page(self, path: str) -> bytes | None:
        return fetch(self.url + path)


@pytest.fixture
def preview(book_copy: Path, tmp_path: Path) -> Iterator[Preview]:
    book = book_copy
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", "addictionbook.cli", "serve", "--port", str(port)],
            cwd=book,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the server and its build workers: one group to stop
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: fetch(url), 240, "page served", proc)
        yield Preview(book, proc, url, log)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def get(app, path: str) -> tuple[dict[str, str], bytes]:
    """One GET of ``path`` from the ASGI app ``app``: the response's headers and body."""
    scope = {"type": "http", "asgi": {"spec_version": "2.4"}, "http_version": "1.1"}
    scope |= {"method": "GET", "path": path, "root_path": "", "query_string": b"", "headers": []}
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return headers, b"".join(m.get("body", b"") for m in sent[1:])


def test_a_page_published_while_it_is_served_is_sent_whole(tmp_path: Path, monkeypatch) -> None:
    """A build swaps the preview's folder at any moment, here between the server finding a
    page and reading it: the page goes out as the old one or the new one, and the length it
    declares is the length it sends (else the server drops the connection, nothing shown)."""
    from addictionbook.pipeline.publish import publish_dir
    from addictionbook.pipeline.serve import published_files

    site, built = tmp_path / "html", tmp_path / "built"
    site.mkdir()
    built.mkdir()
    old, new = b"<p>the old page</p>\n", b"<p>the new page, longer than the old one</p>\n"
    (site / "page.html").write_bytes(old)
    (built / "page.html").write_bytes(new)
    app = published_files(site)
    looked_up = app.lookup_path

    def lookup_then_publish(path: str):
        found = looked_up(path)
        publish_dir(built, site)
        return found

    monkeypatch.setattr(app, "lookup_path", lookup_then_publish)
    headers, body = get(app, "/page.html")
    assert int(headers["content-length"]) == len(body), (headers, body)
    assert body in (old, new)
    assert (site / "page.html").read_bytes() == new  # the swap did happen mid-request


def test_the_preview_is_the_site_make_html_publishes(preview: Preview) -> None:
    """Page for page, the preview serves what ``make html`` wrote (plus the reload script):
    the book's stylesheet and templates, citations resolved against the bibliography."""
    site = preview.book / "_build" / "html"
    for page in ("book/attunement.html", "book/references.html", "book/index.html", "404.html"):
        served = preview.page(page)
        assert served is not None, f"the preview does not serve {page}"
        assert b"websocket-reload" in served, f"{page}: no reload script"
        assert RELOAD_SCRIPT.sub(b"", served) == (site / page).read_bytes().rstrip(), page
    attunement = preview.page("book/attunement.html").decode()
    assert 'href="../_static/book.css' in attunement, "the book's stylesheet is not linked"
    assert "references.html#" in attunement, "citations do not link to the bibliography"
    assert "could not find" not in attunement
    assert 'role="listitem"' in preview.page("book/references.html").decode(), (
        "the book's page template (_templates/page.html) was not used"
    )
    assert "Page not found" in preview.page("404.html").decode()
    assert preview.page("_static/book.css") == (preview.book / "_static" / "book.css").read_bytes()
    log = preview.log.read_text()
    assert "WARNING" not in log and "Traceback" not in log, log[-2000:]


def test_an_edit_under_a_running_preview_is_served(preview: Preview) -> None:
    chapter = preview.book / "book" / "glossary.md"
    with chapter.open("a", encoding="utf-8") as handle:
        handle.write("\nA sentence written while the preview runs.\n")
    wait_for(
        lambda: b"written while the preview runs" in (preview.page("book/glossary.html") or b""),
        180,
        "rebuilt page",
        preview.proc,
    )
    # A broken edit: the problem is reported with its file and line, the last good page stays.
    with chapter.open("a", encoding="utf-8") as handle:
        handle.write("\nSee {numref}`fig-no-such-figure`.\n")
    wait_for(lambda: "FAILED" in preview.log.read_text(), 180, "failure report", preview.proc)
    report = preview.log.read_text()
    assert re.search(r"book/glossary\.md:\d+: undefined label", report), report[-2000:]
    assert "Traceback" not in report
    assert b"written while the preview runs" in preview.page("book/glossary.html")
