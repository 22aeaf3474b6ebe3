"""The serve loop's patch of the last build (incremental.py): same bytes as a full build."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from blog.build import BuildOptions, BuildResult, build
from blog.cache import BuildCache
from tests.conftest import snapshot

CONFIG = """\
baseURL: https://e.org/blog/
title: T
pagination: {pagerSize: 4}
params: {mainSections: [posts], ShowToc: true}
"""


def post(n: int, body: str = "", tags: str = "[a, b]") -> str:
    day = date(2024, 1, 1) + timedelta(days=n)
    return (
        f"---\ntitle: Post {n}\ndate: {day.isoformat()}\ntags: {tags}\n---\n\n"
        f"Opening of post {n}.\n\n<!--more-->\n\n## Part\n\n{body}\n"
        f"```python\nprint({n})\n```\n"
    )


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    files = {f"content/posts/p{n}.md": post(n, tags=f"[a, t{n % 3}]") for n in range(1, 20)}
    files["content/posts/p5.md"] = post(5, body="See [part](p6.md#part) of six.")
    files["content/archives.md"] = "---\ntitle: Archives\nlayout: archives\n---\n"
    files["content/search.md"] = "---\ntitle: Search\nlayout: search\n---\n"
    files["config.yaml"] = CONFIG
    return make_site(files)


class Server:
    """Builds as the serve loop does: one in-memory cache, the changed files passed along."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.out = site.parent / "served"
        self.cache = BuildCache()
        first = self.build(())
        assert first.ok, first.diagnostics

    def build(self, changed: tuple[Path, ...]) -> BuildResult:
        return build(self.site, BuildOptions(out_dir=self.out, cache=self.cache, changed=changed))

    def edit(self, rel: str, old: str, new: str) -> BuildResult:
        path = self.site / rel
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))
        return self.build((path,))


def was_patched(result: BuildResult) -> bool:
    """A patch reads only the changed files: no cache hit for the rest of the site."""
    return result.ok and result.stats.cache_hits + result.stats.markdown_rendered == 1


def assert_same_as_full_build(server: Server) -> None:
    fresh = server.site.parent / "fresh"
    result = build(server.site, BuildOptions(out_dir=fresh, use_cache=False))
    assert result.ok
    assert snapshot(server.out) == snapshot(fresh)


def test_a_body_edit_is_patched_and_equals_a_full_build(site: Path) -> None:
    server = Server(site)
    result = server.edit("content/posts/p10.md", "Opening of post 10.", "A new opening.")
    assert was_patched(result)
    # its page, the home, section and two term pagers holding it, archives and search
    assert result.stats.outputs_rendered >= 7 and result.stats.written >= 5
    page = (server.out / "posts/p10/index.html").read_text()
    assert "A new opening." in page
    assert "A new opening." in (server.out / "index.xml").read_text()
    assert_same_as_full_build(server)


def test_patches_chain_and_stay_equal_to_a_full_build(site: Path) -> None:
    server = Server(site)
    for n, text in [(3, "first"), (17, "second"), (3, "third"), (1, "fourth")]:
        result = server.edit(f"content/posts/p{n}.md", "## Part\n", f"## Part\n\n{text} edit\n")
        assert was_patched(result), (n, text)
    assert_same_as_full_build(server)


def test_two_files_saved_together_are_one_patch(site: Path) -> None:
    server = Server(site)
    paths = (site / "content/posts/p2.md", site / "content/posts/p12.md")
    for path in paths:
        path.write_text(path.read_text().replace("## Part\n", "## Part\n\nBoth.\n"))
    result = server.build(paths)
    assert result.ok and result.stats.markdown_rendered == 2 and result.stats.cache_hits == 0
    assert_same_as_full_build(server)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("title: Post 8", "title: Renamed"),  # every list shows titles
        ("tags: [a, t2]", "tags: [a, t9]"),  # a new term page
        ("date: 2024-01-09", "date: 2023-01-09"),  # another order
        ("title: Post 8", "title: Post 8\ndraft: true"),  # gone from the site
        ("title: Post 8", "title: Post 8\ndescription: D"),  # front matter shown in lists
    ],
)
def test_a_skeleton_change_takes_the_full_build(site: Path, old: str, new: str) -> None:
    server = Server(site)
    result = server.edit("content/posts/p8.md", old, new)
    assert result.ok and not was_patched(result)
    assert_same_as_full_build(server)


def test_new_and_deleted_files_take_the_full_build(site: Path) -> None:
    server = Server(site)
    added = site / "content/posts/p50.md"
    added.write_text(post(50))
    assert not was_patched(server.build((added,)))
    added.unlink()
    assert not was_patched(server.build((added,)))
    assert_same_as_full_build(server)


def test_a_new_warning_takes_the_full_build_and_is_reported(site: Path) -> None:
    server = Server(site)
    result = server.edit("content/posts/p9.md", "## Part\n", "## Part\n\n[gone](nothing.md)\n")
    assert result.ok and not was_patched(result)
    assert any("does not exist" in d.message for d in result.diagnostics)
    # the warning stays while the file is edited elsewhere, and patches resume
    again = server.edit("content/posts/p9.md", "Opening of post 9.", "Still broken.")
    assert was_patched(again)
    assert [d.message for d in again.diagnostics] == [d.message for d in result.diagnostics]
    fixed = server.edit("content/posts/p9.md", "[gone](nothing.md)", "")
    assert not was_patched(fixed) and not fixed.diagnostics
    assert_same_as_full_build(server)


def test_renaming_a_heading_another_page_links_to_is_checked_again(site: Path) -> None:
    server = Server(site)
    result = server.edit("content/posts/p6.md", "## Part\n", "## Section\n")
    assert not was_patched(result)
    assert any("missing anchor" in d.message for d in result.diagnostics)
    # a heading nobody links to: patched
    assert was_patched(server.edit("content/posts/p7.md", "## Part\n", "## Other\n"))
    assert_same_as_full_build(server)


def test_a_broken_file_fails_then_its_fix_builds(site: Path) -> None:
    server = Server(site)
    broken = server.edit("content/posts/p4.md", "title: Post 4", "title: [unclosed")
    assert not broken.ok
    assert any(d.path and d.path.name == "p4.md" and d.line for d in broken.diagnostics)
    fixed = server.edit("content/posts/p4.md", "title: [unclosed", "title: Post 4")
    assert fixed.ok
    assert_same_as_full_build(server)


def test_a_template_change_takes_the_full_build(site: Path) -> None:
    server = Server(site)
    template = site / "templates/page.html"
    template.parent.mkdir()
    template.write_text("<!DOCTYPE html><title>{{ page.title }}</title>{{ page.html }}\n")
    result = server.build((template,))
    assert result.ok and not was_patched(result)
    assert (server.out / "posts/p3/index.html").read_text().startswith("<!DOCTYPE html><title>")
    assert was_patched(server.edit("content/posts/p3.md", "Opening", "Changed opening"))
    assert_same_as_full_build(server)
