"""``blog check``: a built site is checked as GitHub Pages serves it, under its base path.

Sites are built for real with ``-b https://example.github.io/myblog/``; outbound links are
checked against a real ``http.server`` on 127.0.0.1 (never the internet).
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from blog.build import BuildOptions, build
from blog.check import check_site, run_check, served_file, source_map_for
from blog.errors import Diagnostic, format_diagnostic
from blog.external import ExternalOptions
from tests.corpora import build_corpus

REPO = Path(__file__).resolve().parents[2]
BASE = "https://example.github.io/myblog/"
NOW = datetime(2025, 1, 1, tzinfo=UTC)

CONFIG = "baseURL: https://example.org/\ntitle: Check\n"
POST_B = """\
---
title: B
date: 2024-01-02
---
Intro.

## Real heading

Text.
"""
# Line numbers matter: the planted links are on lines 6, 8 and 10.
POST_A = """\
---
title: A
date: 2024-01-03
---
Good: [b](/posts/b/), [b again](b.md#real-heading), [here](#section).
Broken: [x](/nowhere/).

Anchor: [y](/posts/b/#nope).

![z](/img/missing.png)

## Section
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def built(root: Path, files: dict[str, str]) -> Path:
    write(root, {"config.yaml": CONFIG, **files})
    result = build(root, BuildOptions(out_dir=root / "public", base_url=BASE, now=NOW))
    assert result.ok, result.diagnostics
    return root / "public"


def shown(diagnostics: tuple[Diagnostic, ...], root: Path) -> list[str]:
    return [format_diagnostic(d, root).splitlines()[0] for d in diagnostics]


def test_broken_link_anchor_and_image_are_named_at_their_markdown_line(tmp_path: Path) -> None:
    out = built(tmp_path, {"content/posts/a.md": POST_A, "content/posts/b.md": POST_B})
    found = shown(run_check(tmp_path, out, BASE, external=False), tmp_path)
    assert found == [
        "content/posts/a.md:6: error: broken link /myblog/nowhere/: "
        "not found: GitHub Pages would serve 404.html",
        "content/posts/a.md:8: error: broken anchor /myblog/posts/b/#nope: "
        "/myblog/posts/b/index.html has no element with id 'nope'",
        "content/posts/a.md:10: error: broken image /myblog/img/missing.png: "
        "not found: GitHub Pages would serve 404.html",
    ]


def test_a_problem_names_the_output_page_it_is_on(tmp_path: Path) -> None:
    out = built(tmp_path, {"content/posts/a.md": POST_A, "content/posts/b.md": POST_B})
    hints = {d.line: d.hint for d in run_check(tmp_path, out, BASE, external=False)}
    assert hints[6] is not None and hints[6].startswith("on /myblog/posts/a/")


def test_a_clean_site_has_no_problems(tmp_path: Path) -> None:
    clean = POST_A.replace("/nowhere/", "/posts/b/").replace("#nope", "#real-heading")
    files = {"content/posts/a.md": clean, "content/posts/b.md": POST_B}
    files["static/img/missing.png"] = "png"
    out = built(tmp_path, files)
    assert run_check(tmp_path, out, BASE, external=False) == ()


def test_theme_and_raw_html_problems_without_a_markdown_link(tmp_path: Path) -> None:
    """A reference not written as a Markdown link: the source line holding it, else the output."""
    raw = '---\ntitle: Raw\n---\nText.\n\n<img src="/raw.png" alt="">\n'
    out = built(
        tmp_path,
        {
            "config.yaml": CONFIG + "markup: {goldmark: {renderer: {unsafe: true}}}\n",
            "content/raw.md": raw,
        },
    )
    (out / "stray.html").write_text('<p>\n<a href="/myblog/gone/">x</a>\n', encoding="utf-8")
    found = shown(run_check(tmp_path, out, BASE, external=False), tmp_path)
    assert found == [
        "content/raw.md:6: error: broken image /raw.png: outside the base path /myblog/: "
        "GitHub Pages serves another site there",
        "public/stray.html:2: error: broken link /myblog/gone/: "
        "not found: GitHub Pages would serve 404.html",
    ]


def test_served_file_follows_github_pages() -> None:
    names = frozenset({"index.html", "a/index.html", "b.html", "c/d.png", "404.html"})
    assert served_file(names, "") == "index.html"
    assert served_file(names, "a/") == "a/index.html"
    assert served_file(names, "a") == "a/index.html"  # redirected to a/
    assert served_file(names, "b") == "b.html"
    assert served_file(names, "c/d.png") == "c/d.png"
    assert served_file(names, "c/") is None
    assert served_file(names, "nope/") is None  # GitHub Pages would serve 404.html


def test_links_to_the_same_host_outside_the_base_path_are_broken(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(
        out,
        {
            "index.html": '<a href="https://example.github.io/other/">o</a>\n'
            '<a href="https://example.github.io/myblog/">home</a>\n'
            '<a href="../escape/">e</a><a href="mailto:x@y.z">m</a>',
        },
    )
    report = check_site(out, base_url=BASE)
    assert [d.message.split(":")[0] for d in report.diagnostics] == [
        "broken link https",  # the URL itself holds a colon
        "broken link ../escape/",
    ]
    assert report.references == 3


def test_srcset_meta_refresh_and_fragments(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(
        out,
        {
            "index.html": '<img srcset="/myblog/a.png 1x, /myblog/b.png 2x" src="/myblog/a.png">'
            '<meta http-equiv="refresh" content="0; url=/myblog/moved/">'
            '<a href="#top">t</a><a href="#here">h</a><a href="#gone">g</a>'
            '<h2 id="here">H</h2>',
            "a.png": "",
        },
    )
    messages = {d.message for d in check_site(out, base_url=BASE).diagnostics}
    assert messages == {
        "broken image /myblog/b.png: not found: GitHub Pages would serve 404.html",
        "broken URL /myblog/moved/: not found: GitHub Pages would serve 404.html",
        "broken anchor #gone: /myblog/index.html has no element with id 'gone'",
    }


def test_source_map_is_keyed_by_site_relative_url(tmp_path: Path) -> None:
    write(tmp_path, {"config.yaml": CONFIG, "content/posts/b.md": POST_B})
    found = source_map_for(tmp_path, BASE)
    assert list(found) == ["/posts/b/"]
    assert found["/posts/b/"].source.as_posix() == "posts/b.md"
    assert not (tmp_path / "public").exists()  # nothing written


def test_check_without_a_build_says_so(tmp_path: Path) -> None:
    write(tmp_path, {"config.yaml": CONFIG})
    found = shown(run_check(tmp_path, tmp_path / "public", None, external=False), tmp_path)
    assert found == [f"error: no built site in {tmp_path / 'public'}"]


# --- whole sites ---------------------------------------------------------------------------------


def content_or_theme(
    diagnostics: tuple[Diagnostic, ...], root: Path
) -> tuple[list[str], list[str]]:
    """Split problems into those written in content/ (known) and those the theme made."""
    content, theme = [], []
    for d in diagnostics:
        text = format_diagnostic(d, root).splitlines()[0]
        is_content = d.path is not None and d.path.is_relative_to(root / "content")
        (content if is_content else theme).append(text)
    return content, theme


def assert_feeds_and_sitemap_use_the_base(out: Path) -> None:
    assert (out / ".nojekyll").is_file()
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    locs = sitemap.split("<loc>")[1:]
    assert locs and all(loc.startswith(BASE) for loc in locs)
    feed = (out / "index.xml").read_text(encoding="utf-8")
    links = [part.split("</link>")[0] for part in feed.split("<link>")[1:]]
    assert links and all(link.startswith(BASE) for link in links)


def test_example_site_has_no_broken_references(tmp_path: Path) -> None:
    for name in ("config.yaml", "content", "static", "templates"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        elif source.is_file():
            shutil.copy(source, tmp_path / name)
    result = build(tmp_path, BuildOptions(out_dir=tmp_path / "public", base_url=BASE, now=NOW))
    assert result.ok, result.diagnostics
    assert shown(run_check(tmp_path, result.out_dir, BASE, external=False), tmp_path) == []
    assert_feeds_and_sitemap_use_the_base(result.out_dir)


@pytest.mark.parametrize("name", ["kaeruct", "papermod-demo"])
def test_corpora_have_no_broken_references_from_the_theme(tmp_path: Path, name: str) -> None:
    root = tmp_path / name
    result = build_corpus(name, root, base_url=BASE)
    assert result.ok, [d for d in result.diagnostics if d.severity == "error"]
    content, theme = content_or_theme(run_check(root, result.out_dir, BASE, False), root)
    assert theme == []
    assert all(":" in line.split(" ")[0] for line in content)  # each has its path:line
    print(f"{len(content)} known broken references written in {name}'s content:")
    print("\n".join(content))
    assert_feeds_and_sitemap_use_the_base(result.out_dir)


# --- outbound links ------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    requests: list[tuple[str, str]]  # set on the subclass of each server

    def _answer(self) -> None:
        self.requests.append((self.command, self.path))
        if self.path == "/slow":
            time.sleep(1.5)
        status = {"/ok": 200, "/missing": 404, "/slow": 200}.get(self.path, 200)
        if self.path == "/no-head":
            status = 405 if self.command == "HEAD" else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    handler = type("Handler", (_Handler,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.requests
    finally:
        server.shutdown()
        server.server_close()


def outbound_post(origin: str) -> str:
    return (
        f"---\ntitle: Out\ndate: 2024-01-01\n---\n[ok]({origin}/ok)\n[no head]({origin}/no-head)\n"
        f"[missing]({origin}/missing)\n[slow]({origin}/slow#part)\n"
    )


def test_external_links_are_checked_and_cached(
    tmp_path: Path, http_server: tuple[str, list[tuple[str, str]]]
) -> None:
    origin, requests = http_server
    out = built(tmp_path / "site", {"content/posts/out.md": outbound_post(origin)})
    cache = tmp_path / "site" / ".cache" / "blog" / "external.json"
    options = ExternalOptions(timeout=0.5, cache_path=cache)
    source_map = source_map_for(tmp_path / "site", BASE)

    def check() -> list[str]:
        report = check_site(
            out, base_url=BASE, source_map=source_map, external=True, external_options=options
        )
        return shown(report.diagnostics, tmp_path / "site")

    started = time.monotonic()
    assert check() == [
        f"content/posts/out.md:7: error: broken outbound link {origin}/missing: HTTP 404",
        f"content/posts/out.md:8: warning: broken outbound link {origin}/slow#part: "
        "no answer within 0.5 s",
    ]
    assert time.monotonic() - started < 1.4  # the timeout held, the requests ran in parallel
    assert ("HEAD", "/ok") in requests and ("GET", "/no-head") in requests
    assert ("GET", "/missing") in requests  # a 404 to HEAD is confirmed with GET
    assert cache.is_file()
    requests.clear()
    assert len(check()) == 2
    assert [path for _, path in requests if path in ("/ok", "/no-head")] == []  # cached
    assert ("HEAD", "/missing") in requests  # failures are asked again


def test_external_cache_entries_expire(
    tmp_path: Path, http_server: tuple[str, list[tuple[str, str]]]
) -> None:
    from blog.external import check_urls

    origin, requests = http_server
    cache = tmp_path / "external.json"
    options = ExternalOptions(timeout=2, cache_path=cache, max_age=60)
    assert check_urls([f"{origin}/ok"], options, now=1000.0)[f"{origin}/ok"].is_ok
    assert check_urls([f"{origin}/ok"], options, now=1030.0)[f"{origin}/ok"].is_ok
    assert len(requests) == 1
    check_urls([f"{origin}/ok"], options, now=1100.0)
    assert len(requests) == 2


def test_without_external_no_request_is_made(
    tmp_path: Path, http_server: tuple[str, list[tuple[str, str]]]
) -> None:
    origin, requests = http_server
    out = built(tmp_path / "site", {"content/posts/out.md": outbound_post(origin)})
    assert check_site(out, base_url=BASE).diagnostics == ()
    assert requests == []
