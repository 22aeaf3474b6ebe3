"""The states of a Pygments lexer as ``fastlex`` tries them: joined regexes, picked per character.

A state's rules are joined into one alternation, in order, each rule followed by an empty
marker group: ``(?:rule1)()|(?:rule2)()|...``. ``re`` takes the first alternative that matches at
the position, exactly as Pygments takes the first rule that matches (empty matches included), so
one C-level ``match`` finds the rule, and ``m.lastindex`` (the marker, the last group to close)
says which one. The marker goes last, not a group around the rule, so that an alternative still
starts with the rule's own first character or class, which ``re`` checks before entering it.
A rule that cannot be joined without changing its meaning (group references, named groups, a
failed compile) is tried alone, between the joined runs before and after it, as Pygments would.

At each position only the rules whose match can start with its character are tried
(``firstchars``), joined again once per choice when first needed.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from pygments.lexer import RegexLexer  # type: ignore[import-untyped, unused-ignore]

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


class Chunk(NamedTuple):
    """A run of consecutive rules of a state, tried with one ``match``."""

    match: Callable[[str, int], re.Match[str] | None]
    """The joined regex's ``match``, or the rule's own for a rule that stays alone."""
    by_group: Sequence[Rule | None] | None
    """For a joined run, the rule whose marker group has this number; None for a lone rule."""
    rule: Rule | None
    """The lone rule, or None for a joined run."""


def _lone(rule: Rule) -> Chunk:
    """Return a chunk for a rule tried by itself, as Pygments tries every rule."""
    return Chunk(rule[0], None, rule)


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


def _join(run: Sequence[tuple[Rule, re.Pattern[str]]]) -> list[Chunk]:
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
    return [Chunk(combined.match, by_group, None)]


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


def _chunks(segments: Sequence[Segment]) -> tuple[Chunk, ...]:
    """Return the chunks trying every rule of a state: each run joined, the others alone."""
    chunks: list[Chunk] = []
    for run, rule in segments:
        chunks += _join(run) if run else [_lone(_alone(rule))]
    return tuple(chunks)


def _alone(rule: Rule | None) -> Rule:
    """Return the rule of a segment without a run (it always has one)."""
    assert rule is not None
    return rule


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
        self._full: tuple[Chunk, ...] | None = None
        self._end: tuple[Chunk, ...] | None = None
        self._by_class: dict[str, tuple[Chunk, ...]] = {}

    @property
    def full(self) -> tuple[Chunk, ...]:
        """The chunks trying every rule of the state."""
        if self._full is None:
            with charsets_shared():
                self._full = _chunks(self._segments)
        return self._full

    @property
    def end(self) -> tuple[Chunk, ...]:
        """The chunks that can match at the end of the text (only those that can be empty)."""
        if self._end is None:
            self._end = self._pick(lambda first: first is None)
        return self._end

    def picked(self, char: str) -> tuple[Chunk, ...]:
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

    def _pick(self, keeps: Callable[[frozenset[str] | None], bool]) -> tuple[Chunk, ...]:
        """Return the chunks of the rules ``keeps`` accepts by their first characters."""
        picked: list[Chunk] = []
        for run, rule in self._segments:
            if not run:
                if keeps(_first(_alone(rule))):
                    picked.append(_lone(_alone(rule)))
                continue
            kept = [(r, p) for r, p in run if keeps(_first(r))]
            if kept:
                picked += self._tables.joined(kept)
        return tuple(picked)


class _ByChar(dict[str, tuple[Chunk, ...]]):
    def __init__(self, state: _State) -> None:
        super().__init__()
        self.state = state

    def __missing__(self, char: str) -> tuple[Chunk, ...]:
        picked = self[char] = self.state.picked(char)
        return picked


class _Tables(dict[str, _State]):
    """A lexer's states, each joined the first time the lexer enters it."""

    def __init__(self, tokendefs: dict[str, Sequence[Rule]]) -> None:
        super().__init__()
        self.tokendefs = tokendefs
        self._joined: dict[tuple[int, ...], list[Chunk]] = {}

    def __missing__(self, name: str) -> _State:
        state = self[name] = _State(self, _segments(self.tokendefs[name]))
        return state

    def joined(self, run: Run) -> list[Chunk]:
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


def tables(lexer: RegexLexer) -> _Tables:
    """Return the joined states for a lexer's token table, building the cache entry once."""
    tokendefs = lexer._tokens
    tables = _TABLES.get(id(tokendefs))
    if tables is None or tables.tokendefs is not tokendefs:
        tables = _TABLES[id(tokendefs)] = _Tables(tokendefs)
    return tables


__all__ = ["Chunk", "Rule", "tables"]
