"""The writer: complete old or complete new site, never outside its folder."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from blog.errors import BlogError
from blog.writer import MARKER, read_manifest, recover, write_site


def test_write_then_rewrite_links_unchanged_and_prunes(tmp_path: Path) -> None:
    out = tmp_path / "public"
    site = tmp_path / "site"
    site.mkdir()
    first = write_site(
        out, {PurePosixPath("a.html"): b"A", PurePosixPath("b/c.html"): b"C"}, site_root=site
    )
    assert (first.written, first.unchanged) == (2, 0)
    inode = (out / "a.html").stat().st_ino
    second = write_site(
        out, {PurePosixPath("a.html"): b"A", PurePosixPath("d.html"): b"D"}, site_root=site
    )
    assert (second.written, second.unchanged, second.removed) == (1, 1, 1)
    assert (out / "a.html").stat().st_ino == inode
    assert not (out / "b").exists()
    assert (out / MARKER).exists()
    # The previous site is kept, complete, as the spare the next build updates in place.
    assert [p.name for p in tmp_path.glob(".public-*")] == [".public-spare"]
    assert read_manifest(tmp_path / ".public-spare") == {
        "a.html": read_manifest(out)["a.html"],  # type: ignore[index]
        "b/c.html": read_manifest(tmp_path / ".public-spare")["b/c.html"],  # type: ignore[index]
    }


def test_a_warm_write_touches_only_what_changed(tmp_path: Path) -> None:
    out, site = tmp_path / "public", tmp_path / "site"
    site.mkdir()
    pages = {PurePosixPath(f"p{n}/index.html"): f"page {n}".encode() for n in range(50)}
    write_site(out, pages, site_root=site)
    first = {**pages, PurePosixPath("p3/index.html"): b"first edit"}
    write_site(out, first, site_root=site)  # the site before goes aside as the spare
    spare = tmp_path / ".public-spare"
    inodes = {p: (spare / p).stat().st_ino for p in pages}
    second = {**first, PurePosixPath("p7/index.html"): b"edited"}
    report = write_site(out, second, site_root=site)
    assert (report.written, report.unchanged) == (1, 49)
    assert (out / "p7/index.html").read_bytes() == b"edited"
    assert (out / "p3/index.html").read_bytes() == b"first edit"
    # the tree that went live is the old spare, brought up to date: p3 and p7 replaced
    assert {p for p in pages if (out / p).stat().st_ino != inodes[p]} == {
        PurePosixPath("p3/index.html"),
        PurePosixPath("p7/index.html"),
    }


def test_nothing_changed_writes_nothing(tmp_path: Path) -> None:
    out, site = tmp_path / "public", tmp_path / "site"
    site.mkdir()
    files = {PurePosixPath("a.html"): b"A"}
    write_site(out, files, site_root=site)
    before = (out / "a.html").stat().st_ino
    report = write_site(out, files, site_root=site)
    assert (report.written, report.unchanged, report.removed) == (0, 1, 0)
    assert (out / "a.html").stat().st_ino == before


def test_a_spare_left_half_updated_is_rebuilt(tmp_path: Path) -> None:
    out, site = tmp_path / "public", tmp_path / "site"
    site.mkdir()
    files = {PurePosixPath("a.html"): b"A", PurePosixPath("b.html"): b"B"}
    write_site(out, files, site_root=site)
    write_site(out, {**files, PurePosixPath("a.html"): b"A2"}, site_root=site)
    spare = tmp_path / ".public-spare"
    (spare / MARKER).unlink()  # as a build killed while updating it leaves it
    (spare / "b.html").unlink()  # (its inode is shared with the live site)
    (spare / "b.html").write_bytes(b"garbage")
    write_site(out, {**files, PurePosixPath("a.html"): b"A3"}, site_root=site)
    assert (out / "b.html").read_bytes() == b"B"
    assert (out / "a.html").read_bytes() == b"A3"


def test_refuses_the_site_folder_and_its_parent(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    with pytest.raises(BlogError, match="holds the site"):
        write_site(site, {}, site_root=site)
    with pytest.raises(BlogError, match="holds the site"):
        write_site(tmp_path, {}, site_root=site)


def test_refuses_a_foreign_non_empty_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("mine")
    with pytest.raises(BlogError, match="not made by blog"):
        write_site(out, {PurePosixPath("x"): b"x"}, site_root=tmp_path / "site")
    assert (out / "precious.txt").read_text() == "mine"


def test_refuses_paths_outside(tmp_path: Path) -> None:
    with pytest.raises(BlogError, match="outside"):
        write_site(tmp_path / "out", {PurePosixPath("../x"): b"x"}, site_root=tmp_path / "s")
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / "out").exists()


def test_recover_restores_a_site_lost_mid_swap(tmp_path: Path) -> None:
    out = tmp_path / "public"
    old = tmp_path / ".public-old-123"
    old.mkdir()
    (old / MARKER).write_text('{"blog": 1, "files": {"index.html": "x"}}')
    (old / "index.html").write_text("old site")
    recover(out)
    assert (out / "index.html").read_text() == "old site"


def test_recover_drops_an_incomplete_staging_folder(tmp_path: Path) -> None:
    out = tmp_path / "public"
    out.mkdir()
    (out / MARKER).write_text("")
    staging = tmp_path / ".public-new-9"
    staging.mkdir()
    (staging / "half.html").write_text("half")
    recover(out)
    assert not staging.exists() and out.exists()
