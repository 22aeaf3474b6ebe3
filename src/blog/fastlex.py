"""Pygments' ``RegexLexer`` loop with one regex per state: the same tokens, less Python per token.

``RegexLexer.get_tokens_unprocessed`` tries a state's rules one by one at each position, a
Python-level call per rule, until one matches; that loop is most of the cost of highlighting.
Here a state's rules are joined into one alternation, in order, each rule followed by an empty
marker group: ``(?:rule1)()|(?:rule2)()|...``. ``re`` takes the first alternative that matches at
the position, exactly as Pygments takes the first rule that matches (empty matches included), so
one C-level ``match`` finds the rule, and ``m.lastindex`` (the marker, the last group to close)
says which one. The marker goes last, not a group around the rule, so that an alternative still
starts with the rule's own first character or class, which ``re`` checks before entering it.
Everything after the match (actions, state changes, the error-token fallback) mirrors Pygments.

Only plain ``RegexLexer`` subclasses are sped up, and only with a Pygments release whose loop
this one was compared with (``MIRRORED``); ``ExtendedRegexLexer``, hand-written lexers
and any lexer overriding the tokenizing methods go through Pygments untouched. A rule that
cannot be joined without changing its meaning (group references, named groups, a failed
compile) is tried alone, between the joined runs before and after it, as Pygments would.
"""

from __future__ import annotations

import hashlib
import linecache
import re
import string
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any, NamedTuple

from pygments.filter import apply_filters  # type: ignore[import-untyped, unused-ignore]
from pygments.lexer import Lexer, RegexLexer  # type: ignore[import-untyped, unused-ignore]
from pygments.token import Error, Whitespace, _TokenType  # type: ignore[import-untyped, unused-ignore]

from blog.charsets import charsets_shared
from blog.firstchars import ASCII, first_chars

Rule = tuple[Callable[[str, int], "re.Match[str] | None"], Any, Any]
"""A processed Pygments rule: (the regex's bound ``match``, action, new state)."""

_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
"""Numbered or named backreferences and conditionals: they count groups, which joining shifts.

Matched on the pattern text, so an escaped look-alike (``\\\\1``) also counts: a false alarm
only costs that state the slow loop.
"""


_LEADING_FLAGS = re.compile(r"\A(?:\(\?[aiLmsux]+\))+")
"""Global inline flags, which Python allows only at the very start of a pattern."""

_SCOPED = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s", re.VERBOSE: "x"}
"""The flags a ``(?flags-flags:...)`` group can turn on and off inside a joined regex."""

_UNSCOPED = ~sum(_SCOPED)
"""Every other flag (UNICODE, ASCII, LOCALE, ...): rules joined together must agree on these."""


class _Chunk(NamedTuple):
    """A run of consecutive rules of a state, tried with one ``match``."""

    match: Callable[[str, int], re.Match[str] | None]
    """The joined regex's ``match``, or the rule's own for a rule that stays alone."""
    by_group: Sequence[Rule | None] | None
    """For a joined run, the rule whose marker group has this number; None for a lone rule."""
    rule: Rule | None
    """The lone rule, or None for a joined run."""


def _lone(rule: Rule) -> _Chunk:
    """Return a chunk for a rule tried by itself, as Pygments tries every rule."""
    return _Chunk(rule[0], None, rule)


def _joinable(rule: Rule) -> re.Pattern[str] | None:
    """Return a rule's compiled regex if it can sit in an alternation unchanged, else None."""
    pattern = getattr(rule[0], "__self__", None)
    if (
        isinstance(pattern, re.Pattern)
        and getattr(rule[0], "__name__", None) == "match"
        and isinstance(pattern.pattern, str)
        and not pattern.groupindex
        and not _GROUP_REFERENCE.search(pattern.pattern)
    ):
        return pattern
    return None


def _join(run: Sequence[tuple[Rule, re.Pattern[str]]]) -> list[_Chunk]:
    """Join a run of rules into one regex; the rules one by one if that fails to compile.

    Each rule keeps its own flags: its leading ``(?i)`` and the like become a scoped
    ``(?i-m:...)`` group relative to the first rule's flags, which the joined regex gets.
    """
    if len(run) == 1:
        return [_lone(run[0][0])]
    flags = run[0][1].flags
    sources = []
    for _, pattern in run:
        body = _LEADING_FLAGS.sub("", pattern.pattern, count=1)
        if pattern.flags & re.VERBOSE:
            body += "\n"  # a trailing comment must not swallow the closing parenthesis
        on = "".join(c for f, c in _SCOPED.items() if pattern.flags & f and not flags & f)
        off = "".join(c for f, c in _SCOPED.items() if flags & f and not pattern.flags & f)
        sources.append(f"(?{on}{'-' if off else ''}{off}:{body})()")
    try:
        combined = re.compile("|".join(sources), flags)
    except Exception:  # re.error, or anything else the joined source trips on
        return [_lone(rule) for rule, _ in run]
    by_group: list[Rule | None] = [None] * (combined.groups + 1)
    group = 0
    for rule, pattern in run:
        group += pattern.groups + 1
        by_group[group] = rule
    if group != combined.groups:  # the rules' own groups did not add up: do not guess
        return [_lone(rule) for rule, _ in run]
    return [_Chunk(combined.match, by_group, None)]


Run = list[tuple[Rule, re.Pattern[str]]]
"""Consecutive joinable rules of a state, with their compiled regexes."""

Segment = tuple[Run, Rule | None]
"""A run of rules to join (and None), or a rule that stays alone (after an empty run)."""


def _segments(rules: Sequence[Rule]) -> list[Segment]:
    """Split a state's rules into runs that can be joined, and rules that must stay alone.

    Trying them in order still finds the first rule that matches, as Pygments does.
    """
    segments: list[Segment] = []
    run: Run = []
    for rule in rules:
        pattern = _joinable(rule)
        if run and (pattern is None or (pattern.flags ^ run[0][1].flags) & _UNSCOPED):
            segments.append((run, None))
            run = []
        if pattern is None:
            segments.append(([], rule))
        else:
            run.append((rule, pattern))
    if run:
        segments.append((run, None))
    return segments


def _chunks(segments: Sequence[Segment]) -> tuple[_Chunk, ...]:
    """Return the chunks trying every rule of a state: each run joined, the others alone."""
    return tuple(
        chunk
        for run, rule in segments
        for chunk in (_join(run) if run else [_lone(rule)])  # type: ignore[arg-type]
    )


EXPENSIVE = 1000
"""A rule whose pattern is longer than this (a big Unicode class: an identifier) is tried alone
when a state's rules are picked for one character: Pygments compiled it already, and joining
it again with another choice of rules would cost more than it saves."""


_CLASSES = {
    char: chars
    for chars in (string.ascii_lowercase, string.ascii_uppercase, string.digits)
    for char in chars
}
"""The characters that share the rules picked for them (any other stands for itself)."""


def _first(rule: Rule) -> frozenset[str] | None:
    """Return the ASCII characters a rule's match can start with (None: any, or unknown)."""
    pattern = getattr(rule[0], "__self__", None)
    if isinstance(pattern, re.Pattern) and getattr(rule[0], "__name__", None) == "match":
        return first_chars(pattern)
    return None


class _State:
    """A state's rules, and for each ASCII character the fewer chunks that can match there.

    At a position holding ``c`` a rule whose match cannot start with ``c`` (``firstchars``)
    fails, so trying only the others, in the same order, finds the same first match; at the
    end of the text only a rule that can match nothing can match. Each choice is joined when
    first needed; every rule of the state (``full``, joined when first asked for: the regex
    with all of them is the slowest to compile) serves the other characters.
    """

    def __init__(self, tables: _Tables, segments: list[Segment]) -> None:
        self.by_char = _ByChar(self)
        self._tables = tables
        self._segments = segments
        self._full: tuple[_Chunk, ...] | None = None
        self._end: tuple[_Chunk, ...] | None = None
        self._by_class: dict[str, tuple[_Chunk, ...]] = {}

    @property
    def full(self) -> tuple[_Chunk, ...]:
        """The chunks trying every rule of the state."""
        if self._full is None:
            with charsets_shared():
                self._full = _chunks(self._segments)
        return self._full

    @property
    def end(self) -> tuple[_Chunk, ...]:
        """The chunks that can match at the end of the text (only those that can be empty)."""
        if self._end is None:
            self._end = self._pick(lambda first: first is None)
        return self._end

    def picked(self, char: str) -> tuple[_Chunk, ...]:
        """Return the chunks that can match at a position holding ``char``.

        Characters of one class (lower-case letters, upper-case letters, digits) share one
        choice: the rules that can start with any of them (fewer regexes to join, each
        rejecting the others at their first character).
        """
        if char not in ASCII:
            return self.full
        chars = _CLASSES.get(char, char)
        found = self._by_class.get(chars)
        if found is None:
            found = self._by_class[chars] = self._pick(
                lambda first: first is None or not first.isdisjoint(chars)
            )
        return found

    def _pick(self, keeps: Callable[[frozenset[str] | None], bool]) -> tuple[_Chunk, ...]:
        """Return the chunks of the rules ``keeps`` accepts by their first characters."""
        picked: list[_Chunk] = []
        for run, rule in self._segments:
            if not run:
                assert rule is not None
                if keeps(_first(rule)):
                    picked.append(_lone(rule))
                continue
            kept = [(r, p) for r, p in run if keeps(_first(r))]
            if kept:
                picked += self._tables.joined(kept)
        return tuple(picked)


class _ByChar(dict[str, tuple[_Chunk, ...]]):
    def __init__(self, state: _State) -> None:
        super().__init__()
        self.state = state

    def __missing__(self, char: str) -> tuple[_Chunk, ...]:
        picked = self[char] = self.state.picked(char)
        return picked


class _Tables(dict[str, _State]):
    """A lexer's states, each joined the first time the lexer enters it."""

    def __init__(self, tokendefs: dict[str, Sequence[Rule]]) -> None:
        super().__init__()
        self.tokendefs = tokendefs
        self._joined: dict[tuple[int, ...], list[_Chunk]] = {}

    def __missing__(self, name: str) -> _State:
        state = self[name] = _State(self, _segments(self.tokendefs[name]))
        return state

    def joined(self, run: Run) -> list[_Chunk]:
        """Return chunks trying ``run``'s rules in order: long ones alone, the rest joined."""
        key = tuple(id(rule) for rule, _ in run)
        found = self._joined.get(key)
        if found is None:
            found, cheap = [], list[tuple[Rule, re.Pattern[str]]]()
            with charsets_shared():
                for rule, pattern in run:
                    if len(pattern.pattern) > EXPENSIVE:
                        found += _join(cheap) if cheap else []
                        found.append(_lone(rule))
                        cheap = []
                    else:
                        cheap.append((rule, pattern))
                found += _join(cheap) if cheap else []
            self._joined[key] = found
        return found


_TABLES: dict[int, _Tables] = {}
"""Joined states by ``id`` of a lexer's processed ``_tokens``: one per class, or per variant for
lexers (C#, Inform 6) whose instances pick one of several tables. Each entry keeps its tokendefs
alive, so the id stays theirs."""


def _tables(lexer: RegexLexer) -> _Tables:
    """Return the joined states for a lexer's token table, building the cache entry once."""
    tokendefs = lexer._tokens
    tables = _TABLES.get(id(tokendefs))
    if tables is None or tables.tokendefs is not tokendefs:
        tables = _TABLES[id(tokendefs)] = _Tables(tokendefs)
    return tables


MIRRORED = frozenset(
    {
        ("b53707c2f7538673", "fd1bdf8e995d8565"),  # Pygments 2.17
        ("b53707c2f7538673", "de4ee45569535b40"),  # Pygments 2.18 to 2.21
    }
)
"""Digests of the Pygments code this module mirrors, ``Lexer.get_tokens`` and
``RegexLexer.get_tokens_unprocessed``, in the releases it was compared with. Another release
may do something else there: then every lexer goes through Pygments as it is (and the tests,
which check that the common languages are sped up, say so)."""


def source_digest(function: Callable[..., Any]) -> str:
    """Return a digest of a function's source lines, stripped; of nothing without a source."""
    code = function.__code__
    last = max((line for *_, line in code.co_lines() if line), default=code.co_firstlineno)
    lines = linecache.getlines(code.co_filename)[code.co_firstlineno - 1 : last]
    return hashlib.sha256("".join(f"{line.strip()}\n" for line in lines).encode()).hexdigest()[:16]


@cache
def mirrors_pygments() -> bool:
    """Whether the installed Pygments runs the loop this module copies (checked once)."""
    found = (source_digest(Lexer.get_tokens), source_digest(RegexLexer.get_tokens_unprocessed))
    return found in MIRRORED


def is_accelerated(lexer: Lexer) -> bool:
    """Whether ``lex`` uses the joined regexes for this lexer rather than Pygments' own path."""
    cls = type(lexer)
    return (
        isinstance(lexer, RegexLexer)
        and cls.get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed
        and cls.get_tokens is Lexer.get_tokens
        and hasattr(lexer, "_preprocess_lexer_input")
        and mirrors_pygments()
    )


def lex(lexer: Lexer, code: str) -> Iterator[tuple[_TokenType, str]]:
    """Return ``lexer.get_tokens(code)``, token for token, faster for a plain ``RegexLexer``.

    The text goes through the lexer's own preprocessing (newlines, tabs, stripping) and the
    tokens through its filters, as in ``Lexer.get_tokens``.
    """
    if not is_accelerated(lexer):
        return iter(lexer.get_tokens(code))
    text = lexer._preprocess_lexer_input(code)
    stream = ((ttype, value) for _, ttype, value in get_tokens_unprocessed(lexer, text))
    return iter(apply_filters(stream, lexer.filters, lexer))


def get_tokens_unprocessed(
    lexer: RegexLexer, text: str, stack: Sequence[str] = ("root",)
) -> Iterator[tuple[int, _TokenType, str]]:
    """Yield ``(index, tokentype, value)`` as ``RegexLexer.get_tokens_unprocessed`` does.

    Kept line for line parallel to Pygments' loop so that the two can be compared by eye.
    """
    tables = _tables(lexer)
    pos = 0
    end = len(text)
    statestack = list(stack)
    state = tables[statestack[-1]]
    while True:
        chunks = state.by_char[text[pos]] if pos < end else state.end
        for match, by_group, rule in chunks:  # noqa: B007 (used after the break)
            m = match(text, pos)
            if m is not None:
                break
        else:
            # No rule matched: Pygments' fallback, an error token or a newline back to root.
            if pos >= end:
                break
            if text[pos] == "\n":
                statestack = ["root"]
                state = tables["root"]
                yield pos, Whitespace, "\n"
            else:
                yield pos, Error, text[pos]
            pos += 1
            continue
        if by_group is not None:
            rule = by_group[m.lastindex]  # type: ignore[index]
        rexmatch, action, new_state = rule  # type: ignore[misc]
        if action is not None:
            if type(action) is _TokenType:
                yield pos, action, m.group()
            else:
                # Callbacks number groups as their own rule does: give them that rule's match.
                yield from action(lexer, m if by_group is None else rexmatch(text, pos))
        pos = m.end()
        if new_state is not None:
            if isinstance(new_state, tuple):
                for state in new_state:
                    if state == "#pop":
                        if len(statestack) > 1:
                            statestack.pop()
                    elif state == "#push":
                        statestack.append(statestack[-1])
                    else:
                        statestack.append(state)
            elif isinstance(new_state, int):
                # Pop, but keep at least one state, as Pygments does.
                if abs(new_state) >= len(statestack):
                    del statestack[1:]
                else:
                    del statestack[new_state:]
            elif new_state == "#push":
                statestack.append(statestack[-1])
            else:
                raise AssertionError(f"wrong state def: {new_state!r}")
            state = tables[statestack[-1]]
