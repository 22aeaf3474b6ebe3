"""Hugo 0.168's URLs for tricky inputs (../shared/oracles/tricky): pages, terms, aliases, feeds."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blog.build import BuildOptions, BuildResult, build
from blog.content import Inclusion
from tests.conftest import shared_path

NOW = datetime(2026, 11, 27, tzinfo=UTC)


def build_oracle_site(folder: Path, tmp_path: Path) -> BuildResult:
    site = tmp_path / folder.name
    shutil.copytree(folder / "content", site / "content")
    shutil.copy(folder / "config.yaml", site / "config.yaml")
    return build(site, BuildOptions(now=NOW, inclusion=Inclusion(future=True)))


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_oracle_site(shared_path("oracles", "tricky"), tmp_path_factory.mktemp("t"))


@pytest.fixture(scope="module")
def permalinks(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    folder = shared_path("oracles", "tricky", "permalinks")
    return build_oracle_site(folder, tmp_path_factory.mktemp("p"))


@pytest.mark.parametrize("which", ["tricky", "permalinks"])
def test_page_urls_match_hugo(which: str, request: pytest.FixtureRequest) -> None:
    result: BuildResult = request.getfixturevalue(which)
    assert result.ok, result.diagnostics
    folder = shared_path("oracles", "tricky", *(["permalinks"] if which == "permalinks" else []))
    expected = json.loads((folder / "hugo-page-urls.json").read_text())
    assert result.content is not None
    ours = {p.source.as_posix(): p.url for p in result.content.pages}
    assert ours == {src: entry["url"] for src, entry in expected.items()}


@pytest.mark.parametrize("which", ["tricky", "permalinks"])
def test_term_urls_match_hugo(which: str, request: pytest.FixtureRequest) -> None:
    result: BuildResult = request.getfixturevalue(which)
    folder = shared_path("oracles", "tricky", *(["permalinks"] if which == "permalinks" else []))
    expected = json.loads((folder / "hugo-term-urls.json").read_text())
    if "tags" in expected:
        expected = expected["tags"]
        expected = {name: entry["url"] for name, entry in expected.items()}
    assert result.content is not None
    ours = {
        ref.name: ref.url for page in result.content.pages for ref in page.terms.get("tags", ())
    }
    assert {name: ours.get(name) for name in expected} == expected


def test_aliases_redirect_where_hugo_puts_them(tricky: BuildResult) -> None:
    expected = json.loads(shared_path("oracles", "tricky", "hugo-aliases.json").read_text())
    for alias, target in expected.items():
        path = tricky.out_dir / (alias.lstrip("/") + ("index.html" if alias.endswith("/") else ""))
        html = path.read_text()
        assert f'content="0; url={target}"' in html, alias


def test_terms_differing_in_case_are_one_term_with_a_warning(tricky: BuildResult) -> None:
    warnings = [d.message for d in tricky.diagnostics if "only in case" in d.message]
    assert warnings and "Mixed Case" in warnings[0] and "mixed case" in warnings[0]
    assert (tricky.out_dir / "tags/mixed-case/index.html").exists()


@pytest.mark.parametrize("which", ["tricky", "permalinks"])
def test_every_hugo_feed_item_is_in_our_feeds(which: str, request: pytest.FixtureRequest) -> None:
    result: BuildResult = request.getfixturevalue(which)
    folder = shared_path("oracles", "tricky", *(["permalinks"] if which == "permalinks" else []))
    lines = (folder / "hugo-rss-items.txt").read_text().splitlines()
    missing = []
    for line in lines:
        if line.startswith("#") or not line.strip():
            continue
        feed, link = line.split("\t")[:2]
        xml_path = result.out_dir / feed.lstrip("/")
        links = re.findall(r"<link>(.*?)</link>", xml_path.read_text()) if xml_path.exists() else []
        if link.replace("&", "&amp;") not in links and link not in links:
            missing.append((feed, link))
    assert not missing
