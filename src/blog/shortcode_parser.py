"""Read Hugo shortcode tags (``{{< name args >}}``, ``{{% name %}}``) into a tree. Pure.

Tags are opening, closing (``{{< /name >}}`` or ``{{</ name >}}``), self-closing
(``{{< name />}}``) or escaped (``{{</* name */>}}``, shown as written without the comment
marks). Arguments are positional or named, bare or quoted with ``"…"`` (backslash escapes) or
`` `…` `` (raw, may span lines).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Delimiter = Literal["<", "%"]

_OPEN = re.compile(r"\{\{([<%])")
_NAME = re.compile(r"\w[\w.\-]*(?:/\w[\w.\-]*)*")


@dataclass(frozen=True, slots=True, kw_only=True)
class Tag:
    """One shortcode tag as written: an opening, closing, self-closing or escaped tag."""

    name: str
    """The shortcode name (``figure``, ``math.inline``)."""
    delimiter: Delimiter
    """``<`` for ``{{< >}}`` (HTML output), ``%`` for ``{{% %}}`` (Markdown output)."""
    args: tuple[str, ...] = ()
    """Positional arguments, unquoted."""
    params: Mapping[str, str] = field(default_factory=dict)
    """Named arguments, unquoted."""
    kind: Literal["open", "close", "self", "escaped"] = "open"
    """``self`` for ``{{< name />}}``; ``escaped`` for ``{{</* … */>}}``."""
    start: int = 0
    """Offset of ``{{`` in the text."""
    end: int = 0
    """Offset just after ``}}``."""
    literal: str = ""
    """For an escaped tag: the text it stands for (``{{< name … >}}``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Shortcode:
    """A shortcode call: a tag, with its inner text when it has a closing tag."""

    tag: Tag
    """The opening (or only) tag."""
    inner: str | None = None
    """The text between the opening and closing tags; None when there is no closing tag."""
    inner_start: int = 0
    """Offset of the inner text in the page body."""
    children: tuple[Shortcode, ...] = ()
    """Shortcodes inside the inner text (offsets relative to the page body)."""
    end: int = 0
    """Offset just after the closing tag (or the only tag)."""

    @property
    def name(self) -> str:
        """Return the shortcode's name."""
        return self.tag.name


@dataclass(frozen=True, slots=True, kw_only=True)
class ParseProblem:
    """A tag that could not be read."""

    message: str
    """What is wrong."""
    offset: int
    """Where the tag starts."""


def parse_tags(text: str) -> tuple[list[Tag], list[ParseProblem]]:
    """Return every shortcode tag of ``text`` in order, and the tags that could not be read."""
    tags: list[Tag] = []
    problems: list[ParseProblem] = []
    position = 0
    while (match := _OPEN.search(text, position)) is not None:
        start = match.start()
        delimiter: Delimiter = "<" if match.group(1) == "<" else "%"
        tag_or_problem = _read_tag(text, start, delimiter)
        if isinstance(tag_or_problem, ParseProblem):
            problems.append(tag_or_problem)
            position = match.end()
        elif tag_or_problem is None:
            position = match.end()
        else:
            tags.append(tag_or_problem)
            position = tag_or_problem.end
    return tags, problems


def _read_tag(text: str, start: int, delimiter: Delimiter) -> Tag | ParseProblem | None:
    """Read the tag at ``start`` (just at ``{{<`` or ``{{%``); None when it is not a tag."""
    close = _closer(delimiter)
    position = _skip_space(text, start + 3)
    if text.startswith("/*", position):
        end = text.find(f"*/{close}", position)
        if end == -1:
            return ParseProblem(message="unclosed shortcode escape", offset=start)
        literal = "{{" + delimiter + text[position + 2 : end] + close
        return Tag(
            name="", delimiter=delimiter, kind="escaped", start=start, end=end + 5, literal=literal
        )
    kind: Literal["open", "close", "self"] = "open"
    if text.startswith("/", position):
        kind, position = "close", _skip_space(text, position + 1)
    name = _NAME.match(text, position)
    if name is None:
        return None
    args, params, position_or_problem = _read_args(text, name.end(), delimiter)
    if isinstance(position_or_problem, ParseProblem):
        return dataclasses.replace(position_or_problem, offset=start)
    position = position_or_problem
    if text.startswith("/", position):
        kind, position = "self", position + 1
    return Tag(
        name=name.group(0),
        delimiter=delimiter,
        args=tuple(args),
        params=params,
        kind=kind,
        start=start,
        end=position + 3,
    )


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _read_args(
    text: str, position: int, delimiter: Delimiter
) -> tuple[list[str], dict[str, str], int | ParseProblem]:
    """Read arguments up to the closing ``>}}``; return them and the offset of the closer."""
    close = _closer(delimiter)
    args: list[str] = []
    params: dict[str, str] = {}
    while True:
        position = _skip_space(text, position)
        if position >= len(text):
            return args, params, ParseProblem(message="unclosed shortcode", offset=0)
        if text.startswith(close, position) or text.startswith("/" + close, position):
            return args, params, position
        value, position, problem = _read_value(text, position, close)
        if problem is not None:
            return args, params, ParseProblem(message=problem, offset=0)
        if text.startswith("=", position) and value is not None:
            named, position, problem = _read_value(text, position + 1, close)
            if problem is not None or named is None:
                return args, params, ParseProblem(message=problem or "missing value", offset=0)
            params[value] = named
        elif value is not None:
            args.append(value)


def _read_value(text: str, position: int, close: str) -> tuple[str | None, int, str | None]:
    """Read one quoted or bare word; return it, the offset after it and any problem."""
    quote = text[position]
    if quote == '"':
        end = position + 1
        chars: list[str] = []
        while end < len(text) and text[end] != '"':
            if text[end] == "\\" and end + 1 < len(text):
                end += 1
            chars.append(text[end])
            end += 1
        if end >= len(text):
            return None, end, "unterminated quoted argument"
        return "".join(chars), end + 1, None
    if quote == "`":
        end = text.find("`", position + 1)
        if end == -1:
            return None, len(text), "unterminated quoted argument"
        return text[position + 1 : end], end + 1, None
    end = position
    while end < len(text) and text[end] not in " \t\r\n=" and not text.startswith(close, end):
        if text.startswith("/" + close, end):
            break
        end += 1
    if end == position:
        return None, end, f"unexpected {text[end]!r} in shortcode"
    return text[position:end], end, None


def build_tree(text: str, tags: list[Tag], *, base: int = 0) -> list[Shortcode | Tag]:
    """Pair opening and closing tags into shortcodes; return the top level in order.

    A closing tag pairs with the latest unclosed opening tag of its name; opening tags it
    passes over, and opening tags never closed, stand alone. Escaped tags and closing tags
    that close nothing are returned as ``Tag`` values.
    """
    partner: dict[int, int] = {}
    stack: list[int] = []
    for index, tag in enumerate(tags):
        if tag.kind == "open":
            stack.append(index)
        elif tag.kind == "close":
            for depth in range(len(stack) - 1, -1, -1):
                if tags[stack[depth]].name == tag.name:
                    partner[stack[depth]] = index
                    del stack[depth:]
                    break
    items: list[Shortcode | Tag] = []
    index = 0
    while index < len(tags):
        tag = tags[index]
        if tag.kind == "escaped" or (tag.kind == "close" and index not in partner.values()):
            items.append(tag)
            index += 1
        elif index in partner:
            closer = tags[partner[index]]
            inside = tags[index + 1 : partner[index]]
            items.append(
                Shortcode(
                    tag=tag,
                    inner=text[tag.end - base : closer.start - base],
                    inner_start=tag.end,
                    end=closer.end,
                    children=tuple(_only_calls(build_tree(text, inside, base=base))),
                )
            )
            index = partner[index] + 1
        else:
            items.append(Shortcode(tag=tag, end=tag.end))
            index += 1
    return items


def _only_calls(items: list[Shortcode | Tag]) -> list[Shortcode]:
    """Return the items as shortcodes (escaped and stray tags become inner text calls)."""
    return [
        item if isinstance(item, Shortcode) else Shortcode(tag=item, end=item.end) for item in items
    ]


def parse_shortcodes(text: str) -> tuple[list[Shortcode], list[ParseProblem]]:
    """Return the shortcode calls of ``text`` (a tree) and the tags that could not be read."""
    tags, problems = parse_tags(text)
    return _only_calls(build_tree(text, tags)), problems


def line_of(text: str, offset: int) -> int:
    """Return the 0-based line of ``offset`` in ``text``."""
    return text.count("\n", 0, offset)


def _closer(delimiter: Delimiter) -> str:
    """Return the end of a tag: ``>}}`` for ``{{<``, ``%}}`` for ``{{%``."""
    return ">}}" if delimiter == "<" else "%}}"
