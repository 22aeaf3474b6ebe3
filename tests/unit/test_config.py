"""config.yaml: Hugo's keys, defaults, and every problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from blog.config import load_config
from blog.errors import BlogError, Diagnostics


def load(tmp_path: Path, text: str) -> tuple[object, Diagnostics]:
    (tmp_path / "config.yaml").write_text(text)
    diag = Diagnostics()
    return load_config(tmp_path, diag), diag


def test_hugo_keys_are_read(tmp_path: Path) -> None:
    config, diag = load(
        tmp_path,
        "baseURL: https://example.github.io/myblog\n"
        "title: T\nlanguageCode: de\ntimeZone: Europe/Berlin\n"
        "taxonomies: {tag: tags, series: series}\n"
        "permalinks: {posts: /:year/:slug/}\n"
        "pagination: {pagerSize: 5}\n"
        "markup:\n  goldmark: {renderer: {unsafe: true}}\n"
        "  tableOfContents: {startLevel: 1, endLevel: 4}\n"
        "params: {ShowToc: true, mainSections: [posts]}\n",
    )
    assert not diag.items
    assert config.base_url == "https://example.github.io/myblog/"  # type: ignore[attr-defined]
    assert config.base_path == "/myblog/"  # type: ignore[attr-defined]
    assert config.language_code == "de"  # type: ignore[attr-defined]
    assert config.timezone == "Europe/Berlin"  # type: ignore[attr-defined]
    assert config.taxonomies == (("tag", "tags"), ("series", "series"))  # type: ignore[attr-defined]
    assert config.permalinks == {"posts": "/:year/:slug/"}  # type: ignore[attr-defined]
    assert config.pager_size == 5  # type: ignore[attr-defined]
    assert config.unsafe_html is True  # type: ignore[attr-defined]
    assert (config.toc_start, config.toc_end) == (1, 4)  # type: ignore[attr-defined]
    assert config.params["showtoc"] is True  # type: ignore[attr-defined]
    assert config.main_sections == ("posts",)  # type: ignore[attr-defined]


def test_hugo_page_and_term_permalinks(tmp_path: Path) -> None:
    config, _ = load(
        tmp_path,
        "baseURL: https://e.org/\npermalinks:\n  page: {posts: /:year/:slug/}\n"
        "  term: {tags: /topic/:slug/}\n",
    )
    assert config.permalinks == {"posts": "/:year/:slug/"}  # type: ignore[attr-defined]
    assert config.term_permalinks == {"tags": "/topic/:slug/"}  # type: ignore[attr-defined]


def test_old_paginate_key_still_works(tmp_path: Path) -> None:
    config, _ = load(tmp_path, "baseURL: https://e.org/\npaginate: 7\n")
    assert config.pager_size == 7  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("baseURL: https://e.org/\npagination:\n  pagerSize: ten\n", 3, "must be an integer"),
        ("baseURL: https://e.org/\npagination:\n  pagerSize: 0\n", 3, "positive integer"),
        ("baseURL: https://e.org/\ntimeZone: Mars/Base\n", 2, "unknown timeZone"),
        ("title: T\nbaseURL: not a url\n", 2, "absolute URL"),
        ("baseURL: https://e.org/\ntitle: [a, b]\n", 2, "title must be a string"),
        ("baseURL: https://e.org/\ntitle: 'unclosed\n", 3, "not valid YAML"),
    ],
)
def test_bad_values_are_errors_at_their_line(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    _, diag = load(tmp_path, text)
    errors = [d for d in diag.items if d.severity == "error"]
    assert len(errors) == 1, diag.items
    assert errors[0].line == line
    assert fragment in errors[0].message


def test_all_problems_are_reported_not_just_the_first(tmp_path: Path) -> None:
    _, diag = load(
        tmp_path, "baseURL: nope\ntimeZone: Nowhere/City\npagination: {pagerSize: -1}\ntitel: x\n"
    )
    assert diag.error_count == 3
    assert diag.warning_count == 1


def test_unknown_key_warns_with_did_you_mean(tmp_path: Path) -> None:
    _, diag = load(tmp_path, "baseURL: https://e.org/\nlanguagecod: en\n")
    (warning,) = diag.items
    assert warning.severity == "warning" and warning.line == 2
    assert warning.hint == "did you mean 'languagecode'?"


def test_config_that_is_not_a_mapping(tmp_path: Path) -> None:
    _, diag = load(tmp_path, "- a\n- b\n")
    assert diag.has_errors and "mapping" in diag.items[0].message


def test_empty_config_gives_defaults(tmp_path: Path) -> None:
    config, diag = load(tmp_path, "")
    assert not diag.items
    assert config.title == "My Blog"  # type: ignore[attr-defined]


def test_missing_config_is_fatal(tmp_path: Path) -> None:
    with pytest.raises(BlogError, match=r"no config\.yaml"):
        load_config(tmp_path, Diagnostics())


def test_hugo_yaml_is_found_too(tmp_path: Path) -> None:
    (tmp_path / "hugo.yaml").write_text("baseURL: https://e.org/\ntitle: From Hugo\n")
    assert load_config(tmp_path, Diagnostics()).title == "From Hugo"
