"""``blog serve``: build into a temp folder, serve it with live reload (DESIGN.md §9).

Three kinds of threads share one ``LiveState``: the main thread runs the rebuild loop, the
watchdog observer feeds it, and the HTTP server answers each request on its own thread.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import logging
import mimetypes
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socketserver import TCPServer
from typing import Literal
from urllib.parse import parse_qs, quote, unquote

from blog.build import BuildOptions, BuildResult, build
from blog.cache import BuildCache
from blog.config import load_config
from blog.configfile import CONFIG_NAMES
from blog.content import Inclusion
from blog.errors import BlogError, Diagnostics, format_diagnostic
from blog.livestate import LiveState
from blog.watch import Rebuild, SourceWatcher, edited_page_url, rebuild_loop

log = logging.getLogger(__name__)

CLIENT_JS = (Path(__file__).parent / "livereload.js").read_bytes()
PING_SECONDS = 15.0  # keeps proxies open; a closed tab shows up as a failed write
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_FALLBACK_404 = (
    b'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Not found</title></head>\n'
    b"<body><h1>Not found</h1><p>Nothing is built at this address.</p></body></html>\n"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServeOptions:
    """How to serve (the command-line flags)."""

    bind: str = "127.0.0.1"
    """Interface to listen on."""
    port: int = 1313
    """TCP port; 0 picks a free one."""
    inclusion: Inclusion = field(default_factory=Inclusion)
    """Drafts, future and expired pages to include."""
    poll: bool = False
    """Poll the file system instead of using native events."""
    navigate: bool = False
    """Send the browser to the page whose source was edited."""
    theme_dev: bool = False
    """Also watch the packaged theme (for theme development)."""
    delay: float = 0.03
    """Seconds without a new change before rebuilding."""


@dataclass(frozen=True, slots=True)
class Target:
    """What a request path resolves to."""

    kind: Literal["file", "redirect", "missing"]
    """Serve a file, redirect, or serve the 404 page."""
    path: Path | None = None
    """The file to serve."""
    location: str = ""
    """Where to redirect."""


def resolve_target(out_dir: Path, base_path: str, raw_path: str) -> Target:
    """Map a request path to a file inside ``out_dir``; nothing outside it is ever reachable."""
    missing = Target("missing")
    path = unquote(raw_path, errors="strict") if "%" in raw_path else raw_path
    if "\\" in path or "\x00" in path or not path.startswith("/"):
        return missing
    if path in ("/", base_path.rstrip("/")) and path != base_path:
        return Target("redirect", location=base_path)
    if not path.startswith(base_path):
        return missing
    parts = [p for p in path[len(base_path) :].split("/") if p]
    # Dot segments and hidden files (the output marker) are never served.
    if any(p.startswith(".") and p != ".well-known" for p in parts):
        return missing
    root = Path(os.path.realpath(out_dir))
    real = Path(os.path.realpath(root.joinpath(*parts)))
    if real != root and not real.is_relative_to(root):
        return missing  # a symlink pointing outside the site
    if real.is_dir():
        if parts and not path.endswith("/"):
            return Target("redirect", location=base_path + "/".join(map(quote, parts)) + "/")
        real = real / "index.html"  # and never a listing
    return Target("file", path=real) if real.is_file() else missing


def inject_script(html: bytes, epoch: int) -> bytes:
    """Insert the live-reload script before the last ``</body>`` (or append it)."""
    tag = f'<script src="/__blog/livereload.js" data-epoch="{epoch}" defer></script>'.encode()
    ends = list(_BODY_END.finditer(html))
    if not ends:
        return html + tag
    at = ends[-1].start()
    return html[:at] + tag + html[at:]


class _Handler(BaseHTTPRequestHandler):
    """Serve the built site, the client script and the event stream."""

    server: _Server
    timeout = 10  # a client that stalls mid-request holds only its own thread, briefly

    def do_GET(self) -> None:
        """Answer a GET."""
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        """Answer a HEAD."""
        self._respond(with_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Log requests at debug level instead of printing them."""
        log.debug("%s %s", self.address_string(), format % args)

    def _respond(self, *, with_body: bool) -> None:
        path, _, query = self.path.partition("?")
        if path == "/__blog/livereload.js":
            self._send(200, "text/javascript; charset=utf-8", CLIENT_JS, with_body)
        elif path == "/__blog/events" and with_body:
            self._stream_events(query)
        else:
            self._serve_site(path, with_body)

    def _serve_site(self, path: str, with_body: bool) -> None:
        state = self.server.state
        with state.reading() as (epoch, base_path):
            try:
                target = resolve_target(self.server.out_dir, base_path, path)
            except UnicodeDecodeError:
                target = Target("missing")
            status, file = 200, target.path
            if target.kind == "redirect":
                status = 302 if path == "/" else 301  # only folder redirects are permanent
                self._send(status, "text/plain", b"", with_body, Location=target.location)
                return
            if file is None:
                status, file = 404, self.server.out_dir / "404.html"
            try:
                body = file.read_bytes()
            except OSError:
                body = _FALLBACK_404 if status == 404 else b""
                status = 404
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if status == 404:
            ctype = "text/html"
        if ctype == "text/html":
            body = inject_script(body, epoch)
        if ctype.startswith("text/") or ctype.endswith(("xml", "json", "javascript")):
            ctype += "; charset=utf-8"
        self._send(status, ctype, body, with_body)

    def _send(self, status: int, ctype: str, body: bytes, with_body: bool, **extra: str) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": ctype, **extra}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _stream_events(self, query: str) -> None:
        epoch = _client_epoch(query, self.headers.get("Last-Event-ID"))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        failures = 0
        with contextlib.suppress(OSError):  # the tab went away (BrokenPipe, reset, timeout)
            self.wfile.write(b"retry: 1000\n\n")
            while True:
                event = self.server.state.next_event(epoch, failures, PING_SECONDS)
                if event is None:
                    self.wfile.write(b": ping\n\n")
                    continue
                if event.kind == "stop":
                    return
                epoch, failures = event.epoch, event.failures
                lines = "".join(f"data: {line}\n" for line in event.data.split("\n"))
                self.wfile.write(f"id: {epoch}\nevent: {event.kind}\n{lines}\n".encode())


def _client_epoch(query: str, last_event_id: str | None) -> int:
    values = [*parse_qs(query).get("epoch", []), last_event_id or ""]
    return max((int(v) for v in values if v.isdecimal()), default=0)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_port = False  # two servers on one port would split the requests

    def __init__(self, address: tuple[str, int], state: LiveState, out_dir: Path) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.state = state
        self.out_dir = out_dir
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A tab closed mid-response is normal in a dev server; anything else is a bug.
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            log.debug("client %s went away", client_address)
        else:
            log.exception("error while answering %s", client_address)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host name up in DNS, which can stall for seconds.
        TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)


class DevServer:
    """The whole preview: temp output folder, HTTP server, watcher and rebuild loop."""

    def __init__(
        self,
        root: Path,
        options: ServeOptions | None = None,
        *,
        report: Callable[[BuildResult], None] | None = None,
    ) -> None:
        self.root = root.resolve()
        self.options = options or ServeOptions()
        self._report = report or (lambda result: None)
        config = load_config(self.root, Diagnostics())
        self.state = LiveState(config.base_path)
        self._httpd = _bind(self.options.bind, self.options.port, self.state)
        self._tmp = Path(tempfile.mkdtemp(prefix="blog-serve-"))
        self.out_dir = self._httpd.out_dir = self._tmp / "site"
        self._build_options = BuildOptions(
            out_dir=self.out_dir, inclusion=self.options.inclusion, cache=BuildCache()
        )
        self._watcher = SourceWatcher(
            self.root, poll=self.options.poll, theme_dev=self.options.theme_dev
        )
        self._stop = threading.Event()
        self._serving = False
        self._closed = False

    @property
    def port(self) -> int:
        """The port listened on (useful with port 0)."""
        return self._httpd.server_port

    @property
    def url(self) -> str:
        """The address of the site's home page."""
        host = self._httpd.server_name
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}{self.state.base_path}"

    def run(self) -> None:
        """Build, serve and rebuild on changes until ``stop()`` or Ctrl-C; then clean up."""
        is_main = threading.current_thread() is threading.main_thread()
        # SIGTERM (``timeout``, ``docker stop``, a closed terminal) cleans up like Ctrl-C.
        previous = signal.signal(signal.SIGTERM, _interrupt) if is_main else None
        try:
            threading.Thread(
                target=self._httpd.serve_forever, args=(0.25,), name="blog-http", daemon=True
            ).start()
            self._serving = True
            # Watch before the first build, so an edit made during it is not lost.
            self._watcher.start()
            self._publish(Rebuild(result=build(self.root, self._build_options), changed=()))
            rebuild_loop(
                self._watcher,
                self._build_options,
                begin=self.state.begin_build,
                publish=self._publish,
                stop=self._stop,
                delay=self.options.delay,
            )
        except KeyboardInterrupt:
            log.info("stopping")
        finally:
            if is_main:  # a second Ctrl-C must not cut the cleanup short
                previous_int = signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
            self.close()
            if is_main:
                signal.signal(signal.SIGINT, previous_int)
                signal.signal(signal.SIGTERM, previous)

    def stop(self) -> None:
        """Ask ``run()`` to return (from another thread)."""
        self._stop.set()

    def close(self) -> None:
        """Stop every thread, close the socket and delete the temp folder (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self.state.stop()
        self._watcher.stop()
        if self._serving:
            self._httpd.shutdown()
        self._httpd.server_close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def _publish(self, rebuild: Rebuild) -> None:
        result = rebuild.result
        self._report(result)
        navigate = None
        if result.ok and self.options.navigate:
            url = edited_page_url(result, rebuild.changed)
            navigate = self.state.base_path.rstrip("/") + url if url else None
        if result.ok and any(
            p.parent == self.root and p.name in CONFIG_NAMES for p in rebuild.changed
        ):
            self._reload_base_path()
        errors = "\n".join(
            format_diagnostic(d, result.root) for d in result.diagnostics if d.severity == "error"
        )
        self.state.publish(
            ok=result.ok, errors=errors, css_only=rebuild.is_css_only, navigate=navigate
        )

    def _reload_base_path(self) -> None:
        try:
            base_path = load_config(self.root, Diagnostics()).base_path
        except BlogError:
            return
        with self.state.changed:
            self.state.base_path = base_path


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _bind(host: str, port: int, state: LiveState) -> _Server:
    """Listen on ``host:port``, or explain why not."""
    try:
        server = _Server((host, port), state, Path())
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise BlogError(
                f"port {port} on {host} is already in use\n"
                f"    hint: stop the other server (another `blog serve` or `hugo server`?), "
                f"or pick a free port with --port {port + 1} (or --port 0 for any)"
            ) from None
        raise BlogError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    if not _is_loopback(host):
        log.warning(
            "warning: listening on %s: anyone on your network can see this preview, drafts too",
            host,
        )
    return server


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
