"""Hugo's automatic summary: where it ends, and closing what the cut left open."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
_HTML_TAG_WORD = re.compile(r"^</?[A-Za-z]+>?$")
_HTML_ATTR_WORD = re.compile(r"^[A-Za-z]+=[\"']")


class _OpenTags(HTMLParser):
    """Follow which elements are open at the end of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID_ELEMENTS:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]


def close_open_tags(fragment: str) -> str:
    """Return an HTML fragment cut from a page with the elements it left open closed.

    A summary ends after a paragraph, which may sit in a list item, a blockquote or the
    footnotes; without its closing tags it would swallow the rest of a list page.
    """
    parser = _OpenTags()
    parser.feed(fragment)
    parser.close()
    return fragment + "".join(f"</{tag}>" for tag in reversed(parser.open))


def auto_summary_end(body: str, summary_length: int) -> int:
    """Return where Hugo's automatic summary of this HTML ends.

    Hugo (>= 0.134) takes whole paragraphs: it counts the words up to each ``</p>`` and ends
    the summary after the first paragraph that brings the count to ``summary_length``
    (``resources/page/page_markup.go``, ``ExtractSummaryFromHTML``). Words that look like
    bits of HTML tags are not counted.
    """
    if summary_length <= 0:
        return 0
    count = 0
    start = 0
    while (closing := body.find("</p>", start)) != -1:
        paragraph = body[start:closing]
        word_start = 0
        for index, char in enumerate(paragraph):
            if char.isspace() or index + 1 == len(paragraph):
                count += _count_word(paragraph[word_start:index])
                word_start = index
                if count >= summary_length:
                    return closing + len("</p>")
        start = closing + len("</p")
    return len(body)


def _count_word(word: str) -> int:
    """Return 1 for a word, 0 for blanks and for what is probably an HTML tag or attribute."""
    word = word.strip()
    if not word or word == ">":
        return 0
    return 0 if _HTML_TAG_WORD.match(word) or _HTML_ATTR_WORD.match(word) else 1
