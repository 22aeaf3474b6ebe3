"""Live reload in a real browser: edits show up by themselves, errors in an overlay, CSS swaps."""

from __future__ import annotations

import re
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from blog.build import BuildOptions, build
from blog.errors import format_diagnostic

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]
LiveSite = Any  # tests/e2e/conftest.py:LiveSite (tests/e2e is not a package)

POST = "content/posts/sagemaker-post.md"
POST_URL = "/blog/posts/sagemaker-post/"
WAIT_MS = 10_000


def expect() -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def served(live: LiveSite, path: str) -> str:
    with urllib.request.urlopen(live.url(path), timeout=10) as resp:
        return str(resp.read().decode())


def open_post(page: Any, live: LiveSite) -> None:
    page.goto(live.url(POST_URL))
    expect()(page.locator("main")).to_contain_text("SageMaker")
    # The client is connected once its EventSource is open; edits before that are still
    # caught by the epoch, but waiting keeps each step's timing honest.
    page.wait_for_function("() => performance.getEntriesByType('resource').length > 0")


def test_an_appended_sentence_shows_up_by_itself(page: Any, live: LiveSite) -> None:
    open_post(page, live)
    post = live.root / POST
    post.write_text(post.read_text() + "\nA sentence added while the browser watched.\n")
    expect()(page.locator("main")).to_contain_text(
        "A sentence added while the browser watched.", timeout=WAIT_MS
    )


def test_an_atomic_save_shows_up(page: Any, live: LiveSite) -> None:
    open_post(page, live)
    post = live.root / POST
    tmp = post.with_name(f".{post.name}.tmp")
    tmp.write_text(post.read_text() + "\nSaved through a rename.\n")
    tmp.replace(post)
    expect()(page.locator("main")).to_contain_text("Saved through a rename.", timeout=WAIT_MS)


def test_a_burst_of_saves_shows_only_the_last(page: Any, live: LiveSite) -> None:
    open_post(page, live)
    post = live.root / POST
    original = post.read_text()
    for n in range(1, 6):
        post.write_text(original + f"\nBurst version {n}.\n")
        time.sleep(0.05)
    main = page.locator("main")
    expect()(main).to_contain_text("Burst version 5.", timeout=WAIT_MS)
    for n in range(1, 5):
        expect()(main).not_to_contain_text(f"Burst version {n}.")
    html = served(live, POST_URL)
    assert "Burst version 5." in html
    assert not re.search(r"Burst version [1-4]\.", html)


def location_of_error(root: Path, tmp: Path) -> str:
    """Return the ``path:line`` that a plain build reports for the broken post."""
    result = build(root, BuildOptions(out_dir=tmp / "check"))
    error = next(d for d in result.diagnostics if d.severity == "error")
    match = re.match(r"content/posts/sagemaker-post\.md:\d+", format_diagnostic(error, root))
    assert match, error
    return match.group(0)


def test_a_broken_front_matter_shows_an_overlay_until_fixed(
    page: Any, live: LiveSite, tmp_path: Path
) -> None:
    open_post(page, live)
    post = live.root / POST
    good = post.read_text()
    post.write_text(good.replace("date: 2024-02-02", "date: [", 1))
    overlay = page.locator("#__blog-errors")
    expect()(overlay).to_be_visible(timeout=WAIT_MS)
    expect()(overlay).to_contain_text(location_of_error(live.root, tmp_path))
    expect()(overlay).to_contain_text("error:")
    # The last good page stays underneath.
    expect()(page.locator("main")).to_contain_text("SageMaker")
    post.write_text(good + "\nFixed and back.\n")
    expect()(page.locator("main")).to_contain_text("Fixed and back.", timeout=WAIT_MS)
    expect()(overlay).to_have_count(0)


def test_the_overlay_text_is_never_html(page: Any, live: LiveSite) -> None:
    open_post(page, live)
    post = live.root / POST
    post.write_text(post.read_text().replace("date: 2024-02-02", "date: [<b id=injected>", 1))
    expect()(page.locator("#__blog-errors")).to_be_visible(timeout=WAIT_MS)
    assert page.locator("#injected").count() == 0


def test_a_css_change_applies_without_a_reload(page: Any, live: LiveSite) -> None:
    open_post(page, live)
    page.evaluate("() => { window.__marker = 'still here'; }")
    theme_css = served(live, "/blog/css/style.css")
    (live.root / "static/css/style.css").write_text(
        theme_css + "\nbody { background-color: rgb(1, 2, 3) !important; }\n"
    )
    page.wait_for_function(
        "() => getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'",
        timeout=WAIT_MS,
    )
    assert page.evaluate("() => window.__marker") == "still here"


def test_a_reload_keeps_the_scroll_position(page: Any, live: LiveSite) -> None:
    open_post(page, live)
    height = page.evaluate("() => document.documentElement.scrollHeight - innerHeight")
    assert height > 300, "the post must be taller than the window"
    # Turn the browser's own restoring off: the position must come from the client script.
    page.evaluate(
        "() => { history.scrollRestoration = 'manual';"
        " window.scrollTo({ top: 300, behavior: 'instant' }); }"
    )
    page.wait_for_function("() => scrollY === 300")
    page.evaluate("() => { window.__marker = 'old page'; }")
    post = live.root / POST
    post.write_text(post.read_text() + "\nScroll test sentence.\n")
    expect()(page.locator("main")).to_contain_text("Scroll test sentence.", timeout=WAIT_MS)
    assert page.evaluate("() => window.__marker") is None  # it really reloaded
    page.wait_for_function("() => Math.abs(scrollY - 300) <= 2", timeout=WAIT_MS)


def test_navigate_opens_the_edited_page(page: Any, live_navigate: LiveSite) -> None:
    live = live_navigate
    open_post(page, live)
    about = live.root / "content/about.md"
    about.write_text(about.read_text() + "\nNavigated here by itself.\n")
    page.wait_for_url(live.url("/blog/about/"), timeout=WAIT_MS)
    expect()(page.locator("main")).to_contain_text("Navigated here by itself.")
