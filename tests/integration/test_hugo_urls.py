"""Same URLs as Hugo: every path Hugo 0.168 wrote for the corpora exists in our output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpora import build_corpus, corpus_dir

# Paths Hugo wrote that no content file can produce, each with the reason.
NOT_FROM_CONTENT = {
    "papermod-demo": {
        "/images/papermod-cover.png": "a file of the upstream site's static/ folder, not copied",
    },
}


def output_paths(public: Path) -> set[str]:
    paths = set()
    for file in public.rglob("*"):
        if file.is_file():
            rel = "/" + file.relative_to(public).as_posix()
            paths.add(rel.removesuffix("index.html") if rel.endswith("/index.html") else rel)
    return paths


@pytest.mark.parametrize("name", ["kaeruct", "papermod-demo"])
def test_every_hugo_path_exists(name: str, tmp_path: Path) -> None:
    hugo = {
        line.strip()
        for line in (corpus_dir(name) / "hugo-urls.txt").read_text().splitlines()
        if line.strip()
    }
    result = build_corpus(name, tmp_path / name)
    assert result.ok, [d for d in result.diagnostics if d.severity == "error"]
    ours = output_paths(result.out_dir)
    missing = hugo - ours - set(NOT_FROM_CONTENT.get(name, {}))
    assert not missing, sorted(missing)


def test_seed_tags_pages_list_the_post_with_its_summary(tmp_path: Path) -> None:
    from tests.integration.test_build import REPO, build_site

    site = tmp_path / "example"
    site.mkdir()
    (site / "config.yaml").write_bytes((REPO / "config.yaml").read_bytes())
    import shutil

    shutil.copytree(REPO / "content", site / "content")
    assert build_site(site).ok
    for slug in ("artifical-intelligence", "machiene-learning", "cloud-computing", "devops"):
        html = (site / "public/tags" / slug / "index.html").read_text()
        assert "/posts/sagemaker-post/" in html, slug
        assert "Unsupervised Machiene Learning | DevOps" in html, slug


@pytest.mark.parametrize("name", ["kaeruct", "papermod-demo"])
def test_every_hugo_feed_item_is_in_our_feed(name: str, tmp_path: Path) -> None:
    import re

    result = build_corpus(name, tmp_path / name)
    assert result.ok
    missing = []
    for line in (corpus_dir(name) / "hugo-rss-items.txt").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        feed, link = line.split("\t")[:2]
        xml = result.out_dir / feed.lstrip("/")
        links = re.findall(r"<link>(.*?)</link>", xml.read_text()) if xml.exists() else []
        if link not in links:
            missing.append((feed, link))
    assert not missing
