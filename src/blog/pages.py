"""Turn one content file's text into a ``Page``: a pure function, cached and run in workers."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from blog.errors import Diagnostic
from blog.front_matter import FrontMatter, parse_front_matter
from blog.markdown import MarkdownOptions, Rendered, render
from blog.meta import PageMeta, read_meta
from blog.model import Kind, Page, TermRef
from blog.shortcodes import ShortcodeSettings, expand_shortcodes, finish_rendered
from blog.urls import (
    base_name,
    default_page_url,
    expand_permalink,
    normalize_url,
    term_slug,
    urlize,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PageSettings:
    """Everything from the config that affects how one file becomes a Page."""

    markdown: MarkdownOptions
    """Renderer options."""
    timezone: str = "UTC"
    """Zone for dates without an offset."""
    taxonomies: tuple[str, ...] = ("tags", "categories")
    """Taxonomy plural names."""
    permalinks: Mapping[str, str] = field(default_factory=dict)
    """Section → page permalink pattern."""
    term_permalinks: Mapping[str, str] = field(default_factory=dict)
    """Taxonomy → term permalink pattern."""
    shortcodes: ShortcodeSettings = field(default_factory=ShortcodeSettings)
    """The site's shortcode templates and params."""
    math: bool = False
    """Site ``params.math``: typeset math on every page (else a page's ``math: true``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadedPage:
    """The result of reading one file: a page (or None) and what was wrong with it."""

    page: Page | None
    """The page, or None when the file has errors."""
    diagnostics: tuple[Diagnostic, ...]
    """Everything found while reading and rendering."""


def term_url(taxonomy: str, name: str, term_permalinks: Mapping[str, str]) -> str:
    """Return the site-relative URL of a term page."""
    slug = term_slug(name)
    pattern = term_permalinks.get(taxonomy)
    if pattern:
        return normalize_url(pattern.replace(":slug", slug).replace(":title", slug))
    return f"/{urlize(taxonomy)}/{slug}/"


def load_page(
    source: PurePosixPath, text: str, *, file_path: Path, settings: PageSettings
) -> LoadedPage:
    """Parse, validate and render one Markdown file into a Page."""
    fm, fm_diags = parse_front_matter(text, path=file_path)
    if fm is None:
        return LoadedPage(page=None, diagnostics=fm_diags)
    meta, meta_diags = read_meta(
        fm, path=file_path, timezone=settings.timezone, taxonomies=settings.taxonomies
    )
    diags = list(fm_diags) + list(meta_diags)
    rendered = _render_body(fm, meta, file_path, settings)
    diags.extend(rendered.diagnostics)
    if any(d.severity == "error" for d in diags):
        return LoadedPage(page=None, diagnostics=tuple(diags))
    title, from_heading = _title(source, fm, meta, rendered, file_path, diags)
    url = _page_url(source, meta, title, settings)
    page = Page(
        source=source,
        file_path=file_path,
        section=source.parts[0] if len(source.parts) > 1 else None,
        kind=_kind(source),
        title=title,
        title_from_heading=from_heading,
        date=meta.date,
        lastmod=meta.lastmod or meta.date,
        publish_date=meta.publish_date,
        expiry_date=meta.expiry_date,
        draft=meta.draft,
        slug=meta.slug or base_name(source),
        url=url,
        description=meta.description or "",
        summary=_summary(meta, rendered),
        summary_is_truncated=meta.summary is not None or rendered.summary_is_truncated,
        terms=_terms(meta, settings),
        aliases=tuple(alias_url(a, url) for a in meta.aliases),
        layout=meta.layout,
        weight=meta.weight,
        params=meta.params,
        html=rendered.html,
        digest=hashlib.blake2b(text.encode(), digest_size=16).hexdigest(),
        toc=rendered.toc,
        word_count=rendered.word_count,
        plain_text=rendered.plain_text,
        links=rendered.links,
        anchors=tuple(h.id for h in rendered.headings if h.id),
        is_bundle=source.name == "index.md",
        is_rendered=meta.build_render,
        is_listed=meta.build_list,
    )
    return LoadedPage(page=page, diagnostics=tuple(diags))


def _render_body(
    fm: FrontMatter, meta: PageMeta, file_path: Path, settings: PageSettings
) -> Rendered:
    """Expand the shortcodes, render the Markdown, and put the shortcodes' HTML in place."""
    expanded = expand_shortcodes(
        fm.body, settings=settings.shortcodes, markdown=settings.markdown, path=file_path,
        line_offset=fm.body_line_offset, title=meta.title or "", params=meta.params,
    )  # fmt: skip
    return finish_rendered(
        expanded,
        render(
            expanded.text,
            options=settings.markdown,
            path=file_path,
            line_offset=fm.body_line_offset,
            math=settings.math or bool(meta.params.get("math")),
        ),
    )


def alias_url(alias: str, page_url: str) -> str:
    """Return an alias as a site URL; a relative one sits beside the page (Hugo)."""
    if alias.startswith("/") or "://" in alias:
        return normalize_url(alias)
    folder = page_url.rstrip("/").rsplit("/", 1)[0]
    return normalize_url(f"{folder}/{alias}")


def _kind(source: PurePosixPath) -> Kind:
    if source.name != "_index.md":
        return "page"
    return "section" if source.parent.parts else "home"


def _title(
    source: PurePosixPath,
    fm: FrontMatter,
    meta: PageMeta,
    rendered: Rendered,
    file_path: Path,
    diags: list[Diagnostic],
) -> tuple[str, bool]:
    """Return the title and whether it came from the body's leading ``#`` heading."""
    if meta.title is not None:
        return meta.title, False
    line = fm.body_line_offset + 1 if fm.format != "none" else 1
    if rendered.leading_h1 is not None:
        diags.append(
            Diagnostic(
                severity="warning",
                message=f"no title in front matter; using the leading heading "
                f'"{rendered.leading_h1.text}"',
                path=file_path,
                line=rendered.leading_h1.line if fm.format != "none" else line,
                hint='add `title: "…"` to the front matter (Hugo would show no title)',
            )
        )
        return rendered.leading_h1.text, True
    diags.append(
        Diagnostic(
            severity="warning",
            message=f'no title in front matter; using the file name "{base_name(source)}"',
            path=file_path,
            line=1,
            hint='add `title: "…"` to the front matter',
        )
    )
    return base_name(source), False


def _page_url(source: PurePosixPath, meta: PageMeta, title: str, settings: PageSettings) -> str:
    if meta.url:
        return normalize_url(meta.url)
    section = source.parts[0] if len(source.parts) > 1 else ""
    pattern = settings.permalinks.get(section.lower())
    if pattern and source.name != "_index.md":
        return expand_permalink(
            pattern, source=source, section=section, title=title, slug=meta.slug, date=meta.date
        )
    return default_page_url(source, meta.slug)


def _summary(meta: PageMeta, rendered: Rendered) -> str:
    if meta.summary is not None:
        return f"<p>{html.escape(meta.summary)}</p>"
    return rendered.summary


def _terms(meta: PageMeta, settings: PageSettings) -> dict[str, tuple[TermRef, ...]]:
    terms: dict[str, tuple[TermRef, ...]] = {}
    for taxonomy, names in meta.terms.items():
        refs = []
        seen: set[str] = set()
        for name in names:
            slug = term_slug(name)
            if not slug or slug in seen:
                continue
            seen.add(slug)
            url = term_url(taxonomy, name, settings.term_permalinks)
            refs.append(_term_ref(taxonomy, name, slug, url))
        terms[taxonomy] = tuple(refs)
    return terms


_TERM_REFS: dict[tuple[str, str, str, str], TermRef] = {}
_MAX_TERM_REFS = 1 << 16


def _term_ref(taxonomy: str, name: str, slug: str, url: str) -> TermRef:
    """Return the one TermRef of these values in this process.

    Pages share a few tags: one object each (and pickled once per chunk of pages a worker
    sends back) instead of one per page, 8 MiB at 10,000 posts.
    """
    key = (taxonomy, name, slug, url)
    found = _TERM_REFS.get(key)
    if found is None:
        if len(_TERM_REFS) >= _MAX_TERM_REFS:
            _TERM_REFS.clear()
        found = _TERM_REFS[key] = TermRef(taxonomy=taxonomy, name=name, slug=slug, url=url)
    return found
