"""Check outbound http(s) links: HEAD then GET, a few at a time, remembered for a day.

Only ``blog check --external`` uses this module; it is the one place that talks to other sites.
Answers that showed a link works are cached on disk (``.cache/blog/external.json`` beside the
site), so a second run within ``max_age`` asks nobody about them. Failures are never cached: a
link fixed on the other side is asked about again next time.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from blog import __version__
from blog.errors import Severity

log = logging.getLogger(__name__)

CACHE_VERSION = 1
"""Bumped when the cache file's shape changes; another version is ignored."""

# Statuses after which a HEAD request is retried as GET: servers that refuse or mishandle HEAD.
_RETRY_WITH_GET = frozenset({400, 403, 404, 405, 406, 429, 500, 501, 502, 503})


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalOptions:
    """How outbound links are checked."""

    timeout: float = 10.0
    """Seconds to wait for each request."""
    workers: int = 8
    """Requests in flight at once."""
    max_age: float = 24 * 3600.0
    """Seconds a cached answer stays valid."""
    cache_path: Path | None = None
    """The JSON cache file; None checks everything and remembers nothing."""
    user_agent: str = f"Mozilla/5.0 (compatible; blog-check/{__version__})"
    """Sent with each request (some sites refuse Python's default)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkStatus:
    """What one outbound URL answered."""

    url: str
    """The URL asked for (without its fragment)."""
    status: int | None
    """The HTTP status after redirects; None when there was no answer."""
    error: str | None = None
    """Why there was no answer (timeout, refused connection, unknown host)."""
    checked_at: float = 0.0
    """When it was asked (seconds since the epoch)."""

    @property
    def is_ok(self) -> bool:
        """Whether the link works (a 2xx or 3xx answer)."""
        return self.status is not None and self.status < 400

    @property
    def reason(self) -> str:
        """Say what the URL answered (``HTTP 404``) or why it did not."""
        return f"HTTP {self.status}" if self.status is not None else self.error or "no answer"

    @property
    def severity(self) -> Severity:
        """Return ``error`` when the answer says the link is broken, ``warning`` when unsure."""
        return "error" if self.status is not None and self.status != 429 else "warning"


def check_urls(
    urls: Iterable[str], options: ExternalOptions, *, now: float | None = None
) -> dict[str, LinkStatus]:
    """Return the status of each URL: from the cache when fresh, else asked in parallel."""
    now = time.time() if now is None else now
    wanted = sorted(set(urls))
    cached = load_cache(options.cache_path, now=now, max_age=options.max_age)
    missing = [url for url in wanted if url not in cached]
    if missing:
        log.info("checking %d outbound links (%d cached)", len(missing), len(wanted) - len(missing))
    with ThreadPoolExecutor(max_workers=max(1, options.workers)) as pool:
        fresh = list(pool.map(lambda url: fetch_status(url, options, now=now), missing))
    if options.cache_path is not None and fresh:
        write_cache(options.cache_path, {**cached, **{s.url: s for s in fresh if s.is_ok}})
    found = {**cached, **{s.url: s for s in fresh}}
    return {url: found[url] for url in wanted}


def fetch_status(url: str, options: ExternalOptions, *, now: float) -> LinkStatus:
    """Ask ``url`` with HEAD, then with GET when the answer suggests HEAD is not supported."""
    status = _request(url, "HEAD", options)
    if isinstance(status, int) and status in _RETRY_WITH_GET:
        status = _request(url, "GET", options)
    if isinstance(status, int):
        return LinkStatus(url=url, status=status, checked_at=now)
    return LinkStatus(url=url, status=None, error=status, checked_at=now)


def _request(url: str, method: str, options: ExternalOptions) -> int | str:
    """Return the final HTTP status, or the reason there was none."""
    request = urllib.request.Request(
        url, method=method, headers={"User-Agent": options.user_agent, "Accept": "*/*"}
    )
    try:
        with urllib.request.urlopen(request, timeout=options.timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return int(exc.code)
    except TimeoutError:
        return f"no answer within {options.timeout:g} s"
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError | socket.timeout):
            return f"no answer within {options.timeout:g} s"
        return f"cannot connect: {reason}"
    except (OSError, ValueError) as exc:  # a reset connection, a malformed URL
        return f"cannot connect: {exc}"


def load_cache(path: Path | None, *, now: float, max_age: float) -> dict[str, LinkStatus]:
    """Return the cached answers younger than ``max_age``; a missing or bad file is empty."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    entries = data.get("entries")
    found: dict[str, LinkStatus] = {}
    for url, entry in (entries if isinstance(entries, dict) else {}).items():
        try:
            status = LinkStatus(
                url=url, status=int(entry["status"]), checked_at=float(entry["checked_at"])
            )
        except (KeyError, TypeError, ValueError):
            continue
        if status.is_ok and 0 <= now - status.checked_at < max_age:
            found[url] = status
    return found


def write_cache(path: Path, statuses: Mapping[str, LinkStatus]) -> None:
    """Write the answers to ``path`` atomically (a crash leaves the old file or the new one)."""
    entries = {
        url: {"status": s.status, "checked_at": s.checked_at} for url, s in sorted(statuses.items())
    }
    text = json.dumps({"version": CACHE_VERSION, "entries": entries}, indent=1) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_text(text, encoding="utf-8")
        temp.replace(path)
    except OSError as exc:  # a read-only checkout still gets its report
        log.warning("cannot write the link cache %s: %s", path, exc.strerror)
