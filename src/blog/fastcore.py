"""Two of markdown-it's core rules, skipped where they cannot change a token.

Both walk every token of every page; on most pages they change nothing.

- ``text_join`` turns escapes' ``text_special`` tokens into text and joins adjacent text
  tokens. The one-pass inline tokenizer (``plaininline``) makes neither, so the inline tokens it
  filled (``fastinline`` notes them in ``env``) are left as they are. That holds only while the core
  rules between ``inline`` and ``text_join`` are ones known not to split text
  (``BETWEEN_INLINE_AND_JOIN``); with any other there, every token is joined as before.
- The task-list plugin's rule looks for ``[ ]``, ``[x]`` or ``[X]`` at the start of list items'
  paragraphs. An inline token's text is the source's, so a source without one of those three
  strings has no task item, and the rule is not run.

Tests compare the tokens with markdown-it's, with a deliberately splitting rule in between.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.text_join import _join_text_tokens
from markdown_it.rules_core.text_join import text_join as upstream_text_join

from blog.fastinline import PLAIN_TOKENS

BETWEEN_INLINE_AND_JOIN = frozenset({"heading_ids", "github-tasklists", "footnote_tail"})
"""Core rules that may run between ``inline`` and ``text_join`` without splitting text."""

TASKLISTS_RULE = "github-tasklists"
"""The name of mdit-py-plugins' task-list core rule."""

_TASK_MARKER = re.compile(r"\[[ xX]\]")
"""What a task item's paragraph starts with (the plugin also wants whitespace after it)."""


def install_fast_core(md: MarkdownIt) -> None:
    """Replace ``text_join`` and guard the task-list rule, where ``md`` has them."""
    names = md.core.ruler.get_active_rules()
    if "text_join" in names:
        md.core.ruler.at("text_join", _JoinUnlessPlain(md))
    if TASKLISTS_RULE in names:
        rule = md.core.ruler.getRules("")[names.index(TASKLISTS_RULE)]
        md.core.ruler.at(TASKLISTS_RULE, _only_with_task_markers(rule))


def _only_with_task_markers(rule: Callable[[StateCore], Any]) -> Callable[[StateCore], None]:
    def tasklists(state: StateCore) -> None:
        if _TASK_MARKER.search(state.src):
            rule(state)

    return tasklists


class _JoinUnlessPlain:
    """markdown-it's ``text_join``, skipping the inline tokens filled by the one-pass tokenizer."""

    def __init__(self, md: MarkdownIt) -> None:
        self.ruler = md.core.ruler
        self.rules_seen: list[Any] | None = None
        self.is_safe = False

    def _is_safe(self) -> bool:
        """Whether only rules known not to split text run between ``inline`` and here."""
        rules = self.ruler.getRules("")
        if rules is not self.rules_seen:
            names = self.ruler.get_active_rules()
            self.rules_seen = rules
            self.is_safe = (
                "inline" in names
                and "text_join" in names
                and set(names[names.index("inline") + 1 : names.index("text_join")])
                <= BETWEEN_INLINE_AND_JOIN
            )
        return self.is_safe

    def __call__(self, state: StateCore) -> None:
        plain: dict[int, list[Any]] = state.env.pop(PLAIN_TOKENS, None) or {}
        if not plain or not self._is_safe():
            upstream_text_join(state)
            return
        for token in state.tokens:
            if token.type != "inline":
                continue
            children = token.children or []
            if plain.get(id(children)) is children:
                continue  # made joined: no text_special, no adjacent text, no nested tokens
            for child in children:
                if child.children:  # an image's alt text
                    child.children = _join_text_tokens(child.children)
            token.children = _join_text_tokens(children)


__all__ = ["BETWEEN_INLINE_AND_JOIN", "install_fast_core"]
