"""Find the Markdown line that wrote a reference in a built page (for ``blog check``)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from blog.links import rewritten_target
from blog.model import Page
from blog.urls import output_path

Origin = tuple[Path, int]
"""A Markdown file and the line in it that wrote a link."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceIndex:
    """The pages of the site, to find which Markdown line wrote a reference."""

    pages: Mapping[PurePosixPath, Page]
    """Output file → the page written there."""
    by_source: Mapping[str, Page]
    """Path under ``content/`` → page (to resolve ``.md`` links as the build does)."""
    base_path: str
    """The base path the build put in front of site paths."""

    def origins(self, file: PurePosixPath, url: str) -> tuple[Origin, ...]:
        """Return the Markdown lines that wrote ``ref``; nothing when the theme wrote it.

        The output file's own page is searched first, then the pages whose summary (shown on
        list pages) holds the reference. A reference in raw HTML (or a shortcode) is no Markdown
        link: it is found by its text in the page's source.
        """
        own = self.pages.get(file)
        others = [page for page in self.pages.values() if page is not own and page.summary]
        for page in [own, *others] if own else others:
            found = self._lines(page, url, is_own=page is own)
            if found:
                return found
        return ()

    def _lines(self, page: Page, url: str, *, is_own: bool) -> tuple[Origin, ...]:
        shown = page.html if is_own else page.summary  # escaped as in the output
        found = tuple(
            (page.file_path, link.line)
            for link in page.links
            if html.escape(link.target, quote=False) in shown
            and url in _written_forms(link.target, page, self.by_source, self.base_path)
        )
        escaped = html.escape(url, quote=False)
        if found or not (is_own or escaped in shown):
            return found
        line = _line_holding(page.file_path, (url, escaped))
        return ((page.file_path, line),) if line else ()


def _line_holding(path: Path, texts: tuple[str, ...]) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, line in enumerate(lines, 1) if any(t in line for t in texts)), None)


def index_sources(source_map: Mapping[str, Page], base_path: str) -> SourceIndex:
    """Return the index of ``source_map`` (site-relative URL → page)."""
    return SourceIndex(
        pages={output_path(url): page for url, page in source_map.items()},
        by_source={page.source.as_posix(): page for page in source_map.values()},
        base_path=base_path,
    )


def _written_forms(
    target: str, page: Page, by_source: Mapping[str, Page], base_path: str
) -> tuple[str, ...]:
    """Return a Markdown link target as written and as the build rewrote it."""
    rewritten = rewritten_target(target, page, by_source, base_path)
    return (target,) if rewritten is None else (target, rewritten)
