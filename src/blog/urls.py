"""URL rules: slugs, permalinks, the base path, and where a URL lands on disk. Pure."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import quote, unquote, urlsplit

_PATH_PUNCT = frozenset("./\\_#+~-@")
_URL_SAFE = "/:#?&=+~@!$,;%()*'[]"


def _is_path_char(ch: str) -> bool:
    return ch in _PATH_PUNCT or unicodedata.category(ch)[0] in "LNM"


def urlize(text: str) -> str:
    r"""Return ``text`` as a URL path segment the way Hugo's ``urlize`` makes it.

    Letters, digits, marks and ``./\\_#+~-@`` stay; each run of spaces becomes one hyphen
    (none after an explicit one); everything else is dropped; the result is lower-cased.
    """
    out: list[str] = []
    pending_hyphen = was_hyphen = False
    for ch in text:
        if _is_path_char(ch):
            was_hyphen = ch == "-"
            if pending_hyphen and not was_hyphen:
                out.append("-")
            pending_hyphen = False
            out.append(ch)
        elif out and not was_hyphen and ch.isspace():
            pending_hyphen = True
    return "".join(out).lower()


@lru_cache(maxsize=4096)
def term_slug(name: str) -> str:
    """Return the URL segment of a taxonomy term as Hugo 0.168 makes it.

    Unlike page paths, every space becomes a hyphen (``AI & ML`` → ``ai--ml``) and other
    punctuation is dropped (``Rock 'n' Roll`` → ``rock-n-roll``); case is folded.
    """
    out = []
    for ch in name.strip():
        if ch.isspace():
            out.append("-")
        elif _is_path_char(ch):
            out.append(ch)
    return drop_dot_segments("".join(out).lower())


def drop_dot_segments(path: str) -> str:
    r"""Return ``path`` with backslashes as slashes and no ``.`` or ``..`` segment.

    Applied to URL parts made from user text (a tag named ``..``, a title ``..\x`` in a
    ``:title`` permalink), so no generated URL can climb out of its folder.
    """
    parts = path.replace("\\", "/").split("/")
    if not any(p in (".", "..") for p in parts) and "\\" not in path:
        return path
    return "/".join(p for p in parts if p not in (".", ".."))


def normalize_url(url: str) -> str:
    """Return a front-matter ``url`` or alias as a site-relative URL.

    ``/no-slash`` becomes ``/no-slash/``; a URL naming a file (``/page.html``) stays as is.
    """
    url = "/" + url.strip().lstrip("/")
    last = url.rsplit("/", 1)[-1]
    if last and "." not in last:
        url += "/"
    return url


def default_page_url(source: PurePosixPath, slug: str | None) -> str:
    """Return Hugo's default URL: the folder path, then the slug or the file name."""
    if source.name == "_index.md":
        parts = [urlize(p) for p in source.parent.parts]
        return "/" + "".join(p + "/" for p in parts if p)
    is_bundle = source.name == "index.md" and source.parent.parts
    folders = source.parent.parent.parts if is_bundle else source.parent.parts
    leaf = slug if slug is not None else base_name(source)
    parts = [urlize(p) for p in folders] + [urlize(leaf)]
    return "/" + "/".join(p for p in parts if p) + "/"


def base_name(source: PurePosixPath) -> str:
    """Return the file name without extension, or the folder name of a bundle."""
    if source.stem in ("index", "_index") and source.parent.parts:
        return source.parent.name
    return source.stem


def expand_permalink(
    pattern: str,
    *,
    source: PurePosixPath,
    section: str,
    title: str,
    slug: str | None,
    date: datetime | None,
) -> str:
    """Expand a Hugo permalink pattern (``/:year/:month/:slug/``) for one page."""
    base = base_name(source)
    tokens = {
        "year": f"{date.year:04d}" if date else "",
        "month": f"{date.month:02d}" if date else "",
        "monthname": date.strftime("%B").lower() if date else "",
        "day": f"{date.day:02d}" if date else "",
        "weekday": str(date.isoweekday() % 7) if date else "",
        "weekdayname": date.strftime("%A").lower() if date else "",
        "yearday": str(date.timetuple().tm_yday) if date else "",
        "section": urlize(section),
        "sections": "/".join(urlize(p) for p in source.parent.parts),
        "title": urlize(title),
        "slug": urlize(slug if slug else title),
        "filename": urlize(base),
        "contentbasename": urlize(base),
        "slugorfilename": urlize(slug if slug else base),
        "slugorcontentbasename": urlize(slug if slug else base),
    }
    out = []
    for segment in pattern.split("/"):
        if segment.startswith(":") and segment[1:].lower() in tokens:
            out.append(drop_dot_segments(tokens[segment[1:].lower()]))
        else:
            out.append(segment)
    url = "/".join(out)
    while "//" in url:
        url = url.replace("//", "/")
    return normalize_url(url)


def pager_url(list_url: str, number: int) -> str:
    """Return the URL of pager ``number`` of the list at ``list_url`` (Hugo's scheme)."""
    return list_url if number == 1 else f"{list_url}page/{number}/"


# Memo size of output_path, called for every page, pager, term and output of every build.
# 32,768 entries hold every URL of a 10,000-post site (about 15,000 with pagers and terms)
# with room to spare; an LRU smaller than one build's URLs would miss on every call. An
# entry costs about 400 bytes (path object, key and cache node): under about 13 MB.
_URL_MEMO_SIZE = 1 << 15
# rel_url and abs_url are called from templates in every process that renders, and fill
# their memos there (6 MB each at 10,000 posts, in each process). Their work is a quote():
# a smaller memo keeping the URLs every page shows (menus, tags) costs 1% more CPU at
# 10,000 posts and 10 MiB less memory.
_TEMPLATE_URL_MEMO_SIZE = 1 << 12


@lru_cache(maxsize=_URL_MEMO_SIZE)
def output_path(url: str) -> PurePosixPath:
    """Return where a site-relative URL is written, relative to the output folder."""
    rel = url.lstrip("/")
    if not rel or rel.endswith("/"):
        return PurePosixPath(rel) / "index.html"
    return PurePosixPath(rel)


def is_safe_output(path: PurePosixPath) -> bool:
    """Whether ``path`` stays inside the output folder (no ``..``, no absolute, no backslash)."""
    text = path.as_posix()
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in text
        and "\x00" not in text
        and not (len(path.parts) > 0 and ":" in path.parts[0])
    )


def shown_path(value: str) -> str:
    r"""Quote a user's path for a message, control characters escaped (``'/a\x00'``)."""
    text = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in value)
    return f"'{text}'"


def path_problem(value: str, *, segment: bool = False) -> str | None:
    """Say why a ``url``, alias, slug or permalink could leave the site, or None when it is safe.

    Percent-encoded characters are decoded first, since a web server decodes them too
    (``%2e%2e`` is ``..``, ``%2f`` a slash). ``segment`` is for slugs, where ``.`` is no name.
    """
    decoded = unquote(value)
    if any(unicodedata.category(ch) == "Cc" for ch in value + decoded):
        return "has a control character"
    if "\\" in decoded:
        return "has a backslash (URLs use forward slashes)"
    if not segment and (decoded.startswith("//") or _scheme(decoded)):
        return "is not a path on this site"
    parts = decoded.split("/")
    if ".." in parts:
        return "has a '..' segment, which would leave its folder"
    if segment and "." in parts:
        return "has a '.' segment, which names no page"
    return None


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme
    except ValueError:  # e.g. an unclosed "[" in what looks like a host
        return "?"


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _is_absolute(url: str) -> bool:
    """Whether a URL names a scheme or a host (``https:``, ``mailto:``, ``//host``)."""
    return url.startswith("//") or (not url.startswith("/") and bool(_SCHEME.match(url)))


# typed: a str subclass (a template's Markup) is returned as is for an absolute URL, so it
# must not share an entry with the plain string of the same text.
@lru_cache(maxsize=_TEMPLATE_URL_MEMO_SIZE, typed=True)
def rel_url(url: str, base_path: str) -> str:
    """Return a site-relative URL under the base path, percent-encoded (Hugo's RelPermalink)."""
    if url.startswith("#") or _is_absolute(url):
        return url
    joined = base_path.rstrip("/") + "/" + url.lstrip("/")
    return quote(joined, safe=_URL_SAFE)


@lru_cache(maxsize=8)
def _origin_and_path(base_url: str) -> tuple[str, str]:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}", parts.path or "/"


@lru_cache(maxsize=_TEMPLATE_URL_MEMO_SIZE, typed=True)
def abs_url(url: str, base_url: str) -> str:
    """Return an absolute URL for a site-relative one (Hugo's Permalink)."""
    if _is_absolute(url):
        return url
    origin, path = _origin_and_path(base_url)
    return origin + rel_url(url, path)
