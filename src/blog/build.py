"""The build pipeline, in order: config → content → site → plan → render → write."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePosixPath

from blog import snapshot
from blog.cache import CACHE_DIR, BuildCache, load_cache, save_cache
from blog.config import Config, find_config, load_config
from blog.content import Content, Inclusion, Progress, load_content
from blog.errors import Diagnostic, Diagnostics
from blog.fingerprints import SiteKeys, lazy_key, output_key, site_keys
from blog.gitinfo import git_head, git_lastmods, with_git_lastmod
from blog.incremental import LastBuild, remember
from blog.languages import all_taxonomy_names, content_languages
from blog.markdown import MarkdownOptions
from blog.multilingual import assemble_sites, plan_sites
from blog.pages import PageSettings
from blog.plan import LazyOutput, Output, TemplateOutput
from blog.quick import (
    Inputs,
    changed_content,
    diagnostics_of,
    read_record,
    save_record,
    scan_inputs,
    still_holds,
)
from blog.rebuild import Patched, patch_in_memory, patch_saved, snapshot_file
from blog.render import static_outputs, write_outputs
from blog.shortcodes import load_shortcode_settings
from blog.site import Site
from blog.templates import (
    THEME_DIR,
    Environment,
    check_templates,
    make_environment,
    template_fingerprint,
)
from blog.writer import StaleOutput

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildOptions:
    """How to build (the command-line flags)."""

    out_dir: Path | None = None
    """Output folder; None means the config's ``publishDir`` (``public``)."""
    inclusion: Inclusion = field(default_factory=Inclusion)
    """Drafts, future and expired pages to include."""
    base_url: str | None = None
    """Overrides the config's ``baseURL``."""
    strict: bool = False
    """Fail on warnings too."""
    now: datetime | None = None
    """The moment that decides future and expired pages (default: now)."""
    cache: BuildCache | None = None
    """An in-memory cache kept across builds (the serve loop's); None: the site's own."""
    use_cache: bool = True
    """Read and write the site's persistent cache in ``.cache/blog/`` (``--no-cache``: no)."""
    may_skip: bool = True
    """Skip the build when no input changed since the last good one (``--explain``: no)."""
    progress: Progress | None = None
    """Told (stage, done, total) as the build goes."""
    changed: tuple[Path, ...] | None = None
    """The files changed since the last build (the serve loop's watcher); None: unknown.

    With an in-memory ``cache`` holding the last build, a change of page bodies only is
    patched into it (``incremental.py``) instead of running every stage.
    """


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildStats:
    """Counts for the summary line and the rebuild tests."""

    pages: int = 0
    """Regular pages published."""
    outputs: int = 0
    """Files in the output."""
    written: int = 0
    """Files whose bytes changed."""
    unchanged: int = 0
    """Files kept from the previous build."""
    removed: int = 0
    """Files removed since the previous build."""
    markdown_rendered: int = 0
    """Content files rendered (cache misses)."""
    cache_hits: int = 0
    """Content files taken from the cache."""
    outputs_rendered: int = 0
    """Template outputs rendered (the rest were unchanged)."""
    seconds: float = 0.0
    """Wall time."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildResult:
    """What a build did and found."""

    ok: bool
    """Whether the new site was written."""
    root: Path
    """The site folder."""
    out_dir: Path
    """The output folder."""
    diagnostics: tuple[Diagnostic, ...]
    """Every error and warning."""
    stats: BuildStats
    """Counts."""
    content: Content | None = None
    """What was read (for ``--explain`` and ``list``)."""


def page_settings(config: Config) -> PageSettings:
    """Return the config values that affect how one file becomes a page."""
    return PageSettings(
        markdown=MarkdownOptions(
            unsafe=config.unsafe_html,
            toc_start=config.toc_start,
            toc_end=config.toc_end,
            summary_length=config.summary_length,
            emoji=config.enable_emoji,
        ),
        math=bool(config.params.get("math")),
        timezone=config.timezone,
        taxonomies=all_taxonomy_names(config),
        permalinks=config.permalinks,
        term_permalinks=config.term_permalinks,
        shortcodes=load_shortcode_settings(config.templates_dir, config.params),
    )


def build(root: Path, options: BuildOptions | None = None) -> BuildResult:
    """Build the site in ``root``; write nothing unless everything succeeded."""
    options = options or BuildOptions()
    started = time.perf_counter()
    if options.cache is not None:
        last, options.cache.last_build = options.cache.last_build, None
        if isinstance(last, LastBuild) and options.changed is not None:
            patched = _patch(root, last, options, started)
            if patched is not None:
                return patched
    diag = Diagnostics()
    config = load_config(root, diag, base_url=options.base_url)
    out_dir = options.out_dir or root / config.publish_dir
    now = options.now or datetime.now(UTC)
    inputs = _inputs(root, config, out_dir, options) if not diag.items else None
    if inputs is not None:
        quick = _quick(root, config, out_dir, inputs, options, now, started)
        if quick is not None:
            return quick
    cache = _open_cache(root, options, diag)
    compiled = root / CACHE_DIR / "templates" if options.use_cache else None
    env, template_fp = _environment(config, cache, compiled)
    check_templates(env, diag)
    settings = page_settings(config)
    cache.begin(settings, root)
    content = _load(config, settings, cache, diag, now, options)
    result = BuildResult(
        ok=False,
        root=root,
        out_dir=out_dir,
        diagnostics=(),
        stats=BuildStats(),
        content=content,
    )
    if not diag.has_errors:
        result = _assemble_and_write(result, config, (env, template_fp), cache, diag, options)
    if result.ok and options.cache is None and options.use_cache:
        save_cache(root, cache)
    seconds = time.perf_counter() - started
    stats = replace(
        result.stats, seconds=seconds, cache_hits=cache.hits, markdown_rendered=cache.misses
    )
    result = replace(result, diagnostics=tuple(diag.items), stats=stats)
    if result.ok and isinstance(cache.last_build, LastBuild):
        valid_until = next_change(content, now)
        cache.last_build = replace(
            cache.last_build, diagnostics=result.diagnostics, valid_until=valid_until
        )
    if result.ok and inputs is not None:
        saved = None
        if isinstance(cache.last_build, LastBuild):
            saved = snapshot.save(snapshot_file(root), cache.last_build, inputs.frame)
            cache.last_build = None
        save_record(
            root,
            inputs=inputs,
            snapshot=saved or "",
            out_dir=out_dir,
            valid_until=next_change(content, now),
            diagnostics=result.diagnostics,
            stats={"pages": stats.pages, "outputs": stats.outputs},
        )
    return result


def _patch(
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
    return _patched_result(root, out_dir, patched, len(options.changed), started)


def _patched_result(
    root: Path, out_dir: Path, patched: Patched, changed: int, started: float
) -> BuildResult:
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


def _load(
    config: Config,
    settings: PageSettings,
    cache: BuildCache,
    diag: Diagnostics,
    now: datetime,
    options: BuildOptions,
) -> Content:
    """Load the content, then date pages from git when the site asks for it."""
    content = load_content(
        config.content_dir,
        settings,
        diag,
        now=now,
        inclusion=options.inclusion,
        cache=cache,
        ignore=config.ignore_files,
        progress=options.progress,
        languages=content_languages(config),
    )
    if not config.enable_git_info:
        return content
    # After the cache: a page's git date changes without its text changing.
    dates = git_lastmods(config.content_dir, diag)
    return replace(
        content,
        pages=with_git_lastmod(content.pages, dates),
        branches=with_git_lastmod(content.branches, dates),
    )


def _inputs(root: Path, config: Config, out_dir: Path, options: BuildOptions) -> Inputs | None:
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


def _quick(
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
        return _unchanged_result(root, out_dir, record, started)
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
    result = _patched_result(root, out_dir, patched, len(changed), started)
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


def _unchanged_result(
    root: Path, out_dir: Path, record: dict[str, object], started: float
) -> BuildResult:
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


def next_change(content: Content, now: datetime) -> datetime | None:
    """Return the next moment a page appears or expires (a rebuild then differs)."""
    moments = [p.expiry_date for p in content.pages if p.expiry_date and p.expiry_date > now]
    for page, _ in content.excluded:
        for moment in (page.publish_date or page.date, page.expiry_date):
            if moment is not None and moment > now:
                moments.append(moment)
    return min(moments, default=None)


def _environment(
    config: Config, cache: BuildCache, compiled_dir: Path | None = None
) -> tuple[Environment, str]:
    """Return the template environment and its templates' fingerprint.

    The environment (with its compiled templates) is kept in the cache while the config and
    every template's source stay the same; any change, an added override included, makes a
    new one.
    """
    kept = cache.environments.get(repr(config))
    if kept is not None:
        fingerprint = template_fingerprint(kept[1])
        if fingerprint == kept[0]:
            return kept[1], fingerprint
    env = make_environment(config, compiled_dir)
    fingerprint = template_fingerprint(env)
    cache.environments = {repr(config): (fingerprint, env)}
    return env, fingerprint


def _open_cache(root: Path, options: BuildOptions, diag: Diagnostics) -> BuildCache:
    """Return the in-memory cache given, the site's persistent one, or a fresh one."""
    if options.cache is not None:
        return options.cache
    if not options.use_cache:
        return BuildCache()
    cache, problem = load_cache(root)
    if problem:
        diag.warning(problem, hint="delete .cache/ if this repeats; the site is built anyway")
    return cache


def _assemble_and_write(
    result: BuildResult,
    config: Config,
    templates: tuple[Environment, str],
    cache: BuildCache,
    diag: Diagnostics,
    options: BuildOptions,
) -> BuildResult:
    """Assemble, plan, render and write; return the result (not ok on any error)."""
    env, template_fp = templates
    assert result.content is not None
    sites = assemble_sites(config, result.content, diag)
    if diag.error_count:
        return result
    planned = plan_sites(sites)
    outputs = [o for _, site_outputs in planned for o in site_outputs] + static_outputs(sites)
    keys, every_site_keys = _output_keys(planned, template_fp)
    write = partial(
        write_outputs,
        env,
        outputs,
        diag,
        out_dir=result.out_dir,
        site_root=result.root,
        is_strict=options.strict,
        progress=options.progress,
    )
    try:
        written = write(
            reuse=lambda path: cache.unchanged_output(path, keys.get(path, ""), result.out_dir)
        )
    except StaleOutput:  # the output folder changed under the cache: render it all
        written = write()
    if written is None:
        return result
    report, rendered = written
    outputs_now = {
        path.as_posix(): (key, (result.out_dir / path).stat().st_size) for path, key in keys.items()
    }
    if outputs_now != cache.outputs or cache.out_dir != str(result.out_dir):
        cache.out_dir, cache.outputs, cache.changed = str(result.out_dir), outputs_now, True
    if options.cache is not None or (options.use_cache and options.may_skip):
        # keep what a patch starts from (the serve loop's in memory, blog build's on disk)
        cache.last_build = remember(
            config=config,
            settings=page_settings(config),
            languages=content_languages(config),
            templates=templates,
            content=result.content,
            sites=sites,
            outputs=outputs,
            keys=keys,
            site_keys=every_site_keys[0] if len(every_site_keys) == 1 else None,
            diagnostics=(),
            valid_until=None,
        )
    stats = BuildStats(
        pages=sum(len(site.pages) for site in sites),
        outputs=report.written + report.unchanged,
        outputs_rendered=rendered,
        written=report.written,
        unchanged=report.unchanged,
        removed=report.removed,
    )
    return replace(result, ok=True, stats=stats)


def _output_keys(
    planned: list[tuple[Site, list[Output]]], template_fp: str
) -> tuple[dict[PurePosixPath, str], list[SiteKeys]]:
    found: dict[PurePosixPath, str] = {}
    every: list[SiteKeys] = []
    for site, outputs in planned:
        keys = site_keys(site)
        every.append(keys)
        for o in outputs:
            if isinstance(o, TemplateOutput):
                found[o.path] = output_key(o, keys, template_fp=template_fp)
            elif isinstance(o, LazyOutput):
                found[o.path] = lazy_key(o, keys)
    return found, every
