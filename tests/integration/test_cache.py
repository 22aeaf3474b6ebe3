"""The build cache: rebuilds do only the work an edit needs, and never change the output."""

from __future__ import annotations

import os
from datetime import date, timedelta
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from blog.cache import cache_file
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
    warm = build_site(site)
    assert warm.stats.markdown_rendered == 0 and warm.stats.cache_hits == 59
    assert warm.stats.outputs_rendered == 0 and warm.stats.written == 0


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


@pytest.mark.parametrize("workers", ["1", "2"])
def test_output_is_identical_with_and_without_cache_and_workers(
    site: Path, tmp_path: Path, workers: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BLOG_WORKERS", workers)
    # enough pages for the process pool to be used
    for n in range(60, 130):
        (site / f"content/posts/p{n}.md").write_text(post(n, "[c]"))
    build_site(site)
    path = site / "content/posts/p7.md"
    path.write_text(path.read_text() + "\nMore.\n")
    cached = build_site(site)
    assert cached.stats.cache_hits > 0
    fresh = build_site(site, out_dir=tmp_path / "fresh", use_cache=False)
    assert fresh.stats.cache_hits == 0
    ours, theirs = snapshot(site / "public"), snapshot(tmp_path / "fresh")
    ours.pop(".blog-output"), theirs.pop(".blog-output")
    assert ours == theirs


def test_a_corrupt_cache_means_a_cold_build_and_a_warning(site: Path) -> None:
    build_site(site)
    cache_file(site).write_bytes(b"not a pickle")
    result = build_site(site)
    assert result.ok and result.stats.markdown_rendered == 59
    assert any("cache" in d.message and d.severity == "warning" for d in result.diagnostics)
    assert build_site(site).stats.markdown_rendered == 0  # and it was written anew


def test_a_deleted_output_is_written_again(site: Path) -> None:
    build_site(site)
    os.remove(site / "public/posts/p5/index.html")
    shutil.rmtree(site / "public/tags")
    result = build_site(site)
    assert result.ok
    assert (site / "public/posts/p5/index.html").exists()
    assert (site / "public/tags/a/index.html").exists()


def test_a_deleted_cache_is_fine(site: Path) -> None:
    build_site(site)
    shutil.rmtree(site / ".cache")
    assert build_site(site).stats.markdown_rendered == 59
