"""Lists, taxonomies, feeds, sitemap, aliases, bundles and collisions of a whole build."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
import xmlschema

from tests.conftest import build_site, shared_path


def post(title: str, date: str, tags: str = "[]", extra: str = "") -> str:
    return f'---\ntitle: "{title}"\ndate: {date}\ntags: {tags}\n{extra}---\n\nBody of {title}.\n'


@pytest.fixture
def blog_site(make_site: Callable[..., Path]) -> Path:
    files = {
        "config.yaml": (
            "baseURL: https://example.github.io/myblog/\ntitle: My Blog\n"
            "pagination: {pagerSize: 2}\nparams: {mainSections: [posts]}\n"
        ),
        "content/_index.md": "---\ntitle: Welcome home\n---\nHome text.\n",
        "content/posts/_index.md": "---\ntitle: All the posts\n---\nSection text.\n",
        "content/about.md": "---\ntitle: About\n---\nAbout me.\n",
        "content/posts/trip/index.md": post("Trip", "2024-01-05", "[Travel]"),
        "content/posts/trip/photo.jpg": "JPEG",
    }
    for n in range(1, 6):
        files[f"content/posts/p{n}.md"] = post(
            f"Post {n}",
            f"2024-02-0{n}",
            '["Go", "AI & ML"]' if n % 2 else '["go"]',
            "aliases: [/old/p1.html]\n" if n == 1 else "",
        )
    return make_site(files)


def test_lists_paginate_at_hugos_paths(blog_site: Path) -> None:
    result = build_site(blog_site)
    assert result.ok, result.diagnostics
    out = result.out_dir
    for path in (
        "index.html",
        "page/2/index.html",
        "page/3/index.html",
        "posts/index.html",
        "posts/page/2/index.html",
        "posts/page/3/index.html",
        "tags/index.html",
        "tags/go/index.html",
        "tags/go/page/2/index.html",
        "tags/ai--ml/index.html",
    ):
        assert (out / path).is_file(), path
    assert not (out / "page/4/index.html").exists()
    assert "url=https://example.github.io/myblog/" in (out / "page/1/index.html").read_text()
    home = (out / "index.html").read_text()
    assert "Post 5" in home and "Post 4" in home and "Post 1" not in home
    assert "About" not in re.sub(r"<header.*?</header>", "", home, flags=re.S).split("<footer")[0]


def test_section_title_from_index_md_and_case_folded_terms(blog_site: Path) -> None:
    result = build_site(blog_site)
    assert "All the posts" in (result.out_dir / "posts/index.html").read_text()
    warnings = [d for d in result.diagnostics if "only in case" in d.message]
    (warning,) = warnings
    assert "'Go' in posts/p5.md, posts/p3.md, posts/p1.md" in warning.message
    assert "'go' in posts/p4.md, posts/p2.md" in warning.message
    go = (result.out_dir / "tags/go/index.html").read_text()
    assert ">Go<" in go or "Go</h1>" in go


def test_bundle_resources_sit_beside_their_page(blog_site: Path) -> None:
    result = build_site(blog_site)
    assert (result.out_dir / "posts/trip/photo.jpg").read_text() == "JPEG"


def test_alias_is_a_redirect_at_exactly_that_path(blog_site: Path) -> None:
    result = build_site(blog_site)
    html = (result.out_dir / "old/p1.html").read_text()
    target = "https://example.github.io/myblog/posts/p1/"
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in html
    assert f'<link rel="canonical" href="{target}">' in html


def test_feeds_parse_cleanly_with_absolute_links(blog_site: Path) -> None:
    result = build_site(blog_site)
    feeds = sorted(result.out_dir.rglob("index.xml"))
    assert len(feeds) >= 6
    for feed_path in feeds:
        parsed = feedparser.parse(feed_path.read_bytes())
        assert not parsed.bozo, (feed_path, parsed.get("bozo_exception"))
        for entry in parsed.entries:
            assert entry.link.startswith("https://example.github.io/myblog/"), entry.link
    home = feedparser.parse((result.out_dir / "index.xml").read_bytes())
    assert [e.title for e in home.entries][:2] == ["Post 5", "Post 4"]


def test_feed_item_limit(make_site: Callable[..., Path]) -> None:
    files = {f"content/posts/p{n}.md": post(f"P{n}", f"2024-01-0{n}") for n in range(1, 5)}
    files["config.yaml"] = "baseURL: https://e.org/\nservices: {rss: {limit: 2}}\n"
    result = build_site(make_site(files))
    parsed = feedparser.parse((result.out_dir / "index.xml").read_bytes())
    assert [e.title for e in parsed.entries] == ["P4", "P3"]


def test_sitemap_validates_against_the_sitemaps_org_schema(blog_site: Path) -> None:
    schema = xmlschema.XMLSchema(shared_path("schemas", "sitemap.xsd"))
    result = build_site(blog_site)
    sitemap = result.out_dir / "sitemap.xml"
    schema.validate(str(sitemap))
    locs = re.findall(r"<loc>(.*?)</loc>", sitemap.read_text())
    assert "https://example.github.io/myblog/posts/p3/" in locs
    assert all(loc.startswith("https://example.github.io/myblog/") for loc in locs)
    robots = (result.out_dir / "robots.txt").read_text()
    assert "Sitemap: https://example.github.io/myblog/sitemap.xml" in robots
    assert (result.out_dir / "404.html").exists()


def test_url_collisions_name_every_source(make_site: Callable[..., Path]) -> None:
    site = make_site(
        {
            "content/posts/a.md": post("A", "2024-01-01", extra="url: /same/\n"),
            "content/posts/b.md": post("B", "2024-01-02", extra="url: /same\n"),
            "content/posts/c.md": post("C", "2024-01-03", extra="aliases: [/same/]\n"),
        }
    )
    result = build_site(site)
    assert not result.ok
    (error,) = [d for d in result.diagnostics if d.severity == "error"]
    for name in ("posts/a.md", "posts/b.md", "posts/c.md (alias)"):
        assert name in error.message
    assert not (site / "public").exists()


def test_permalinks_config(make_site: Callable[..., Path]) -> None:
    site = make_site(
        {
            "config.yaml": "baseURL: https://e.org/\npermalinks: {posts: /:year/:month/:slug/}\n",
            "content/posts/hello.md": post("Hello There", "2024-03-09"),
        }
    )
    result = build_site(site)
    assert (result.out_dir / "2024/03/hello-there/index.html").exists()


def test_static_file_on_a_generated_path_is_an_error(make_site: Callable[..., Path]) -> None:
    site = make_site(
        {
            "content/posts/a.md": post("A", "2024-01-01"),
            "static/posts/a/index.html": "<p>hand-made</p>",
        }
    )
    result = build_site(site)
    assert not result.ok
    (error,) = [d for d in result.diagnostics if d.severity == "error"]
    assert error.path == site / "static/posts/a/index.html"
    assert "/posts/a/index.html" in error.message
