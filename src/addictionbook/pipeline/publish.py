"""Publishing a build: one build at a time per output folder, and the new output replaces the
last good one in one atomic step, so ``_build/<target>`` is always either the last good output
or the new one, never a mix and never missing.

- :func:`one_build_at_a_time`: builds into the same output folder share Sphinx's environment
  and the notebook cache (``.work``), so a second build waits for the first, saying so (an
  exclusive ``flock`` on ``<out>/.work/build.lock``, released by the kernel if a build dies).
- :func:`publish_dir`: the new folder is made beside the old one and the two are exchanged by
  ``renameat2(RENAME_EXCHANGE)`` (Linux 3.15+, glibc 2.28+), one atomic step; where the file
  system cannot exchange, a rename replaces the old folder (the name is briefly absent, never
  half-written). :func:`publish_file` replaces a file with ``os.replace``.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from ..settings import Settings


def publish_dir(built: Path, target: Path, extra: dict[str, Path] | None = None) -> None:
    """Replace ``target`` by a copy of ``built`` (and of each folder in ``extra``, at its
    relative name), swapping by rename so it is never half-written.

    The copy is made of links where it can be: a file the last published output already has,
    unchanged (same size and modification time, which the copy keeps), is hard-linked from
    it, and every file of ``extra`` (published outputs themselves) is linked; only what the
    build changed is copied. Published files are never written in place (each publish makes
    a new folder), so a link is as safe as a copy and an incremental build publishes in
    milliseconds instead of copying the whole site."""
    fresh = target.with_name(f".{target.name}.new-{os.getpid()}")
    for leftover in target.parent.glob(f".{target.name}.new-*"):
        shutil.rmtree(leftover, ignore_errors=True)  # left by a build that was killed
    _mirror(built, fresh, previous=target if target.is_dir() else None)
    for name, folder in (extra or {}).items():
        _mirror(folder, fresh / name, previous=folder)
    if target.is_dir() and exchange(fresh, target):
        shutil.rmtree(fresh, ignore_errors=True)  # the old output, under the new one's name
        return
    stale = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(stale)
    fresh.rename(target)
    shutil.rmtree(stale, ignore_errors=True)


_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swap the names ``a`` and ``b`` in one atomic step; False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))


def _mirror(source: Path, copy: Path, previous: Path | None) -> None:
    """Copy the tree ``source`` to ``copy``, hard-linking each file that ``previous`` (a
    published tree) holds unchanged at the same place."""
    for folder, _dirs, files in os.walk(source):
        here = Path(folder)
        relative = here.relative_to(source)
        (copy / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            if name == ".buildinfo":
                continue
            origin, made = here / name, copy / relative / name
            if previous is not None and _same(origin, previous / relative / name):
                try:
                    os.link(previous / relative / name, made)
                    continue
                except OSError:  # another file system, or no hard links: copy instead
                    pass
            shutil.copy2(origin, made)


def _same(origin: Path, published: Path) -> bool:
    try:
        a, b = origin.stat(), published.stat()
    except OSError:
        return False
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def publish_file(built: Path, target: Path) -> None:
    """Replace ``target`` by ``built`` atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.copyfile(built, fresh)
    os.replace(fresh, target)


@contextlib.contextmanager
def one_build_at_a_time(out: Path, what: str, say, lock_name: str = "build.lock") -> Iterator[None]:
    """Hold ``<out>/.work/<lock_name>`` for the block; if another build holds it, ``say`` so
    and wait for it. ``what``: this build, as the other one's message names it. The book's
    builds share ``build.lock``; each clinic edition has a lock of its own, so that
    ``make profiles`` lays out several at once."""
    lock = out / ".work" / lock_name  # with the environment and cache it protects
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = lock.read_text(encoding="utf-8", errors="replace").strip() or "another build"
            say(f"waiting for {holder} to finish (one build at a time in {out.name}/) ...")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{what} (process {os.getpid()})\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def downloads_dir(out: Path, settings: Settings) -> Path:
    """The folder whose ``pdf/`` and ``epub/`` the site links and carries: ``out`` itself
    unless the settings name another (the preview uses ``make``'s)."""
    return settings.downloads or out


def downloads(out: Path, settings: Settings) -> dict[str, Path]:
    """The published PDFs and EPUB the site carries (``pdf/``, ``epub/``), as they are now."""
    base = downloads_dir(out, settings)
    return {name: base / name for name in ("pdf", "epub") if (base / name).is_dir()}


def write_zip(target: Path, members: list[tuple[str, Path]], epoch: int) -> None:
    """A zip of ``members`` (name in the zip, file), in that order, every entry dated by
    ``epoch`` with one set of permissions (as ``pipeline/epub.py`` does for the EPUB), so two
    zips of the same files are the same bytes."""
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    with zipfile.ZipFile(target, "w") as archive:
        for name, path in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, path.read_bytes(), compresslevel=9)
