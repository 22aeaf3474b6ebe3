"""Validate parsed front matter into typed page metadata, reading values the way Hugo does.

A value of the wrong type is a warning with a did-you-mean and is read as Hugo would read it
(``ShowToc: tru`` is truthy); a value that cannot be read at all (an impossible date, a title
that is a list) is an error. Every diagnostic points at the key's line in the file.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from blog.dates import to_datetime
from blog.errors import Diagnostic, Diagnostics
from blog.front_matter import FrontMatter
from blog.urls import path_problem, shown_path, term_slug

# Hugo's draft, then the PaperMod theme's page switches (read with `if .Params.X`).
BOOLEAN_KEYS: frozenset[str] = frozenset(
    """draft ShowToc TocOpen ShowReadingTime ShowBreadCrumbs ShowPostNavLinks ShowCodeCopyButtons
    ShowWordCount ShowShareButtons ShowRssButtonInSectionTermList hideSummary searchHidden
    hidemeta comments disableShare UseHugoToc math
    cover.hidden cover.hiddenInList cover.hiddenInSingle cover.relative""".lower().split()
)
"""Front-matter keys whose value is a boolean, lower-cased; ``a.b`` is key ``b`` under ``a``."""

# Each date field and the keys Hugo reads it from, in order of preference.
_DATE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "date": ("date",),
    "lastmod": ("lastmod", "modified"),
    "publish_date": ("publishdate", "pubdate", "published"),
    "expiry_date": ("expirydate", "unpublishdate"),
}
_DATE_HINT = (
    "write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, optionally with an offset such as Z or +01:00 "
    '(e.g. "2019-12-01T10:30:00+01:00"); without one the site\'s timeZone applies'
)
_FALSE_WORDS = frozenset({"", "false", "no", "off", "0"})
_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
_TEXT_KEYS = ("slug", "url", "summary", "description", "layout", "type")
_RENDER_CHOICES: Mapping[str, bool] = {"always": True, "never": False, "link": False}
_LIST_CHOICES: Mapping[str, bool] = {"always": True, "never": False, "local": True}


@dataclass(frozen=True, slots=True, kw_only=True)
class PageMeta:
    """A page's front matter, validated and typed."""

    title: str | None
    """The title; None when not given (the caller falls back to the first heading)."""
    date: datetime | None
    """``date``, timezone-aware."""
    lastmod: datetime | None
    """``lastmod`` (or ``modified``), timezone-aware; no fallback to ``date``."""
    publish_date: datetime | None
    """``publishDate`` (or ``pubdate``, ``published``), timezone-aware."""
    expiry_date: datetime | None
    """``expiryDate`` (or ``unpublishdate``), timezone-aware."""
    draft: bool
    """Whether the page is a draft."""
    slug: str | None
    """Overrides the last URL segment."""
    url: str | None
    """Overrides the whole URL."""
    aliases: tuple[str, ...]
    """Old URLs that redirect here."""
    summary: str | None
    """Overrides the computed summary."""
    description: str | None
    """The page description (meta tags, lists)."""
    weight: int
    """Orders undated pages; 0 when not given."""
    layout: str | None
    """Hugo's template override."""
    type: str | None = None
    """Hugo's content type override (template lookup)."""
    build_render: bool = True
    """Hugo ``build.render``: False for ``never`` (and ``link``) writes no page."""
    build_list: bool = True
    """Hugo ``build.list``: False for ``never`` keeps the page out of lists."""
    terms: Mapping[str, tuple[str, ...]]
    """Taxonomy plural name -> the page's terms as written (every configured taxonomy)."""
    params: Mapping[str, Any]
    """Every front-matter value by lower-cased key, known keys normalized, ``params:`` merged."""


@dataclass(frozen=True, slots=True)
class _Source:
    """What the readers share: the front matter, where it is, and the collector."""

    fm: FrontMatter
    path: Path
    zone: ZoneInfo
    diag: Diagnostics


def read_meta(
    fm: FrontMatter, *, path: Path, timezone: str, taxonomies: Sequence[str]
) -> tuple[PageMeta, tuple[Diagnostic, ...]]:
    """Validate ``fm`` into a `PageMeta`; dates without an offset get ``timezone``."""
    src = _Source(fm=fm, path=path, zone=ZoneInfo(timezone), diag=Diagnostics())
    params = _read_params(src)
    dates = _read_dates(src)
    terms = {name: _read_terms(src, name) for name in taxonomies}
    texts = {key: _read_text(src, key) for key in ("title", *_TEXT_KEYS)}
    aliases, weight = _read_aliases(src), _read_weight(src)
    _check_paths(src, texts, aliases)
    build_render, build_list = _read_build(src)
    normalized: dict[str, Any] = {**dates, **{k.lower(): v for k, v in terms.items()}}
    normalized |= {k: v for k, v in texts.items() if v is not None}
    normalized |= {"aliases": aliases, "weight": weight}
    params |= {key: value for key, value in normalized.items() if key in fm.values}
    meta = PageMeta(
        title=texts["title"],
        date=_pick(dates, "date"),
        lastmod=_pick(dates, "lastmod"),
        publish_date=_pick(dates, "publish_date"),
        expiry_date=_pick(dates, "expiry_date"),
        draft=bool(params["draft"]) if "draft" in fm.values else False,
        slug=texts["slug"],
        url=texts["url"],
        aliases=aliases,
        summary=texts["summary"],
        description=texts["description"],
        weight=weight,
        layout=texts["layout"],
        type=texts["type"],
        build_render=build_render,
        build_list=build_list,
        terms=terms,
        params=params,
    )
    return meta, tuple(src.diag.items)


def _pick(dates: Mapping[str, datetime], field: str) -> datetime | None:
    """Return the first valid date among the keys Hugo reads ``field`` from."""
    return next((dates[key] for key in _DATE_FIELDS[field] if key in dates), None)


def _report(
    src: _Source, severity: Literal["error", "warning"], key: str, message: str, hint: str
) -> None:
    """Record a diagnostic at the line of top-level key ``key`` (lower-cased)."""
    record = src.diag.error if severity == "error" else src.diag.warning
    record(message, path=src.path, line=src.fm.key_lines.get(key), hint=hint)


def _name(src: _Source, key: str) -> str:
    return src.fm.key_names.get(key, key)


def _example(src: _Source, name: str, literal: str) -> str:
    """Show ``name`` set to ``literal`` in the page's front-matter syntax."""
    if src.fm.format == "toml":
        return f"{name} = {literal}"
    if src.fm.format == "json":
        return f'"{name}": {literal}'
    return f"{name}: {literal}"


def _show(value: object) -> str:
    """Render a value for a message, the way the user wrote it."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple | Mapping):
        try:
            text = json.dumps(value, default=str, ensure_ascii=False)
        except (TypeError, ValueError):
            text = str(value)
        return text if len(text) <= 60 else text[:57] + "..."
    return _plain(value)


def _plain(value: object) -> str:
    """Read a scalar as text, as Hugo does (``true``, ``2024-02-02``, ``3``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _read_params(src: _Source) -> dict[str, Any]:
    """Return all values plus a ``params:`` mapping's keys, with booleans normalized."""
    params = dict(src.fm.values)
    # Where each key is reported: (top-level key for the line, name shown in messages).
    where = {key: (key, _name(src, key)) for key in params}
    nested = params.get("params")
    if isinstance(nested, Mapping):
        for name, value in nested.items():
            key = str(name).lower()
            if key not in params:
                params[key] = value
                where[key] = ("params", f"{_name(src, 'params')}.{name}")
    for key, value in params.items():
        line_key, shown = where[key]
        if key in BOOLEAN_KEYS:
            params[key] = _to_bool(src, value, line_key, shown)
        elif isinstance(value, Mapping) and any(b.startswith(f"{key}.") for b in BOOLEAN_KEYS):
            params[key] = {
                name: _to_bool(src, item, line_key, f"{shown}.{name}")
                if f"{key}.{str(name).lower()}" in BOOLEAN_KEYS
                else item
                for name, item in value.items()
            }
    return params


def _to_bool(src: _Source, value: object, line_key: str, shown: str) -> bool:
    """Read ``value`` as a boolean; anything but true/false is a warning.

    A string is true unless it reads false/no/off/0 or is empty, the way a template's ``if``
    treats a non-empty string.
    """
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    word = value.strip().lower() if isinstance(value, str) else None
    result = word not in _FALSE_WORDS if word is not None else bool(value)
    guess = "true" if result else "false"
    if word is not None and word not in _TRUE_WORDS | _FALSE_WORDS:
        guess = next(iter(difflib.get_close_matches(word, ["true", "false"], 1, 0.6)), guess)
    hint = f"write {guess} without quotes" if word == guess else f"did you mean {guess}?"
    _report(src, "warning", line_key, f"'{shown}' is not a boolean: {_show(value)}", hint)
    return result


def _read_dates(src: _Source) -> dict[str, datetime]:
    """Return every date key that holds a valid date; each invalid one is an error."""
    found: dict[str, datetime] = {}
    for keys in _DATE_FIELDS.values():
        for key in keys:
            value = src.fm.values.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            when = to_datetime(value, src.zone)
            if when is None:
                message = f"{_name(src, key)} is not a valid date: {_show(value)}"
                _report(src, "error", key, message, _DATE_HINT)
            else:
                found[key] = when
    return found


def _read_text(src: _Source, key: str) -> str | None:
    """Read a string key; a scalar of another type is read as text with a warning."""
    value = src.fm.values.get(key)
    if value is None or isinstance(value, str):
        return value
    name = _name(src, key)
    if isinstance(value, list | tuple | Mapping):
        severity: Literal["error", "warning"] = "error" if key == "title" else "warning"
        message = f"'{name}' is not text: {_show(value)}"
        _report(src, severity, key, message, "write one string, e.g. " + _example(src, name, '"…"'))
        return None
    text = _plain(value)
    hint = f"put it in quotes: {_example(src, name, json.dumps(text, ensure_ascii=False))}"
    _report(src, "warning", key, f"'{name}' is not text: {_show(value)}", hint)
    return text


def _read_aliases(src: _Source) -> tuple[str, ...]:
    """Read ``aliases``: a list of URL paths, or one as a string."""
    value = src.fm.values.get("aliases")
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    name = _name(src, "aliases")
    hint = "write a list of paths, e.g. " + _example(src, name, '["/old/url/"]')
    if not isinstance(value, list | tuple):
        _report(src, "warning", "aliases", f"'{name}' is not a list: {_show(value)}", hint)
        return ()
    if not all(isinstance(item, str) for item in value):
        message = f"'{name}' holds something that is not a path: {_show(value)}"
        _report(src, "warning", "aliases", message, hint)
    return tuple(item for item in value if isinstance(item, str))


_PATH_HINTS: Mapping[str, str] = {
    "slug": "a slug is the last part of the page's URL, e.g. slug: my-post",
    "url": "write the page's path from the site root, e.g. url: /posts/my-post/",
    "aliases": "write old paths on this site, e.g. aliases: [/old/url/]",
}


def _check_paths(src: _Source, texts: dict[str, str | None], aliases: tuple[str, ...]) -> None:
    """Report a slug, url or alias that could put a file outside the output folder."""
    found = [(key, texts[key]) for key in ("slug", "url")] + [("aliases", a) for a in aliases]
    for key, value in found:
        if value is None:
            continue
        problem = path_problem(value, segment=key == "slug")
        if problem is not None:
            what = "alias" if key == "aliases" else _name(src, key)
            message = f"{what} {shown_path(value)} {problem}"
            _report(src, "error", key, message, _PATH_HINTS[key])


def _read_weight(src: _Source) -> int:
    """Read ``weight``; anything but a whole number is a warning (a numeral is still read)."""
    value = src.fm.values.get("weight")
    if value is None:
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    is_whole = isinstance(value, float) and value.is_integer()
    is_numeral = isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value)
    number = int(value) if is_whole or is_numeral else 0
    name = _name(src, "weight")
    message = f"'{name}' is not a whole number: {_show(value)}"
    hint = f"write e.g. {_example(src, name, str(number or 1))}"
    _report(src, "warning", "weight", message, hint)
    return number


def _read_terms(src: _Source, taxonomy: str) -> tuple[str, ...]:
    """Read a taxonomy key (``tags``): a list of terms, or one term as a string."""
    key = taxonomy.lower()
    value = src.fm.values.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    name = _name(src, key)
    hint = "write a list of strings, e.g. " + _example(src, name, '["go", "web"]')
    if not isinstance(value, list | tuple):
        _report(src, "error", key, f"'{name}' is not a list of terms: {_show(value)}", hint)
        return ()
    terms: list[str] = []
    for item in value:
        if isinstance(item, str):
            terms.extend([item] if item.strip() else [])
        elif isinstance(item, list | tuple | Mapping):
            message = f"'{name}' holds a term that is not text: {_show(item)}"
            _report(src, "error", key, message, hint)
        else:
            message = f"'{name}' holds a term that is not text: {_show(item)}"
            _report(src, "warning", key, message, f"put it in quotes: {_show(_plain(item))}")
            terms.append(_plain(item))
    for term in terms:
        if not term_slug(term):
            message = f"'{name}' term {_show(term)} has no letter or digit for its URL; left out"
            _report(src, "warning", key, message, "name the term with words, e.g. go or web")
    return tuple(dict.fromkeys(terms))


def _read_build(src: _Source) -> tuple[bool, bool]:
    """Read Hugo's ``build`` (or older ``_build``) options: (render, list)."""
    key = "build" if "build" in src.fm.values else "_build"
    value = src.fm.values.get(key)
    if value is None:
        return True, True
    name = _name(src, key)
    if not isinstance(value, Mapping):
        hint = f"write e.g. {_example(src, name, '{render: never}')}"
        _report(src, "warning", key, f"'{name}' is not a mapping: {_show(value)}", hint)
        return True, True
    options = {str(option).lower(): choice for option, choice in value.items()}
    render = _build_option(src, key, f"{name}.render", options.get("render"), _RENDER_CHOICES)
    listed = _build_option(src, key, f"{name}.list", options.get("list"), _LIST_CHOICES)
    return render, listed


def _build_option(
    src: _Source, key: str, shown: str, value: object, choices: Mapping[str, bool]
) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in choices:
        return choices[word]
    guess = difflib.get_close_matches(word, list(choices), 1, 0.6)
    hint = f"did you mean {guess[0]}?" if guess else f"use one of: {', '.join(choices)}"
    message = f"'{shown}' is not one of {', '.join(choices)}: {_show(value)}"
    _report(src, "warning", key, message, hint)
    return True
