"""Heading ids, attribute blocks and the table of contents, as Hugo 0.168 (goldmark) makes them.

Two markdown-it core rules live here: one reads a trailing ``{#id .class}`` attribute block on
a heading (goldmark's ``parser.WithHeadingAttribute``), the other gives every heading a unique
id the way Hugo's ``autoHeadingIDType: github`` does. The rest turns headings into plain text
and into the nested ``TocEntry`` tree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attrs

from blog.model import TocEntry

# goldmark's typographer (on by default in Hugo) turns `---` and `--` into em and en dashes
# before the id is made, and the id then drops them as punctuation: "double--hyphen" ->
# "doublehyphen", but "--- triple ---" -> "-triple-" (the spaces are no longer at the ends).
_TYPOGRAPHER_DASHES = re.compile(r"---|--")


def _typographer_dashes(text: str) -> str:
    """Return text with goldmark's typographer dashes applied."""
    return _TYPOGRAPHER_DASHES.sub(lambda m: "\u2014" if len(m[0]) == 3 else "\u2013", text)


@dataclass(frozen=True, slots=True, kw_only=True)
class Heading:
    """One ``h1``-``h6`` of a page body."""

    level: int
    """The heading level, 1 to 6."""
    id: str
    """The anchor id; empty when Hugo gives the heading none (an empty heading)."""
    text: str
    """The heading as plain text (no markup)."""
    line: int
    """1-based line of the heading in the source file."""


def slugify(text: str) -> str:
    """Return Hugo's "github" anchor for a heading text (before de-duplication).

    Letters, decimal digits and ``_`` are kept (lower-cased), each space or ``-`` becomes a
    ``-``, and everything else is dropped; runs of hyphens are kept, as Hugo keeps them.
    """
    out: list[str] = []
    for char in text.strip():
        if char in "- ":
            out.append("-")
        elif char == "_" or char.isalpha() or char.isdecimal():
            # Go's unicode.ToLower maps one rune to one rune ("İ" -> "i").
            out.append(char.lower()[0])
    return "".join(out)


def parse_heading_attrs(state: StateCore) -> None:
    """Move a trailing ``{#id .class key=value}`` block from each heading into its attributes."""
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.type != "heading_open":
            continue
        inline = tokens[index + 1]
        found = _split_trailing_attrs(inline.content)
        if found is None:
            continue
        inline.content, attrs = found
        for key, value in attrs.items():
            if key == "class" and "class" in token.attrs:
                value = f"{token.attrs['class']} {value}"
            token.attrs[key] = value


def _split_trailing_attrs(content: str) -> tuple[str, dict[str, str]] | None:
    """Return the content without its attribute block and the attributes, or None.

    As goldmark does, the first unescaped ``{`` that starts a valid block followed only by
    blanks wins.
    """
    last_line_start = content.rfind("\n") + 1
    pos = last_line_start
    while pos < len(content):
        char = content[pos]
        if char == "\\":
            pos += 2
            continue
        if char == "{":
            try:
                end, attrs = parse_attrs(content[pos:])
            except ParseError:
                attrs = None
            if attrs is not None and not content[pos + end + 1 :].strip():
                return content[:pos].rstrip(), attrs
        pos += 1
    return None


def assign_heading_ids(state: StateCore) -> None:
    """Give each heading a page-unique id: its ``{#id}`` or an auto id, deduped with ``-N``.

    Runs before ``text_join`` so that numeric character references are still visible: goldmark
    builds the id from ``&#169;`` as written ("169"), but from named entities decoded.
    """
    used: set[str] = set()
    tokens = state.tokens
    for index, token in enumerate(tokens[:-1]):
        if token.type != "heading_open":
            continue
        custom = token.attrs.get("id")
        if isinstance(custom, str) and custom:
            # Hugo keeps a custom id even when it is taken; we suffix it so ids stay unique.
            token.attrs["id"] = _unique(custom, used)
            continue
        source = id_source_text(tokens[index + 1].children or [])
        if not source.strip():
            # goldmark gives an empty heading (or one that is only an autolink) no id.
            continue
        token.attrs["id"] = _unique(slugify(source) or "heading", used)


def _unique(anchor: str, used: set[str]) -> str:
    """Return ``anchor`` or ``anchor-1``, ``anchor-2``… (the first one free) and mark it used."""
    candidate = anchor
    number = 0
    while candidate in used:
        number += 1
        candidate = f"{anchor}-{number}"
    used.add(candidate)
    return candidate


def id_source_text(children: Sequence[Token]) -> str:
    """Return the text goldmark makes a heading id from.

    That is the text of the heading's last line with raw HTML and autolinks left out, code
    spans and image alt text kept, named entities decoded and numeric ones as written.
    """
    parts: list[str] = []
    autolink_depth = 0
    for token in children:
        if token.type in ("link_open", "link_close") and token.info == "auto":
            autolink_depth += 1 if token.nesting == 1 else -1
        elif autolink_depth:
            continue
        elif token.type in ("softbreak", "hardbreak"):
            parts.clear()
        elif token.type == "text":
            parts.append(_typographer_dashes(token.content))
        elif token.type == "text_special":
            is_numeric = token.info == "entity" and token.markup.startswith("&#")
            parts.append(token.markup if is_numeric else token.content)
        elif token.type == "code_inline":
            parts.append(token.content)
        elif token.type == "image":
            parts.append(id_source_text(token.children or []))
    return "".join(parts)


def plain_text(children: Sequence[Token]) -> str:
    """Return inline tokens as plain text: no markup, no raw HTML, line breaks as spaces."""
    parts: list[str] = []
    for token in children:
        if token.type in ("text", "text_special", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(plain_text(token.children or []))
    return "".join(parts)


def collect_headings(tokens: Sequence[Token], line_offset: int) -> tuple[Heading, ...]:
    """Return every heading of a parsed document, in order."""
    headings: list[Heading] = []
    for index, token in enumerate(tokens[:-1]):
        if token.type != "heading_open":
            continue
        anchor = token.attrs.get("id")
        start = token.map[0] if token.map else 0
        headings.append(
            Heading(
                level=int(token.tag[1]),
                id=anchor if isinstance(anchor, str) else "",
                text=plain_text(tokens[index + 1].children or []).strip(),
                line=start + 1 + line_offset,
            )
        )
    return tuple(headings)


@dataclass(slots=True)
class _Node:
    """A TOC entry while the tree is being built."""

    heading: Heading
    children: list[_Node]


def build_toc(headings: Sequence[Heading], start: int, end: int) -> tuple[TocEntry, ...]:
    """Return the nested table of contents of the headings within ``[start, end]``.

    A heading nests under the nearest earlier heading of a lower level, so a skipped level
    (an ``h4`` right under an ``h2``) makes a direct child rather than Hugo's empty ``<li>``
    wrapper. Headings without an id cannot be linked to and are left out.
    """
    roots: list[_Node] = []
    stack: list[_Node] = []
    for heading in headings:
        if not (start <= heading.level <= end) or not heading.id:
            continue
        node = _Node(heading, [])
        while stack and stack[-1].heading.level >= heading.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return tuple(_freeze(node) for node in roots)


def _freeze(node: _Node) -> TocEntry:
    """Return the immutable ``TocEntry`` for a node and its subtree."""
    return TocEntry(
        level=node.heading.level,
        id=node.heading.id,
        title=node.heading.text,
        children=tuple(_freeze(child) for child in node.children),
    )
