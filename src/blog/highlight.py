"""Code highlighting with Pygments: fenced code blocks to HTML, and the CSS for them.

Lexers and the formatter are cached by name: building them is far slower than using them, and
Pygments lexers keep no state between calls.
"""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass
from functools import lru_cache

from pygments import highlight as pygments_highlight  # type: ignore[import-untyped, unused-ignore]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped, unused-ignore]
from pygments.lexer import Lexer  # type: ignore[import-untyped, unused-ignore]
from pygments.lexers import get_all_lexers, get_lexer_by_name  # type: ignore[import-untyped, unused-ignore]
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
    body = pygments_highlight(code, lexer, _formatter())
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
