"""``blog new`` and ``blog list``: the commands a blogger types daily."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import click

from blog.commands.common import console, source_option, verbosity_options
from blog.config import load_config
from blog.errors import BlogError, Diagnostics
from blog.inventory import content_rows
from blog.scaffold import (
    content_path_for_title,
    new_content,
    new_site,
    requirements_line,
    title_for_path,
)


@click.command("new")
@click.argument("what")
@click.argument("name", required=False)
@source_option
@click.option("--section", default="posts", show_default=True, help="Section of a new post.")
@click.option("--force", is_flag=True, help="new site: write into a non-empty folder.")
@verbosity_options
@click.pass_context
def new_command(
    ctx: click.Context, what: str, name: str | None, source: Path, section: str, force: bool
) -> None:
    """Create a site, a post, or any content file (as `hugo new`).

    \b
    Examples:
      blog new site myblog          a working site: config, a post, the Pages workflow
      blog new post "Hello, World"  content/posts/hello-world.md, draft: true
      blog new notes/idea.md        content/notes/idea.md from archetypes/notes.md
    """  # noqa: D301 (click needs a real \b)
    out = console(ctx)
    now = datetime.now(UTC)
    if what == "site":
        if not name:
            raise click.UsageError("blog new site needs a folder: blog new site DIR")
        target = Path(name)
        new_site(target, force=force, now=now)
        out.echo(f"created a site in {target}/: cd {target} && blog serve")
        if "OWNER" in requirements_line():
            out.echo("edit requirements.txt to say where the Pages workflow installs blog from")
        return
    root = source.resolve()
    config = load_config(root, Diagnostics())
    if what == "post":
        if not name:
            raise click.UsageError('blog new post needs a title: blog new post "My Title"')
        rel, title = content_path_for_title(name, section), name
    elif name is None and what.endswith(".md"):
        rel = PurePosixPath(what.removeprefix("content/"))
        title = title_for_path(rel)
    else:
        raise click.UsageError(f"unknown kind {what!r}: use site, post or a path ending in .md")
    made = new_content(root, rel, title=title, timezone=config.timezone, now=now)
    out.echo(f"created {made.path.relative_to(root)} (draft: build or serve with -D to see it)")


@click.command("list")
@click.argument("which", type=click.Choice(["drafts", "future", "expired", "all"]))
@source_option
@verbosity_options
@click.pass_context
def list_command(ctx: click.Context, which: str, source: Path) -> None:
    """List content: drafts, future or expired pages, or all of them.

    \b
    Examples:
      blog list drafts
      blog list all -s mysite
    """  # noqa: D301 (click needs a real \b)
    out = console(ctx)
    root = source.resolve()
    rows, diag = content_rows(root, datetime.now(UTC))
    if diag.has_errors:
        out.diagnostics(diag.items, root)
        raise BlogError("cannot list the content while files have errors (see above)")
    wanted = {"drafts": "draft", "future": "future", "expired": "expired"}.get(which)
    shown = [r for r in rows if wanted is None or r.status == wanted]
    table = [("PATH", "TITLE", "DATE", "URL", "STATUS")]
    table += [(r.path, r.title, r.date, r.url, r.status) for r in shown]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        out.echo("  ".join([*cells, row[4]]).rstrip())
