"""Links whose text says nothing ("here", "read more") get their destination for screen readers.

A core rule of our Markdown parsers adds a ``link_context`` token after such a link, and its
render rule writes the destination in a visually hidden span (WCAG technique C7).
"""

from __future__ import annotations

import html
from collections.abc import MutableMapping, Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

GENERIC_LINK_TEXT = frozenset(
    {"click here", "click this", "go", "here", "information", "learn more", "more", "more info",
     "more information", "right here", "read more", "see more", "start", "this", "link",
     "continue", "this page", "this link"}
)  # fmt: skip
"""Link texts that say nothing about where they lead (Lighthouse's English list)."""

VISUALLY_HIDDEN = '<span class="visually-hidden">'
"""How the destination of such a link is written: read by screen readers, not shown."""


def add_link_context(state: StateCore) -> None:
    """Give links whose text is only "here" or "read more" a visually hidden destination.

    Screen readers then announce "here (aws.amazon.com)" (WCAG technique C7); the author's
    visible text is unchanged. Only a ``[label]`` link can have such text (an autolink's is
    its address, with a ``:``, ``@`` or ``www.``), so inline text without ``[`` is skipped.
    """
    for block in state.tokens:
        if block.type != "inline" or not block.children or "[" not in block.content:
            continue
        children: list[Token] = []
        opened: Token | None = None
        label: list[str] = []
        for token in block.children:
            if token.type == "link_open":
                opened, label = token, []
            elif token.type in ("text", "code_inline") and opened is not None:
                label.append(token.content)
            elif token.type == "link_close" and opened is not None:
                if "".join(label).strip().lower() in GENERIC_LINK_TEXT:
                    context = Token("link_context", "", 0)
                    context.content = _destination(str(opened.attrs.get("href", "")))
                    children.append(context)
                opened = None
            children.append(token)
        block.children = children


def _destination(href: str) -> str:
    """Return a short name for where a link leads: its host, or its last path segment."""
    parts = urlsplit(href)
    if parts.netloc:
        return parts.netloc.removeprefix("www.")
    segment = [p for p in parts.path.split("/") if p]
    return unquote(segment[-1]).removesuffix(".md") if segment else "this site"


def render_link_context(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
) -> str:
    """Render the hidden destination of a link with a generic text."""
    return f"{VISUALLY_HIDDEN} ({html.escape(tokens[idx].content)})</span>"


__all__ = ["GENERIC_LINK_TEXT", "VISUALLY_HIDDEN", "add_link_context", "render_link_context"]
