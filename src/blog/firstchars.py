"""Which ASCII characters a regex's match can start with: for trying fewer regexes per position.

``first_chars(pattern)`` reads the pattern's parse tree (``re._parser``) and returns a set
that holds every ASCII character a non-empty match can start with, or None when it cannot
tell: the pattern may match the empty string (then it may match anywhere), it ignores case,
or it uses a construct this module does not read. The set may hold more than the pattern can
really start with (lookarounds and anchors are taken as matching), never less: a pattern
whose set lacks ``c`` never matches, at a position holding ``c``, anything but nothing.
Characters beyond ASCII are not answered for: a caller asks about ASCII ones only.

Tests check that promise on every rule of common Pygments lexers against random text.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_PARSER: Any = getattr(re, "_parser", None)
_C: Any = getattr(re, "_constants", None)

ASCII = frozenset(map(chr, range(128)))
"""The characters a set answers for."""

_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
    "CATEGORY_LINEBREAK": r"\n",
    "CATEGORY_NOT_LINEBREAK": r"[^\n]",
}

Found = tuple[frozenset[str] | None, bool]
"""(the first characters, None: any; whether the piece can match nothing)."""


class _Unknown(Exception):
    """A construct this module does not read: the answer is None."""


@cache
def first_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Return the ASCII characters a non-empty match of ``pattern`` can start with, or None."""
    if _PARSER is None or _C is None or not isinstance(pattern.pattern, str):
        return None
    try:
        parsed = _PARSER.parse(pattern.pattern, pattern.flags)
        chars, can_be_empty = _sequence(parsed, parsed.state.flags)
    except (_Unknown, re.error, RecursionError, AttributeError, TypeError, ValueError):
        return None
    return None if can_be_empty or chars is None else chars


def _sequence(items: Any, flags: int) -> Found:
    found: set[str] = set()
    for op, value in items:
        chars, can_be_empty = _item(op, value, flags)
        if chars is None:
            return None, True
        found |= chars
        if not can_be_empty:
            return frozenset(found), False
    return frozenset(found), True


def _item(op: Any, value: Any, flags: int) -> Found:
    if flags & re.IGNORECASE:
        raise _Unknown  # case folding maps some non-ASCII letters to ASCII ones
    if op is _C.LITERAL:
        return frozenset({chr(value)} & ASCII), False
    if op is _C.NOT_LITERAL:
        return ASCII - {chr(value)}, False
    if op is _C.ANY:
        return ASCII, False
    if op is _C.IN:
        return _charset(value, flags), False
    if op is _C.SUBPATTERN:
        _, add, remove, items = value
        return _sequence(items, (flags | add) & ~remove)
    if op is getattr(_C, "ATOMIC_GROUP", None):
        return _sequence(value, flags)
    if op is _C.BRANCH:
        found: set[str] = set()
        can_be_empty = False
        for branch in value[1]:
            chars, empty = _sequence(branch, flags)
            if chars is None:
                return None, True
            found |= chars
            can_be_empty = can_be_empty or empty
        return frozenset(found), can_be_empty
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
        least, _, items = value
        chars, can_be_empty = _sequence(items, flags)
        return chars, can_be_empty or least == 0
    if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
        return frozenset(), True  # consumes nothing (taken as always true: more, never less)
    raise _Unknown  # group references, conditionals, anything newer


def _charset(items: Any, flags: int) -> frozenset[str]:
    found: set[str] = set()
    negated = False
    for op, value in items:
        if op is _C.NEGATE:
            negated = True
        elif op is _C.LITERAL:
            found |= {chr(value)} & ASCII
        elif op is _C.RANGE:
            found.update(map(chr, range(value[0], min(value[1], 127) + 1)))
        elif op is _C.CATEGORY:
            found |= _category(value.name, flags & re.ASCII)
        else:
            raise _Unknown
    return ASCII - found if negated else frozenset(found)


@cache
def _category(name: str, ascii_flag: int) -> frozenset[str]:
    source = _CATEGORIES.get(name)
    if source is None:
        raise _Unknown
    regex = re.compile(source, ascii_flag)
    return frozenset(char for char in ASCII if regex.match(char))


__all__ = ["ASCII", "first_chars"]
