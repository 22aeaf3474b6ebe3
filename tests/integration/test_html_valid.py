"""Every page the default theme writes is valid HTML, and every internal reference resolves.

Two sites are checked: the example site of this repository and a richer generated one (covers,
drafts, pagination, tags, archives and search layouts, a TOC, code blocks, unicode titles, a
base path). Validation uses the Nu Html Checker (``make tools`` installs it); it is skipped
locally without Java or the jar, but fails in CI (``CI`` set), where it must always run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from blog.build import BuildOptions, build
from blog.content import Inclusion

REPO = Path(__file__).resolve().parents[2]
VNU_JAR = REPO / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
NOW = datetime(2025, 1, 1, tzinfo=UTC)

# A 1×1 transparent PNG, for covers and body images.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

RICH_CONFIG = """\
baseURL: https://example.org/sub/
title: Rich Site
languageCode: en-gb
copyright: "© 2025 Test"
pagination:
  pagerSize: 2
menus:
  main:
    - {name: Posts, url: /posts/, weight: 1}
    - {name: Archives, url: /archives/, weight: 2}
    - {name: Search, url: /search/, weight: 3}
    - {name: Tags, url: /tags/, weight: 4}
    - {name: Élan, url: /élan/, weight: 5}
    - {name: Elsewhere, url: "https://example.com/", weight: 6}
params:
  author: [Ann, Bob]
  ShowToc: true
  ShowReadingTime: true
  ShowWordCount: true
  ShowBreadCrumbs: true
  ShowPostNavLinks: true
  ShowCodeCopyButtons: true
  ShowRssButtonInSectionTermList: true
  images: [/img/site.png]
"""


def _post(title: str, date: str, tags: list[str], body: str, **extra: object) -> str:
    lines = ["---"]
    if title:
        lines.append(f"title: {json.dumps(title, ensure_ascii=False)}")
    lines += [f"date: {date}", f"tags: {json.dumps(tags, ensure_ascii=False)}"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in extra.items()]
    return "\n".join([*lines, "---", body, ""])


CODE_BODY = """\
Intro paragraph with `inline code`.

## Setting up

```python
def hello(name: str) -> str:
    return f"Hello, {name} <&>"
```

### A detail

```sh
echo "done"
```

## Wrapping up

See [the unicode post](../unicode/) and [its first part](#setting-up).
"""

RICH_FILES: dict[str, str] = {
    "config.yaml": RICH_CONFIG,
    "content/_index.md": "---\ntitle: Welcome\n---\nHello and **welcome** to the rich site.\n",
    "content/posts/_index.md": "---\ntitle: All Posts\ndescription: Every post.\n---\n",
    "content/posts/code.md": _post(
        "Code & TOC", "2024-12-01", ["Python", "C++"], CODE_BODY, TocOpen=True
    ),
    "content/posts/heading.md": (
        "---\ndate: 2024-11-15\ntags: [Python]\n---\n# Title From Heading\n\nBody text.\n\n"
        "## Section\n\nMore.\n"
    ),
    "content/posts/unicode.md": _post(
        "日本語のタイトル — Ünïcödé", "2024-10-03", ["Données", "AI & ML"], "Texte accentué.\n"
    ),
    "content/posts/bundle/index.md": _post(
        "Bundle With Cover",
        "2024-06-20",
        ["Python"],
        "A bundle.\n\n<!--more-->\n\nThe rest of it: ![a pixel](cover.png).\n",
        cover={"image": "cover.png", "alt": "A pixel", "caption": "Caption *here*"},
    ),
    "content/posts/site-cover.md": _post(
        "Site Cover Hidden In List",
        "2024-06-02",
        ["AI & ML"],
        "Short.\n",
        cover={"image": "/img/pixel.png", "alt": "Pixel", "hiddenInList": True},
        aliases=["/old/site-cover/"],
    ),
    "content/posts/external-cover.md": _post(
        "External Cover Hidden",
        "2023-03-09",
        [],
        "External.\n",
        cover={"image": "https://example.com/x.png", "hidden": True},
        hideSummary=True,
    ),
    "content/posts/draft.md": _post(
        "A Draft", "2023-02-01", ["Python"], "Draft text.\n", draft=True
    ),
    "content/posts/old.md": _post(
        "Old Post", "2022-01-05", ["C++"], "Old.\n", ShowToc=False, author="Carol"
    ),
    "content/archives.md": "---\ntitle: Archives\nlayout: archives\nsearchHidden: true\n---\n",
    "content/search.md": (
        "---\ntitle: Search\nlayout: search\nsearchHidden: true\nplaceholder: Find…\n---\n"
    ),
    "content/élan.md": "---\ntitle: Élan\n---\nA page with an accented URL.\n",
}


def write_rich_site(root: Path) -> Path:
    """Write the rich site under ``root`` and return it."""
    for rel, text in RICH_FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for rel in ("static/img/pixel.png", "static/img/site.png", "content/posts/bundle/cover.png"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(PNG)
    return root


def build_example(tmp: Path) -> Path:
    """Build a copy of this repository's example site; return the output folder."""
    site = tmp / "example"
    site.mkdir()
    shutil.copy(REPO / "config.yaml", site / "config.yaml")
    for name in ("content", "templates", "static"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, site / name)
    out = tmp / "example-out"
    result = build(site, BuildOptions(out_dir=out, now=NOW))
    assert result.ok, result.diagnostics
    return out


def build_rich(tmp: Path) -> Path:
    """Build the rich site with drafts; return the output folder."""
    site = write_rich_site(tmp / "rich")
    out = tmp / "rich-out"
    result = build(site, BuildOptions(out_dir=out, now=NOW, inclusion=Inclusion(drafts=True)))
    assert result.ok, [d for d in result.diagnostics if d.severity == "error"]
    return out


@pytest.fixture(scope="module")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="module")
def rich_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_rich(tmp_path_factory.mktemp("rich"))


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


# --- the Nu Html Checker ---------------------------------------------------------------------


def vnu_errors(files: list[Path]) -> list[str]:
    """Run the Nu Html Checker once over ``files``; return its errors as readable lines."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        missing = "java" if java is None else str(VNU_JAR)
        if os.environ.get("CI"):
            pytest.fail(f"the Nu Html Checker cannot run in CI: {missing} is missing (make tools)")
        pytest.skip(f"{missing} is missing; run `make tools` to validate HTML")
    proc = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    report = json.loads(proc.stderr or proc.stdout)
    return [
        f"{unquote(m.get('url', '?'))}:{m.get('lastLine', '?')}: {m.get('message')}"
        f" [{m.get('extract', '').strip()}]"
        for m in report["messages"]
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


def test_example_site_is_valid_html(example_out: Path) -> None:
    files = html_files(example_out)
    assert len(files) > 5
    assert vnu_errors(files) == []


def test_rich_site_is_valid_html(rich_out: Path) -> None:
    files = html_files(rich_out)
    assert len(files) > 20
    assert vnu_errors(files) == []


# --- internal references ---------------------------------------------------------------------


class _Refs(HTMLParser):
    """Collect element ids and every URL a page refers to."""

    URL_ATTRS = frozenset({("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")})
    URL_ATTRS |= {("source", "src"), ("form", "action"), ("iframe", "src")}
    META_URLS = frozenset({"og:url", "og:image", "twitter:image"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        for name, value in values.items():
            if (tag, name) in self.URL_ATTRS:
                self.refs.append((f"<{tag} {name}>", value))
        meta = values.get("property") or values.get("name") or ""
        if tag == "meta" and meta in self.META_URLS:
            self.refs.append((f"<meta {meta}>", values.get("content", "")))


def _parse(path: Path) -> _Refs:
    parser = _Refs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_references(out: Path, base_url: str) -> Iterator[str]:
    """Yield each internal link, src or fragment of the output that does not resolve."""
    base = urlsplit(base_url)
    base_path = base.path if base.path.endswith("/") else base.path + "/"
    parsed = {path: _parse(path) for path in html_files(out)}
    for path, page in parsed.items():
        page_url = base_path + path.relative_to(out).as_posix()
        for where, ref in page.refs:
            url = urlsplit(urljoin(page_url, ref))
            if url.scheme in ("mailto", "tel", "data"):
                continue
            if url.netloc and (url.scheme, url.netloc) != (base.scheme, base.netloc):
                continue  # another site
            problem = _resolve(out, base_path, unquote(url.path), unquote(url.fragment), parsed)
            if problem:
                yield f"{path.relative_to(out)}: {where} {ref!r}: {problem}"


def _resolve(
    out: Path, base_path: str, path: str, fragment: str, parsed: dict[Path, _Refs]
) -> str | None:
    if not path.startswith(base_path):
        return f"outside the base path {base_path}"
    target = out / path[len(base_path) :]
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return "no such file"
    if fragment and target.suffix == ".html" and fragment not in parsed[target].ids:
        return f"no element with id {fragment!r}"
    return None


def test_example_site_references_resolve(example_out: Path) -> None:
    base_url = (REPO / "config.yaml").read_text(encoding="utf-8").split("baseURL:")[1].split()[0]
    assert list(broken_references(example_out, base_url)) == []


def test_rich_site_references_resolve(rich_out: Path) -> None:
    assert list(broken_references(rich_out, "https://example.org/sub/")) == []


def test_markdown_links_resolve_under_a_base_path(tmp_path: Path) -> None:
    site = write_rich_site(tmp_path / "site")
    (site / "content/posts/links.md").write_text(
        _post("Links", "2021-01-01", [], "[Code](code.md) ![Pixel](/img/pixel.png)\n"), "utf-8"
    )
    out = tmp_path / "out"
    assert build(site, BuildOptions(out_dir=out, now=NOW)).ok
    assert list(broken_references(out, "https://example.org/sub/")) == []


def test_rich_site_covers_every_feature(rich_out: Path) -> None:
    """Guard the fixture: the pages the checks above rely on were actually written."""
    text = {p.relative_to(rich_out).as_posix(): p.read_text("utf-8") for p in html_files(rich_out)}
    assert "posts/page/2/index.html" in text  # pagination
    assert 'class="archive-year"' in text["archives/index.html"]
    assert 'id="search-input"' in text["search/index.html"]
    assert 'class="toc"' in text["posts/code/index.html"]
    assert 'class="highlight"' in text["posts/code/index.html"]
    assert 'class="draft-badge"' in text["posts/draft/index.html"]
    assert 'class="entry-cover"' in text["posts/bundle/index.html"]
    assert "日本語のタイトル" in text["posts/unicode/index.html"]
    assert any(path.startswith("tags/") and path != "tags/index.html" for path in text)
