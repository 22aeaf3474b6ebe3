"""Compare what two Markdown parsers make of a text: every field of every token, the HTML, env."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from blog.markdown import MarkdownOptions, _parser, _RenderContext, configured_parser


def dump_tokens(tokens: list[Token]) -> list[Any]:
    """Return every field of every token, children included, as comparable data."""
    return [
        (t.type, t.tag, t.nesting, t.content, t.markup, t.info, t.attrs, t.map, t.level,
         t.meta, t.hidden, t.block, dump_tokens(t.children or []))
        for t in tokens
    ]  # fmt: skip


def parse(md: MarkdownIt, text: str, options: MarkdownOptions) -> tuple[Any, str, str]:
    """Return the tokens (dumped) and HTML of ``text``, and what else the parse left in env."""
    env: dict[str, Any] = {
        "blog": _RenderContext(path=Path("p.md"), line_offset=0, options=options)
    }
    tokens = md.parse(text, env)
    html = md.renderer.render(tokens, md.options, env)
    rest = repr({key: value for key, value in env.items() if key != "blog"})
    return dump_tokens(tokens), html, rest + repr(env["blog"].diagnostics)


def ours_and_markdown_its(
    text: str, options: MarkdownOptions, *, math: bool = False
) -> tuple[Any, Any]:
    """Return the tokens and HTML of our parser (fast paths in) and of markdown-it's."""
    ours = parse(_parser(options, math=math), text, options)
    reference = parse(configured_parser(options, math=math), text, options)
    return ours[:2], reference[:2]


def assert_same_on_random_documents(
    make_document: Callable[[random.Random], str],
    options: MarkdownOptions,
    *,
    seed: int,
    count: int,
) -> None:
    """Assert our parser and markdown-it's agree on ``count`` documents made from ``seed``."""
    rng = random.Random(seed)
    for _ in range(count):
        text = make_document(rng)
        ours, reference = ours_and_markdown_its(text, options)
        assert ours == reference, text
