"""Headings and one-line paragraphs (``fastleaf``): markdown-it's tokens and parser state."""

from __future__ import annotations

import random
from typing import Any

import pytest
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.heading import heading as markdown_its_heading
from markdown_it.rules_block.paragraph import paragraph as markdown_its_paragraph

from blog import fastleaf
from blog.markdown import MarkdownOptions, _parser, configured_parser
from tests.markdown_parsers import (
    assert_same_on_random_documents,
    dump_tokens,
    ours_and_markdown_its,
)

PLAIN = MarkdownOptions()

LINES = [
    "", "", "text", "more words *here*", "  two", "    four", "\tcode", "# h1", "## h2 ##",
    "### h3 ###   ", "###### h6", "####### seven", "#", "# ", "#\t", "#tag", "## a #b",
    "## trailing #", "## #", "## a#", "# b ##c##", "##  spaced  ", "  ## indented",
    "    # code", "- item", "> quote",
    "> # quoted", "- # listed", "1. # numbered", "---", "===", "```", "text  ", "[ref]: /u",
    "| a | b |", "|---|---|", ": def", "<div>", "é漢字 # 🎉", "\u00a0# nbsp", "#\u00a0nbsp",
]  # fmt: skip


def _random_document(rng: random.Random) -> str:
    lines = [rng.choice(["", "", " ", "   ", "> ", "- "]) + rng.choice(LINES) for _ in range(20)]
    return "\n".join(lines[: rng.randint(1, 20)]) + rng.choice(["", "\n", "\n\n"])


def test_random_documents_are_parsed_as_markdown_it_does() -> None:
    assert_same_on_random_documents(_random_document, PLAIN, seed=5, count=2000)


def _fields(state: StateBlock) -> Any:
    return (dump_tokens(state.tokens), state.line, state.level, state.tight, state.parentType,
            state.blkIndent, state.lineMax)  # fmt: skip


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(fastleaf.heading, markdown_its_heading), (fastleaf.paragraph, markdown_its_paragraph)],
    ids=["heading", "paragraph"],
)
def test_each_rule_leaves_the_state_as_markdown_its_does(ours: Any, theirs: Any) -> None:
    """At every line of random documents, nested or not: the same result, tokens and state."""
    ours_md, reference_md = _parser(PLAIN), configured_parser(PLAIN)
    rng = random.Random(3)
    for _ in range(300):
        text = _random_document(rng)
        for silent in (False, True):
            mine = StateBlock(text, ours_md, {}, [])
            reference = StateBlock(text, reference_md, {}, [])
            for start in range(mine.lineMax):
                level, indent = rng.randint(0, 3), rng.choice([0, 0, 2])
                for state in (mine, reference):
                    state.level, state.blkIndent, state.parentType = level, indent, "root"
                found = ours(mine, start, mine.lineMax, silent)
                expected = theirs(reference, start, reference.lineMax, silent)
                assert found == expected, (text, start, silent)
                assert _fields(mine) == _fields(reference), (text, start, silent)


def test_one_line_paragraphs_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def counting(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        calls.append(start)
        return markdown_its_paragraph(state, start, end, silent)

    monkeypatch.setattr(fastleaf, "upstream_paragraph", counting)
    text = "One line.\n\nAnother *line*.\n\n# Head\n\nTwo\nlines.\n\nLast line."
    ours, reference = ours_and_markdown_its(text, PLAIN)
    assert ours == reference
    assert calls == [6]  # only the paragraph of two lines went to markdown-it


def test_our_parsers_use_the_fast_rules() -> None:
    rules = {rule.name: rule.fn for rule in _parser(PLAIN).block.ruler.__rules__}
    assert rules["heading"] is fastleaf.heading and rules["paragraph"] is fastleaf.paragraph
