"""Resolve the links written in Markdown. Pure.

``.md`` targets become page URLs, site paths get the base path, and links to missing pages or
anchors are reported with their line.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from blog.errors import Diagnostics
from blog.model import Link, Page
from blog.urls import rel_url


def resolve_links(pages: tuple[Page, ...], base_path: str, diag: Diagnostics) -> tuple[Page, ...]:
    """Return the pages with their Markdown links rewritten; report the broken ones."""
    by_source = {p.source.as_posix(): p for p in pages}
    by_url = {p.url: p for p in pages}
    return tuple(resolve_page(p, by_source, by_url, base_path, diag) for p in pages)


def resolve_page(
    page: Page,
    by_source: Mapping[str, Page],
    by_url: Mapping[str, Page],
    base_path: str,
    diag: Diagnostics,
) -> Page:
    """Return one page with its Markdown links rewritten (``by_*``: every page of the site)."""
    rewrites: dict[str, str] = {}
    for link in page.links:
        if link.target.startswith(_EXTERNAL):
            continue
        _check_link(link, page, by_source, by_url, diag)
        new = rewritten_target(link.target, page, by_source, base_path)
        if new is not None and new != link.target:
            rewrites[link.target] = new
    if not rewrites:
        return page
    return replace(
        page, html=_rewrite(page.html, rewrites), summary=_rewrite(page.summary, rewrites)
    )


_EXTERNAL = ("https://", "http://", "mailto:", "//")


def content_target(path: str, page: Page) -> str:
    """Return the ``content/``-relative file a ``.md`` link of ``page`` names."""
    folder = page.source.parent.as_posix()
    wanted = posixpath.normpath(path.lstrip("/") if path.startswith("/") else f"{folder}/{path}")
    return wanted.removeprefix("content/").lstrip("./")


def rewritten_target(
    target: str, page: Page, by_source: Mapping[str, Page], base_path: str
) -> str | None:
    """Return what the build writes for a Markdown link target, or None to keep it.

    ``.md`` files become their page's URL (with the fragment); site paths get the base path.
    """
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    if path.endswith((".md", ".markdown")):
        found = by_source.get(content_target(path, page))
        if found is None:
            return None
        fragment = f"#{quote(unquote(parts.fragment))}" if parts.fragment else ""
        return rel_url(found.url, base_path) + fragment
    if path.startswith("/") and base_path != "/" and not path.startswith(base_path):
        return rel_url(path, base_path) + (f"#{parts.fragment}" if parts.fragment else "")
    return None


def _check_link(
    link: Link,
    page: Page,
    by_source: Mapping[str, Page],
    by_url: Mapping[str, Page],
    diag: Diagnostics,
) -> None:
    """Warn about a link to a missing page or heading anchor, at its line."""
    parts = urlsplit(link.target)
    if parts.scheme or parts.netloc or not link.target:
        return
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    if not path:
        _check_anchor(link, page, fragment, page, diag)
    elif path.endswith((".md", ".markdown")):
        wanted = content_target(path, page)
        target = by_source.get(wanted)
        if target is None:
            diag.warning(
                f"link to a page that does not exist: {link.target}",
                path=page.file_path,
                line=link.line,
                hint=f"no published content/{wanted}; check the name (drafts need -D)",
            )
        else:
            _check_anchor(link, page, fragment, target, diag)
    elif path.startswith("/"):
        found = by_url.get(path if path.endswith("/") or "." in path else path + "/")
        if found is not None:
            _check_anchor(link, page, fragment, found, diag)


def fragment_targets(pages: tuple[Page, ...]) -> frozenset[PurePosixPath]:
    """Return the sources of the pages that another page links to with a ``#fragment``.

    (Their heading ids decide whether those links are reported broken.)
    """
    by_source = {p.source.as_posix(): p for p in pages}
    by_url = {p.url: p for p in pages}
    found: set[PurePosixPath] = set()
    for page in pages:
        for link in page.links:
            parts = urlsplit(link.target)
            if parts.scheme or parts.netloc or not parts.fragment or not parts.path:
                continue
            path = unquote(parts.path)
            if path.endswith((".md", ".markdown")):
                target = by_source.get(content_target(path, page))
            else:
                target = by_url.get(path if path.endswith("/") or "." in path else path + "/")
            if target is not None and target is not page:
                found.add(target.source)
    return frozenset(found)


def _check_anchor(link: Link, page: Page, fragment: str, target: Page, diag: Diagnostics) -> None:
    if not fragment or fragment in target.anchors or _is_generated_id(fragment):
        return
    where = "this page" if target is page else str(PurePosixPath("content") / target.source)
    diag.warning(
        f"link to a missing anchor: {link.target}",
        path=page.file_path,
        line=link.line,
        hint=f"{where} has no heading with id '{fragment}'",
    )


def _is_generated_id(fragment: str) -> bool:
    """Whether an id is made by the renderer or theme rather than a heading (footnotes, TOC)."""
    return bool(_GENERATED_ID.match(fragment))


_GENERATED_ID = re.compile(r"^(?:fn|fnref)\d+(?::\d+)?$|^(?:top|main|TableOfContents)$")


def _rewrite(html: str, rewrites: Mapping[str, str]) -> str:
    """Replace each rewritten target in ``href``/``src`` attributes."""
    pattern = re.compile(r'(\s(?:href|src)=")(' + "|".join(map(re.escape, rewrites)) + r')"')
    return pattern.sub(lambda m: f'{m.group(1)}{rewrites[m.group(2)]}"', html)
