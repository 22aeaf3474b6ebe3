"""A patch's files replace the live ones all or none, even when the build is killed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blog import journal
from blog.splice import replace_once


@pytest.fixture
def live(tmp_path: Path) -> Path:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts/a.html").write_bytes(b"old a")
    (tmp_path / "index.json").write_bytes(b'[{"a":1},{"b":2}]')
    (tmp_path / ".blog-output").write_bytes(b"old manifest")
    return tmp_path


def leftovers(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.rglob("*") if p.name.endswith(".blog-new") or "journal" in p.name
    )


def test_files_are_replaced_and_nothing_is_left_behind(live: Path) -> None:
    index = replace_once((live / "index.json").read_bytes(), b'{"b":2}', b'{"b":3}')
    assert index is not None
    journal.replace_files(
        live, {"posts/a.html": b"new a", "index.json": index, ".blog-output": b"new manifest"}
    )
    assert (live / "posts/a.html").read_bytes() == b"new a"
    assert (live / "index.json").read_bytes() == b'[{"a":1},{"b":3}]'
    assert (live / ".blog-output").read_bytes() == b"new manifest"
    assert leftovers(live) == []


def test_a_file_shared_by_a_hard_link_is_replaced_not_written_through(live: Path) -> None:
    spare = live / "spare-a.html"
    spare.hardlink_to(live / "posts/a.html")
    journal.replace_files(live, {"posts/a.html": b"new a"})
    assert spare.read_bytes() == b"old a"


def test_a_failed_write_changes_nothing(live: Path) -> None:
    with pytest.raises(OSError):
        journal.replace_files(live, {"posts/a.html": b"new a", "missing/dir/b.html": b"b"})
    assert (live / "posts/a.html").read_bytes() == b"old a"
    assert leftovers(live) == []


def test_a_committed_patch_killed_midway_is_finished(live: Path) -> None:
    # the state after the commit and the first rename: a's rename is done, the rest is not
    (live / "posts/a.html").write_bytes(b"new a")
    journal.new_file(live / "index.json").write_bytes(b"new index")
    journal.new_file(live / ".blog-output").write_bytes(b"new manifest")
    names = ["posts/a.html", "index.json", ".blog-output"]
    (live / journal.JOURNAL).write_text(json.dumps(names))
    journal.recover(live)
    assert (live / "posts/a.html").read_bytes() == b"new a"
    assert (live / "index.json").read_bytes() == b"new index"
    assert (live / ".blog-output").read_bytes() == b"new manifest"
    assert leftovers(live) == []


def test_a_patch_killed_before_its_commit_is_undone(live: Path) -> None:
    journal.new_file(live / "posts/a.html").write_bytes(b"new a")
    (live / journal.INTENT).write_text(json.dumps(["posts/a.html", "index.json"]))
    journal.recover(live)
    assert (live / "posts/a.html").read_bytes() == b"old a"
    assert leftovers(live) == []


@pytest.mark.parametrize("text", ["", '["posts/a.ht'])
def test_a_patch_killed_while_writing_its_intent_leaves_nothing(live: Path, text: str) -> None:
    """Killed before the intent was renamed into place: no new file was written yet."""
    (live / f"{journal.INTENT}.tmp").write_text(text)
    journal.recover(live)
    assert (live / "posts/a.html").read_bytes() == b"old a"
    assert leftovers(live) == []


def test_a_journal_naming_paths_outside_the_folder_is_not_followed(live: Path) -> None:
    outside = live.parent / "outside.html"
    outside.write_bytes(b"mine")
    journal.new_file(outside).write_bytes(b"theirs")
    (live / journal.JOURNAL).write_text(json.dumps(["../outside.html"]))
    journal.recover(live)
    assert outside.read_bytes() == b"mine"
    assert not (live / journal.JOURNAL).exists()
