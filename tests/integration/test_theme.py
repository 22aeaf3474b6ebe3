"""The default theme: each PaperMod page switch, covers, lists, dark mode and accessibility."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from blog.build import BuildOptions, build
from blog.content import Inclusion
from tests.conftest import REPO
from tests.integration.test_html_valid import NOW, PNG, build_rich

CONFIG = """\
baseURL: https://example.org/blog/
title: Theme Test
author: Site Author
menus:
  main:
    - {name: Posts, url: /posts/, weight: 1}
    - {name: About, url: /about/, weight: 2}
"""

Site = Callable[..., dict[str, str]]


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """Build a site from {path: text} (config.yaml defaults to CONFIG plus ``params``)."""

    def make(files: dict[str, str], params: str = "", drafts: bool = False) -> dict[str, str]:
        root = tmp_path / "site"
        entries = {"config.yaml": CONFIG + (f"params:\n{params}" if params else ""), **files}
        for rel, text in entries.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        for rel in ("static/img/cover.png", "content/posts/bundle/cover.png"):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(PNG)
        out = tmp_path / "out"
        options = BuildOptions(out_dir=out, now=NOW, inclusion=Inclusion(drafts=drafts))
        result = build(root, options)
        assert result.ok, [d for d in result.diagnostics if d.severity == "error"]
        return {
            p.relative_to(out).as_posix(): p.read_text("utf-8")
            for p in out.rglob("*")
            if p.is_file() and p.suffix in (".html", ".json", ".xml")
        }

    return make


def post(title: str = "A Post", date: str = "2024-05-06", body: str = "", **params: object) -> str:
    front = {"title": title, "date": date, **params}
    lines = [f"{k}: {json.dumps(v)}" for k, v in front.items()]
    text = body or "Intro paragraph.\n\n## First\n\nText.\n\n### Deeper\n\nMore text.\n"
    return "---\n" + "\n".join(lines) + "\n---\n" + text


def tags(html: str, name: str) -> list[dict[str, str]]:
    """Return the attributes of every ``<name>`` element."""
    found: list[dict[str, str]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == name:
                found.append({k: v or "" for k, v in attrs})

    Parser().feed(html)
    return found


def main_of(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


# --- head, dark mode, landmarks ---------------------------------------------------------------


def test_theme_script_runs_before_the_stylesheet(site: Site) -> None:
    html = site({"content/posts/a.md": post()})["posts/a/index.html"]
    head = html.split("</head>", 1)[0]
    script = head.index("localStorage.getItem(")
    assert script < head.index('rel="stylesheet"')
    assert "<script>" in head[:script]  # inline, so it cannot be deferred
    assert 'data-theme="' not in html.split("<head>", 1)[0]  # auto: the system decides
    assert '<button type="button" class="theme-toggle"' in html
    assert any(t.get("src") == "/blog/js/theme.js" and "defer" in t for t in tags(html, "script"))


def test_default_theme_dark_is_set_on_the_html_element(site: Site) -> None:
    html = site({"content/posts/a.md": post()}, params="  defaultTheme: dark\n")["index.html"]
    assert html.split("<head>", 1)[0].endswith('data-theme="dark">\n')


def test_disable_theme_toggle(site: Site) -> None:
    html = site({"content/posts/a.md": post()}, params="  disableThemeToggle: true\n")
    assert "theme-toggle" not in html["index.html"].split("</head>", 1)[1]


def test_skip_link_is_first_and_targets_main(site: Site) -> None:
    html = site({"content/posts/a.md": post()})["posts/a/index.html"]
    links = tags(html.split("<body", 1)[1], "a")
    assert links[0] == {"class": "skip-link", "href": "#main"}
    assert '<main id="main"' in html
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert all(nav.get("aria-label") for nav in tags(html, "nav"))


def test_menus_render_with_the_base_path_and_current_page(site: Site) -> None:
    files = site({"content/posts/a.md": post(), "content/about.md": "---\ntitle: About\n---\nHi\n"})
    html = files["about/index.html"]
    nav = html.split('<nav class="nav" aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    links = tags(nav, "a")
    assert [a["href"] for a in links] == ["/blog/", "/blog/posts/", "/blog/about/"]
    assert links[2].get("aria-current") == "page"
    assert "aria-current" not in links[1]
    assert 'class="active"' in files["posts/a/index.html"].split("</nav>", 1)[0]


def test_canonical_rss_opengraph_and_twitter_use_absolute_urls(site: Site) -> None:
    files = site({"content/posts/a.md": post(description="About A", tags=["x"])})
    html = files["posts/a/index.html"]
    assert '<link rel="canonical" href="https://example.org/blog/posts/a/">' in html
    assert '<link rel="alternate" type="application/rss+xml" href="/blog/index.xml"' in html
    assert '<meta property="og:url" content="https://example.org/blog/posts/a/">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:description" content="About A">' in html
    assert '<meta property="article:tag" content="x">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    section = files["posts/index.html"]
    assert 'type="application/rss+xml" href="/blog/posts/index.xml"' in section


# --- single pages -----------------------------------------------------------------------------


def test_seed_post_has_exactly_one_h1(tmp_path: Path) -> None:
    root = tmp_path / "example"
    root.mkdir()
    shutil.copy(REPO / "config.yaml", root / "config.yaml")
    shutil.copytree(REPO / "content", root / "content")
    assert build(root, BuildOptions(out_dir=tmp_path / "out", now=NOW)).ok
    html = (tmp_path / "out/posts/sagemaker-post/index.html").read_text("utf-8")
    h1s = tags(html, "h1")
    assert len(h1s) == 1
    assert h1s[0]["id"] == "cloud-computing-and-ai--ml"  # the body's own heading is the title
    header = html.split('<header class="post-header">', 1)[1].split("</header>", 1)[0]
    assert "Cloud Computing and AI | ML</h1>" in header


def test_title_from_heading_is_not_repeated_in_lists(site: Site) -> None:
    text = "---\ndate: 2024-01-01\n---\n# Heading Title\n\nFirst words.\n"
    files = site({"content/posts/h.md": text})
    assert files["posts/h/index.html"].count("<h1") == 1
    entry = main_of(files["posts/index.html"]).split('class="post-entry"', 1)[1]
    assert "Heading Title</a>" in entry
    assert "Heading Title" not in entry.split('class="entry-summary">', 1)[1].split("</p>")[0]


def test_show_toc_and_toc_open(site: Site) -> None:
    files = site(
        {
            "content/posts/on.md": post(ShowToc=True),
            "content/posts/open.md": post(ShowToc=True, TocOpen=True),
            "content/posts/off.md": post(ShowToc=False),
            "content/posts/default.md": post(),
        },
        params="  ShowToc: true\n",
    )
    assert '<details class="toc">' in files["posts/on/index.html"]
    assert '<details class="toc" open>' in files["posts/open/index.html"]
    assert 'class="toc"' not in files["posts/off/index.html"]
    assert '<a href="#first">First</a>' in files["posts/default/index.html"]  # site default


def test_toc_is_off_by_default(site: Site) -> None:
    assert 'class="toc"' not in site({"content/posts/a.md": post()})["posts/a/index.html"]


def test_post_meta_switches(site: Site) -> None:
    params = "  ShowReadingTime: true\n  ShowWordCount: true\n"
    files = site(
        {
            "content/posts/a.md": post(author="Page Author"),
            "content/posts/b.md": post(ShowReadingTime=False, ShowWordCount=False),
            "content/posts/c.md": post(author=["Ann", "Bob"]),
        },
        params=params,
    )
    a = files["posts/a/index.html"]
    assert "min read</span>" in a
    assert "words</span>" in a
    assert "<span>Page Author</span>" in a
    assert '<time datetime="2024-05-06T00:00:00+00:00">May 6, 2024</time>' in a
    b = files["posts/b/index.html"]
    assert "min read" not in b
    assert "words</span>" not in b
    assert "<span>Site Author</span>" in b
    assert "<span>Ann, Bob</span>" in files["posts/c/index.html"]


def test_breadcrumbs(site: Site) -> None:
    files = site(
        {"content/posts/a.md": post(), "content/posts/b.md": post(ShowBreadCrumbs=False)},
        params="  ShowBreadCrumbs: true\n",
    )
    a = files["posts/a/index.html"]
    crumbs = a.split('<nav class="breadcrumbs" aria-label="Breadcrumb">', 1)[1].split("</nav>")[0]
    assert [x["href"] for x in tags(crumbs, "a")] == ["/blog/", "/blog/posts/"]
    assert '<span aria-current="page">A Post</span>' in crumbs
    assert "breadcrumbs" not in files["posts/b/index.html"]


def test_post_nav_links(site: Site) -> None:
    pages = {
        "content/posts/new.md": post("New", "2024-03-01"),
        "content/posts/mid.md": post("Mid", "2024-02-01"),
        "content/posts/old.md": post("Old", "2024-01-01"),
    }
    files = site(pages, params="  ShowPostNavLinks: true\n")
    nav = files["posts/mid/index.html"].split('<nav class="paginav"', 1)[1].split("</nav>")[0]
    assert [a["href"] for a in tags(nav, "a")] == ["/blog/posts/new/", "/blog/posts/old/"]
    assert "Newer" in nav
    assert "Older" in nav
    assert "paginav" not in site(pages)["posts/mid/index.html"]


def test_code_copy_button_script_only_where_needed(site: Site) -> None:
    code = "Text.\n\n```python\nprint(1)\n```\n"
    files = site(
        {
            "content/posts/code.md": post(body=code),
            "content/posts/off.md": post(body=code, ShowCodeCopyButtons=False),
            "content/posts/plain.md": post(),
        },
        params="  ShowCodeCopyButtons: true\n",
    )
    assert '<script src="/blog/js/copy-code.js" defer>' in files["posts/code/index.html"]
    assert "copy-code.js" not in files["posts/off/index.html"]
    assert "copy-code.js" not in files["posts/plain/index.html"]


def test_tag_links_and_related_posts(site: Site) -> None:
    files = site(
        {
            "content/posts/a.md": post("A", tags=["Go", "Rust"]),
            "content/posts/b.md": post("B", "2024-01-01", tags=["Rust"]),
            "content/posts/c.md": post("C", "2024-01-02", tags=["Elm"]),
        }
    )
    a = files["posts/a/index.html"]
    tag_list = a.split('<ul class="post-tags" aria-label="Tags">', 1)[1].split("</ul>")[0]
    assert [t["href"] for t in tags(tag_list, "a")] == ["/blog/tags/go/", "/blog/tags/rust/"]
    related = a.split('<section class="related"', 1)[1].split("</section>")[0]
    assert [t["href"] for t in tags(related, "a")] == ["/blog/posts/b/"]


def test_draft_badge(site: Site) -> None:
    files = site({"content/posts/d.md": post("Wip", draft=True)}, drafts=True)
    assert '<span class="draft-badge">Draft</span>' in files["posts/d/index.html"]
    assert '<span class="draft-badge">Draft</span>' in files["posts/index.html"]
    assert '<meta name="robots" content="noindex">' in files["posts/d/index.html"]


# --- covers -----------------------------------------------------------------------------------


def test_cover_flags_and_relative_images(site: Site) -> None:
    bundle = post("Bundle", cover={"image": "cover.png", "alt": "Alt", "caption": "Cap"})
    files = site(
        {
            "content/posts/bundle/index.md": bundle,
            "content/posts/list-only.md": post(
                "L", cover={"image": "/img/cover.png", "alt": "X", "hiddenInSingle": True}
            ),
            "content/posts/single-only.md": post(
                "S", cover={"image": "/img/cover.png", "alt": "Y", "hiddenInList": True}
            ),
            "content/posts/hidden.md": post(
                "H", cover={"image": "https://cdn.example.com/h.png", "hidden": True}
            ),
        }
    )
    single = files["posts/bundle/index.html"]
    assert '<img src="/blog/posts/bundle/cover.png" alt="Alt" decoding="async">' in single
    assert "<figcaption>Cap</figcaption>" in single
    og = '<meta property="og:image" content="https://example.org/blog/posts/bundle/cover.png">'
    assert og in single
    assert '<meta name="twitter:card" content="summary_large_image">' in single
    assert "entry-cover" not in main_of(files["posts/list-only/index.html"])
    assert "entry-cover" in main_of(files["posts/single-only/index.html"])
    assert "entry-cover" not in main_of(files["posts/hidden/index.html"])
    # hidden covers still describe the page to link previews
    assert 'content="https://cdn.example.com/h.png"' in files["posts/hidden/index.html"]
    listing = main_of(files["posts/index.html"])
    covers = [img["src"] for img in tags(listing, "img")]
    assert covers == ["/blog/posts/bundle/cover.png", "/blog/img/cover.png"]
    assert all(img["alt"] == "" for img in tags(listing, "img"))  # decorative beside the title


# --- lists ------------------------------------------------------------------------------------


def test_summaries_read_more_and_hide_summary(site: Site) -> None:
    long_body = "Opening words.\n\n<!--more-->\n\nThe rest.\n"
    files = site(
        {
            "content/posts/a.md": post("A", body=long_body),
            "content/posts/b.md": post("B", "2024-01-01", body=long_body, hideSummary=True),
        }
    )
    listing = main_of(files["posts/index.html"])
    a, b = listing.split('<article class="post-entry">')[1:3]
    assert '<p class="entry-summary">Opening words.…</p>' in a
    assert 'href="/blog/posts/a/">Read more<span class="visually-hidden"> about A</span>' in a
    assert "entry-summary" not in b
    hidden_everywhere = site({"content/posts/a.md": post(body=long_body)}, "  hideSummary: true\n")
    assert "entry-summary" not in hidden_everywhere["posts/index.html"]


def test_home_intro_from_home_info_params(site: Site) -> None:
    params = "  homeInfoParams:\n    Title: Hello there\n    Content: Welcome text.\n"
    home = main_of(site({"content/posts/a.md": post()}, params=params)["index.html"])
    assert "<h1>Hello there</h1>" in home
    assert "<p>Welcome text.</p>" in home


def test_home_without_intro_still_has_one_h1(site: Site) -> None:
    home = site({"content/posts/a.md": post()})["index.html"]
    assert tags(home, "h1") == [{"class": "visually-hidden"}]


def test_home_intro_from_index_md(site: Site) -> None:
    files = site(
        {
            "content/_index.md": "---\ntitle: Intro\n---\nHello **there**.\n",
            "content/posts/a.md": post(),
        }
    )
    home = main_of(files["index.html"])
    assert "<h1>Intro</h1>" in home
    assert "<strong>there</strong>" in home


def test_pagination_links(site: Site) -> None:
    config = {f"content/posts/p{i}.md": post(f"P{i}", f"2024-01-{i + 1:02d}") for i in range(5)}
    config["config.yaml"] = CONFIG + "pagination:\n  pagerSize: 2\n"
    files = site(config)
    second = main_of(files["posts/page/2/index.html"])
    nav = second.split('<nav class="pagination" aria-label="Pagination">', 1)[1].split("</nav>")[0]
    assert [a["href"] for a in tags(nav, "a")] == ["/blog/posts/", "/blog/posts/page/3/"]
    assert "Page 2 of 3" in nav
    assert '<link rel="next" href="/blog/posts/page/3/">' in files["posts/page/2/index.html"]


def test_taxonomy_index_shows_counts(site: Site) -> None:
    files = site(
        {
            "content/posts/a.md": post("A", tags=["Go", "Rust"]),
            "content/posts/b.md": post("B", "2024-01-01", tags=["Rust"]),
        }
    )
    terms = main_of(files["tags/index.html"])
    assert re.search(r'href="/blog/tags/rust/">Rust <sup>.*2.*posts\)', terms)
    assert re.search(r'href="/blog/tags/go/">Go <sup>.*1.*post\)', terms)
    assert "<h1>Rust</h1>" in files["tags/rust/index.html"]


def test_archives_group_by_year_then_month(site: Site) -> None:
    files = site(
        {
            "content/archives.md": "---\ntitle: Archives\nlayout: archives\n---\n",
            "content/posts/a.md": post("Jan 24", "2024-01-10"),
            "content/posts/b.md": post("Mar 24", "2024-03-02"),
            "content/posts/c.md": post("Mar 24 bis", "2024-03-20"),
            "content/posts/d.md": post("Dec 22", "2022-12-31"),
        }
    )
    html = main_of(files["archives/index.html"])
    years = re.findall(r'<h2 id="archive-(\d+)">', html)
    months = re.findall(r'<h3 id="archive-(\d+-\d+)">(\w+)', html)
    assert years == ["2024", "2022"]
    assert months == [("2024-03", "March"), ("2024-01", "January"), ("2022-12", "December")]
    titles = re.findall(r'<li><a href="[^"]+">([^<]+)</a>', html)
    assert titles == ["Mar 24 bis", "Mar 24", "Jan 24", "Dec 22"]


def test_search_page_and_search_hidden(site: Site) -> None:
    files = site(
        {
            "content/search.md": "---\ntitle: Search\nlayout: search\nsearchHidden: true\n---\n",
            "content/posts/a.md": post("Findable"),
            "content/posts/b.md": post("Secret", searchHidden=True),
        }
    )
    html = files["search/index.html"]
    assert '<script src="/blog/js/search.js" defer></script>' in html
    assert 'data-index="/blog/index.json"' in html
    assert '<label for="search-input">' in html
    titles = [record["title"] for record in json.loads(files["index.json"])]
    assert titles == ["Findable"]


def test_404_page(site: Site) -> None:
    html = site({"content/posts/a.md": post()})["404.html"]
    assert '<meta name="robots" content="noindex">' in html
    assert '<a href="/blog/">Go to the home page</a>' in html
    assert "css/style.css" in html
    assert 'href="/blog/css/style.css"' in html  # works from any depth


# --- accessibility over a whole site ----------------------------------------------------------


class _A11y(HTMLParser):
    """Find links without a name and images without alt."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._link: dict[str, str] | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "img" and "alt" not in values:
            self.problems.append(f"img without alt: {values.get('src')}")
        if tag == "a" and "href" in values:
            self._link, self._text = values, ""

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            if not (self._text.strip() or self._link.get("aria-label")):
                self.problems.append(f"empty link: {self._link.get('href')}")
            self._link = None


def test_no_empty_links_or_images_without_alt(tmp_path: Path) -> None:
    out = build_rich(tmp_path)
    problems = []
    for path in sorted(out.rglob("*.html")):
        parser = _A11y()
        parser.feed(path.read_text("utf-8"))
        problems += [f"{path.relative_to(out)}: {p}" for p in parser.problems]
    assert problems == []


def test_meta_description_falls_back_to_the_summary(site: Site) -> None:
    html = site({"content/posts/a.md": post(body="First words of it.\n")})["posts/a/index.html"]
    assert '<meta name="description" content="First words of it.">' in html
    assert '<meta property="og:description" content="First words of it.">' in html


def test_cover_size_is_passed_to_the_image(site: Site) -> None:
    cover = {"image": "/img/cover.png", "alt": "A", "width": 1200, "height": 630}
    html = site({"content/posts/a.md": post(cover=cover)})["posts/a/index.html"]
    assert 'alt="A" width="1200" height="630" decoding="async">' in html


def test_hide_meta(site: Site) -> None:
    html = site({"content/posts/a.md": post(hideMeta=True)})["posts/a/index.html"]
    assert "post-meta" not in main_of(html)
