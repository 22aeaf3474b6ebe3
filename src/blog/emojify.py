"""Emoji shortcodes (``:smile:``) in page text, as Hugo does with ``enableEmoji: true``.

The names are GitHub's (gemoji), which Hugo uses: the ``emoji`` package's "alias" names
hold them, with its English CLDR names (``:thumbs_up:``) as well. Only text is changed:
code spans, code blocks, link targets and raw HTML keep their colons, and an unknown name
stays as written. The rule runs after heading ids are assigned, so ``## Done :tada:`` keeps
Hugo's id ``done-tada``.
"""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

_SHORTCODE = re.compile(r":[A-Za-z0-9_+\-]+:")


def emoji_plugin(md: MarkdownIt) -> None:
    """Replace emoji shortcodes in text tokens (a core rule after all others)."""
    md.core.ruler.push("emoji", _replace_shortcodes)


@cache
def _emoji(shortcode: str) -> str:
    """Return the emoji of a ``:name:`` shortcode, or the shortcode when it names none."""
    import emoji  # here: only sites with enableEmoji pay for loading its tables

    return str(emoji.emojize(shortcode, language="alias"))


def emojify(text: str) -> str:
    """Return text with each known ``:name:`` replaced by its emoji."""
    if ":" not in text:
        return text
    return _SHORTCODE.sub(lambda m: _emoji(m.group(0)), text)


def _replace_shortcodes(state: StateCore) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        for token in block.children:
            if token.type == "text":
                token.content = emojify(token.content)
            elif token.type == "image" and token.children:
                for child in token.children:
                    if child.type == "text":
                        child.content = emojify(child.content)
