"""Flat YAML front matter read line by line: the entries PyYAML gives, for the common shapes.

Most front matter is a few ``key: value`` lines: quoted titles, a date, ``true``, a list of
quoted tags. PyYAML composes a node tree for them (libyaml) and then constructs each node in
Python, about 40 µs a page. ``FlatReader`` reads such a mapping with one regex per line and
asks PyYAML's own resolver and constructors only for the plain scalars (dates, numbers,
booleans, words), so the values and their types are PyYAML's. It returns None, and PyYAML
reads the text, for anything else: nested or block values, a line it does not know, escapes,
tabs, a character YAML treats as a line break or refuses, an empty mapping.

Tests compare the entries with PyYAML's on tricky and random front matter.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

Entry = tuple[str, Any, int]
"""(key as written, value, 1-based file line)"""

_KEY_VALUE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): +(\S.*)")
_DOUBLE = re.compile(r'"([^"\\]*)"')
_SINGLE = re.compile(r"'([^']*)'")
_QUOTED_ITEM = r""" *(?:"[^"\\]*"|'[^']*') *"""
_FLOW_LIST = re.compile(rf"\[(?:{_QUOTED_ITEM}(?:,{_QUOTED_ITEM})*)?\]")
_ITEMS = re.compile(r""""([^"\\]*)"|'([^']*)'""")
# A plain scalar of letters, digits and a few marks, none of which can start a comment, a
# flow collection, an alias, a tag or a block scalar here.
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._+\-/:,]*")
# Characters YAML refuses (yaml.reader's own class, compiled already), and those it reads as
# line breaks or tabs or a byte-order mark.
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_UNUSUAL = re.compile("[\t\r\x85\u2028\u2029\ufeff]")
_UNSURE = object()


class FlatReader:
    """Reads flat front matter with one loader's resolver and constructors.

    ``loader`` is never fed a stream, so a value comes out as that loader would make it.
    """

    MAX_NAMES = 4096
    """Distinct keys whose names are remembered (front matter repeats a few dozen)."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self._names: dict[str, str | None] = {}

    def entries(self, source: str, first_line: int) -> list[Entry] | None:
        """Return the top-level entries of a flat YAML mapping, or None when unsure.

        ``first_line`` is the file line of ``source``'s first line.
        """
        if _UNUSUAL.search(source) or _NON_PRINTABLE.search(source):
            return None
        entries: list[Entry] = []
        for index, line in enumerate(source.split("\n")):
            if not line or line[0] == "#":
                continue
            found = _KEY_VALUE.fullmatch(line)
            if found is None:
                return None
            key, raw = found.groups()
            name = self._name(key)
            value = _value(raw, self.loader)
            if name is None or value is _UNSURE:
                return None
            entries.append((name, value, first_line + index))
        return entries or None

    def _name(self, key: str) -> str | None:
        """Return a key's name as the front matter reader writes it (None: unsure)."""
        try:
            return self._names[key]
        except KeyError:
            pass
        value = _plain(key, self.loader)
        name = (
            None
            if value is _UNSURE
            else "null"
            if value is None
            else str(value).lower()
            if isinstance(value, bool)
            else str(value)
        )
        if len(self._names) < self.MAX_NAMES:
            self._names[key] = name
        return name


def _value(raw: str, loader: yaml.SafeLoader) -> Any:
    first = raw[0]
    if first == '"':
        found = _DOUBLE.fullmatch(raw)
        return _UNSURE if found is None else found.group(1)
    if first == "'":
        found = _SINGLE.fullmatch(raw)
        return _UNSURE if found is None else found.group(1)
    if first == "[":
        if _FLOW_LIST.fullmatch(raw) is None:
            return _UNSURE
        return [double or single for double, single in _ITEMS.findall(raw)]
    return _plain(raw, loader)


def _plain(raw: str, loader: yaml.SafeLoader) -> Any:
    """Return a plain scalar as the loader resolves and constructs it, or _UNSURE."""
    if _PLAIN.fullmatch(raw) is None or ": " in raw or raw.endswith((":", " ")):
        return _UNSURE
    tag = loader.resolve(yaml.ScalarNode, raw, (True, False))  # type: ignore[no-untyped-call]
    construct = loader.yaml_constructors.get(tag)
    if construct is None:
        return _UNSURE
    try:
        return construct(loader, yaml.ScalarNode(tag, raw))
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, LookupError):
        return _UNSURE  # PyYAML reads it again and says what is wrong


__all__ = ["Entry", "FlatReader"]
