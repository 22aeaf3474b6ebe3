"""The serve loop's patch of the last build (incremental.py): same bytes as a full build."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from blog.build import BuildOptions, BuildResult, build
from blog.cache import BuildCache
from blog.incremental import LastBuild
from blog.rebuild import warm_for_patches
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
    ours, theirs = snapshot(server.out), snapshot(fresh)
    # The manifests list the same files; a file patched in place is recorded by its key.
    assert json.loads(ours.pop(".blog-output"))["files"].keys() == (
        json.loads(theirs.pop(".blog-output"))["files"].keys()
    )
    assert ours == theirs


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


# ---------------------------------------------------------------- `blog build`, one process each


def cli_build(site: Path) -> BuildResult:
    """A `blog build` in the site folder: the persistent cache, a new process's state."""
    return build(site, BuildOptions())


def cli_edit(site: Path, rel: str, old: str, new: str) -> BuildResult:
    path = site / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return cli_build(site)


def assert_public_same_as_full_build(site: Path) -> None:
    fresh = site.parent / "fresh"
    result = build(site, BuildOptions(out_dir=fresh, use_cache=False))
    assert result.ok
    ours, theirs = snapshot(site / "public"), snapshot(fresh)
    ours.pop(".blog-output"), theirs.pop(".blog-output")  # the manifests name their folders
    assert ours == theirs


def test_build_after_a_body_edit_patches_the_saved_build(site: Path) -> None:
    assert cli_build(site).ok
    result = cli_edit(site, "content/posts/p10.md", "Opening of post 10.", "A new opening.")
    assert was_patched(result)
    assert "A new opening." in (site / "public/posts/p10/index.html").read_text()
    assert "A new opening." in (site / "public/page/3/index.html").read_text()  # its pager
    assert_public_same_as_full_build(site)
    again = cli_edit(site, "content/posts/p3.md", "## Part\n", "## Part\n\nMore.\n")
    assert was_patched(again)
    assert_public_same_as_full_build(site)


def test_a_patch_replaces_its_files_in_public_and_makes_no_spare(site: Path) -> None:
    assert cli_build(site).ok  # into an empty folder: there is no spare tree yet
    assert not (site / ".public-spare").exists()
    kept = (site / "public/posts/p2/index.html").stat().st_ino
    result = cli_edit(site, "content/posts/p10.md", "Opening of post 10.", "A new opening.")
    assert was_patched(result) and result.stats.written >= 5
    assert not (site / ".public-spare").exists()  # nothing linked the whole site again
    assert (site / "public/posts/p2/index.html").stat().st_ino == kept  # untouched
    manifest = json.loads((site / "public/.blog-output").read_text())["files"]
    page = (site / "public/posts/p10/index.html").read_bytes()
    assert manifest["posts/p10/index.html"] == hashlib.blake2b(page, digest_size=16).hexdigest()
    assert manifest["index.json"].startswith("key:")  # spliced: recorded by key, not hashed
    assert not list((site / "public").rglob("*.blog-new"))
    assert not list((site / "public").glob(".blog-journal*"))
    assert_public_same_as_full_build(site)


def test_build_patches_keep_warnings_and_counts(site: Path) -> None:
    path = site / "content/posts/p9.md"
    path.write_text(path.read_text().replace("## Part\n", "## Part\n\n[gone](nothing.md)\n"))
    first = cli_build(site)
    result = cli_edit(site, "content/posts/p9.md", "Opening of post 9.", "Edited.")
    assert was_patched(result)
    assert [d.message for d in result.diagnostics] == [d.message for d in first.diagnostics]
    assert result.stats.pages == first.stats.pages and result.stats.outputs == first.stats.outputs


@pytest.mark.parametrize(
    "change",
    [
        "title",
        "config",
        "template",
        "static",
        "new file",
        "no snapshot",
        "damaged snapshot",
        "no pages",
    ],
)
def test_build_takes_the_full_path_when_a_patch_cannot_be_trusted(site: Path, change: str) -> None:
    assert cli_build(site).ok
    cache_dir = site / ".cache/blog"
    if change == "title":
        (site / "content/posts/p8.md").write_text(post(8).replace("Post 8", "Renamed"))
    elif change == "config":
        (site / "config.yaml").write_text(CONFIG.replace("title: T", "title: U"))
    elif change == "template":
        (site / "templates").mkdir()
        (site / "templates/page.html").write_text("<!DOCTYPE html><title>{{ page.title }}</title>")
    elif change == "static":
        (site / "static").mkdir()
        (site / "static/extra.css").write_text("body { color: red }")
        (site / "content/posts/p8.md").write_text(post(8, body="Edited body."))
    elif change == "new file":
        (site / "content/posts/p60.md").write_text(post(60))
    elif change == "no snapshot":
        for path in cache_dir.glob("last-*"):
            path.unlink()
    elif change == "damaged snapshot":
        for path in cache_dir.glob("last-*"):
            path.write_bytes(b"\x80\x05garbage")
    elif change == "no pages":
        for path in cache_dir.glob("pages-*"):
            path.unlink()
    if change in ("no snapshot", "damaged snapshot", "no pages"):
        (site / "content/posts/p8.md").write_text(post(8, body="Edited body."))
    result = cli_build(site)
    assert result.ok and not was_patched(result), change
    assert_public_same_as_full_build(site)
    # and the build after it patches again
    assert was_patched(cli_edit(site, "content/posts/p2.md", "Opening", "Changed opening"))
    assert_public_same_as_full_build(site)


def test_a_full_build_after_patches_rewrites_what_they_wrote(site: Path) -> None:
    server = Server(site)
    assert was_patched(server.edit("content/posts/p10.md", "Opening of post 10.", "Patched."))
    full = server.edit("content/posts/p10.md", "title: Post 10", "title: Retitled")
    assert full.ok and not was_patched(full)
    assert_same_as_full_build(server)
    back = server.edit("content/posts/p10.md", "Patched.", "Opening of post 10.")
    assert was_patched(back)
    assert_same_as_full_build(server)


def test_patched_files_leave_no_old_copies_behind(site: Path) -> None:
    server = Server(site)
    for n in (4, 5):
        assert was_patched(server.edit(f"content/posts/p{n}.md", "## Part\n", "## Part\n\nx\n"))
    deadline = time.monotonic() + 5
    while list(server.out.rglob("*.blog-old-*")) and time.monotonic() < deadline:
        time.sleep(0.02)  # the old files are removed by a thread, after the patch
    assert not list(server.out.rglob("*.blog-old-*"))
    assert not list(server.out.rglob("*.blog-tmp"))


def test_warming_up_reads_the_feeds_back_and_the_patch_stays_exact(site: Path) -> None:
    server = Server(site)
    options = BuildOptions(out_dir=server.out, cache=server.cache)
    warm_for_patches(site, options)
    last = server.cache.last_build
    assert isinstance(last, LastBuild)
    assert {"index.xml", "index.json", "posts/index.xml"} <= set(last.feed_bytes)
    for rel, data in last.feed_bytes.items():
        assert data == (server.out / rel).read_bytes()
    warm_for_patches(site, options)  # nothing more to do until the next full build
    assert server.cache.last_build is last
    result = server.edit("content/posts/p7.md", "Opening of post 7.", "Warm opening.")
    assert was_patched(result)  # the warm-up rendered a page but recorded nothing
    assert_same_as_full_build(server)
