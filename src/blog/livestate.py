"""The state the dev server's threads share (DESIGN.md §9): one Condition guards it all."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One message for a browser's event stream."""

    kind: Literal["reload", "css", "error", "stop"]
    """The SSE event name."""
    epoch: int
    """The server's epoch when it was made (the SSE ``id``)."""
    data: str = ""
    """A URL to go to (reload) or the formatted diagnostics (error)."""
    failures: int = 0
    """How many builds had failed when it was made."""


class LiveState:
    """What the server threads share. Every field is guarded by ``changed``."""

    def __init__(self, base_path: str) -> None:
        self.changed = threading.Condition()
        self.base_path = base_path  # where the site is mounted (the path of baseURL)
        self.epoch = 0  # ms stamp of the last good build; clients send the one they show
        self.reload_epoch = 0  # the last good build that needs a full reload (not CSS only)
        self.navigate: str | None = None  # URL of the page edited in that build (--navigate)
        self.building = True  # requests wait while this is true
        self.readers = 0  # requests reading the output folder; a build waits for them
        self.errors = ""  # formatted diagnostics of the last build if it failed
        self.failures = 0  # failed builds so far, so each is sent once per client
        self.stopping = False  # the server is shutting down

    def begin_build(self) -> None:
        """Hold new requests back and wait for the ones reading files to finish."""
        with self.changed:
            self.building = True
            self.changed.wait_for(lambda: self.readers == 0, timeout=5)

    def publish(self, *, ok: bool, errors: str, css_only: bool, navigate: str | None) -> None:
        """End a build: bump the epoch (success) or store the errors, and wake everyone."""
        with self.changed:
            self.building = False
            if ok:
                self.epoch = max(self.epoch + 1, time.time_ns() // 1_000_000)
                if not css_only or self.errors:
                    self.reload_epoch, self.navigate = self.epoch, navigate
                self.errors = ""
            else:
                self.failures += 1
                self.errors = errors
            self.changed.notify_all()

    def stop(self) -> None:
        """Release every waiting request and end the event streams."""
        with self.changed:
            self.stopping, self.building = True, False
            self.changed.notify_all()

    @contextlib.contextmanager
    def reading(self) -> Iterator[tuple[int, str]]:
        """Wait (at most 30 s) for a running build; yield the epoch and base path."""
        with self.changed:
            self.changed.wait_for(lambda: not self.building, timeout=30)
            self.readers += 1
            snapshot = (self.epoch, self.base_path)
        try:
            yield snapshot
        finally:
            with self.changed:
                self.readers -= 1
                self.changed.notify_all()

    def next_event(self, epoch: int, failures_seen: int, timeout: float) -> Event | None:
        """Wait for news for a client showing ``epoch``; None after ``timeout`` seconds."""

        def has_news() -> bool:
            new_failure = bool(self.errors) and failures_seen != self.failures
            return self.stopping or epoch < self.epoch or new_failure

        with self.changed:
            if not self.changed.wait_for(has_news, timeout=timeout):
                return None
            if self.stopping:
                return Event(kind="stop", epoch=self.epoch)
            if epoch < self.epoch:
                kind: Literal["reload", "css"] = "reload" if epoch < self.reload_epoch else "css"
                data = (self.navigate or "") if kind == "reload" else ""
                return Event(kind=kind, epoch=self.epoch, data=data, failures=self.failures)
            return Event(kind="error", epoch=self.epoch, data=self.errors, failures=self.failures)
