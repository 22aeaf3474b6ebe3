"""Keys for the output cache: what a rendered file depends on, digested. Pure.

A page's output depends on its own text and on the site's skeleton (every page's URL, title,
dates, terms and flags, the sections' text): editing a post's body re-renders only the files
that show it (its page, the list pagers holding it), while a new title re-renders everything.
Pages with a custom ``layout`` (archives, search) may show any page: they depend on all.
A multilingual build keys each language's site apart: the language, its home URL and the
translations an output links to (hreflang, the language switcher) are in every key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from blog.model import Page
from blog.plan import LazyOutput, TemplateOutput
from blog.site import Site


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def _skeleton(page: Page) -> tuple[object, ...]:
    terms = tuple((t.taxonomy, t.name, t.slug) for refs in page.terms.values() for t in refs)
    return (
        page.source, page.lang, page.url, page.title, page.date, page.lastmod, page.draft,
        page.weight, page.description, page.is_listed, page.is_rendered, page.title_from_heading,
        terms, page.aliases, page.reading_minutes,
    )  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteKeys:
    """Digests computed once per build, shared by every output's key."""

    site: str
    """The skeleton of every page and section, the config and the language."""
    everything: str
    """Every page's text (for outputs that may show any page)."""
    config: str
    """The config and the language alone."""
    pages: dict[int, str]
    """id(page) → digest of its skeleton and text."""


def site_keys(site: Site) -> SiteKeys:
    """Return the digests every output key is made from."""
    skeletons = {id(p): repr(_skeleton(p)) for p in site.pages}
    sections = tuple((s.path, s.title, s.url, s.description, s.html) for s in site.sections)
    home = site.home.digest if site.home else ""
    # The language and where its home is (both decide every URL), beside its own config.
    config = repr((site.config, site.language, site.home_url, site.languages))
    return SiteKeys(
        site=_digest(config, tuple(skeletons.values()), sections, home),
        everything=_digest(tuple(p.digest for p in site.pages)),
        config=config,
        pages={id(p): page_key(p) for p in site.pages},
    )


def page_key(page: Page) -> str:
    """Return the digest of a page's skeleton and text (its part of list and feed keys)."""
    return _digest(repr(_skeleton(page)), page.digest)


def output_key(output: TemplateOutput, keys: SiteKeys, *, template_fp: str) -> str:
    """Return the key of one template output: equal keys render equal bytes."""
    ctx = output.context
    page = ctx.get("page")
    pager = ctx.get("pager")
    own = page.digest if page is not None else ""
    everything = keys.everything if page is not None and page.layout else ""
    items = tuple(p.digest for p in pager.items) if pager is not None else ()
    shape = (pager.number, pager.total) if pager is not None else ()
    return _digest(
        template_fp, output.templates, keys.site, ctx.get("kind"), ctx.get("url"), own,
        everything, items, shape, ctx.get("target"), ctx.get("title"), ctx.get("translations"),
    )  # fmt: skip


def lazy_key(output: LazyOutput, keys: SiteKeys) -> str:
    """Return the key of a feed-like output: the config, its label and its pages' data.

    One that shows no page text (the sitemap) depends on the site's skeleton instead, which
    also decides which pages it lists.
    """
    if not output.shows_text:
        return _digest(keys.config, keys.site, output.path, output.label, len(output.pages))
    pages = tuple(map(keys.pages.get, map(id, output.pages)))  # in C: feeds list 10,000 pages
    if None in pages:  # a page of no site (cannot happen in a build; kept exact anyway)
        pages = tuple(keys.pages.get(id(p)) or page_key(p) for p in output.pages)
    return _digest(keys.config, output.path, output.label, pages)


def patch_site_keys(keys: SiteKeys, site: Site, swapped: list[tuple[Page, Page]]) -> SiteKeys:
    """Return the keys of ``site`` after (old, new) pages swapped bodies, skeletons unchanged.

    The site key stays (no skeleton changed); only the swapped pages' own digests and the
    digest of every page's text are made again.
    """
    pages = dict(keys.pages)
    for old, new in swapped:
        pages.pop(id(old), None)
        pages[id(new)] = page_key(new)
    return SiteKeys(
        site=keys.site,
        everything=_digest(tuple(p.digest for p in site.pages)),
        config=keys.config,
        pages=pages,
    )
