"""Faster inline parsing for our markdown-it parsers: the same tokens, fewer rule calls.

``install_fast_text`` (called by ``markdown._parser`` once every plugin is in) replaces the
``text`` inline rule and the inline parser's loop. Both are only installed when every enabled
inline rule is known; otherwise markdown-it's own run. Tests compare the tokens with
markdown-it's on tricky and random text.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline import text as upstream_text
from markdown_it.token import Token

from blog.plaininline import PlainInline

# A faster ``text`` inline rule for our parsers, giving the same tokens.
#
# markdown-it's ``text`` rule stops at every character of its terminator set, and the inline
# parser then tries each inline rule there. Most of those stops are wasted: the GFM autolink
# plugin adds ``w`` to the set (for ``www.``), so every ``w`` of every paragraph ran all the
# inline rules, and so did ``-``, ``#``, ``=`` or ``}``, where no rule of ours can start. At a
# character where every rule fails the parser appends it to the pending text and moves on,
# which is what the text rule does, so stopping only where an enabled rule can match gives the
# same pending text and the same tokens.
#
# ``install_fast_text`` replaces the rule only when it knows every enabled inline rule; the
# stops are then the characters those rules start on, plus ``[`` and ``]`` (link labels are
# scanned stop by stop), and always a subset of markdown-it's own terminators.

# The character each known inline rule needs at its start position (read from each rule's
# first check): it cannot match anywhere else.
_RULE_STARTS: dict[str, str] = {
    "linkify": ":",
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "_*",
    "link": "[",
    "image": "!",
    "footnote_inline": "^",
    "footnote_ref": "[",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
    "gfm_autolink_email": "@",
    "gfm_autolink_protocol": ":",
    "math_inline": "$",  # dollarmath
    "math_bracket": "\\",  # \( … \)
    "math_bracket_display": "\\",  # \[ … \]
}
PLAIN_TOKENS = "blog.plain_inline"
"""The ``env`` key of the token lists the one-pass tokenizer filled: {id(list): list}."""

# The www rule needs "www." at its start position.
_WWW_RULE = "gfm_autolink_www"
_WWW_STOP = r"w(?=ww\.)"
# The post-processing rules the one-pass tokenizer gives the result of.
_PLAIN_RULE2 = ("balance_pairs", "strikethrough", "emphasis", "fragments_join")
# parseLinkLabel counts brackets stop by stop: the text rule must stop at both.
_LABEL_CHARS = "[]"


def text_stop_pattern(md: MarkdownIt) -> re.Pattern[str] | None:
    """Return where the fast text rule must stop for this parser, or None when unsure.

    None when an enabled inline rule is not one we know, or when a stop would not be a
    terminator of markdown-it's own text rule (the fast rule must only stop less often).
    """
    chars = set(_LABEL_CHARS)
    has_www = False
    for name in md.inline.ruler.get_active_rules():
        if name == _WWW_RULE:
            has_www = True
        elif name in _RULE_STARTS:
            chars.update(_RULE_STARTS[name])
        elif name != "text":
            return None
    if has_www:
        chars.add("w")  # checked as a terminator below, then stopped at before "ww." only
    if not all(md.inline.terminator_re.fullmatch(char) for char in chars):
        return None
    chars.discard("w")
    char_class = "[" + "".join(re.escape(char) for char in sorted(chars)) + "]"
    return re.compile(f"{char_class}|{_WWW_STOP}" if has_www else char_class)


def install_fast_text(md: MarkdownIt) -> bool:
    """Replace ``md``'s text rule by the fast one when that is safe; return whether it was.

    Call it after every plugin is added: the stops are computed from the rules enabled now.
    """
    pattern = text_stop_pattern(md)
    if pattern is None:
        return False
    search = pattern.search

    def text(state: StateInline, silent: bool) -> bool:
        """Skip text up to the next place an inline rule may match."""
        pos = state.pos
        src = state.src
        found = search(src, pos)
        end = found.start() if found else len(src)
        if end > state.posMax:
            # Only when a nested parse ends where no stop is (never for link labels, which
            # end at "]"): let markdown-it decide, stop by stop.
            return upstream_text(state, silent)
        if end == pos:
            return False
        if not silent:
            state.append_pending(src[pos:end])
        state.pos = end
        return True

    md.inline.ruler.at("text", text)
    inline = _DispatchingInline.__new__(_DispatchingInline)
    inline.__dict__.update(md.inline.__dict__)
    inline.stops, inline.text_rule = pattern, text
    is_plain_known = tuple(md.inline.ruler2.get_active_rules()) == _PLAIN_RULE2
    inline.plain = PlainInline(pattern) if is_plain_known else None
    inline.plain_rules = (md.inline.ruler.getRules(""), md.inline.ruler2.getRules(""))
    md.inline = inline
    return True


class _DispatchingInline(ParserInline):
    """markdown-it's inline parser, trying at each stop only the rules that can start there.

    Its ``tokenize`` is markdown-it's, with the fast text rule run inline and, at a stop,
    only the rules whose start character is there, in their order: the others fail there.
    """

    stops: re.Pattern[str]
    text_rule: Any
    plain: PlainInline | None
    plain_rules: tuple[list[Any], list[Any]]
    _rules_seen: list[Any] | None = None
    _by_char: dict[str, tuple[Any, ...]] | None = None

    def _rules_by_char(self) -> dict[str, tuple[Any, ...]] | None:
        """Return the enabled rules but text by start character, or None when unsure."""
        rules = self.ruler.getRules("")
        if rules is not self._rules_seen:
            self._rules_seen, self._by_char = rules, None
            names = self.ruler.get_active_rules()
            if not rules or rules[0] is not self.text_rule or len(names) != len(rules):
                return None
            by_char: dict[str, list[Any]] = {}
            for name, rule in zip(names[1:], rules[1:], strict=True):
                starts = "w" if name == _WWW_RULE else _RULE_STARTS.get(name)
                if starts is None:
                    return None
                for char in starts:
                    by_char.setdefault(char, []).append(rule)
            self._by_char = {char: tuple(found) for char, found in by_char.items()}
        return self._by_char

    def parse(self, src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> list[Token]:
        """Parse ``src`` into ``tokens``: in one pass when it is plain (see ``plaininline``).

        The one-pass tokenizer knows the rules enabled at install time, in their order; once
        either ruler changes (it then compiles new rule lists), markdown-it's own parse runs.
        """
        rules, rules2 = self.plain_rules
        if (
            self.plain is not None
            and self.ruler.getRules("") is rules
            and self.ruler2.getRules("") is rules2
        ):
            found = self.plain.tokens(src, md)
            if found is not None:
                if not tokens:  # noted for ``fastcore``'s text_join, which pops the note
                    env.setdefault(PLAIN_TOKENS, {})[id(tokens)] = tokens
                tokens.extend(found)
                return tokens
        return super().parse(src, md, env, tokens)

    def tokenize(self, state: StateInline) -> None:
        """Generate tokens for the input range, as ``ParserInline.tokenize`` does."""
        by_char = self._rules_by_char()
        if by_char is None:
            super().tokenize(state)
            return
        end = state.posMax
        src = state.src
        max_nesting = state.md.options["maxNesting"]
        search = self.stops.search
        while state.pos < end:
            pos = state.pos
            is_done = False
            if state.level < max_nesting:
                found = search(src, pos)
                stop = found.start() if found else len(src)
                if stop > end:
                    is_done = upstream_text(state, False)
                elif stop != pos:
                    state.append_pending(src[pos:stop])
                    state.pos = stop
                    is_done = True
                if not is_done:
                    for rule in by_char.get(src[pos], ()):
                        is_done = rule(state, False)
                        if is_done:
                            if state.pos <= pos:
                                raise RuntimeError("inline rule didn't increment state.pos")
                            break
            if is_done:
                if state.pos >= end:
                    break
                continue
            state.append_pending(src[state.pos])
            state.pos += 1
        if state.pending:
            state.pushPending()


__all__ = ["PLAIN_TOKENS", "install_fast_text", "text_stop_pattern"]
