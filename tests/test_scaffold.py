"""`make new-chapter`: the scaffolded chapter is in the toc, passes the linter and builds."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from addictionbook.content import lint
from addictionbook.content.scaffold import new_chapter, slugify
from addictionbook.content.sources import Sources

from .helpers import ROOT, build_ok


def test_slugify_makes_a_lowercase_hyphenated_name() -> None:
    assert slugify("Shame & Repair: a second look") == "shame-repair-a-second-look"
    with pytest.raises(ValueError, match="TITLE"):
        slugify("!!!")


def test_scaffolded_chapter_is_listed_checked_and_builds(book_copy: Path) -> None:
    book = book_copy
    path = new_chapter(book, "Shame and repair")
    assert path == book / "book" / "shame-and-repair.md"

    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    numbered = [part for part in toc["parts"] if part.get("numbered")]
    assert numbered[-1]["chapters"][-1] == {"file": "book/shame-and-repair"}
    original_toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert original_toc.splitlines()[0] in (book / "_toc.yml").read_text(encoding="utf-8")

    assert lint.run(Sources(book)) == []
    build_ok("html", book)
    html = (book / "_build" / "html" / "book" / "shame-and-repair.html").read_text(encoding="utf-8")
    assert "Shame and repair" in html and "Learning objectives" in html


def test_new_chapter_refuses_to_overwrite(tmp_path: Path) -> None:
    shutil.copy(ROOT / "_toc.yml", tmp_path / "_toc.yml")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "attunement.md").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        new_chapter(tmp_path, "Attunement")
    assert (tmp_path / "book" / "attunement.md").read_text(encoding="utf-8") == "mine"


def test_make_new_chapter_without_title_explains_itself() -> None:
    result = subprocess.run(
        ["make", "-s", "new-chapter", "TITLE="], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode != 0 and 'TITLE="' in result.stderr
