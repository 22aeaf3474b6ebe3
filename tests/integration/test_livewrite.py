"""The dev server's in-place writes (livewrite.py) and the manifest they keep up to date."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from blog import livewrite
from blog.build import BuildOptions, build
from blog.livewrite import write_in_place
from blog.splice import replace_once
from blog.writer import MARKER

FILES = {
    "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nAlpha.\n",
    "content/posts/b.md": "---\ntitle: B\ndate: 2024-01-02\n---\nBeta.\n",
}


def _manifest(out: Path) -> dict[str, str]:
    text = (out / MARKER).read_text()
    data = json.loads(text)
    assert text == json.dumps(data, separators=(",", ":"))  # as compact as the writer's
    assert list(data["files"]) == sorted(data["files"])
    files: dict[str, str] = data["files"]
    return files


def test_written_files_are_recorded_by_key_and_the_rest_kept(
    make_site: Callable[..., Path],
) -> None:
    site = make_site(FILES)
    out = site / "public"
    assert build(site, BuildOptions(use_cache=False)).ok
    before = _manifest(out)
    page, feed = PurePosixPath("posts/a/index.html"), PurePosixPath("index.xml")
    old_feed = (out / feed).read_bytes()
    pieces = replace_once(old_feed, b"Alpha.", b"Alpha, patched.")
    assert pieces is not None
    report = write_in_place(
        out, {page: b"<p>new</p>", feed: pieces}, {"posts/a/index.html": "k1", "index.xml": "k2"}
    )
    assert report.written == 2 and report.unchanged == len(before) - 2
    assert (out / page).read_bytes() == b"<p>new</p>"
    assert (out / feed).read_bytes() == old_feed.replace(b"Alpha.", b"Alpha, patched.")
    after = _manifest(out)
    assert after == {**before, "posts/a/index.html": "key:k1", "index.xml": "key:k2"}

    # the same bytes again: nothing written, the manifest file is left as it is
    stamp = (out / MARKER).stat().st_mtime_ns
    again = write_in_place(out, {page: b"<p>new</p>"}, {"posts/a/index.html": "k9"})
    assert again.written == 0 and (out / MARKER).stat().st_mtime_ns == stamp


def test_a_manifest_written_by_someone_else_is_read_again(
    make_site: Callable[..., Path],
) -> None:
    site = make_site(FILES)
    out = site / "public"
    assert build(site, BuildOptions(use_cache=False)).ok
    write_in_place(out, {PurePosixPath("posts/a/index.html"): b"1"}, {"posts/a/index.html": "k1"})
    # a full build writes a new manifest in between (here: a changed entry for b)
    files = _manifest(out)
    files["posts/b/index.html"] = "rewritten"
    (out / MARKER).with_name("m.tmp").write_text(json.dumps({"blog": 1, "files": files}))
    (out / MARKER).with_name("m.tmp").replace(out / MARKER)
    write_in_place(out, {PurePosixPath("index.xml"): b"2"}, {"index.xml": "k2"})
    after = _manifest(out)
    assert after["posts/b/index.html"] == "rewritten"  # not the manifest kept from before
    assert after["posts/a/index.html"] == "key:k1" and after["index.xml"] == "key:k2"


def test_big_files_are_written_over_unless_another_tree_links_them(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(livewrite, "OVERWRITE_FROM", 0)  # every file counts as big here
    site = make_site(FILES)
    out = site / "public"
    assert build(site, BuildOptions(use_cache=False)).ok
    own, shared = out / "posts/a/index.html", out / "posts/b/index.html"
    linked = site / "spare-copy.html"  # as the spare tree links a file it shares
    os.link(shared, linked)
    shared_before = shared.read_bytes()
    own_inode = own.stat().st_ino
    write_in_place(
        out,
        {PurePosixPath("posts/a/index.html"): b"short", PurePosixPath("posts/b/index.html"): b"b"},
        {"posts/a/index.html": "k1", "posts/b/index.html": "k2"},
    )
    assert own.read_bytes() == b"short"  # written over and cut to its new length
    assert own.stat().st_ino == own_inode
    assert shared.read_bytes() == b"b"
    assert linked.read_bytes() == shared_before  # the other tree's file is untouched
