"""RSS 2.0, sitemap, robots.txt and the search index, built with escaping by construction."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from blog.config import Config
from blog.model import Page
from blog.urls import abs_url

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n' + body


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


def render_rss(
    config: Config,
    *,
    title: str,
    url: str,
    items: Sequence[FeedItem],
    description: str = "",
) -> bytes:
    """Return an RSS 2.0 feed of ``items`` (newest first) for the list at ``url``."""
    ET.register_namespace("atom", ATOM_NS)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    feed_title = title if title == config.title else f"{title} on {config.title}"
    ET.SubElement(channel, "title").text = feed_title
    ET.SubElement(channel, "link").text = abs_url(url, config.base_url)
    ET.SubElement(channel, "description").text = (
        description or config.description or f"Recent content in {feed_title}"
    )
    ET.SubElement(channel, "generator").text = "blog"
    ET.SubElement(channel, "language").text = config.language_code
    items = list(items) if config.feed_limit < 0 else list(items)[: config.feed_limit]
    dates = [i.date for i in items if i.date]
    if dates:
        ET.SubElement(channel, "lastBuildDate").text = format_datetime(max(dates))
    ET.SubElement(
        channel,
        f"{{{ATOM_NS}}}link",
        {
            "href": abs_url(url + "index.xml", config.base_url),
            "rel": "self",
            "type": "application/rss+xml",
        },
    )
    for entry in items:
        _rss_item(channel, config, entry)
    return _xml_bytes(rss)


def _rss_item(channel: ET.Element, config: Config, entry: FeedItem) -> None:
    item = ET.SubElement(channel, "item")
    link = abs_url(entry.url, config.base_url)
    ET.SubElement(item, "title").text = entry.title
    ET.SubElement(item, "link").text = link
    ET.SubElement(item, "pubDate").text = format_datetime(entry.date or _EPOCH)
    ET.SubElement(item, "guid").text = link
    ET.SubElement(item, "description").text = entry.description


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
    ET.register_namespace("", SITEMAP_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}{root_tag}")
    for url, lastmod in entries:
        node = ET.SubElement(root, f"{{{SITEMAP_NS}}}{entry_tag}")
        ET.SubElement(node, f"{{{SITEMAP_NS}}}loc").text = abs_url(url, config.base_url)
        if lastmod is not None:
            ET.SubElement(node, f"{{{SITEMAP_NS}}}lastmod").text = lastmod.isoformat()
    return _xml_bytes(root)


def render_robots(config: Config) -> bytes:
    """Return ``robots.txt`` allowing everything and naming the sitemap."""
    sitemap = abs_url("/sitemap.xml", config.base_url)
    return f"User-agent: *\nDisallow:\nSitemap: {sitemap}\n".encode()


def render_search_index(config: Config, pages: Sequence[Page]) -> bytes:
    """Return the JSON search index: title, URL, summary and text of each searchable page."""
    records = [
        {
            "title": page.title,
            "url": abs_url(page.url, config.base_url),
            "summary": page.description,
            "content": page.plain_text,
            "tags": [t.name for refs in page.terms.values() for t in refs],
        }
        for page in pages
        if not page.param("searchhidden")
    ]
    # <, > and & as \u escapes (still the same JSON strings) keep "</script>"-like text
    # harmless if the index is ever inlined into a page or served as HTML by mistake.
    text = json.dumps(records, ensure_ascii=True, separators=(",", ":"))
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
