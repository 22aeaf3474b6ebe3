"""The build cache: per-file rendered pages keyed by content digest (DESIGN.md §8)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from blog import __version__
from blog.pages import LoadedPage, PageSettings


def digest(data: bytes) -> str:
    """Return the content digest used as a cache key."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def settings_fingerprint(settings: PageSettings) -> str:
    """Return a digest of everything besides the file itself that shapes a Page."""
    return digest(f"{__version__}\0{settings!r}".encode())


@dataclass(slots=True)
class BuildCache:
    """Rendered pages from earlier builds; owned by one caller (the serve loop, the CLI)."""

    fingerprint: str = ""
    """Fingerprint of the settings the entries were made with."""
    pages: dict[PurePosixPath, tuple[str, LoadedPage]] = field(default_factory=dict)
    """Source path → (content digest, loaded page)."""
    hits: int = 0
    """Lookups answered from the cache in the current build."""
    misses: int = 0
    """Lookups that had to render in the current build."""

    def begin(self, settings: PageSettings) -> None:
        """Start a build: drop everything when the settings changed; reset the counters."""
        fingerprint = settings_fingerprint(settings)
        if fingerprint != self.fingerprint:
            self.pages.clear()
            self.fingerprint = fingerprint
        self.hits = self.misses = 0

    def get(self, source: PurePosixPath, key: str) -> LoadedPage | None:
        """Return the page rendered from exactly this content, if any."""
        entry = self.pages.get(source)
        if entry is not None and entry[0] == key:
            self.hits += 1
            return entry[1]
        self.misses += 1
        return None

    def put(self, source: PurePosixPath, key: str, loaded: LoadedPage) -> None:
        """Remember a freshly rendered page."""
        self.pages[source] = (key, loaded)

    def forget_missing(self, present: set[PurePosixPath]) -> None:
        """Drop entries of files that no longer exist."""
        for source in set(self.pages) - present:
            del self.pages[source]
