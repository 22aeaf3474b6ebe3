"""The dev server on a loopback port, for the serve tests: the example site, a running server.

Their fixtures (``example_site``, ``running``) are in ``conftest.py``.
"""

from __future__ import annotations

import http.client
import shutil
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

from blog.serve import DevServer, ServeOptions

REPO = Path(__file__).resolve().parents[1]
POST = "content/posts/sagemaker-post.md"
POST_URL = "/blog/posts/sagemaker-post/"


def copy_example_site(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "config.yaml", dest / "config.yaml")
    for name in ("content", "templates", "static"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name)
        else:
            (dest / name).mkdir()
    return dest


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s")
        time.sleep(0.02)


class Running:
    """A DevServer running on a thread, with request helpers."""

    def __init__(self, root: Path, **options: object) -> None:
        self.root = root
        self.server = DevServer(root, ServeOptions(bind="127.0.0.1", port=0, **options))  # type: ignore[arg-type]
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        wait_until(lambda: self.server.state.epoch > 0)

    @property
    def port(self) -> int:
        return self.server.port

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path)
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def raw(self, request: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(request)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def edit(self, rel: str, text: str) -> None:
        """Write a file and wait until the server has published a build after it."""
        epoch, failures = self.server.state.epoch, self.server.state.failures
        (self.root / rel).write_text(text, encoding="utf-8")
        wait_until(lambda: self.server.state.epoch > epoch or self.server.state.failures > failures)

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()
