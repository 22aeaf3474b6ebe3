"""Flat front matter read line by line (``fastyaml``): PyYAML's entries, values and types."""

from __future__ import annotations

import random
from typing import Any

import pytest

from blog import front_matter
from blog.fastyaml import FlatReader
from blog.front_matter import _entries_with, _KeyLineLoader, _load_yaml_entries

KEYS = ["title", "date", "tags", "ShowToc", "draft", "yes", "No", "on", "OFF", "true", "null",
        "Null", "_x", "a1", "weight", "y", "n", "key_2", "TRUE"]  # fmt: skip
VALUES = [
    '"A title: with colon # and hash"', '"it\'s"', "'single \"quoted\"'", '""', "''",
    '"tab\there"', '"esc \\" quote"', '"tab \\t escape"', '"\\u00e9"', "'it''s'",
    '"é漢字 🎉"', '"line\u2028sep"', '"nel\x85x"',
    "2020-06-01T14:49:49+05:30", "2020-06-01", "2020-13-45", "2020-06-01 10:00:00",
    "2021-02-29T10:00:00Z", "12:30", "1:02:03", "0x1F", "0o17", "017", "1_000", "1.5e3",
    "1.2.3", ".5", "+1", "-1", "yes", "No", "on", "off", "true", "False", "null", "~", "Y",
    "n", "plain words", "two  spaces inside", "http://example.org/x", "a: b", "a:", "words ",
    "C#", "a #b", "a,b",
    "x/y", "v1.0-beta+2", "[]", '["a", "b"]', "['a', \"b\"]", '[ "a" ,"b" ]', "[a, b]",
    '["a",]', '["a"] # c', '["a"', "{a: 1}", "|", ">", "&anchor x", "*alias", "!!str 1",
    "%x", "@x", "`x`", "- item", "? q", "", "  spaced", "trailing ",
]  # fmt: skip
EXTRA_LINES = ["", "# comment", "  indented: 1", "- item", "\tkey: tab", "key:value",
               "---", "...", "key:", "key :  x", "key:  two spaces"]  # fmt: skip


COMMON = ['"A title: with colon # and hash"', "2020-06-01T14:49:49+05:30", "true",
          "False", '["a", "b"]', "plain words", "12:30", "1.5e3", "yes", "null", "'single'",
          "7"]  # fmt: skip


def _random_front_matter(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 10)):
        if rng.random() < 0.03:
            lines.append(rng.choice(EXTRA_LINES))
        else:
            values = COMMON if rng.random() < 0.85 else VALUES
            lines.append(f"{rng.choice(KEYS)}: {rng.choice(values)}")
    return "\n".join(lines) + "\n"


def _pyyaml(source: str) -> Any:
    try:
        return repr(_entries_with(_KeyLineLoader, source, 2))
    except Exception as error:  # both sides fail alike, or the test fails
        return type(error)


def _ours(source: str) -> Any:
    try:
        return repr(_load_yaml_entries(source, 2))
    except Exception as error:  # both sides fail alike, or the test fails
        return type(error)


def test_random_front_matter_gives_pyyamls_entries() -> None:
    rng = random.Random(9)
    taken = 0
    for _ in range(3000):
        source = _random_front_matter(rng)
        taken += FlatReader(_KeyLineLoader("")).entries(source, 2) is not None
        assert _ours(source) == _pyyaml(source), source
    assert 300 < taken < 2700  # both ways were exercised


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("key", ["title", "yes", "null", "ShowToc"])
def test_each_value_gives_pyyamls_entry(key: str, value: str) -> None:
    source = f"{key}: {value}\nother: 1\n"
    assert _ours(source) == _pyyaml(source)


def test_common_front_matter_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    source = (
        'title: "10 Things: a Guide"\ndate: 2020-06-01T14:49:49+05:30\n'
        'tags: ["Go", "CI/CD"]\ncategories: ["Notes"]\nShowToc: false\ndraft: true\n'
        "weight: 3\nauthor: Me\n"
    )
    monkeypatch.setattr(front_matter, "_entries_with", None)  # PyYAML's path would fail
    entries = _load_yaml_entries(source, 2)
    assert [(name, line) for name, _, line in entries] == [
        ("title", 2), ("date", 3), ("tags", 4), ("categories", 5), ("ShowToc", 6),
        ("draft", 7), ("weight", 8), ("author", 9),
    ]  # fmt: skip
    values = [value for _, value, _ in entries]
    assert values[2:] == [["Go", "CI/CD"], ["Notes"], False, True, 3, "Me"]


def test_a_mapping_without_entries_is_left_to_pyyaml() -> None:
    reader = FlatReader(_KeyLineLoader(""))
    assert reader.entries("# only a comment\n", 2) is None
    assert reader.entries("\n", 2) is None
