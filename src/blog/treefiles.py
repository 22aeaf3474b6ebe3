"""One file of a staging tree: made in place when new, through a temporary file otherwise.

A staging tree may share inodes with the live site (files kept from it are hard-linked), so a
file it already holds is never written through: it is replaced by a rename.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from blog.splice import Data, Pieces, Stream


class Keep:
    """Marks an output whose bytes are unchanged: the previous file is linked, not rewritten."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep()


class StaleOutput(Exception):
    """An output marked KEEP has no previous file to keep: render everything again."""


def replace_file(
    target: Path,
    live_file: Path,
    data: Data | Stream | Path | Keep,
    *,
    is_live_same: bool,
    is_new: bool,
) -> None:
    """Put new content at ``target`` without touching a file it may share an inode with.

    When the live site has the same file, it is hard-linked rather than written. ``is_new``:
    the tree holds nothing at ``target`` (the file is made in place, no temporary file).
    """
    if is_live_same or isinstance(data, Keep):
        try:
            place_file(target, lambda path: os.link(live_file, path), is_new=is_new)
            return
        except OSError:
            if isinstance(data, Keep):
                raise StaleOutput from None
    if isinstance(data, Keep):
        raise StaleOutput
    place_file(target, lambda path: create_file(path, data), is_new=is_new)


def place_file(target: Path, make: Callable[[Path], None], *, is_new: bool) -> None:
    """Make a file at ``target`` with ``make(path)``, never writing through an existing file.

    A new path is made in place (the tree has no manifest until it is complete, so a half
    made file is never trusted); an existing one is replaced through a temporary file and a
    rename, since its inode may be shared with the live site.
    """
    if is_new:
        try:
            make(target)
            return
        except FileExistsError:
            pass  # the manifest did not list it: replace it all the same
    temp = target.with_name(f".{target.name}.blog-tmp")
    try:
        make(temp)
    except FileExistsError:
        temp.unlink()
        make(temp)
    temp.replace(target)


def create_file(path: Path, data: Data | Stream | Path) -> None:
    """Create ``path`` (it must not exist) holding ``data`` or a copy of the file ``data``."""
    if isinstance(data, Path):
        with data.open("rb") as source, path.open("xb") as out:
            shutil.copyfileobj(source, out)
        return
    if isinstance(data, Pieces | Stream):
        with path.open("xb") as out:
            data.write_to(out)
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def write_stream(path: Path, data: Stream) -> str:
    """Create ``path`` holding a stream's chunks; return their digest (``digest_of_bytes``)."""
    digest = hashlib.blake2b(digest_size=16)
    with path.open("xb") as out:
        for chunk in data.chunks():
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


__all__ = [
    "KEEP",
    "Keep",
    "StaleOutput",
    "create_file",
    "place_file",
    "replace_file",
    "write_stream",
]
