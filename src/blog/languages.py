"""Languages as Hugo has them: translation files, URL prefixes, each language's config. Pure.

A content file ``post.fr.md`` is the ``fr`` translation of ``post.md`` when ``fr`` is a
configured language. Pages of a language other than the default one live under ``/fr/``
(the default one too with ``defaultContentLanguageInSubdir``). Translations are linked by
their path without the language suffix, Hugo's default ``translationKey``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from blog.config import Config, Language
from blog.model import Page, TermRef
from blog.pages import alias_url

_LOOKS_LIKE_LANGUAGE = re.compile(r"[a-z]{2}(-[a-z]{2})?")


def site_languages(config: Config) -> tuple[Language, ...]:
    """Return the site's languages by weight; one (the default) when none are configured."""
    if config.languages:
        return config.languages
    return (Language(code=config.default_language, language_code=config.language_code, weight=0),)


def is_multilingual(config: Config) -> bool:
    """Whether the site has more than one language (Hugo's ``IsMultilingual``)."""
    return len(config.languages) > 1


def url_prefix(config: Config, code: str) -> str:
    """Return the URL of a language's home: ``/`` for the default language, else ``/fr/``."""
    if code == config.default_language and not config.default_language_in_subdir:
        return "/"
    return f"/{code}/"


def language_config(config: Config, language: Language) -> Config:
    """Return the config as a language sees it: its title, taxonomies, params and menus."""
    if not config.languages:
        return config
    return replace(
        config,
        title=language.title if language.title is not None else config.title,
        description=language.description
        if language.description is not None
        else config.description,
        copyright=language.copyright if language.copyright is not None else config.copyright,
        language_code=language.language_code or language.code,
        taxonomies=language.taxonomies if language.taxonomies is not None else config.taxonomies,
        params={**config.params, **language.params},
        menus=language.menus if language.menus is not None else config.menus,
    )


def all_taxonomy_names(config: Config) -> tuple[str, ...]:
    """Return the plural names of every language's taxonomies (what front matter may use)."""
    names = dict.fromkeys(config.taxonomy_names)
    for language in config.languages:
        names.update(dict.fromkeys(language_config(config, language).taxonomy_names))
    return tuple(names)


def looks_like_translation(rel: PurePosixPath) -> str | None:
    """Return the language-like suffix of ``post.fr.md`` (``fr``), else None."""
    parts = rel.name.split(".")
    if len(parts) == 3 and _LOOKS_LIKE_LANGUAGE.fullmatch(parts[1].lower()):
        return parts[1].lower()
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class ContentLanguages:
    """What reading ``content/`` needs: which suffixes are languages and where each goes."""

    default: str
    """The default content language's code."""
    prefixes: dict[str, str]
    """Code → URL of the language's home (``/`` or ``/fr/``)."""
    taxonomies: dict[str, tuple[str, ...]]
    """Code → the plural names of the language's taxonomies."""
    multilingual: bool
    """Whether pages are placed per language (more than one language)."""

    def split(self, rel: PurePosixPath) -> tuple[PurePosixPath, str]:
        """Return a content path without its language suffix, and its language."""
        parts = rel.name.split(".")
        if len(parts) >= 3 and parts[-2].lower() in self.prefixes:
            name = ".".join([*parts[:-2], parts[-1]])
            return rel.with_name(name), parts[-2].lower()
        return rel, self.default

    def localize(self, page: Page, lang: str) -> Page:
        """Return ``page`` (loaded from its path without suffix) placed in its language."""
        if not self.multilingual:
            return page
        prefix = self.prefixes[lang]
        url = page.url
        if prefix != "/" and not _has_absolute_url(page):
            url = prefix + page.url.lstrip("/")
        own = self.taxonomies[lang]
        terms = {
            name: tuple(_prefixed(ref, prefix) for ref in refs)
            for name, refs in page.terms.items()
            if name in own
        }
        raw_aliases = page.params.get("aliases") or ()
        aliases = tuple(alias_url(a, url) for a in raw_aliases) if url != page.url else None
        return replace(
            page,
            lang=lang,
            url=url,
            terms=terms,
            aliases=page.aliases if aliases is None else aliases,
        )


def content_languages(config: Config) -> ContentLanguages:
    """Return the languages as reading ``content/`` needs them."""
    languages = site_languages(config)
    return ContentLanguages(
        default=config.default_language,
        prefixes={lang.code: url_prefix(config, lang.code) for lang in languages},
        taxonomies={lang.code: language_config(config, lang).taxonomy_names for lang in languages},
        multilingual=is_multilingual(config),
    )


def _has_absolute_url(page: Page) -> bool:
    """Whether front matter set ``url`` from the site root (Hugo adds no language to it)."""
    url = page.params.get("url")
    return isinstance(url, str) and url.strip().startswith("/")


def _prefixed(ref: TermRef, prefix: str) -> TermRef:
    return ref if prefix == "/" else replace(ref, url=prefix + ref.url.lstrip("/"))


def translation_key(page: Page) -> str:
    """Return what links a page to its translations: ``translationKey``, else its path.

    The path is the content path without extension (the folder of a bundle); ``page.source``
    of a translation is its path without the language suffix.
    """
    key = page.params.get("translationkey")
    if isinstance(key, str) and key:
        return f"key:{key}"
    source = page.source
    if source.name in ("index.md", "_index.md"):
        return f"path:{source.parent.as_posix()}"
    return f"path:{source.with_suffix('').as_posix()}"
