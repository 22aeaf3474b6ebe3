"""The build pipeline, in order: config → content → site → plan → render → write."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePosixPath

from blog import snapshot
from blog.bodies import BodyStore, bodies_aside, has_files
from blog.cache import CACHE_DIR, BuildCache, load_cache, save_cache
from blog.config import Config, load_config
from blog.content import Content, load_content
from blog.errors import Diagnostics
from blog.fingerprints import SiteKeys, lazy_key, output_key, site_keys
from blog.gitinfo import git_lastmods, with_git_lastmod
from blog.incremental import LastBuild, remember
from blog.languages import all_taxonomy_names, content_languages
from blog.markdown import MarkdownOptions
from blog.multilingual import assemble_sites, plan_sites
from blog.pages import PageSettings
from blog.plan import LazyOutput, Output, TemplateOutput
from blog.quick import save_record
from blog.rebuild import patch_served, scan_site_inputs, skip_or_patch, snapshot_file
from blog.render import static_outputs, write_outputs
from blog.results import BuildOptions, BuildResult, BuildStats
from blog.shortcodes import load_shortcode_settings
from blog.site import Site
from blog.templates import (
    Environment,
    check_templates,
    make_environment,
    template_fingerprint,
)
from blog.treefiles import StaleOutput

log = logging.getLogger(__name__)

__all__ = ["BuildOptions", "BuildResult", "BuildStats", "build", "next_change", "page_settings"]


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
            patched = patch_served(root, last, options, started)
            if patched is not None:
                return patched
    with ExitStack() as held:
        return _full_build(root, options, started, held)


def _full_build(root: Path, options: BuildOptions, started: float, held: ExitStack) -> BuildResult:
    """Build the site, unless its last build is still good or can be patched.

    What the build opens (the page bodies' file) stays open in ``held``, for the result.
    """
    diag = Diagnostics()
    config = load_config(root, diag, base_url=options.base_url)
    out_dir = options.out_dir or root / config.publish_dir
    now = options.now or datetime.now(UTC)
    inputs = scan_site_inputs(root, config, out_dir, options) if not diag.items else None
    if inputs is not None:
        quick = skip_or_patch(root, config, out_dir, inputs, options, now, started)
        if quick is not None:
            return quick
    cache = _open_cache(root, options, diag)
    compiled = root / CACHE_DIR / "templates" if options.use_cache else None
    env, template_fp = _environment(config, cache, compiled)
    settings = page_settings(config)
    cache.begin(settings, root)
    bodies = held.enter_context(bodies_aside()) if _has_light_pages(config, options) else None
    # Compiling every template to check it takes 0.07 s: done while the workers render pages.
    check = partial(check_templates, env, diag)
    content = _load(config, settings, cache, diag, now, options, bodies, check)
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
    if options.cache is not None:
        # A long-lived process (the dev server) leaves nothing out of the collector's sight:
        # what loading froze may become garbage by the next build.
        gc.unfreeze()
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


def _has_light_pages(config: Config, options: BuildOptions) -> bool:
    """Whether this build keeps its pages' bodies in a file: a one-shot build of a big site.

    Below ``options.light_pages_from`` content files, memory is no concern and putting the
    bodies aside would only cost time (0.07 s of a 1.8 s build at 1,000 posts).
    """
    least = options.light_pages_from
    if least is None or options.cache is not None:
        return False
    return has_files(config.content_dir, least)


def _load(
    config: Config,
    settings: PageSettings,
    cache: BuildCache,
    diag: Diagnostics,
    now: datetime,
    options: BuildOptions,
    bodies: BodyStore | None = None,
    meanwhile: Callable[[], None] = lambda: None,
) -> Content:
    """Load the content, then date pages from git when the site asks for it.

    ``meanwhile`` is done while the pages render.
    """
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
        bodies=bodies,
        meanwhile=meanwhile,
    )
    if not config.enable_git_info:
        return content
    # After the cache: a page's git date changes without its text changing.
    dates = git_lastmods(config.content_dir, diag)
    pages = with_git_lastmod(content.pages, dates)  # new pages: whole again
    if bodies is not None:
        pages = tuple(bodies.put_aside(page) for page in pages)
    return replace(content, pages=pages, branches=with_git_lastmod(content.branches, dates))


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
    # Output keys only serve the cache: --no-cache skips them (0.3 s at 10,000 posts).
    is_cached = options.cache is not None or options.use_cache
    keys, every_site_keys = _output_keys(planned, template_fp) if is_cached else ({}, [])
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

    def reuse(path: PurePosixPath) -> bool:
        return cache.unchanged_output(path, keys.get(path, ""), result.out_dir)

    try:
        written = write(reuse=reuse if is_cached else None)
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
