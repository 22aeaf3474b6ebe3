"""List every file the site will contain and the explicit context each is rendered with. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, TypedDict

from blog.config import Config
from blog.feeds import (
    FeedItem,
    page_item,
    page_items,
    render_llms_txt,
    render_robots,
    render_rss,
    render_search_index,
    render_sitemap,
    search_index_chunks,
    search_record,
)
from blog.languages import translation_key
from blog.model import Kind, Page, Pager, Section, Taxonomy, Term, Translation
from blog.site import Site, date_key
from blog.splice import Data
from blog.urls import output_path, pager_url


class Context(TypedDict, total=False):
    """What a template sees; every kind sets the keys that apply to it (rest are None)."""

    site: Site
    config: Config
    kind: Kind | str
    url: str
    title: str
    description: str
    page: Page | None
    section: Section | None
    taxonomy: Taxonomy | None
    term: Term | None
    pager: Pager | None
    prev_page: Page | None
    next_page: Page | None
    related: tuple[Page, ...]
    breadcrumbs: tuple[tuple[str, str], ...]
    feed_url: str | None
    target: str
    terms: tuple[Term, ...]
    translations: tuple[Translation, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateOutput:
    """A file rendered from a template."""

    path: PurePosixPath
    """Where it goes, relative to the output folder."""
    templates: tuple[str, ...]
    """Template names to try, first found wins."""
    context: Context
    """The template's variables."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DataOutput:
    """A file whose bytes are already known (feeds, sitemap, search index)."""

    path: PurePosixPath
    """Where it goes, relative to the output folder."""
    data: bytes
    """Its content."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LazyOutput:
    """A file made by a function, only when the pages it shows changed (feeds, sitemap)."""

    path: PurePosixPath
    """Where it goes, relative to the output folder."""
    pages: tuple[Page, ...]
    """The pages it is made from (with the site's skeleton, they decide its key)."""
    make: Callable[[], Data]
    """Returns its bytes (whole, or in pieces)."""
    label: str = ""
    """Anything else its bytes depend on (a title, a term list)."""
    shows_text: bool = True
    """False when it shows only the pages' skeletons (URLs, titles, dates), not their text."""
    part: Callable[[Page], bytes | None] | None = None
    """The bytes it holds for one page, verbatim and once (a feed's ``<item>``): a patch
    replaces them in the previous file instead of making it all again."""
    stream: Callable[[], Iterable[bytes]] | None = None
    """The same bytes made chunk by chunk, for a full build to write without holding them."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CopyOutput:
    """A file copied from the site (static files, bundle resources)."""

    path: PurePosixPath
    """Where it goes, relative to the output folder."""
    source: Path
    """The file to copy."""


Output = TemplateOutput | DataOutput | LazyOutput | CopyOutput


def base_context(site: Site, kind: str, url: str, title: str) -> Context:
    """Return a context with every key present (so StrictUndefined catches only typos)."""
    return Context(
        site=site,
        config=site.config,
        kind=kind,
        url=url,
        title=title,
        description=site.config.description,
        page=None,
        section=None,
        taxonomy=None,
        term=None,
        pager=None,
        prev_page=None,
        next_page=None,
        related=(),
        breadcrumbs=(),
        feed_url=None,
        target="",
        terms=(),
        translations=(),
    )


def paginate(items: tuple[Page, ...], per_page: int, list_url: str) -> tuple[Pager, ...]:
    """Split ``items`` into pagers at Hugo's URLs (``/page/2/`` …); one pager when empty."""
    chunks = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [()]
    total = len(chunks)
    return tuple(
        Pager(
            number=n,
            total=total,
            url=pager_url(list_url, n),
            items=chunk,
            first_url=list_url,
            prev_url=pager_url(list_url, n - 1) if n > 1 else None,
            next_url=pager_url(list_url, n + 1) if n < total else None,
        )
        for n, chunk in enumerate(chunks, start=1)
    )


def plan_pages(site: Site) -> list[Output]:
    """Return one output per regular page."""
    outputs: list[Output] = []
    for page in (p for p in site.pages if p.is_rendered):
        ctx = base_context(site, "page", page.url, page.title)
        newer, older = site.neighbours(page)
        ctx["page"] = page
        ctx["description"] = page.description or site.config.description
        ctx["section"] = site.section(page.section) if page.section else None
        ctx["prev_page"] = newer
        ctx["next_page"] = older
        ctx["related"] = site.related(page)
        ctx["breadcrumbs"] = breadcrumbs(site, page.url)
        ctx["translations"] = site.translations(translation_key(page))
        templates = (f"{page.layout}.html",) if page.layout else ()
        outputs.append(
            TemplateOutput(
                path=output_path(page.url), templates=(*templates, "page.html"), context=ctx
            )
        )
    return outputs


def breadcrumbs(site: Site, url: str) -> tuple[tuple[str, str], ...]:
    """Return (title, url) for each section above ``url`` (home first)."""
    crumbs: list[tuple[str, str]] = [("Home", site.home_url)]
    by_url = {s.url: s for s in site.sections}
    parts = url.strip("/").split("/")
    for i in range(1, len(parts)):
        prefix = "/" + "/".join(parts[:i]) + "/"
        if prefix in by_url:
            crumbs.append((by_url[prefix].title, prefix))
    return tuple(crumbs)


def plan_list(
    site: Site, kind: str, url: str, title: str, items: tuple[Page, ...], **extra: Any
) -> list[Output]:
    """Return the pagers of one list page plus Hugo's ``page/1/`` redirect."""
    outputs: list[Output] = []
    template = {"home": "home.html", "section": "section.html", "term": "term.html"}[kind]
    for pager in paginate(items, site.config.pager_size, url):
        ctx = base_context(site, kind, pager.url, title)
        ctx["pager"] = pager
        ctx["feed_url"] = url + "index.xml"
        ctx["breadcrumbs"] = breadcrumbs(site, url)
        ctx["translations"] = site.translations(list_key(site, url))
        ctx.update(extra)  # type: ignore[typeddict-item]
        outputs.append(
            TemplateOutput(path=output_path(pager.url), templates=(template,), context=ctx)
        )
    outputs.append(redirect(site, url + "page/1/", url))
    return outputs


def list_key(site: Site, url: str) -> str:
    """Return the translation key of a list page: its URL without the language's prefix."""
    return "list:/" + url[len(site.home_url) :]


def redirect(site: Site, from_url: str, to_url: str) -> TemplateOutput:
    """Return a redirect page at ``from_url`` (aliases, ``page/1/``)."""
    ctx = base_context(site, "alias", from_url, to_url)
    ctx["target"] = to_url
    return TemplateOutput(path=output_path(from_url), templates=("alias.html",), context=ctx)


def plan_lists(site: Site) -> list[Output]:
    """Return home, section, taxonomy and term outputs."""
    home_title = site.home.title if site.home else site.config.title
    outputs = plan_list(site, "home", site.home_url, home_title, site.home_pages)
    for section in site.sections:
        outputs += plan_list(
            site,
            "section",
            section.url,
            section.title,
            section.pages,
            section=section,
            description=section.description or site.config.description,
        )
    for taxonomy in site.taxonomies:
        outputs += plan_taxonomy(site, taxonomy)
        for term in taxonomy.terms:
            outputs += plan_list(
                site, "term", term.url, term.name, term.pages, taxonomy=taxonomy, term=term
            )
    return outputs


def plan_taxonomy(site: Site, taxonomy: Taxonomy) -> list[Output]:
    """Return the taxonomy index, paginated over its terms as Hugo's paginator does."""
    outputs: list[Output] = []
    size = site.config.pager_size
    chunks = [taxonomy.terms[i : i + size] for i in range(0, len(taxonomy.terms), size)] or [()]
    for number, terms in enumerate(chunks, start=1):
        url = pager_url(taxonomy.url, number)
        ctx = base_context(site, "taxonomy", url, taxonomy.name.title())
        ctx["taxonomy"] = taxonomy
        ctx["terms"] = terms
        ctx["pager"] = Pager(
            number=number,
            total=len(chunks),
            url=url,
            items=(),
            first_url=taxonomy.url,
            prev_url=pager_url(taxonomy.url, number - 1) if number > 1 else None,
            next_url=pager_url(taxonomy.url, number + 1) if number < len(chunks) else None,
        )
        ctx["feed_url"] = taxonomy.url + "index.xml"
        ctx["breadcrumbs"] = breadcrumbs(site, taxonomy.url)
        ctx["translations"] = site.translations(list_key(site, taxonomy.url))
        outputs.append(
            TemplateOutput(path=output_path(url), templates=("taxonomy.html",), context=ctx)
        )
    outputs.append(redirect(site, taxonomy.url + "page/1/", taxonomy.url))
    return outputs


def plan_aliases(site: Site) -> list[Output]:
    """Return one redirect page per alias."""
    return [redirect(site, alias, page.url) for page in site.pages for alias in page.aliases]


def plan_special(site: Site) -> list[Output]:
    """Return the 404 page."""
    url = site.home_url + "404.html"
    ctx = base_context(site, "404", url, "Page not found")
    return [TemplateOutput(path=output_path(url), templates=("404.html",), context=ctx)]


def plan_feeds(site: Site) -> list[Output]:
    """Return RSS feeds (home, sections, taxonomies, terms), sitemap, robots and search index.

    Each is a LazyOutput: made only when the pages it shows changed (see fingerprints.py).
    """
    cfg, home = site.config, site.home_url
    outputs: list[Output] = [_feed(site, home, cfg.title, site.home_pages)]
    for section in site.sections:
        outputs.append(_feed(site, section.url, section.title, section.regular_pages))
    for taxonomy in site.taxonomies:
        outputs.append(_taxonomy_feed(site, taxonomy))
        outputs.extend(_feed(site, t.url, t.name, t.pages) for t in taxonomy.terms)
    outputs.append(_lazy(sitemap_url(site), site.pages, lambda: _sitemap(site), shows_text=False))
    if cfg.enable_robots_txt and not site.languages:  # multilingual: one, beside the index
        outputs.append(DataOutput(path=PurePosixPath("robots.txt"), data=render_robots(cfg)))
    search = home + "index.json"
    outputs.append(
        LazyOutput(
            path=output_path(search),
            pages=site.pages,
            make=lambda: render_search_index(cfg, site.pages),
            part=partial(search_record, cfg),
            stream=partial(search_index_chunks, cfg, site.pages),
        )
    )
    if "llms" in cfg.home_outputs:
        llms = home + "llms.txt"
        make_llms = partial(render_llms_txt, cfg, site.home_pages)
        outputs.append(_lazy(llms, site.home_pages, make_llms, shows_text=False))
    return outputs


def sitemap_url(site: Site) -> str:
    """Return where a site's sitemap goes: ``/sitemap.xml``, or ``/fr/sitemap.xml`` (Hugo).

    With several languages each one's sitemap is in its folder, the default language's too,
    and ``/sitemap.xml`` is the index of them.
    """
    return f"/{site.language.code}/sitemap.xml" if site.languages else "/sitemap.xml"


def _lazy(
    url: str, pages: tuple[Page, ...], make: Callable[[], bytes], *, shows_text: bool
) -> LazyOutput:
    return LazyOutput(path=output_path(url), pages=pages, make=make, shows_text=shows_text)


def _feed(site: Site, url: str, title: str, pages: tuple[Page, ...]) -> LazyOutput:
    def make() -> bytes:
        items = page_items(site.config, sorted(pages, key=date_key))
        return render_rss(site.config, title=title, url=url, items=items)

    return LazyOutput(
        path=output_path(url + "index.xml"),
        pages=pages,
        make=make,
        label=title,
        part=partial(page_item, site.config),
    )


def _taxonomy_feed(site: Site, taxonomy: Taxonomy) -> LazyOutput:
    """Return a taxonomy's feed: one item per term, newest term first (as Hugo)."""

    def make() -> bytes:
        items = [
            FeedItem(title=t.name, url=t.url, date=_newest_date(t.pages)) for t in taxonomy.terms
        ]
        items.sort(key=lambda i: (-(i.date.timestamp() if i.date else float("-inf")), i.title))
        return render_rss(site.config, title=taxonomy.name.title(), url=taxonomy.url, items=items)

    pages = tuple(p for t in taxonomy.terms for p in t.pages[:1])
    return LazyOutput(
        path=output_path(taxonomy.url + "index.xml"),
        pages=pages,
        make=make,
        label=repr([(t.name, t.slug, len(t.pages)) for t in taxonomy.terms]),
        shows_text=False,
    )


def _newest_date(pages: tuple[Page, ...]) -> datetime | None:
    return max((p.date for p in pages if p.date), default=None)


def _sitemap(site: Site) -> bytes:
    entries: list[tuple[str, datetime | None]] = []
    newest = max((p.lastmod for p in site.pages if p.lastmod), default=None)
    entries.append((site.home_url, newest))
    entries.extend((p.url, p.lastmod) for p in site.pages if p.is_rendered)
    entries.extend((s.url, _newest(s.regular_pages)) for s in site.sections)
    for taxonomy in site.taxonomies:
        entries.append((taxonomy.url, None))
        entries.extend((t.url, _newest(t.pages)) for t in taxonomy.terms)
    return render_sitemap(site.config, entries)


def _newest(pages: tuple[Page, ...]) -> datetime | None:
    return max((p.lastmod for p in pages if p.lastmod), default=None)


def plan_site(site: Site) -> list[Output]:
    """Return every output of the site except static files."""
    return (
        plan_pages(site)
        + plan_lists(site)
        + plan_aliases(site)
        + plan_special(site)
        + (plan_feeds(site))
    )
