"""Markdown rendered on every core while the files are still being read (PageRenderer)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from blog import workers
from blog.build import page_settings
from blog.config import load_config
from blog.errors import Diagnostics
from blog.pages import PageSettings
from blog.workers import Job, PageRenderer


@pytest.fixture
def settings(make_site: Callable[..., Path]) -> PageSettings:
    return page_settings(load_config(make_site({}), Diagnostics()))


def jobs(count: int) -> list[Job]:
    return [
        (
            PurePosixPath(f"posts/p{n}.md"),
            f"---\ntitle: P{n}\n---\n## Part {n}\n\n```python\nprint({n})\n```\n",
            Path(f"p{n}.md"),
        )
        for n in range(count)
    ]


def test_workers_start_early_and_take_chunks_as_they_fill(
    settings: PageSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BLOG_WORKERS", "2")
    todo = jobs(300)
    with PageRenderer(settings, len(todo)) as renderer:
        for n, job in enumerate(todo, start=1):
            renderer.add(job)
            assert (renderer.pool is not None) == (n >= workers.MIN_PARALLEL)
        # sent while "reading": all of the first MIN_PARALLEL at once, then chunk by chunk
        assert len(renderer.futures) >= (300 - workers.MIN_PARALLEL) // renderer.size
        parallel = renderer.results()
        assert renderer.futures == []  # each dropped once read (it holds its pickled chunk)
    monkeypatch.setenv("BLOG_WORKERS", "1")
    with PageRenderer(settings, len(todo)) as renderer:
        for job in todo:
            renderer.add(job)
        assert renderer.pool is None
        serial = renderer.results()
    assert parallel == serial  # the same pages, in the order they were added
    assert [p.page.title for p in parallel if p.page] == [f"P{n}" for n in range(300)]


def test_a_few_pages_render_in_this_process(
    settings: PageSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BLOG_WORKERS", "2")
    with PageRenderer(settings, 10_000) as renderer:  # many files, few of them to render
        for job in jobs(workers.MIN_PARALLEL - 1):
            renderer.add(job)
        assert renderer.pool is None
        assert len(renderer.results()) == workers.MIN_PARALLEL - 1


def test_chunks_get_smaller_towards_the_end_of_the_load(
    settings: PageSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No worker is left rendering a big last chunk alone while the other waits."""
    monkeypatch.setenv("BLOG_WORKERS", "2")
    renderer = PageRenderer(settings, 1000)
    sizes = []
    while renderer.left > 0:
        size = min(renderer._chunk_size(), renderer.left)
        sizes.append(size)
        renderer.left -= size
    assert sizes[0] == renderer.size == 62  # 1,000 jobs, 2 workers: 8 chunks each at first
    assert sizes == sorted(sizes, reverse=True)
    assert max(sizes[-4:]) == 8  # the last chunks: about 15 ms of work each
    assert sum(sizes) == 1000
