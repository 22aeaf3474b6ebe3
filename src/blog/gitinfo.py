"""Last-modified dates from git, for sites that set Hugo's ``enableGitInfo: true``.

One ``git log`` over the whole content folder gives every file's last commit, however many
files there are. As in Hugo, the date is the commit's *author* date, and it comes first in
Hugo's default ``frontmatter.lastmod`` order (``[":git", "lastmod", "modified", "date", …]``):
a file with a commit takes its git date even when its front matter sets ``lastmod``; a file
git does not know (not committed yet) keeps its front matter value.

Without git, or outside a repository, a single warning is given and the build goes on.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path, PurePosixPath

from blog.errors import Diagnostics
from blog.model import Page

_COMMIT = "\x01"
_TIMEOUT = 120


def git_lastmods(content_dir: Path, diag: Diagnostics) -> dict[Path, datetime]:
    """Return each file's last commit (author) date, keyed by ``content_dir / relative path``.

    That is how ``Page.file_path`` is made, so translations (whose ``source`` drops the
    language) are found too. Problems (no git, not a repository) are one warning; the result
    is then empty.
    """
    output = _git(content_dir, diag, "log", "-z", "--name-only", "--no-merges", "--relative",
                  f"--format={_COMMIT}%aI", "--", ".")  # fmt: skip
    if output is None:
        return {}
    return {content_dir / rel: when for rel, when in parse_log(output).items()}


def parse_log(output: str) -> dict[PurePosixPath, datetime]:
    """Parse ``git log -z --name-only --format=<SOH>%aI`` output (newest commit first)."""
    dates: dict[PurePosixPath, datetime] = {}
    when: datetime | None = None
    for field in output.split("\0"):
        field = field.lstrip("\n")
        if field.startswith(_COMMIT):
            when = datetime.fromisoformat(field[1:].strip())
        elif field and when is not None:
            dates.setdefault(PurePosixPath(field), when)
    return dates


def git_head(folder: Path) -> str | None:
    """Return the commit checked out in ``folder``'s repository, or None (for cache keys)."""
    output = _git(folder, None, "rev-parse", "HEAD")
    return None if output is None else output.strip()


def with_git_lastmod(pages: tuple[Page, ...], dates: Mapping[Path, datetime]) -> tuple[Page, ...]:
    """Return the pages with ``lastmod`` set to their git date where git has one."""
    if not dates:
        return pages
    return tuple(
        replace(page, lastmod=dates[page.file_path]) if page.file_path in dates else page
        for page in pages
    )


def _git(folder: Path, diag: Diagnostics | None, *args: str) -> str | None:
    """Run one git command in ``folder``; on failure warn (when ``diag`` is given), None."""
    command = ["git", "-c", "core.quotepath=false", "-C", str(folder), *args]
    try:
        done = subprocess.run(
            command, capture_output=True, check=False, timeout=_TIMEOUT, encoding="utf-8",
            errors="surrogateescape",
        )  # fmt: skip
    except FileNotFoundError:
        problem = "git is not installed"
    except (OSError, subprocess.TimeoutExpired) as exc:
        problem = f"git could not run: {exc}"
    else:
        if done.returncode == 0:
            return done.stdout
        detail = done.stderr.strip().splitlines()
        problem = (
            f"{folder.name}/ is not in a git repository"
            if "not a git repository" in done.stderr
            else f"git log failed: {detail[-1] if detail else f'exit status {done.returncode}'}"
        )
    if diag is not None:
        diag.warning(
            f"enableGitInfo: {problem}; lastmod dates come from front matter",
            hint="commit the site to git (and in CI check out its full history, "
            "fetch-depth: 0), or set enableGitInfo: false",
        )
    return None
