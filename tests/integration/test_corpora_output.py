"""The real Hugo blogs, built by us: valid HTML from the theme, links that resolve, valid feeds.

A content file's own raw HTML (and, until shortcodes are supported, shortcode text) can carry its
own validator errors and links to files outside the corpus (the upstream sites' static folders
were not copied). Those are attributed to the content, listed, and kept apart; what the theme
writes must be clean.
"""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest
import xmlschema

from blog.build import BuildOptions, BuildResult, build
from blog.urls import output_path
from tests.conftest import shared_path, snapshot
from tests.corpora import CONFIGS, ORACLE_DAY, build_corpus
from tests.integration.test_html_valid import broken_references, html_files, vnu_errors

CORPORA = ["kaeruct", "papermod-demo"]
CONSEQUENCES = re.compile(r"Unclosed element|Stray end tag|End tag .* seen|Stray|Non-space")


@pytest.fixture(scope="module", params=CORPORA)
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    name = request.param
    result = build_corpus(name, tmp_path_factory.mktemp(name) / name)
    assert result.ok, [d for d in result.diagnostics if d.severity == "error"]
    return result


def base_url(result: BuildResult) -> str:
    name = result.root.name
    return CONFIGS[name].split("baseURL:")[1].split()[0]


def content_lines(path: Path) -> range:
    """Return the lines of a page file that hold the page's own content."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next((i for i, x in enumerate(lines, 1) if 'class="post-content"' in x), 0)
    end = next((i for i, x in enumerate(lines, 1) if i > start and "post-footer" in x), 0)
    return range(start, end + 1) if start else range(0)


def test_theme_output_is_valid_html(corpus: BuildResult) -> None:
    files = html_files(corpus.out_dir)
    theme, content = [], []
    by_file: dict[str, list[tuple[int, str]]] = {}
    for error in vnu_errors(files):
        location, message = error.split(": ", 1)
        file, line = location.removeprefix("file:").rsplit(":", 1)
        by_file.setdefault(file, []).append((int(line) if line.isdigit() else 0, message))
    for file, errors in by_file.items():
        own = content_lines(Path(file))
        has_content_errors = any(line in own for line, _ in errors)
        for line, message in errors:
            # Broken raw HTML in the body (an unclosed <iframe>) also garbles what follows it.
            after_broken_content = has_content_errors and own and line >= own.start
            if (
                line in own
                or after_broken_content
                or (has_content_errors and CONSEQUENCES.search(message))
            ):
                content.append(f"{file}:{line}: {message}")
            else:
                theme.append(f"{file}:{line}: {message}")
    assert theme == []
    print(f"{len(content)} validator errors come from the content's own HTML")


def test_internal_references_resolve_or_come_from_content(corpus: BuildResult) -> None:
    assert corpus.content is not None
    bodies = {output_path(p.url).as_posix(): p.html for p in corpus.content.pages}
    theme = []
    for problem in broken_references(corpus.out_dir, base_url(corpus)):
        file, rest = problem.split(": ", 1)
        ref = re.search(r"'(.*)'", rest)
        body = bodies.get(file, "")
        if not (ref and (ref.group(1) in body or ref.group(1).replace("&", "&amp;") in body)):
            theme.append(problem)
    assert theme == []


def test_feeds_parse_and_sitemap_validates(corpus: BuildResult) -> None:
    for feed in corpus.out_dir.rglob("index.xml"):
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.get("bozo_exception"))
    urlset = xmlschema.XMLSchema(shared_path("schemas", "sitemap.xsd"))
    index = xmlschema.XMLSchema(shared_path("schemas", "siteindex.xsd"))
    sitemaps = sorted(corpus.out_dir.rglob("sitemap.xml"))
    for sitemap in sitemaps:  # with several languages, /sitemap.xml indexes /fr/sitemap.xml …
        is_index = b"<sitemapindex" in sitemap.read_bytes()
        (index if is_index else urlset).validate(str(sitemap))
    assert corpus.out_dir / "sitemap.xml" in sitemaps


def test_pages_kept_light_make_the_same_site(corpus: BuildResult, tmp_path: Path) -> None:
    """``blog build`` keeps page bodies on disk (``bodies.py``): not one byte may change."""
    light = build(
        corpus.root,
        BuildOptions(
            out_dir=tmp_path / "light", now=ORACLE_DAY, use_cache=False, light_pages_from=0
        ),
    )
    assert light.ok
    ours, whole = snapshot(light.out_dir), snapshot(corpus.out_dir)
    ours.pop(".blog-output"), whole.pop(".blog-output")
    assert ours == whole
