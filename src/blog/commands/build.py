"""``blog build`` and ``blog check``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from blog.bodies import LIGHT_PAGES_FROM
from blog.build import BuildOptions, BuildResult, build
from blog.commands.common import (
    Console,
    F,
    console,
    inclusion_options,
    progress_line,
    source_option,
    verbosity_options,
)
from blog.content import Inclusion
from blog.inventory import explain


def destination_option(help_text: str) -> Callable[[F], F]:
    """Return Hugo's ``-d/--destination DIR``."""
    return click.option(
        "-d", "--destination", type=click.Path(file_okay=False, path_type=Path), help=help_text
    )


base_url_option = click.option(
    "-b", "--base-url", "--baseURL", "base_url", help="Override the config's baseURL."
)


@click.command("build")
@source_option
@destination_option("Output folder (default: public).")
@base_url_option
@inclusion_options
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--explain", is_flag=True, help="Say why each content file made no page.")
@click.option(
    "--no-cache", is_flag=True, help="Neither read nor write .cache/blog/ (every stage runs)."
)
@verbosity_options
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
    explain: bool,
    no_cache: bool,
) -> None:
    """Build the site into public/ (or -d DIR).

    public/ is replaced in one step, only when the build succeeds. Builds
    reuse .cache/blog/: nothing is redone when nothing changed, and an edit
    of existing posts' bodies only patches the last build, replacing just
    the files it changes in public/ (all or none, even if interrupted).

    \b
    Examples:
      blog build
      blog build -s mysite -d /tmp/out -D -F
      blog build -b https://me.github.io/blog/ --strict
      blog build --explain          why is my post missing?
    """  # noqa: D301 (click needs a real \b)
    out = console(ctx)
    progress = progress_line(out)
    options = BuildOptions(
        out_dir=destination.resolve() if destination else None,
        inclusion=Inclusion(drafts=drafts, future=future, expired=expired),
        base_url=base_url,
        strict=strict,
        progress=progress,
        use_cache=not no_cache,
        may_skip=not explain,
        light_pages_from=LIGHT_PAGES_FROM,
    )
    result = build(source.resolve(), options)
    progress.close()
    report(result, out, strict=strict)
    if explain:
        print_explanation(result, out)
    if not result.ok:
        ctx.exit(1)


def report(result: BuildResult, out: Console, *, strict: bool = False) -> None:
    """Print the diagnostics, then a one-line summary."""
    out.diagnostics(result.diagnostics, result.root)
    errors = sum(1 for d in result.diagnostics if d.severity == "error")
    warnings = len(result.diagnostics) - errors
    counted = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    if not result.ok:
        why = counted + (" (--strict)" if strict and not errors else "")
        out.echo(f"build failed: {why} (nothing written)", err=True, fg="red")
        return
    if out.quiet:
        return
    s = result.stats
    out.echo(
        f"built {s.pages} page{'s' * (s.pages != 1)}, {s.outputs} files ({s.written} written, "
        f"{s.unchanged} unchanged, {s.removed} removed) in {s.seconds:.2f}s, {warnings} "
        f"warning{'s' * (warnings != 1)} → {_shown(result.out_dir)}"
    )


def print_explanation(result: BuildResult, out: Console) -> None:
    """Print every content file that produced no page, and why."""
    lines = explain(result.content) if result.content else []
    out.echo(f"{len(lines)} content file{'s' * (len(lines) != 1)} made no page of their own:")
    for line in lines:
        out.echo(f"  {line}")


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix() + "/"
    except ValueError:
        return path.as_posix() + "/"


@click.command("check")
@source_option
@destination_option("The built site (default: public).")
@click.option("-b", "--base-url", "--baseURL", "base_url", help="The base URL it was built with.")
@click.option("--external", is_flag=True, help="Also check outbound http(s) links (cached 24 h).")
@verbosity_options
@click.pass_context
def check_command(
    ctx: click.Context, source: Path, destination: Path | None, base_url: str | None, external: bool
) -> None:
    """Check the built site: every internal link, image and #anchor resolves.

    \b
    Examples:
      blog build -b https://me.github.io/blog/ && blog check -b https://me.github.io/blog/
      blog check --external
    """  # noqa: D301 (click needs a real \b)
    from blog.check import run_check  # only this command needs the checker

    out = console(ctx)
    root = source.resolve()
    diagnostics = run_check(
        root, destination.resolve() if destination else None, base_url, external
    )
    out.diagnostics(diagnostics, root)
    errors = sum(1 for d in diagnostics if d.severity == "error")
    if errors:
        out.echo(f"check failed: {errors} broken reference(s)", err=True, fg="red")
        ctx.exit(1)
    if not out.quiet:
        out.echo("check passed: every internal link, image and #anchor resolves")
