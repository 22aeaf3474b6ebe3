"""Property tests over front matter and Markdown: no crash, valid UTF-8, well-formed HTML."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blog.markdown import MarkdownOptions, render
from blog.pages import PageSettings, load_page
from tests.conftest import build_site

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Elements Markdown (and our theme) produce whose end tag is never optional in our output.
CHECKED = frozenset(
    {"a", "blockquote", "code", "del", "dd", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4"}
    | {"h5", "h6", "li", "ol", "p", "pre", "s", "section", "span", "strong", "sup", "table"}
    | {"tbody", "td", "th", "thead", "tr", "ul", "nav", "article", "header", "footer", "main"}
    | {"aside"}
)


class TagBalance(HTMLParser):
    """Check that every checked element opened is closed, innermost first."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CHECKED:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CHECKED:
            self.problems.append(f"<{tag}/> is self-closed")

    def handle_endtag(self, tag: str) -> None:
        if tag not in CHECKED:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            if tag in self.stack:
                del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag) :]
            return
        self.stack.pop()


def assert_well_formed(html: str, what: str = "html") -> None:
    html.encode("utf-8")  # no lone surrogates
    checker = TagBalance()
    checker.feed(html)
    checker.close()
    assert not checker.problems, f"{what}: {checker.problems}\n{html[:3000]}"
    assert not checker.stack, f"{what}: left open {checker.stack}\n{html[:3000]}"


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
WORD = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
# Markdown building blocks, nasty ones included: every block and inline construct we enable.
PIECES = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "# ", "## ", "###### ", "\n", "\n\n", "- ", "1. ", "> ", "    ", "```", "```python\n",
            "~~~\n", "*", "**", "_", "~~", "`", "[", "]", "(", ")", "![", "<", ">", "&", "&amp;",
            "&#0;", "|", "| a | b |\n|---|---|\n", "---\n", "***\n", "[^1]", "[^1]: note\n",
            "- [ ] ", "- [x] ", "Term\n: Def\n", "{#id .cls}", "{onclick=x}", "<!--more-->",
            "<!--", "-->", "<div>", "</div>", "<script>alert(1)</script>", "<p>", "</p>", "\\",
            "https://example.org/x", "www.example.org", "a@b.co", "javascript:alert(1)",
            "[x](javascript:alert(1))", "[x]: /y\n", "[x][]", "<https://e.org>", "\t", "\r",
            "\u00a0", "\u200b", "\ufeff", "\x00", "😀", "é", "<!-- raw -->", "<?php ?>",
            "<![CDATA[x]]>", "`` ` ``", "   - ", "> - ", "1) ", "* * *", "Setext\n===\n",
        ]
    ),
)  # fmt: skip
MARKDOWN = st.lists(PIECES, max_size=40).map("".join)

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), WORD, st.dates()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(WORD, inner, max_size=3),
    max_leaves=8,
)
KEYS = st.one_of(
    st.sampled_from(
        [
            "title", "date", "lastmod", "publishDate", "expiryDate", "draft", "tags",
            "categories", "slug", "url", "aliases", "summary", "description", "weight",
            "layout", "type", "build", "params", "ShowToc", "showtoc", "cover", "TocOpen",
        ]
    ),
    WORD,
)  # fmt: skip
FRONT = st.dictionaries(KEYS, VALUES, max_size=8)


def _dump(data: dict[str, object], style: str) -> str:
    if style == "json":
        return json.dumps(data, default=str, ensure_ascii=False, indent=1) + "\n"
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, default_flow_style=None) + "---\n"


SETTINGS = PageSettings(markdown=MarkdownOptions())
PAGE_PATH = Path("/site/content/posts/p.md")


@FAST
@given(MARKDOWN)
def test_markdown_never_crashes_and_is_well_formed(text: str) -> None:
    rendered = render(text, options=MarkdownOptions(), path=PAGE_PATH)
    assert_well_formed(rendered.html, "body")
    assert_well_formed(rendered.summary, "summary")
    assert "<script" not in rendered.html.lower()
    for toc in rendered.toc:
        toc.title.encode("utf-8")


@FAST
@given(MARKDOWN, st.integers(min_value=1, max_value=8))
def test_short_summaries_stay_well_formed(text: str, length: int) -> None:
    rendered = render(text, options=MarkdownOptions(summary_length=length), path=PAGE_PATH)
    assert_well_formed(rendered.summary, "summary")


@FAST
@given(FRONT, st.sampled_from(["yaml", "json"]), MARKDOWN)
def test_any_front_matter_gives_a_page_or_diagnostics(
    data: dict[str, object], style: str, body: str
) -> None:
    text = _dump(data, style) + body
    loaded = load_page(PurePosixPath("posts/p.md"), text, file_path=PAGE_PATH, settings=SETTINGS)
    if loaded.page is None:
        assert any(d.severity == "error" for d in loaded.diagnostics)
    else:
        assert_well_formed(loaded.page.html, "body")
        assert_well_formed(loaded.page.summary, "summary")
        loaded.page.title.encode("utf-8")
    for d in loaded.diagnostics:
        assert d.path == PAGE_PATH
        # a lone CR ends a line too, for markdown-it as for editors
        lines = len(re.split(r"\r\n|\r|\n", text))
        assert d.line is None or 1 <= d.line <= lines, d


@FAST
@given(st.lists(PIECES | st.sampled_from(["---\n", "+++\n", "{", "}", '"a": 1', "= 1"])))
def test_any_text_at_all_never_crashes(pieces: list[str]) -> None:
    text = "".join(pieces)
    loaded = load_page(PurePosixPath("posts/p.md"), text, file_path=PAGE_PATH, settings=SETTINGS)
    assert loaded.page is not None or loaded.diagnostics


@SLOW
@given(
    title=WORD,
    tags=st.lists(WORD, max_size=3),
    description=WORD,
    body=MARKDOWN,
)
def test_whole_pages_parse_as_html(
    make_site: Callable[..., Path],
    tmp_path_factory: object,
    title: str,
    tags: list[str],
    description: str,
    body: str,
) -> None:
    front = {"title": title, "date": "2024-01-01", "tags": tags, "description": description}
    site = make_site(
        {"content/posts/p.md": _dump(front, "yaml") + body},
        root=Path(tmp_path_factory.mktemp("site")),  # type: ignore[attr-defined]
    )
    result = build_site(site)
    assert result.ok or any(d.severity == "error" for d in result.diagnostics)
    if not result.ok:
        return
    for html_file in sorted(result.out_dir.rglob("*.html")):
        text = html_file.read_bytes().decode("utf-8")
        assert_well_formed(text, str(html_file.relative_to(result.out_dir)))
