"""Run a patch (``incremental.py``) end to end: from the serve loop's memory or from disk.

- ``patch_in_memory``: the serve loop's last build is in memory and its folder is private
  (requests wait while a build runs): the changed files are written in place.
- ``patch_saved``: ``blog build`` loads the last build saved in ``.cache/blog/``
  (``snapshot.py``), patches it, and publishes ``public/`` with the same atomic swap as a
  full build; then it saves the changed page rows, the output keys and an overlay.

Both return None whenever the full build must run instead; nothing is written then.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime
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
from blog.config import Config, find_config
from blog.content import Inclusion
from blog.gitinfo import git_head
from blog.incremental import LastBuild, Patch, patch, render_unrecorded
from blog.livewrite import write_changes, write_in_place
from blog.plan import LazyOutput
from blog.quick import (
    Inputs,
    changed_content,
    diagnostics_of,
    read_record,
    save_record,
    scan_inputs,
    still_holds,
)
from blog.results import BuildOptions, BuildResult, BuildStats
from blog.splice import Data
from blog.templates import THEME_DIR, make_environment, template_fingerprint
from blog.treefiles import StaleOutput
from blog.writer import WriteReport


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
        report = write_in_place(out_dir, patched.files, patched.last.keys)
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
        report = write_changes(out_dir, patched.files, patched.last.keys, site_root=root)
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


# ---------------------------------------------------------------- as build() calls them


def patch_served(
    root: Path, last: LastBuild, options: BuildOptions, started: float
) -> BuildResult | None:
    """Patch the serve loop's last build for changed page bodies; None: build it all."""
    assert options.cache is not None and options.changed is not None
    out_dir = options.out_dir or root / last.config.publish_dir
    now = options.now or datetime.now(UTC)
    if options.strict and last.diagnostics:
        return None
    patched = patch_in_memory(
        last, options.changed, options.cache, out_dir, now=now, inclusion=options.inclusion
    )
    if patched is None:
        return None
    options.cache.last_build = patched.last
    return patched_result(root, out_dir, patched, len(options.changed), started)


def warm_for_patches(root: Path, options: BuildOptions) -> None:
    """Make the serve loop's next patch as quick as the ones after it (while nothing changes).

    After a full build the feeds' bytes are only on disk, and the Markdown parser and the
    code lexers were made in forked workers: the first patch at 10,000 posts paid 60 ms more
    than the next for reading the feeds back and compiling them. Here the feeds are read back
    and the most recently saved page (the likeliest to be edited) is rendered, unrecorded;
    then the collector is settled (``settle_collector``).
    """
    cache = options.cache
    last = cache.last_build if cache is not None else None
    if cache is None or not isinstance(last, LastBuild) or last.feed_bytes:
        return
    out_dir = options.out_dir or root / last.config.publish_dir
    feeds: dict[str, Data] = {}
    for output in last.outputs:
        if isinstance(output, LazyOutput) and output.part is not None:
            data = previous_output(out_dir, output.path)
            if data is not None:
                feeds[output.path.as_posix()] = data
    cache.last_build = replace(last, feed_bytes=feeds)
    newest = max(last.current, key=_saved_at, default=None)
    if newest is not None:
        render_unrecorded(last, newest)
    settle_collector()


def settle_collector() -> None:
    """Collect the last full build's garbage now, and keep the collector off what stays.

    Left to itself, a full collection fell due during some patch and walked the whole site:
    0.4 s at 10,000 posts, one edit in ten. Done while the server is idle; the next full
    build unfreezes it all (``build``), so garbage of this state is collected then.
    """
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()


def _saved_at(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def patched_result(
    root: Path, out_dir: Path, patched: Patched, changed: int, started: float
) -> BuildResult:
    """Return what a patch did, as a build reports it."""
    stats = BuildStats(
        pages=len(patched.last.site.pages),
        outputs=len(patched.last.outputs),
        written=patched.report.written,
        unchanged=patched.report.unchanged,
        markdown_rendered=patched.misses,
        cache_hits=changed - patched.misses,
        outputs_rendered=patched.rendered,
        seconds=time.perf_counter() - started,
    )
    return BuildResult(
        ok=True,
        root=root,
        out_dir=out_dir,
        diagnostics=patched.last.diagnostics,
        stats=stats,
        content=patched.last.content if patched.last.content.pages else None,
    )


def scan_site_inputs(
    root: Path, config: Config, out_dir: Path, options: BuildOptions
) -> Inputs | None:
    """Digest every input, when this build may skip or patch the last one."""
    if options.cache is not None or not options.use_cache or not options.may_skip:
        return None
    config_file = find_config(root)
    config_text = config_file.read_bytes() if config_file else b""
    git = git_head(root) if config.enable_git_info else None
    extra = repr((config_text, config, options.inclusion, options.strict, str(out_dir), git))
    folders = (config.static_dir, config.templates_dir, THEME_DIR)
    record = read_record(root)
    known = record.get("content") if record else None
    return scan_inputs(
        folders, config.content_dir, extra, known if isinstance(known, dict) else None
    )


def skip_or_patch(
    root: Path,
    config: Config,
    out_dir: Path,
    inputs: Inputs,
    options: BuildOptions,
    now: datetime,
    started: float,
) -> BuildResult | None:
    """Skip a build nothing changed for, or patch one whose page bodies changed; else None."""
    record = read_record(root)
    if record is None:
        return None
    if record.get("key") == inputs.key and still_holds(record, out_dir, now):
        return unchanged_result(root, out_dir, record, started)
    changed = changed_content(record, inputs)
    saved = record.get("snapshot")
    if not changed or not isinstance(saved, str) or not saved:
        return None
    if not still_holds(record, out_dir, now, check_files=False):
        return None
    done = patch_saved(
        root,
        config,
        out_dir,
        frame=inputs.frame,
        saved=saved,
        changed=changed,
        now=now,
        inclusion=options.inclusion,
    )
    if done is None:
        return None
    patched, now_saved = done
    result = patched_result(root, out_dir, patched, len(changed), started)
    save_record(
        root,
        inputs=inputs,
        snapshot=now_saved,
        out_dir=out_dir,
        valid_until=patched.last.valid_until,
        diagnostics=result.diagnostics,
        stats={"pages": result.stats.pages, "outputs": result.stats.outputs},
    )
    return result


def unchanged_result(
    root: Path, out_dir: Path, record: dict[str, object], started: float
) -> BuildResult:
    """Return what the build that found nothing changed reports (the last one's warnings)."""
    counts = record.get("stats")
    counts = counts if isinstance(counts, dict) else {}
    outputs = int(counts.get("outputs", 0))
    stats = BuildStats(
        pages=int(counts.get("pages", 0)),
        outputs=outputs,
        unchanged=outputs,
        seconds=time.perf_counter() - started,
    )
    return BuildResult(
        ok=True, root=root, out_dir=out_dir, diagnostics=diagnostics_of(record), stats=stats
    )
