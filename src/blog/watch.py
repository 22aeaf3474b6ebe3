"""Watch the site's sources and rebuild after each burst of changes (DESIGN.md §9).

The watchdog observer thread only records which paths changed and wakes the rebuild loop; the
loop (on the main thread, so Ctrl-C surfaces at once) waits until the burst is over, builds and
hands the result to a ``publish`` callback. It never imports ``serve``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from blog.build import BuildOptions, BuildResult, BuildStats, build
from blog.configfile import CONFIG_NAMES
from blog.content import is_ignored
from blog.errors import Diagnostic
from blog.rebuild import warm_for_patches
from blog.templates import THEME_DIR

log = logging.getLogger(__name__)

_WATCHED_DIRS = ("content", "templates", "static")
_POLL = 0.25
_IGNORED_EVENTS = frozenset({"opened", "closed_no_write"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Rebuild:
    """One finished build and the changes that caused it."""

    result: BuildResult
    """What the build did and found."""
    changed: tuple[Path, ...]
    """Changed source files, oldest first (empty for the first build)."""
    is_css_only: bool = False
    """Whether only stylesheets changed, so a browser can swap them without reloading."""


class SourceWatcher(FileSystemEventHandler):
    """Watch content/, templates/, static/ and config.yaml; collect changed paths.

    Guarded by ``_changed`` (a Condition): ``_paths`` and ``_last_event``.
    """

    def __init__(self, root: Path, *, poll: bool = False, theme_dev: bool = False) -> None:
        super().__init__()
        self.root = root.resolve()
        self._bases = [self.root / name for name in _WATCHED_DIRS]
        if theme_dev:
            self._bases.append(THEME_DIR.resolve())
        self._observer: BaseObserver = PollingObserver(timeout=_POLL) if poll else Observer()
        # A poller sees a burst one snapshot at a time: only a full cycle of quiet ends it.
        self._min_quiet = _POLL * 1.2 if poll else 0.0
        self._changed = threading.Condition()
        self._watches: dict[Path, ObservedWatch] = {}
        self._paths: dict[Path, None] = {}
        self._last_event = 0.0

    def start(self) -> None:
        """Start the observer thread."""
        # The root is watched on its own level only: config.yaml, and watched folders that
        # appear later (a fresh site may have no static/ yet).
        self._observer.schedule(self, str(self.root), recursive=False)
        for base in self._bases:
            if base.is_dir():
                self._watch(base)
        self._observer.start()

    def _watch(self, base: Path) -> None:
        old = self._watches.pop(base, None)
        if old is not None:
            # The folder was deleted and made again: its old emitter watches nothing.
            with contextlib.suppress(KeyError):
                self._observer.unschedule(old)
        self._watches[base] = self._observer.schedule(self, str(base), recursive=True)

    def stop(self) -> None:
        """Stop the observer thread."""
        self._observer.stop()
        if self._observer.is_alive():
            self._observer.join(timeout=5)

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Record the relevant paths of one event and wake the loop."""
        if event.event_type in _IGNORED_EVENTS:
            return
        if event.is_directory and event.event_type == "modified":
            return  # its files have events of their own
        paths = [_text(event.src_path), _text(getattr(event, "dest_path", "") or "")]
        relevant = [p for p in (Path(s) for s in paths if s) if self._is_relevant(p)]
        if not relevant:
            return
        if event.is_directory and event.event_type == "created" and relevant[0] in self._bases:
            self._watch(relevant[0])
        # A new or touched folder changes nothing by itself (its files have their own
        # events), but one that vanished or moved takes its pages along: record it.
        is_file_change = not event.is_directory or event.event_type in ("deleted", "moved")
        with self._changed:
            for path in relevant if is_file_change else ():
                self._paths.pop(path, None)
                self._paths[path] = None
            self._last_event = time.monotonic()
            self._changed.notify_all()

    def _is_relevant(self, path: Path) -> bool:
        if path.parent == self.root and path.name in CONFIG_NAMES:
            return True  # config.yaml, hugo.toml, … (a new one may take over)
        for base in self._bases:
            if path == base:
                return True
            if path.is_relative_to(base):
                return not any(is_ignored(part) for part in path.relative_to(base).parts)
        return False

    def wait_for_changes(self, delay: float, stop: threading.Event) -> tuple[Path, ...] | None:
        """Block until a burst of changes has settled for ``delay`` seconds; None on stop.

        Returns the changed paths, oldest first, or an empty tuple when only folders appeared.
        """
        delay = max(delay, self._min_quiet)
        with self._changed:
            # Short waits keep Ctrl-C and ``stop`` responsive.
            while not self._last_event and not stop.is_set():
                self._changed.wait(timeout=0.25)
            started = time.monotonic()
            while not stop.is_set():
                quiet_for = time.monotonic() - self._last_event
                # A writer that never pauses still gets a build every two seconds.
                if quiet_for >= delay or time.monotonic() - started > 2.0:
                    break
                self._changed.wait(timeout=delay - quiet_for)
            if stop.is_set():
                return None
            changed = tuple(self._paths)
            self._paths.clear()
            self._last_event = 0.0
            return changed


def _text(path: str | bytes) -> str:
    return path.decode() if isinstance(path, bytes) else path


def is_css_only(changed: tuple[Path, ...]) -> bool:
    """Whether every changed file is a stylesheet (Hugo's liveCSS case)."""
    return bool(changed) and all(p.suffix == ".css" for p in changed)


def edited_page_url(result: BuildResult, changed: tuple[Path, ...]) -> str | None:
    """Return the site-relative URL of the page whose source was edited last, if any."""
    if result.content is None:
        return None
    by_file = {
        page.file_path.resolve(): page.url
        for page in (*result.content.pages, *result.content.branches)
    }
    for path in reversed(changed):
        url = by_file.get(path)
        if url is not None:
            return url
    return None


def rebuild_loop(
    watcher: SourceWatcher,
    options: BuildOptions,
    *,
    begin: Callable[[], None],
    publish: Callable[[Rebuild], None],
    stop: threading.Event,
    delay: float = 0.03,
) -> None:
    """Rebuild after every burst of changes until ``stop`` is set (runs on the main thread)."""
    while not stop.is_set():
        try:
            warm_for_patches(watcher.root, options)
        except Exception:  # only a speed-up: never worth stopping the preview for
            log.exception("getting ready for the next rebuild failed")
        changed = watcher.wait_for_changes(delay, stop)
        if changed is None:
            return
        names = ", ".join(_shown(p, watcher.root) for p in changed[-3:])
        log.info("change detected (%s), rebuilding", names)
        begin()
        try:
            result = build(watcher.root, replace(options, changed=changed))
        except Exception:
            # A bug in a stage must not take the preview down with it: keep serving.
            log.exception("rebuild crashed")
            publish(Rebuild(result=_crashed(watcher.root, options), changed=changed))
            continue
        publish(Rebuild(result=result, changed=changed, is_css_only=is_css_only(changed)))


def _crashed(root: Path, options: BuildOptions) -> BuildResult:
    problem = Diagnostic(severity="error", message="internal error while building (see terminal)")
    return BuildResult(
        ok=False,
        root=root,
        out_dir=options.out_dir or root,
        diagnostics=(problem,),
        stats=BuildStats(),
    )


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
