"""Multilingual sites as Hugo builds them: translations by file name, /fr/, hreflang, sitemaps."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import build_site, snapshot

CONFIG = """\
baseURL: https://example.org/blog/
title: Blog
defaultContentLanguage: en
taxonomies: {tag: tags}
languages:
  en: {weight: 1, languageName: English}
  fr:
    weight: 2
    languageName: Français
    title: Le blog
    languageCode: fr-FR
    taxonomies: {tag: FRtags}
  fa: {weight: 3, languageName: فارسی, languageDirection: rtl, title: وبلاگ}
"""

SITE = {
    "config.yaml": CONFIG,
    "content/posts/hello.md": "---\ntitle: Hello\ndate: 2024-01-02\ntags: [news]\n"
    "aliases: [old-hello]\n---\n\nHello.\n",
    "content/posts/hello.fr.md": "---\ntitle: Bonjour\ndate: 2024-01-02\nFRtags: [nouvelles]\n"
    "aliases: [vieux]\n---\n\nBonjour.\n",
    "content/posts/only-en.md": "---\ntitle: Only English\ndate: 2024-01-01\n---\n\nText.\n",
    "content/posts/salam.fa.md": "---\ntitle: سلام\ndate: 2024-01-03\n---\n\nمتن.\n",
    "content/about.md": "---\ntitle: About\n---\n\nAbout.\n",
    "content/about.fr.md": "---\ntitle: À propos\nslug: a-propos\n---\n\nÀ propos.\n",
}


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    return make_site(SITE)


def read(out: Path, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def test_each_language_gets_its_own_tree(site: Path) -> None:
    result = build_site(site)
    assert result.ok, result.diagnostics
    assert not [d for d in result.diagnostics if "translation" in d.message]
    out = result.out_dir
    for path in (
        "index.html", "posts/hello/index.html", "posts/only-en/index.html", "tags/news/index.html",
        "fr/index.html", "fr/posts/hello/index.html", "fr/a-propos/index.html",
        "fr/frtags/index.html", "fr/frtags/nouvelles/index.html", "fr/frtags/nouvelles/index.xml",
        "fr/posts/index.xml", "fr/index.xml", "fr/404.html", "fr/index.json",
        "fa/posts/salam/index.html", "fa/index.xml", "404.html",
    ):  # fmt: skip
        assert (out / path).is_file(), path
    assert not (out / "fr/posts/only-en").exists()
    assert not (out / "fr/tags").exists() and not (out / "frtags").exists()
    # A relative alias sits beside the page, in its language.
    assert "https://example.org/blog/fr/posts/hello/" in read(out, "fr/posts/vieux/index.html")
    assert (out / "posts/old-hello/index.html").is_file()
    # Feeds hold their language's pages only.
    assert "/fr/posts/hello/" in read(out, "fr/index.xml")
    assert "only-en" not in read(out, "fr/index.xml")
    assert "<language>fr-FR</language>" in read(out, "fr/index.xml")
    assert "Bonjour" not in read(out, "index.xml")


def test_translated_pages_link_each_other_with_hreflang(site: Path) -> None:
    out = build_site(site).out_dir
    for path in ("posts/hello/index.html", "fr/posts/hello/index.html"):
        html = read(out, path)
        links = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
        assert links == [
            ("en", "https://example.org/blog/posts/hello/"),
            ("fr", "https://example.org/blog/fr/posts/hello/"),
        ], path
    assert 'hreflang="' not in read(out, "posts/only-en/index.html").split("</head>")[0]
    # Slugs may differ: translations are linked by file path, not by URL.
    assert 'hreflang="fr" href="https://example.org/blog/fr/a-propos/"' in read(
        out, "about/index.html"
    )


def test_language_switcher_lang_and_dir(site: Path) -> None:
    out = build_site(site).out_dir
    en = read(out, "posts/hello/index.html")
    assert '<html lang="en">' in en
    switch = en.split('class="lang-switch"')[1].split("</ul>")[0]
    assert 'href="/blog/fr/posts/hello/" hreflang="fr" lang="fr">Français</a>' in switch
    assert 'href="/blog/fa/" hreflang="fa" lang="fa" dir="rtl">فارسی</a>' in switch
    assert "English" not in switch
    fr = read(out, "fr/posts/hello/index.html")
    assert '<html lang="fr-FR">' in fr and "Le blog" in fr
    fa = read(out, "fa/posts/salam/index.html")
    assert '<html lang="fa" dir="rtl">' in fa
    assert 'href="/blog/" hreflang="en" lang="en">English</a>' in fa


def test_sitemap_index_and_the_default_language_folder(site: Path) -> None:
    out = build_site(site).out_dir
    index = read(out, "sitemap.xml")
    assert "<sitemapindex" in index
    locs = re.findall(r"<loc>(.*?)</loc>", index)
    assert locs == [f"https://example.org/blog/{code}/sitemap.xml" for code in ("en", "fr", "fa")]
    assert "https://example.org/blog/posts/hello/" in read(out, "en/sitemap.xml")
    assert "/fr/" not in read(out, "en/sitemap.xml")
    assert "https://example.org/blog/fr/posts/hello/" in read(out, "fr/sitemap.xml")
    redirect = read(out, "en/index.html")
    assert 'http-equiv="refresh" content="0; url=https://example.org/blog/"' in redirect
    assert "Sitemap: https://example.org/blog/sitemap.xml" in read(out, "robots.txt")
    assert not (out / "fr/robots.txt").exists()


def test_default_language_in_subdir(make_site: Callable[..., Path]) -> None:
    files = dict(SITE)
    files["config.yaml"] = CONFIG + "defaultContentLanguageInSubdir: true\n"
    out = build_site(make_site(files)).out_dir
    assert (out / "en/posts/hello/index.html").is_file()
    assert (out / "en/tags/news/index.html").is_file()
    assert not (out / "posts").exists()
    assert "url=https://example.org/blog/en/" in read(out, "index.html")
    assert (out / "404.html").is_file() and (out / "en/404.html").is_file()


def test_without_languages_a_suffix_is_a_skipped_translation(
    make_site: Callable[..., Path],
) -> None:
    files = {k: v for k, v in SITE.items() if k != "config.yaml"}
    result = build_site(make_site(files))
    assert result.ok
    warnings = [d.message for d in result.diagnostics if "translation" in d.message]
    assert "translation 'hello.fr.md' is not built: 'fr' is not in the config's languages" in (
        warnings
    )
    out = result.out_dir
    assert (out / "sitemap.xml").is_file() and "<urlset" in read(out, "sitemap.xml")
    assert not (out / "fr").exists() and not (out / "en").exists()
    assert 'class="lang-switch"' not in read(out, "posts/hello/index.html")
    assert "hreflang" not in read(out, "posts/hello/index.html")


def test_one_configured_language_uses_its_settings(make_site: Callable[..., Path]) -> None:
    config = "baseURL: https://example.org/\nlanguages:\n  en: {title: English title}\n"
    out = build_site(make_site({**SITE, "config.yaml": config})).out_dir
    assert "English title" in read(out, "index.html")
    assert not (out / "en").exists()


def test_cached_and_uncached_builds_are_identical_and_edits_reach_translations(
    site: Path, tmp_path: Path
) -> None:
    cold = build_site(site, out_dir=tmp_path / "a", use_cache=False)
    light = build_site(site, out_dir=tmp_path / "light", use_cache=False, light_pages_from=0)
    assert snapshot(light.out_dir) == snapshot(cold.out_dir)  # localized copies are light too
    build_site(site, out_dir=tmp_path / "b")
    warm = build_site(site, out_dir=tmp_path / "b", may_skip=False)
    assert warm.stats.outputs_rendered == 0
    assert snapshot(cold.out_dir) == snapshot(tmp_path / "b")
    # A new translation changes the hreflang links of the page it translates.
    (site / "content/posts/only-en.fr.md").write_text("---\ntitle: Seulement\n---\n\nT.\n")
    build_site(site, out_dir=tmp_path / "b")
    fresh = build_site(site, out_dir=tmp_path / "c", use_cache=False)
    assert snapshot(fresh.out_dir) == snapshot(tmp_path / "b")
    assert 'hreflang="fr"' in read(tmp_path / "b", "posts/only-en/index.html")


def test_languages_config_mistakes_are_reported_with_their_line(
    make_site: Callable[..., Path],
) -> None:
    config = (
        "baseURL: https://example.org/\ndefaultContentLanguage: de\n"
        "languages:\n  en: {weight: 1}\n  fr: {weight: 2}\n"
    )
    result = build_site(make_site({"config.yaml": config}))
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert [(d.line, d.message) for d in errors] == [
        (2, "defaultContentLanguage 'de' is not one of the languages")
    ]
