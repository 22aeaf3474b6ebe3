"""Render cache misses on every core (DESIGN.md §8): one process per core, forked, in order."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from blog.errors import Diagnostic, Diagnostics
from blog.pages import LoadedPage, PageSettings, load_page
from blog.templates import Environment, TemplateFailure, render_template

if TYPE_CHECKING:  # plan imports site, which imports content, which imports this module
    from blog.plan import TemplateOutput

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


# What the forked template workers render: set by the pool's initializer in each child only
# (the parent never reads it), so the outputs and the environment are inherited, not pickled.
_TEMPLATE_JOBS: list[tuple[Environment, Sequence[TemplateOutput]]] = []

MIN_PARALLEL_TEMPLATES = 256
"""Fewer templates than this render in this process."""


def _init_template_worker(env: Environment, outputs: Sequence[TemplateOutput]) -> None:
    _TEMPLATE_JOBS[:] = [(env, outputs)]


def _render_template_range(start: int, stop: int) -> tuple[list[bytes | None], list[Diagnostic]]:
    env, outputs = _TEMPLATE_JOBS[0]
    diag = Diagnostics()
    return [_render_one(env, outputs[i], diag) for i in range(start, stop)], diag.items


def _render_one(env: Environment, output: TemplateOutput, diag: Diagnostics) -> bytes | None:
    try:
        return render_template(env, output.templates, output.context, diag).encode()
    except TemplateFailure:
        return None


def render_templates(
    env: Environment, outputs: Sequence[TemplateOutput], diag: Diagnostics
) -> list[bytes | None]:
    """Render each template output (None where it failed; the diagnostic is in ``diag``).

    Many outputs render in forked workers, each taking contiguous ranges, in order.
    """
    workers = worker_count()
    if (
        workers < 2
        or len(outputs) < MIN_PARALLEL_TEMPLATES
        or "fork" not in (multiprocessing.get_all_start_methods())
    ):
        return [_render_one(env, output, diag) for output in outputs]
    size = max(32, len(outputs) // (workers * 8))
    ranges = [(i, min(i + size, len(outputs))) for i in range(0, len(outputs), size)]
    context = multiprocessing.get_context("fork")
    results: list[bytes | None] = []
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_template_worker,
        initargs=(env, outputs),
    ) as pool:
        for texts, problems in pool.map(_render_template_range, *zip(*ranges, strict=True)):
            results.extend(texts)
            diag.extend(problems)
    return results
