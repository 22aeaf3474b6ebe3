"""The build cache (DESIGN.md §8): rendered pages by content digest, output keys by context.

It lives in ``.cache/blog/`` beside the site, is versioned, and is safe to delete: a missing,
old or corrupt cache only means a cold build (with a warning when it was unreadable). The
output never depends on it: ``--no-cache`` writes the same bytes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from blog import __version__, pagestore
from blog.fastpickle import collector_paused
from blog.pages import LoadedPage, PageSettings

log = logging.getLogger(__name__)

CACHE_VERSION = 6
CACHE_DIR = Path(".cache") / "blog"


def digest(data: bytes) -> str:
    """Return the content digest used as a cache key."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def settings_fingerprint(settings: PageSettings, root: Path | None = None) -> str:
    """Return a digest of everything besides the file itself that shapes a Page."""
    return digest(f"{__version__}\0{CACHE_VERSION}\0{root}\0{settings!r}".encode())


@dataclass(slots=True)
class BuildCache:
    """Rendered pages and output keys of earlier builds; owned by one caller at a time."""

    fingerprint: str = ""
    """Fingerprint of the settings the page entries were made with."""
    pages: dict[PurePosixPath, tuple[str, LoadedPage]] = field(default_factory=dict)
    """Source path → (content digest, loaded page)."""
    signatures: dict[PurePosixPath, tuple[int, int]] = field(default_factory=dict)
    """Source path → (size, mtime in ns) when its entry was made or confirmed."""
    outputs: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Output path → (key of what it was rendered from, size in bytes), as last written."""
    out_dir: str = ""
    """The folder those outputs were written to."""
    hits: int = 0
    """Page lookups answered from the cache in the current build."""
    misses: int = 0
    """Page lookups that had to render in the current build."""
    changed: bool = True
    """Whether anything differs from what was last saved."""
    environments: dict[str, tuple[str, Any]] = field(default_factory=dict)
    """Config → (templates fingerprint, environment): in memory only, compiled templates kept."""
    last_build: Any = None
    """The serve loop's last good build (``incremental.LastBuild``): in memory only."""
    dirty: set[PurePosixPath] = field(default_factory=set)
    """Sources whose page entry or signature changed since the cache was saved."""
    replace_all: bool = False
    """Whether every stored page is stale (the settings changed): the store is rewritten."""

    def begin(self, settings: PageSettings, root: Path | None = None) -> None:
        """Start a build: drop everything when the settings changed; reset the counters."""
        fingerprint = settings_fingerprint(settings, root)
        if fingerprint != self.fingerprint:
            self.pages.clear()
            self.signatures.clear()
            self.outputs.clear()
            self.fingerprint = fingerprint
            self.changed = self.replace_all = True
        self.hits = self.misses = 0

    def get(self, source: PurePosixPath, key: str) -> LoadedPage | None:
        """Return the page rendered from exactly this content, if any."""
        entry = self.pages.get(source)
        if entry is not None and entry[0] == key:
            self.hits += 1
            return entry[1]
        self.misses += 1
        return None

    def unchanged_source(
        self, source: PurePosixPath, signature: tuple[int, int]
    ) -> tuple[str, LoadedPage] | None:
        """Return (digest, page) when the file's size and time are those last seen."""
        entry = self.pages.get(source)
        if entry is None or self.signatures.get(source) != signature:
            return None
        self.hits += 1
        return entry

    def remember_signature(self, source: PurePosixPath, signature: tuple[int, int]) -> None:
        """Record the size and time a file had just before it was read."""
        if self.signatures.get(source) != signature:
            self.signatures[source] = signature
            self.changed = True
            self.dirty.add(source)

    def put(self, source: PurePosixPath, key: str, loaded: LoadedPage) -> None:
        """Remember a freshly rendered page."""
        self.pages[source] = (key, loaded)
        self.changed = True
        self.dirty.add(source)

    def keep_light(self, source: PurePosixPath, loaded: LoadedPage) -> None:
        """Hold a cached page light from now on (``bodies.py``): nothing to save for it."""
        key, _ = self.pages[source]
        self.pages[source] = (key, loaded)

    def forget_missing(self, present: set[PurePosixPath]) -> None:
        """Drop entries of files that no longer exist."""
        for source in set(self.pages) - present:
            del self.pages[source]
            self.signatures.pop(source, None)
            self.changed = True
            self.dirty.add(source)

    def unchanged_output(self, path: PurePosixPath, key: str, out_dir: Path) -> bool:
        """Whether ``path`` in ``out_dir`` was written from exactly ``key`` and is still there."""
        entry = self.outputs.get(path.as_posix())
        if entry is None or entry[0] != key or self.out_dir != str(out_dir):
            return False
        try:
            return (out_dir / path).stat().st_size == entry[1]
        except OSError:
            return False


def cache_file(root: Path) -> Path:
    """Return where a site's cache state (everything but the pages) is kept."""
    return root / CACHE_DIR / f"build-v{CACHE_VERSION}.pickle"


def pages_file(root: Path) -> Path:
    """Return where a site's rendered pages are kept (``pagestore.py``)."""
    return root / CACHE_DIR / f"pages-v{CACHE_VERSION}.sqlite"


_KEPT = ("fingerprint", "outputs", "out_dir")
"""The fields saved in the state file; the pages go to the page store."""


def load_cache(root: Path, *, with_pages: bool = True) -> tuple[BuildCache, str | None]:
    """Return the site's cache, or an empty one and a warning when it could not be read.

    ``with_pages=False`` leaves the page store alone (a patch reads the rows it needs).
    """
    path = cache_file(root)
    if not path.is_file():
        return BuildCache(), None
    try:
        with path.open("rb") as handle, collector_paused():
            state: Any = pickle.load(handle)
        if not isinstance(state, dict) or state.get("version") != (CACHE_VERSION, __version__):
            return BuildCache(), None
        cache = BuildCache(**{name: state[name] for name in _KEPT})
        entries = pagestore.read_all(pages_file(root), cache.fingerprint) if with_pages else {}
    except Exception as exc:  # a damaged cache of any kind means a cold build, never a crash
        return (
            BuildCache(),
            f"the build cache in {path.parent} is unreadable ({exc}); building from scratch",
        )
    cache.pages = {rel: (key, loaded) for rel, (key, loaded, _) in entries.items()}
    cache.signatures = {rel: sig for rel, (_, _, sig) in entries.items() if sig is not None}
    cache.changed = False
    return cache, None


def save_cache(root: Path, cache: BuildCache) -> None:
    """Write what changed: the changed page rows, then the state file (atomically)."""
    path = cache_file(root)
    if not cache.changed and path.is_file():
        return
    changes = {
        rel: (
            (cache.pages[rel][0], cache.pages[rel][1], cache.signatures.get(rel))
            if rel in cache.pages
            else None
        )
        for rel in (cache.pages if cache.replace_all else cache.dirty)
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            pagestore.write(
                pages_file(root), cache.fingerprint, changes, replace_all=cache.replace_all
            )
        except sqlite3.DatabaseError:  # damaged: start the store again
            pages_file(root).unlink(missing_ok=True)
            everything = {
                rel: (k, p, cache.signatures.get(rel)) for rel, (k, p) in cache.pages.items()
            }
            pagestore.write(pages_file(root), cache.fingerprint, everything, replace_all=True)
        temp = path.with_suffix(f".{os.getpid()}.tmp")
        with temp.open("wb") as handle:
            state = {"version": (CACHE_VERSION, __version__)}
            state.update((name, getattr(cache, name)) for name in _KEPT)
            pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temp.replace(path)
        _remove_other_versions(path.parent)
        cache.changed = cache.replace_all = False
        cache.dirty.clear()
    except OSError as exc:
        log.warning("could not save the build cache: %s", exc)


def _remove_other_versions(folder: Path) -> None:
    """Delete the cache files an older (or newer) version of blog left behind."""
    current = {f"build-v{CACHE_VERSION}.pickle", f"pages-v{CACHE_VERSION}.sqlite"}
    for pattern in ("build-v*.pickle", "pages-v*.sqlite*"):
        for stale in folder.glob(pattern):
            if stale.name not in current and not stale.name.endswith("-journal"):
                stale.unlink(missing_ok=True)
