"""Render cache misses on every core (DESIGN.md §8): one process per core, forked, in order."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from blog.errors import Diagnostic, Diagnostics
from blog.pages import LoadedPage, PageSettings, load_page
from blog.templates import Environment, TemplateFailure, render_template
from blog.writer import Staging

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


# What the forked template workers render and where they write it: set by the pool's
# initializer in each child only (the parent never reads it), so the outputs, the environment
# and the staging tree are inherited, not pickled.
_TEMPLATE_JOBS: list[tuple[Environment, Sequence[TemplateOutput], Staging | None]] = []

MIN_PARALLEL_TEMPLATES = 256
"""Fewer templates than this render in this process."""


def _init_template_worker(
    env: Environment, outputs: Sequence[TemplateOutput], staging: Staging | None
) -> None:
    _TEMPLATE_JOBS[:] = [(env, outputs, staging)]


def _render_template_range(start: int, stop: int) -> tuple[list[bytes | None], list[Diagnostic]]:
    env, outputs, _ = _TEMPLATE_JOBS[0]
    diag = Diagnostics()
    return [_render_one(env, outputs[i], diag) for i in range(start, stop)], diag.items


def _write_template_range(start: int, stop: int) -> tuple[list[str | None], list[Diagnostic]]:
    env, outputs, staging = _TEMPLATE_JOBS[0]
    assert staging is not None
    diag = Diagnostics()
    return [_write_one(env, outputs[i], staging, diag) for i in range(start, stop)], diag.items


def _render_one(env: Environment, output: TemplateOutput, diag: Diagnostics) -> bytes | None:
    try:
        return render_template(env, output.templates, output.context, diag).encode()
    except TemplateFailure:
        return None


def _write_one(
    env: Environment, output: TemplateOutput, staging: Staging, diag: Diagnostics
) -> str | None:
    """Render one output into the staging tree; return its digest (None when it failed)."""
    data = _render_one(env, output, diag)
    return None if data is None else staging.store(output.path, data)


def _template_ranges(count: int) -> list[tuple[int, int]]:
    """Return the contiguous ranges to render in forked workers; none when serial is better."""
    workers = worker_count()
    if (
        workers < 2
        or count < MIN_PARALLEL_TEMPLATES
        or "fork" not in (multiprocessing.get_all_start_methods())
    ):
        return []
    size = max(32, count // (workers * 8))
    return [(i, min(i + size, count)) for i in range(0, count, size)]


def _template_pool(
    env: Environment, outputs: Sequence[TemplateOutput], staging: Staging | None
) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=worker_count(),
        mp_context=multiprocessing.get_context("fork"),
        initializer=_init_template_worker,
        initargs=(env, outputs, staging),
    )


def render_templates(
    env: Environment, outputs: Sequence[TemplateOutput], diag: Diagnostics
) -> list[bytes | None]:
    """Render each template output (None where it failed; the diagnostic is in ``diag``).

    Many outputs render in forked workers, each taking contiguous ranges, in order.
    """
    ranges = _template_ranges(len(outputs))
    if not ranges:
        return [_render_one(env, output, diag) for output in outputs]
    results: list[bytes | None] = []
    with _template_pool(env, outputs, None) as pool:
        for texts, problems in pool.map(_render_template_range, *zip(*ranges, strict=True)):
            results.extend(texts)
            diag.extend(problems)
    return results


def write_templates(
    env: Environment,
    outputs: Sequence[TemplateOutput],
    diag: Diagnostics,
    staging: Staging,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Render each template output straight into ``staging``; return how many rendered.

    A failed output is skipped (its diagnostic is in ``diag``). Many outputs render in forked
    workers, each taking contiguous ranges and writing its files itself: only digests and
    diagnostics come back, never the rendered text. ``progress`` is told how many are done.
    """
    ranges = _template_ranges(len(outputs))
    if not ranges:
        ranges = [(i, i + 1) for i in range(len(outputs))]
        results: Iterable[tuple[list[str | None], list[Diagnostic]]] = (
            ([_write_one(env, outputs[i], staging, diag)], []) for i, _ in ranges
        )
        return _record(outputs, ranges, results, diag, staging, progress)
    with staging.shared_with_workers(), _template_pool(env, outputs, staging) as pool:
        results = pool.map(_write_template_range, *zip(*ranges, strict=True))
        return _record(outputs, ranges, results, diag, staging, progress)


def _record(
    outputs: Sequence[TemplateOutput],
    ranges: list[tuple[int, int]],
    results: Iterable[tuple[list[str | None], list[Diagnostic]]],
    diag: Diagnostics,
    staging: Staging,
    progress: Callable[[int], None] | None,
) -> int:
    """Record the digests of each range's outputs as they come; return how many rendered."""
    rendered = 0
    for (start, stop), (digests, problems) in zip(ranges, results, strict=True):
        for output, digest in zip(outputs[start:stop], digests, strict=True):
            if digest is not None:
                staging.record(output.path, digest)
                rendered += 1
        diag.extend(problems)
        if progress is not None:
            progress(stop)
    return rendered
