"""The cyclic garbage collector during a build: paused while pages arrive, never left off."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path, PurePosixPath

import pytest

from blog import workers
from blog.build import BuildOptions, build, page_settings
from blog.cache import BuildCache
from blog.config import load_config
from blog.errors import Diagnostics
from blog.rebuild import warm_for_patches


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.fixture
def site(make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BLOG_WORKERS", "2")
    posts = {
        f"content/posts/p{n}.md": f"---\ntitle: P{n}\ndate: 2024-01-01\n---\nText {n}.\n"
        for n in range(workers.MIN_PARALLEL + 2)
    }
    return make_site(posts)


def test_pages_from_the_workers_arrive_with_the_collector_paused_then_frozen(site: Path) -> None:
    config = load_config(site, Diagnostics())
    jobs = [
        (PurePosixPath(f"posts/p{n}.md"), f"---\ntitle: P{n}\n---\nText.\n", site / f"p{n}.md")
        for n in range(workers.MIN_PARALLEL + 2)
    ]
    with workers.PageRenderer(page_settings(config), len(jobs)) as renderer:
        for job in jobs:
            renderer.add(job)
        loaded = renderer.results()
    assert [p.page.title for p in loaded if p.page] == [f"P{n}" for n in range(len(jobs))]
    assert gc.isenabled()
    assert gc.get_freeze_count() > len(jobs)  # out of the collector's sight for the build


def test_a_markdown_worker_collects_less_often_and_not_what_it_inherited() -> None:
    with ProcessPoolExecutor(1, initializer=workers._init_markdown_worker) as pool:
        threshold, frozen = pool.submit(_collector_state).result()
    assert threshold == workers.MARKDOWN_GC_THRESHOLD
    assert frozen > 0


def _collector_state() -> tuple[int, int]:
    return gc.get_threshold()[0], gc.get_freeze_count()


def test_the_dev_server_build_leaves_nothing_frozen(site: Path) -> None:
    result = build(site, BuildOptions(out_dir=site / "served", cache=BuildCache()))
    assert result.ok and result.stats.markdown_rendered > workers.MIN_PARALLEL  # in workers
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_the_dev_server_settles_the_collector_while_idle_and_builds_unfreeze_it(
    site: Path,
) -> None:
    """A full collection walking the whole site fell due during some patch (0.4 s at 10,000
    posts): the server collects while idle and keeps the collector off what stays."""
    options = BuildOptions(out_dir=site / "served", cache=BuildCache())
    assert build(site, options).ok
    assert gc.get_freeze_count() == 0
    warm_for_patches(site, options)
    frozen = gc.get_freeze_count()
    assert frozen > 0
    post = next((site / "content").rglob("*.md"))
    post.write_text(post.read_text() + "\nMore.\n")
    patched = build(site, replace(options, changed=(post,)))
    assert patched.ok and patched.stats.markdown_rendered == 1
    assert gc.get_freeze_count() > frozen // 2  # a patch leaves it frozen
    options.cache.last_build = None  # type: ignore[union-attr]
    assert build(site, options).ok  # a full build
    assert gc.get_freeze_count() == 0
