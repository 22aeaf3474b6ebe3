"""Feeds patched without copying: the last bytes with some pages' parts replaced, as pieces.

A patch changes one page's ``<item>`` in a feed and its record in ``index.json``. Joining the
bytes around it into new bytes copied the whole file each time (49 MB for the search index of
10,000 posts: 18 ms, a fifth of a serve patch). ``Pieces`` keeps spans of the old bytes and
the new parts side by side; the dev server writes them one after the other, and they are
joined only where bytes are needed (``blog build`` hashes what it publishes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO, TypeVar

MAX_PIECES = 64
"""More pieces than this (after many patches) are joined back into one."""

Span = tuple[bytes, int, int]
"""``data[start:stop]``, kept as (data, start, stop) so nothing is copied."""

_Page = TypeVar("_Page")


@dataclass(frozen=True, slots=True)
class Pieces:
    """Bytes kept as consecutive spans of other bytes."""

    spans: tuple[Span, ...]

    def __len__(self) -> int:
        return sum(stop - start for _, start, stop in self.spans)

    def __bytes__(self) -> bytes:
        return b"".join(memoryview(data)[start:stop] for data, start, stop in self.spans)

    def write_to(self, handle: BinaryIO) -> None:
        """Write the spans in order, without joining them."""
        for data, start, stop in self.spans:
            handle.write(memoryview(data)[start:stop])


Data = bytes | Pieces
"""An output's bytes: whole, or in pieces."""


@dataclass(frozen=True, slots=True)
class Stream:
    """Bytes made chunk by chunk each time they are read, never held whole.

    A full build writes the search index this way: its records are 49 MB at 10,000 posts,
    and held at once they were the build's memory peak. Reading twice makes them twice (the
    writer digests them, then writes them unless the tree holds them already).
    """

    chunks: Callable[[], Iterable[bytes]]

    def write_to(self, handle: BinaryIO) -> None:
        """Write the chunks in order."""
        for chunk in self.chunks():
            handle.write(chunk)


def replace_once(data: Data, before: bytes, after: bytes) -> Pieces | None:
    """Return ``data`` with the first ``before`` replaced by ``after``.

    None when ``before`` is not inside one span. Parts are replaced whole, so a later part is
    never split across spans by an earlier replacement.
    """
    spans = ((data, 0, len(data)),) if isinstance(data, bytes) else data.spans
    for index, (held, start, stop) in enumerate(spans):
        at = held.find(before, start, stop)
        if at < 0:
            continue
        new = ((held, start, at), (after, 0, len(after)), (held, at + len(before), stop))
        result = (*spans[:index], *(s for s in new if s[2] > s[1]), *spans[index + 1 :])
        if len(result) > MAX_PIECES:
            joined = bytes(Pieces(result))
            return Pieces(((joined, 0, len(joined)),))
        return Pieces(result)
    return None


def spliced(
    old: Data | None,
    pairs: Iterable[tuple[_Page, _Page]],
    part: Callable[[_Page], bytes | None] | None,
) -> Data | None:
    """Return the last bytes of a feed-like output with each old page's part replaced.

    ``pairs`` are (old page, new page); ``part`` gives a page's part of the output. None when
    it cannot be done exactly (no previous bytes, or a part not found once): the output is
    then made whole.
    """
    if old is None or part is None:
        return None
    data: Data = old
    for old_page, new_page in pairs:
        before, after = part(old_page), part(new_page)
        if before == after:
            continue
        if before is None or after is None:
            return None
        # A part holds its page's unique URL, and markup inside text is escaped: it is found
        # once or not at all (beyond the feed's limit).
        found = replace_once(data, before, after)
        if found is None:
            return None
        data = found
    return data
