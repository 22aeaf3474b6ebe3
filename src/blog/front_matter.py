"""Split a page into front matter and body, and parse the front matter with its key lines.

Hugo reads three formats: YAML between ``---`` lines, TOML between ``+++`` lines and a
leading JSON ``{ … }`` object. Keys are matched case-insensitively, as Hugo does, so each
top-level key is stored lower-cased with its spelling and its file line. Pure: bad input
becomes diagnostics, never an exception.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from blog.errors import Diagnostic
from blog.fastyaml import FlatReader
from blog.tomlkeys import toml_key_lines

Format = Literal["yaml", "toml", "json", "none"]

_BOM = "\ufeff"
_DELIMITERS: Mapping[str, Format] = {"---": "yaml", "+++": "toml"}
_TOML_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")

# (key as written, value, 1-based file line)
_Entry = tuple[str, Any, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class FrontMatter:
    """A page's front matter, parsed, with where each top-level key was written."""

    format: Format
    """The syntax it was written in; ``"none"`` when the file has no front matter."""
    values: Mapping[str, Any]
    """Top-level keys lower-cased (as Hugo matches them); nested mappings keep their keys."""
    key_names: Mapping[str, str]
    """Lower-cased key -> the key as written (the spelling that won)."""
    key_lines: Mapping[str, int]
    """Lower-cased key -> 1-based file line of the key that won."""
    body: str
    """The text after the closing delimiter."""
    body_line_offset: int
    """File lines before the body: body line N is file line N + offset."""


class _FrontMatterError(Exception):
    """Bad front matter, turned into one error diagnostic by ``parse_front_matter``."""

    def __init__(self, message: str, *, line: int, column: int | None = None, hint: str) -> None:
        super().__init__(message)
        self.fields: dict[str, Any] = {"message": message, "line": line, "column": column}
        self.fields["hint"] = hint


class _KeyLineLoader(yaml.SafeLoader):
    """A safe YAML loader whose timestamps never raise (``2019-13-01`` stays a string)."""


_FastLoader: type[Any] = _KeyLineLoader
if hasattr(yaml, "CSafeLoader"):

    class _CKeyLineLoader(yaml.CSafeLoader):
        """The same loader on libyaml: several times faster; errors are re-read in Python."""

    _FastLoader = _CKeyLineLoader


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError, AttributeError):
        # An impossible date (or a !!timestamp that is no date) is reported by meta.py,
        # which knows the key and the accepted forms.
        return loader.construct_scalar(node)


_KeyLineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_FLAT = FlatReader(_KeyLineLoader(""))
"""Flat front matter, read with the loader's resolver and constructors (``fastyaml``)."""


def parse_front_matter(
    text: str, *, path: Path
) -> tuple[FrontMatter | None, tuple[Diagnostic, ...]]:
    """Split ``text`` into front matter and body and parse the front matter.

    Returns ``(None, (error,))`` when the front matter is unusable, otherwise the parsed
    front matter and any warnings (keys repeated with a different case).
    """
    text = text.removeprefix(_BOM)
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return _no_front_matter(text), ()
    opening = lines[first].rstrip()
    try:
        if opening.startswith("{") and not opening.startswith("{{"):
            fm_format: Format = "json"
            entries, body, offset = _split_json(text)
        elif opening in _DELIMITERS:
            fm_format = _DELIMITERS[opening]
            entries, body, offset = _split_delimited(lines, first, fm_format)
        else:
            return _no_front_matter(text), ()
    except _FrontMatterError as err:
        return None, (Diagnostic(severity="error", path=path, **err.fields),)
    return _collect(entries, fm_format, body, offset, path)


def _no_front_matter(text: str) -> FrontMatter:
    return FrontMatter(
        format="none", values={}, key_names={}, key_lines={}, body=text, body_line_offset=0
    )


def _collect(
    entries: list[_Entry], fm_format: Format, body: str, offset: int, path: Path
) -> tuple[FrontMatter, tuple[Diagnostic, ...]]:
    """Lower-case the keys; when two spell the same key, the later one wins with a warning."""
    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    lines: dict[str, int] = {}
    warnings: list[Diagnostic] = []
    for name, value, line in entries:
        key = name.lower()
        if key in names:
            same = names[key] == name
            warnings.append(
                Diagnostic(
                    severity="warning",
                    message=f"'{name}' (line {line}) repeats '{names[key]}' (line {lines[key]}); "
                    "the later one wins",
                    path=path,
                    line=line,
                    hint="delete one of them"
                    if same
                    else "keys are matched case-insensitively, as Hugo does: delete one of them",
                )
            )
        values[key] = value
        names[key] = name
        lines[key] = line
    front_matter = FrontMatter(
        format=fm_format,
        values=values,
        key_names=names,
        key_lines=lines,
        body=body,
        body_line_offset=offset,
    )
    return front_matter, tuple(warnings)


def _split_delimited(
    lines: list[str], first: int, fm_format: Format
) -> tuple[list[_Entry], str, int]:
    """Find the closing delimiter and parse what lies between (``first`` is 0-based)."""
    delimiter = lines[first].rstrip()
    closing = next(
        (i for i in range(first + 1, len(lines)) if lines[i].rstrip() == delimiter), None
    )
    if closing is None:
        raise _FrontMatterError(
            f"unterminated front matter: no closing '{delimiter}'",
            line=first + 1,
            hint=f"end the front matter with a line holding only '{delimiter}', "
            f"or remove the opening '{delimiter}' if the file has no front matter",
        )
    source = "\n".join(lines[first + 1 : closing]) + "\n"
    body = "\n".join(lines[closing + 1 :])
    # The source's line 1 is file line first + 2 (first is 0-based and names the opening).
    if fm_format == "yaml":
        entries = _parse_yaml(source, first_line=first + 2, closing_line=closing + 1)
    else:
        entries = _parse_toml(source, first_line=first + 2, closing_line=closing + 1)
    return entries, body, closing + 1


def _parse_yaml(source: str, *, first_line: int, closing_line: int) -> list[_Entry]:
    try:
        return _load_yaml_entries(source, first_line)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        if err.context_mark is not None and (
            mark is None or first_line + mark.line >= closing_line
        ):
            # The parser noticed at the end (an unclosed [ or {): point at where it opened.
            mark = err.context_mark
        detail = "; ".join(part for part in (err.context, err.problem) if part)
        line, column = closing_line, None
        if mark is not None:
            line = min(first_line + mark.line, closing_line)
            column = mark.column + 1 if line < closing_line else None
        raise _FrontMatterError(
            f"invalid YAML front matter: {detail}",
            line=line,
            column=column,
            hint=_yaml_hint(detail),
        ) from None
    except (yaml.YAMLError, ValueError, TypeError, LookupError, RecursionError) as err:
        raise _FrontMatterError(
            f"invalid YAML front matter: {err}",
            line=first_line - 1,
            hint="check the front matter's indentation, quoting and tags",
        ) from None


def _yaml_hint(detail: str) -> str:
    if "mapping values are not allowed" in detail:
        return 'quote a value that contains ": " (for example title: "Part 1: Setup")'
    if "'\\t'" in detail:
        return "YAML indents with spaces, not tabs"
    return "write each entry as key: value, indent with spaces, and close every quote you open"


def _load_yaml_entries(source: str, first_line: int) -> list[_Entry]:
    """Compose the YAML and construct it key by key, keeping each top-level key's line.

    libyaml does the work; when it finds an error, the pure-Python parser reads the text again
    for its clearer messages (the hints match them). A flat mapping of simple lines is read
    line by line instead (``fastyaml``), with the loader's resolver and constructors.
    """
    flat = _FLAT.entries(source, first_line)
    if flat is not None:
        return flat
    try:
        return _entries_with(_FastLoader, source, first_line)
    except yaml.MarkedYAMLError:
        if _FastLoader is _KeyLineLoader:
            raise
        return _entries_with(_KeyLineLoader, source, first_line)


def _entries_with(loader_type: type[yaml.SafeLoader], source: str, first_line: int) -> list[_Entry]:
    loader = loader_type(source)
    try:
        node = loader.get_single_node()
        if node is None:
            return []
        if not isinstance(node, yaml.MappingNode):
            if isinstance(node, yaml.ScalarNode) and loader.construct_object(node) is None:
                return []
            raise _not_a_mapping(node, first_line)
        loader.flatten_mapping(node)
        entries: list[_Entry] = []
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            value = loader.construct_object(value_node, deep=True)
            name = (
                "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
            )
            entries.append((name, value, first_line + key_node.start_mark.line))
        return entries
    finally:
        loader.dispose()


def _not_a_mapping(node: yaml.Node, first_line: int) -> _FrontMatterError:
    kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
    return _FrontMatterError(
        f"front matter is {kind}, not a set of key: value entries",
        line=first_line + node.start_mark.line,
        column=node.start_mark.column + 1,
        hint="write one key: value per line, e.g. title: My post",
    )


def _parse_toml(source: str, *, first_line: int, closing_line: int) -> list[_Entry]:
    try:
        table = tomllib.loads(source)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        line, column = closing_line, None
        if match := _TOML_POSITION.search(message):
            message = message[: match.start()]
            if match.group(1):
                line = min(first_line + int(match.group(1)) - 1, closing_line)
                column = int(match.group(2))
        raise _FrontMatterError(
            f"invalid TOML front matter: {message}",
            line=line,
            column=column,
            hint='write each entry as key = value, with strings in quotes (title = "My post")',
        ) from None
    key_lines = toml_key_lines(source)
    return [(key, value, first_line + key_lines.get(key, -1)) for key, value in table.items()]


def _split_json(text: str) -> tuple[list[_Entry], str, int]:
    """Parse the leading JSON object key by key, as Hugo reads JSON front matter."""
    try:
        entries, end = _scan_json_object(text, text.index("{"))
    except json.JSONDecodeError as err:
        raise _FrontMatterError(
            f"invalid JSON front matter: {err.msg}",
            line=err.lineno,
            column=err.colno,
            hint='write the front matter as one JSON object: { "title": "My post" }',
        ) from None
    except RecursionError:
        raise _FrontMatterError(
            "JSON front matter nests too deeply", line=1, hint="flatten it"
        ) from None
    newline = text.find("\n", end)
    last_line = text.count("\n", 0, end) + 1
    if newline >= 0 and not text[end:newline].strip():
        return entries, text[newline + 1 :], last_line
    if newline < 0 and not text[end:].strip():
        return entries, "", last_line
    return entries, text[end:], last_line - 1


def _scan_json_object(text: str, start: int) -> tuple[list[_Entry], int]:
    """Read a JSON object's members with their lines; return them and the end index."""
    decoder = json.JSONDecoder()
    entries: list[_Entry] = []
    i = _skip_space(text, start + 1)
    if text.startswith("}", i):
        return entries, i + 1
    while True:
        if not text.startswith('"', i):
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, i)
        line = text.count("\n", 0, i) + 1
        key, i = decoder.raw_decode(text, i)
        i = _skip_space(text, i)
        if not text.startswith(":", i):
            raise json.JSONDecodeError("Expecting ':' delimiter", text, i)
        value, i = decoder.raw_decode(text, _skip_space(text, i + 1))
        entries.append((key, value, line))
        i = _skip_space(text, i)
        if text.startswith("}", i):
            return entries, i + 1
        if not text.startswith(",", i):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, i)
        i = _skip_space(text, i + 1)


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i
