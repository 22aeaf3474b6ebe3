"""The string-built feeds are byte for byte what ElementTree wrote, and memoized per item."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from blog import feeds, urls
from blog.feeds import (
    FeedItem,
    page_items,
    render_rss,
    render_search_index,
    render_sitemap,
    render_sitemap_index,
)
from blog.model import Page, TermRef
from blog.siteconfig import Config
from blog.splice import Pieces
from blog.urls import abs_url, output_path, rel_url

# --- The ElementTree writer these functions replaced, kept as the reference -------------------


def _et_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n' + body


def et_rss(
    config: Config, *, title: str, url: str, items: Sequence[FeedItem], description: str = ""
) -> bytes:
    atom = feeds.ATOM_NS
    ET.register_namespace("atom", atom)
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
        f"{{{atom}}}link",
        {
            "href": abs_url(url + "index.xml", config.base_url),
            "rel": "self",
            "type": "application/rss+xml",
        },
    )
    for entry in items:
        item = ET.SubElement(channel, "item")
        link = abs_url(entry.url, config.base_url)
        ET.SubElement(item, "title").text = entry.title
        ET.SubElement(item, "link").text = link
        ET.SubElement(item, "pubDate").text = format_datetime(
            entry.date or datetime(1, 1, 1, tzinfo=UTC)
        )
        ET.SubElement(item, "guid").text = link
        ET.SubElement(item, "description").text = entry.description
    return _et_bytes(rss)


def et_sitemap(
    config: Config, root_tag: str, entry_tag: str, entries: Sequence[tuple[str, datetime | None]]
) -> bytes:
    ns = feeds.SITEMAP_NS
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}{root_tag}")
    for url, lastmod in entries:
        node = ET.SubElement(root, f"{{{ns}}}{entry_tag}")
        ET.SubElement(node, f"{{{ns}}}loc").text = abs_url(url, config.base_url)
        if lastmod is not None:
            ET.SubElement(node, f"{{{ns}}}lastmod").text = lastmod.isoformat()
    return _et_bytes(root)


def json_search_index(config: Config, pages: Sequence[Page]) -> bytes:
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
    text = json.dumps(records, ensure_ascii=True, separators=(",", ":"))
    for char in "<>&":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text.encode()


# --- Inputs ------------------------------------------------------------------------------------

TRICKY = [
    "",
    "plain",
    "Tom & Jerry <b>bold</b> > less",
    "quotes \" and ' and ]]> and <![CDATA[x]]>",
    "&amp; already &lt;escaped&gt; &#38;",
    "café naïve 日本語 emoji 🎉 rtl مرحبا",
    "  spaced  \n\tnew line\r\nand tab\t",
    "control \x01\x1f chars",
    "lone surrogate \ud800 here",
    " ",
]

PARIS = ZoneInfo("Europe/Paris")
DATES: list[datetime | None] = [
    None,
    datetime(2024, 3, 5, 10, 0, tzinfo=UTC),
    # Equal to the one above, in another zone: equal datetimes that print differently.
    datetime(2024, 3, 5, 11, 0, tzinfo=timezone(timedelta(hours=1))),
    datetime(2024, 3, 5, 10, 0, 0, 123456, tzinfo=UTC),
    datetime(2019, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    # The repeated hour at the end of summer time: fold 0 and 1 compare equal, print apart.
    datetime(2023, 10, 29, 2, 30, tzinfo=PARIS),
    datetime(2023, 10, 29, 2, 30, tzinfo=PARIS, fold=1),
]
NAIVE = datetime(2024, 3, 5, 10, 0)  # compares equal to no aware one, so only alone in a feed

URLS = [
    "/",
    "/posts/hello/",
    "/posts/café & co/",
    '/posts/a"b<c>d/',
    "/tags/c++/",
    "https://other.example/x?a=1&b=2",
    'https://other.example/"quoted"\n\t&/',
]


def config(**changes: object) -> Config:
    values: dict[str, object] = {
        "root": Path(),
        "title": "Site & <Co>",
        "base_url": "https://example.org/blog/",
        "language_code": "en-us",
    }
    values.update(changes)
    return Config(**values)  # type: ignore[arg-type]


def make_items() -> list[FeedItem]:
    out = []
    for i, text in enumerate(TRICKY):
        out.append(
            FeedItem(
                title=text,
                url=URLS[i % len(URLS)],
                date=DATES[i % len(DATES)],
                description=TRICKY[-1 - i],
            )
        )
    for i, date in enumerate(DATES):
        out.append(FeedItem(title=f"dated {i}", url=f"/d/{i}/", date=date))
    return out


def page(i: int, *, title: str = "T", text: str = "", **extra: object) -> Page:
    values: dict[str, object] = {
        "source": PurePosixPath(f"posts/p{i}.md"),
        "file_path": Path(f"p{i}.md"),
        "section": "posts",
        "title": title,
        "slug": f"p{i}",
        "url": f"/posts/p{i}/",
        "plain_text": text,
    }
    values.update(extra)
    return Page(**values)  # type: ignore[arg-type]


# --- RSS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [-1, 0, 1, 3, 100])
@pytest.mark.parametrize("description", ["", "Feed <desc> & more"])
def test_rss_matches_elementtree(limit: int, description: str) -> None:
    cfg = config(feed_limit=limit)
    items = make_items()
    for url in URLS:
        for title in ("Posts", "Site & <Co>", ""):
            expected = et_rss(cfg, title=title, url=url, items=items, description=description)
            got = render_rss(cfg, title=title, url=url, items=items, description=description)
            assert got == expected
            # A second call is served from the memo and is still the same.
            assert render_rss(cfg, title=title, url=url, items=items, description=description) == (
                expected
            )


@pytest.mark.parametrize("language", ["", "fr"])
def test_rss_empty_channel_values_and_no_items(language: str) -> None:
    cfg = config(language_code=language, description="site <desc>", title="")
    for items in ([], [FeedItem(title="", url="/x/", date=None)]):
        expected = et_rss(cfg, title="", url="/", items=items)
        assert render_rss(cfg, title="", url="/", items=items) == expected
    assert b"<description />" in render_rss(
        cfg, title="", url="/", items=[FeedItem(title="", url="/x/", date=None)]
    )


def test_rss_naive_dates() -> None:
    cfg = config()
    items = [FeedItem(title="n", url="/n/", date=NAIVE), FeedItem(title="m", url="/m/", date=None)]
    assert render_rss(cfg, title="x", url="/", items=items) == et_rss(
        cfg, title="x", url="/", items=items
    )
    assert b"-0000</pubDate>" in render_rss(cfg, title="x", url="/", items=items)


def test_rss_equal_dates_in_other_zones_keep_their_own_offsets() -> None:
    cfg = config()
    utc = FeedItem(title="a", url="/a/", date=datetime(2024, 3, 5, 10, tzinfo=UTC))
    plus1 = FeedItem(
        title="a", url="/a/", date=datetime(2024, 3, 5, 11, tzinfo=timezone(timedelta(hours=1)))
    )
    assert utc.date == plus1.date
    first = render_rss(cfg, title="x", url="/", items=[utc])
    second = render_rss(cfg, title="x", url="/", items=[plus1])
    assert b"10:00:00 +0000" in first
    assert b"11:00:00 +0100" in second
    assert second == et_rss(cfg, title="x", url="/", items=[plus1])


def test_rss_from_pages_full_content_and_summary() -> None:
    pages = [
        page(1, title="One & <two>", summary="<p>s & t</p>", html="<p>full</p>"),
        page(2, title="Two", description="desc only", html="<p>x ]]> y</p>"),
        page(3, title="Three", date=datetime(2020, 1, 1, tzinfo=UTC)),
    ]
    for full in (False, True):
        cfg = config(feed_full_content=full)
        items = page_items(cfg, pages)
        expected = et_rss(cfg, title="Posts", url="/posts/", items=items)
        assert render_rss(cfg, title="Posts", url="/posts/", items=items) == expected


def test_rebuilding_a_big_feed_after_one_edit_makes_one_item() -> None:
    cfg = config()
    base = datetime(2020, 1, 1, tzinfo=UTC)
    items = [
        FeedItem(title=f"Post {i}", url=f"/p/{i}/", date=base + timedelta(hours=i), description="d")
        for i in range(2000)
    ]
    render_rss(cfg, title="Posts", url="/posts/", items=items)
    before = feeds._rss_item.cache_info()
    items[5] = FeedItem(title="Edited", url="/p/5/", date=items[5].date, description="new")
    got = render_rss(cfg, title="Posts", url="/posts/", items=items)
    after = feeds._rss_item.cache_info()
    assert after.misses - before.misses == 1
    assert after.hits - before.hits == 1999
    assert got == et_rss(cfg, title="Posts", url="/posts/", items=items)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(),
            st.text(),
            st.one_of(st.none(), st.sampled_from(DATES[1:])),
            st.text(),
        ),
        max_size=6,
    ),
    st.text(),
    st.integers(min_value=-1, max_value=4),
)
def test_rss_matches_elementtree_for_any_text(
    rows: list[tuple[str, str, datetime | None, str]], title: str, limit: int
) -> None:
    cfg = config(feed_limit=limit)
    items = [FeedItem(title=t, url="/" + u, date=d, description=desc) for t, u, d, desc in rows]
    expected = et_rss(cfg, title=title, url="/list/", items=items)
    assert render_rss(cfg, title=title, url="/list/", items=items) == expected


# --- Sitemaps ----------------------------------------------------------------------------------


def sitemap_entries() -> list[tuple[str, datetime | None]]:
    return [(url, DATES[i % len(DATES)]) for i, url in enumerate(URLS)] + [
        (f"/d/{i}/", d) for i, d in enumerate(DATES)
    ]


@pytest.mark.parametrize("n", [0, 1, 2, 100])
def test_sitemap_and_index_match_elementtree(n: int) -> None:
    cfg = config()
    entries = (sitemap_entries() * 10)[:n]
    assert render_sitemap(cfg, entries) == et_sitemap(cfg, "urlset", "url", entries)
    assert render_sitemap_index(cfg, entries) == et_sitemap(cfg, "sitemapindex", "sitemap", entries)
    # again, from the memo
    assert render_sitemap(cfg, entries) == et_sitemap(cfg, "urlset", "url", entries)


def test_empty_sitemap_is_self_closed_as_elementtree_writes_it() -> None:
    assert render_sitemap(config(), []).endswith(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" />'
    )


def test_sitemap_equal_dates_in_other_zones() -> None:
    cfg = config()
    entries = [
        ("/a/", DATES[1]),
        ("/a/", DATES[2]),
        ("/b/", DATES[5]),
        ("/b/", DATES[6]),
        ("/c/", NAIVE),
        ("/c/", NAIVE.replace(tzinfo=UTC)),
    ]
    assert render_sitemap(cfg, entries) == et_sitemap(cfg, "urlset", "url", entries)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(), st.one_of(st.none(), st.sampled_from(DATES[1:])))))
def test_sitemap_matches_elementtree_for_any_text(rows: list[tuple[str, datetime | None]]) -> None:
    cfg = config()
    entries = [("/" + u, d) for u, d in rows]
    assert render_sitemap(cfg, entries) == et_sitemap(cfg, "urlset", "url", entries)


# --- Search index ------------------------------------------------------------------------------


def test_search_index_matches_json_dumps() -> None:
    tags = (
        TermRef(taxonomy="tags", name="A & <B>", slug="a--b", url="/tags/a--b/"),
        TermRef(taxonomy="tags", name="ü", slug="ü", url="/tags/ü/"),
    )
    pages = [
        page(i, title=text, text=TRICKY[-1 - i], description=text, terms={"tags": tags[: i % 3]})
        for i, text in enumerate(TRICKY)
    ]
    pages.append(page(99, title="hidden", params={"searchhidden": True}))
    cfg = config()
    expected = json_search_index(cfg, pages)
    assert bytes(render_search_index(cfg, pages)) == expected
    assert bytes(render_search_index(cfg, pages)) == expected
    assert b"<" not in expected and b"&" not in expected and b">" not in expected
    assert bytes(render_search_index(cfg, [])) == b"[]" == json_search_index(cfg, [])
    assert bytes(render_search_index(cfg, pages[-1:])) == b"[]"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(), st.text(), st.lists(st.text(), max_size=3)), max_size=4))
def test_search_index_matches_json_dumps_for_any_text(
    rows: list[tuple[str, str, list[str]]],
) -> None:
    pages = [
        page(
            i,
            title=t,
            text=body,
            terms={
                "tags": tuple(TermRef(taxonomy="tags", name=n, slug="s", url="/") for n in names)
            },
        )
        for i, (t, body, names) in enumerate(rows)
    ]
    cfg = config()
    assert bytes(render_search_index(cfg, pages)) == json_search_index(cfg, pages)


# --- URL helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*URLS, "", "#top", "//cdn.example/x", "mailto:a@b", "/a b/"])
def test_memoized_url_helpers_match_the_plain_functions(url: str) -> None:
    for base in ("/", "/blog/", "/blog"):
        assert rel_url(url, base) == rel_url.__wrapped__(url, base)
    for base in ("https://example.org/", "https://example.org/blog/"):
        assert abs_url(url, base) == abs_url.__wrapped__(url, base)
    assert output_path(url) == output_path.__wrapped__(url)


def test_url_memo_keeps_markup_and_str_apart() -> None:
    url = "https://other.example/?a=1&b=2"
    marked = abs_url(Markup(url), "https://example.org/")
    plain = abs_url(url, "https://example.org/")
    assert type(marked) is Markup
    assert type(plain) is str
    assert type(rel_url(url, "/")) is str


def test_url_memos_are_bounded() -> None:
    for memo in (urls.output_path, urls.rel_url, urls.abs_url):
        assert memo.cache_info().maxsize is not None
    for memo in (feeds._rss_item, feeds._sitemap_entry):
        assert memo.cache_info().maxsize is not None


def test_search_index_is_records_side_by_side_and_none_is_kept() -> None:
    # At 10,000 posts the records are 49 MB: a joined copy beside them was a cold build's
    # memory peak, and a memo kept them all for the life of the process.
    pages = [page(i, title=f"t{i}", text=f"text {i}") for i in range(3)]
    index = render_search_index(config(), pages)
    assert isinstance(index, Pieces)
    records = [held for held, _, _ in index.spans if held not in (b"[", b",", b"]")]
    assert len(records) == 3
    assert bytes(index) == b"[" + b",".join(records) + b"]"
    assert not hasattr(feeds._search_record, "cache_info")
