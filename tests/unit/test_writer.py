"""The writer: complete old or complete new site, never outside its folder."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest

from blog.errors import BlogError
from blog.splice import Pieces, Stream
from blog.treefiles import KEEP, StaleOutput
from blog.writer import (
    MARKER,
    digest_of_bytes,
    open_site,
    read_manifest,
    recover,
    spare_of,
    write_site,
)
from tests.conftest import snapshot


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


# ---------------------------------------------------------------- the streaming writer


def _site(tmp_path: Path) -> tuple[Path, Path]:
    site = tmp_path / "site"
    site.mkdir()
    return tmp_path / "public", site


def _paths(*names: str) -> list[PurePosixPath]:
    return [PurePosixPath(name) for name in names]


def test_outputs_put_one_by_one_are_published_by_finish(tmp_path: Path) -> None:
    out, site = _site(tmp_path)
    write_site(
        out, {PurePosixPath("old.html"): b"old", PurePosixPath("a.html"): b"A"}, site_root=site
    )
    with open_site(out, _paths("a.html", "b/c.html", "d.html"), site_root=site) as staging:
        staging.put(PurePosixPath("a.html"), b"A")
        staging.put(PurePosixPath("b/c.html"), b"C")
        assert not (out / "b").exists()  # nothing is visible before finish
        staging.put(PurePosixPath("d.html"), b"D")
        report = staging.finish()
    assert (report.written, report.unchanged, report.removed) == (2, 1, 1)
    assert snapshot(out) == {
        "a.html": b"A",
        "b/c.html": b"C",
        "d.html": b"D",
        MARKER: (out / MARKER).read_bytes(),
    }
    assert not list(tmp_path.glob("**/*.blog-tmp"))


def test_an_output_in_pieces_is_written_and_recorded_as_its_joined_bytes(tmp_path: Path) -> None:
    out, site = _site(tmp_path)
    joined = b"[" + b"x" * 100 + b"]"
    pieces = Pieces(((b"[", 0, 1), (b"--" + b"x" * 100 + b"--", 2, 102), (b"]", 0, 1)))
    write_site(out, {PurePosixPath("index.json"): pieces}, site_root=site)
    assert (out / "index.json").read_bytes() == joined
    manifest = read_manifest(out)
    assert manifest is not None and manifest["index.json"] == digest_of_bytes(joined)
    # the same bytes whole are unchanged: nothing is written again
    report = write_site(out, {PurePosixPath("index.json"): joined}, site_root=site)
    assert (report.written, report.unchanged) == (0, 1)


def test_an_output_streamed_is_made_as_read_and_never_held(tmp_path: Path) -> None:
    out, site = _site(tmp_path)
    made: list[int] = []

    def chunks() -> Iterator[bytes]:
        made.append(1)
        yield from (b"[", b"1", b",", b"2", b"]")

    write_site(out, {PurePosixPath("index.json"): Stream(chunks)}, site_root=site)
    assert (out / "index.json").read_bytes() == b"[1,2]"
    manifest = read_manifest(out)
    assert manifest is not None and manifest["index.json"] == digest_of_bytes(b"[1,2]")
    assert len(made) == 1  # nothing to compare with: written and digested at once
    report = write_site(out, {PurePosixPath("index.json"): Stream(chunks)}, site_root=site)
    assert (report.written, report.unchanged, len(made)) == (0, 1, 2)  # digested only
    changed = Stream(lambda: iter((b"[3]",)))
    report = write_site(out, {PurePosixPath("index.json"): changed}, site_root=site)
    assert (out / "index.json").read_bytes() == b"[3]" and report.written == 1
    manifest = read_manifest(out)
    assert manifest is not None and manifest["index.json"] == digest_of_bytes(b"[3]")


def test_an_abandoned_write_leaves_the_output_and_no_new_folder(tmp_path: Path) -> None:
    out, site = _site(tmp_path)
    write_site(out, {PurePosixPath("a.html"): b"A"}, site_root=site)
    before = snapshot(out)
    with open_site(out, _paths("a.html", "b.html"), site_root=site) as staging:
        staging.put(PurePosixPath("a.html"), b"changed")
        staging.put(PurePosixPath("b.html"), b"B")
        # no finish: the build failed
    assert snapshot(out) == before
    assert not spare_of(out).exists()  # made for this write, so removed with it


def test_an_abandoned_write_keeps_an_older_spare_up_to_date(tmp_path: Path) -> None:
    out, site = _site(tmp_path)
    files = {PurePosixPath(f"p{n}.html"): f"page {n}".encode() for n in range(5)}
    write_site(out, files, site_root=site)
    write_site(out, {**files, PurePosixPath("p0.html"): b"second"}, site_root=site)
    before = snapshot(out)
    with open_site(out, files.keys(), site_root=site) as staging:
        staging.put(PurePosixPath("p1.html"), b"third")
    assert snapshot(out) == before
    spare = spare_of(out)
    held = read_manifest(spare)
    assert held is not None  # still trusted: the next build updates it in place
    assert set(held) == {f"p{n}.html" for n in range(5)}
    for rel, digest in held.items():
        assert hashlib.blake2b((spare / rel).read_bytes(), digest_size=16).hexdigest() == digest
    inode = (spare / "p1.html").stat().st_ino
    report = write_site(out, {**files, PurePosixPath("p1.html"): b"third"}, site_root=site)
    assert (report.written, report.unchanged) == (2, 3)  # p0 is back to "page 0"
    assert (out / "p1.html").stat().st_ino == inode  # the abandoned write was not redone
    assert (out / "p1.html").read_bytes() == b"third"


def test_a_tree_workers_wrote_into_unrecorded_is_not_trusted(tmp_path: Path) -> None:
    out, site = _site(tmp_path)
    files = {PurePosixPath("a.html"): b"A", PurePosixPath("b.html"): b"B"}
    write_site(out, files, site_root=site)
    write_site(out, {**files, PurePosixPath("a.html"): b"A2"}, site_root=site)
    before = snapshot(out)
    with (
        pytest.raises(RuntimeError),
        open_site(out, files.keys(), site_root=site) as staging,
        staging.shared_with_workers(),
    ):
        staging.store(PurePosixPath("b.html"), b"written, never recorded")
        raise RuntimeError("a worker died")
    assert snapshot(out) == before
    assert not spare_of(out).exists()  # what it holds is unknown: gone, not trusted


def test_keep_without_a_previous_file_is_a_stale_output(tmp_path: Path) -> None:
    out, site = _site(tmp_path)
    write_site(out, {PurePosixPath("a.html"): b"A", PurePosixPath("b.html"): b"B"}, site_root=site)
    before = snapshot(out)
    with pytest.raises(StaleOutput):
        write_site(
            out, {PurePosixPath("a.html"): b"A", PurePosixPath("c.html"): KEEP}, site_root=site
        )
    (out / "b.html").unlink()  # the manifest still lists it
    with pytest.raises(StaleOutput):
        write_site(
            out, {PurePosixPath("a.html"): b"A2", PurePosixPath("b.html"): KEEP}, site_root=site
        )
    del before["b.html"]
    assert snapshot(out) == before
    report = write_site(
        out, {PurePosixPath("a.html"): b"A2", PurePosixPath("b.html"): b"B"}, site_root=site
    )
    assert (report.written, report.unchanged) == (1, 1)  # b.html has the bytes it had
    assert (out / "b.html").read_bytes() == b"B"


def test_keep_links_the_live_file(tmp_path: Path) -> None:
    out, site = _site(tmp_path)
    write_site(out, {PurePosixPath("a.html"): b"A", PurePosixPath("b.html"): b"B"}, site_root=site)
    inode = (out / "a.html").stat().st_ino
    report = write_site(
        out, {PurePosixPath("a.html"): KEEP, PurePosixPath("b.html"): b"B2"}, site_root=site
    )
    assert (report.written, report.unchanged) == (1, 1)
    assert (out / "a.html").stat().st_ino == inode
    assert (spare_of(out) / "b.html").read_bytes() == b"B"  # the old site, untouched


def test_a_replaced_file_never_writes_through_the_live_sites_inode(tmp_path: Path) -> None:
    out, site = _site(tmp_path)
    files = {PurePosixPath("a.html"): b"A", PurePosixPath("b.html"): b"B"}
    write_site(out, files, site_root=site)
    write_site(out, {**files, PurePosixPath("b.html"): b"B2"}, site_root=site)
    # the spare's a.html is a hard link to the live one; writing it must not change public/
    assert (spare_of(out) / "a.html").stat().st_ino == (out / "a.html").stat().st_ino
    with open_site(out, files.keys(), site_root=site) as staging:
        staging.put(PurePosixPath("a.html"), b"A3")
        assert (out / "a.html").read_bytes() == b"A"
        staging.put(PurePosixPath("b.html"), b"B2")
        staging.finish()
    assert (out / "a.html").read_bytes() == b"A3"
    assert (spare_of(out) / "a.html").read_bytes() == b"A"


def test_finish_refuses_a_site_with_outputs_never_put(tmp_path: Path) -> None:
    out, site = _site(tmp_path)
    with (
        pytest.raises(ValueError, match="never put"),
        open_site(out, _paths("a.html", "b.html"), site_root=site) as staging,
    ):
        staging.put(PurePosixPath("a.html"), b"A")
        staging.finish()
    with (
        pytest.raises(ValueError, match="not a planned output"),
        open_site(out, _paths("a.html"), site_root=site) as staging,
    ):
        staging.put(PurePosixPath("z.html"), b"Z")
    assert not out.exists() and not spare_of(out).exists()


def test_open_site_refuses_unsafe_paths_before_touching_anything(tmp_path: Path) -> None:
    out, site = _site(tmp_path)
    write_site(out, {PurePosixPath("a.html"): b"A"}, site_root=site)
    write_site(out, {PurePosixPath("a.html"): b"A2"}, site_root=site)
    spare_manifest = (spare_of(out) / MARKER).read_bytes()
    with pytest.raises(BlogError, match="outside"):
        open_site(out, _paths("a.html", "../x.html"), site_root=site)
    assert (spare_of(out) / MARKER).read_bytes() == spare_manifest
