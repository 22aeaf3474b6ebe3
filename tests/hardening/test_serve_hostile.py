"""Hostile requests to the dev server, beyond tests/integration/test_serve.py.

That file covers the common traversals, listings, a stalled request and the taken port; this
one adds the rarer encodings, other methods, oversized requests, clients that never read a
response, and where the server listens.
"""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path

import pytest

from blog.commands.serve import serve_command
from blog.serve import DevServer, ServeOptions
from tests.serving import POST_URL, Running

pytestmark = pytest.mark.timeout(120)

SECRET = "hostile-secret-51c2"
MORE_TRAVERSALS = [
    "/blog/%c0%ae%c0%ae/secret.txt",  # overlong UTF-8 dots
    "/blog/%u002e%u002e/secret.txt",  # IIS-style
    "/blog/..;/secret.txt",
    "/blog/.../secret.txt",
    "/blog/./../secret.txt",
    "/blog/posts/%2e%2e/%2e%2e/secret.txt",
    "/blog/%2e%2e%5c%2e%2e%5csecret.txt",
    "/blog/\\\\?\\C:\\secret.txt",
    "/blog/%5c%5c?%5cC:%5csecret.txt",
    "/blog//../secret.txt",
    "/blog/%2f%2e%2e%2fsecret.txt",
    "/blog/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt",
    "/blog/..%00/secret.txt",
    "/blog/%0a../secret.txt",
    "/blog/%20../secret.txt",
    "/blog/.well-known/../../secret.txt",
    "/__blog/../secret.txt",
    "/__blog/livereload.js/../../secret.txt",
    "/__blog/%2e%2e/secret.txt",
    "http://127.0.0.1/blog/../secret.txt",
    "*",
    "secret.txt",
    "../secret.txt",
]


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0


def test_rarer_traversals_never_leave_the_site(running: Running) -> None:
    out = running.server.out_dir
    (out.parent / "secret.txt").write_text(SECRET)
    (out.parent.parent / "secret.txt").write_text(SECRET)
    for path in MORE_TRAVERSALS:
        response = running.raw(f"GET {path} HTTP/1.0\r\n\r\n".encode("latin-1"))
        assert SECRET.encode() not in response, path
        assert status_of(response) in (0, 301, 400, 404), (path, response[:80])
        assert b"Index of" not in response and b"Directory listing" not in response


def test_a_symlinked_folder_inside_the_site_pointing_out_is_not_followed(
    running: Running, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text(SECRET)
    (outside / "data.txt").write_text(SECRET)
    (running.server.out_dir / "posts" / "door").symlink_to(outside, target_is_directory=True)
    for path in ("/blog/posts/door/", "/blog/posts/door/data.txt", "/blog/posts/door"):
        status, _, body = running.get(path)
        assert SECRET.encode() not in body, path
        assert status in (301, 404), (path, status)


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE", "PATCH", "OPTIONS", "TRACE"])
def test_other_methods_change_nothing(running: Running, method: str) -> None:
    out = running.server.out_dir
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    request = f"{method} /blog/evil.txt HTTP/1.0\r\nContent-Length: 4\r\n\r\nevil"
    response = running.raw(request.encode())
    assert status_of(response) in (405, 501), response[:80]
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_oversized_and_garbled_requests_are_refused_and_the_server_lives(
    running: Running,
) -> None:
    huge = running.raw(b"GET /blog/" + b"a" * 70_000 + b" HTTP/1.0\r\n\r\n")
    assert status_of(huge) in (400, 414), huge[:80]
    many_headers = b"".join(b"X-H%d: v\r\n" % i for i in range(200))
    response = running.raw(b"GET /blog/ HTTP/1.1\r\nHost: x\r\n" + many_headers + b"\r\n")
    assert status_of(response) in (400, 431), response[:80]
    for garbage in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", b"GET\r\n\r\n", b"\r\n\r\n"):
        with socket.create_connection(("127.0.0.1", running.port), timeout=10) as sock:
            sock.sendall(garbage)
            sock.shutdown(socket.SHUT_WR)
            sock.recv(1024)
    assert running.get(POST_URL)[0] == 200


def test_clients_that_never_read_do_not_block_others(running: Running) -> None:
    big = running.server.out_dir / "big.bin"
    big.write_bytes(b"\0" * (8 * 1024 * 1024))
    stuck = []
    try:
        for _ in range(8):
            sock = socket.create_connection(("127.0.0.1", running.port), timeout=10)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(b"GET /blog/big.bin HTTP/1.1\r\nHost: x\r\n\r\n")  # never read
            stuck.append(sock)
        for _ in range(8):  # idle connections that never send a byte
            stuck.append(socket.create_connection(("127.0.0.1", running.port), timeout=10))
        time.sleep(0.3)
        started = time.monotonic()
        for _ in range(10):
            status, _, body = running.get(POST_URL)
            assert status == 200 and body.rstrip().endswith(b"</html>")
        assert time.monotonic() - started < 3
    finally:
        for sock in stuck:
            sock.close()
    assert running.get(POST_URL)[0] == 200  # the abandoned ones were cleaned up


def test_it_listens_on_loopback_unless_told_otherwise() -> None:
    assert ServeOptions().bind == "127.0.0.1"
    bind = next(p for p in serve_command.params if p.name == "bind")
    assert bind.default == "127.0.0.1"


@pytest.mark.parametrize(
    ("host", "warns"), [("127.0.0.1", False), ("localhost", False), ("0.0.0.0", True)]
)
def test_a_non_loopback_bind_warns(
    example_site: Path, caplog: pytest.LogCaptureFixture, host: str, warns: bool
) -> None:
    caplog.set_level(logging.WARNING)
    server = DevServer(example_site, ServeOptions(bind=host, port=0))
    try:
        warned = [r.getMessage() for r in caplog.records if "anyone on your network" in r.message]
        assert bool(warned) is warns, caplog.text
        if warns:
            assert host in warned[0]
    finally:
        server.close()
