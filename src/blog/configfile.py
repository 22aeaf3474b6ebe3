"""Find and parse the site's config file (TOML, YAML or JSON), keeping each key's line.

Hugo reads ``hugo.toml``, ``hugo.yaml`` or ``hugo.json`` (and, from before v0.110, the same
formats named ``config.*``), the first one found. Whatever the format, a parse error is
reported at its line, and every mapping key's line is kept (``{"params.author": 7}``) so
that the checks in ``config.py`` can point at the line of a bad value.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

from blog.errors import BlogError, Diagnostics

CONFIG_NAMES = (
    "hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json",
    "config.toml", "config.yaml", "config.yml", "config.json",
)  # fmt: skip
"""Hugo's config file names in its order of precedence (``hugo.*`` wins over ``config.*``)."""

KeyLines = dict[str, int]
"""Lower-cased dotted key (``markup.highlight.style``) → the line it is written on."""


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader whose scalars never raise a bare exception.

    An impossible date (``2019-13-01``) stays a string, as in front matter; a ``!!int`` or
    ``!!float`` that is no number is a marked error, so it is reported at its line.
    """


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError, AttributeError):
        return loader.construct_scalar(node)


def _checked(kind: str, construct: Any) -> Any:
    def constructor(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not {kind} ({exc})", node.start_mark
            ) from None

    return constructor


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_LineLoader.add_constructor(
    "tag:yaml.org,2002:int", _checked("an integer", yaml.SafeLoader.construct_yaml_int)
)
_LineLoader.add_constructor(
    "tag:yaml.org,2002:float", _checked("a number", yaml.SafeLoader.construct_yaml_float)
)


def _yaml_key_lines(text: str) -> KeyLines:
    """Return the line of every mapping key of a YAML (or JSON) document."""
    lines: KeyLines = {}
    node = yaml.compose(text, Loader=_LineLoader)

    def walk(n: yaml.Node | None, prefix: str) -> None:
        if isinstance(n, yaml.MappingNode):
            for key_node, value_node in n.value:
                key = f"{prefix}{str(key_node.value).lower()}"
                lines.setdefault(key, key_node.start_mark.line + 1)
                walk(value_node, key + ".")

    walk(node, "")
    return lines


def _load_yaml(text: str) -> tuple[Any, KeyLines]:
    lines = _yaml_key_lines(text)
    return yaml.load(text, Loader=_LineLoader), lines


def _load_json(text: str) -> tuple[Any, KeyLines]:
    data = json.loads(text)
    try:
        # JSON is YAML's flow style; a valid JSON string holds no raw tab, so tabs are
        # whitespace between tokens, which PyYAML does not accept.
        lines = _yaml_key_lines(text.replace("\t", " "))
    except yaml.YAMLError:
        lines = {}
    return data, lines


_TOML_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_BARE = r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'"""
_TOML_KEY = re.compile(rf"^\s*((?:{_TOML_BARE})(?:\s*\.\s*(?:{_TOML_BARE}))*)\s*=")
_TOML_PART = re.compile(_TOML_BARE)


def _toml_dotted(key: str) -> str:
    return ".".join(part.strip("\"'").lower() for part in _TOML_PART.findall(key))


def _toml_key_lines(text: str) -> KeyLines:
    """Return the line of every table and key of a TOML document (a line scan, not a parse).

    Lines inside multi-line strings are skipped; keys of inline tables are not recorded
    (their table's line stands for them).
    """
    lines: KeyLines = {}
    table = ""
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        if (header := _TOML_TABLE.match(line)) is not None:
            table = _toml_dotted(header.group(1))
            lines.setdefault(table, number)
        elif (assignment := _TOML_KEY.match(line)) is not None:
            key = _toml_dotted(assignment.group(1))
            lines.setdefault(f"{table}.{key}" if table else key, number)
        for quotes in ('"""', "'''"):
            if line.count(quotes) % 2 == 1:
                in_string = quotes
    return lines


def _load_toml(text: str) -> tuple[Any, KeyLines]:
    return tomllib.loads(text), _toml_key_lines(text)


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def find_config(root: Path) -> Path | None:
    """Return the config file of the site folder ``root``, the first of Hugo's names found."""
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return root / name
    return None


def read_config_file(path: Path, diag: Diagnostics) -> tuple[dict[str, Any], KeyLines] | None:
    """Parse a config file into its mapping and key lines; None (reported) when unusable.

    Raises:
        BlogError: The file cannot be read at all.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BlogError(f"cannot read {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        diag.error(
            f"config is not UTF-8 text: {exc.reason} (byte 0x{raw[exc.start]:02x})",
            path=path,
            line=raw[: exc.start].count(b"\n") + 1,
            hint="save the file as UTF-8",
        )
        return None
    parsed = _parse(path, text, diag)
    if parsed is None:
        return None
    data, lines = parsed
    if data is None:
        data = {}
    if not isinstance(data, dict):
        diag.error(
            "config must be a mapping of keys to values",
            path=path,
            line=1,
            hint="write it as `key: value` lines, e.g. `title: My Blog`",
        )
        return None
    return data, lines


def _parse(path: Path, text: str, diag: Diagnostics) -> tuple[Any, KeyLines] | None:
    """Parse the text by the file's extension; report a syntax error at its line."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            return _load_toml(text)
        if suffix == ".json":
            return _load_json(text)
        return _load_yaml(text)
    except RecursionError:
        diag.error("config nests too deeply", path=path, line=1)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        diag.error(
            f"config is not valid YAML: {exc.problem or exc}",
            path=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            hint="check the indentation and quoting on that line",
        )
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_POSITION.search(message)
        diag.error(
            f"config is not valid TOML: {_TOML_POSITION.sub('', message)}",
            path=path,
            line=int(where.group(1)) if where else None,
            column=int(where.group(2)) if where else None,
            hint="check the quoting and brackets on that line (strings need quotes in TOML)",
        )
    except json.JSONDecodeError as exc:
        diag.error(
            f"config is not valid JSON: {exc.msg}",
            path=path,
            line=exc.lineno,
            column=exc.colno,
            hint="check for a missing comma or quote, or a trailing comma, near that line",
        )
    return None
