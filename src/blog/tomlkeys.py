"""Where each top-level key of TOML front matter is written (``tomllib`` keeps no positions)."""

from __future__ import annotations

import re
import tomllib

_TOML_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOML_BASIC_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def toml_key_lines(source: str) -> dict[str, int]:
    """Return the 0-based line where each top-level TOML key first appears.

    tomllib keeps no positions, so this scans the lines itself, skipping multi-line strings
    and arrays. A key it cannot place is reported at the opening delimiter.
    """
    found: dict[str, int] = {}
    is_root = True
    pending: str | None = None
    depth = 0
    for number, line in enumerate(source.split("\n")):
        position = 0
        if pending is None and depth == 0:
            key, position, is_header = _toml_line_key(line)
            is_root = is_root and not is_header
            if key is not None and (is_header or is_root):
                found.setdefault(key, number)
        pending, depth = _toml_scan(line, position, pending, depth)
    return found


def _toml_line_key(line: str) -> tuple[str | None, int, bool]:
    """Return (first key segment, where the value starts, whether it is a table header)."""
    stripped = line.lstrip()
    start = len(line) - len(stripped)
    is_header = stripped.startswith("[")
    if is_header:
        stripped = stripped.lstrip("[").lstrip()
        start = len(line) - len(stripped)
    key: str | None = None
    if stripped.startswith('"'):
        if quoted := _TOML_BASIC_STRING.match(stripped):
            key = str(tomllib.loads(f"k = {quoted.group(0)}")["k"])
    elif stripped.startswith("'"):
        end = stripped.find("'", 1)
        key = stripped[1:end] if end > 0 else None
    elif bare := _TOML_BARE_KEY.match(stripped):
        key = bare.group(0)
    if key is None:
        return None, 0, False
    if is_header:
        return key, len(line), True
    equals = line.find("=", start)
    return (key, equals + 1, False) if equals >= 0 else (None, 0, False)


def _toml_scan(line: str, position: int, pending: str | None, depth: int) -> tuple[str | None, int]:
    """Follow strings and brackets through the rest of a line; return the state after it."""
    i = position
    while i < len(line):
        if pending is not None:
            end = _find_closing(line, i, pending)
            if end < 0:
                return pending, depth
            pending, i = None, end
            continue
        char = line[i]
        if char == "#":
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            pending, i = line[i : i + 3], i + 3
        elif char in "\"'":
            end = _find_closing(line, i + 1, char)
            i = end if end >= 0 else len(line)
        else:
            depth += (char in "[{") - (char in "]}")
            depth = max(depth, 0)
            i += 1
    return pending, depth


def _find_closing(line: str, start: int, quote: str) -> int:
    """Return the index just after ``quote`` closing a string at ``start``, or -1."""
    i = start
    while i < len(line):
        if quote[0] == '"' and line[i] == "\\":
            i += 2
        elif line.startswith(quote, i):
            return i + len(quote)
        else:
            i += 1
    return -1


__all__ = ["toml_key_lines"]
