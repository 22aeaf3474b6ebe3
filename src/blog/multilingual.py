"""One site per language, linked by translations; the outputs above them all. Pure.

Hugo builds a multilingual site as one site per language. So do we: each ``Site`` holds one
language's pages, sections and taxonomies under its own URL prefix, and the
``translation_map`` they share links the versions of a page or list across languages (the
hreflang links and the language switcher). Above the sites sit the sitemap index at
``/sitemap.xml``, ``robots.txt`` and the redirect between ``/`` and the default language's
folder.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from blog.config import Config, Language
from blog.content import Content
from blog.errors import Diagnostics
from blog.feeds import render_robots, render_sitemap_index
from blog.languages import (
    is_multilingual,
    language_config,
    site_languages,
    translation_key,
    url_prefix,
)
from blog.model import Page, Translation
from blog.plan import DataOutput, Output, list_key, plan_site, plan_special, redirect, sitemap_url
from blog.site import Site, assemble
from blog.urls import output_path


def assemble_sites(config: Config, content: Content, diag: Diagnostics) -> tuple[Site, ...]:
    """Return one site per language, by weight (one site when there is one language)."""
    languages = site_languages(config)
    if not is_multilingual(config):
        language = languages[0]
        return (assemble(language_config(config, language), content, diag, language=language),)
    sites = [
        assemble(
            language_config(config, language),
            _content_in(content, language.code, config.default_language),
            diag,
            language=language,
            home_url=url_prefix(config, language.code),
            loose_files=language.code == config.default_language,
        )
        for language in languages
    ]
    translations = translation_map(sites)
    return tuple(replace(s, languages=languages, translation_map=translations) for s in sites)


def _content_in(content: Content, code: str, default: str) -> Content:
    """Return the part of ``content`` in one language (every file to copy included)."""

    def mine(page: Page) -> bool:
        return (page.lang or default) == code

    return replace(
        content,
        pages=tuple(p for p in content.pages if mine(p)),
        branches=tuple(p for p in content.branches if mine(p)),
        excluded=tuple((p, why) for p, why in content.excluded if mine(p)),
    )


def translation_map(sites: list[Site]) -> dict[str, tuple[Translation, ...]]:
    """Return translation key → the version in each language that has one, by weight.

    A page's key is its ``translationKey`` or its path without the language suffix; a list's
    key is its URL without the language's prefix (``/fr/posts/`` → ``/posts/``).
    """
    found: dict[str, list[Translation]] = defaultdict(list)
    for site in sites:
        lang = site.language

        def add(key: str, url: str, lang: Language = lang) -> None:
            name = lang.name or lang.code.title()
            found[key].append(
                Translation(lang=lang.code, name=name, url=url, direction=lang.direction)
            )

        for page in site.pages:
            if page.is_rendered:
                add(translation_key(page), page.url)
        lists = [site.home_url, *(s.url for s in site.sections)]
        for taxonomy in site.taxonomies:
            lists += [taxonomy.url, *(t.url for t in taxonomy.terms)]
        for url in lists:
            add(list_key(site, url), url)
    return {key: tuple(versions) for key, versions in found.items()}


def plan_sites(sites: tuple[Site, ...]) -> list[tuple[Site, list[Output]]]:
    """Return each site's outputs, the outputs above them going with the default language's."""
    planned = [(site, plan_site(site)) for site in sites]
    if len(sites) < 2:
        return planned
    main = next(s for s in sites if s.language.code == s.config.default_language)
    index = next(i for i, (s, _) in enumerate(planned) if s is main)
    planned[index][1].extend(_plan_root(main, sites))
    return planned


def _plan_root(main: Site, sites: tuple[Site, ...]) -> list[Output]:
    """Return the sitemap index, robots.txt and the redirect between ``/`` and ``/en/``."""
    config = main.config
    entries = [(sitemap_url(s), _newest(s.pages)) for s in sites]
    outputs: list[Output] = [
        DataOutput(path=output_path("/sitemap.xml"), data=render_sitemap_index(config, entries))
    ]
    if config.enable_robots_txt:
        outputs.append(DataOutput(path=output_path("/robots.txt"), data=render_robots(config)))
    if main.home_url == "/":
        outputs.append(redirect(main, f"/{main.language.code}/", "/"))
    else:  # every language in its folder: / sends to the default one, 404 stays at the root
        outputs.append(redirect(main, "/", main.home_url))
        outputs.extend(plan_special(replace(main, home_url="/")))
    return outputs


def _newest(pages: tuple[Page, ...]) -> datetime | None:
    return max((p.lastmod for p in pages if p.lastmod), default=None)
