"""The frozen site configuration: what ``config.py`` reads from the config file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True, kw_only=True)
class MenuEntry:
    """One link of a configured menu."""

    name: str
    """Label shown."""
    url: str
    """Site-relative or absolute URL."""
    weight: int = 0
    """Ordering weight."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Language:
    """One entry of ``languages``: what differs in that language (None: the site's value)."""

    code: str
    """The key under ``languages`` (``fr``), lower-cased; the file suffix of its content."""
    name: str = ""
    """``languageName`` (``Français``), shown in the language switcher; empty: ``Fr``."""
    weight: int = 0
    """Orders the languages."""
    direction: str = "ltr"
    """``languageDirection``: ``ltr`` or ``rtl``."""
    language_code: str = ""
    """``languageCode`` (``fr-FR``): ``<html lang>`` and feed language; empty: the code."""
    title: str | None = None
    """The site title in this language."""
    description: str | None = None
    """The site description in this language."""
    copyright: str | None = None
    """The footer text in this language."""
    taxonomies: tuple[tuple[str, str], ...] | None = None
    """This language's taxonomies (``tag: FRtags``)."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """Params merged over the site's, lower-cased keys."""
    menus: Mapping[str, tuple[MenuEntry, ...]] | None = None
    """This language's menus."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    """The site configuration; nothing else reads the YAML."""

    root: Path
    """Folder holding the config file; ``content/`` etc. live here."""
    title: str = "My Blog"
    """Site title."""
    base_url: str = "http://localhost:1313/"
    """Absolute base URL, ending with ``/``."""
    language_code: str = "en"
    """``<html lang>`` and feed language."""
    timezone: str = "UTC"
    """Applied to dates written without an offset."""
    description: str = ""
    """Site description (home meta description)."""
    author: str = ""
    """Default author."""
    copyright: str = ""
    """Footer copyright text."""
    taxonomies: tuple[tuple[str, str], ...] = (("tag", "tags"), ("category", "categories"))
    """(singular, plural) pairs, in config order."""
    permalinks: Mapping[str, str] = field(default_factory=dict)
    """Section name → permalink pattern for pages."""
    term_permalinks: Mapping[str, str] = field(default_factory=dict)
    """Taxonomy plural → permalink pattern for its terms."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """Free-form ``params``, lower-cased keys (Hugo's ``.Site.Params``)."""
    unsafe_html: bool = False
    """``markup.goldmark.renderer.unsafe``: keep raw HTML in Markdown."""
    toc_start: int = 2
    """``markup.tableOfContents.startLevel``."""
    toc_end: int = 3
    """``markup.tableOfContents.endLevel``."""
    highlight_style: str = "friendly"
    """Pygments style for light mode (``markup.highlight.style``)."""
    highlight_dark_style: str = "monokai"
    """Pygments style for dark mode (``markup.highlight.darkStyle``, ours)."""
    pager_size: int = 10
    """``pagination.pagerSize``."""
    summary_length: int = 70
    """``summaryLength`` in words."""
    feed_limit: int = -1
    """``services.rss.limit``: items per feed, -1 for all (Hugo's default)."""
    feed_full_content: bool = False
    """Put the full content in feeds (PaperMod's ``params.ShowFullTextinRSS``)."""
    menus: Mapping[str, tuple[MenuEntry, ...]] = field(default_factory=dict)
    """Menu name → entries by weight."""
    main_sections: tuple[str, ...] = ()
    """Sections listed on the home page (``params.mainSections``); empty means the largest."""
    enable_robots_txt: bool = True
    """Write ``robots.txt``."""
    publish_dir: str = "public"
    """Default output folder."""
    cname: str = ""
    """Custom domain written to ``CNAME`` (GitHub Pages)."""
    ignore_files: tuple[str, ...] = ()
    """``ignoreFiles``: regular expressions of content paths to skip."""
    home_outputs: tuple[str, ...] = ("html", "rss", "json")
    """``outputs.home``, lower-cased; ``llms`` adds ``/llms.txt``."""
    enable_emoji: bool = False
    """``enableEmoji``: turn ``:smile:`` shortcodes in content into emoji."""
    enable_git_info: bool = False
    """``enableGitInfo``: a page's ``lastmod`` is the date of its last git commit."""
    languages: tuple[Language, ...] = ()
    """``languages`` by weight; empty when the config has none (one language)."""
    default_language: str = "en"
    """``defaultContentLanguage``: the language of files without a language suffix."""
    default_language_in_subdir: bool = False
    """``defaultContentLanguageInSubdir``: the default language under ``/en/`` too."""

    @property
    def base_path(self) -> str:
        """Return the path part of the base URL (``/myblog/``)."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def content_dir(self) -> Path:
        """Return the content folder."""
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        """Return the site's template override folder."""
        return self.root / "templates"

    @property
    def static_dir(self) -> Path:
        """Return the site's static folder."""
        return self.root / "static"

    @property
    def taxonomy_names(self) -> tuple[str, ...]:
        """Return the plural names of the taxonomies."""
        return tuple(plural for _, plural in self.taxonomies)


DEFAULT = Config(root=Path())
"""A config with every default, for fallbacks."""
