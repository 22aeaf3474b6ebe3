"""Compiling many regexes that share big character classes: each class optimised once.

Pygments' lexers spell identifiers with the Unicode ``XID_Start``/``XID_Continue`` classes, some
1,500 characters of ranges each, and repeat them in many rules; ``fastlex`` then joins each
state's rules into one regex, which holds them again. ``re`` turns every occurrence of a class
into a bitmap from scratch (``re._compiler._optimize_charset``): that was most of the 62 ms a
process spent compiling Python's lexer, paid by every Markdown worker of a cold build.

``charsets_shared`` remembers that step's result by its arguments while a lexer compiles. The
step is a pure function of them (the class's items, and the case-folding functions and table
for ``IGNORECASE``), so the compiled regexes are the same; tests compare the compiled code.
Where ``re`` has no such step (another Python), nothing is remembered.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

MAX_REMEMBERED = 2048
"""Optimised classes kept at most (the memo is emptied when full)."""

_COMPILER: Any = getattr(re, "_compiler", None)
_OPTIMIZE: Callable[..., tuple[list[Any], bool]] | None = getattr(
    _COMPILER, "_optimize_charset", None
)
_REMEMBERED: dict[tuple[Any, ...], tuple[list[Any], bool]] = {}
_LOCK = threading.Lock()
_depth = 0


def _optimize_once(
    charset: list[Any], iscased: Any = None, fixup: Any = None, fixes: Any = None
) -> tuple[list[Any], bool]:
    """``_optimize_charset``, answered from the memo when these arguments were seen."""
    assert _OPTIMIZE is not None
    try:
        key = (tuple(charset), iscased, fixup, None if fixes is None else id(fixes))
        found = _REMEMBERED.get(key)
    except TypeError:  # an unhashable item: not remembered
        return _OPTIMIZE(charset, iscased, fixup, fixes)
    if found is None:
        if len(_REMEMBERED) >= MAX_REMEMBERED:
            _REMEMBERED.clear()
        found = _REMEMBERED[key] = _OPTIMIZE(charset, iscased, fixup, fixes)
    items, has_cased = found
    return list(items), has_cased  # a new list: the caller owns it, as with the original


@contextmanager
def charsets_shared() -> Iterator[None]:
    """Within the block, ``re`` optimises each distinct character class once (nestable)."""
    global _depth
    if _OPTIMIZE is None:
        yield
        return
    with _LOCK:
        _depth += 1
        if _depth == 1:
            _COMPILER._optimize_charset = _optimize_once
    try:
        yield
    finally:
        with _LOCK:
            _depth -= 1
            if _depth == 0:
                _COMPILER._optimize_charset = _OPTIMIZE


__all__ = ["charsets_shared"]
