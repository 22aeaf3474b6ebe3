"""Build the two real Hugo blogs of ../shared/corpora with configs restating their settings."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blog.build import BuildOptions, BuildResult, build
from blog.content import Inclusion
from tests.conftest import SHARED

# Each config restates only the corpus's site-config.yaml (the facts of its upstream config).
CONFIGS = {
    "kaeruct": """\
baseURL: https://kaeruct.github.io
languageCode: en-us
title: Pejibaye Blog
pagination: {pagerSize: 5}
summaryLength: 70
markup:
  goldmark: {renderer: {unsafe: true}}
  highlight: {style: monokai}
""",
    "papermod-demo": """\
baseURL: https://adityatelange.github.io/hugo-PaperMod/
title: PaperMod
taxonomies: {category: categories, tag: tags, series: series}
pagination: {pagerSize: 3}
enableRobotsTXT: true
markup:
  goldmark: {renderer: {unsafe: true}}
params:
  ShowToc: true
  mainSections: [posts, papermod]
outputs: {home: [HTML, RSS, JSON, llms]}
languages:
  en: {weight: 1, taxonomies: {category: categories, tag: tags, series: series}}
  fr:
    weight: 2
    title: PaperModL2
    taxonomies: {category: FRcategories, tag: FRtags, series: FRseries}
  fa:
    weight: 3
    languagedirection: rtl
    title: PaperMod RTL
    taxonomies: {category: FAcategories, tag: FAtags, series: FAseries}
""",
}

# When the oracles were made (their SOURCE.md): decides which pages were future or expired.
ORACLE_DAY = datetime(2026, 11, 27, 12, tzinfo=UTC)


def corpus_dir(name: str) -> Path:
    """Return ../shared/corpora/NAME, skipping the test when it is absent."""
    path = SHARED / "corpora" / name
    if not path.is_dir():
        pytest.skip(f"../shared/corpora/{name} is not beside this checkout (only in dev and CI)")
    return path


def make_corpus_site(name: str, root: Path) -> Path:
    """Write a site folder in ``root`` with the corpus content and its restated config."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(corpus_dir(name) / "content", root / "content")
    (root / "config.yaml").write_text(CONFIGS[name], encoding="utf-8")
    return root


def build_corpus(
    name: str, root: Path, *, everything: bool = False, base_url: str | None = None
) -> BuildResult:
    """Build a corpus as Hugo did for its oracle (``everything``: -D -F -E)."""
    site = make_corpus_site(name, root)
    inclusion = Inclusion(drafts=everything, future=everything, expired=everything)
    return build(
        site,
        BuildOptions(
            out_dir=root / "public", inclusion=inclusion, now=ORACLE_DAY, base_url=base_url
        ),
    )
