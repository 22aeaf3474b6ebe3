"""Outputs stream into the staging tree as they are rendered: the guarantees of a whole build.

The forked template writers are forced on for small sites (``MIN_PARALLEL_TEMPLATES``) so that
every test here also covers workers writing their own files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path, PurePosixPath

import pytest

from blog import threadwrite, workers, writer
from blog.writer import MARKER, spare_of
from tests.conftest import build_site, snapshot

CONFIG = "baseURL: https://e.org/\ntitle: T\npagination: {pagerSize: 3}\n"


def post(n: int, extra: str = "") -> str:
    day = date(2024, 1, 1) + timedelta(days=n)
    return (
        f"---\ntitle: Post {n}\ndate: {day.isoformat()}\ntags: [t{n % 4}, all]\n---\n\n"
        f"Text of post {n}.{extra}\n\n## Part\n\n```python\nprint({n})\n```\n"
    )


@pytest.fixture
def site(make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(workers, "MIN_PARALLEL_TEMPLATES", 4)
    monkeypatch.setenv("BLOG_WORKERS", "2")
    files = {f"content/posts/p{n}.md": post(n) for n in range(1, 40)}
    return make_site({"config.yaml": CONFIG, **files})


def public(folder: Path) -> dict[str, bytes]:
    files = snapshot(folder)
    files.pop(MARKER)
    return files


def folders_beside(root: Path) -> dict[str, bool]:
    """Return each temporary folder beside public/ and whether it holds a manifest."""
    return {p.name: (p / MARKER).exists() for p in root.iterdir() if p.name.startswith(".public")}


@pytest.mark.parametrize("count", ["1", "2", "3"])
def test_any_number_of_writers_writes_the_same_site(
    site: Path, tmp_path: Path, count: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BLOG_WORKERS", "1")
    serial = build_site(site, out_dir=tmp_path / "serial", use_cache=False)
    monkeypatch.setenv("BLOG_WORKERS", count)
    result = build_site(site, use_cache=False)
    assert result.ok and serial.ok
    assert snapshot(site / "public") == snapshot(tmp_path / "serial")  # the manifests too
    assert replace(result.stats, seconds=0) == replace(serial.stats, seconds=0)
    assert result.diagnostics == serial.diagnostics


def test_a_template_error_leaves_public_and_no_new_folder(site: Path) -> None:
    assert build_site(site).ok
    before = snapshot(site / "public")
    (site / "templates").mkdir()
    (site / "templates/page.html").write_text("{{ page.title }} {{ no_such_variable }}\n")
    failed = build_site(site)
    assert not failed.ok
    assert any("no_such_variable" in d.message for d in failed.diagnostics)
    assert snapshot(site / "public") == before
    assert folders_beside(site) == {}  # the spare made for the failed build went with it


def test_a_failed_build_keeps_an_older_spare_trusted(site: Path, tmp_path: Path) -> None:
    assert build_site(site).ok
    (site / "content/posts/p3.md").write_text(post(3, " Edited."))
    (site / "content/posts/p4.md").unlink()
    assert build_site(site).ok  # now the first site is the spare
    before = snapshot(site / "public")
    (site / "templates").mkdir()
    (site / "templates/term.html").write_text("{{ no_such_variable }}\n")
    (site / "content/posts/p5.md").write_text(post(5, " Edited too."))
    assert not build_site(site).ok
    assert snapshot(site / "public") == before
    spare = spare_of(site / "public")
    assert folders_beside(site) == {spare.name: True}
    manifest = json.loads((spare / MARKER).read_text())["files"]
    assert sorted(manifest) == sorted(p for p in snapshot(spare) if p != MARKER)
    (site / "templates/term.html").unlink()
    assert build_site(site).ok
    assert build_site(site, out_dir=tmp_path / "fresh", use_cache=False).ok
    assert public(site / "public") == public(tmp_path / "fresh")


def test_strict_warnings_leave_public(site: Path) -> None:
    assert build_site(site).ok
    before = snapshot(site / "public")
    (site / "config.yaml").write_text(CONFIG + "titel: Typo\n")
    (site / "content/posts/p2.md").write_text(post(2, " Edited."))
    result = build_site(site, strict=True)
    assert not result.ok
    assert any(d.severity == "warning" for d in result.diagnostics)
    assert snapshot(site / "public") == before
    assert build_site(site).ok  # the same build without --strict goes through
    assert snapshot(site / "public") != before


def test_a_kept_output_missing_from_the_manifest_renders_everything(
    site: Path, tmp_path: Path
) -> None:
    assert build_site(site).ok
    manifest_file = site / "public" / MARKER
    manifest = json.loads(manifest_file.read_text())
    del manifest["files"]["posts/p9/index.html"]  # the file is there, its digest is not
    manifest_file.write_text(json.dumps(manifest))
    (site / "content/posts/p1.md").write_text(post(1, " Edited."))
    (site / "content/posts/p2.md").unlink()  # not a patch: a full build, which keeps outputs
    result = build_site(site)
    fresh = build_site(site, out_dir=tmp_path / "fresh", use_cache=False)
    assert result.ok and fresh.ok
    assert result.stats.outputs_rendered == fresh.stats.outputs_rendered  # all of them
    assert public(site / "public") == public(tmp_path / "fresh")
    assert "posts/p9/index.html" in json.loads(manifest_file.read_text())["files"]
    assert not list(site.glob("**/*.blog-tmp"))


@pytest.mark.parametrize("edit", ["delete the newest post", "edit a title", "nothing"])
def test_counts_are_what_changed_on_disk(site: Path, edit: str) -> None:
    first = build_site(site)
    assert first.stats.written == first.stats.outputs and first.stats.unchanged == 0
    before = public(site / "public")
    if edit == "delete the newest post":
        (site / "content/posts/p39.md").unlink()
    elif edit == "edit a title":
        path = site / "content/posts/p20.md"
        path.write_text(path.read_text().replace("title: Post 20", "title: Post twenty"))
    stats = build_site(site, may_skip=False).stats
    after = public(site / "public")
    changed = {p for p in after if before.get(p) != after[p]}
    assert (stats.written, stats.unchanged, stats.removed) == (
        len(changed),
        len(after) - len(changed),
        len(before.keys() - after.keys()),
    )
    assert stats.outputs == len(after)


def test_outputs_are_written_as_they_are_rendered(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outputs reach the tree while the next ones render: never more than a few are held."""
    monkeypatch.setenv("BLOG_WORKERS", "1")
    events: list[str] = []
    render, store = workers._render_one, writer.Staging.store

    def rendering(*args: object, **kwargs: object) -> bytes | None:
        events.append("render")
        return render(*args, **kwargs)  # type: ignore[arg-type]

    def storing(self: writer.Staging, rel: PurePosixPath, data: object) -> str:
        events.append("store")
        return store(self, rel, data)  # type: ignore[arg-type]

    monkeypatch.setattr(workers, "_render_one", rendering)
    monkeypatch.setattr(writer.Staging, "store", storing)
    assert build_site(site).ok
    rendered = events[events.index("render") :]
    assert len(rendered) > 80
    assert rendered.count("render") == rendered.count("store")  # (a thread stores them)
    held = 0
    for event in rendered:
        held += 1 if event == "render" else -1
        assert 0 <= held <= threadwrite.MAX_PENDING + 1
