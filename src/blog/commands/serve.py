"""``blog serve``: the live preview."""

from __future__ import annotations

from pathlib import Path

import click

from blog.commands.build import report
from blog.commands.common import console, inclusion_options, source_option, verbosity_options
from blog.content import Inclusion


@click.command("serve")
@source_option
@inclusion_options
@click.option("--bind", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "-p", "--port", default=1313, show_default=True, type=click.IntRange(0, 65535), help="Port."
)
@click.option("--poll", is_flag=True, help="Poll for changes (network drives, containers).")
@click.option("--navigate", is_flag=True, help="Show the page whose source you just edited.")
@click.option("--theme-dev", is_flag=True, help="Also watch the packaged theme.")
@verbosity_options
@click.pass_context
def serve_command(
    ctx: click.Context,
    source: Path,
    drafts: bool,
    future: bool,
    expired: bool,
    bind: str,
    port: int,
    poll: bool,
    navigate: bool,
    theme_dev: bool,
) -> None:
    """Preview the site with live reload; rebuild on every change.

    An edit of a post's body is patched into the last build (only what shows
    it is rendered again); anything else rebuilds the whole site.

    \b
    Examples:
      blog serve                 http://127.0.0.1:1313/<base path of baseURL>
      blog serve -D --navigate --port 8080
    """  # noqa: D301 (click needs a real \b, not a backslash)
    from blog.serve import DevServer, ServeOptions  # only this command needs the server

    out = console(ctx)
    options = ServeOptions(
        bind=bind,
        port=port,
        inclusion=Inclusion(drafts=drafts, future=future, expired=expired),
        poll=poll,
        navigate=navigate,
        theme_dev=theme_dev,
    )
    server = DevServer(source.resolve(), options, report=lambda result: report(result, out))
    out.echo(f"serving {server.url} (Ctrl-C to stop)")
    server.run()
