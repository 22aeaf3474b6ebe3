"""Render cache misses on every core (DESIGN.md §8): one process per core, forked, in order."""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from multiprocessing.reduction import ForkingPickler
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from blog.bodies import BodySpan, BodyStore
from blog.errors import Diagnostic, Diagnostics
from blog.fastpickle import collector_paused, fast_reducers
from blog.pages import LoadedPage, PageSettings, load_page
from blog.templates import Environment, TemplateFailure, render_template
from blog.threadwrite import ThreadWriter, thread_writer
from blog.writer import Staging

if TYPE_CHECKING:  # plan imports site, which imports content, which imports this module
    from blog.plan import TemplateOutput

MIN_PARALLEL = 48
"""Fewer misses than this render in this process: starting workers would cost more."""
MAX_CHUNK = 64
"""Most pages sent to a Markdown worker at once (small chunks keep both workers busy)."""
MARKDOWN_GC_THRESHOLD = 50_000
"""Allocations between two young collections in a Markdown worker (Python's default: 700)."""

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


Rendered = tuple[LoadedPage, BodySpan | None]
"""A page loaded by a Markdown worker, and where it put its body aside (None: it did not)."""

_WORKER_STORE: list[BodyStore] = []
"""A Markdown worker's place to put bodies aside (inherited across the fork, never pickled)."""


def _render_chunk(jobs: Sequence[Job], settings: PageSettings) -> list[Rendered]:
    loaded = [_render(job, settings) for job in jobs]
    if not _WORKER_STORE:
        return [(page, None) for page in loaded]
    store, done = _WORKER_STORE[0], list[Rendered]()
    for one in loaded:
        if one.page is None:
            done.append((one, None))
        else:
            page, span = store.write_body(one.page)
            done.append((replace(one, page=page), span))
    return done


class PageRenderer:
    """Renders the pages of a load while their files are still being read, in order.

    Once ``MIN_PARALLEL`` jobs wait, the workers are forked (where the platform allows: they
    start with the parser and the lexers imported, and with only the few files read so far
    in their memory) and every full chunk goes to them at once, so reading the other files
    overlaps rendering. Fewer jobs than that render in this process, in ``results``.
    """

    def __init__(
        self, settings: PageSettings, expected: int, store: BodyStore | None = None
    ) -> None:
        """``expected``: about how many jobs may come (it sizes the chunks).

        With a ``store``, pages come back light: the workers put their bodies aside there.
        """
        self.settings = settings
        self.store = store
        self.workers = min(worker_count(), max(1, expected // (MIN_PARALLEL // 2)))
        self.size = max(8, min(MAX_CHUNK, expected // (self.workers * 8)))
        self.left = expected
        self.pending: list[Job] = []
        self.futures: list[Future[list[Rendered]]] = []
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> PageRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def add(self, job: Job) -> None:
        """Take one page to render (its result comes back in ``results``, in this order)."""
        self.pending.append(job)
        if self.workers < 2:
            return
        if self.pool is None and len(self.pending) >= MIN_PARALLEL:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context(method),
                initializer=_init_markdown_worker,
                initargs=(self.store if method == "fork" else None,),
            )
        if self.pool is not None and len(self.pending) >= self._chunk_size():
            self._submit()

    def _chunk_size(self) -> int:
        """Return how many jobs the next chunk takes: fewer towards the end of the load.

        The last chunks are small, so that no worker is left rendering a big one alone.
        """
        return max(8, min(self.size, self.left // (self.workers * 4)))

    def results(self, meanwhile: Callable[[], None] = lambda: None) -> list[LoadedPage]:
        """Return the loaded page of every job, in the order they were added.

        ``meanwhile`` is done by this process while the workers render (before, without them).
        """
        if self.pool is None:
            meanwhile()
            pages = [self._light(_render(job, self.settings)) for job in self.pending]
            self.pending = []
            return pages
        self._submit()
        meanwhile()
        # The pages coming back make no garbage and live as long as the build: the
        # collector, left on, walked all of them again at each full collection (2.7 s of
        # this process's time at 10,000 posts, taken from the workers' cores).
        loaded: list[LoadedPage] = []
        with collector_paused():
            while self.futures:  # each future dropped once read, with the chunk it holds
                loaded += (self._adopted(*item) for item in self.futures.pop(0).result())
        return loaded

    def _light(self, loaded: LoadedPage) -> LoadedPage:
        if self.store is None or loaded.page is None:
            return loaded
        return replace(loaded, page=self.store.put_aside(loaded.page))

    def _adopted(self, loaded: LoadedPage, span: BodySpan | None) -> LoadedPage:
        if span is None or loaded.page is None:
            return self._light(loaded)  # a worker without the store (spawned): here
        assert self.store is not None
        return replace(loaded, page=self.store.adopt(loaded.page, span))

    def _submit(self) -> None:
        assert self.pool is not None
        if self.pending:
            self.futures.append(self.pool.submit(_render_chunk, self.pending, self.settings))
            self.left -= len(self.pending)
            self.pending = []


def _init_markdown_worker(store: BodyStore | None = None) -> None:
    """Keep a Markdown worker's collector off what it inherited, and run it less often.

    With a ``store`` (inherited across the fork), the worker puts the bodies aside there.

    Rendering makes and frees many short-lived objects (markdown-it tokens, by reference
    counting); at Python's default threshold the collector ran over a thousand times per
    thousand pages, 3% of the rendering time.
    """
    _WORKER_STORE[:] = [store] if store is not None else []
    # The pool pickles the pages sent back in fastpickle's form: 0.08 s instead of 0.12 s per
    # 1,000 posts (the default calls Python twice per slotted dataclass each way).
    for kind, reducer in fast_reducers().items():
        ForkingPickler.register(kind, reducer)
    gc.freeze()
    gc.set_threshold(MARKDOWN_GC_THRESHOLD, *gc.get_threshold()[1:])


@dataclass(frozen=True, slots=True)
class _TemplateJob:
    """What the forked template workers render, and where they write it."""

    env: Environment
    """The template environment."""
    outputs: Sequence[TemplateOutput]
    """Every output to render."""
    staging: Staging | None = None
    """The tree to write them into; None: return the rendered bytes instead."""
    ranges: Sequence[tuple[int, int]] = ()
    """Contiguous ranges of ``outputs``, taken one at a time by whichever process is free."""
    taken: Any = None
    """How many of ``ranges`` were taken: a counter in memory shared across the fork."""


# Set by the pool's initializer in each child only (the parent never reads it), so the job is
# inherited, not pickled.
_TEMPLATE_JOBS: list[_TemplateJob] = []

MIN_PARALLEL_TEMPLATES = 256
"""Fewer templates than this render in this process."""

RangeResult = tuple[int, list[str | None], list[Diagnostic]]
"""(index of a range, the digest of each of its outputs or None, its diagnostics)."""


def _init_template_worker(job: _TemplateJob) -> None:
    _TEMPLATE_JOBS[:] = [job]


def _render_template_range(start: int, stop: int) -> tuple[list[bytes | None], list[Diagnostic]]:
    job = _TEMPLATE_JOBS[0]
    diag = Diagnostics()
    return [_render_one(job.env, job.outputs[i], diag) for i in range(start, stop)], diag.items


def _render_one(env: Environment, output: TemplateOutput, diag: Diagnostics) -> bytes | None:
    try:
        return render_template(env, output.templates, output.context, diag).encode()
    except TemplateFailure:
        return None


def _write_one(
    env: Environment, output: TemplateOutput, writer: ThreadWriter, diag: Diagnostics
) -> Future[str] | None:
    """Render one output and queue it for the tree; None when it failed."""
    data = _render_one(env, output, diag)
    return None if data is None else writer.store(output.path, data)


def _write_taken(job: _TemplateJob, progress: Callable[[int], None] | None) -> list[RangeResult]:
    """Take the next range nobody took yet and render it into the tree, until none is left."""
    env, outputs, staging = job.env, job.outputs, job.staging
    assert staging is not None
    taken: list[tuple[int, list[Future[str] | None], list[Diagnostic]]] = []
    with thread_writer(staging) as writer:
        while True:
            with job.taken.get_lock():
                index = job.taken.value
                job.taken.value = index + 1
            if index >= len(job.ranges):
                break
            start, stop = job.ranges[index]
            diag = Diagnostics()
            queued = [_write_one(env, outputs[i], writer, diag) for i in range(start, stop)]
            taken.append((index, queued, diag.items))
            if progress is not None:
                progress(stop)
    return [(index, [_digest(f) for f in queued], items) for index, queued, items in taken]


def _digest(queued: Future[str] | None) -> str | None:
    return None if queued is None else queued.result()


def _write_taken_in_worker() -> list[RangeResult]:
    return _write_taken(_TEMPLATE_JOBS[0], None)


def _template_ranges(count: int, per_worker: int) -> list[tuple[int, int]]:
    """Return the contiguous ranges to render in forked workers; none when serial is better."""
    workers = worker_count()
    if (
        workers < 2
        or count < MIN_PARALLEL_TEMPLATES
        or "fork" not in (multiprocessing.get_all_start_methods())
    ):
        return []
    size = max(32, count // (workers * per_worker))
    return [(i, min(i + size, count)) for i in range(0, count, size)]


def _template_pool(job: _TemplateJob, workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_init_template_worker,
        initargs=(job,),
    )


def render_templates(
    env: Environment, outputs: Sequence[TemplateOutput], diag: Diagnostics
) -> list[bytes | None]:
    """Render each template output (None where it failed; the diagnostic is in ``diag``).

    Many outputs render in forked workers, each taking contiguous ranges, in order.
    """
    ranges = _template_ranges(len(outputs), 8)
    if not ranges:
        return [_render_one(env, output, diag) for output in outputs]
    results: list[bytes | None] = []
    with _template_pool(_TemplateJob(env, outputs), worker_count()) as pool:
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
    meanwhile: Callable[[], None] = lambda: None,
) -> int:
    """Render each template output straight into ``staging``; return how many rendered.

    ``meanwhile`` is done by this process once the workers have started, before it takes
    its share of the templates.

    A failed output is skipped (its diagnostic is in ``diag``). Many outputs render on every
    core: this process and one fewer forked workers than cores take contiguous ranges as they
    get free, and each writes its files itself: only digests and diagnostics come back, never
    the rendered text. (Each forked worker counts the parent's memory in its own RSS, so this
    process does a share of the work rather than wait for one more worker.) ``progress`` is
    told roughly how many are done.
    """
    helpers = worker_count() - 1
    ranges = _template_ranges(len(outputs), 16)
    if not ranges:
        meanwhile()
        queued: list[tuple[PurePosixPath, Future[str]]] = []
        with _frozen_heap(), thread_writer(staging) as writer:  # (_frozen_heap trims, too)
            for done, output in enumerate(outputs, start=1):
                written = _write_one(env, output, writer, diag)
                if written is not None:
                    queued.append((output.path, written))
                if progress is not None:
                    progress(done)
        for path, written in queued:
            staging.record(path, written.result())
        return len(queued)
    taken = multiprocessing.get_context("fork").Value("i", 0)
    job = _TemplateJob(env, outputs, staging, ranges, taken)
    with staging.shared_with_workers(), _template_pool(job, helpers) as pool, _frozen_heap():
        theirs = [pool.submit(_write_taken_in_worker) for _ in range(helpers)]
        meanwhile()
        trim_heap()  # what making the feeds and the search index freed
        results = _write_taken(job, progress)
        for future in theirs:
            results.extend(future.result())
        results.sort(key=lambda result: result[0])
        return _record(outputs, ranges, results, diag, staging)


def _record(
    outputs: Sequence[TemplateOutput],
    ranges: Sequence[tuple[int, int]],
    results: list[RangeResult],
    diag: Diagnostics,
    staging: Staging,
) -> int:
    """Record the digests of each range's outputs, in order; return how many rendered."""
    rendered = 0
    for index, digests, problems in results:
        start, stop = ranges[index]
        for output, digest in zip(outputs[start:stop], digests, strict=True):
            if digest is not None:
                staging.record(output.path, digest)
                rendered += 1
        diag.extend(problems)
    if len(results) != len(ranges):
        raise RuntimeError(f"{len(ranges) - len(results)} ranges of templates were not rendered")
    return rendered


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Return freed memory to the system and keep the collector off the objects made so far.

    Forked workers start with the parent's resident memory, so what malloc still holds after
    the build freed it would count once per worker. The cyclic collector would otherwise walk
    every page of the site in each process over and over (rendering 16,000 outputs in one
    process took twice as long), writing to (and so copying) pages the workers share with
    the parent.
    """
    trim_heap()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def trim_heap() -> None:
    """Ask glibc to return the free parts of its heap to the system (elsewhere: nothing)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the running program's symbols: no ldconfig
    except (AttributeError, OSError):
        return
    trim(0)
