"""The one-pass inline tokenizer gives exactly markdown-it's tokens, and runs on plain text."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from markdown_it.token import Token

from blog import fasttoken
from blog.markdown import MarkdownOptions, _parser, _RenderContext, configured_parser
from blog.plaininline import PlainInline
from tests.markdown_parsers import ours_and_markdown_its

OPTIONS = MarkdownOptions()

PLAIN = [
    "words only",
    "a *em* b **strong** c `code` d [link](https://x.org/a?b=1) e",
    "**strong** at the start and at the end **strong**",
    "*em*",
    "line one  \nline two \nline three\nfour\\\n  five",
    "Note: see it! Wow & more; a ! at the end!",
    "` spaced ` and `  ` and ` a` `b `",
    "*Ü*, **é!x2**. *a*) (*b*) *c*`d`",
    "[label: with colon](/rel/path.md#frag) and [x](mailto:me@x.org)",
    "tab\tbefore break \t\n\tnext",
]
NOT_PLAIN = [
    "snake_case",
    "~~gone~~",
    "a*b*c",
    "*a *b* c*",
    "***both***",
    "** not**",
    "``two ticks``",
    "`open",
    "![img](i.png)",
    "[link](url 'title')",
    "[link](<url>)",
    "[ref]",
    "&amp; entity",
    "<b>html</b>",
    "http://example.org",
    "www.example.org",
    "me@example.org",
    "\\*escaped",
    "[bad](javascript:alert(1))",
    "*em*b",
]


def _both(text: str) -> tuple[Any, Any]:
    return ours_and_markdown_its(text, OPTIONS)


def _plain(text: str) -> list[Token] | None:
    md = _parser(OPTIONS)
    return md.inline.plain.tokens(text, md)  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_text_is_tokenized_in_one_pass_as_markdown_it_does(text: str) -> None:
    assert _plain(text) is not None
    fast, reference = _both(text)
    assert fast == reference


@pytest.mark.parametrize("text", NOT_PLAIN)
def test_other_text_is_left_to_markdown_it(text: str) -> None:
    assert _plain(text) is None
    fast, reference = _both(text)
    assert fast == reference


def _random_text(rng: random.Random, *, plain_only: bool) -> str:
    if plain_only:  # the shapes the one-pass path takes, in any order
        pieces = ["word", "é", " ", "\n", "  \n", "\\\n", "*", "**", "`", "[", "](/u)", "!",
                  "&", ":", "http", ".", ")"]  # fmt: skip
        return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
    pieces = ["word", "é", " ", "  ", "\t", "\n", "  \n", "\\\n", "*", "**", "***", "`", "``",
              "[", "]", "](", "(", ")", "!", "![", "&", "&amp;", "&#35;", ":", "http", "https",
              "mailto", "://x.org", ".", ",", "?", "_", "~", "<", "@", "w", "www.", "x.md",
              "/a/b", "'", '"', "-", "#"]  # fmt: skip
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))


def test_random_text_gives_markdown_its_tokens() -> None:
    rng = random.Random(11)
    taken = 0
    for n in range(6000):
        text = _random_text(rng, plain_only=n % 2 == 0)
        taken += _plain(text) is not None
        fast, reference = _both(text)
        assert fast == reference, text
    assert taken > 350  # the one-pass path ran on a good share of them


def test_a_changed_ruler_turns_the_one_pass_path_off() -> None:
    md = configured_parser(OPTIONS)
    from blog.fastinline import install_fast_text

    assert install_fast_text(md) is True
    assert isinstance(md.inline.plain, PlainInline)  # type: ignore[attr-defined]
    md.inline.ruler2.disable("emphasis")
    env = {"blog": _RenderContext(path=Path("p.md"), line_offset=0, options=OPTIONS)}
    assert md.render("a *b* c", env) == "<p>a *b* c</p>\n"


def test_tokens_are_made_without_markdown_its_post_init_and_are_the_same() -> None:
    """With the installed markdown-it, tokens are made slot by slot (the tests above compare
    every field with markdown-it's own); the check that allows it compares sample tokens."""
    assert fasttoken.new_token is fasttoken.fast_token
    assert fasttoken.is_fast_token_exact()
    made = fasttoken.fast_token("code_inline", "code", 0, "x", "`")
    assert made == Token("code_inline", "code", 0, content="x", markup="`")
    assert made.attrs is not fasttoken.fast_token("text", "", 0).attrs  # a dict each
    block = fasttoken.fast_token("inline", "", 0, "x", level=3, lines=[1, 2], block=True)
    assert block == Token("inline", "", 0, content="x", level=3, map=[1, 2], block=True)
