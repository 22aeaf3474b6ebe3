"""Code highlighting with Pygments: fenced code blocks to HTML, and the CSS for them.

Lexers and the formatter are cached by name: building them is far slower than using them, and
Pygments lexers keep no state between calls. Regex lexers run through ``lex``, Pygments' own
loop with each state's rules joined into one regex (the same tokens, fewer Python calls).
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pygments import format as pygments_format  # type: ignore[import-untyped, unused-ignore]
from pygments.filter import apply_filters  # type: ignore[import-untyped, unused-ignore]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped, unused-ignore]
from pygments.lexer import Lexer, RegexLexer  # type: ignore[import-untyped, unused-ignore]
from pygments.lexers import get_all_lexers, get_lexer_by_name  # type: ignore[import-untyped, unused-ignore]
from pygments.token import Error, Whitespace, _TokenType  # type: ignore[import-untyped, unused-ignore]
from pygments.util import ClassNotFound  # type: ignore[import-untyped, unused-ignore]

PLAIN_LANGUAGES = frozenset({"text", "plaintext", "txt", "none", "plain", "mermaid"})
"""Fence languages shown as plain code without a warning (mermaid is drawn in the browser)."""

_LIGHT_SCOPE = ".highlight"
_DARK_SCOPES = (
    ":root:not([data-theme=light]) .highlight",
    "[data-theme=dark] .highlight",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeBlock:
    """A fenced code block rendered to HTML."""

    html: str
    """The block's HTML."""
    is_unknown_language: bool = False
    """Whether the fence names a language Pygments has no lexer for."""


def find_lexer(name: str) -> Lexer | None:
    """Return the Pygments lexer for a fence language (any alias, any case), or None."""
    return _lexer(name.lower())


@lru_cache(maxsize=256)
def _lexer(alias: str) -> Lexer | None:
    """Return the shared lexer for a lower-case alias, or None when Pygments has none."""
    try:
        return get_lexer_by_name(alias, stripnl=False, ensurenl=True)
    except ClassNotFound:
        return None


@lru_cache(maxsize=1)
def _formatter() -> HtmlFormatter[str]:
    """Return the shared formatter: bare ``<span class>`` markup, the wrapper is ours."""
    return HtmlFormatter(nowrap=True)


@lru_cache(maxsize=1)
def _language_aliases() -> tuple[str, ...]:
    """Return every alias Pygments knows, for did-you-mean hints."""
    return tuple(sorted({alias for _, aliases, _, _ in get_all_lexers() for alias in aliases}))


def suggest_language(name: str) -> str | None:
    """Return the closest known language alias to a misspelled one, if any is close."""
    matches = difflib.get_close_matches(name.lower(), _language_aliases(), n=1, cutoff=0.75)
    return matches[0] if matches else None


@lru_cache(maxsize=4096)
def render_code_block(code: str, language: str, *, is_highlighted: bool) -> CodeBlock:
    """Return a fenced code block as HTML, highlighted when Pygments knows the language.

    Highlighted blocks are ``<div class="highlight"><pre tabindex="0"><code …>``, as Hugo
    writes them; the rest are plain escaped ``<pre tabindex="0"><code>``.
    """
    attrs = ""
    if language:
        quoted = html.escape(language)
        attrs = f' class="language-{quoted}" data-lang="{quoted}"'
    lexer = find_lexer(language) if language else None
    is_plain = not language or language.lower() in PLAIN_LANGUAGES
    if lexer is None or is_plain or not is_highlighted:
        body = html.escape(code, quote=False)
        return CodeBlock(
            html=f'<pre tabindex="0"><code{attrs}>{body}</code></pre>\n',
            is_unknown_language=lexer is None and not is_plain,
        )
    body = pygments_format(lex(lexer, code), _formatter())
    return CodeBlock(
        html=f'<div class="highlight"><pre tabindex="0"><code{attrs}>{body}</code></pre></div>\n'
    )


# Pygments' RegexLexer tries the rules of its current state one by one, a Python call per
# rule, until one matches. ``lex`` gives the same tokens with each run of a state's rules
# joined into one regex of alternatives: the first alternative that matches at a position
# is the first rule that matches there (regex alternation tries them in order), its group
# is the last one closed (``lastindex``), and that rule's own regex is then matched again
# so its action gets the match it always got. Rules a joined regex cannot stand for
# (backreferences, flags other than i/m/s differing from the state's) stay on their own.
_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
_LEADING_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
_SCOPED_FLAGS = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s"}
_JOINABLE_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL
# Per lexer class: state name -> (its rules, its segments). A segment is (joined match,
# {group: rule index}) or (None, rule index).
_STATE_TABLES: dict[type, dict[str, tuple[Any, list[tuple[Any, Any]]]]] = {}


def lex(lexer: Lexer, code: str) -> Iterator[tuple[Any, str]]:
    """Return ``lexer.get_tokens(code)``: the same tokens, faster for regex lexers."""
    if type(lexer).get_tokens_unprocessed is not RegexLexer.get_tokens_unprocessed:
        return iter(lexer.get_tokens(code))
    text = lexer._preprocess_lexer_input(code)
    stream = ((ttype, value) for _, ttype, value in _regex_tokens(lexer, text))
    return iter(apply_filters(stream, lexer.filters, lexer))


def _alternative(compiled: Any, flags: int) -> str | None:
    """Return a pattern matching what ``compiled`` matches inside a regex of ``flags``."""
    if not isinstance(compiled, re.Pattern) or not isinstance(compiled.pattern, str):
        return None
    source = compiled.pattern
    if compiled.flags & re.VERBOSE or _BACKREFERENCE.search(source):
        return None  # a trailing comment would swallow the joined regex's next alternative
    leading = _LEADING_FLAGS.match(source)
    if leading:
        source = source[leading.end() :]
    added, removed = compiled.flags & ~flags, flags & ~compiled.flags
    if (added | removed) & ~_JOINABLE_FLAGS:
        return None
    if added or removed:
        on = "".join(letter for flag, letter in _SCOPED_FLAGS.items() if added & flag)
        off = "".join(letter for flag, letter in _SCOPED_FLAGS.items() if removed & flag)
        source = f"(?{on}-{off}:{source})" if off else f"(?{on}:{source})"
    return source


def _segments(rules: Any) -> list[tuple[Any, Any]]:
    """Split a state's rules into runs tried with one joined regex, and single rules."""
    segments: list[tuple[Any, Any]] = []
    run: list[tuple[int, str, re.Pattern[str]]] = []
    flags: int | None = None

    def end_run() -> None:
        joined = _join(run, flags) if len(run) > 1 else None
        if joined is not None:
            segments.append(joined)
        else:
            segments.extend((None, index) for index, _, _ in run)
        run.clear()

    for index, (match, _, _) in enumerate(rules):
        compiled = getattr(match, "__self__", None)
        if flags is None and isinstance(compiled, re.Pattern):
            flags = compiled.flags
        source = _alternative(compiled, flags) if flags is not None else None
        if source is None:
            end_run()
            segments.append((None, index))
        else:
            run.append((index, source, compiled))  # type: ignore[arg-type]
    end_run()
    return segments


def _join(run: list[tuple[int, str, re.Pattern[str]]], flags: Any) -> tuple[Any, Any] | None:
    """Return the joined regex of a run of rules and which rule each top group is."""
    patterns = []
    owners = {}
    group = 1
    for index, source, compiled in run:
        patterns.append(f"({source})")
        owners[group] = index
        group += 1 + compiled.groups
    try:
        joined = re.compile("|".join(patterns), flags)
    except (re.error, OverflowError, RecursionError):
        return None
    return (joined.match, owners) if joined.groups == group - 1 else None


def _state(tables: dict[str, Any], tokendefs: Any, name: str) -> tuple[Any, Any]:
    entry = tables.get(name)
    if entry is None:
        rules = tokendefs[name]
        entry = tables[name] = (rules, _segments(rules))
    return entry


def _regex_tokens(lexer: Any, text: str) -> Iterator[tuple[int, Any, str]]:
    """``RegexLexer.get_tokens_unprocessed`` (Pygments 2.21), with the rules tried by segment."""
    tokendefs = lexer._tokens
    tables = _STATE_TABLES.setdefault(type(lexer), {})
    pos = 0
    statestack = ["root"]
    rules, segments = _state(tables, tokendefs, "root")
    while True:
        found = None
        for joined, owner in segments:
            if joined is None:
                rule = rules[owner]
                found = rule[0](text, pos)
            else:
                first = joined(text, pos)
                if first:
                    rule = rules[owner[first.lastindex]]
                    found = rule[0](text, pos)
            if found:
                break
        if found:
            _, action, new_state = rule
            if action is not None:
                if type(action) is _TokenType:
                    yield pos, action, found.group()
                else:
                    yield from action(lexer, found)
            pos = found.end()
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
                    # pop, but keep at least one state on the stack
                    if abs(new_state) >= len(statestack):
                        del statestack[1:]
                    else:
                        del statestack[new_state:]
                elif new_state == "#push":
                    statestack.append(statestack[-1])
                else:
                    raise AssertionError(f"wrong state def: {new_state!r}")
                rules, segments = _state(tables, tokendefs, statestack[-1])
            continue
        # No rule matched: a newline resets the state to "root", anything else is an error.
        if pos >= len(text):
            break
        if text[pos] == "\n":
            statestack = ["root"]
            rules, segments = _state(tables, tokendefs, "root")
            yield pos, Whitespace, "\n"
        else:
            yield pos, Error, text[pos]
        pos += 1


def highlight_css(light_style: str = "friendly", dark_style: str = "monokai") -> str:
    """Return the CSS for highlighted code: a light style, and a dark one for dark mode.

    The dark rules apply under ``@media (prefers-color-scheme: dark)`` unless the page sets
    ``data-theme="light"`` on the root, and whenever it sets ``data-theme="dark"``.
    """
    light = HtmlFormatter(style=light_style).get_style_defs(_LIGHT_SCOPE)
    dark = HtmlFormatter(style=dark_style)
    dark_auto = "\n".join(
        [
            *dark.get_background_style_defs(_DARK_SCOPES[0]),
            *dark.get_token_style_defs(_DARK_SCOPES[0]),
        ]
    )
    dark_forced = "\n".join(
        [
            *dark.get_background_style_defs(_DARK_SCOPES[1]),
            *dark.get_token_style_defs(_DARK_SCOPES[1]),
        ]
    )
    indented = "\n".join(f"  {line}" for line in dark_auto.splitlines())
    return (
        f"/* Light: {light_style} */\n{light}\n\n"
        f"/* Dark: {dark_style} */\n@media (prefers-color-scheme: dark) {{\n{indented}\n}}\n"
        f"{dark_forced}\n"
    )
