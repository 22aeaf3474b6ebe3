"""Pickling for the caches: frozen dataclasses as field tuples, paths as text.

The default pickling of slotted dataclasses calls ``dataclasses.fields`` for every object;
this form is several times faster both ways, which is most of a warm build's load and save.
"""

from __future__ import annotations

import gc
import io
import pickle
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from operator import attrgetter
from pathlib import Path, PosixPath, PurePosixPath
from typing import IO, Any

from blog.errors import Diagnostic
from blog.model import Link, Page, TermRef, TocEntry
from blog.pages import LoadedPage


def make(kind: type, values: tuple[Any, ...]) -> Any:
    """Rebuild a frozen dataclass from its field values.

    The slots are filled through their descriptors: no ``__init__``, no frozen-check per field.
    """
    setters = _SETTERS[kind]
    if len(values) != len(setters):
        raise pickle.UnpicklingError(f"{kind.__name__}: {len(values)} values for {len(setters)}")
    obj: Any = object.__new__(kind)
    for setter, value in zip(setters, values):  # noqa: B905 (lengths checked above, faster)
        setter(obj, value)
    return obj


def _path(text: str, kind: Any) -> PurePosixPath | Path:
    if not _FROM_PARTS:
        return kind(text)  # type: ignore[no-any-return]
    # The text is a path's own str(): already normal, so split it as pathlib would, interning
    # the parts as pathlib does (10,000 pages' paths share a few dozen of them: 6 MB).
    if text.startswith("/"):
        rest = [*map(sys.intern, text[1:].split("/"))] if len(text) > 1 else []
        return kind._from_parsed_parts("", "/", ["/", *rest])  # type: ignore[no-any-return]
    parts = [*map(sys.intern, text.split("/"))] if text != "." else []
    return kind._from_parsed_parts("", "", parts)  # type: ignore[no-any-return]


# Python 3.11's pathlib builds a path from its parts without parsing them again; a build loads
# some 20,000 paths per 10,000 posts, and parsing them was a fifth of loading a saved build.
# Later versions changed these internals: they parse (tests compare both ways).
_FROM_PARTS = sys.version_info[:2] == (3, 11) and hasattr(PurePosixPath, "_from_parsed_parts")


_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
_SETTERS: dict[type, tuple[Any, ...]] = {}


def register(*kinds: type) -> None:
    """Pickle these frozen slotted dataclasses in the fast form."""
    for kind in kinds:
        names = tuple(f.name for f in fields(kind))
        # attrgetter makes the tuple of values in C (it returns a bare value for one name)
        _GETTERS[kind] = attrgetter(*names) if len(names) > 1 else _one(attrgetter(*names))
        _SETTERS[kind] = tuple(getattr(kind, name).__set__ for name in names)


def _one(getter: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    return lambda obj: (getter(obj),)


register(Page, Link, TocEntry, TermRef, Diagnostic, LoadedPage)


class FastPickler(pickle.Pickler):
    """A pickler writing registered dataclasses and paths in the fast form."""

    def reducer_override(self, obj: Any) -> Any:
        """Return the fast form of a registered dataclass or a path; else the default."""
        kind = type(obj)
        if kind in _GETTERS or kind is PurePosixPath or isinstance(obj, Path):
            return reduce(obj)
        return NotImplemented


def reduce(obj: Any) -> tuple[Any, tuple[Any, ...]]:
    """Return the fast form of a registered dataclass or a path (for ``copyreg``-style tables)."""
    kind = type(obj)
    values = _GETTERS.get(kind)
    if values is not None:
        return make, (kind, values(obj))
    return _path, (str(obj), kind)


def fast_reducers() -> dict[type, Any]:
    """Return a dispatch table pickling the registered dataclasses and paths the fast way."""
    return dict.fromkeys((*_GETTERS, PurePosixPath, PosixPath), reduce)


def dump(obj: object, handle: IO[bytes]) -> None:
    """Pickle ``obj`` into an open binary file."""
    FastPickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)


def dumps(obj: object) -> bytes:
    """Return ``obj`` pickled."""
    buffer = io.BytesIO()
    dump(obj, buffer)
    return buffer.getvalue()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a cache is loaded, then exempt what it made.

    Loading makes hundreds of thousands of objects, none of them garbage, and they live as
    long as the build: the collector would walk them all again and again (at 10,000 posts
    three quarters of loading the saved build: 0.73 s against 0.22 s), and once more at its
    next full collection. ``gc.freeze`` moves them out of its sight (reference counting
    still frees them). Only ``blog build`` processes load caches; the dev server keeps its
    own in memory.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
