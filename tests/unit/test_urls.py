"""URL rules, pure."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import PurePosixPath

import pytest

from blog.urls import (
    abs_url,
    default_page_url,
    expand_permalink,
    is_safe_output,
    normalize_url,
    output_path,
    pager_url,
    rel_url,
    term_slug,
    urlize,
)


@pytest.mark.parametrize(
    ("source", "slug", "url"),
    [
        ("posts/my-post.md", None, "/posts/my-post/"),
        ("posts/Hello World Post.md", None, "/posts/hello-world-post/"),
        ("posts/x.md", "Custom Slug", "/posts/custom-slug/"),
        ("about.md", None, "/about/"),
        ("posts/trip/index.md", None, "/posts/trip/"),
        ("posts/_index.md", None, "/posts/"),
        ("_index.md", None, "/"),
        ("posts/2019/04/13/starry.md", None, "/posts/2019/04/13/starry/"),
    ],
)
def test_default_page_url(source: str, slug: str | None, url: str) -> None:
    assert default_page_url(PurePosixPath(source), slug) == url


def test_urlize_and_term_slug_differ_on_spaces_as_hugo_does() -> None:
    assert urlize("Note: One & Two!") == "note-one-two"
    assert term_slug("AI & ML") == "ai--ml"
    assert term_slug("Rock 'n' Roll") == "rock-n-roll"
    assert term_slug("C++") == "c++"
    assert term_slug("日本語") == "日本語"


def test_permalink_tokens() -> None:
    date = datetime(2024, 3, 5, 10, tzinfo=UTC)
    url = expand_permalink(
        "/:year/:month/:day/:slug/",
        source=PurePosixPath("posts/first-post.md"),
        section="posts",
        title="First Post",
        slug="my-first",
        date=date,
    )
    assert url == "/2024/03/05/my-first/"
    url = expand_permalink(
        "/:section/:filename/:contentbasename/:title/",
        source=PurePosixPath("posts/first-post.md"),
        section="posts",
        title="First Post",
        slug=None,
        date=None,
    )
    assert url == "/posts/first-post/first-post/first-post/"


def test_normalize_url_and_output_path() -> None:
    assert normalize_url("/no-slash") == "/no-slash/"
    assert normalize_url("page.html") == "/page.html"
    assert output_path("/posts/x/") == PurePosixPath("posts/x/index.html")
    assert output_path("/page.html") == PurePosixPath("page.html")
    assert pager_url("/posts/", 1) == "/posts/"
    assert pager_url("/posts/", 3) == "/posts/page/3/"


def test_base_path_and_encoding() -> None:
    assert rel_url("/posts/café/", "/myblog/") == "/myblog/posts/caf%C3%A9/"
    assert abs_url("/tags/c++/", "https://e.github.io/b/") == "https://e.github.io/b/tags/c++/"
    assert rel_url("https://other.org/x", "/b/") == "https://other.org/x"


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a/../../b", "a\\b", "C:/x", "a\x00b"])
def test_unsafe_output_paths(path: str) -> None:
    assert not is_safe_output(PurePosixPath(path))
