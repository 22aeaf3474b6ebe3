"""Shortcodes written as Jinja templates: the site's ``templates/shortcodes/NAME.html`` over ours.

A template gets ``args`` (positional arguments), ``params`` (named ones), ``get(key_or_index,
default="")`` (Hugo's ``.Get``), ``inner`` (the text between the tags, raw, nested shortcodes
already expanded; ``None`` for a call without a closing tag), ``page`` (``title``, ``params``),
``site`` (``params``), ``name``, ``is_markdown`` (called as ``{{% %}}``) and
``markdownify(text, block=False)`` (one paragraph loses its ``<p>`` unless ``block``).
Autoescaping is on; ``inner`` and ``markdownify`` results are HTML.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

THEME_SHORTCODES = Path(__file__).parent / "theme" / "templates" / "shortcodes"
"""The built-in shortcode templates."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateProblem:
    """A shortcode template that failed to compile or render."""

    message: str
    """What went wrong."""
    path: Path | None
    """The template file, when known."""
    line: int | None
    """Its line, when known."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ShortcodeSettings:
    """What shortcodes need from the site (part of the page settings, so of the cache key)."""

    site_templates: Path | None = None
    """The site's ``templates/shortcodes/`` folder (it may not exist)."""
    templates_digest: str = ""
    """``shortcode_templates.folder_digest`` of that folder: edits re-render the pages."""
    site_params: Mapping[str, Any] = field(default_factory=dict)
    """The site's ``params``, lower-cased keys (for ``param``)."""


def load_shortcode_settings(
    templates_dir: Path, site_params: Mapping[str, Any] | None = None
) -> ShortcodeSettings:
    """Return the shortcode settings of a site whose templates are in ``templates_dir``.

    Reads the ``shortcodes/`` folder there for its digest, so the settings (and the page
    cache key made from them) change whenever a shortcode template does.
    """
    folder = templates_dir / "shortcodes"
    return ShortcodeSettings(
        site_templates=folder if folder.is_dir() else None,
        templates_digest=folder_digest(folder),
        site_params=dict(site_params or {}),
    )


def folder_digest(folder: Path | None) -> str:
    """Return a digest of every file in a site's ``templates/shortcodes/`` (names and bytes).

    It belongs in the page settings, so editing a shortcode template re-renders the pages.
    """
    if folder is None or not folder.is_dir():
        return ""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in folder.rglob("*.html") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=8)
def _environment(site_folder: str, digest: str) -> jinja2.Environment:
    """Return the shortcode environment of a site (one per folder and content digest)."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(str(THEME_SHORTCODES))]
    if site_folder:
        loaders.insert(0, jinja2.FileSystemLoader(site_folder))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the digest of the site's shortcodes is part of the cache key
    )
    env.filters["plainify"] = lambda html: Markup(html).striptags()
    return env


def _key(site_templates: Path | None, digest: str) -> tuple[str, str]:
    return (str(site_templates) if site_templates and site_templates.is_dir() else "", digest)


@lru_cache(maxsize=8)
def _names(site_folder: str, digest: str) -> frozenset[str]:
    templates = _environment(site_folder, digest).list_templates(extensions=["html"])
    return frozenset(name.removesuffix(".html") for name in templates)


def shortcode_names(site_templates: Path | None, digest: str = "") -> frozenset[str]:
    """Return the names of the template shortcodes (the site's and ours)."""
    return _names(*_key(site_templates, digest))


def render_shortcode_template(
    name: str,
    context: Mapping[str, Any],
    *,
    site_templates: Path | None,
    digest: str = "",
) -> str | TemplateProblem | None:
    """Render the template shortcode ``name``; None when there is no such template."""
    env = _environment(*_key(site_templates, digest))
    values = dict(context)
    if values.get("inner") is not None:
        values["inner"] = Markup(values["inner"])
    markdownify = values.get("markdownify")
    if callable(markdownify):
        values["markdownify"] = lambda text, block=False: Markup(markdownify(str(text), block))
    try:
        template = env.get_template(f"{name}.html")
        return template.render(values)
    except jinja2.TemplateNotFound:
        return None
    except jinja2.TemplateSyntaxError as exc:
        return TemplateProblem(
            message=f"shortcode template syntax error: {exc.message}",
            path=Path(exc.filename) if exc.filename else None,
            line=exc.lineno,
        )
    except (jinja2.TemplateError, TypeError, ValueError, LookupError) as exc:
        return TemplateProblem(
            message=f"shortcode '{name}' failed: {exc}", path=_template_path(env, name), line=None
        )


def _template_path(env: jinja2.Environment, name: str) -> Path | None:
    try:
        filename = env.get_template(f"{name}.html").filename
    except jinja2.TemplateError:
        return None
    return Path(filename) if filename else None
