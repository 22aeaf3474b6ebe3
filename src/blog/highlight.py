"""Code highlighting with Pygments: fenced code blocks to HTML, and the CSS for them.

Lexers are cached by name: building them is far slower than using them, and Pygments lexers keep
no state between calls. Pygments' lexers lex (through ``fastlex``: one regex per lexer state, the
same tokens); ``format_html`` turns the tokens into the same markup as
``HtmlFormatter(nowrap=True)``, byte for byte, without its per-token, per-line generators.
"""

from __future__ import annotations

import difflib
import html
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from io import StringIO

from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped, unused-ignore]
from pygments.lexer import Lexer  # type: ignore[import-untyped, unused-ignore]
from pygments.lexers import get_all_lexers, get_lexer_by_name  # type: ignore[import-untyped, unused-ignore]
from pygments.token import STANDARD_TYPES, Token, _TokenType  # type: ignore[import-untyped, unused-ignore]
from pygments.util import ClassNotFound  # type: ignore[import-untyped, unused-ignore]

from blog.charsets import charsets_shared
from blog.fastlex import lex

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
    """Return the shared lexer for a lower-case alias, or None when Pygments has none.

    A lexer class compiles its rules when first made: with the big character classes they
    repeat optimised once (``charsets``).
    """
    try:
        with charsets_shared():
            return get_lexer_by_name(alias, stripnl=False, ensurenl=True)
    except ClassNotFound:
        return None


def _escapes() -> tuple[tuple[str, str], ...]:
    """Return the replacements Pygments' HTML formatter makes in token text, ``&`` first.

    Asked of Pygments rather than assumed: 2.21 escapes ``&<>`` only, older releases quotes too.
    """
    formatter = HtmlFormatter(nowrap=True)
    pairs = []
    for char in "&<>\"'":
        out = StringIO()
        formatter.format([(Token.Text, char)], out)
        escaped = out.getvalue().removesuffix("\n")
        if escaped != char:
            pairs.append((char, escaped))
    return tuple(pairs)


_ESCAPES = _escapes()
_SPAN_OPENERS: dict[_TokenType, str] = {}
"""``<span class="…">`` (or ``""`` for unstyled text) by token type, filled as types turn up."""


def _css_class(ttype: _TokenType) -> str:
    """Return a token type's own CSS class, ``""`` for plain text.

    That is its short name, or its nearest standard ancestor's followed by ``-Sub`` for each
    level below it: ``Name.Foo.Bar`` is ``n-Foo-Bar``, ``Text.Foo`` is ``-Foo``.
    """
    suffix = ""
    name = STANDARD_TYPES.get(ttype)
    while name is None:
        suffix = f"-{ttype[-1]}{suffix}"
        ttype = ttype.parent
        name = STANDARD_TYPES.get(ttype)
    return f"{name}{suffix}"


def _span_opener(ttype: _TokenType) -> str:
    """Return the tag that opens a token type's span, ``""`` when it has no class.

    The span has the type's class and those of its ancestors up to the nearest standard one,
    outermost first: ``n n-Foo n-Foo-Bar``.
    """
    classes = _css_class(ttype)
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
        classes = f"{_css_class(ttype)} {classes}"
    return f'<span class="{classes}">' if classes else ""


def _escape(text: str) -> str:
    """Return token text escaped as Pygments escapes it."""
    for char, escaped in _ESCAPES:
        text = text.replace(char, escaped)
    return text


def _escape_all(texts: list[str]) -> list[str]:
    """Return texts escaped, in one pass over them all unless one holds the NUL separator."""
    joined = "\0".join(texts)
    if joined.count("\0") == len(texts) - 1:
        return _escape(joined).split("\0")
    return [_escape(text) for text in texts]


def _run_html(opener: str, text: str) -> str:
    """Return a run of escaped text in one span, closed and reopened around each newline."""
    if not opener:
        return text
    if "\n" not in text:
        return f"{opener}{text}</span>"
    return "\n".join(f"{opener}{line}</span>" if line else "" for line in text.split("\n"))


def format_html(tokens: Iterable[tuple[_TokenType, str]]) -> str:
    """Return tokens as ``HtmlFormatter(nowrap=True)`` writes them.

    That is: adjacent text with the same span is one span, a span never crosses a newline nor
    wraps an empty line, and a last line without its newline gets one.
    """
    openers = [""]  # runs of text with the same span; the first, empty, keeps [-1] valid
    texts = [""]
    for ttype, value in tokens:
        if not value:
            continue  # an empty token neither opens a span nor splits one
        opener = _SPAN_OPENERS.get(ttype)
        if opener is None:
            opener = _SPAN_OPENERS[ttype] = _span_opener(ttype)
        if opener == openers[-1]:
            texts[-1] += value
        else:
            openers.append(opener)
            texts.append(value)
    markup = "".join(map(_run_html, openers, _escape_all(texts)))
    return markup if markup.endswith("\n") or not markup else f"{markup}\n"


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
    body = format_html(lex(lexer, code))  # lexer.get_tokens(code), token for token, faster
    return CodeBlock(
        html=f'<div class="highlight"><pre tabindex="0"><code{attrs}>{body}</code></pre></div>\n'
    )


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
