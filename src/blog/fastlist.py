r"""A fast path for markdown-it's list rule: simple lists, the same tokens.

markdown-it parses each list item by running the block parser on it: the rules that can
start on its first character, then the paragraph rule, which tries the paragraph's
terminators on the next line; then the list tries its own terminators and markers there.
For the common list, one look at each line tells the same: an item is one line of text,
maybe followed by a nested list of the same shape.

``list_block`` reads such a list in one pass and makes the tokens markdown-it's
``list_block`` makes, leaving the state as it does. Anything else, and anything it is not
sure of, goes to markdown-it's rule, unchanged; so do silent calls (the list as another
block's terminator) that find a marker. The shape it reads, each part checked against the
markdown-it rules it depends on:

- An item line is a marker ("-", "*", "+", or 1 to 9 digits and "." or ")"), 1 to 4
  spaces and text, with no tab before the text.
- The text is one line that can only start a paragraph: not "```", "- x", "1. x", "---"
  (so the line is no thematic break), "#", ">", "<", "$", "\", "~" or a "[label]:".
- The line after it is an item of the list, of a nested list (indented to the text, and
  starting at 1 if ordered) or of an outer list, a blank line or the end.
- After blank lines comes an item of the list (the list is then loose) or a line less
  indented than the text that ends the list.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.list import list_block as _markdown_its
from markdown_it.token import Token

from blog.fasttoken import new_token

# A list item's first line from its marker: a bullet, or 1 to 9 digits and "." or ")"; then
# 1 to 4 spaces and the text, which does not start with a space or a tab.
_ITEM = re.compile(r"(?:([*+-])|([0-9]{1,9})([.)]))( {1,4})(?=[^ \t])")
# Any list marker, as markdown-it's skipBulletListMarker and skipOrderedListMarker see it.
_MARKER = re.compile(r"(?:([*+-])|[0-9]{1,9}([.)]))(?:[ \t]|\Z)")
# A link label on one line: up to its first unescaped "[" or "]".
_LABEL = re.compile(r"\[(?:[^\[\]\\]|\\.)*([\[\]])")
# Characters some block rule before the paragraph starts on (not table, lheading, deflist:
# those look at the next lines first).
_BLOCK_STARTS = frozenset("<#>$\\~`*-_+[0123456789")

_Next = tuple[int, bool, "re.Match[str] | None"]
"""Where a list ends: its line, whether blank lines come before it, and the item there."""


def list_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """Parse a list at ``startLine`` as markdown-it's ``list_block`` does.

    A simple list (see the module's docstring) is read here; other calls go to
    markdown-it's rule.
    """
    pos = state.bMarks[startLine] + state.tShift[startLine]
    if _MARKER.match(state.src, pos, state.eMarks[startLine]) is None:
        return False  # no marker: markdown-it's rule fails, having changed nothing
    if silent or endLine != state.lineMax or not _is_ours(state.md):
        return _markdown_its(state, startLine, endLine, silent)
    base = state.blkIndent
    lists = _Lists(state)
    first = lists.item(startLine) if base <= state.sCount[startLine] < base + 4 else None
    found = None if first is None else lists.read(startLine, first, base, state.level, True)
    if found is None:
        return _markdown_its(state, startLine, endLine, silent)
    state.tokens += lists.tokens
    state.line = found[0]
    return True


_verdicts: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def _is_ours(md: MarkdownIt) -> bool:
    """Return whether the block rules are those this path was checked against.

    That is: fastblock's dispatching ruler knows every enabled rule (it has no tables
    otherwise), the paragraph rule is on, this rule ends paragraphs, and markdown-it's own
    task-list option (which changes the list rule) is off.
    """
    tables_of = getattr(md.block.ruler, "tables", None)
    tables = tables_of() if tables_of is not None else None
    if tables is None or md.options.get("tasklists", False):
        return False
    verdict = _verdicts.get(tables)
    if verdict is None:
        rules = {rule.name: rule for rule in md.block.ruler.__rules__ if rule.enabled}
        lists = rules.get("list")
        verdict = (
            "paragraph" in rules
            and lists is not None
            and lists.fn is list_block
            and "paragraph" in lists.alt
        )
        _verdicts[tables] = verdict
    return verdict


def _starts_paragraph(src: str, pos: int, end: int) -> bool:
    """Return whether a line whose text is ``src[pos:end]`` can only start a paragraph.

    It can when no block rule but table, lheading, deflist and paragraph matches it; the
    caller checks the next lines, which those three look at. False when unsure.
    """
    char = src[pos]
    if char not in _BLOCK_STARTS:
        return True
    if char == "`":
        return not src.startswith("```", pos)  # a fence needs three
    if char in "*-_+":
        # A list needs a space after its bullet; a thematic break only markers and spaces.
        if pos + 1 >= end or src[pos + 1] in " \t":
            return False
        return char == "+" or bool(src[pos:end].lstrip(char + " \t"))
    if "0" <= char <= "9":
        return _MARKER.match(src, pos, end) is None
    if char == "[" and not src.startswith("[^", pos):  # "[^": maybe a footnote definition
        # A reference needs "]:" after its label, which markdown-it looks for on this line
        # first (and on the next lines when the line has no "]").
        label = _LABEL.match(src, pos, end)
        return label is not None and (
            label.group(1) == "[" or src[label.end() : label.end() + 1] != ":"
        )
    return False  # html, heading, blockquote, math, a "~~~" fence, a footnote definition


class _Lists:
    """Reads simple lists from a block state without changing it, gathering their tokens."""

    def __init__(self, state: StateBlock) -> None:
        self.src = state.src
        self.b_marks, self.e_marks = state.bMarks, state.eMarks
        self.t_shift, self.s_count = state.tShift, state.sCount
        self.end = state.lineMax
        self.max_nesting: int = state.md.options.maxNesting
        self.tokens: list[Token] = []

    def item(self, line: int) -> re.Match[str] | None:
        """Return the marker, spaces and text of a simple item line, or None."""
        shift = self.t_shift[line]
        start = self.b_marks[line]
        src = self.src
        if self.s_count[line] != shift or (shift and "\t" in src[start : start + shift]):
            return None  # tabs, or marks a blockquote left: markdown-it decides
        # A thematic break ("- - -") matches too; its text fails _starts_paragraph.
        return _ITEM.match(src, start + shift, self.e_marks[line])

    def has_same_marker(self, line: int, ordered: bool, char: str) -> bool:
        """Return whether a line starts with a marker of the same list (kind and character)."""
        pos = self.b_marks[line] + self.t_shift[line]
        found = _MARKER.match(self.src, pos, self.e_marks[line])
        if found is None:
            return False
        return (found.group(2) if ordered else found.group(1)) == char

    def read(
        self, line: int, found: re.Match[str], base: int, level: int, top: bool
    ) -> _Next | None:
        """Add the tokens of the list starting at ``line``; return where it ends.

        ``found`` is its first item line, ``base`` its ``blkIndent``, ``level`` its token
        level; ``top`` is false for a list nested by this reader, which must end where its
        parent item does. None: not a simple list.
        """
        if level + 2 >= self.max_nesting:
            return None  # markdown-it would skip the items' content
        src, e_marks, s_count, tokens = self.src, self.e_marks, self.s_count, self.tokens
        bullet, digits, delimiter, _ = found.groups()
        ordered = bullet is None
        char = delimiter if ordered else bullet
        list_map = [line, 0]
        if ordered:
            opened = new_token(
                "ordered_list_open", "ol", 1, "", char, level=level, lines=list_map, block=True
            )
            if int(digits) != 1:
                opened.attrs = {"start": int(digits)}
        else:
            opened = new_token(
                "bullet_list_open", "ul", 1, "", char, level=level, lines=list_map, block=True
            )
        tokens.append(opened)
        first = len(tokens)
        tight = True  # its paragraphs are made hidden, as markdown-it does in a tight list
        while True:
            text, eol = found.end(), e_marks[line]
            if not _starts_paragraph(src, text, eol):
                return None
            item_map = [line, 0]
            after = line + 1
            opening = _item_tokens(level, item_map, char, found.group(2) or "", src[text:eol])
            tokens += opening
            indent = s_count[line] + text - found.start()
            next_line = self.after_item(after, indent, level)
            if next_line is None:
                return None
            after, blank, found_next = next_line
            item_map[1] = after
            tokens.append(
                new_token("list_item_close", "li", -1, "", char, level=level + 1, block=True)
            )
            if after >= self.end or s_count[after] < base:
                break  # the end, or an item of an outer list
            if s_count[after] >= base + 4:
                return None  # after blank lines code, else a lazy continuation line
            if blank:
                if self.has_same_marker(after, ordered, char):
                    found_next = self.item(after)
                    if found_next is None:
                        return None  # an item markdown-it should read
                    tight = False  # the list goes on after blank lines: it is loose
                    line, found = after, found_next
                    continue
                if top:
                    break  # another block starts there
                return None  # the parent item goes on
            assert found_next is not None  # read by after_item, or by the nested list
            if found_next.group(1) == bullet and found_next.group(3) == delimiter:
                line, found = after, found_next
                continue
            if top:
                break  # another list starts there
            return None
        if not tight:
            for token in tokens[first:]:
                if token.level == level + 2 and token.type.startswith("paragraph_"):
                    token.hidden = False
        list_map[1] = after
        closed = "ordered_list_close" if ordered else "bullet_list_close"
        tokens.append(
            new_token(closed, "ol" if ordered else "ul", -1, "", char, level=level, block=True)
        )
        return after, blank, found_next

    def after_item(self, line: int, indent: int, level: int) -> _Next | None:
        """Read what follows an item's line: a nested list, blank lines, another item.

        ``line`` is the line after the item's text, ``indent`` the text's column. Return
        the line after the item, or None when markdown-it would do more than end the
        paragraph there (a lazy continuation line, say).
        """
        b_marks, t_shift, e_marks, end = self.b_marks, self.t_shift, self.e_marks, self.end
        if line >= end:
            return line, False, None
        if b_marks[line] + t_shift[line] >= e_marks[line]:
            line += 1
            while line < end and b_marks[line] + t_shift[line] >= e_marks[line]:
                line += 1
            if line < end and self.s_count[line] >= indent:
                return None  # more content in the item: a paragraph, code, a loose list
            return line, True, None
        found = self.item(line)
        if found is None:
            return None  # a continuation line, or a block markdown-it should read
        column = self.s_count[line]
        if column < indent:
            return line, False, found  # another item of this list or of an outer one
        # A nested list: it may interrupt the paragraph if it starts at 1.
        if column > indent + 3 or (found.group(1) is None and int(found.group(2)) != 1):
            return None
        return self.read(line, found, indent, level + 2, False)


def _item_tokens(
    level: int, lines: list[int], markup: str, info: str, text: str
) -> tuple[Token, Token, Token, Token]:
    """Return the tokens that open an item and hold its one-line paragraph (hidden)."""
    start, end = lines[0], lines[0] + 1
    content = text.strip(MD_TRIM_CHARS)
    inline = new_token("inline", "", 0, content, level=level + 3, lines=[start, end], block=True)
    inline.children = []
    opening = new_token("paragraph_open", "p", 1, level=level + 2, lines=[start, end], block=True)
    closing = new_token("paragraph_close", "p", -1, level=level + 2, block=True)
    opening.hidden = closing.hidden = True
    return (
        new_token(
            "list_item_open",
            "li",
            1,
            "",
            markup,
            level=level + 1,
            lines=lines,
            info=info,
            block=True,
        ),
        opening,
        inline,
        closing,
    )


__all__ = ["list_block"]
