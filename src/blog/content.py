"""Read ``content/``: walk it in sorted order, load every page, list the files to copy."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import NamedTuple
from zoneinfo import ZoneInfo

from blog.bodies import BodyStore
from blog.cache import BuildCache, digest
from blog.errors import Diagnostic, Diagnostics, Severity
from blog.languages import ContentLanguages, looks_like_translation
from blog.model import Page, SourceFile
from blog.pages import LoadedPage, PageSettings
from blog.workers import PageRenderer

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


def unusable(path: Path) -> tuple[Severity, str] | None:
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
    languages: ContentLanguages | None = None,
    bodies: BodyStore | None = None,
    meanwhile: Callable[[], None] = lambda: None,
) -> Content:
    """Load every page under ``content_dir``; problems go to ``diag``.

    ``ignore`` holds Hugo's ``ignoreFiles`` regular expressions, matched against the path.
    ``languages`` says which file suffixes are languages (``post.fr.md``) and where each
    language's pages go; without it, the site has one language, ``en``. With ``bodies``,
    regular pages are light: their bodies are kept there (``bodies.py``). ``meanwhile`` is
    done while the pages render (in worker processes, when there are many).
    """
    cache = cache if cache is not None else BuildCache()
    languages = languages or ContentLanguages(
        default="en", prefixes={"en": "/"}, taxonomies={}, multilingual=False
    )
    found = _Found()
    patterns = [re.compile(p) for p in ignore]
    paths = walk_content(content_dir)
    markdown: list[_Markdown] = []
    put_aside = bodies.put_aside if bodies is not None else None
    with PageRenderer(settings, len(paths), bodies) as renderer:  # renders while the rest is read
        for done, path in enumerate(paths, start=1):
            if progress is not None:
                progress("reading", done, len(paths))
            rel = PurePosixPath(path.relative_to(content_dir).as_posix())
            if any(p.search(rel.as_posix()) for p in patterns):
                found.skipped.append((rel, "matches ignoreFiles in the config"))
            elif _report_unusable(path, rel, found, diag):
                continue
            elif path.suffix.lower() not in (".md", ".markdown"):
                found.files.append(SourceFile(source=path, output=rel))
            else:
                entry = _read_markdown(path, rel, languages, cache, found, diag)
                if entry is not None and isinstance(entry.item, str):
                    renderer.add((entry.source, entry.item, path))
                    entry = entry._replace(item="")  # the text went to the renderer
                if entry is not None:
                    markdown.append(entry)
        rendered = renderer.results(meanwhile)
    for entry, loaded in _with_rendered(markdown, rendered, cache, diag, put_aside):
        page = loaded.page and languages.localize(loaded.page, entry.lang)
        if page is not None and put_aside is not None:
            page = put_aside(page)  # a localized copy: made from the light page, whole
        found.add(entry.rel, page, now, inclusion)
    cache.forget_missing(found.seen)
    return Content(
        pages=tuple(found.pages),
        branches=tuple(found.branches),
        files=tuple(found.files),
        excluded=tuple(found.excluded),
        skipped=tuple(found.skipped),
    )


def _report_unusable(path: Path, rel: PurePosixPath, found: _Found, diag: Diagnostics) -> bool:
    """Report a file that cannot be content (see ``unusable``); True when it was one."""
    problem = unusable(path)
    if problem is None:
        return False
    severity, message = problem
    found.skipped.append((rel, message))
    hint = "fix or remove it" if severity == "error" else "remove it from content/"
    diag.add(severity, message, path=path, hint=hint)
    return True


class _Markdown(NamedTuple):
    """One Markdown file read: cached page or text to render."""

    rel: PurePosixPath
    """Path under ``content/``."""
    source: PurePosixPath
    """The same without its language suffix (what the page is loaded as)."""
    lang: str
    """Its language."""
    key: str
    """Digest of its bytes."""
    item: LoadedPage | str
    """The cached page, or the text to render."""
    signature: tuple[int, int]
    """Size and modification time when read."""


def _read_markdown(
    path: Path,
    rel: PurePosixPath,
    languages: ContentLanguages,
    cache: BuildCache,
    found: _Found,
    diag: Diagnostics,
) -> _Markdown | None:
    """Read one Markdown file; None when unreadable or a translation in no configured language.

    Hugo reads ``post.fr.md`` as the ``fr`` translation only when ``fr`` is a language of
    the site; we then skip it with a warning rather than publish a page named ``post.fr``.
    """
    source, lang = languages.split(rel)
    other = looks_like_translation(rel) if source == rel else None
    if other is not None:
        found.skipped.append((rel, f"a translation: '{other}' is not a configured language"))
        diag.warning(
            f"translation '{rel.name}' is not built: '{other}' is not in the config's languages",
            path=path,
            hint=f"add it, e.g. languages: {{{other}: {{weight: 2}}}}; the other page is built",
        )
        return None
    found.seen.add(rel)
    read = _read_one(path, rel, cache, diag)
    if read is not None and _stale_source(read[1], source):
        text = decode_source(path, path.read_bytes(), diag)
        read = None if text is None else (read[0], text, read[2])
    return None if read is None else _Markdown(rel, source, lang, *read)


def _with_rendered(
    markdown: list[_Markdown],
    rendered: list[LoadedPage],
    cache: BuildCache,
    diag: Diagnostics,
    put_aside: Callable[[Page], Page] | None = None,
) -> list[tuple[_Markdown, LoadedPage]]:
    """Pair each file with its page (cached, or rendered in order) and cache the new ones."""
    fresh = iter(rendered)
    done = []
    for entry in markdown:
        loaded = entry.item if isinstance(entry.item, LoadedPage) else next(fresh)
        if put_aside is not None and loaded.page is not None:
            light = put_aside(loaded.page)
            if light is not loaded.page:
                loaded = replace(loaded, page=light)
                if isinstance(entry.item, LoadedPage):  # a cache hit: held light there too
                    cache.keep_light(entry.rel, loaded)
        if not isinstance(entry.item, LoadedPage):
            cache.put(entry.rel, entry.key, loaded)
            cache.remember_signature(entry.rel, entry.signature)
        _collect(loaded, diag)
        done.append((entry, loaded))
    return done


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
        elif page.kind != "page":
            self.branches.append(page)
        elif (reason := exclusion_reason(page, now, inclusion)) is not None:
            self.excluded.append((page, reason))
        else:
            self.pages.append(page)


def _stale_source(item: LoadedPage | str, source: PurePosixPath) -> bool:
    """Whether a cached page was loaded under another path (the languages changed)."""
    return isinstance(item, LoadedPage) and item.page is not None and item.page.source != source


def _collect(loaded: LoadedPage, diag: Diagnostics) -> None:
    diagnostics: tuple[Diagnostic, ...] = loaded.diagnostics
    diag.extend(list(diagnostics))
