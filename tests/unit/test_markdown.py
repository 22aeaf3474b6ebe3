"""The markdown stage: HTML, ids, TOC, summary, links and diagnostics of ``blog.markdown``."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from blog.errors import Diagnostic
from blog.highlight import find_lexer
from blog.markdown import (
    Heading,
    MarkdownOptions,
    Rendered,
    _parser,
    highlight_css,
    render,
)
from blog.model import Link, TocEntry

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "sagemaker-post.md"
SEED_OFFSET = 9
PAGE = Path("/site/content/posts/p.md")
DEFAULT = MarkdownOptions()


def fixture_cases() -> list[object]:
    cases = []
    for path in sorted(FIXTURES.glob("*.md")):
        for line, title, text, expected in read_fixture_file(path):
            cases.append(pytest.param(path.stem, text, expected, id=f"{path.stem}:{line}:{title}"))
    return cases


@pytest.mark.parametrize(("name", "text", "expected"), fixture_cases())
def test_fixture(name: str, text: str, expected: str) -> None:
    """Fixture files named ``*_unsafe.md`` render with ``unsafe: true``."""
    options = MarkdownOptions(unsafe=name.endswith("_unsafe"))
    assert render(text, options=options, path=PAGE).html == expected


def test_fixture_files_cover_every_area() -> None:
    names = {path.stem for path in FIXTURES.glob("*.md")}
    assert names >= {"headings", "blocks", "raw_html_safe", "raw_html_unsafe", "links", "code"}
    assert len(fixture_cases()) >= 35


# --- the seed post ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Rendered:
    if not SEED.exists():
        pytest.skip(f"{SEED} is absent: the seed post lives in ../shared beside the repo")
    text = SEED.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    assert lines[SEED_OFFSET - 1] == "---\n", "the seed's front matter should end on line 9"
    return render("".join(lines[SEED_OFFSET:]), options=DEFAULT, path=SEED, line_offset=9)


def test_seed_heading_ids_match_hugo(seed: Rendered) -> None:
    assert [h.id for h in seed.headings] == [
        "cloud-computing-and-ai--ml",
        "-sagemaker-and-modern-day-ml",
        "evolvement-and-need-of-ml",
        "aws--gpus",
    ]
    assert [h.line for h in seed.headings] == [10, 11, 12, 22]


def test_seed_backslash_line_ends_are_three_br_in_the_first_paragraph(seed: Rendered) -> None:
    first = re.search(r"<p>.*?</p>", seed.html, re.DOTALL)
    assert first is not None
    assert first[0].count("<br>") == 3
    assert "<br />" not in seed.html
    assert "\\" not in first[0]


def test_seed_blockquote_ends_at_its_empty_quote_line(seed: Rendered) -> None:
    quote = re.search(r"<blockquote>\n(.*?)</blockquote>\n(<p>.*?</p>)", seed.html, re.DOTALL)
    assert quote is not None
    assert quote[1].startswith("<p>SageMaker takes away")
    assert "You can Read more" not in quote[1]
    assert quote[2].startswith("<p>You can Read more")


def test_seed_leading_h1_toc_and_links(seed: Rendered) -> None:
    assert seed.leading_h1 == Heading(
        level=1, id="cloud-computing-and-ai--ml", text="Cloud Computing and AI | ML", line=10
    )
    assert [entry.id for entry in seed.toc] == ["-sagemaker-and-modern-day-ml"]
    assert [child.id for child in seed.toc[0].children] == [
        "evolvement-and-need-of-ml",
        "aws--gpus",
    ]
    assert [(link.target, link.line) for link in seed.links] == [
        ("https://docs.aws.amazon.com/sagemaker/latest/dg/how-it-works-mlconcepts.html", 19),
        ("https://aws.amazon.com/blogs/aws/category/artificial-intelligence/sagemaker/", 20),
    ]
    assert seed.diagnostics == ()


# --- code ---------------------------------------------------------------------------------


def test_unknown_language_warns_at_the_fence_file_line_with_a_did_you_mean() -> None:
    text = "Intro.\n\n```pyhton\nprint(1)\n```\n"
    rendered = render(text, options=DEFAULT, path=PAGE, line_offset=5)
    assert rendered.diagnostics == (
        Diagnostic(
            severity="warning",
            message="unknown code language 'pyhton'",
            path=PAGE,
            line=8,
            hint="did you mean 'python'?",
        ),
    )
    assert '<code class="language-pyhton" data-lang="pyhton">print(1)\n</code>' in rendered.html


def test_unknown_language_far_from_any_name_still_has_a_hint() -> None:
    rendered = render("```qqqzzzx\nx\n```\n", options=DEFAULT, path=PAGE)
    (diagnostic,) = rendered.diagnostics
    assert diagnostic.line == 1
    assert diagnostic.hint is not None
    assert "did you mean" not in diagnostic.hint


@pytest.mark.parametrize("info", ["", "text", "plaintext", "txt", "none", "plain", "mermaid"])
def test_no_warning_without_a_language_or_for_plain_ones(info: str) -> None:
    rendered = render(f"```{info}\n<x>\n```\n", options=DEFAULT, path=PAGE)
    assert rendered.diagnostics == ()
    assert "&lt;x&gt;" in rendered.html
    assert "<span" not in rendered.html


def test_highlight_off_keeps_plain_code() -> None:
    options = MarkdownOptions(highlight=False)
    rendered = render("```python\nx = 1\n```\n", options=options, path=PAGE)
    assert rendered.html == (
        '<pre tabindex="0"><code class="language-python" data-lang="python">x = 1\n</code></pre>\n'
    )


def test_highlighted_code_has_no_nested_pre() -> None:
    html = render("```js\nlet a = 1;\n```\n", options=DEFAULT, path=PAGE).html
    assert html.startswith('<div class="highlight"><pre tabindex="0"><code class="language-js"')
    assert html.count("<pre") == 1
    assert '<span class="kd">let</span>' in html


def test_lexers_and_parsers_are_built_once() -> None:
    assert find_lexer("Python") is find_lexer("python")
    assert find_lexer("pyhton") is None
    assert _parser(MarkdownOptions()) is _parser(MarkdownOptions())
    assert _parser(MarkdownOptions(unsafe=True)) is not _parser(MarkdownOptions())


def test_highlight_css_has_light_rules_and_dark_rules_for_both_dark_switches() -> None:
    css = highlight_css()
    light, dark = css.split("@media (prefers-color-scheme: dark) {", 1)
    assert ".highlight .k {" in light
    media, forced = dark.split("\n}\n", 1)
    assert ":root:not([data-theme=light]) .highlight .k {" in media
    assert "[data-theme=dark] .highlight .k {" in forced
    assert "[data-theme=dark] .highlight" in forced.splitlines()[0]
    dark_rules = [line for line in (media + forced).splitlines() if "{" in line]
    assert all("data-theme" in rule for rule in dark_rules), "an unscoped dark rule leaks"
    assert highlight_css("default", "github-dark") != css


# --- raw HTML and the summary ---------------------------------------------------------------


def test_more_divider_splits_the_summary_and_never_shows() -> None:
    text = "First *para*.\n\n<!--more-->\n\nSecond para.\n"
    for unsafe in (False, True):
        rendered = render(text, options=MarkdownOptions(unsafe=unsafe), path=PAGE)
        assert rendered.summary == "<p>First <em>para</em>.</p>"
        assert rendered.summary_is_truncated
        assert rendered.html == "<p>First <em>para</em>.</p>\n<p>Second para.</p>\n"


def test_more_divider_at_the_end_is_not_truncated() -> None:
    rendered = render("Only.\n\n<!--more-->\n", options=DEFAULT, path=PAGE)
    assert rendered.summary == "<p>Only.</p>"
    assert not rendered.summary_is_truncated


def test_more_divider_inside_a_paragraph_closes_it() -> None:
    rendered = render("Lead <!--more--> tail.\n", options=DEFAULT, path=PAGE)
    assert rendered.summary == "<p>Lead</p>"
    assert rendered.html == "<p>Lead  tail.</p>\n"


def test_more_divider_in_code_is_just_code() -> None:
    rendered = render("```\n<!--more-->\n```\n", options=DEFAULT, path=PAGE)
    assert "&lt;!--more--&gt;" in rendered.html
    assert not rendered.summary_is_truncated


def words(count: int, word: str = "w") -> str:
    return " ".join([word] * count)


def test_automatic_summary_takes_whole_paragraphs_until_the_word_count() -> None:
    text = f"{words(40)}\n\n## Heading\n\n{words(40)}\n\n{words(40)}\n"
    rendered = render(text, options=DEFAULT, path=PAGE)
    assert rendered.summary.count("<p>") == 2
    assert rendered.summary.endswith("</p>")
    assert '<h2 id="heading">Heading</h2>' in rendered.summary
    assert rendered.summary_is_truncated


def test_automatic_summary_of_a_short_body_is_the_body() -> None:
    rendered = render(f"{words(10)}\n\n{words(10)}\n", options=DEFAULT, path=PAGE)
    assert rendered.summary == rendered.html.strip()
    assert not rendered.summary_is_truncated


def test_summary_length_is_an_option() -> None:
    options = MarkdownOptions(summary_length=5)
    rendered = render(f"{words(6)}\n\n{words(6)}\n", options=options, path=PAGE)
    assert rendered.summary == f"<p>{words(6)}</p>"


# --- text, words, headings, links ------------------------------------------------------------


def test_plain_text_and_word_count() -> None:
    text = "# Title\n\nSome *emph* and `code`.\nNext &amp; last.\n\n<div>omitted</div>\n\nEnd\n"
    rendered = render(text, options=DEFAULT, path=PAGE)
    assert rendered.plain_text == "Title Some emph and code. Next & last.\nEnd"
    assert rendered.word_count == 9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# Title\n\nBody.\n", Heading(level=1, id="title", text="Title", line=4)),
        (
            "Setext *Title*\n===\n\nBody.\n",
            Heading(level=1, id="setext-title", text="Setext Title", line=4),
        ),
        ("\n\n# Late\n", Heading(level=1, id="late", text="Late", line=6)),
        ("Para first.\n\n# Title\n", None),
        ("## Two\n", None),
    ],
)
def test_leading_h1_only_when_the_first_block_is_an_h1(text: str, expected: Heading | None) -> None:
    assert render(text, options=DEFAULT, path=PAGE, line_offset=3).leading_h1 == expected


def test_every_heading_with_its_file_line_including_nested_ones() -> None:
    text = "# One\n\n> ## Quoted\n\n- ### Listed\n\n#### Four `x`\n"
    rendered = render(text, options=DEFAULT, path=PAGE, line_offset=2)
    assert [(h.level, h.id, h.text, h.line) for h in rendered.headings] == [
        (1, "one", "One", 3),
        (2, "quoted", "Quoted", 5),
        (3, "listed", "Listed", 7),
        (4, "four-x", "Four x", 9),
    ]


def test_toc_levels_and_plain_titles() -> None:
    text = "# Top\n\n## See [docs](https://x.org) **now**\n\n### Sub\n\n#### Too deep\n"
    rendered = render(text, options=DEFAULT, path=PAGE)
    assert rendered.toc == (
        TocEntry(
            level=2,
            id="see-docs-now",
            title="See docs now",
            children=(TocEntry(level=3, id="sub", title="Sub"),),
        ),
    )
    wide = render(text, options=MarkdownOptions(toc_start=1, toc_end=6), path=PAGE)
    assert [entry.id for entry in wide.toc] == ["top"]
    assert wide.toc[0].children[0].children[0].children[0].id == "too-deep"


def test_skipped_level_becomes_a_direct_child_not_an_empty_wrapper() -> None:
    """Valid HTML instead of Hugo's bare ``<li><ul>`` for the missing h3."""
    options = MarkdownOptions(toc_start=2, toc_end=4)
    rendered = render("## A\n\n#### B\n\n### C\n", options=options, path=PAGE)
    assert rendered.toc == (
        TocEntry(
            level=2,
            id="a",
            title="A",
            children=(TocEntry(level=4, id="b", title="B"), TocEntry(level=3, id="c", title="C")),
        ),
    )


def test_duplicate_custom_id_is_made_unique_unlike_hugo() -> None:
    """Hugo writes ``id="x"`` twice; one page must not repeat an id, so the second is x-1."""
    rendered = render("## X {#x}\n\n## Y {#x}\n\n## X\n", options=DEFAULT, path=PAGE)
    assert [h.id for h in rendered.headings] == ["x", "x-1", "x-2"]


def test_links_and_images_with_their_file_lines() -> None:
    text = (
        "Intro [one](a.md) and\n"
        "![pic](img/p.png) on line two\\\n"
        "then <https://e.org> and [bad](javascript:x).\n"
        "\n"
        "| t |\n|---|\n| [cell](c.md) |\n"
    )
    rendered = render(text, options=DEFAULT, path=PAGE, line_offset=10)
    assert rendered.links == (
        Link(target="a.md", line=11),
        Link(target="img/p.png", line=12, is_image=True),
        Link(target="https://e.org", line=13),
        Link(target="c.md", line=17),
    )
    assert "javascript" not in "".join(re.findall(r'(?:href|src)="[^"]*"', rendered.html))


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("see [a](a.md) now", "a.md"),
        ("see ![i](i.png) now", "i.png"),
        ("see [r][ref] now\n\n[ref]: r.md", "r.md"),
        ("see [ref] now\n\n[ref]: r.md", "r.md"),
        ("see <https://auto.org/x> now", "https://auto.org/x"),
        ("see <me@mail.org> now", "mailto:me@mail.org"),
        ("see www.example.org now", "http://www.example.org"),
        ("see https://example.org/p now", "https://example.org/p"),
        ("see me@mail.org now", "mailto:me@mail.org"),
        ("# Heading with [a link](h.md)", "h.md"),
        ("- item with www.example.org", "http://www.example.org"),
    ],
)
def test_every_kind_of_link_is_collected(text: str, target: str) -> None:
    assert [link.target for link in render(text, options=DEFAULT, path=PAGE).links] == [target]


def test_rendered_is_picklable_and_holds_no_markdown_it_objects() -> None:
    rendered = render("# T\n\n```pyhton\nx\n```\n[a](b.md)\n", options=DEFAULT, path=PAGE)
    again = pickle.loads(pickle.dumps(rendered))
    assert again == rendered
    assert b"markdown_it" not in pickle.dumps(rendered)
    assert rendered.diagnostics and rendered.links and rendered.headings


def test_generic_link_text_gets_a_visually_hidden_destination() -> None:
    """WCAG C7: "here" is announced as "here (aws.amazon.com)"; the visible text stays."""
    text = "Read [here](https://www.aws.amazon.com/x) or [the docs](/a/) or [more](../b/post.md)."
    rendered = render(text, options=MarkdownOptions(), path=Path("p.md"))
    assert 'here<span class="visually-hidden"> (aws.amazon.com)</span></a>' in rendered.html
    assert '<a href="/a/">the docs</a>' in rendered.html
    assert 'more<span class="visually-hidden"> (post)</span></a>' in rendered.html
    assert "aws.amazon.com" not in rendered.plain_text
    assert rendered.word_count == 7
