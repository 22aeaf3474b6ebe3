"""Browser fixtures: Debian's Chromium driven by Playwright, and a live dev server."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from blog.serve import DevServer, ServeOptions
from tests import serving

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def _unavailable(reason: str) -> None:
    """Skip on a developer machine; fail in CI, where .ci/run installs chromium."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 900, "height": 500})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def copy_example_site(dest: Path) -> Path:
    """Copy the example site to ``dest``, with a stylesheet folder for the CSS tests."""
    site = serving.copy_example_site(dest)
    (site / "static/css").mkdir(parents=True, exist_ok=True)
    return site.resolve()


class LiveSite:
    """A copy of the example site served by a DevServer on a thread."""

    def __init__(self, root: Path, **options: Any) -> None:
        self.root = root
        self.server = DevServer(root, ServeOptions(port=0, **options))
        self._thread = threading.Thread(target=self.server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while self.server.state.epoch == 0:
            assert time.monotonic() < deadline, "the first build did not finish"
            time.sleep(0.02)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.port}{path}"

    def stop(self) -> None:
        self.server.stop()
        self._thread.join(timeout=10)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveSite]:
    site = LiveSite(copy_example_site(tmp_path / "site"))
    yield site
    site.stop()


@pytest.fixture
def live_navigate(tmp_path: Path) -> Iterator[LiveSite]:
    site = LiveSite(copy_example_site(tmp_path / "site"), navigate=True)
    yield site
    site.stop()
