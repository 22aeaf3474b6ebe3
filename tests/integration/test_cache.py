"""The build cache: rebuilds do only the work an edit needs, and never change the output."""

from __future__ import annotations

import gc
import shutil
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from blog.cache import BuildCache, cache_file, pages_file
from tests.conftest import build_site, snapshot


def post(n: int, tags: str = "[a, b]") -> str:
    day = date(2024, 1, 1) + timedelta(days=n)
    return (
        f"---\ntitle: Post {n}\ndate: {day.isoformat()}\ntags: {tags}\n---\n\n"
        f"Text of post {n}.\n\n## Part\n\n```python\nprint({n})\n```\n"
    )


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    files = {f"content/posts/p{n}.md": post(n) for n in range(1, 60)}
    files["config.yaml"] = "baseURL: https://e.org/\ntitle: T\npagination: {pagerSize: 5}\n"
    return make_site(files)


def test_warm_build_renders_nothing_and_writes_nothing(site: Path) -> None:
    cold = build_site(site)
    assert cold.ok and cold.stats.markdown_rendered == 59 and cold.stats.cache_hits == 0
    warm = build_site(site, may_skip=False)
    assert warm.stats.markdown_rendered == 0 and warm.stats.cache_hits == 59
    assert warm.stats.outputs_rendered == 0 and warm.stats.written == 0


def test_nothing_changed_skips_the_build_and_repeats_its_warnings(site: Path) -> None:
    (site / "content/posts/odd.md").write_text(
        "---\ntitle: Odd\ndate: 2024-06-01\nShowToc: tru\n---\nx\n"
    )
    first = build_site(site)
    skipped = build_site(site)
    assert skipped.ok and skipped.content is None  # nothing was even loaded
    assert skipped.stats.outputs == first.stats.outputs and skipped.stats.written == 0
    assert [d.message for d in skipped.diagnostics] == [d.message for d in first.diagnostics]
    assert any("not a boolean" in d.message for d in skipped.diagnostics)


def test_any_changed_input_means_a_real_build(site: Path) -> None:
    build_site(site)
    (site / "static").mkdir()
    (site / "static/robots-extra.txt").write_text("x")
    assert build_site(site).content is not None
    assert build_site(site).content is None
    (site / "public/posts/p1/index.html").unlink()
    rebuilt = build_site(site)
    assert rebuilt.content is not None and (site / "public/posts/p1/index.html").exists()


def test_a_post_coming_due_means_a_real_build(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/posts/later.md": "---\ntitle: L\ndate: 2030-01-01\n---\nx\n"})
    before = datetime(2029, 12, 31, tzinfo=UTC)
    build_site(site, now=before)
    assert not (site / "public/posts/later/index.html").exists()
    assert build_site(site, now=before).content is None
    after = build_site(site, now=datetime(2030, 1, 2, tzinfo=UTC))
    assert after.content is not None and (site / "public/posts/later/index.html").exists()


def test_editing_a_body_rerenders_that_page_and_the_lists_showing_it(site: Path) -> None:
    build_site(site)
    path = site / "content/posts/p59.md"
    path.write_text(path.read_text().replace("Text of post 59.", "New opening text."))
    result = build_site(site)
    assert result.stats.markdown_rendered == 1
    # its page, pager 1 of home, section, and the two tag pages (feeds are data outputs)
    assert result.stats.outputs_rendered == 5
    assert "New opening text." in (site / "public/posts/p59/index.html").read_text()
    assert "New opening text." in (site / "public/index.html").read_text()


def test_a_new_title_rerenders_everything_that_lists_it(site: Path) -> None:
    build_site(site)
    path = site / "content/posts/p3.md"
    path.write_text(path.read_text().replace("title: Post 3", "title: Renamed"))
    result = build_site(site)
    assert result.stats.markdown_rendered == 1
    assert result.stats.outputs_rendered > 59


@pytest.mark.parametrize(("workers", "light"), [("1", False), ("2", False), ("2", True)])
def test_output_is_identical_with_and_without_cache_and_workers(
    site: Path, tmp_path: Path, workers: str, light: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``light``: the cached builds keep page bodies on disk (``blog build``); fresh ones not."""
    monkeypatch.setenv("BLOG_WORKERS", workers)
    # enough pages for the process pool to be used
    for n in range(60, 130):
        (site / f"content/posts/p{n}.md").write_text(post(n, "[c]"))
    light_from = 0 if light else None
    build_site(site, light_pages_from=light_from)
    path = site / "content/posts/p7.md"
    path.write_text(path.read_text() + "\nMore.\n")
    cached = build_site(site, may_skip=False, light_pages_from=light_from)  # pages from the cache
    assert cached.stats.cache_hits > 0
    fresh = build_site(site, out_dir=tmp_path / "fresh", use_cache=False)
    assert fresh.stats.cache_hits == 0
    ours, theirs = snapshot(site / "public"), snapshot(tmp_path / "fresh")
    ours.pop(".blog-output"), theirs.pop(".blog-output")
    assert ours == theirs
    assert build_site(site, light_pages_from=light_from).stats.cache_hits > 0  # it saves its state
    path.write_text(path.read_text() + "\nEven more.\n")
    patched = build_site(site, light_pages_from=light_from)  # the saved build, patched
    assert patched.stats.markdown_rendered == 1 and patched.stats.cache_hits == 0
    fresh = build_site(site, out_dir=tmp_path / "fresh", use_cache=False)
    ours, theirs = snapshot(site / "public"), snapshot(tmp_path / "fresh")
    ours.pop(".blog-output"), theirs.pop(".blog-output")
    assert ours == theirs


def test_a_corrupt_cache_means_a_cold_build_and_a_warning(site: Path) -> None:
    build_site(site)
    cache_file(site).write_bytes(b"not a pickle")
    result = build_site(site, may_skip=False)
    assert result.ok and result.stats.markdown_rendered == 59
    assert any("cache" in d.message and d.severity == "warning" for d in result.diagnostics)
    again = build_site(site, may_skip=False)
    assert again.stats.markdown_rendered == 0  # and it was written anew


def test_a_deleted_output_is_written_again(site: Path) -> None:
    build_site(site)
    (site / "public/posts/p5/index.html").unlink()
    shutil.rmtree(site / "public/tags")
    result = build_site(site)
    assert result.ok
    assert (site / "public/posts/p5/index.html").exists()
    assert (site / "public/tags/a/index.html").exists()


def test_a_deleted_cache_is_fine(site: Path) -> None:
    build_site(site)
    shutil.rmtree(site / ".cache")
    assert build_site(site).stats.markdown_rendered == 59  # no record either: a real build


def test_a_template_edit_rerenders_with_a_kept_environment(site: Path) -> None:
    cache = BuildCache()
    first = build_site(site, cache=cache)
    assert first.ok
    (site / "templates").mkdir()
    (site / "templates/page.html").write_text("<p>{{ page.title }} v2</p>\n")
    second = build_site(site, cache=cache)
    assert second.stats.markdown_rendered == 0
    assert (site / "public/posts/p1/index.html").read_text() == "<p>Post 1 v2</p>\n"
    (site / "templates/page.html").write_text("<p>{{ page.title }} v3</p>\n")
    build_site(site, cache=cache)
    assert (site / "public/posts/p1/index.html").read_text() == "<p>Post 1 v3</p>\n"


def test_a_corrupt_page_store_means_a_cold_build_and_a_warning(site: Path) -> None:
    build_site(site)
    store = pages_file(site)
    store.write_bytes(b"SQLite format 3\x00" + b"\xff" * 500)
    result = build_site(site, may_skip=False)
    assert result.ok and result.stats.markdown_rendered == 59
    assert any("unreadable" in d.message for d in result.diagnostics)
    assert build_site(site, may_skip=False).stats.markdown_rendered == 0


def test_an_edit_saves_that_page_row_and_keeps_the_others(site: Path) -> None:
    build_site(site)
    before = dict(_rows(site))
    path = site / "content/posts/p12.md"
    path.write_text(path.read_text() + "\nMore.\n")
    assert build_site(site).stats.markdown_rendered == 1
    after = dict(_rows(site))
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert changed == {"posts/p12.md"} and after.keys() == before.keys()
    path.unlink()
    build_site(site)
    assert "posts/p12.md" not in dict(_rows(site))


def _rows(site: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(pages_file(site))) as db:
        return db.execute("SELECT rel, digest FROM pages").fetchall()


def test_loading_the_cache_leaves_the_garbage_collector_on(site: Path) -> None:
    build_site(site)
    path = site / "content/posts/p3.md"
    path.write_text(path.read_text() + "\nMore.\n")
    assert build_site(site, may_skip=False).stats.cache_hits > 0  # loaded every page row
    assert gc.isenabled()
    path.write_text(path.read_text() + "\nAgain.\n")
    build_site(site)  # a patch: loads the saved build
    assert gc.isenabled()


def test_cache_files_of_other_versions_are_removed(site: Path) -> None:
    folder = site / ".cache/blog"
    folder.mkdir(parents=True)
    stale = [folder / "build-v1.pickle", folder / "pages-v1.sqlite", folder / "last-v0.pickle"]
    for path in stale:
        path.write_bytes(b"old")
    build_site(site)
    assert not [path for path in stale if path.exists()]
    assert cache_file(site).is_file() and pages_file(site).is_file()


def test_compiled_templates_are_kept_and_follow_template_edits(site: Path) -> None:
    build_site(site)
    assert list((site / ".cache/blog/templates").iterdir())
    (site / "templates").mkdir()
    (site / "templates/page.html").write_text("<p>{{ page.title }} v1</p>\n")
    build_site(site)
    assert (site / "public/posts/p1/index.html").read_text() == "<p>Post 1 v1</p>\n"
    (site / "templates/page.html").write_text("<p>{{ page.title }} v2</p>\n")
    build_site(site)
    assert (site / "public/posts/p1/index.html").read_text() == "<p>Post 1 v2</p>\n"
