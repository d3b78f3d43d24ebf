"""pytest-xdist's ``--dist loadgroup`` group names, written where pytest 9.2 reads a node id.

Test-runner code, not the book's: registered in ``addictionbook.upstream`` as
``xdist-group-ids`` (pytest-xdist issue 1386) and called by ``tests/conftest.py``.
"""

from __future__ import annotations

from addictionbook.upstream import WORKAROUNDS


def name_xdist_groups(items: list) -> None:
    """Give each test marked ``xdist_group`` its group in its node id, as pytest-xdist means
    to: xdist 3.8 writes the id's old string field, which pytest 9.2 no longer reads (it keeps
    a structured id), so ``--dist loadgroup`` silently spreads a group over the workers
    (pytest-xdist issue 1386). Called on the workers after xdist's own hook; does nothing
    where xdist's renaming worked, or outside the verified xdist version."""
    if not WORKAROUNDS["xdist-group-ids"].in_range():
        return
    from _pytest.nodeid import NodeId

    for item in items:
        names = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        if names and "@" not in item.nodeid:
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(sorted(names))}")
