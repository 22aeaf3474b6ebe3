"""The Jinja environment: site ``templates/`` over the packaged theme; errors become data."""

from __future__ import annotations

import hashlib
import re
import traceback
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from blog.config import Config
from blog.errors import BlogError, Diagnostics
from blog.jinjafast import FastEnvironment, PageMemo
from blog.urls import abs_url, rel_url

THEME_DIR = Path(__file__).parent / "theme"

Environment = FastEnvironment
"""The template environment type (so other stages need not import jinja2)."""


class TemplateFailure(Exception):
    """A template could not be rendered; the diagnostic is already recorded."""


def make_environment(config: Config, compiled_dir: Path | None = None) -> Environment:
    """Return the environment for a site: its own templates first, then the theme's.

    ``compiled_dir`` keeps the compiled templates between processes (Jinja's bytecode cache,
    keyed by each template's source): a patching ``blog build`` renders a handful of pages
    and would otherwise spend most of that compiling.
    """
    compiled = None
    if compiled_dir is not None:
        try:
            compiled_dir.mkdir(parents=True, exist_ok=True)
            compiled = jinja2.FileSystemBytecodeCache(str(compiled_dir))
        except OSError:
            compiled = None
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(str(config.templates_dir)),
            jinja2.FileSystemLoader(str(THEME_DIR / "templates")),
        ]
    )
    env = FastEnvironment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        # Asked at each include and import: remembered per template name.
        autoescape=lru_cache(maxsize=None)(_AUTOESCAPE),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=compiled,
        # A template change makes a new environment (``template_fingerprint``), so a template
        # never needs its file checked again: the check stat()ed it at every use.
        auto_reload=False,
        cache_size=-1,  # every template stays compiled (a dict, not an LRU list to reorder)
    )
    memo = env.page_memo = PageMemo()
    base_path, base_url = config.base_path, config.base_url
    env.globals.update(
        config=config,
        rel_url=lambda url: rel_url(url, base_path),
        abs_url=lambda url: abs_url(url, base_url),
    )
    env.filters.update(
        date=_format_date,
        safe_html=lambda html: Markup(html),
        param=_param,
    )
    # Theme helpers (PaperMod's page switches, covers, authors, titles from headings).
    site_params = config.params

    def setting(page: Any, key: str, default: Any = None) -> Any:
        return _setting(site_params, page, key, default)

    def flag(page: Any, key: str, default: Any = False) -> bool:
        # _truthy(setting(page, key, default)) with the lookup inline: asked on every page.
        name = key.lower()
        params: Mapping[str, Any] | None = getattr(page, "params", None)
        value = params.get(name) if params else None
        if value is None:
            value = site_params.get(name)
            if value is None:
                value = default
        return _truthy(value)

    env.globals.update(
        setting=setting,
        flag=flag,
        cover_of=lambda page: _cover(config, page),
        author_of=lambda page: _author_of(config, page),
        once_per_page=memo.once_per_page,
    )
    env.filters.update(
        plainify=memo.plainify,
        split_title=_split_title,
        og_locale=lambda code: "_".join([*code.split("-")[:1], *code.upper().split("-")[1:2]]),
    )
    return env


_AUTOESCAPE = jinja2.select_autoescape(["html", "xml"], default_for_string=True)
_FALSE_WORDS = frozenset({"", "false", "no", "off", "0"})
_LEADING_H1 = re.compile(r"\s*(<h1\b[^>]*>.*?</h1>)(.*)\Z", re.S)


def _truthy(value: Any) -> bool:
    """Read a page switch as Hugo does, except that "false" and its kin are false."""
    if isinstance(value, str):
        return value.strip().lower() not in _FALSE_WORDS
    return bool(value)


def _setting(site_params: Mapping[str, Any], page: Any, key: str, default: Any = None) -> Any:
    """Return a page param, else the site param of that name, else ``default``."""
    name = key.lower()
    params: Mapping[str, Any] | None = getattr(page, "params", None)
    if params:
        value = params.get(name)
        if value is not None:
            return value
    value = site_params.get(name)
    return default if value is None else value


def _ci(value: Any) -> dict[str, Any]:
    """Return a mapping with lower-cased keys (nested front matter keeps its spelling)."""
    return {str(k).lower(): v for k, v in value.items()} if isinstance(value, Mapping) else {}


def _cover(config: Config, page: Any) -> dict[str, Any] | None:
    """Return a page's cover (``src`` site-relative or absolute) or None without an image."""
    cover = getattr(page, "params", {}).get("cover")
    if cover is None:  # most pages: no cover (what follows would find no image)
        return None
    own = _ci(cover)
    image = str(own.get("image") or "").strip()
    if not image:
        return None
    site = _ci(config.params.get("cover"))
    if not (urlsplit(image).scheme or image.startswith("/")):
        image = page.url + image  # relative images live beside the page (bundles)

    def hidden(key: str) -> bool:
        return any(_truthy(own.get(k, site.get(k))) for k in (key, "hidden"))

    return {
        "src": image,
        "alt": str(own.get("alt") or ""),
        "caption": str(own.get("caption") or ""),
        "width": own.get("width"),
        "height": own.get("height"),
        "in_list": not hidden("hiddeninlist"),
        "in_single": not hidden("hiddeninsingle"),
    }


def _author_of(config: Config, page: Any) -> str:
    """Return the page's author(s), else the site's."""
    author = _setting(config.params, page, "author", "") or config.author
    if isinstance(author, list | tuple):
        return ", ".join(str(a) for a in author)
    return str(author)


def _split_title(html: str) -> tuple[Markup, Markup]:
    """Split a body into its leading ``<h1>`` and the rest ("" and the body without one)."""
    match = _LEADING_H1.match(html)
    if match is None:
        return Markup(""), Markup(html)
    return Markup(match[1]), Markup(match[2])


def _format_date(value: datetime | None, fmt: str = "%B %-d, %Y") -> str:
    """Format a datetime for display; empty for undated pages."""
    return value.strftime(fmt) if value is not None else ""


def _param(page: Any, key: str, default: Any = None) -> Any:
    """Look a page param up case-insensitively, falling back to the site's params."""
    params: Mapping[str, Any] = getattr(page, "params", {}) or {}
    value = params.get(key.lower())
    return default if value is None else value


def template_fingerprint(env: jinja2.Environment) -> str:
    """Return a digest of every template the environment can load (for the output cache)."""
    digest = hashlib.blake2b(digest_size=16)
    for name in sorted(env.list_templates()):
        source, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
        digest.update(name.encode() + b"\0" + source.encode() + b"\0")
    return digest.hexdigest()


def check_templates(env: jinja2.Environment, diag: Diagnostics) -> None:
    """Compile every template once so syntax errors are reported with their file and line."""
    for name in env.list_templates(extensions=["html", "xml", "txt", "json"]):
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            diag.error(
                f"template syntax error: {exc.message}",
                path=Path(exc.filename) if exc.filename else None,
                line=exc.lineno,
                hint="fix the template; see https://jinja.palletsprojects.com/templates/",
            )


def render_template(
    env: jinja2.Environment,
    names: tuple[str, ...],
    context: Mapping[str, Any],
    diag: Diagnostics,
) -> str:
    """Render the first existing template of ``names``; errors go to ``diag``."""
    try:
        template = env.select_template(list(names))
    except jinja2.TemplatesNotFound:
        diag.error(
            f"no template named {' or '.join(names)} (while rendering {context.get('url')})",
            hint="add it to templates/ or check the page's `layout`",
        )
        raise TemplateFailure from None
    except jinja2.TemplateSyntaxError as exc:
        diag.error(
            f"template syntax error: {exc.message}",
            path=Path(exc.filename) if exc.filename else None,
            line=exc.lineno,
        )
        raise TemplateFailure from None
    memo = getattr(env, "page_memo", None)
    if memo is not None:
        memo.start(context.get("site"))
    try:
        return template.render(context)
    except Exception as exc:  # any template runtime error is the template author's mistake
        path, line = _template_frame(exc)
        diag.error(
            f"template error: {exc} (while rendering {context.get('url')})",
            path=path,
            line=line,
            hint="check the variable names used in this template",
        )
        raise TemplateFailure from None


def _template_frame(exc: BaseException) -> tuple[Path | None, int | None]:
    """Return the template file and line of the innermost template frame of ``exc``."""
    found: tuple[Path | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".html", ".xml", ".txt", ".json")):
            found = (Path(frame.filename), frame.lineno)
    return found


def render_archetype(text: str, context: Mapping[str, Any], *, name: Path | None = None) -> str:
    """Render an archetype or skeleton file with Jinja; a template error is a BlogError."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    try:
        return env.from_string(text).render(context)
    except jinja2.TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f"{name}:{line}: " if name and line else f"{name}: " if name else ""
        raise BlogError(
            f"{where}archetype error: {exc}\n"
            "    hint: archetypes are Jinja: use {{ title }}, {{ date }}, {{ slug }}, {{ section }}"
        ) from None
