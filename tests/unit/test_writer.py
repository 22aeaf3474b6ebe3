"""The writer: complete old or complete new site, never outside its folder."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from blog.errors import BlogError
from blog.writer import MARKER, recover, write_site


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
    assert not list(tmp_path.glob(".public-*"))


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
    (old / MARKER).write_text("")
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
