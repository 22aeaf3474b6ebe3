"""Read ``content/``: walk it in sorted order, load every page, list the files to copy."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from blog.cache import BuildCache, digest
from blog.errors import Diagnostic, Diagnostics
from blog.model import Page, SourceFile
from blog.pages import LoadedPage, PageSettings
from blog.workers import render_pages

Progress = Callable[[str, int, int], None]
"""Told (stage, done, total) as a long build goes; the CLI shows it on a terminal."""

_TEMP_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", ".bak", "___jb_tmp___", "___jb_old___")


@dataclass(frozen=True, slots=True, kw_only=True)
class Inclusion:
    """Which unpublished pages a build includes (Hugo's ``-D``, ``-F``, ``-E``)."""

    drafts: bool = False
    """Include drafts."""
    future: bool = False
    """Include pages dated in the future."""
    expired: bool = False
    """Include expired pages."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Content:
    """Everything read from ``content/``."""

    pages: tuple[Page, ...]
    """Published regular pages."""
    branches: tuple[Page, ...]
    """``_index.md`` pages (section and home titles and text)."""
    files: tuple[SourceFile, ...]
    """Non-Markdown files to copy (bundle resources, images)."""
    excluded: tuple[tuple[Page, str], ...]
    """Pages left out, with the reason (draft, future, expired)."""
    skipped: tuple[tuple[PurePosixPath, str], ...] = ()
    """Content files not loaded as pages, with the reason."""


def is_ignored(name: str) -> bool:
    """Whether a file is a dotfile or an editor's temporary file."""
    return (
        name.startswith((".", "#"))
        or name.endswith(_TEMP_SUFFIXES)
        or name == "4913"
        or name.endswith(".md.tmp")
    )


def walk_content(content_dir: Path) -> list[Path]:
    """Return every file under ``content_dir`` in sorted order, skipping ignored names."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(content_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / f for f in sorted(filenames) if not is_ignored(f))
    return found


def unusable(path: Path) -> tuple[str, str] | None:
    """Return (severity, problem) for a file that cannot be used as content, else None.

    A FIFO, socket or device would block or mislead a read: it is skipped with a warning; a
    file that cannot even be looked at (a symlink loop, a dangling link) is an error.
    """
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return "error", f"cannot read file: {exc.strerror}"
    if not stat.S_ISREG(mode):
        return "warning", "not a regular file (a FIFO, socket or device): skipped"
    return None


def _read_one(
    path: Path, rel: PurePosixPath, cache: BuildCache, diag: Diagnostics
) -> tuple[str, LoadedPage | str, tuple[int, int]] | None:
    """Return (digest, cached page) or (digest, text to render); None when unreadable.

    A file whose size and modification time are those the cache saw is not read again.
    """
    try:
        info = path.stat()
        signature = (info.st_size, info.st_mtime_ns)
        known = cache.unchanged_source(rel, signature)
        if known is not None:
            return (*known, signature)
        data = path.read_bytes()
    except OSError as exc:
        diag.error(f"cannot read file: {exc.strerror}", path=path, hint="check its permissions")
        return None
    key = digest(data)
    cached = cache.get(rel, key)
    if cached is not None:
        cache.remember_signature(rel, signature)
        return key, cached, signature
    text = decode_source(path, data, diag)
    return None if text is None else (key, text, signature)


def decode_source(path: Path, data: bytes, diag: Diagnostics) -> str | None:
    """Decode a content file as UTF-8 text, reporting non-text files."""
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        diag.error(
            f"file is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            path=path,
            line=line,
            hint="save the file as UTF-8",
        )
        return None


def translation_language(rel: PurePosixPath) -> str | None:
    """Return the language of a Hugo translation file (``post.fr.md`` → ``fr``), else None."""
    parts = rel.name.split(".")
    if len(parts) == 3 and re.fullmatch(r"[a-z]{2}(-[a-z]{2})?", parts[1].lower()):
        return parts[1].lower()
    return None


def exclusion_reason(page: Page, now: datetime, inclusion: Inclusion) -> str | None:
    """Return why a page is left out of this build, or None when it is published."""
    if page.draft and not inclusion.drafts:
        return "draft (-D builds drafts)"
    publish = page.publish_date or page.date
    if publish is not None and publish > now and not inclusion.future:
        return f"future: appears at {describe_moment(publish)} (-F builds it now)"
    if page.expiry_date is not None and page.expiry_date <= now and not inclusion.expired:
        return f"expired at {describe_moment(page.expiry_date)} (-E builds it)"
    return None


def describe_moment(moment: datetime) -> str:
    """Return a date for people, naming the zone a date without an offset was read in."""
    text = moment.isoformat(sep=" ")
    if isinstance(moment.tzinfo, ZoneInfo):
        return f"{text} {moment.tzinfo.key} (written without an offset: the site's timeZone)"
    return text


def load_content(
    content_dir: Path,
    settings: PageSettings,
    diag: Diagnostics,
    *,
    now: datetime,
    inclusion: Inclusion,
    cache: BuildCache | None = None,
    ignore: tuple[str, ...] = (),
    progress: Progress | None = None,
) -> Content:
    """Load every page under ``content_dir``; problems go to ``diag``.

    ``ignore`` holds Hugo's ``ignoreFiles`` regular expressions, matched against the path.
    """
    cache = cache if cache is not None else BuildCache()
    found = _Found()
    patterns = [re.compile(p) for p in ignore]
    paths = walk_content(content_dir)
    markdown: list[tuple[PurePosixPath, str, LoadedPage | str, tuple[int, int]]] = []
    for done, path in enumerate(paths, start=1):
        if progress is not None:
            progress("reading", done, len(paths))
        rel = PurePosixPath(path.relative_to(content_dir).as_posix())
        problem = unusable(path)
        if any(p.search(rel.as_posix()) for p in patterns):
            found.skipped.append((rel, "matches ignoreFiles in the config"))
        elif problem is not None:
            severity, message = problem
            found.skipped.append((rel, message))
            hint = "fix or remove it" if severity == "error" else "remove it from content/"
            report = diag.error if severity == "error" else diag.warning
            report(message, path=path, hint=hint)
        elif path.suffix.lower() not in (".md", ".markdown"):
            found.files.append(SourceFile(source=path, output=rel))
        elif translation_language(rel) is not None:
            found.skipped.append((rel, "a translation: multilingual sites are not supported yet"))
            diag.warning(
                f"translation '{rel.name}' is not built: multilingual sites are not supported yet",
                path=path,
                hint="keep it; the default-language page is built",
            )
        else:
            found.seen.add(rel)
            read = _read_one(path, rel, cache, diag)
            if read is not None:
                markdown.append((rel, *read))
    jobs = [(rel, item, content_dir / rel) for rel, _, item, _ in markdown if isinstance(item, str)]
    rendered = iter(render_pages(jobs, settings))
    for rel, key, item, signature in markdown:
        loaded = item if isinstance(item, LoadedPage) else next(rendered)
        if not isinstance(item, LoadedPage):
            cache.put(rel, key, loaded)
            cache.remember_signature(rel, signature)
        _collect(loaded, diag)
        found.add(rel, loaded.page, now, inclusion)
    cache.forget_missing(found.seen)
    return Content(
        pages=tuple(found.pages),
        branches=tuple(found.branches),
        files=tuple(found.files),
        excluded=tuple(found.excluded),
        skipped=tuple(found.skipped),
    )


@dataclass(slots=True)
class _Found:
    """What the walk has sorted so far (one load_content call's working state)."""

    seen: set[PurePosixPath] = field(default_factory=set)
    pages: list[Page] = field(default_factory=list)
    branches: list[Page] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    excluded: list[tuple[Page, str]] = field(default_factory=list)
    skipped: list[tuple[PurePosixPath, str]] = field(default_factory=list)

    def add(
        self, rel: PurePosixPath, page: Page | None, now: datetime, inclusion: Inclusion
    ) -> None:
        if page is None:
            self.skipped.append((rel, "has errors (see above)"))
        elif rel.name == "_index.md":
            self.branches.append(page)
        elif (reason := exclusion_reason(page, now, inclusion)) is not None:
            self.excluded.append((page, reason))
        else:
            self.pages.append(page)


def _collect(loaded: LoadedPage, diag: Diagnostics) -> None:
    diagnostics: tuple[Diagnostic, ...] = loaded.diagnostics
    diag.extend(list(diagnostics))
