"""Character classes optimised once while lexers compile: the same compiled regexes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pygments.lexers import get_lexer_by_name

from blog import charsets
from blog.charsets import charsets_shared
from blog.lexstates import tables

compiler: Any = getattr(re, "_compiler", None)
parser: Any = getattr(re, "_parser", None)
pytestmark = pytest.mark.skipif(
    compiler is None or not hasattr(compiler, "_code") or parser is None,
    reason="this Python's re has no _compiler._code to compare compiled code with",
)

PATTERNS = [
    (r"[\w\-]+[^\W\d]*", 0),
    (r"[A-Za-z_][\w.]*|\d+|[^\s\d]+", 0),
    (r"[àáâãäå]+ [ǅǈ]", re.IGNORECASE),
    (r"[a-zß-ÿ\u0100-\u017f]+", re.IGNORECASE),
    (r"[^\u0000-\u007f]+[\u1e00-\u1eff]", 0),
    (r"[a-z\d]+", re.ASCII | re.IGNORECASE),
    (r"[\x00-\x08\x0b\x0c\x0e-\x1f]", 0),
    (r"(?i:[a-k])(?-i:[a-k])[^a-k]", 0),
]


def _code(pattern: str, flags: int) -> list[int]:
    parsed = parser.parse(pattern, flags)
    return list(compiler._code(parsed, parsed.state.flags))


def _lexer_patterns() -> list[tuple[str, int]]:
    found = []
    for name in ("python", "javascript", "rust", "yaml", "bash"):
        for rules in get_lexer_by_name(name)._tokens.values():
            for match, *_ in rules:
                pattern = getattr(match, "__self__", None)
                if isinstance(pattern, re.Pattern) and isinstance(pattern.pattern, str):
                    found.append((pattern.pattern, pattern.flags))
    return found


def test_regexes_compile_to_the_same_code_with_the_memo() -> None:
    patterns = PATTERNS + _lexer_patterns()
    plain = [_code(p, f) for p, f in patterns]
    with charsets_shared():
        first = [_code(p, f) for p, f in patterns]  # (filling the memo)
        again = [_code(p, f) for p, f in patterns]  # (from the memo)
    assert first == plain and again == plain
    assert len(patterns) > 300


def test_the_memo_is_used_only_inside_the_block_and_blocks_nest() -> None:
    original = compiler._optimize_charset
    with charsets_shared():
        assert compiler._optimize_charset is not original
        with charsets_shared():
            pass
        assert compiler._optimize_charset is not original
    assert compiler._optimize_charset is original


def test_a_lexer_state_is_joined_with_the_memo() -> None:
    charsets._REMEMBERED.clear()
    lexer = get_lexer_by_name("python")
    tables(lexer).pop("name", None)
    assert tables(lexer)["name"].full  # joined on first use
    assert charsets._REMEMBERED  # the identifier classes of the state were remembered


def test_a_full_memo_is_emptied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charsets, "MAX_REMEMBERED", 2)
    charsets._REMEMBERED.clear()
    with charsets_shared():
        for pattern in ("[ab]", "[cd]", "[ef]"):
            _code(pattern, 0)
    assert len(charsets._REMEMBERED) == 1
    assert _code("[ab]", 0) == _code("[ab]", 0)
