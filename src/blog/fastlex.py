"""Pygments' ``RegexLexer`` loop with one regex per state: the same tokens, less Python per token.

``RegexLexer.get_tokens_unprocessed`` tries a state's rules one by one at each position, a
Python-level call per rule, until one matches; that loop is most of the cost of highlighting.
Here each position tries one joined regex of the rules that can start with its character
(``lexstates``), and ``m.lastindex`` says which rule matched. Everything after the match
(actions, state changes, the error-token fallback) mirrors Pygments.

Only plain ``RegexLexer`` subclasses are sped up, and only with a Pygments release whose loop
this one was compared with (``MIRRORED``); ``ExtendedRegexLexer``, hand-written lexers
and any lexer overriding the tokenizing methods go through Pygments untouched.
"""

from __future__ import annotations

import hashlib
import linecache
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any

from pygments.filter import apply_filters  # type: ignore[import-untyped, unused-ignore]
from pygments.lexer import Lexer, RegexLexer  # type: ignore[import-untyped, unused-ignore]
from pygments.token import Error, Whitespace, _TokenType  # type: ignore[import-untyped, unused-ignore]

from blog.lexstates import tables

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
    states = tables(lexer)
    pos = 0
    end = len(text)
    statestack = list(stack)
    state = states[statestack[-1]]
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
                state = states["root"]
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
            state = states[statestack[-1]]
