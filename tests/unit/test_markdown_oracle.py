"""Heading ids, TOCs and summaries against the output of Hugo 0.168 (``shared/oracles``).

The oracles are the truth: every heading written in Markdown must get the id Hugo gives it.
Where Hugo's TOC is invalid HTML (a bare ``<li>`` for a skipped level, an empty ``<li>`` for
an empty heading, ``<a href="#">`` for a heading without an id), we build the valid tree
instead, so the oracle trees are compared after removing those wrapper items.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from blog.markdown import MarkdownOptions, Rendered, render, render_plain_text
from blog.model import TocEntry

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
TRICKY = SHARED / "oracles" / "tricky"
KAERUCT = SHARED / "corpora" / "kaeruct"
PAPERMOD = SHARED / "corpora" / "papermod-demo"
PAPERMOD_ORACLE = PAPERMOD / "all-content" / "minimal-layouts"

# Hugo's TOC text drops an image's alt text; our plain-text title keeps it.
TITLE_DEVIATIONS = {"alt-img-image-heading": "alt img image heading"}

# Pages whose automatic summary differs only because a shortcode (not supported yet) renders
# differently: kaeruct's go-learn has a `{{< gist >}}` inside its summary.
SUMMARY_SHORTCODE_PAGES = {"posts/2013/09/08/go-learn.md"}


def need(path: Path) -> Path:
    """Return ``path``, skipping the test when the shared oracles are not beside the repo."""
    if not path.exists():
        pytest.skip(f"{path} is absent: the oracles live in ../shared beside the repo")
    return path


def load_json(path: Path) -> Any:
    return json.loads(need(path).read_text(encoding="utf-8"))


def split_body(text: str) -> tuple[str, int]:
    """Return a content file's body after its front matter and the lines before it."""
    for fence in ("---", "+++"):
        if text.startswith(fence + "\n"):
            match = re.search(rf"^{re.escape(fence)}[ \t]*\n", text[4:], re.MULTILINE)
            assert match, "unterminated front matter"
            head_end = 4 + match.end()
            return text[head_end:], text[:head_end].count("\n")
    return text, 0


def render_file(path: Path, options: MarkdownOptions) -> Rendered:
    body, offset = split_body(path.read_text(encoding="utf-8"))
    return render(body, options=options, path=path, line_offset=offset)


def ids_of(rendered: Rendered) -> list[str | None]:
    return [heading.id or None for heading in rendered.headings]


def params(path: Path, build: Any) -> list[Any]:
    """Return test params built from an oracle file, or one skipped param when it is absent."""
    if not path.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{path} is absent"))]
    return build()


# --- the tricky oracle ---------------------------------------------------------------------


def tricky_pages() -> list[Any]:
    urls = json.loads((TRICKY / "hugo-page-urls.json").read_text(encoding="utf-8"))
    return [pytest.param((source, entry["url"]), id=source) for source, entry in urls.items()]


TRICKY_PAGES = params(TRICKY / "hugo-page-urls.json", tricky_pages)
TRICKY_OPTIONS = MarkdownOptions(unsafe=False, toc_start=1, toc_end=6)


@pytest.mark.parametrize("page", TRICKY_PAGES)
def test_tricky_heading_ids_match_hugo(page: tuple[str, str]) -> None:
    source, url = page
    expected = load_json(TRICKY / "hugo-heading-ids.json").get(url, [])
    rendered = render_file(need(TRICKY / "content" / source), TRICKY_OPTIONS)
    assert ids_of(rendered) == expected


def collapse(items: list[dict[str, Any]], key: str) -> list[Any]:
    """Return an oracle TOC as (id, children) trees without Hugo's invalid wrapper items.

    A bare ``<li>`` (id null), an empty heading's ``<li></li>`` and ``<a href="#">`` (id "")
    are replaced by their children, which is the valid tree we build.
    """
    out: list[Any] = []
    for item in items:
        children = collapse(item["children"], key)
        anchor = item[key]
        if anchor and anchor != "#":
            out.append((anchor.removeprefix("#"), children))
        else:
            out.extend(children)
    return out


def tree_of(entries: tuple[TocEntry, ...]) -> list[Any]:
    return [(entry.id, tree_of(entry.children)) for entry in entries]


def titles_of(items: list[dict[str, Any]], key: str) -> dict[str, str]:
    titles: dict[str, str] = {}
    for item in items:
        if item[key]:
            titles[item[key].removeprefix("#")] = item["text"]
        titles.update(titles_of(item["children"], key))
    return titles


def our_titles(entries: tuple[TocEntry, ...]) -> dict[str, str]:
    titles: dict[str, str] = {}
    for entry in entries:
        titles[entry.id] = entry.title
        titles.update(our_titles(entry.children))
    return titles


def untypographed(text: str) -> str:
    """Undo goldmark's typographer (on in Hugo, off here) and normalise whitespace."""
    for fancy, plain in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("…", "...")):
        text = text.replace(fancy, plain)
    text = text.replace("—", "---").replace("–", "--")
    return " ".join(text.split())


@pytest.mark.parametrize("oracle", ["hugo-toc-full.json", "hugo-toc-default.json"])
@pytest.mark.parametrize("page", TRICKY_PAGES)
def test_tricky_toc_matches_hugo_without_invalid_wrappers(
    page: tuple[str, str], oracle: str
) -> None:
    source, url = page
    expected = load_json(TRICKY / oracle).get(url, [])
    start, end = (1, 6) if oracle == "hugo-toc-full.json" else (2, 3)
    options = MarkdownOptions(toc_start=start, toc_end=end)
    rendered = render_file(need(TRICKY / "content" / source), options)
    assert tree_of(rendered.toc) == collapse(expected, "id")
    hugo_titles = {k: untypographed(v) for k, v in titles_of(expected, "id").items()}
    hugo_titles.update({k: v for k, v in TITLE_DEVIATIONS.items() if k in hugo_titles})
    ours = {k: " ".join(v.split()) for k, v in our_titles(rendered.toc).items()}
    assert ours == hugo_titles


def test_skipped_toc_levels_nest_directly_instead_of_hugos_bare_li() -> None:
    """Hugo emits ``<li><ul>…`` with no link for a skipped level; we nest the h3 directly."""
    text = "# Top\n\n### Jumped\n\n## Back\n\n#### Deep\n"
    rendered = render(text, options=TRICKY_OPTIONS, path=Path("p.md"))
    assert tree_of(rendered.toc) == [
        ("top", [("jumped", []), ("back", [("deep", [])])]),
    ]


def test_headings_without_id_stay_out_of_the_toc_instead_of_empty_items() -> None:
    """Hugo gives ``##`` and a bare autolink heading ``<li></li>`` / ``<a href="#">``."""
    text = "## Real\n\n##\n\n## www.example.com\n"
    rendered = render(text, options=MarkdownOptions(), path=Path("p.md"))
    assert ids_of(rendered) == ["real", None, None]
    assert tree_of(rendered.toc) == [("real", [])]


# --- the corpora ---------------------------------------------------------------------------


def kaeruct_pages() -> list[Any]:
    pages = json.loads((KAERUCT / "hugo-pages.json").read_text(encoding="utf-8"))
    return [
        pytest.param((page["file"], page["relpermalink"]), id=page["file"])
        for page in pages
        if page["file"].endswith(".md")
    ]


def papermod_pages() -> list[Any]:
    found = []
    for lang in ("en", "fr", "fa"):
        path = PAPERMOD_ORACLE / f"hugo-pages-{lang}.json"
        for page in json.loads(path.read_text(encoding="utf-8")):
            if page.get("file", "").endswith(".md"):
                url = page["relpermalink"].removeprefix("/hugo-PaperMod")
                found.append(pytest.param((page["file"], url), id=page["file"]))
    return found


KAERUCT_PAGES = params(KAERUCT / "hugo-pages.json", kaeruct_pages)
PAPERMOD_PAGES = params(PAPERMOD_ORACLE / "hugo-pages-en.json", papermod_pages)
CORPUS_OPTIONS = MarkdownOptions(unsafe=True)


@pytest.mark.parametrize("page", KAERUCT_PAGES)
def test_kaeruct_heading_ids_and_toc_match_hugo(page: tuple[str, str]) -> None:
    source, url = page
    rendered = render_file(need(KAERUCT / "content" / source), CORPUS_OPTIONS)
    assert ids_of(rendered) == load_json(KAERUCT / "hugo-heading-ids.json").get(url, [])
    toc = load_json(KAERUCT / "hugo-toc.json").get(url, {"tree": []})["tree"]
    assert tree_of(rendered.toc) == collapse([item for ul in toc for item in ul], "href")


@pytest.mark.parametrize("page", PAPERMOD_PAGES)
def test_papermod_heading_ids_and_toc_match_hugo(page: tuple[str, str]) -> None:
    """Every page, including fr/fa ones, since the oracle has them under /fr/ and /fa/."""
    source, url = page
    rendered = render_file(need(PAPERMOD / "content" / source), CORPUS_OPTIONS)
    expected = load_json(PAPERMOD_ORACLE / "hugo-heading-ids.json").get(url, [])
    assert ids_of(rendered) == expected
    toc = load_json(PAPERMOD_ORACLE / "hugo-toc.json").get(url, {"tree": []})["tree"]
    assert tree_of(rendered.toc) == collapse([item for ul in toc for item in ul], "href")


@pytest.mark.parametrize("page", KAERUCT_PAGES)
def test_kaeruct_automatic_summary_matches_hugo(page: tuple[str, str]) -> None:
    """Hugo >= 0.134 takes whole paragraphs until summaryLength (70) words are reached."""
    source, url = page
    hugo = next(p for p in load_json(KAERUCT / "hugo-pages.json") if p["relpermalink"] == url)
    rendered = render_file(need(KAERUCT / "content" / source), CORPUS_OPTIONS)
    assert rendered.summary_is_truncated == hugo["truncated"]
    if source in SUMMARY_SHORTCODE_PAGES:
        pytest.skip("the summary holds a shortcode, rendered by Hugo but not by us yet")
    ours = untypographed(render_plain_text(rendered.summary)).split()
    assert len(ours) == len(untypographed(hugo["summary_plain"]).split())
