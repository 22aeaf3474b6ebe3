"""What the content folder holds, and why each file is or is not published.

Used by ``blog list`` and ``blog build --explain``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from blog.build import page_settings
from blog.config import load_config
from blog.content import Content, Inclusion, exclusion_reason, load_content
from blog.errors import Diagnostics
from blog.languages import content_languages
from blog.model import Page

Status = Literal["published", "draft", "future", "expired"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    """One content file in ``blog list``."""

    path: str
    """Path relative to the site root."""
    title: str
    """Page title."""
    date: str
    """Date as written in the site's zone, or empty."""
    url: str
    """Site-relative URL."""
    status: Status
    """Why it is or is not in a default build."""


def content_rows(root: Path, now: datetime) -> tuple[list[Row], Diagnostics]:
    """Return every page of the site with its status in a default build (drafts etc. read)."""
    diag = Diagnostics()
    config = load_config(root, diag)
    everything = Inclusion(drafts=True, future=True, expired=True)
    content = load_content(
        config.content_dir, page_settings(config), diag, now=now, inclusion=everything,
        ignore=config.ignore_files, languages=content_languages(config),
    )  # fmt: skip
    rows = []
    for page in content.pages:
        rows.append(
            Row(
                path=f"content/{page.source}",
                title=page.title,
                date=page.date.isoformat(sep=" ") if page.date else "",
                url=page.url,
                status=status_of(page, now),
            )
        )
    rows.sort(key=lambda r: (r.date == "", r.date, r.path))
    return rows, diag


def status_of(page: Page, now: datetime) -> Status:
    """Return why a page is or is not in a default build."""
    if exclusion_reason(page, now, Inclusion()) is None:
        return "published"
    if page.draft:
        return "draft"
    if exclusion_reason(page, now, Inclusion(drafts=True, future=True)) is None:
        return "future"
    return "expired"


def explain(content: Content) -> list[str]:
    """Return one line per content file that produced no page of its own, with the reason."""
    lines = [f"content/{page.source}: {reason}" for page, reason in content.excluded]
    lines += [f"content/{rel}: {reason}" for rel, reason in content.skipped]
    lines += [
        f"content/{page.source}: build.render is never (listed, but no page of its own)"
        for page in content.pages
        if not page.is_rendered
    ]
    return sorted(lines)
