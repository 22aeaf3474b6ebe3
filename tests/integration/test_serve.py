"""The dev server on a real loopback port: serving, safety, live reload events, load."""

from __future__ import annotations

import http.client
import os
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from blog.build import BuildOptions, build
from blog.cli import main
from blog.errors import BlogError, format_diagnostic
from blog.serve import DevServer, ServeOptions
from tests.serving import POST, POST_URL, Running, wait_until

pytestmark = pytest.mark.timeout(120)

SCRIPT = re.compile(rb'<script src="/__blog/livereload\.js" data-epoch="(\d+)" defer></script>')


class EventStream:
    """A raw SSE connection, read line by line."""

    def __init__(self, port: int, epoch: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.conn.request("GET", f"/__blog/events?epoch={epoch}")
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200
        assert self.resp.getheader("Content-Type", "").startswith("text/event-stream")

    def next_event(self, timeout: float = 5.0) -> tuple[str, str]:
        """Return (event name, data) of the next event within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        name, data = "", []
        while time.monotonic() < deadline:
            line = self.resp.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
            elif line == "" and name:
                return name, "\n".join(data)
        raise AssertionError(f"no event within {timeout}s")

    def close(self) -> None:
        self.conn.close()


def test_html_gets_the_script_and_a_right_content_length(running: Running) -> None:
    status, headers, body = running.get(POST_URL)
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert int(headers["content-length"]) == len(body)
    match = SCRIPT.search(body)
    assert match and int(match.group(1)) == running.server.state.epoch
    assert body.index(match.group(0)) < body.rindex(b"</body>")
    # The file on disk stays production bytes: the script is added at response time only.
    on_disk = (running.server.out_dir / "posts/sagemaker-post/index.html").read_bytes()
    assert SCRIPT.sub(b"", body) == on_disk
    assert b"livereload" not in on_disk


def test_non_html_is_served_untouched(running: Running) -> None:
    status, headers, body = running.get("/blog/css/style.css")
    assert status == 200
    assert headers["content-type"].startswith("text/css")
    assert body == (running.server.out_dir / "css/style.css").read_bytes()
    status, headers, body = running.get("/__blog/livereload.js")
    assert status == 200 and b"EventSource" in body
    assert "javascript" in headers["content-type"]


def test_head_sends_headers_only(running: Running) -> None:
    status, headers, body = running.get(POST_URL, method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["content-length"]) == len(running.get(POST_URL)[2])


@pytest.mark.parametrize("path", ["/", "/blog"])
def test_the_site_is_mounted_at_the_base_path(running: Running, path: str) -> None:
    status, headers, _ = running.get(path)
    assert status in (301, 302)
    assert headers["location"] == "/blog/"
    status, _, body = running.get("/blog/")
    assert status == 200 and b"</html>" in body


def test_folder_without_slash_redirects(running: Running) -> None:
    status, headers, _ = running.get("/blog/posts/sagemaker-post")
    assert status == 301
    assert headers["location"] == POST_URL
    assert running.get("/blog/posts?x=1")[1]["location"] == "/blog/posts/"


@pytest.mark.parametrize("path", ["/blog/no-such-page/", "/blog/nope.html", "/elsewhere/"])
def test_missing_pages_get_the_404_page(running: Running, path: str) -> None:
    status, headers, body = running.get(path)
    assert status == 404
    assert int(headers["content-length"]) == len(body)
    page_404 = (running.server.out_dir / "404.html").read_bytes()
    assert SCRIPT.sub(b"", body) == page_404


def test_folders_are_never_listed(running: Running) -> None:
    assert not (running.server.out_dir / "css/index.html").exists()
    status, _, body = running.get("/blog/css/")
    assert status == 404
    assert b"syntax.css</a>" not in body and b"Directory listing" not in body


SECRET = "top-secret-9f3a"
TRAVERSALS = [
    "/blog/../secret.txt",
    "/blog/posts/../../secret.txt",
    "/blog/%2e%2e/secret.txt",
    "/blog/%2E%2E%2Fsecret.txt",
    "/blog/..%2fsecret.txt",
    "/blog/..%2Fsite%2F..%2Fsecret.txt",
    "/blog/%252e%252e/secret.txt",
    "/blog/..\\secret.txt",
    "/blog/..%5csecret.txt",
    "/blog/%5C..%5Csecret.txt",
    "/blog/C:\\secret.txt",
    "/blog/C:/secret.txt",
    "/blog/secret.txt%00.html",
    "/blog/%00../secret.txt",
    "/blog/.%2e/secret.txt",
    "/blog/leak.txt",
    "/blog/leakdir/secret.txt",
    "/blog/%ff%fe/../secret.txt",
    "/..%2fsecret.txt",
    "//secret.txt",
]


def test_requests_never_escape_the_served_folder(running: Running) -> None:
    out = running.server.out_dir
    secret = out.parent / "secret.txt"
    secret.write_text(SECRET)
    (out / "leak.txt").symlink_to(secret)
    (out / "leakdir").symlink_to(out.parent, target_is_directory=True)
    paths = [*TRAVERSALS, "/blog/" + str(secret), "/blog/%2F" + str(secret).lstrip("/")]
    for path in paths:
        response = running.raw(f"GET {path} HTTP/1.0\r\n\r\n".encode("latin-1"))
        status = int(response.split(b" ", 2)[1])
        assert SECRET.encode() not in response, path
        assert status in (400, 404), (path, status)
    # The null byte variant through a different route: the request line itself.
    response = running.raw(b"GET /blog/secret.txt\x00 HTTP/1.0\r\n\r\n")
    assert SECRET.encode() not in response


def test_sse_sends_reload_within_5s_of_an_edit(running: Running, example_site: Path) -> None:
    stream = EventStream(running.port, running.server.state.epoch)
    try:
        post = example_site / POST
        post.write_text(post.read_text() + "\nA new closing sentence.\n")
        started = time.monotonic()
        assert stream.next_event(timeout=5)[0] == "reload"
        assert time.monotonic() - started < 5
    finally:
        stream.close()
    assert b"A new closing sentence." in running.get(POST_URL)[2]


def test_sse_catches_up_a_client_showing_an_old_epoch(running: Running) -> None:
    stream = EventStream(running.port, running.server.state.epoch - 1)
    try:
        assert stream.next_event(timeout=2)[0] == "reload"
    finally:
        stream.close()


def expected_location(example_site: Path, tmp: Path) -> str:
    """Return the ``path:line`` the build itself reports for the broken site."""
    result = build(example_site, BuildOptions(out_dir=tmp / "check-out"))
    assert not result.ok
    first = format_diagnostic(
        next(d for d in result.diagnostics if d.severity == "error"), example_site
    )
    match = re.match(r"(content/posts/sagemaker-post\.md:\d+)", first)
    assert match, first
    return match.group(1)


def test_error_event_names_path_line_then_reload_after_the_fix(
    running: Running, example_site: Path, tmp_path: Path
) -> None:
    post = example_site / POST
    good = post.read_text()
    bad = good.replace("date: 2024-02-02", "date: [", 1)
    assert bad != good
    stream = EventStream(running.port, running.server.state.epoch)
    try:
        post.write_text(bad)
        name, data = stream.next_event(timeout=5)
        assert name == "error"
        assert expected_location(example_site, tmp_path) in data
        assert "error:" in data
        # The last good site is still served meanwhile.
        status, _, body = running.get(POST_URL)
        assert status == 200 and b"</html>" in body
        post.write_text(good + "\nFixed now.\n")
        assert stream.next_event(timeout=5)[0] == "reload"
    finally:
        stream.close()
    assert b"Fixed now." in running.get(POST_URL)[2]


def test_css_only_change_sends_css_event(running: Running, example_site: Path) -> None:
    (example_site / "static/css").mkdir(parents=True, exist_ok=True)
    time.sleep(0.3)  # let the folder's own event pass
    stream = EventStream(running.port, running.server.state.epoch)
    try:
        (example_site / "static/css/style.css").write_text("body { color: rgb(1, 2, 3); }\n")
        assert stream.next_event(timeout=5)[0] == "css"
    finally:
        stream.close()
    assert b"rgb(1, 2, 3)" in running.get("/blog/css/style.css")[2]


def test_navigate_sends_the_edited_page_url(example_site: Path) -> None:
    server = Running(example_site, navigate=True)
    try:
        stream = EventStream(server.port, server.server.state.epoch)
        about = example_site / "content/about.md"
        about.write_text(about.read_text() + "\nMore about me.\n")
        assert stream.next_event(timeout=5) == ("reload", "/blog/about/")
        stream.close()
    finally:
        server.stop()


def test_a_slow_client_does_not_block_others(running: Running) -> None:
    stalled = []
    for _ in range(20):
        sock = socket.create_connection(("127.0.0.1", running.port), timeout=10)
        sock.sendall(b"GET /blog/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Ag")  # and nothing more
        stalled.append(sock)
    try:
        started = time.monotonic()
        for _ in range(5):
            status, _, body = running.get(POST_URL)
            assert status == 200 and body.rstrip().endswith(b"</html>")
        assert time.monotonic() - started < 3
    finally:
        for sock in stalled:
            sock.close()


def test_a_taken_port_is_a_clear_error(example_site: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(BlogError, match="already in use"):
            DevServer(example_site, ServeOptions(port=port))
        result = CliRunner().invoke(main, ["serve", "-s", str(example_site), "--port", str(port)])
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.output
    assert "hint:" in result.output
    assert "Traceback" not in result.output


def test_stop_deletes_the_temp_folder(example_site: Path) -> None:
    server = Running(example_site)
    out = server.server.out_dir
    assert (out / "index.html").is_file()
    server.stop()
    assert not out.parent.exists()


def fetch_complete(port: int) -> tuple[str | None, tuple[int, int]]:
    """GET the post; return what is wrong (if anything), its epoch and its revision."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", POST_URL)
        resp = conn.getresponse()
        body = resp.read()
        length = int(resp.getheader("Content-Length", "-1"))
    except OSError as exc:
        return f"{type(exc).__name__}: {exc}", (0, 0)
    finally:
        conn.close()
    script = SCRIPT.search(body)
    revision = re.search(rb"Revision (\d+)\.", body)
    if resp.status != 200:
        return f"status {resp.status}", (0, 0)
    if length != len(body):
        return f"Content-Length {length} but {len(body)} bytes", (0, 0)
    if not body.rstrip().endswith(b"</html>") or not script:
        return "incomplete page", (0, 0)
    if b"Cloud Computing and AI" not in body or not revision:
        return "wrong page", (0, 0)
    return None, (int(script.group(1)), int(revision.group(1)))


def test_200_concurrent_requests_during_10_rebuilds_are_complete(
    running: Running, example_site: Path
) -> None:
    post = example_site / POST
    original = post.read_text()
    running.edit(POST, original + "\nRevision 0.\n")
    epochs = {0: running.server.state.epoch}
    stop = threading.Event()
    problems: list[str] = []
    seen: set[tuple[int, int]] = set()

    def hammer() -> None:
        # Bounded: at most 15 requests per thread, 200 threads, and stop after the rebuilds.
        for _ in range(15):
            if stop.is_set():
                return
            problem, epoch_and_revision = fetch_complete(running.port)
            if problem:
                problems.append(problem)
            else:
                seen.add(epoch_and_revision)

    with ThreadPoolExecutor(max_workers=200) as pool:
        futures = [pool.submit(hammer) for _ in range(200)]
        for n in range(1, 11):
            running.edit(POST, original + f"\nRevision {n}.\n" + "More text. " * n * 50)
            epochs[n] = running.server.state.epoch
        stop.set()
        for future in futures:
            future.result(timeout=60)
    assert not problems, problems[:5]
    assert len(seen) >= 3, "the requests did not overlap the rebuilds"
    # Each page carries the epoch of the build that made it, never an older or newer one:
    # otherwise a browser would miss a reload or reload for nothing.
    wrong = {(epoch, rev) for epoch, rev in seen if epochs[rev] != epoch}
    assert not wrong, (wrong, epochs)
    assert b"Revision 10." in running.get(POST_URL)[2]


def test_serve_runs_from_the_command_line(example_site: Path) -> None:
    """`blog serve` itself: a subprocess that serves until SIGTERM and cleans up."""
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "blog", "serve", "-s", str(example_site), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().decode()
        assert first.startswith(f"serving http://127.0.0.1:{port}/blog/")

        def is_up() -> bool:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", POST_URL)
                return conn.getresponse().status == 200
            except OSError:
                return False

        wait_until(is_up)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0, out
    assert b"Traceback" not in out
    temp = re.search(rb"(/\S*blog-serve-\w+)/site/", out)
    assert temp and not Path(temp.group(1).decode()).exists()
