"""Output safety: hostile titles, tags and params are escaped; no script links are emitted."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import build_site
from tests.hardening.test_properties import assert_well_formed

EVIL = '<script>alert("x")</script> & \'q\' "dq" </title><b onmouseover=alert(1)>'
SCRIPT = re.compile(rb"<script>alert|<b onmouseover", re.IGNORECASE)
UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")

HOSTILE_POST = f"""---
title: '{EVIL.replace("'", "''")}'
date: 2024-01-01
description: '{EVIL.replace("'", "''")}'
summary: '{EVIL.replace("'", "''")}'
tags: ['{EVIL.replace("'", "''")}', 'ok"tag', "<i>x</i>"]
author: '{EVIL.replace("'", "''")}'
ShowToc: true
cover:
  image: '/img/x.png" onerror="alert(1)'
  alt: '{EVIL.replace("'", "''")}'
  caption: '{EVIL.replace("'", "''")}'
---

## {EVIL}

Body with <script>alert(1)</script> raw html and <img src=x onerror=alert(1)>.

<script>alert("block")</script>

<!--more-->

Rest.
"""

LINKS = """---
title: Links
date: 2024-01-02
---

[inline](javascript:alert(1)) [upper](JaVaScRiPt:alert(1)) [vb](vbscript:msgbox(1))
[data](data:text/html;base64,PHNjcmlwdD4=) [spaced]( javascript:alert(1))
[entity](&#106;avascript:alert(1)) [tab](java&#x09;script:alert(1))
[newline](java&#10;script:alert(1)) [ref][r] [ref2][R2] [collapsed][]

<javascript:alert(1)> <vbscript:x> <data:text/html,x> <JAVASCRIPT:alert(1)>

![img](javascript:alert(1)) ![img2](data:image/svg+xml;base64,PHN2Zz4=) ![ref img][r]

[r]: javascript:alert(1)
[R2]: <data:text/html,x> "title"
[collapsed]: vbscript:msgbox(1)

Bare: javascript:alert(1) and www.example.org/ok and [ok](https://example.org/ok).
"""


class Attributes(HTMLParser):
    """Collect every href, src, action and srcset of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction", "srcset", "poster") and value:
                self.urls.append(value)
            if name.startswith("on"):
                self.urls.append(f"{name}={value}")


def urls_of(html: str) -> list[str]:
    parser = Attributes()
    parser.feed(html)
    parser.close()
    return parser.urls


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("hostile")
    files = {
        "config.yaml": (
            "baseURL: https://example.org/blog/\ntitle: Site\n"
            "params:\n  ShowToc: true\n  mainSections: [posts]\n"
        ),
        "content/posts/hostile.md": HOSTILE_POST,
        "content/posts/links.md": LINKS,
        "content/search.md": "---\ntitle: Search\nlayout: search\n---\n",
    }
    for rel, text in files.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    result = build_site(site)
    assert result.ok, result.diagnostics
    return result.out_dir


def outputs(out: Path, *suffixes: str) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file() and p.suffix in suffixes)


def test_no_markup_from_front_matter_or_body_reaches_any_output(hostile: Path) -> None:
    files = outputs(hostile, ".html", ".xml", ".json", ".txt")
    found = [p for p in files if SCRIPT.search(p.read_bytes())]
    assert not found, [p.relative_to(hostile).as_posix() for p in found]


def test_html_pages_are_well_formed_and_show_the_text(hostile: Path) -> None:
    page = (hostile / "posts/hostile/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in page
    assert "<!-- raw HTML omitted -->" in page
    for path in outputs(hostile, ".html"):
        assert_well_formed(path.read_text(encoding="utf-8"), path.relative_to(hostile).as_posix())


def test_no_event_handler_attribute_is_emitted(hostile: Path) -> None:
    for path in outputs(hostile, ".html"):
        handlers = [u for u in urls_of(path.read_text(encoding="utf-8")) if u.startswith("on")]
        assert not handlers, (path, handlers)


def test_no_script_scheme_link_is_emitted(hostile: Path) -> None:
    for path in outputs(hostile, ".html"):
        urls = urls_of(path.read_text(encoding="utf-8"))
        bad = [u for u in urls if UNSAFE_SCHEME.match(CONTROL_AND_SPACE.sub("", u))]
        assert not bad, (path.relative_to(hostile).as_posix(), bad)
    links = (hostile / "posts/links/index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/ok"' in links  # safe links still work


def test_feeds_carry_the_text_escaped(hostile: Path) -> None:
    for path in outputs(hostile, ".xml"):
        tree = ET.parse(path)  # well-formed XML, whatever the titles held
        for element in tree.iter():
            assert not (element.tag.endswith("script") or element.tag == "b"), path
    feed = ET.parse(hostile / "index.xml")
    titles = [t.text for t in feed.iter("title")]
    assert EVIL in titles
    for link in feed.iter("link"):
        assert link.text and link.text.startswith("https://example.org/blog/"), link.text


def test_sitemap_has_only_site_urls(hostile: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    tree = ET.parse(hostile / "sitemap.xml")
    locs = [loc.text or "" for loc in tree.iterfind(".//s:loc", ns)]
    assert locs and all(loc.startswith("https://example.org/blog/") for loc in locs)
    assert not any(c in loc for loc in locs for c in "<>\"' ")


def test_search_index_is_json_with_nothing_raw(hostile: Path) -> None:
    raw = (hostile / "index.json").read_bytes()
    assert b"<" not in raw and b">" not in raw, "search index holds raw angle brackets"
    records = json.loads(raw)
    titles = {r["title"] for r in records}
    assert EVIL in titles
    hostile_record = next(r for r in records if r["title"] == EVIL)
    assert EVIL in hostile_record["tags"]


@pytest.mark.parametrize("unsafe", [False, True])
def test_raw_html_only_when_enabled(make_site: Callable[..., Path], unsafe: bool) -> None:
    config = "baseURL: https://example.org/\ntitle: T\n"
    if unsafe:
        config += "markup:\n  goldmark:\n    renderer:\n      unsafe: true\n"
    site = make_site(
        {
            "config.yaml": config,
            "content/posts/a.md": (
                '---\ntitle: A\ndate: 2024-01-01\n---\n\n<div class="x">kept?</div>\n\n'
                "Inline <span>span</span> and [bad](javascript:alert(1)).\n"
            ),
        }
    )
    result = build_site(site)
    assert result.ok
    page = (result.out_dir / "posts/a/index.html").read_text(encoding="utf-8")
    assert ('<div class="x">kept?</div>' in page) is unsafe
    assert ("<span>span</span>" in page) is unsafe
    hrefs = urls_of(page)
    assert not [u for u in hrefs if "javascript" in u.lower()]  # even with unsafe: true
    assert "<p>Inline" in page
