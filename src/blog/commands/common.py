"""What every command shares: site options, verbosity, colour, diagnostics and progress."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click

from blog.errors import Diagnostic, Diagnostics, format_diagnostic

F = TypeVar("F", bound=Callable[..., Any])


def source_option(func: F) -> F:
    """Add ``-s/--source DIR`` (Hugo's flag): the site folder."""
    return click.option(
        "-s",
        "--source",
        type=click.Path(file_okay=False, path_type=Path),
        default=".",
        show_default=True,
        help="The site folder (holding config.yaml).",
    )(func)


def inclusion_options(func: F) -> F:
    """Add Hugo's -D/-F/-E flags."""
    func = click.option(
        "-E", "--buildExpired", "expired", is_flag=True, help="Include expired pages."
    )(func)
    func = click.option(
        "-F", "--buildFuture", "future", is_flag=True, help="Include pages dated in the future."
    )(func)
    return click.option("-D", "--buildDrafts", "drafts", is_flag=True, help="Include drafts.")(func)


def _set_quiet(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if value:
        console(ctx).quiet = True


def _set_verbose(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if value:
        console(ctx).verbose = True
        # Our own loggers only: markdown-it logs every block rule it tries at DEBUG.
        logging.getLogger("blog").setLevel(logging.DEBUG)


def verbosity_options(func: F) -> F:
    """Add -q/--quiet and -v/--verbose, accepted before or after the command name."""
    func = click.option(
        "-v", "--verbose", is_flag=True, expose_value=False, callback=_set_verbose,
        help="Print more detail.",
    )(func)  # fmt: skip
    return click.option(
        "-q", "--quiet", is_flag=True, expose_value=False, callback=_set_quiet,
        help="Print errors only.",
    )(func)  # fmt: skip


@dataclass(slots=True)
class Console:
    """How this run talks: quiet or verbose, in colour on a terminal unless NO_COLOR is set."""

    quiet: bool = False
    verbose: bool = False
    color: bool | None = field(
        default_factory=lambda: False if os.environ.get("NO_COLOR") else None
    )

    def echo(self, text: str, *, err: bool = False, fg: str | None = None) -> None:
        """Print a line (styled only where colour is on)."""
        click.secho(text, fg=fg, err=err, color=self.color)

    def diagnostics(self, items: Iterable[Diagnostic], root: Path) -> None:
        """Print diagnostics sorted by place, identical ones folded, warnings hidden if quiet."""
        for diagnostic, count in Diagnostics(list(items)).sorted():
            if self.quiet and diagnostic.severity == "warning":
                continue
            fg = "red" if diagnostic.severity == "error" else "yellow"
            self.echo(format_diagnostic(diagnostic, root, count), err=True, fg=fg)


def console(ctx: click.Context) -> Console:
    """Return the run's Console (made on first use)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Console):
        root.obj = Console()
    return root.obj


@dataclass(slots=True)
class ProgressLine:
    """A one-line progress display on a terminal, shown only once a build runs over 2 s."""

    enabled: bool
    started: float = field(default_factory=time.monotonic)
    shown: bool = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Redraw the line (at most every 1 % of the stage)."""
        if not self.enabled or time.monotonic() - self.started < 2.0:
            return
        if done != total and done % max(1, total // 100):
            return
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(f"\r{stage:9} [{bar}] {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        """End the line so the summary starts on its own."""
        if self.shown:
            sys.stderr.write("\n")


def progress_line(out: Console) -> ProgressLine:
    """Return a progress display for this run: on a terminal, unless quiet."""
    return ProgressLine(enabled=sys.stderr.isatty() and not out.quiet)
