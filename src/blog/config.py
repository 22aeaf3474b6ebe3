"""Turn the site config (``hugo.toml``, ``config.yaml``, …) into a frozen ``Config``.

Every problem is reported with its line; ``configfile.py`` finds and parses the file.
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from blog.configfile import find_config as find_config
from blog.configfile import read_config_file
from blog.errors import BlogError, Diagnostics
from blog.siteconfig import DEFAULT as DEFAULT
from blog.siteconfig import Config as Config
from blog.siteconfig import Language as Language
from blog.siteconfig import MenuEntry as MenuEntry
from blog.urls import path_problem, shown_path

KNOWN_KEYS = frozenset(
    {
        "baseurl", "title", "languagecode", "timezone", "taxonomies", "permalinks", "params",
        "markup", "pagination", "paginate", "summarylength", "menu", "menus", "copyright",
        "author", "enablerobotstxt", "mainsections", "builddrafts", "buildfuture",
        "buildexpired", "publishdir", "defaultcontentlanguage", "theme", "description",
        "services", "outputs", "enableemoji", "enablegitinfo", "cname", "pygmentsuseclasses",
        "ignorefiles", "languages", "defaultcontentlanguageinsubdir",
    }
)  # fmt: skip
"""Top-level keys we read (lower-cased; Hugo matches config keys case-insensitively)."""

NOT_SUPPORTED = frozenset(
    {
        "theme", "themesdir", "module", "builddrafts", "buildfuture", "buildexpired",
        "pygmentsuseclasses", "build", "caches", "cascade", "deployment", "frontmatter",
        "imaging", "mediatypes", "minify", "outputformats", "privacy", "related", "security",
        "segments", "server", "sitemap", "canonifyurls", "relativeurls", "uglyurls",
        "disablekinds", "disablealiases", "disablepathtolower", "hascjklanguage",
        "pluralizelisttitles", "capitalizelisttitles", "removepathaccents", "titlecasestyle",
        "paginatepath", "rsslimit", "googleanalytics", "disqusshortname", "contentdir",
        "layoutdir", "staticdir", "datadir", "assetdir", "archetypedir", "i18ndir",
        "resourcedir", "cachedir", "workingdir", "cleandestinationdir", "environment",
        "refLinksErrorLevel".lower(), "reflinksnotfoundurl", "disablehugogeneratorinject",
        "disablelivereload", "enablemissingtranslationplaceholders", "renderSegments".lower(),
    }
)  # fmt: skip
"""Hugo's keys that we do not act on yet: each is named in a warning, never silently dropped.

A key listed here is reported even when it is also in KNOWN_KEYS; remove it from this set
when it gets implemented.
"""

SUPPORTED_PARTS = {"outputs": frozenset({"home"}), "services": frozenset({"rss"})}
"""Keys of which only some sub-keys are read; the others are reported as not supported."""


def load_config(root: Path, diag: Diagnostics, *, base_url: str | None = None) -> Config:
    """Read the site's config file; problems go to ``diag``, a missing file raises BlogError."""
    path = find_config(root)
    if path is None:
        raise BlogError(
            f"no config.yaml in {root}: this is not a site folder\n"
            "    hint: run blog in your site's folder (one with hugo.toml, hugo.yaml, "
            "hugo.json or config.yaml), or pass -s/--source DIR"
        )
    parsed = read_config_file(path, diag)
    if parsed is None:
        return Config(root=root)
    data, lines = parsed
    return _ConfigReader(root, path, data, lines, diag).read(base_url)


class _ConfigReader:
    """Turn the parsed mapping into a Config, one typed getter per value."""

    def __init__(
        self, root: Path, path: Path, data: dict[str, Any], lines: dict[str, int], diag: Diagnostics
    ) -> None:
        self.root, self.path, self.lines, self.diag = root, path, lines, diag
        self.data = {str(k).lower(): v for k, v in data.items()}

    def _line(self, key: str) -> int | None:
        return self.lines.get(key.lower())

    def _get(self, dotted: str, kind: type, default: Any) -> Any:
        value: Any = self.data
        for part in dotted.lower().split("."):
            if not isinstance(value, dict):
                return default
            value = {str(k).lower(): v for k, v in value.items()}.get(part)
            if value is None:
                return default
        if kind is int and isinstance(value, bool):
            value = str(value)
        if kind is float and isinstance(value, int):
            return value
        if not isinstance(value, kind):
            self.diag.error(
                f"{dotted} must be {_KIND_NAMES[kind]}, got {value!r}",
                path=self.path,
                line=self._line(dotted),
                hint=f"e.g. {dotted.rsplit('.', 1)[-1]}: {_KIND_EXAMPLES[kind]}",
            )
            return default
        return value

    def read(self, base_url_override: str | None) -> Config:
        self._warn_unknown()
        default_language = self._get("defaultContentLanguage", str, "en").lower()
        params = self._get("params", dict, {})
        base_url = base_url_override or self._get("baseURL", str, DEFAULT.base_url)
        return Config(
            root=self.root,
            title=self._get("title", str, DEFAULT.title),
            base_url=self._base_url(base_url),
            language_code=self._get("languageCode", str, "en"),
            timezone=self._timezone(),
            description=self._get("description", str, "")
            or str(_ci(params).get("description", "")),
            author=self._author(params),
            copyright=self._get("copyright", str, ""),
            taxonomies=self._taxonomies(),
            permalinks=self._permalinks("page"),
            term_permalinks=self._permalinks("term"),
            params=_ci(params),
            unsafe_html=self._get("markup.goldmark.renderer.unsafe", bool, False),
            toc_start=self._level("markup.tableOfContents.startLevel", 2),
            toc_end=self._level("markup.tableOfContents.endLevel", 3),
            highlight_style=self._get("markup.highlight.style", str, "friendly"),
            highlight_dark_style=self._get("markup.highlight.darkStyle", str, "monokai"),
            pager_size=self._pager_size(),
            summary_length=self._get("summaryLength", int, 70),
            feed_limit=self._get("services.rss.limit", int, -1),
            feed_full_content=bool(_ci(params).get("showfulltextinrss", False)),
            menus=self._menus(),
            main_sections=self._main_sections(params),
            enable_robots_txt=self._get("enableRobotsTXT", bool, True),
            publish_dir=self._get("publishDir", str, "public"),
            cname=self._get("cname", str, ""),
            home_outputs=self._home_outputs(),
            ignore_files=self._ignore_files(),
            enable_emoji=self._get("enableEmoji", bool, False),
            enable_git_info=self._get("enableGitInfo", bool, False),
            default_language=default_language,
            default_language_in_subdir=self._get("defaultContentLanguageInSubdir", bool, False),
            languages=self._languages(default_language),
        )

    def _warn_unknown(self) -> None:
        for key in self.data:
            if key in NOT_SUPPORTED:
                self._warn_not_supported(key)
                continue
            if key in KNOWN_KEYS:
                self._warn_unsupported_parts(key)
                continue
            close = difflib.get_close_matches(key, sorted(KNOWN_KEYS), n=1, cutoff=0.6)
            self.diag.warning(
                f"unknown config key '{key}' (ignored)",
                path=self.path,
                line=self._line(key),
                hint=f"did you mean '{close[0]}'?" if close else "see README.md for every key",
            )

    def _warn_not_supported(self, dotted: str) -> None:
        self.diag.warning(
            f"config key '{dotted}' is not supported yet (ignored)",
            path=self.path,
            line=self._line(dotted),
            hint="the site builds without it; see README.md for the keys blog reads",
        )

    def _warn_unsupported_parts(self, key: str) -> None:
        supported = SUPPORTED_PARTS.get(key)
        value = self.data.get(key)
        if supported is None or not isinstance(value, dict):
            return
        for part in value:
            if str(part).lower() not in supported:
                self._warn_not_supported(f"{key}.{str(part).lower()}")

    def _base_url(self, url: str) -> str:
        parts = urlsplit(url)
        if not parts.scheme or not parts.netloc:
            self.diag.error(
                f"baseURL must be an absolute URL, got {url!r}",
                path=self.path,
                line=self._line("baseurl"),
                hint="e.g. baseURL: https://example.github.io/myblog/",
            )
            return DEFAULT.base_url
        return url if url.endswith("/") else url + "/"

    def _timezone(self) -> str:
        name = self._get("timeZone", str, "UTC")
        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.diag.error(
                f"unknown timeZone {name!r}",
                path=self.path,
                line=self._line("timezone"),
                hint="use an IANA name such as UTC, Europe/Berlin or America/New_York",
            )
            return "UTC"
        return str(name)

    def _author(self, params: dict[str, Any]) -> str:
        author = self.data.get("author") or _ci(params).get("author") or ""
        if isinstance(author, dict):
            author = author.get("name", "")
        if isinstance(author, list):
            author = ", ".join(str(a) for a in author)
        return str(author)

    def _taxonomies(self) -> tuple[tuple[str, str], ...]:
        raw = self._get("taxonomies", dict, None)
        if raw is None:
            return DEFAULT.taxonomies
        return tuple((str(s), str(p).lower()) for s, p in raw.items() if p)

    def _permalinks(self, kind: str) -> dict[str, str]:
        raw = self._get("permalinks", dict, {})
        prefix = "permalinks."
        if kind in raw or "term" in raw:
            prefix = f"permalinks.{kind}."
            raw = self._get(f"permalinks.{kind}", dict, {})
        elif kind == "term":
            return {}
        found: dict[str, str] = {}
        for key, pattern in raw.items():
            if not isinstance(pattern, str):
                continue
            problem = path_problem(pattern)
            if problem is not None:
                self.diag.error(
                    f"{prefix}{key} {shown_path(pattern)} {problem}",
                    path=self.path,
                    line=self._line(f"{prefix}{key}"),
                    hint="e.g. posts: /:year/:month/:slug/",
                )
                continue
            found[str(key).lower()] = pattern
        return found

    def _level(self, dotted: str, default: int) -> int:
        level = self._get(dotted, int, default)
        if not 1 <= level <= 6:
            self.diag.error(
                f"{dotted} must be a heading level from 1 to 6, got {level}",
                path=self.path,
                line=self._line(dotted),
            )
            return default
        return int(level)

    def _pager_size(self) -> int:
        size = self._get("pagination.pagerSize", int, None)
        if size is None:
            size = self._get("paginate", int, 10)
        if size < 1:
            self.diag.error(
                f"pagination.pagerSize must be a positive integer, got {size}",
                path=self.path,
                line=self._line("pagination.pagersize"),
                hint="e.g. pagination: {pagerSize: 10}",
            )
            return 10
        return int(size)

    def _menus(self) -> dict[str, tuple[MenuEntry, ...]]:
        raw = self._get("menus", dict, None) or self._get("menu", dict, {})
        menus: dict[str, tuple[MenuEntry, ...]] = {}
        for name, entries in raw.items():
            items = []
            for entry in entries if isinstance(entries, list) else []:
                e = _ci(entry) if isinstance(entry, dict) else {}
                if "name" not in e or ("url" not in e and "pageref" not in e):
                    self.diag.error(
                        f"menu '{name}' entry needs a name and a url",
                        path=self.path,
                        line=self._line(f"menus.{name}") or self._line(f"menu.{name}"),
                        hint="e.g. - {name: Tags, url: /tags/, weight: 10}",
                    )
                    continue
                url = str(e.get("url") or e.get("pageref"))
                items.append(
                    MenuEntry(name=str(e["name"]), url=url, weight=int(e.get("weight") or 0))
                )
            menus[str(name)] = tuple(sorted(items, key=lambda m: (m.weight, m.name)))
        return menus

    def _ignore_files(self) -> tuple[str, ...]:
        raw = self.data.get("ignorefiles") or []
        patterns = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
        valid = []
        for pattern in map(str, patterns):
            try:
                re.compile(pattern)
            except re.error as exc:
                self.diag.error(
                    f"ignoreFiles has an invalid regular expression {pattern!r}: {exc}",
                    path=self.path,
                    line=self._line("ignorefiles"),
                    hint=r"e.g. ignoreFiles: ['\.draft\.md$', '^private/']",
                )
                continue
            valid.append(pattern)
        return tuple(valid)

    def _home_outputs(self) -> tuple[str, ...]:
        raw = self._get("outputs", dict, {})
        home = _ci(raw).get("home")
        if not isinstance(home, list):
            return DEFAULT.home_outputs
        return tuple(str(o).lower() for o in home)

    def _main_sections(self, params: dict[str, Any]) -> tuple[str, ...]:
        raw = _ci(params).get("mainsections") or self.data.get("mainsections") or ()
        if isinstance(raw, str):
            raw = (raw,)
        return tuple(str(s) for s in raw)

    def _languages(self, default: str) -> tuple[Language, ...]:
        """Read ``languages``: each code's overrides, by weight (then code)."""
        raw = self._get("languages", dict, {})
        found = []
        for key, spec in raw.items():
            code, where = str(key).lower(), f"languages.{str(key).lower()}"
            if not _LANGUAGE_CODE.fullmatch(code) or not isinstance(spec, dict):
                self.diag.error(
                    f"{where} must be a language code holding a mapping, got {key!r}: {spec!r}",
                    path=self.path,
                    line=self._line(where),
                    hint="e.g. languages: {fr: {weight: 2, languageName: Français}}",
                )
                continue
            lines = {k.removeprefix(where + "."): v for k, v in self.lines.items()}
            sub = _ConfigReader(self.root, self.path, spec, lines, self.diag)
            if not sub._get("disabled", bool, False):
                found.append(self._language(code, sub, default))
        if found and default not in {lang.code for lang in found}:
            self.diag.error(
                f"defaultContentLanguage '{default}' is not one of the languages",
                path=self.path,
                line=self._line("defaultcontentlanguage") or self._line("languages"),
                hint="add it under languages:, or set defaultContentLanguage to one of them",
            )
            return ()
        return tuple(sorted(found, key=lambda lang: (lang.weight or 2**31, lang.code)))

    def _language(self, code: str, sub: _ConfigReader, default: str) -> Language:
        site_code = self._get("languageCode", str, "") if code == default else ""
        direction = sub._get("languageDirection", str, "ltr").lower()
        params = sub._get("params", dict, None)
        return Language(
            code=code,
            name=sub._get("languageName", str, ""),
            weight=sub._get("weight", int, 0),
            direction="rtl" if direction == "rtl" else "ltr",
            language_code=sub._get("languageCode", str, "") or site_code or code,
            title=sub._get("title", str, None),
            description=sub._get("description", str, None),
            copyright=sub._get("copyright", str, None),
            taxonomies=sub._taxonomies() if "taxonomies" in sub.data else None,
            params=_ci(params) if params else {},
            menus=sub._menus() if {"menu", "menus"} & set(sub.data) else None,
        )


_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")


def _ci(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Return the mapping with lower-cased keys (Hugo's params are case-insensitive)."""
    return {str(k).lower(): v for k, v in mapping.items()}


_KIND_NAMES = {str: "a string", int: "an integer", bool: "true or false", dict: "a mapping"}
_KIND_EXAMPLES = {str: '"text"', int: "10", bool: "true", dict: "{key: value}"}
