"""The fast list rule gives exactly the tokens and state markdown-it's list rule gives."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.list import list_block as markdown_its_list_block

import blog.fastlist
from blog.fastblock import install_fast_block
from blog.fastlist import list_block
from blog.markdown import MarkdownOptions, _parser, configured_parser
from tests.markdown_parsers import dump_tokens, ours_and_markdown_its

CORPORA = Path(__file__).parents[2].parent / "shared" / "corpora"
MAKE_CORPUS = Path(__file__).parents[2].parent / "shared" / "bench" / "make_corpus.py"
PLAIN = MarkdownOptions()
VARIANTS = [(PLAIN, False), (PLAIN, True), (MarkdownOptions(emoji=True), True)]
VARIANT_IDS = ["plain", "math", "emoji+math"]

TRICKY = [
    # tight and loose
    "- a\n- b\n- c",
    "- a\n- b\n\n- c",
    "- a\n\n- b\n\n\n- c\n",
    "- a\n- b\n\n  more in b\n- c",
    "- a\n\n  para\n\n- b",
    "* a\n* b\n\n\n",
    "+ a\n+ b\n\ntext",
    # nested, at various indents
    "- a\n  - b\n  - c\n- d",
    "- a\n  - b\n    - c\n      - d\n- e",
    "- a\n   - b\n - c\n    - d",
    "- a\n - b\n  - c\n   - d\n    - e",
    "-  a\n   - b\n  - c",
    "-    a\n     - b\n    - c",
    "1. a\n   - b\n   - c\n2. d",
    "1. a\n   1. b\n   2. c\n2. d",
    "1. a\n   2. b\n3. c",
    "- a\n  1) b\n  2) c",
    "- a\n  - b\n\n- c",
    "- a\n  - b\n\n  - c\n- d",
    "- a\n  - b\n\n  para\n- c",
    "- a\n  - b\n  * c\n- d",
    "- a\n  - b\n      lazy\n- c",
    "  - item 1\n   - item 2\n    - item 3\n     - item 4\n      - continuation",
    "10. a\n    - b\n   - c\n11. d",
    "1.   a\n    - b\n     - c",
    # ordered starts, delimiters, marker changes
    "0. zero\n1. one",
    "7. seven\n8. eight\n\n9. nine",
    "999999999. big\n1000000000. too big",
    "007. padded\n008. next",
    "1) a\n2) b\n3. c\n4. d",
    "1. a\n- b\n* c\n+ d\n- e",
    "- a\n+ b\n- c",
    "2. a\n\npara\n3. not a list\n1. a list",
    "para\n- interrupts\n- list",
    "para\n2. does not interrupt",
    "para\n1. interrupts",
    # lazy continuation and two-line items
    "- a\nlazy\n- b",
    "- a\n  two lines\n- b",
    "- a\n    indented\n- b",
    "- a\n\tb\n- c",
    "- a\n  b\n\n- c",
    # what follows a list
    "- a\n- b\n# heading",
    "- a\n- b\n\n# heading",
    "- a\n- b\n```\ncode\n```",
    "- a\n- b\n\n```py\ncode\n```",
    "- a\n- b\n---",
    "- a\n- b\n\n---",
    "- a\n- b\n***\n- c",
    "- a\n- b\n> quote",
    "- a\n- b\n\n> quote",
    "- a\n- b\n\n    code",
    "- a\n- b\n\n  indented para",
    "- a\n- b\n<div>\nx\n</div>",
    "- a\n- b\n| a | b |\n|---|---|",
    "- a\n- b\n\n[ref]: /url\n\n[ref]",
    # empty items, blank first lines, thematic breaks
    "-\n- a",
    "- a\n-\n- b",
    "- a\n-   \n- b",
    "-\n  foo\n- b",
    "-\n\n  foo",
    "- - -\n- a",
    "- a\n- - -",
    "* * *\n* a",
    "- a\n- - b\n- c",
    "- --\n- --flag",
    "- ***\n- **bold**",
    "- _a_\n- __b__\n- ___",
    # what an item's text starts with
    "- `code` span\n- ```\n- ```fence```",
    "- ~~~\n- ~~del~~\n- ~x",
    "- # heading\n- #tag",
    "- > quote\n- >",
    "- <div>\n- <b>bold</b>",
    "- $x$ math\n- $$\n- \\[x\\]\n- \\(y\\)",
    "- [link](/u)\n- [ref]: /url\n- [a [b] c]\n- [x]\n- [y]:\n- [unclosed\n  label]: /z",
    "- [^1]: note\n- [^1]\n\n[^1]: text",
    "- 2020 was\n- 1. nested\n- 1.5 GB\n- 1)x",
    "- +1\n- + x\n- *a*\n- * b",
    "- |a|b|\n- |---|",
    "- Term\n  : def",
    "- :smile: x\n- \u00a0nbsp\n- \u2003em",
    # task items
    "- [ ] todo\n- [x] done\n- [X] Done\n- [] not\n-  [ ] spaced",
    "1. [x] ordered\n2. [ ] task",
    "- [ ] a\n  - [x] b\n  - [ ] c",
    # lists inside blockquotes and blockquotes inside items
    "> - a\n> - b\n> - c",
    "> - a\n>   - b\n> - c\n\nafter",
    "> - a\n- b",
    "> - a\nlazy\n> - b",
    "> 1. a\n> 2. b\n>\n> 3. c",
    "- a\n  > quote\n- b",
    "- > q\n  > r\n- s",
    # tabs and 4-space indents
    "-\ta\n-\tb",
    "- a\n\t- b\n- c",
    "\t- a\n\t- b",
    "    - code\n    - code",
    "   - three\n   - spaces",
    "- a\n    - four\n- b",
    "1.\ta\n2.  b",
    # footnotes and definition lists
    "[^1]: - a\n    - b\n\ntext[^1]",
    "[^1]:\n    - a\n    - b\n\ntext[^1]",
    "Term\n: - a\n  - b",
    "Term\n:   - a\n    - b\n\n  para",
    # Windows line endings and odd spaces
    "- a\r\n- b\r\n\r\n- c\r\n",
    "- a\r\n  - b\r\n",
    "- a  \n- b\\\n- c   ",
    "- a\n \n- b",
    "- a\n  \n  - b",
    # deep nesting
    "- " * 30 + "deep",
    "".join("  " * i + "- x\n" for i in range(15)),
    "".join("   " * i + "1. x\n" for i in range(12)),
]


@pytest.mark.parametrize(("options", "math"), VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("text", TRICKY)
def test_tricky_lists_are_parsed_as_markdown_it_does(
    text: str, options: MarkdownOptions, math: bool
) -> None:
    ours, reference = ours_and_markdown_its(text, options, math=math)
    assert ours == reference, text


LINES = [
    "- item", "- item with `code` and *em*", "- **bold** start", "- [link](/u) start",
    "* star", "+ plus", "1. one", "2. two", "1) paren", "10. ten", "0. zero", "- [ ] task",
    "- [x] done", "-", "- ", "-\ttab", "- - -", "***", "---", "text", "more text", "> - quote",
    "```", "# heading", "    code", "- `x`", "- [ref]: /u", "- 1. nested", "- > q", "| a |",
    "|---|", ": def", "Term", "<div>", "- $x$", "[^1]: note", "- é漢字🎉",
]  # fmt: skip
INDENTS = ["", "", "", "", " ", "  ", "  ", "   ", "    ", "     ", "      ", "\t", "> "]


def _random_list_document(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(1, 25)):
        if rng.random() < 0.15:
            lines.append(rng.choice(["", "", "  ", "\t"]))
        else:
            lines.append(rng.choice(INDENTS) + rng.choice(LINES))
    return rng.choice(["\n", "\n", "\n", "\r\n"]).join(lines) + rng.choice(["", "\n", "\n\n"])


@pytest.mark.parametrize(("options", "math"), VARIANTS[:2], ids=VARIANT_IDS[:2])
def test_random_list_documents_are_parsed_as_markdown_it_does(
    options: MarkdownOptions, math: bool
) -> None:
    rng = random.Random(2024)
    for _ in range(1500):
        text = _random_list_document(rng)
        ours, reference = ours_and_markdown_its(text, options, math=math)
        assert ours == reference, text


@pytest.fixture(scope="module")
def bench_bodies(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    """The bodies of the 1,000 posts ``make bench`` builds (../shared/bench/make_corpus.py)."""
    if not MAKE_CORPUS.is_file():
        pytest.skip(f"no bench corpus generator at {MAKE_CORPUS}")
    out = tmp_path_factory.mktemp("bench")
    command = [sys.executable, str(MAKE_CORPUS), "--posts", "1000", "--seed", "1", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    paths = sorted((out / "content" / "posts").glob("*.md"))
    return [(p.name, p.read_text(encoding="utf-8").split("\n---\n", 1)[-1]) for p in paths]


def test_the_bench_corpus_is_parsed_as_markdown_it_does(
    bench_bodies: list[tuple[str, str]],
) -> None:
    assert len(bench_bodies) == 1000
    for name, body in bench_bodies:
        ours, reference = ours_and_markdown_its(body, PLAIN)
        assert ours == reference, name


@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"no shared corpora at {CORPORA}")
def test_the_corpora_are_parsed_as_markdown_it_does() -> None:
    files = sorted(CORPORA.rglob("*.md"))
    assert files, f"no Markdown file under {CORPORA}"
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        ours, reference = ours_and_markdown_its(text, PLAIN, math=True)
        assert ours == reference, path


def _state(md: Any, text: str) -> StateBlock:
    return StateBlock(text, md, {}, [])


def _fields(state: StateBlock) -> Any:
    return (dump_tokens(state.tokens), state.line, state.level, state.tight, state.parentType,
            state.blkIndent, state.listIndent, state.ddIndent, state.lineMax, state.bMarks,
            state.eMarks, state.tShift, state.sCount, state.bsCount)  # fmt: skip


def test_the_rule_leaves_the_state_as_markdown_its_does() -> None:
    """At every line of random documents: the same result, tokens and state fields."""
    ours_md, reference_md = _parser(PLAIN), configured_parser(PLAIN)
    rng = random.Random(7)
    for _ in range(400):
        text = _random_list_document(rng).replace("\r", "")
        for silent in (False, True):
            ours, reference = _state(ours_md, text), _state(reference_md, text)
            for start in range(ours.lineMax):
                parent = rng.choice(["root", "paragraph", "list"])
                for state in (ours, reference):
                    state.parentType, state.tight = parent, bool(start % 2)
                found = list_block(ours, start, ours.lineMax, silent)
                expected = markdown_its_list_block(reference, start, reference.lineMax, silent)
                assert found == expected, (text, start, silent)
                assert _fields(ours) == _fields(reference), (text, start, silent)


COMMON = """\
Intro paragraph.

- First item with `code` and *emphasis*.
- Second item with a [link](https://example.com/x).
  - Nested item.
  - Another **nested** item.
- Third item.

1. One
2. Two
3. Three

## Next
"""


@pytest.fixture
def delegations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the non-silent calls the fast rule hands to markdown-it's rule."""
    calls: list[int] = []

    def counting(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if not silent:
            calls.append(start)
        return markdown_its_list_block(state, start, end, silent)

    monkeypatch.setattr(blog.fastlist, "_markdown_its", counting)
    return calls


def test_a_common_list_takes_the_fast_path(delegations: list[int]) -> None:
    ours, reference = ours_and_markdown_its(COMMON, PLAIN)
    assert ours == reference
    assert delegations == []
    ours, reference = ours_and_markdown_its("- a\n  two lines\n- b", PLAIN)
    assert ours == reference
    assert delegations == [0]  # not a simple list: markdown-it reads it


def test_the_bench_lists_nearly_all_take_the_fast_path(
    delegations: list[int], bench_bodies: list[tuple[str, str]]
) -> None:
    md = _parser(PLAIN)
    lists = 0
    for _, body in bench_bodies:
        lists += sum(token.type.endswith("list_open") for token in md.parse(body))
    assert lists > 2000
    assert len(delegations) < lists // 100


def test_our_parsers_use_the_fast_rule_and_markdown_its_do_not() -> None:
    rules = {rule.name: rule.fn for rule in _parser(PLAIN).block.ruler.__rules__}
    assert rules["list"] is list_block
    rules = {rule.name: rule.fn for rule in configured_parser(PLAIN).block.ruler.__rules__}
    assert rules["list"] is markdown_its_list_block


def test_an_unknown_block_rule_sends_every_list_to_markdown_it(delegations: list[int]) -> None:
    md = configured_parser(PLAIN)
    assert install_fast_block(md)
    md.block.ruler.before("paragraph", "mine", lambda state, start, end, silent: False)
    reference = configured_parser(PLAIN)
    reference.block.ruler.before("paragraph", "mine", lambda state, start, end, silent: False)
    tokens = md.parse(COMMON)
    assert dump_tokens(tokens) == dump_tokens(reference.parse(COMMON))
    assert len(delegations) == sum(token.type.endswith("list_open") for token in tokens) == 3


def test_markdown_its_own_task_list_option_sends_lists_to_markdown_it(
    delegations: list[int],
) -> None:
    md = configured_parser(PLAIN)
    assert install_fast_block(md)
    md.options["tasklists"] = True
    reference = configured_parser(PLAIN)
    reference.options["tasklists"] = True
    text = "- [ ] a\n- [x] b\n  - [ ] c"
    tokens = md.parse(text)
    assert dump_tokens(tokens) == dump_tokens(reference.parse(text))
    assert tokens[1].attrs == {"class": "task-list-item"}  # markdown-it's own task lists
    assert len(delegations) == sum(token.type.endswith("list_open") for token in tokens) == 2
