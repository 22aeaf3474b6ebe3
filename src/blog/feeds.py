"""RSS 2.0, sitemap, robots.txt and the search index, built with escaping by construction.

The XML is written as text, byte for byte as ElementTree wrote it before (``ET.indent``'s
two-space indentation, ``<tag />`` for empty elements, ET's escaping), and each ``<item>``
and ``<url>`` is memoized: a page sits in several feeds (home, section, each tag), and a
dev-server rebuild re-makes every feed, so a feed is mostly a join of cached bytes. Search
records are not: each is used once, and kept they held the whole index (49 MB at 10,000
posts) for as long as the process lived.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import lru_cache

from blog.config import Config
from blog.model import Page
from blog.splice import Pieces
from blog.urls import abs_url

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_EPOCH = datetime(1, 1, 1, tzinfo=UTC)
_XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n'
_JSON = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"))  # json.dumps's, made once

# Memo sizes. Each needs room for one build's entries (an LRU smaller than a 10,000-item feed
# would miss on every item) plus the stale versions edits leave in the dev server, and bounds
# the memory: an entry keeps its key (the page's strings, shared while the page lives) and
# one escaped copy of its text. An <item> with a summary is about 1 KB (some 20 MB when all
# 16,384 are used), as big as the page's HTML with full-content feeds.
_ITEM_CACHE_SIZE = 1 << 14
_URL_CACHE_SIZE = 1 << 15  # sitemap <url>s: about 400 bytes each (13 MB full), pages+lists+terms


def _text(text: str) -> str:
    """Escape character data as ElementTree does: ``&``, ``<`` and ``>`` only."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _attr(text: str) -> str:
    """Escape an attribute value as ElementTree does (quotes, CR, LF and tab too)."""
    text = _text(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


def _leaf(indent: str, tag: str, text: str) -> str:
    """Return one indented text-only element; ``<tag />`` when the text is empty."""
    return f"{indent}<{tag}>{_text(text)}</{tag}>" if text else f"{indent}<{tag} />"


def _encode(text: str) -> bytes:
    """Encode as ``ET.tostring(encoding="utf-8")``: unencodable characters as references."""
    return text.encode("utf-8", "xmlcharrefreplace")


def _zone(moment: datetime) -> tuple[timedelta | None, bool]:
    """Return what, besides equality, decides how a datetime prints: offset and naivety.

    Datetimes equal across zones (10:00Z, 11:00+01:00) compare and hash equal yet print
    differently, so memo keys carry this beside the datetime.
    """
    return moment.utcoffset(), moment.tzinfo is None


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedItem:
    """One ``<item>``: a page, or a term in a taxonomy's feed."""

    title: str
    """Item title."""
    url: str
    """Site-relative URL."""
    date: datetime | None
    """Publication date."""
    description: str = ""
    """HTML description (escaped by the XML writer)."""


def page_items(config: Config, pages: Sequence[Page]) -> list[FeedItem]:
    """Return feed items for pages: summary, or full content when configured."""
    return [
        FeedItem(
            title=p.title,
            url=p.url,
            date=p.date,
            description=p.html if config.feed_full_content else (p.summary or p.description),
        )
        for p in pages
    ]


def page_item(config: Config, page: Page) -> bytes:
    """Return a page's ``<item>`` exactly as it appears in a feed of pages."""
    entry = page_items(config, [page])[0]
    when = entry.date or _EPOCH
    return _rss_item(entry.title, entry.url, config.base_url, when, *_zone(when), entry.description)


def render_rss(
    config: Config,
    *,
    title: str,
    url: str,
    items: Sequence[FeedItem],
    description: str = "",
) -> bytes:
    """Return an RSS 2.0 feed of ``items`` (newest first) for the list at ``url``."""
    feed_title = title if title == config.title else f"{title} on {config.title}"
    items = list(items) if config.feed_limit < 0 else list(items)[: config.feed_limit]
    head = [
        f'<rss xmlns:atom="{_attr(ATOM_NS)}" version="2.0">\n  <channel>',
        _leaf("\n    ", "title", feed_title),
        _leaf("\n    ", "link", abs_url(url, config.base_url)),
        _leaf(
            "\n    ",
            "description",
            description or config.description or f"Recent content in {feed_title}",
        ),
        _leaf("\n    ", "generator", "blog"),
        _leaf("\n    ", "language", config.language_code),
    ]
    dates = [i.date for i in items if i.date]
    if dates:
        head.append(_leaf("\n    ", "lastBuildDate", format_datetime(max(dates))))
    self_url = _attr(abs_url(url + "index.xml", config.base_url))
    head.append(f'\n    <atom:link href="{self_url}" rel="self" type="application/rss+xml" />')
    base_url = config.base_url
    parts = [_XML_DECLARATION, _encode("".join(head))]
    for entry in items:
        when = entry.date or _EPOCH
        parts.append(
            _rss_item(entry.title, entry.url, base_url, when, *_zone(when), entry.description)
        )
    parts.append(b"\n  </channel>\n</rss>")
    return b"".join(parts)


@lru_cache(maxsize=_ITEM_CACHE_SIZE)
def _rss_item(
    title: str,
    url: str,
    base_url: str,
    date: datetime,
    offset: timedelta | None,  # in the memo key only (see _zone)
    naive: bool,  # in the memo key only (see _zone)
    description: str,
) -> bytes:
    """Return one indented ``<item>`` of a channel, led by its newline."""
    link = abs_url(url, base_url)
    return _encode(
        "\n    <item>"
        + _leaf("\n      ", "title", title)
        + _leaf("\n      ", "link", link)
        + _leaf("\n      ", "pubDate", format_datetime(date))
        + _leaf("\n      ", "guid", link)
        + _leaf("\n      ", "description", description)
        + "\n    </item>"
    )


def render_sitemap(config: Config, entries: Sequence[tuple[str, datetime | None]]) -> bytes:
    """Return ``sitemap.xml`` for (site-relative URL, last modified) entries."""
    return _sitemap_xml(config, "urlset", "url", entries)


def render_sitemap_index(config: Config, entries: Sequence[tuple[str, datetime | None]]) -> bytes:
    """Return the ``sitemapindex`` of a multilingual site: (sitemap URL, last change) entries."""
    return _sitemap_xml(config, "sitemapindex", "sitemap", entries)


def _sitemap_xml(
    config: Config, root_tag: str, entry_tag: str, entries: Sequence[tuple[str, datetime | None]]
) -> bytes:
    """Return a sitemaps.org document: ``<loc>`` and optional ``<lastmod>`` per entry."""
    base_url = config.base_url
    blocks = [
        _sitemap_entry(entry_tag, url, base_url, None, None, True)
        if lastmod is None
        else _sitemap_entry(entry_tag, url, base_url, lastmod, *_zone(lastmod))
        for url, lastmod in entries
    ]
    root = f'<{root_tag} xmlns="{_attr(SITEMAP_NS)}"'
    if not blocks:  # ET.indent leaves a childless root alone: ET writes it self-closed
        return _XML_DECLARATION + _encode(root + " />")
    return b"".join([_XML_DECLARATION, _encode(root + ">"), *blocks, _encode(f"\n</{root_tag}>")])


@lru_cache(maxsize=_URL_CACHE_SIZE)
def _sitemap_entry(
    entry_tag: str,
    url: str,
    base_url: str,
    lastmod: datetime | None,
    offset: timedelta | None,  # in the memo key only (see _zone)
    naive: bool,  # in the memo key only (see _zone)
) -> bytes:
    """Return one indented ``<url>`` (or ``<sitemap>``), led by its newline."""
    text = f"\n  <{entry_tag}>" + _leaf("\n    ", "loc", abs_url(url, base_url))
    if lastmod is not None:
        text += _leaf("\n    ", "lastmod", lastmod.isoformat())
    return _encode(text + f"\n  </{entry_tag}>")


def render_robots(config: Config) -> bytes:
    """Return ``robots.txt`` allowing everything and naming the sitemap."""
    sitemap = abs_url("/sitemap.xml", config.base_url)
    return f"User-agent: *\nDisallow:\nSitemap: {sitemap}\n".encode()


def render_search_index(config: Config, pages: Sequence[Page]) -> Pieces:
    """Return the JSON search index: title, URL, summary and text of each searchable page.

    The records are kept side by side, never joined: at 10,000 posts they are 49 MB.
    """
    return Pieces(tuple((chunk, 0, len(chunk)) for chunk in search_index_chunks(config, pages)))


def search_index_chunks(config: Config, pages: Sequence[Page]) -> Iterator[bytes]:
    """Yield the search index's bytes record by record (a full build writes them as made)."""
    yield b"["
    first = True
    for page in pages:
        record = search_record(config, page)
        if record is not None:
            if not first:
                yield b","
            first = False
            yield record
    yield b"]"


def search_record(config: Config, page: Page) -> bytes | None:
    """Return a page's record in the search index; None when it is ``searchHidden``."""
    if page.param("searchhidden"):
        return None
    tags = tuple([t.name for refs in page.terms.values() for t in refs])
    return _search_record(
        page.title, page.url, config.base_url, page.description, page.plain_text, tags
    )


def _search_record(
    title: str, url: str, base_url: str, summary: str, content: str, tags: tuple[str, ...]
) -> bytes:
    """Return one search-index record as compact ASCII JSON."""
    record = {
        "title": title,
        "url": abs_url(url, base_url),
        "summary": summary,
        "content": content,
        "tags": list(tags),
    }
    # <, > and & as \u escapes (still the same JSON strings) keep "</script>"-like text
    # harmless if the index is ever inlined into a page or served as HTML by mistake.
    text = _JSON.encode(record)
    for char in "<>&":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text.encode()


def render_llms_txt(config: Config, pages: Sequence[Page]) -> bytes:
    """Return ``/llms.txt`` (llmstxt.org): the site's title, description and page links."""
    lines = [f"# {config.title}", ""]
    if config.description:
        lines += [f"> {config.description}", ""]
    lines += ["## Pages", ""]
    for page in pages:
        note = f": {page.description}" if page.description else ""
        lines.append(f"- [{page.title}]({abs_url(page.url, config.base_url)}){note}")
    return ("\n".join(lines) + "\n").encode()
