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

# The markup close_open_tags reads itself; anything else goes to Python's HTMLParser.
# Each "<" must open one of these: a start tag with quoted attributes, an end tag, or a
# comment without dashes (goldmark's "raw HTML omitted"). Elements whose content HTMLParser
# reads as raw text are left to it.
_SIMPLE_MARKUP = re.compile(
    r"""<(?:
        (?P<start>[a-zA-Z][a-zA-Z0-9]*)
            (?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*"|='[^']*')?)*\s*(?P<self>/?)>
        | /(?P<end>[a-zA-Z][a-zA-Z0-9]*)\s*>
        | !--[^<>\-]*-->
    )""",
    re.VERBOSE,
)
# Character references HTMLParser reads as such ("&" starting anything else may make it
# stop reading tags).
_CHAR_REFERENCE = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#[xX][0-9a-fA-F]+);")
_RAW_TEXT_ELEMENTS = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"}
    | {"noscript", "plaintext"}
)


class _OpenTags(HTMLParser):
    """Follow which elements are open at the end of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        _open(self.open, tag)

    def handle_endtag(self, tag: str) -> None:
        _close(self.open, tag)


def _open(elements: list[str], tag: str) -> None:
    if tag not in _VOID_ELEMENTS:
        elements.append(tag)


def _close(elements: list[str], tag: str) -> None:
    if tag in elements:
        del elements[len(elements) - 1 - elements[::-1].index(tag) :]


def close_open_tags(fragment: str) -> str:
    """Return an HTML fragment cut from a page with the elements it left open closed.

    A summary ends after a paragraph, which may sit in a list item, a blockquote or the
    footnotes; without its closing tags it would swallow the rest of a list page.
    """
    elements = _open_elements(fragment)
    if elements is None:
        parser = _OpenTags()
        parser.feed(fragment)
        parser.close()
        elements = parser.open
    return fragment + "".join(f"</{tag}>" for tag in reversed(elements))


def _open_elements(fragment: str) -> list[str] | None:
    """Return the elements left open as HTMLParser finds them, or None for unusual markup."""
    if "&" in fragment and fragment.count("&") != len(_CHAR_REFERENCE.findall(fragment)):
        return None
    elements: list[str] = []
    match_at = _SIMPLE_MARKUP.match
    find = fragment.find
    index = find("<")
    while index != -1:
        found = match_at(fragment, index)
        if found is None:
            return None
        start, end = found.group("start", "end")
        if start is not None:
            tag = start.lower()
            if tag in _RAW_TEXT_ELEMENTS:
                return None
            _open(elements, tag)
            if found.group("self"):
                _close(elements, tag)
        elif end is not None:
            _close(elements, end.lower())
        index = find("<", found.end())
    return elements


def auto_summary_end(body: str, summary_length: int) -> int:
    """Return where Hugo's automatic summary of this HTML ends.

    Hugo (>= 0.134) takes whole paragraphs: it counts the words up to each ``</p>`` and ends
    the summary after the first paragraph that brings the count to ``summary_length``
    (``resources/page/page_markup.go``, ``ExtractSummaryFromHTML``). Words that look like
    bits of HTML tags are not counted.

    As Hugo's loop does, a paragraph's last character is not read (a last word of one
    letter is not counted), and the text after a ``</p>`` starts at its ``>``.
    """
    if summary_length <= 0:
        return 0
    count = 0
    start = 0
    while (closing := body.find("</p>", start)) != -1:
        words = body[start : closing - 1].split() if closing > start else []
        count += len(words)
        for word in words:
            if _is_markup_word(word):
                count -= 1
        if count >= summary_length:
            return closing + len("</p>")
        start = closing + len("</p")
    return len(body)


def _is_markup_word(word: str) -> bool:
    """Return whether a word is probably an HTML tag or attribute (or a lone ``>``)."""
    if word[0] == "<":
        return bool(_HTML_TAG_WORD.match(word))
    if "=" in word:
        return bool(_HTML_ATTR_WORD.match(word))
    return word == ">"
