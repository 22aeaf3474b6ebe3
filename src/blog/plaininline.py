"""Inline text of the common shapes, tokenized in one pass: markdown-it's tokens, made directly.

Most inline text of a technical blog is words with a few code spans, ``*emphasis*``,
``**strong**`` words, ``[links](url)`` and line breaks. For such a string,
``plain_inline_tokens`` returns exactly the tokens markdown-it's inline parser and its
post-processing rules (delimiter balancing, emphasis, fragment joining) make of it, without
running a rule per stop, a delimiter list or the post-processing passes. For anything else it
returns None and markdown-it parses the string: a ``_`` or ``~`` anywhere, emphasis not between
a space and a word, code spans over several lines or of several backticks, links with a title,
angle brackets, escapes, entities, HTML, autolinks, images, footnotes or math.

Where markdown-it leaves quirks, so does this: ``**strong**`` at the start or end of a string
leaves an empty text token there, as markdown-it's emphasis rule does. Tests compare the tokens
with markdown-it's on tricky and random text.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it.token import Token

from blog.fasttoken import new_token

# A code span of one backtick on one line, not followed by another backtick.
_CODE_SPAN = re.compile(r"`([^`\n]+)`(?!`)")
# A link destination markdown-it takes as it is: no spaces, control characters, brackets,
# parentheses, escapes or entities, and directly followed by ")".
_DESTINATION = re.compile(r"\(([^\s()<>\\&\x00-\x1f\x7f]+)\)")
# The text rule stops at ":" for the GFM protocol autolinks, which look back for these.
_PROTOCOL_BEFORE = re.compile(r"(?:https?|mailto|xmpp)$")
# The text rule stops at "&" for entities, which must look like one of these.
_ENTITY = re.compile(r"&(?:#(?:x[a-f0-9]{1,6}|[0-9]{1,7})|[a-z][a-z0-9]{1,31});", re.IGNORECASE)
_SPACES_AFTER_BREAK = " \t"
# What may come before an opening delimiter run (after a closing one) for it to open (close)
# only: markdown-it's whitespace, or ASCII punctuation other than the delimiters themselves.
_BESIDE_DELIMITERS = frozenset(" \t\n!\"#$%&'()+,-./:;<=>?@[\\]^`{|}")


def _text(content: str) -> Token:
    return new_token("text", "", 0, content)


class PlainInline:
    """The one-pass tokenizer for a parser whose text rule stops at ``stops``.

    ``stops`` is the fast text rule's pattern (see ``fastinline``): every character where an
    inline rule may start. Text between stops is plain, and so are the stops where every rule
    fails: a ``:`` no protocol name precedes, a ``!`` not before ``[`` (an image), an ``&``
    that starts no entity.
    """

    def __init__(self, stops: re.Pattern[str]) -> None:
        self._search = stops.search

    def _plain_end(self, src: str, pos: int, end: int) -> int:
        """Return where the plain text from ``pos`` ends (at most ``end``)."""
        search = self._search
        while True:
            found = search(src, pos, end)
            if found is None:
                return end
            stop = found.start()
            char = src[stop]
            if char == ":":
                if _PROTOCOL_BEFORE.search(src, max(0, stop - 6), stop):
                    return stop
            elif char == "!":
                if src.startswith("[", stop + 1):
                    return stop
            elif char != "&" or _ENTITY.match(src, stop):
                return stop
            pos = stop + 1

    def tokens(self, src: str, md: Any) -> list[Token] | None:
        """Return markdown-it's inline tokens for ``src``, or None when it is not plain."""
        out: list[Token] = []
        pending: list[str] = []
        pos, end = 0, len(src)
        while pos < end:
            stop = self._plain_end(src, pos, end)
            if stop > pos:
                pending.append(src[pos:stop])
                pos = stop
                if pos >= end:
                    break
            char = src[pos]
            if char == "\n" or (char == "\\" and src.startswith("\\\n", pos)):
                text = "".join(pending)
                pending.clear()
                kind = "hardbreak"
                if char == "\n":
                    if text.endswith("  "):
                        text = text.rstrip(" ")
                    elif text.endswith(" "):
                        text, kind = text[:-1], "softbreak"
                    else:
                        kind = "softbreak"
                    pos += 1
                else:
                    pos += 2
                if text:
                    out.append(_text(text))
                out.append(new_token(kind, "br", 0))
                while pos < end and src[pos] in _SPACES_AFTER_BREAK:
                    pos += 1
                continue
            if char == "`":
                found = _CODE_SPAN.match(src, pos)
                if found is None:
                    return None
                content = found.group(1)
                if content[0] == " " and content[-1] == " " and content.strip(" "):
                    content = content[1:-1]
                self._flush(pending, out)
                out.append(new_token("code_inline", "code", 0, content, "`"))
                pos = found.end()
                continue
            if char == "*":
                after = self._emphasis(src, pos, end, pending, out)
            elif char == "[":
                after = self._link(src, pos, end, md, pending, out)
            else:
                return None
            if after < 0:
                return None
            pos = after
        self._flush(pending, out)
        return _joined(out)

    @staticmethod
    def _flush(pending: list[str], out: list[Token]) -> None:
        if pending:
            out.append(_text("".join(pending)))
            pending.clear()

    def _emphasis(self, src: str, pos: int, end: int, pending: list[str], out: list[Token]) -> int:
        """Tokenize ``*word…*`` or ``**word…**`` at ``pos``; return where it ends, or -1."""
        size = 2 if src.startswith("**", pos) else 1
        first = pos + size
        if pos > 0 and src[pos - 1] not in _BESIDE_DELIMITERS:
            return -1
        close = src.find("*", first, end)
        if close <= first or not src.startswith("*" * size, close):
            return -1
        after = close + size
        body = src[first:close]
        if not (body[0].isalnum() and body[-1].isalnum()):
            return -1
        if after < end and src[after] not in _BESIDE_DELIMITERS:
            return -1
        if self._plain_end(body, 0, len(body)) != len(body):
            return -1
        self._flush(pending, out)
        tag, markup = ("strong", "**") if size == 2 else ("em", "*")
        if size == 2:
            out.append(_text(""))
        out.append(new_token(f"{tag}_open", tag, 1, "", markup))
        out.append(_text(body))
        out.append(new_token(f"{tag}_close", tag, -1, "", markup))
        if size == 2:
            out.append(_text(""))
        return after

    def _link(
        self, src: str, pos: int, end: int, md: Any, pending: list[str], out: list[Token]
    ) -> int:
        """Tokenize ``[label](destination)`` at ``pos``; return where it ends, or -1."""
        label_end = self._plain_end(src, pos + 1, end)
        if label_end == pos + 1 or label_end >= end or src[label_end] != "]":
            return -1
        found = _DESTINATION.match(src, label_end + 1, end)
        if found is None:
            return -1
        href = md.normalizeLink(found.group(1))
        if not md.validateLink(href):
            return -1
        self._flush(pending, out)
        out.append(new_token("link_open", "a", 1, attrs={"href": href}))
        out.append(_text(src[pos + 1 : label_end]))
        out.append(new_token("link_close", "a", -1))
        return found.end()


def _joined(tokens: list[Token]) -> list[Token]:
    """Join adjacent text tokens and set levels, as markdown-it's ``fragments_join`` does."""
    joined: list[Token] = []
    level = 0
    for token in tokens:
        if token.nesting < 0:
            level -= 1
        token.level = level
        if token.nesting > 0:
            level += 1
        if joined and token.type == "text" and joined[-1].type == "text":
            token.content = joined[-1].content + token.content
            joined[-1] = token
        else:
            joined.append(token)
    return joined


__all__ = ["PlainInline"]
