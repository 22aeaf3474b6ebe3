"""The ``blog`` command line: the group, its commands (one module each), and the exit code."""

from __future__ import annotations

import logging
import os
import sys

import click

from blog import __version__
from blog.commands.build import build_command, check_command
from blog.commands.common import verbosity_options
from blog.commands.content import list_command, new_command
from blog.commands.serve import serve_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="blog")
@verbosity_options
def main() -> None:
    """Build, preview, check and publish a Hugo-style blog.

    \b
    Examples:
      blog new site myblog       start a site (config, a post, the Pages workflow)
      blog new post "Hello"      a draft post from the archetype
      blog serve -D              preview with live reload on http://127.0.0.1:1313/
      blog build                 build ./ into ./public
      blog check                 every internal link, image and #anchor resolves
      blog list drafts           what is not published yet, and why

    Shell completion: eval "$(_BLOG_COMPLETE=bash_source blog)" (zsh_source, fish_source).
    """  # noqa: D301 (click needs a real \b)
    logging.basicConfig(level=logging.INFO, format="%(message)s")


for command in (build_command, serve_command, check_command, new_command, list_command):
    main.add_command(command)


def run() -> None:
    """Run ``blog`` as a program: ``main``, then exit without tearing the heap down.

    A build leaves every page, summary and compiled template of the site in memory, and the
    interpreter frees them object by object at exit: 0.04 s after a 1,000-post build, time the
    user waits for nothing. Every file is closed by then (outputs, cache, manifest), so the
    output streams are flushed and the process ends at once. ``python -m blog`` and tests
    calling ``main`` keep Python's normal exit.
    """
    try:
        main()
        code: int = 0
    except SystemExit as done:
        if isinstance(done.code, str):
            sys.stderr.write(f"{done.code}\n")
        code = done.code if isinstance(done.code, int) else int(done.code is not None)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nobody reads the rest
            code = code or 1
    os._exit(code)
