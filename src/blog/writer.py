"""Write the site so that ``public/`` is always a complete site: the old one or the new one.

The new site is made in a sibling folder and swapped in with one ``renameat2`` exchange. The
folder swapped out is kept as ``.public-spare`` and, next time, brought up to date in place
(only the files that differ are written) before the next swap: a warm build writes a handful
of files instead of re-creating thousands of folders. Each tree carries its manifest (path →
digest) in ``.blog-output``; a spare whose manifest is missing (a build killed while updating
it) is rebuilt from scratch.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
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


class Keep:
    """Marks an output whose bytes are unchanged: the previous file is linked, not rewritten."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep()


class StaleOutput(Exception):
    """An output marked KEEP has no previous file to keep: render everything again."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteReport:
    """What the write changed."""

    written: int
    """Files whose bytes are new."""
    unchanged: int
    """Files kept from the previous site."""
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


def spare_of(out_dir: Path) -> Path:
    """Return the folder the previous site is kept in, for the next build to update."""
    return out_dir.parent / f".{out_dir.name}-spare"


def read_manifest(tree: Path) -> dict[str, str] | None:
    """Return a tree's manifest (path → digest), or None when it has none or it is damaged."""
    try:
        data = json.loads((tree / MARKER).read_text(encoding="utf-8"))
        files = data["files"]
        return files if isinstance(files, dict) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def recover(out_dir: Path) -> None:
    """Repair what an interrupted build left: restore a lost output folder, drop temp ones."""
    parent, name = out_dir.parent, out_dir.name
    if not parent.is_dir():
        return
    leftovers = sorted(parent.glob(f".{name}-old-*")) + sorted(parent.glob(f".{name}-new-*"))
    spare = spare_of(out_dir)
    if spare.exists():
        leftovers.append(spare)
    for leftover in leftovers:
        complete = read_manifest(leftover) is not None
        if not out_dir.exists() and complete:
            log.warning("restoring %s from an interrupted build", out_dir)
            leftover.rename(out_dir)
        elif leftover != spare or not complete:
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


def _digest_of(data: bytes | Path | Keep, current: str | None) -> str:
    """Return the manifest digest of an output: of its bytes, its source's stat, or kept."""
    if isinstance(data, Keep):
        if current is None:
            raise StaleOutput
        return current
    if isinstance(data, Path):
        stat = data.stat()
        return f"stat:{stat.st_size}:{stat.st_mtime_ns}:{data}"
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def write_site(
    out_dir: Path, files: Mapping[PurePosixPath, bytes | Path | Keep], *, site_root: Path
) -> WriteReport:
    """Make ``out_dir`` hold exactly ``files`` (bytes, a file to copy, or KEEP), atomically.

    Raises StaleOutput when a KEEP output has nothing to keep.
    """
    check_output_dir(out_dir, site_root)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    for rel in files:
        if not is_safe_output(rel):
            raise BlogError(f"refusing to write outside the output folder: {rel}")
    current = read_manifest(out_dir) or {}
    wanted = {
        rel.as_posix(): _digest_of(d, current.get(rel.as_posix())) for rel, d in files.items()
    }
    written = sum(1 for rel, d in wanted.items() if current.get(rel) != d)
    report = WriteReport(
        written=written,
        unchanged=len(wanted) - written,
        removed=len(current.keys() - wanted.keys()),
    )
    if wanted == current and all((out_dir / rel).is_file() for rel in wanted):
        return report  # nothing changed: the site on disk is already this one
    spare, held = _prepare_spare(out_dir)
    _update_tree(spare, out_dir, files, wanted, held, current)
    _swap_in(spare, out_dir)
    return report


def _prepare_spare(out_dir: Path) -> tuple[Path, dict[str, str]]:
    """Return the spare tree and what it holds; its manifest is removed while it changes."""
    spare = spare_of(out_dir)
    held = read_manifest(spare)
    if held is None:
        shutil.rmtree(spare, ignore_errors=True)
        spare.mkdir()
        held = {}
    (spare / MARKER).unlink(missing_ok=True)  # a kill from here on leaves it incomplete
    return spare, held


def _update_tree(
    tree: Path,
    live: Path,
    files: Mapping[PurePosixPath, bytes | Path | Keep],
    wanted: dict[str, str],
    held: dict[str, str],
    live_digests: dict[str, str],
) -> None:
    """Bring ``tree`` to exactly ``files``, writing only what differs from what it holds.

    A file the live site already has with the same digest is hard-linked from it (it keeps
    its mtime and costs no write).
    """
    for rel in sorted(held.keys() - wanted.keys()):
        (tree / rel).unlink(missing_ok=True)
        _remove_empty_parents(tree, tree / rel)
    made: set[Path] = set()
    for rel_path, data in files.items():
        rel = rel_path.as_posix()
        if held.get(rel) == wanted[rel]:
            continue
        target = tree / rel
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        _replace(target, live / rel, data, is_live_same=live_digests.get(rel) == wanted[rel])
    manifest = {"blog": 1, "files": dict(sorted(wanted.items()))}
    (tree / MARKER).write_text(json.dumps(manifest, separators=(",", ":")), encoding="utf-8")


def _replace(
    target: Path, live_file: Path, data: bytes | Path | Keep, *, is_live_same: bool
) -> None:
    """Put new content at ``target`` without touching a file it may share an inode with.

    When the live site has the same file, it is hard-linked rather than written.
    """
    temp = target.with_name(f".{target.name}.blog-tmp")
    temp.unlink(missing_ok=True)
    if is_live_same or isinstance(data, Keep):
        try:
            os.link(live_file, temp)
            temp.replace(target)
            return
        except OSError:
            if isinstance(data, Keep):
                raise StaleOutput from None
    if isinstance(data, Keep):
        raise StaleOutput
    if isinstance(data, Path):
        shutil.copyfile(data, temp)
    else:
        temp.write_bytes(data)
    temp.replace(target)


def _remove_empty_parents(tree: Path, removed: Path) -> None:
    """Remove the folders a deleted file leaves empty, up to the tree."""
    folder = removed.parent
    while folder != tree:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty
        folder = folder.parent


def _swap_in(staging: Path, out_dir: Path) -> None:
    """Make ``staging`` the output; the old output becomes the spare for the next build."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    if _exchange(staging, out_dir):
        return
    old = out_dir.parent / f".{out_dir.name}-old-{os.getpid()}"
    out_dir.rename(old)
    staging.rename(out_dir)
    old.rename(staging)
