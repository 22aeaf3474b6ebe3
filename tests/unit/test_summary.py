"""Summary helpers: the fast paths give what the straightforward algorithms give."""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from blog.markdown import MarkdownOptions, render
from blog.summary import auto_summary_end, close_open_tags

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
_TAG_WORD = re.compile(r"^</?[A-Za-z]+>?$")
_ATTR_WORD = re.compile(r"^[A-Za-z]+=[\"']")


class _ReferenceOpenTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]


def reference_close_open_tags(fragment: str) -> str:
    """The first implementation: every fragment through HTMLParser."""
    parser = _ReferenceOpenTags()
    parser.feed(fragment)
    parser.close()
    return fragment + "".join(f"</{tag}>" for tag in reversed(parser.open))


def _reference_count_word(word: str) -> int:
    word = word.strip()
    if not word or word == ">":
        return 0
    return 0 if _TAG_WORD.match(word) or _ATTR_WORD.match(word) else 1


def reference_auto_summary_end(body: str, summary_length: int) -> int:
    """The first implementation: Hugo's loop, character by character."""
    if summary_length <= 0:
        return 0
    count = 0
    start = 0
    while (closing := body.find("</p>", start)) != -1:
        paragraph = body[start:closing]
        word_start = 0
        for index, char in enumerate(paragraph):
            if char.isspace() or index + 1 == len(paragraph):
                count += _reference_count_word(paragraph[word_start:index])
                word_start = index
                if count >= summary_length:
                    return closing + len("</p>")
        start = closing + len("</p")
    return len(body)


TRICKY_HTML = [
    "",
    "<p>one</p>",
    "<ul>\n<li><p>a</p>\n</li>\n<li><p>b",
    "<blockquote><p>x <em>y</em> <a href=\"u\" title='t>x'>z",
    '<div><p/>text<br/><br><hr /><img src="a.png" alt="<">',
    "<DIV><P>Upper</p>",
    "<p>a</b></p><div><span>",
    "<section><p>x</section>",
    "<!-- raw HTML omitted -->\n<p>after</p><div>",
    "<!-- a -- b --><div>",
    "<!--><div>",
    "<!DOCTYPE html><div>",
    "<![CDATA[<p>]]><div>",
    "<?php echo 1 ?><div>",
    "<script>var a = '<div>';</script><p>x",
    "<style>p > a { }</style><ul><li>",
    "<SCRIPT>x</script><div>",
    "<textarea><div></textarea><p>",
    "<title><b></title><i>",
    "a < b and c > d <div>",
    "<div a=b><span c=d/>",
    "<div class=x/><p>",
    "<a href=x/>link",
    "<p>&amp; &copy; &#35; &#x26; &nbsp;<div>",
    "<p>&unknown stuff <div>",
    "<p>&#; then <div>",
    "<p>& alone <div>",
    "<p>&x<div>",
    "<p>tail &amp",
    "<p>tail &",
    "</ p><div></div ><span>",
    '<my-tag><x:y><div data-x="1">',
    '<div\n  class="a"\n>multi-line</div><p>',
    "<p>unterminated <div",
    '<p>unterminated <div class="a',
    "<table><tr><td><p>cell",
    '<ol start="3"><li>x<li>y',
    "<p>x</p></p></div>",
    "<a><b><a><b>",
    "<p>\u00e9 \u6f22 \U0001f389 <em>",
    '<div hidden><input disabled type="checkbox"><p>',
]


def _fixture_html() -> list[str]:
    bodies = []
    for path in sorted(FIXTURES.glob("*.md")):
        for _, _, text, _ in read_fixture_file(path):
            for unsafe in (False, True):
                options = MarkdownOptions(unsafe=unsafe, summary_length=10)
                bodies.append(render(text, options=options, path=Path("p.md")).html)
    return bodies


def _random_html(rng: random.Random) -> str:
    pieces = ["<p>", "</p>", "<div>", "</div>", "<ul>", "<li>", "</li>", "</ul>", "<br>",
              "<em>", "</em>", "<a href=\"x\">", "</a>", "<span class=\"k\">", "</span>",
              "<!-- c -->", "<img src=\"i\">", "<P>", "</P>", "word ", "two words ", " ",
              "\n", "&amp;", "&lt;", "<", ">", "&", "class=\"x\"", "a=b", "</b>", "<h2 id=\"x\">",
              "</h2>", "\t", "\u00a0", "\u2003", "x", "<p/>", "<br/>", "<script>", "</script>",
              "=", "\"", "'"]  # fmt: skip
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))


@pytest.mark.parametrize("fragment", TRICKY_HTML)
def test_close_open_tags_on_tricky_html(fragment: str) -> None:
    assert close_open_tags(fragment) == reference_close_open_tags(fragment)


def test_close_open_tags_on_cut_rendered_pages() -> None:
    for body in _fixture_html():
        for end in sorted({*range(0, len(body), 7), len(body)}):
            fragment = body[:end].strip()
            assert close_open_tags(fragment) == reference_close_open_tags(fragment), fragment


def test_close_open_tags_on_random_html() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        fragment = _random_html(rng)
        assert close_open_tags(fragment) == reference_close_open_tags(fragment), fragment


@pytest.mark.parametrize("length", [0, 1, 2, 3, 5, 10, 70, 1000])
def test_auto_summary_end_on_tricky_html(length: int) -> None:
    for body in [*TRICKY_HTML, "<p>a b</p><p>c d e</p>", "<p>a b c</p>", "<p>x</p>", "</p>"]:
        assert auto_summary_end(body, length) == reference_auto_summary_end(body, length), body


def test_auto_summary_end_on_rendered_and_random_html() -> None:
    rng = random.Random(5)
    bodies = _fixture_html() + [_random_html(rng) for _ in range(3000)]
    for body in bodies:
        for length in (-1, 0, 1, 2, 4, 9, 30, 70):
            expected = reference_auto_summary_end(body, length)
            assert auto_summary_end(body, length) == expected, (body, length)
