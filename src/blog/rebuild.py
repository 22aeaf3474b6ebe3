"""Run a patch (``incremental.py``) end to end: from the serve loop's memory or from disk.

- ``patch_in_memory``: the serve loop's last build is in memory and its folder is private
  (requests wait while a build runs): the changed files are written in place.
- ``patch_saved``: ``blog build`` loads the last build saved in ``.cache/blog/``
  (``snapshot.py``), patches it, and publishes ``public/`` with the same atomic swap as a
  full build; then it saves the changed page rows, the output keys and an overlay.

Both return None whenever the full build must run instead; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path, PurePosixPath

from blog import snapshot
from blog.cache import (
    CACHE_DIR,
    BuildCache,
    load_cache,
    pages_file,
    save_cache,
    settings_fingerprint,
)
from blog.config import Config
from blog.content import Inclusion
from blog.incremental import LastBuild, Patch, patch
from blog.livewrite import write_in_place
from blog.templates import make_environment, template_fingerprint
from blog.writer import StaleOutput, WriteReport, write_changes


@dataclass(frozen=True, slots=True, kw_only=True)
class Patched:
    """A patch that was written."""

    last: LastBuild
    """The build after it."""
    report: WriteReport
    """What the write changed."""
    rendered: int
    """Outputs rendered or made."""
    misses: int
    """Content files rendered."""


def snapshot_file(root: Path) -> Path:
    """Return where ``blog build`` keeps its last build."""
    return root / CACHE_DIR / f"last-v{snapshot.SNAPSHOT_VERSION}.pickle"


def previous_output(out_dir: Path, path: PurePosixPath) -> bytes | None:
    """Return an output's bytes as the last build wrote them, if it is there."""
    try:
        return (out_dir / path).read_bytes()
    except OSError:
        return None


def patch_in_memory(
    last: LastBuild,
    changed: tuple[Path, ...],
    cache: BuildCache,
    out_dir: Path,
    *,
    now: datetime,
    inclusion: Inclusion,
) -> Patched | None:
    """Patch the serve loop's last build and write the changed files in place."""
    patched = patch(
        last,
        changed,
        cache,
        now=now,
        inclusion=inclusion,
        previous=partial(previous_output, out_dir),
    )
    if patched is None:
        return None
    try:
        report = write_in_place(out_dir, patched.files)
    except (StaleOutput, OSError):
        return None
    _remember_outputs(cache, patched)
    return Patched(
        last=patched.last, report=report, rendered=patched.rendered, misses=patched.misses
    )


def patch_saved(
    root: Path,
    config: Config,
    out_dir: Path,
    *,
    frame: str,
    saved: str,
    changed: Collection[Path],
    now: datetime,
    inclusion: Inclusion,
) -> tuple[Patched, str] | None:
    """Patch the build saved on disk for ``changed`` content files and publish it.

    ``saved`` names the saved state (from the last build's record); returns the patch and
    the name of the state saved after it.
    """
    env = make_environment(config, root / CACHE_DIR / "templates")
    templates = (env, template_fingerprint(env))
    loaded = snapshot.load(snapshot_file(root), frame, templates, changed, saved)
    if loaded is None:
        return None
    last, token = loaded
    cache, problem = load_cache(root, with_pages=False)
    if problem or cache.fingerprint != settings_fingerprint(last.settings, root):
        return None
    hydrate = snapshot.hydrator(pages_file(root), cache.fingerprint, last.config)
    patched = patch(
        last,
        tuple(changed),
        cache,
        now=now,
        inclusion=inclusion,
        previous=partial(previous_output, out_dir),
        hydrate=hydrate,
    )
    if patched is None:
        return None
    try:
        report = write_changes(out_dir, patched.files, site_root=root)
    except StaleOutput:
        return None
    _remember_outputs(cache, patched)
    save_cache(root, cache)
    pages = [patched.last.current[path.resolve()] for path in changed]
    now_saved = snapshot.save_overlay(snapshot_file(root), patched.last, token, pages) or ""
    done = Patched(
        last=patched.last, report=report, rendered=patched.rendered, misses=patched.misses
    )
    return done, now_saved


def _remember_outputs(cache: BuildCache, patched: Patch) -> None:
    """Record the keys and sizes of the outputs a patch wrote (for the next full build)."""
    for path, data in patched.files.items():
        rel = path.as_posix()
        cache.outputs[rel] = (patched.last.keys[rel], len(data))
        cache.changed = True
