"""Write the site: build it in a sibling folder, then swap it in atomically."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from blog.errors import BlogError
from blog.urls import is_safe_output

log = logging.getLogger(__name__)

MARKER = ".blog-output"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteReport:
    """What the write changed."""

    written: int
    """Files whose bytes are new."""
    unchanged: int
    """Files kept from the previous site (hard-linked)."""
    removed: int
    """Files of the previous site that are gone."""


def check_output_dir(out_dir: Path, site_root: Path) -> None:
    """Refuse an output folder we must not replace (the site, its parent, foreign folders)."""
    out = out_dir.resolve()
    root = site_root.resolve()
    if out == root or out in root.parents:
        raise BlogError(
            f"refusing to write into {out_dir}: it holds the site itself\n"
            "    hint: use the default `public` or another new folder for -d/--destination"
        )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise BlogError(
            f"refusing to replace {out_dir}: it is not empty and was not made by blog\n"
            "    hint: choose an empty folder, or delete this one yourself"
        )


def _staging_names(out_dir: Path) -> tuple[Path, Path]:
    parent, name = out_dir.parent, out_dir.name
    return parent / f".{name}-new-{os.getpid()}", parent / f".{name}-old-{os.getpid()}"


def recover(out_dir: Path) -> None:
    """Repair what an interrupted build left: restore a lost output folder, drop temp ones."""
    parent, name = out_dir.parent, out_dir.name
    if not parent.is_dir():
        return
    leftovers = sorted(parent.glob(f".{name}-old-*")) + sorted(parent.glob(f".{name}-new-*"))
    for leftover in leftovers:
        complete = (leftover / MARKER).exists()
        if not out_dir.exists() and complete:
            log.warning("restoring %s from an interrupted build", out_dir)
            leftover.rename(out_dir)
            continue
        shutil.rmtree(leftover, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step with Linux renameat2; False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def write_site(
    out_dir: Path, files: Mapping[PurePosixPath, bytes | Path], *, site_root: Path
) -> WriteReport:
    """Write ``files`` (bytes, or a path to copy) as the complete new content of ``out_dir``."""
    check_output_dir(out_dir, site_root)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    staging, old = _staging_names(out_dir)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    written = unchanged = 0
    made: set[Path] = {staging}
    for rel, data in sorted(files.items()):
        if not is_safe_output(rel):
            raise BlogError(f"refusing to write outside the output folder: {rel}")
        target = staging / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if _place(target, out_dir / rel, data):
            unchanged += 1
        else:
            written += 1
    (staging / MARKER).write_text("made by blog; safe to delete\n")
    previous = _relative_files(out_dir)
    _swap_in(staging, out_dir, old)
    removed = len(previous - {r.as_posix() for r in files} - {MARKER, ".nojekyll"})
    return WriteReport(written=written, unchanged=unchanged, removed=removed)


def _place(target: Path, previous: Path, data: bytes | Path) -> bool:
    """Create ``target``; hard-link the previous file when its bytes are the same."""
    content = data.read_bytes() if isinstance(data, Path) else data
    try:
        if previous.stat().st_size == len(content) and previous.read_bytes() == content:
            os.link(previous, target)
            return True
    except OSError:
        pass
    target.write_bytes(content)
    return False


def _relative_files(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {
        (Path(dirpath) / f).relative_to(folder).as_posix()
        for dirpath, _, names in os.walk(folder)
        for f in names
    }


def _swap_in(staging: Path, out_dir: Path, old: Path) -> None:
    """Replace ``out_dir`` by ``staging`` so a reader sees one or the other, never a mix."""
    if out_dir.exists():
        if _exchange(staging, out_dir):
            shutil.rmtree(staging, ignore_errors=True)
            return
        out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
        return
    staging.rename(out_dir)
