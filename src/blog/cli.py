"""The ``blog`` command line: parse flags, call the stages, print diagnostics, set the exit code."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from blog import __version__
from blog.build import BuildOptions, BuildResult, build
from blog.content import Inclusion
from blog.errors import Diagnostics, format_diagnostic

source_option = click.option(
    "-s",
    "--source",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The site folder (holding config.yaml).",
)


def inclusion_options(func: click.decorators.FC) -> click.decorators.FC:
    """Add Hugo's -D/-F/-E flags."""
    func = click.option(
        "-E", "--buildExpired", "expired", is_flag=True, help="Include expired pages."
    )(func)
    func = click.option(
        "-F", "--buildFuture", "future", is_flag=True, help="Include pages dated in the future."
    )(func)
    func = click.option("-D", "--buildDrafts", "drafts", is_flag=True, help="Include drafts.")(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="blog")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Print progress detail.")
@click.pass_context
def main(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    r"""Build and preview a Hugo-style blog.

    \b
    Examples:
      blog build                 build ./ into ./public
      blog build -D -b https://me.github.io/blog/
      blog serve                 preview on http://127.0.0.1:1313/ with live reload
    """
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO,
        format="%(message)s",
    )
    ctx.obj = {"quiet": quiet}


@main.command("build")
@source_option
@click.option(
    "-d",
    "--destination",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: public).",
)
@click.option("-b", "--base-url", "--baseURL", "base_url", help="Override the config's baseURL.")
@inclusion_options
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.pass_context
def build_command(
    ctx: click.Context,
    source: Path,
    destination: Path | None,
    base_url: str | None,
    drafts: bool,
    future: bool,
    expired: bool,
    strict: bool,
) -> None:
    r"""Build the site into public/ (or -d DIR).

    \b
    Examples:
      blog build
      blog build -s mysite -d /tmp/out -D -F
    """
    root = source.resolve()
    out = (
        (destination if destination.is_absolute() else Path.cwd() / destination)
        if destination
        else None
    )
    options = BuildOptions(
        out_dir=out,
        inclusion=Inclusion(drafts=drafts, future=future, expired=expired),
        base_url=base_url,
        strict=strict,
    )
    result = build(root, options)
    report(result, quiet=ctx.obj["quiet"], strict=strict)
    if not result.ok:
        ctx.exit(1)


def report(result: BuildResult, *, quiet: bool = False, strict: bool = False) -> None:
    """Print the diagnostics, then a one-line summary."""
    collected = Diagnostics(list(result.diagnostics))
    for diagnostic, count in collected.sorted():
        if quiet and diagnostic.severity == "warning":
            continue
        text = format_diagnostic(diagnostic, result.root, count)
        color = "red" if diagnostic.severity == "error" else "yellow"
        click.secho(text, fg=color, err=True)
    errors, warnings = collected.error_count, collected.warning_count
    if not result.ok:
        why = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        if strict and not errors:
            why += " (--strict)"
        click.secho(f"build failed: {why} (nothing written)", fg="red", err=True)
        return
    if quiet:
        return
    s = result.stats
    click.echo(
        f"built {s.pages} pages, {s.outputs} files ({s.written} written, {s.unchanged} unchanged, "
        f"{s.removed} removed) in {s.seconds:.2f}s, {warnings} warning{'s' * (warnings != 1)} "
        f"→ {_shown(result.out_dir)}"
    )


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix() + "/"
    except ValueError:
        return path.as_posix() + "/"
