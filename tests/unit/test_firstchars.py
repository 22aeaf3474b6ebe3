"""The first characters of a regex's matches (``firstchars``), and the lexer states they pick."""

from __future__ import annotations

import random
import re
import string

import pytest
from pygments.lexer import RegexLexer
from pygments.lexers import get_lexer_by_name
from pygments.token import Name, Punctuation, Text

from blog import fastlex, lexstates
from blog.firstchars import ASCII, first_chars

WORDY = frozenset(string.ascii_letters + string.digits + "_")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"abc", "a"),
        (r"(a)\1", "a"),
        (r"[a-c]x|\d", "abc0123456789"),
        (r"(?<!\.)(if|else)\b", "ie"),
        (r"^\s*#", " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f#"),
        (r"(?:x?y*)z", "xyz"),
        (r"(?:x|)y", "xy"),
        (r"a{0,3}b", "ab"),
        (r"(?>ab|c)", "ac"),
        (r"a++b", "a"),
        (r"[^\W\d]", "".join(sorted(set(string.ascii_letters + "_")))),
        (r"(?=q)r", "r"),
        (r"(?a:\s)", " \t\n\x0b\x0c\r"),
        (r"é|a", "a"),
        (r"(?x) a  # comment\n b", "a"),
    ],
)
def test_first_characters_of_patterns(pattern: str, expected: str) -> None:
    """(A group reference after a group that cannot be empty is never reached.)"""
    assert first_chars(re.compile(pattern)) == frozenset(expected)


@pytest.mark.parametrize(
    "pattern",
    [r"x?", r"a*", r"(?i)a", r"(?i:a)b", r"(a?)\1b", r"(?P<n>a?)(?P=n)", r"(a)?(?(1)b|c)", r"\b"],
)
def test_unknown_or_empty_matches_answer_none(pattern: str) -> None:
    assert first_chars(re.compile(pattern)) is None


def test_not_a_literal_and_negated_classes() -> None:
    assert first_chars(re.compile(r"[^x]")) == ASCII - {"x"}
    assert first_chars(re.compile(r"[^\d]")) == ASCII - set(string.digits)
    assert first_chars(re.compile(r".")) == ASCII


SNIPPETS = [
    'def f(x: int = 0x1F) -> "str":\n    return f"{x!r}" + r\'\\d\' if x else None  # c\n',
    "package main\nimport \"fmt\"\nfunc main() { fmt.Println(`raw`, 1.5e3, 'c') }\n",
    '#!/bin/bash\nfor f in *.md; do echo "${f%.md}" | tr a-z A-Z; done 2>&1 > /dev/null\n',
    "const a = [1, 2].map((x) => x ** 2); // c\n/* b */ let s = `t${a}`; @dec class X {}\n",
    "<div class='x'>&amp; <!-- c --><br/></div>\n<script>var y = 1;</script>\n",
    "key: value\nlist:\n  - 'q'\n  - \"d\"\nnum: 12\n",
    'fn main() { let v: Vec<u8> = vec![1]; println!("{}", v.len()); }\n',
]
LANGUAGES = ["python", "go", "bash", "javascript", "html", "yaml", "rust", "c", "sql", "css"]


def _texts() -> list[str]:
    rng = random.Random("firstchars")
    alphabet = [*string.printable, "é", "λ", "\u00a0", "漢"]
    texts = list(SNIPPETS)
    for _ in range(30):
        text = list(rng.choice(SNIPPETS))
        for _ in range(rng.randint(1, 20)):
            text.insert(rng.randrange(len(text) + 1), rng.choice(alphabet))
        texts.append("".join(text))
    return texts


def test_no_rule_of_common_lexers_matches_where_its_first_characters_say_it_cannot() -> None:
    """The promise, checked at every position of code and mutated code, for each rule."""
    patterns = {
        pattern
        for language in LANGUAGES
        for rules in get_lexer_by_name(language)._tokens.values()
        for match, *_ in rules
        if isinstance(pattern := getattr(match, "__self__", None), re.Pattern)
    }
    assert len(patterns) > 350
    answered = 0
    texts = _texts()
    for pattern in patterns:
        first = first_chars(pattern)
        if first is None:
            continue
        answered += 1
        for text in texts:
            for pos, char in enumerate(text):
                if char in ASCII and char not in first:
                    found = pattern.match(text, pos)
                    assert found is None or found.end() == pos, (pattern.pattern, text, pos)
    assert answered > len(patterns) // 2


def _rules(chunks: tuple[lexstates.Chunk, ...]) -> int:
    return sum(len([r for r in c.by_group if r]) if c.by_group else 1 for c in chunks)


def test_a_state_tries_only_the_rules_that_can_start_at_a_character() -> None:
    lexer = get_lexer_by_name("python")
    state = lexstates.tables(lexer)["root"]
    every = _rules(state.full)
    assert _rules(state.by_char[" "]) < every and _rules(state.by_char["("]) < every // 4
    assert state.by_char["é"] is state.full  # beyond ASCII: every rule
    assert state.by_char["a"] is state.by_char["z"]  # one choice per class of characters
    code = "import os\n\ndef f(a, b=2):\n    return [x ** 2 for x in a]  # é\n"
    assert list(fastlex.lex(lexer, code)) == list(lexer.get_tokens(code))


def test_at_the_end_of_the_text_only_rules_that_match_nothing_are_tried() -> None:
    class EndsInside(RegexLexer):
        tokens = {  # noqa: RUF012
            "root": [(r"\(", Punctuation, "inner"), (r"\w+", Name), (r"\s+", Text)],
            "inner": [(r"\w+", Name), (r"", Text, "#pop")],  # an empty token, then back
        }

    lexer = EndsInside()
    for code in ("a (b", "(x", "(", "a b (c d"):
        assert list(fastlex.lex(lexer, code)) == list(lexer.get_tokens(code)), code
        assert list(fastlex.get_tokens_unprocessed(lexer, code)) == list(
            lexer.get_tokens_unprocessed(code)
        )
