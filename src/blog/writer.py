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
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from blog import journal
from blog.errors import BlogError
from blog.splice import Data, Stream
from blog.treefiles import Keep, StaleOutput, place_file, replace_file, write_stream
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
    """Repair what an interrupted build left: restore a lost output folder, drop temp ones.

    A patch killed while it replaced files in place is finished (or undone) first.
    """
    if out_dir.is_dir():
        journal.recover(out_dir)
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


def _digest_of(data: Data | Stream | Path | Keep, current: str | None) -> str:
    """Return the manifest digest of an output: of its bytes, its source's stat, or kept."""
    if isinstance(data, Keep):
        if current is None:
            raise StaleOutput
        return current
    if isinstance(data, Path):
        stat = data.stat()
        return f"stat:{stat.st_size}:{stat.st_mtime_ns}:{data}"
    return digest_of_bytes(data)


def digest_of_bytes(data: Data | Stream) -> str:
    """Return the manifest digest of an output's bytes (of its pieces or chunks, in order)."""
    if isinstance(data, bytes):
        return hashlib.blake2b(data, digest_size=16).hexdigest()
    digest = hashlib.blake2b(digest_size=16)
    if isinstance(data, Stream):
        for chunk in data.chunks():
            digest.update(chunk)
    else:
        for held, start, stop in data.spans:
            digest.update(memoryview(held)[start:stop])
    return digest.hexdigest()


def write_site(
    out_dir: Path, files: Mapping[PurePosixPath, Data | Path | Keep], *, site_root: Path
) -> WriteReport:
    """Make ``out_dir`` hold exactly ``files`` (bytes, a file to copy, or KEEP), atomically.

    Raises StaleOutput when a KEEP output has nothing to keep.
    """
    with open_site(out_dir, files.keys(), site_root=site_root) as staging:
        for rel, data in files.items():
            staging.put(rel, data)
        return staging.finish()


def open_site(out_dir: Path, paths: Iterable[PurePosixPath], *, site_root: Path) -> Staging:
    """Start writing a site of exactly ``paths`` into ``out_dir``'s spare tree.

    The spare loses its manifest first (a kill from here on leaves it incomplete), then the
    files it holds that are not in ``paths``. Nothing is touched when a path is unsafe or the
    folder is not ours.
    """
    check_output_dir(out_dir, site_root)
    wanted: set[str] = set()
    for rel in paths:
        if not is_safe_output(rel):
            raise BlogError(f"refusing to write outside the output folder: {rel}")
        wanted.add(rel.as_posix())
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    return _staging(out_dir, wanted, read_manifest(out_dir) or {})


class Staging:
    """A site being written: each output goes into the spare tree as it comes, then one swap.

    Made by ``open_site`` and used as a context manager: ``put`` every planned path, then
    ``finish`` publishes the tree. Leaving the block without ``finish`` (an error, a failed
    build) leaves ``out_dir`` as it was: a spare made for this write is removed, one kept from
    an earlier build keeps a manifest of what it now holds (when that is known for sure) so
    the next build still updates it in place. Only digests are kept in memory, never outputs.

    Forked workers may ``store`` outputs into the tree (they inherit this object) and hand the
    digests back for the parent to ``record``, inside ``shared_with_workers``.
    """

    def __init__(
        self,
        out_dir: Path,
        tree: Path,
        *,
        paths: set[str],
        live: dict[str, str],
        held: dict[str, str],
        is_fresh: bool,
    ) -> None:
        self.out_dir = out_dir
        self.tree = tree
        self.paths = paths
        """Every path of the new site."""
        self.live = live
        """What ``out_dir`` holds (path → digest)."""
        self.held = held
        """What the tree holds; kept up to date as files are written."""
        self.wanted: dict[str, str] = {}
        """The digest of each output put so far."""
        self.is_fresh = is_fresh
        """Whether the tree was made for this write (no spare was kept before)."""
        self._made: set[Path] = set()
        self._is_known = True  # held is exactly what the tree holds
        self._is_done = False

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._is_done:
            return
        if self._is_known and not self.is_fresh:
            _write_manifest(self.tree, self.held)
        else:  # leave no new or incomplete folder beside the output
            shutil.rmtree(self.tree, ignore_errors=True)

    def put(self, rel: PurePosixPath, data: Data | Stream | Path | Keep) -> None:
        """Write one output into the tree (unless it holds it already) and remember its digest.

        Raises StaleOutput for a KEEP output whose previous file is gone.
        """
        self.record(rel, self.store(rel, data))

    def store(self, rel_path: PurePosixPath, data: Data | Stream | Path | Keep) -> str:
        """Write one output into the tree unless it holds it already; return its digest.

        A file the live site has with the same digest is hard-linked from it (it keeps its
        mtime and costs no write).
        """
        rel = rel_path.as_posix()
        if rel not in self.paths:
            raise ValueError(f"{rel} is not a planned output")
        if isinstance(data, Stream) and rel not in self.live and rel not in self.held:
            # Nothing to compare with: made once, written and digested together.
            found: list[str] = []
            self._make(rel, lambda path: found.append(write_stream(path, data)), is_new=True)
            return found[-1]
        digest = _digest_of(data, self.live.get(rel))
        if self.held.get(rel) == digest:
            return digest
        is_live_same = self.live.get(rel) == digest
        live_file = self.out_dir / rel
        self._make(
            rel,
            lambda target: replace_file(
                target, live_file, data, is_live_same=is_live_same, is_new=rel not in self.held
            ),
        )
        return digest

    def _make(self, rel: str, make: Callable[[Path], None], *, is_new: bool = False) -> None:
        """Make the tree's file ``rel`` with ``make`` (``is_new``: through ``place_file``)."""
        target = self.tree / rel
        try:
            if target.parent not in self._made:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._made.add(target.parent)
            if is_new:
                place_file(target, make, is_new=True)
            else:
                make(target)
        except StaleOutput:
            raise  # nothing was written
        except BaseException:
            self._is_known = False  # a temporary file may be left behind
            raise

    def record(self, rel: PurePosixPath, digest: str) -> None:
        """Remember that the tree holds output ``rel`` with ``digest``."""
        self.wanted[rel.as_posix()] = self.held[rel.as_posix()] = digest

    @contextmanager
    def shared_with_workers(self) -> Iterator[None]:
        """Mark the tree unknown while workers write into it, known again once recorded."""
        self._is_known = False
        yield
        self._is_known = True

    def finish(self) -> WriteReport:
        """Publish the tree: swap it in, unless ``out_dir`` already holds exactly this site."""
        missing = self.paths - self.wanted.keys()
        if missing:
            raise ValueError(f"{len(missing)} outputs were never put, e.g. {min(missing)}")
        wanted, current = self.wanted, self.live
        written = sum(1 for rel, d in wanted.items() if current.get(rel) != d)
        report = WriteReport(
            written=written,
            unchanged=len(wanted) - written,
            removed=len(current.keys() - wanted.keys()),
        )
        _write_manifest(self.tree, wanted)
        self._is_done = True
        if wanted == current and all((self.out_dir / rel).is_file() for rel in wanted):
            return report  # nothing changed: the site on disk is already this one
        _swap_in(self.tree, self.out_dir)
        return report


def _staging(out_dir: Path, paths: set[str], live: dict[str, str]) -> Staging:
    """Return the spare tree ready for a site of ``paths``: without what it lacks.

    Its manifest is removed first: a kill from here on leaves it incomplete.
    """
    spare = spare_of(out_dir)
    held = read_manifest(spare)
    if held is None:
        shutil.rmtree(spare, ignore_errors=True)
        spare.mkdir()
        held = {}
    (spare / MARKER).unlink(missing_ok=True)
    is_fresh = not held
    for rel in sorted(held.keys() - paths):
        (spare / rel).unlink(missing_ok=True)
        _remove_empty_parents(spare, spare / rel)
        del held[rel]
    return Staging(out_dir, spare, paths=paths, live=live, held=held, is_fresh=is_fresh)


def _write_manifest(tree: Path, files: Mapping[str, str]) -> None:
    (tree / MARKER).write_text(manifest_text(files), encoding="utf-8")


def manifest_text(files: Mapping[str, str]) -> str:
    """Return a tree's manifest file: compact JSON, paths sorted."""
    return json.dumps({"blog": 1, "files": dict(sorted(files.items()))}, separators=(",", ":"))


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
