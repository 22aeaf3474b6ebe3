"""Diagnostics as data: user mistakes with a location, collected across a build."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import click

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Diagnostic:
    """One problem found in the user's site, with where it is."""

    severity: Severity
    """Whether it stops the build."""
    message: str
    """What is wrong, in one sentence."""
    path: Path | None = None
    """The file it is in (printed relative to the site root)."""
    line: int | None = None
    """1-based line in that file."""
    column: int | None = None
    """1-based column in that line."""
    hint: str | None = None
    """What to do about it."""


def format_diagnostic(diag: Diagnostic, root: Path | None = None, count: int = 1) -> str:
    """Return ``path:line:col: severity: message`` plus an indented ``hint:`` line."""
    location = ""
    if diag.path is not None:
        shown = diag.path
        if root is not None:
            try:
                shown = diag.path.relative_to(root)
            except ValueError:
                shown = diag.path
        location = shown.as_posix()
        if diag.line is not None:
            location += f":{diag.line}"
            if diag.column is not None:
                location += f":{diag.column}"
        location += ": "
    text = f"{location}{diag.severity}: {diag.message}"
    if count > 1:
        text += f" ({count} times)"
    if diag.hint:
        text += f"\n    hint: {diag.hint}"
    return text


@dataclass(slots=True)
class Diagnostics:
    """The one mutable collector passed explicitly down one build."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        """Record an error: the build will write nothing."""
        self.add("error", message, path=path, line=line, column=column, hint=hint)

    def warning(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        """Record a warning: the build carries on (fails under ``--strict``)."""
        self.add("warning", message, path=path, line=line, column=column, hint=hint)

    def add(self, severity: Severity, message: str, **where: Any) -> None:
        """Record a diagnostic of either severity."""
        self.items.append(Diagnostic(severity=severity, message=message, **where))

    def extend(self, diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> None:
        """Add diagnostics found elsewhere (a worker process, the cache)."""
        self.items.extend(diagnostics)

    @property
    def has_errors(self) -> bool:
        """Whether any error was recorded."""
        return any(d.severity == "error" for d in self.items)

    @property
    def error_count(self) -> int:
        """How many errors were recorded."""
        return sum(1 for d in self.items if d.severity == "error")

    @property
    def warning_count(self) -> int:
        """How many warnings were recorded."""
        return sum(1 for d in self.items if d.severity == "warning")

    def sorted(self) -> list[tuple[Diagnostic, int]]:
        """Return the diagnostics by path and line, identical ones folded with a count."""
        counts = Counter(self.items)
        unique = list(dict.fromkeys(self.items))
        unique.sort(
            key=lambda d: (
                d.path.as_posix() if d.path else "",
                d.line or 0,
                d.column or 0,
                d.severity,
            )
        )
        return [(d, counts[d]) for d in unique]


class BlogError(click.ClickException):
    """A fatal setup problem (no config, an unusable output folder): stops at once."""
