"""Patch the last build when only page bodies changed: the dev server's fast path.

A full rebuild at 10,000 posts spends seconds in the global stages (walking and stating every
file, assembling sections and taxonomies, planning and keying every output) even when one
post's text changed, and they all come out the same. So the serve loop remembers its last
good build (``LastBuild``) and, when every changed file is a published page whose *skeleton*
(every field but the body: title, dates, terms, URL, params, …) is unchanged, it:

1. loads just those files (through the cache) and resolves their links;
2. swaps the new pages into the last site (new frozen objects along every path that reaches
   them: the pages tuple, sections, terms, neighbours, related posts);
3. re-keys only the outputs whose key shows those pages' text (their page, the pagers and
   feeds listing them, layouts that show every page) and renders the ones whose key changed.

Anything else (a new, deleted or renamed file, a draft, a changed title, date, tag or URL, a
template, the config, a static file, a warning that appears or goes, a reading time that
changes, several languages) returns None and the caller runs the full build. The result is
what a full build writes; tests compare the two byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from blog.cache import BuildCache, digest
from blog.config import Config
from blog.content import Content, Inclusion, decode_source, exclusion_reason
from blog.errors import Diagnostic, Diagnostics
from blog.fingerprints import SiteKeys, lazy_key, output_key, patch_site_keys
from blog.languages import ContentLanguages
from blog.links import fragment_targets, resolve_page
from blog.model import Page
from blog.pages import LoadedPage, PageSettings, load_page
from blog.plan import LazyOutput, Output, TemplateOutput, plan_feeds
from blog.site import Site
from blog.splice import Data, Pieces, spliced
from blog.swap import patched_site, retarget
from blog.templates import Environment
from blog.workers import render_templates

BODY_FIELDS = frozenset(
    {"html", "summary", "summary_is_truncated", "toc", "word_count", "plain_text"}
    | {"links", "anchors", "digest"}
)
"""Page fields made from the Markdown body: the only ones a patch may change."""
_SKELETON_FIELDS = tuple(f.name for f in fields(Page) if f.name not in BODY_FIELDS)


Hydrate = Callable[["LastBuild", Iterable[Page]], Mapping[Path, Page]]
"""Gives the whole pages of light ones (see ``snapshot.py``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LastBuild:
    """What the serve loop keeps of its last good build to patch the next one."""

    config: Config
    """The config it was built with."""
    settings: PageSettings
    """The per-page settings."""
    languages: ContentLanguages
    """The content languages (one, when a patch is possible)."""
    env: Environment
    """The template environment."""
    template_fp: str
    """The templates' fingerprint."""
    content: Content
    """What was read."""
    site: Site
    """The assembled site."""
    outputs: tuple[Output | None, ...]
    """Every output, in plan order (None: not loaded; a saved build loads only those a patch
    of the changed files may touch)."""
    keys: Mapping[str, str]
    """Output path (as text) → key, for template and lazy outputs."""
    site_keys: SiteKeys
    """The digests the keys were made from."""
    current: Mapping[Path, Page]
    """Source file → its page in ``site``."""
    by_source: Mapping[str, Page]
    """Path under ``content/`` → page (what Markdown links name)."""
    by_url: Mapping[str, Page]
    """URL → page."""
    content_index: Mapping[Path, int] = field(default_factory=dict)
    """Source file → its position in ``content.pages``."""
    feed_bytes: Mapping[str, Data] = field(default_factory=dict)
    """The bytes of the feed-like outputs patches made (the serve loop splices them next
    time without reading them back: 49 MB for the search index of 10,000 posts)."""
    dependents: Mapping[Path, tuple[int, ...]]
    """Source file → indices of the outputs whose key shows that page's text."""
    show_all: tuple[int, ...]
    """Indices of the outputs that show every page's text (custom layouts)."""
    linked_anchors: frozenset[PurePosixPath]
    """Pages other pages link to with a ``#fragment`` (their anchors matter elsewhere)."""
    diagnostics: tuple[Diagnostic, ...]
    """What the build reported (unchanged by a patch, by construction)."""
    valid_until: datetime | None
    """When a page appears or expires: from then on only a full build is right."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Patch:
    """A patched build: the new state and the files to write."""

    last: LastBuild
    """The state after the patch (for the next one)."""
    files: dict[PurePosixPath, Data]
    """Outputs whose bytes may have changed, to write in place."""
    rendered: int
    """How many templates were rendered (feeds made again are not counted, as in a full build)."""
    misses: int
    """Content files rendered (not cache hits)."""


def remember(
    *,
    config: Config,
    settings: PageSettings,
    languages: ContentLanguages,
    templates: tuple[Environment, str],
    content: Content,
    sites: tuple[Site, ...],
    outputs: list[Output],
    keys: Mapping[PurePosixPath, str],
    site_keys: SiteKeys | None,
    diagnostics: tuple[Diagnostic, ...],
    valid_until: datetime | None,
) -> LastBuild | None:
    """Return the state a later patch starts from; None where patches are not supported."""
    if len(sites) != 1 or site_keys is None or config.enable_git_info:
        return None  # several languages, or dates that come from git: full builds only
    site = sites[0]
    dependents: dict[Path, list[int]] = {}
    show_all: list[int] = []
    for index, output in enumerate(outputs):
        for page in _shown_pages(output, show_all, index):
            dependents.setdefault(page.file_path, []).append(index)
    return LastBuild(
        config=config,
        settings=settings,
        languages=languages,
        env=templates[0],
        template_fp=templates[1],
        content=content,
        site=site,
        outputs=tuple(outputs),
        keys={path.as_posix(): key for path, key in keys.items()},
        site_keys=site_keys,
        current={p.file_path: p for p in site.pages},
        by_source={p.source.as_posix(): p for p in site.pages},
        by_url={p.url: p for p in site.pages},
        content_index={p.file_path: i for i, p in enumerate(content.pages)},
        dependents={path: tuple(found) for path, found in dependents.items()},
        show_all=tuple(show_all),
        linked_anchors=fragment_targets(site.pages),
        diagnostics=diagnostics,
        valid_until=valid_until,
    )


def _shown_pages(output: Output, show_all: list[int], index: int) -> Iterable[Page]:
    """Return the pages whose text an output's key covers (see ``fingerprints.output_key``)."""
    if isinstance(output, LazyOutput):
        return output.pages
    if not isinstance(output, TemplateOutput):
        return ()
    page, pager = output.context.get("page"), output.context.get("pager")
    if page is not None and page.layout:
        show_all.append(index)
    return (*((page,) if page is not None else ()), *(pager.items if pager else ()))


def patch(
    last: LastBuild,
    changed: tuple[Path, ...],
    cache: BuildCache,
    *,
    now: datetime,
    inclusion: Inclusion,
    previous: Callable[[PurePosixPath], bytes | None] = lambda path: None,
    hydrate: Hydrate | None = None,
) -> Patch | None:
    """Return the build patched for ``changed`` files, or None when it needs a full build.

    ``previous`` returns an output's bytes as the last build wrote them, for feeds to be
    patched rather than made again. ``hydrate`` gives whole pages for the light ones of a
    saved build (``snapshot.py``): the pages whose bodies the re-rendered outputs show.
    """
    if last.valid_until is not None and now >= last.valid_until:
        return None
    if hydrate is not None and last.config.feed_full_content:
        return None  # every feed shows every body: as slow as the full build
    files = {path.resolve() for path in changed}
    if not files or not all(path in last.current for path in files):
        return None  # a file that is no published page (or is gone): the structure may change
    misses_before = cache.misses
    new_pages: dict[Path, Page] = {}
    for path in sorted(files):
        page = _reload(last, path, cache, now, inclusion)
        if page is None:
            return None
        new_pages[path] = page
    site = patched_site(last.site, {id(last.current[p]): page for p, page in new_pages.items()})
    current = {**last.current, **new_pages}
    swapped = [(last.current[path], page) for path, page in new_pages.items()]
    before = swapped  # the old pages whole, for finding their parts in the feeds
    if hydrate is not None:
        try:
            whole = hydrate(last, (old for old, _ in swapped))
        except LookupError:
            return None
        before = [(whole.get(old.file_path, old), new) for old, new in swapped]
    site_keys = patch_site_keys(last.site_keys, site, swapped)
    shown = {i for path in new_pages for i in last.dependents.get(path, ())}
    affected = sorted(shown | set(last.show_all))
    outputs = list(last.outputs)
    feeds = {o.path: o for o in plan_feeds(site)} if affected else {}
    keys = dict(last.keys)
    pending: list[tuple[int, TemplateOutput]] = []
    made: dict[PurePosixPath, Data] = {}
    feed_bytes = dict(last.feed_bytes)
    for index in affected:
        output = outputs[index]
        if output is None:
            return None  # not loaded: cannot happen for the files the outputs were loaded for
        if isinstance(output, LazyOutput):
            fresh = feeds[output.path]
            assert isinstance(fresh, LazyOutput)
            outputs[index] = fresh
            key = lazy_key(fresh, site_keys)
            if key != keys.get(fresh.path.as_posix()):
                mine = [pair for pair in before if index in last.dependents[pair[1].file_path]]
                old = last.feed_bytes.get(fresh.path.as_posix()) or previous(fresh.path)
                data = spliced(old, mine, fresh.part)
                if data is None and hydrate is not None:
                    return None  # making it whole needs every page whole: the full build
                data = data if data is not None else fresh.make()
                feed_bytes[fresh.path.as_posix()] = data
                if data is not old and (isinstance(data, Pieces) or data != old):
                    # (a summary often stays the same: then the parts are equal, data is old)
                    made[fresh.path] = data
        elif isinstance(output, TemplateOutput):
            context = retarget(output.context, site, current)
            fresh_template = replace(output, context=context)
            outputs[index] = fresh_template
            key = output_key(fresh_template, site_keys, template_fp=last.template_fp)
            if key != keys.get(output.path.as_posix()):
                pending.append((index, fresh_template))
        else:
            continue
        keys[output.path.as_posix()] = key
    if hydrate is not None and pending:
        try:
            pending = _hydrated(last, pending, site, current, hydrate)
        except LookupError:
            return None  # the page store lacks a page: the full build renders it
    diag = Diagnostics()
    texts = render_templates(last.env, [o for _, o in pending], diag)
    if diag.items or any(text is None for text in texts):
        return None  # a template warns about the new text: the full build reports it
    made.update((o.path, text) for (_, o), text in zip(pending, texts, strict=True) if text)
    content_pages = list(last.content.pages)
    for path, page in new_pages.items():
        if path in last.content_index:
            content_pages[last.content_index[path]] = page
    content = replace(last.content, pages=tuple(content_pages))
    state = replace(
        last,
        content=content,
        site=site,
        outputs=tuple(outputs),
        keys=keys,
        site_keys=site_keys,
        current=current,
        feed_bytes=feed_bytes if hydrate is None else {},
        by_source={**last.by_source, **{p.source.as_posix(): p for p in new_pages.values()}},
        by_url={**last.by_url, **{p.url: p for p in new_pages.values()}},
    )
    rendered = sum(1 for text in texts if text)  # templates, as a full build counts them
    return Patch(last=state, files=made, rendered=rendered, misses=cache.misses - misses_before)


def _hydrated(
    last: LastBuild,
    pending: list[tuple[int, TemplateOutput]],
    site: Site,
    current: Mapping[Path, Page],
    hydrate: Hydrate,
) -> list[tuple[int, TemplateOutput]]:
    """Return the outputs to render with whole pages where their keys cover page bodies."""
    show_all = set(last.show_all)
    wanted: dict[Path, Page] = {}
    for index, output in pending:
        if index in show_all:
            wanted.update(current)
            break
        page, pager = output.context.get("page"), output.context.get("pager")
        for shown in (*((page,) if page else ()), *(pager.items if pager else ())):
            wanted[shown.file_path] = shown
    whole = hydrate(last, (p for p in wanted.values() if not p.html))
    if not whole:
        return pending
    if any(index in show_all for index, _ in pending):
        site = patched_site(site, {id(current[path]): page for path, page in whole.items()})
    current = {**current, **whole}
    return [
        (index, replace(output, context=retarget(output.context, site, current)))
        for index, output in pending
    ]


def render_unrecorded(last: LastBuild, path: Path) -> None:
    """Render one content file as a patch would, keeping nothing (it warms the parser up)."""
    try:
        _load_file(last, path, path.read_bytes(), file_path=path)
    except OSError:
        return


def _load_file(last: LastBuild, path: Path, data: bytes, *, file_path: Path) -> LoadedPage | None:
    """Load a content file's bytes as the last build's settings load it (None: not text).

    ``path`` is resolved (it names the file under the resolved content folder); the page
    records ``file_path``, as the full build wrote it.
    """
    text = decode_source(path, data, Diagnostics())
    if text is None:
        return None
    rel = PurePosixPath(path.relative_to(last.config.content_dir.resolve()).as_posix())
    source, _ = last.languages.split(rel)
    return load_page(source, text, file_path=file_path, settings=last.settings)


def _reload(
    last: LastBuild, path: Path, cache: BuildCache, now: datetime, inclusion: Inclusion
) -> Page | None:
    """Load one changed file; None unless only its body changed and it says the same things.

    "The same things": the diagnostics about this file are those the last build reported
    (none appear or go), so the build's report is unchanged too.
    """
    old = last.current[path]
    rel = PurePosixPath(path.relative_to(last.config.content_dir.resolve()).as_posix())
    try:
        data = path.read_bytes()
        signature = _signature(path)
    except OSError:
        return None
    key = digest(data)
    loaded = cache.get(rel, key)
    if loaded is None:
        loaded = _load_file(last, path, data, file_path=old.file_path)
        if loaded is None:
            return None
        cache.put(rel, key, loaded)
    cache.remember_signature(rel, signature)
    page = loaded.page
    if page is None or page.kind != "page" or exclusion_reason(page, now, inclusion):
        return None
    diag = Diagnostics()
    by_source, by_url = dict(last.by_source), dict(last.by_url)
    by_source[page.source.as_posix()] = by_url[page.url] = page
    page = resolve_page(page, by_source, by_url, last.config.base_path, diag)
    said = [d for d in last.diagnostics if d.path is not None and d.path.resolve() == path]
    if [*loaded.diagnostics, *diag.items] != said or not _same_skeleton(old, page, last):
        return None
    return page


def _signature(path: Path) -> tuple[int, int]:
    info = path.stat()
    return (info.st_size, info.st_mtime_ns)


def _same_skeleton(old: Page, new: Page, last: LastBuild) -> bool:
    """Whether ``new`` differs from ``old`` only in what its own outputs show of its body."""
    if any(getattr(old, name) != getattr(new, name) for name in _SKELETON_FIELDS):
        return False
    if old.reading_minutes != new.reading_minutes:
        return False  # every list shows it: every output's key changes
    return old.anchors == new.anchors or old.source not in last.linked_anchors
