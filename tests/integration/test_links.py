"""Markdown links: .md targets become page URLs, site paths get the base path, broken ones warn."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from blog.cli import main
from tests.conftest import build_site

CONFIG = "baseURL: https://example.github.io/myblog/\ntitle: T\n"


def page(title: str, body: str) -> str:
    return f"---\ntitle: {title}\ndate: 2024-01-01\n---\n\n{body}\n"


def test_md_links_and_site_paths_resolve_under_the_base_path(
    make_site: Callable[..., Path],
) -> None:
    site = make_site(
        {
            "config.yaml": CONFIG,
            "content/posts/a.md": page(
                "A",
                "See [B](b.md), [B's part](./b.md#part-two), [about](../about.md), "
                "[home](/), [tags](/tags/) and ![logo](/img/logo.png).",
            ),
            "content/posts/b.md": page("B", "## Part two\n\nText."),
            "content/about.md": page("About", "Hi."),
            "static/img/logo.png": "PNG",
        }
    )
    result = build_site(site)
    assert result.ok
    assert not [d for d in result.diagnostics if "link" in d.message]
    html = (site / "public/posts/a/index.html").read_text()
    for href in (
        'href="/myblog/posts/b/"',
        'href="/myblog/posts/b/#part-two"',
        'href="/myblog/about/"',
        'href="/myblog/"',
        'href="/myblog/tags/"',
        'src="/myblog/img/logo.png"',
    ):
        assert href in html, href


def test_broken_links_and_anchors_warn_at_their_line(make_site: Callable[..., Path]) -> None:
    site = make_site(
        {
            "config.yaml": CONFIG,
            "content/posts/a.md": page(
                "A", "Intro.\n\n[gone](missing.md)\n\n[bad anchor](b.md#nope)\n\n[self](#nothing)"
            ),
            "content/posts/b.md": page("B", "## Part two"),
        }
    )
    out = CliRunner().invoke(main, ["build", "-s", str(site)]).output
    assert re.search(r"content/posts/a.md:8: warning: link to a page that does not exist", out)
    assert re.search(r"content/posts/a.md:10: warning: link to a missing anchor: b.md#nope", out)
    assert re.search(r"content/posts/a.md:12: warning: link to a missing anchor: #nothing", out)


def test_strict_fails_on_broken_links(make_site: Callable[..., Path]) -> None:
    site = make_site(
        {
            "config.yaml": CONFIG,
            "content/posts/a.md": page("A", "[gone](missing.md)"),
        }
    )
    result = CliRunner().invoke(main, ["build", "-s", str(site), "--strict"])
    assert result.exit_code == 1
    assert "(--strict)" in result.output
    assert not (site / "public").exists()
