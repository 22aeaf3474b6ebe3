"""ATX headings and one-line paragraphs, read as markdown-it reads them: the same tokens.

markdown-it's ``heading`` and ``paragraph`` rules make their three tokens through
``StateBlock.push`` (the ``Token`` constructor, a debug-log call per rule). A technical
blog's pages are mostly headings and paragraphs of one (long) line, so ``fastblock`` puts these
rules in place of markdown-it's. ``heading`` is markdown-it's rule line for line, with tokens
made by ``fasttoken``; ``paragraph`` reads a paragraph whose next line is empty or the end,
and leaves any other to markdown-it's rule, which tries the terminators on each next line.
Tests compare the tokens and the parser's state with markdown-it's.
"""

from __future__ import annotations

from markdown_it.common.utils import isStrSpace, mdTrim
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.paragraph import paragraph as upstream_paragraph
from markdown_it.token import Token

from blog.fasttoken import new_token

_MARKUP = "########"


def heading(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """markdown-it's ATX heading rule (``# Title``), making the same tokens faster."""
    src = state.src
    pos = state.bMarks[startLine] + state.tShift[startLine]
    maximum = state.eMarks[startLine]
    if state.is_code_block(startLine) or pos >= maximum or pos >= len(src) or src[pos] != "#":
        return False
    level = 1
    pos += 1
    while pos < maximum and src[pos] == "#" and level <= 6:
        level += 1
        pos += 1
    if level > 6 or (pos < maximum and not isStrSpace(src[pos])):
        return False
    if silent:
        return True
    maximum = state.skipSpacesBack(maximum, pos)
    tmp = state.skipCharsStrBack(maximum, "#", pos)
    if tmp > pos and isStrSpace(src[tmp - 1]):
        maximum = tmp
    state.line = startLine + 1
    tag, markup = f"h{level}", _MARKUP[:level]
    _push_leaf(state, "heading", tag, markup, mdTrim(src[pos:maximum]), startLine)
    return True


def paragraph(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """markdown-it's paragraph rule: one-line paragraphs here, the others by markdown-it."""
    next_line = startLine + 1
    if next_line < state.lineMax and not state.isEmpty(next_line):
        return upstream_paragraph(state, startLine, endLine, silent)
    content = mdTrim(state.getLines(startLine, next_line, state.blkIndent, False))
    state.line = next_line
    _push_leaf(state, "paragraph", "p", "", content, startLine)
    return True


def _push_leaf(
    state: StateBlock, kind: str, tag: str, markup: str, content: str, line: int
) -> None:
    """Push ``kind_open``, the inline token and ``kind_close``, as three ``push`` calls do."""
    level = state.level
    inline: Token = new_token("inline", "", 0, content, level=level + 1, block=True)
    inline.map = [line, state.line]
    inline.children = []
    state.tokens += (
        new_token(
            f"{kind}_open", tag, 1, "", markup, level=level, lines=[line, state.line], block=True
        ),
        inline,
        new_token(f"{kind}_close", tag, -1, "", markup, level=level, block=True),
    )


__all__ = ["heading", "paragraph"]
