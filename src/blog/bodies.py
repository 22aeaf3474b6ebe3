"""Page bodies put aside in a temporary file while ``blog build`` runs (issue #7, memory).

A page's rendered HTML, table of contents, plain text and links are four fifths of its
memory (165 of 200 MiB at 10,000 posts), yet each is used in a handful of places: its own
page, the search index, full-content feeds, the check of its links. A ``BodyStore`` keeps
them in an unlinked temporary file, and the build holds *light* pages: the same ``Page``
with those slots left unset. Reading one (``page.html``, from Python or a template) reads
the body back (``Page.__getattr__``), so every stage works on light pages unchanged.

Forked Markdown workers write the bodies they render into the file themselves (each takes
its span from a counter shared across the fork) and send back pages without them; forked
template workers inherit the open file and read it with ``pread``.

Only a one-shot build of a big site does this (``LIGHT_PAGES_FROM``): the dev server keeps its
pages whole between rebuilds, and a small site's bodies cost less memory than time to set aside.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from blog.fastpickle import dumps
from blog.model import BODY_ASIDE, EMPTY_BODY, Page, read_bodies_with

log = logging.getLogger(__name__)

_KEPT = tuple(
    (f.name, getattr(Page, f.name).__set__) for f in fields(Page) if f.name not in BODY_ASIDE
)
_INDEX = {name: index for index, name in enumerate(BODY_ASIDE)}

LIGHT_PAGES_FROM = 2_000
"""Content files from which ``blog build`` puts bodies aside.

Whole, a page's body holds about 17 KiB (33 MiB at 2,000 pages); setting it aside and reading
it back costs about 0.1 ms of CPU per page.
"""

BodySpan = tuple[int, int]
"""(offset, length) of one page's body in the file."""


class BodyStore:
    """Where one build keeps its regular pages' bodies, by source file."""

    def __init__(self, folder: Path | None = None) -> None:
        """Open the file in ``folder`` (the system's temporary folder by default).

        Raises OSError when no file can be made there.
        """
        self._file = tempfile.TemporaryFile(prefix="blog-bodies-", dir=folder)  # noqa: SIM115 (closed by close())
        self._fd = self._file.fileno()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        self._end = context.Value("q", 0)  # shared with the processes forked from here
        self._where: dict[Path, BodySpan] = {}
        self._last: tuple[Page, tuple[Any, ...]] | None = None

    def put_aside(self, page: Page) -> Page:
        """Return ``page`` light, its body kept here (a section or home page stays whole).

        A page whose body cannot be written (a full disk) stays whole: the build goes on.
        """
        if page.kind != "page" or not _holds_body(page):
            return page
        if page.file_path not in self._where:
            try:
                self._where[page.file_path] = self._write(page)
            except OSError:
                return page
        return _light(page)

    def write_body(self, page: Page) -> tuple[Page, BodySpan | None]:
        """Keep a regular page's body; return the page without it, and where it went.

        For a Markdown worker: what it sends back is small, and ``adopt`` makes it light.
        A body that cannot be written is sent back with its page.
        """
        if page.kind != "page":
            return page, None
        try:
            span = self._write(page)
        except OSError:
            return page, None
        return replace(page, **EMPTY_BODY), span

    def adopt(self, page: Page, span: BodySpan | None) -> Page:
        """Return the light page of a page ``write_body`` emptied (``span``: its body)."""
        if span is None:
            return page
        self._where.setdefault(page.file_path, span)
        return _light(page)

    def read(self, page: Page, name: str) -> Any:
        """Return one body field of a light page (the last page's fields are kept at hand)."""
        last = self._last
        if last is None or last[0] is not page:
            span = self._where.get(page.file_path)
            if span is None:
                raise AttributeError(f"no body was put aside for {page.file_path}")
            offset, length = span
            last = self._last = (page, pickle.loads(os.pread(self._fd, length, offset)))
        return last[1][_INDEX[name]]

    def close(self) -> None:
        """Drop every body (the file goes with its last open descriptor)."""
        self._last = None
        self._file.close()

    def _write(self, page: Page) -> BodySpan:
        data = dumps(tuple(getattr(page, name) for name in BODY_ASIDE))
        with self._end.get_lock():
            offset = self._end.value
            self._end.value = offset + len(data)
        os.pwrite(self._fd, data, offset)
        return offset, len(data)


def has_files(folder: Path, least: int) -> bool:
    """Whether ``folder`` and its subfolders hold at least ``least`` files (it stops there).

    Any folder, even a missing one, holds at least 0 files.
    """
    if least <= 0:
        return True
    left = least
    folders = [folder]
    while folders:
        try:
            entries = os.scandir(folders.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                else:
                    left -= 1
                    if left <= 0:
                        return True
    return False


def _light(page: Page) -> Page:
    light: Any = object.__new__(Page)
    for name, setter in _KEPT:
        setter(light, getattr(page, name))
    return light  # type: ignore[no-any-return]


def _holds_body(page: Page) -> bool:
    """Whether the page still has its body slots set (it is not light already)."""
    try:
        object.__getattribute__(page, BODY_ASIDE[0])
    except AttributeError:
        return False
    return True


@contextmanager
def bodies_aside(folder: Path | None = None) -> Iterator[BodyStore | None]:
    """Keep regular pages' bodies in a temporary file for the time of a build.

    Yields None when no temporary file can be made: the pages then stay whole in memory.
    """
    try:
        store = BodyStore(folder)
    except OSError as exc:
        log.warning("page bodies stay in memory: no temporary file (%s)", exc)
        yield None
        return
    read_bodies_with(store.read)
    try:
        yield store
    finally:
        read_bodies_with(None)
        store.close()
