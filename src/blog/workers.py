"""Render cache misses on every core (DESIGN.md §8): one process per core, forked, in order."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath

from blog.pages import LoadedPage, PageSettings, load_page

MIN_PARALLEL = 48
"""Fewer misses than this render in this process: starting workers would cost more."""

Job = tuple[PurePosixPath, str, Path]
"""(path under content/, text, file path) of one page to render."""


def worker_count() -> int:
    """Return how many processes to render with (``BLOG_WORKERS`` overrides; 1 = serial)."""
    configured = os.environ.get("BLOG_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


def _render(job: Job, settings: PageSettings) -> LoadedPage:
    rel, text, file_path = job
    return load_page(rel, text, file_path=file_path, settings=settings)


def _render_chunk(jobs: Sequence[Job], settings: PageSettings) -> list[LoadedPage]:
    return [_render(job, settings) for job in jobs]


def render_pages(jobs: Sequence[Job], settings: PageSettings) -> list[LoadedPage]:
    """Return the loaded page of each job, in the jobs' order.

    Workers are forked (where the platform allows) so they start with the parser and the
    lexers already imported; each gets contiguous chunks, so results come back in order.
    """
    workers = min(worker_count(), max(1, len(jobs) // (MIN_PARALLEL // 2)))
    if workers < 2 or len(jobs) < MIN_PARALLEL:
        return [_render(job, settings) for job in jobs]
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    size = max(8, len(jobs) // (workers * 8))
    chunks = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        results = pool.map(_render_chunk, chunks, [settings] * len(chunks))
        return [page for chunk in results for page in chunk]
