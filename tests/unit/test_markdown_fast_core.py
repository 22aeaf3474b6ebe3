"""The skipped core rules (``fastcore``, link context): the same tokens as markdown-it's."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from blog import fastcore
from blog.fastblock import install_fast_block
from blog.fastcore import install_fast_core
from blog.fastinline import PLAIN_TOKENS, install_fast_text
from blog.fastrender import install_fast_render
from blog.linkcontext import GENERIC_LINK_TEXT
from blog.markdown import MarkdownOptions, _parser, configured_parser, render
from tests.markdown_parsers import assert_same_on_random_documents, ours_and_markdown_its, parse

OPTIONS = MarkdownOptions()

TRICKY = [
    "plain words, `code`, *em*, **strong** and [a link](https://example.org/x).",
    "an escape \\* and \\_ and \\[x\\] beside text",
    "entities &amp; &copy; &#35; next to words",
    "![alt with *em* and \\* escape](i.png) after text",
    "- [ ] open task\n- [x] done task\n- [X] done too",
    "- [ ]\ttab after the box\n- [x]\n  box alone on its line",
    "- [ ]no space: not a task\n- [y] not a box",
    "* [ ] star list task\n\n1. [x] ordered task",
    "> - [ ] quoted task",
    "text with [ ] and [x] in prose, not a list",
    "- [ ] task with [a link](u) and \\* escape",
    "# Heading with \\* escape {#id}\n\n## Plain heading",
    "[^1] footnote\n\n[^1]: note with \\* escape and - [ ] box",
    "- item\n\n  - [ ] nested task\n\n- [x] **strong** task",
]


def _random_document(rng: random.Random) -> str:
    pieces = ["word ", "\\*", "&amp;", "`c`", "*em*", "**st**", "[l](u)", "![a](i)", "[ ] ",
              "[x] ", "[X]", "\n", "\n\n", "\n- ", "\n- [ ] ", "\n* [x] ", "\n> ", "\t", " ",
              "[here](u)", "[Read more][r]", "\n\n[r]: /p\n", "# ", "www.here.org ", "[^1]",
              "\n\n[^1]: n\n"]  # fmt: skip
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 50)))


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_documents_give_markdown_its_tokens(text: str) -> None:
    fast, reference = ours_and_markdown_its(text, OPTIONS)
    assert fast == reference


def test_random_documents_give_markdown_its_tokens() -> None:
    assert_same_on_random_documents(_random_document, OPTIONS, seed=11, count=2000)


def test_the_note_of_plain_token_lists_does_not_stay_in_env() -> None:
    md = _parser(OPTIONS)
    env: dict[str, Any] = {}
    md.parse("plain *words*\n\nand [a link](u)", env)
    assert PLAIN_TOKENS not in env


def _count_joins(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    join = fastcore._join_text_tokens

    def counting(tokens: list[Any]) -> list[Any]:
        calls[0] += 1
        return join(tokens)

    monkeypatch.setattr(fastcore, "_join_text_tokens", counting)
    return calls


def test_plain_inline_text_is_not_joined_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_joins(monkeypatch)
    md = _parser(OPTIONS)
    md.parse("plain *words*, `code`\n\nand [a link](u)\n\n- an item", {})
    assert calls[0] == 0
    md.parse("an \\* escape\n\nplain", {})
    assert calls[0] == 1  # only the paragraph with the escape


def _splitting_rule(state: StateCore) -> None:
    """Split every text token in two: text_join must join them again."""
    for token in state.tokens:
        if token.type == "inline" and token.children:
            split = []
            for child in token.children:
                if child.type == "text" and len(child.content) > 1:
                    half = len(child.content) // 2
                    first = child.copy()
                    first.content, child.content = child.content[:half], child.content[half:]
                    split.append(first)
                split.append(child)
            token.children[:] = split  # in place: the same list, split


def _ours_without_cache() -> MarkdownIt:
    md = configured_parser(OPTIONS)
    install_fast_text(md)
    install_fast_block(md)
    install_fast_render(md)
    install_fast_core(md)
    return md


def test_an_unknown_rule_before_text_join_turns_the_skip_off() -> None:
    ours, reference = _ours_without_cache(), configured_parser(OPTIONS)
    for md in (ours, reference):
        md.core.ruler.after("inline", "splitting", _splitting_rule)
    text = "plain words here\n\n*em* and [a link](u) and more words"
    assert parse(ours, text, OPTIONS)[:2] == parse(reference, text, OPTIONS)[:2]
    children = ours.parse(text, {})[1].children
    assert [(t.type, t.content) for t in children or []] == [("text", "plain words here")]


def test_the_task_rule_runs_only_on_text_with_a_box() -> None:
    md = configured_parser(OPTIONS)
    rules = md.core.ruler.__rules__
    task_rule = next(rule for rule in rules if rule.name == fastcore.TASKLISTS_RULE)
    runs: list[str] = []
    original = task_rule.fn

    def counting(state: StateCore) -> None:
        runs.append(state.src)
        original(state)

    task_rule.fn = counting
    md.core.ruler.__compile__()
    install_fast_core(md)
    md.parse("- an item\n- [y] no box\n- [ x] spaced\n- [] empty", {})
    assert runs == []
    for box in ("[ ]", "[x]", "[X]"):
        tokens = md.parse(f"- {box}\ttask", {})
        assert runs[-1] == f"- {box}\ttask"
        assert next(t.type for t in tokens[3].children or []) == "html_inline"  # the box


@pytest.mark.parametrize("label", sorted(GENERIC_LINK_TEXT))
@pytest.mark.parametrize(
    "shape",
    ["[{}](https://x.org/a)", "[{}][r]\n\n[r]: https://x.org/a", "[{}]\n\n[{}]: https://x.org/a",
     "[**{}**](https://x.org/a)", "- [ ] [{}](https://x.org/a)", "# [{}](https://x.org/a)"],
)  # fmt: skip
def test_links_with_generic_text_get_their_destination(shape: str, label: str) -> None:
    text = shape.format(label.title(), label.title())
    html = render(text, options=OPTIONS, path=Path("p.md")).html
    assert '<span class="visually-hidden"> (x.org)</span>' in html, html


def test_autolinks_never_get_a_link_context() -> None:
    text = "<https://here.org> www.here.org https://more.org/here here@more.org"
    html = render(text, options=OPTIONS, path=Path("p.md")).html
    assert html.count("<a ") == 4 and "visually-hidden" not in html
