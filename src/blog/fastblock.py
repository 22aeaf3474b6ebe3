"""Faster block parsing for our markdown-it parsers: the same tokens, fewer rule calls.

markdown-it tries every block rule at the start of every block, and the paragraph, list,
blockquote, reference and table rules try every rule of their terminator chain on every
line they continue over. Nearly all those calls fail on their first tests: the character at
the line's first non-space position (``bMarks[line] + tShift[line]``: ``>`` for a
blockquote, ``#`` for a heading…) and whether the line is indented as code. A rule that
fails there has changed nothing, so trying only the rules that can start on that character
and indentation, in their order, gives the same tokens. Rules that look further (table and
deflist at the next lines, lheading, paragraph) are tried on every character.

``install_fast_block`` (called by ``markdown._parser`` after every plugin is in) installs
that dispatch for the main loop and, through the ruler's ``getRules``, for the terminator
chains, plus a faster line scan for ``StateBlock``. It refuses, leaving markdown-it as it
is, unless it knows every enabled block rule; if the rules change later, each call goes
back to markdown-it's own loop. It also puts ``fastlist.list_block`` in place of markdown-it's
list rule (it reads simple lists in one pass), and ``fastleaf``'s heading and paragraph rules in
place of theirs. Tests compare the tokens with markdown-it's.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import accumulate
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock, RuleFuncBlockType
from markdown_it.ruler import Rule, Ruler
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import EnvType

from blog.fastleaf import heading as fast_heading
from blog.fastleaf import paragraph as fast_paragraph
from blog.fastlist import list_block as fast_list_block

_TEXT, _CODE, _ANY = "text", "code", "any"
"""Which lines a rule can match: those not indented as code (the rule fails, having changed
nothing, when ``state.is_code_block(line)``), only those indented as code, or both."""

# Each known block rule: where its function is defined (module and qualified name, so that
# a rule replaced under a known name is not taken for ours), the characters it can start on
# at ``bMarks + tShift`` (from each rule's first tests; None: any character) and its lines.
_KNOWN: dict[str, tuple[str, str | None, str]] = {
    "table": ("markdown_it.rules_block.table.table", None, _TEXT),
    "code": ("markdown_it.rules_block.code.code", None, _CODE),
    "math_bracket_block": ("blog.mathml._bracket_block", "\\", _ANY),
    "math_block": (
        "mdit_py_plugins.dollarmath.index.math_block_dollar.<locals>._math_block_dollar",
        "$",
        _TEXT,
    ),
    "fence": ("markdown_it.rules_block.fence.make_fence_rule.<locals>._fence_rule", "`~", _TEXT),
    "blockquote": ("markdown_it.rules_block.blockquote.blockquote", ">", _TEXT),
    "hr": ("markdown_it.rules_block.hr.hr", "*-_", _TEXT),
    "list": ("markdown_it.rules_block.list.list_block", "*+-0123456789", _TEXT),
    "footnote_def": ("mdit_py_plugins.footnote.index.footnote_def", "[", _TEXT),
    "reference": ("markdown_it.rules_block.reference.reference", "[", _TEXT),
    "html_block": ("markdown_it.rules_block.html_block.html_block", "<", _TEXT),
    "heading": ("markdown_it.rules_block.heading.heading", "#", _TEXT),
    "lheading": ("markdown_it.rules_block.lheading.lheading", None, _TEXT),
    "deflist": ("mdit_py_plugins.deflist.index.deflist_plugin.<locals>.deflist", None, _TEXT),
    "paragraph": ("markdown_it.rules_block.paragraph.paragraph", None, _ANY),
}
# Silent (as a terminator), the deflist rule only checks the line for its ":" or "~" marker.
_SILENT_STARTS = {"deflist": ":~"}
# Our faster rules, installed in place of markdown-it's (same tokens, same start characters).
_FASTER: dict[str, RuleFuncBlockType] = {
    "list": fast_list_block,
    "heading": fast_heading,
    "paragraph": fast_paragraph,
}

_Rules = tuple[RuleFuncBlockType, ...]
# For lines not indented as code, then for lines indented as code: the rules by start
# character and the rules for any other character; last, every rule (past the source's end).
_Dispatch = tuple[dict[str, _Rules], _Rules, dict[str, _Rules], _Rules, _Rules]


def _origin(fn: Any) -> str:
    """Return where a rule function was defined, as ``module.qualname``."""
    return f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', '')}"


def _unknown_rules(rules: Iterable[Rule[RuleFuncBlockType]]) -> list[str]:
    """Return the names of the enabled rules that are not the ones we know."""
    return [rule.name for rule in rules if rule.enabled and not _is_known(rule)]


def _is_known(rule: Rule[RuleFuncBlockType]) -> bool:
    """Return whether a rule is one we know: markdown-it's (or a plugin's), or our faster one."""
    if rule.name not in _KNOWN:
        return False
    return _origin(rule.fn) == _KNOWN[rule.name][0] or rule.fn is _FASTER.get(rule.name)


def _fast_lheading(lheading: RuleFuncBlockType) -> RuleFuncBlockType:
    """Wrap the lheading rule to skip its scan when no line can be its underline.

    lheading scans the lines after ``startLine`` up to an empty one, trying the paragraph
    terminators on each, for an underline: "-" or "=" repeated, then spaces or tabs. Without
    such a line it fails, leaving ``parentType`` at "paragraph" (it restores it on success
    only), so that is what the wrapper does then.
    """

    def fast_lheading(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
        src, b_marks, t_shift, e_marks = state.src, state.bMarks, state.tShift, state.eMarks
        line = startLine + 1
        while line < endLine:
            pos, end = b_marks[line] + t_shift[line], e_marks[line]
            if pos >= end:
                break
            marker = src[pos]
            if marker in "-=" and not src[pos:end].lstrip(marker).strip(" \t"):
                return lheading(state, startLine, endLine, silent)
            line += 1
        if not state.is_code_block(startLine):
            state.parentType = "paragraph"
        return False

    return fast_lheading


def _dispatch(rules: list[Rule[RuleFuncBlockType]], *, silent: bool) -> _Dispatch:
    """Group a chain's rules by the lines they can start on, keeping their order."""
    picked = []
    for rule in rules:
        _, starts, lines = _KNOWN[rule.name]
        fn = _fast_lheading(rule.fn) if rule.name == "lheading" else rule.fn
        picked.append((fn, (silent and _SILENT_STARTS.get(rule.name)) or starts, lines))
    chars = {char for _, starts, _ in picked for char in starts or ""}

    def group(skip: str) -> tuple[dict[str, _Rules], _Rules]:
        found = [(fn, starts) for fn, starts, lines in picked if lines != skip]
        anywhere = tuple(fn for fn, starts in found if starts is None)
        by_char = {c: tuple(fn for fn, s in found if s is None or c in s) for c in chars}
        return {c: fns for c, fns in by_char.items() if fns != anywhere}, anywhere

    return (*group(_CODE), *group(_TEXT), tuple(rule.fn for rule in rules))


def _rules_for(dispatch: _Dispatch, state: StateBlock, line: int) -> _Rules:
    """Return the rules that can match at ``line``, in their order."""
    by_char, anywhere, code_by_char, code_anywhere, every = dispatch
    src = state.src
    pos = state.bMarks[line] + state.tShift[line]
    if pos >= len(src):
        return every  # markdown-it's own rules decide (some raise IndexError there)
    if state.is_code_block(line):
        return code_by_char.get(src[pos], code_anywhere)
    return by_char.get(src[pos], anywhere)


def _terminator(dispatch: _Dispatch) -> RuleFuncBlockType:
    """Return one rule that is true where a rule of a terminator chain is.

    The rules that call ``getRules(chain)`` stop at its first true rule; this tries only
    the rules that can start on the line, in the same order.
    """

    def terminates(state: StateBlock, line: int, end_line: int, silent: bool) -> bool:
        for rule in _rules_for(dispatch, state, line) if silent else dispatch[-1]:
            if rule(state, line, end_line, silent):
                return True
        return False

    return terminates


class _Tables:
    """The dispatch for one compiled state of the block ruler."""

    def __init__(self, rules: list[Rule[RuleFuncBlockType]]) -> None:
        enabled = [rule for rule in rules if rule.enabled]
        self.main = _dispatch(enabled, silent=False)
        # The chains markdown-it compiles: each rule's "alt" lists the chains it is in.
        chains = {chain for rule in enabled for chain in rule.alt}
        self.terminators = {
            chain: [_terminator(_dispatch([r for r in enabled if chain in r.alt], silent=True))]
            for chain in chains
        }


class _DispatchingRuler(Ruler[RuleFuncBlockType]):
    """The block ruler, whose terminator chains are one rule dispatching by line.

    ``getRules(chain)`` for a terminator chain returns ``[terminates]``; ``getRules("")``
    is markdown-it's list. When an enabled rule is not known (one added after install),
    every chain is markdown-it's again.
    """

    _compiled: dict[str, list[RuleFuncBlockType]] | None = None
    _tables: _Tables | None = None

    def tables(self) -> _Tables | None:
        """Return the dispatch for the current rules, or None when unsure."""
        # Every change to the rules drops markdown-it's compiled chains; a new dict follows.
        if self.__cache__ is None or self.__cache__ is not self._compiled:
            super().getRules("")
            self._compiled = self.__cache__
            self._tables = None if _unknown_rules(self.__rules__) else _Tables(self.__rules__)
        return self._tables

    def getRules(self, chainName: str = "") -> list[RuleFuncBlockType]:
        """Return the rules of a chain: one dispatching rule for a terminator chain."""
        tables = self.tables() if chainName else None
        if tables is not None and chainName in tables.terminators:
            return tables.terminators[chainName]
        return super().getRules(chainName)


class _DispatchingBlock(ParserBlock):
    """markdown-it's block parser, trying at each line only the rules that can start there.

    ``tokenize`` is ``ParserBlock.tokenize`` with the rules picked by ``_rules_for`` (and no
    debug log from the rules it skips); ``parse`` scans lines with ``fast_state_block``.
    """

    ruler: _DispatchingRuler

    def tokenize(self, state: StateBlock, startLine: int, endLine: int) -> None:
        """Generate tokens for the input range, as ``ParserBlock.tokenize`` does."""
        tables = self.ruler.tables()
        if tables is None:
            super().tokenize(state, startLine, endLine)
            return
        dispatch = tables.main
        line = startLine
        max_nesting = state.md.options.maxNesting
        has_empty_lines = False

        while line < endLine:
            state.line = line = state.skipEmptyLines(line)
            if line >= endLine:
                break
            if state.sCount[line] < state.blkIndent:
                break  # the end of a nested call (blockquote, list)
            if state.level >= max_nesting:
                state.line = endLine
                break

            ok = False
            for rule in _rules_for(dispatch, state, line):
                ok = rule(state, line, endLine, False)
                if ok:
                    if state.line <= line:
                        raise RuntimeError("block rule didn't increment state.line")
                    break
            if not ok:
                raise RuntimeError("none of the block rules matched")

            # set state.tight if we had an empty line before current tag
            state.tight = not has_empty_lines
            line = state.line
            # paragraph might "eat" one newline after it in nested lists
            if (line - 1) < endLine and state.isEmpty(line - 1):
                has_empty_lines = True
            if line < endLine and state.isEmpty(line):
                has_empty_lines = True
                line += 1
                state.line = line

    def parse(
        self, src: str, md: MarkdownIt, env: EnvType, outTokens: list[Token]
    ) -> list[Token] | None:
        """Process the source into ``outTokens``, as ``ParserBlock.parse`` does."""
        if not src:
            return None
        state = fast_state_block(src, md, env, outTokens)
        self.tokenize(state, state.line, state.lineMax)
        return state.tokens


def line_marks(src: str) -> tuple[list[int], list[int], list[int], list[int], list[int]]:
    r"""Return ``StateBlock``'s bMarks, eMarks, tShift, sCount and bsCount for ``src``.

    markdown-it scans each line's leading spaces in Python; ``str.split`` and ``str.lstrip``
    do it in C. Lines break at "\n" only; the indent is spaces and tabs, a tab counting to
    the next multiple of 4 in sCount. A last line without "\n" gets no marker when it is
    blank (as in markdown-it), and a fake line closes the arrays.
    """
    lines = src.split("\n")
    if not lines[-1].lstrip(" \t"):
        lines.pop()
    starts = list(accumulate((len(text) + 1 for text in lines), initial=0))
    starts[-1] = len(src)
    ends = [start + len(text) for start, text in zip(starts, lines, strict=False)]
    ends.append(len(src))
    shifts = [len(text) - len(text.lstrip(" \t")) for text in lines]
    if "\t" in src:
        counts = [_columns(text, shift) for text, shift in zip(lines, shifts, strict=True)]
    else:
        counts = shifts.copy()
    shifts.append(0)
    counts.append(0)
    return starts, ends, shifts, counts, [0] * len(starts)


def _columns(text: str, shift: int) -> int:
    """Return the width of a line's indent, tabs counting to the next multiple of 4."""
    if "\t" not in text[:shift]:
        return shift
    offset = 0
    for char in text[:shift]:
        offset += 4 - offset % 4 if char == "\t" else 1
    return offset


def fast_state_block(src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> StateBlock:
    """Return ``StateBlock(src, md, env, tokens)``, its line arrays from ``line_marks``.

    markdown-it's constructor runs on an empty source (no line to scan), so every other
    attribute is its own; then the source and its arrays are set.
    """
    state = StateBlock("", md, env, tokens)
    state.src = src
    state.bMarks, state.eMarks, state.tShift, state.sCount, state.bsCount = line_marks(src)
    state.lineMax = len(state.bMarks) - 1
    return state


def install_fast_block(md: MarkdownIt) -> bool:
    """Make ``md``'s block parser dispatch by line when that is safe; return whether it was.

    Call it after every plugin is added. It refuses (False, ``md`` untouched) when an enabled
    block rule is not one we know. It puts our faster rules (``_FASTER``) in place of
    markdown-it's, in the main loop and in the terminator chains alike.
    """
    if _unknown_rules(md.block.ruler.__rules__):
        return False
    for rule in md.block.ruler.__rules__:
        faster = _FASTER.get(rule.name)
        if faster is not None and _origin(rule.fn) == _KNOWN[rule.name][0]:
            md.block.ruler.at(rule.name, faster, {"alt": rule.alt})
    ruler = _DispatchingRuler.__new__(_DispatchingRuler)
    ruler.__dict__.update(md.block.ruler.__dict__)
    block = _DispatchingBlock.__new__(_DispatchingBlock)
    block.__dict__.update(md.block.__dict__)
    block.ruler = ruler
    md.block = block
    return True


__all__ = ["fast_state_block", "install_fast_block", "line_marks"]
