"""The fast renderer writes exactly the HTML markdown-it's renderer writes for the same tokens."""

from __future__ import annotations

import copy
import random
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pytest
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from blog.fastrender import FastRenderer, install_fast_render
from blog.markdown import MarkdownOptions, _parser, _RenderContext, configured_parser
from tests.markdown_parsers import ours_and_markdown_its

CORPORA = Path(__file__).parents[2].parent / "shared" / "corpora"
PLAIN, UNSAFE = MarkdownOptions(), MarkdownOptions(unsafe=True)
EMOJI = MarkdownOptions(unsafe=True, emoji=True, highlight=False)
VARIANTS = [(PLAIN, False), (UNSAFE, False), (PLAIN, True), (EMOJI, True)]
VARIANT_IDS = ["plain", "unsafe", "math", "emoji+unsafe+math"]

TRICKY = [
    "",
    "\n\n",
    "one paragraph",
    "- a\n- b\n  - c\n  - d\n- e",
    "- a\n\n- b\n\n  para\n\n  - c\n  - d\n\n    loose nested",
    "1. one\n2. two\n\n5. five\n6) six\n\n0. zero",
    "- a\n  > quote in a tight item\n- b\n  > q\n  > > deeper",
    "- > quote first\n- ```\n  code\n  ```\n- # heading in list\n- ---\n- <div>x</div>",
    "- a\n  ```\n  fence after a hidden paragraph\n  ```\n- b\n\n  c",
    "> quote\n> - list\n> - two\n>\n> para\n>\n> > nested\n\n> \n>\n",
    "- > - > - deep\n  >   more",
    "-\n- \n-\n\n1.\n\n- a\n-\n- c",
    "| a | b | c |\n|:--|:-:|--:|\n| 1 | **2** | `3` |\n| x |\n\n| only |\n|---|",
    "- | in | list |\n  |----|------|\n  | a | b |",
    "# Title {#custom-id .cls data-x=1}\n## Second {.a .b}\n### Same\n### Same\n#### {#only}",
    '## Heading with `code`, *em*, [link](/x) & "quotes" <b>\n\nSetext\n===\n\nTwo\n---',
    "# Café & Crème\n# 漢字 🎉\n# <i>raw</i> heading {onclick=x #y}",
    '![alt *em* text](/img.png "Title & <b>")\n![](empty.png)\n![ref][r]\n\n[r]: /r.png "t"',
    '![outer ![inner](i.png) `c`](o.png)\n\n[![badge](b.svg)](https://ci.org "CI")',
    '[a](https://x.org "t \\"q\\"") [b](/p?a=1&b=2) [c](<url with spaces>) [d](javascript:x)',
    "<https://auto.org> www.example.com me@x.org http://x.org/a_(b)",
    "[here](https://www.example.org/path) and [read more](/posts/x.md) and [`this`](/a/)",
    "Text[^1] and[^note] and again[^1].\n\n[^1]: One *em*.\n[^note]: Two\n\n    para two\n",
    "- [ ] todo\n- [x] done\n  - [ ] nested\n1. [x] ordered\n- [ ]\n- [X] Upper",
    "Term\n: def one\n: def two\n\nTerm *2*\n\n: loose def\n\n  more\n\n~ tilde",
    '<div class="x">\n<b>bold</b>\n</div>\n\ntext <span>inline</span> <!-- c --> <br/>',
    "<script>alert(1)</script>\n\npara <!--more--> after\n\n<!--more-->\n\nend",
    "line  \nbreak\\\nnext\nsoft\n  indented soft",
    '    code <b> & "q"\n\n    more\n\ntext\n\n\tcode with tab',
    "```python\nprint('<&>')\n```\n\n~~~\nplain\n~~~\n\n```nolang\nx\n```\n\n```js {hl=1}\ny\n```",
    "```\n```\n\n````md\n```\ninner\n```\n````",
    "&amp; &lt; &copy; &#35; &#x26; &nbsp; & < > \" ' &unknown; &#0; &#xD800;",
    '`<tag attr="x">` and `` ` `` and `&amp;` and ` a ` and `` ',
    "***both*** **strong _em_** ~~strike~~ *a **b** c* _a_b_ __x__",
    "***\n---\n___\n\n* * *\n\npara\n***",
    "$x^2$ and $$y$$ and $5 and $6\n\n$$\n\\frac{a}{b} < c\n$$\n\n\\[ z \\]\n\n\\(q\\) \\[w\\]",
    "$$ a $$ (eq1)\n\n- $m$ in a list\n- $$\n  n\n  $$",
    ":smile: :+1: and :not_an_emoji: in *:heart:*",
    "Para\n\n\n\n# H\npara after heading\n***\n> q\n# H2",
    "1. a\n\n   ```\n   x\n   ```\n2. b\n   <span>raw</span>\n3. c\n\n   - d",
    "\x00nul \u2028 sep\r\nwindows\r\n\r\n- crlf\r\n- list",
    "Tab\tinside, trailing spaces   \n\n   ",
]


@lru_cache
def _reference(options: MarkdownOptions, math: bool) -> MarkdownIt:
    return configured_parser(options, math=math)


@lru_cache
def _fast(options: MarkdownOptions, math: bool) -> MarkdownIt:
    md = configured_parser(options, math=math)
    assert install_fast_render(md)
    return md


def _env(options: MarkdownOptions) -> dict[str, Any]:
    return {"blog": _RenderContext(path=Path("p.md"), line_offset=0, options=options)}


def _render(md: MarkdownIt, parser: MarkdownIt, text: str, options: MarkdownOptions) -> Any:
    """Parse ``text`` with ``parser``, render with ``md``; return HTML and diagnostics."""
    env = _env(options)
    html = md.renderer.render(parser.parse(text, env), md.options, env)
    return html, env["blog"].diagnostics


def _assert_same(text: str, options: MarkdownOptions, math: bool) -> None:
    """The same tokens give the same HTML; so does our whole parser, fast paths and all."""
    reference = _reference(options, math)
    expected = _render(reference, reference, text, options)
    assert _render(_fast(options, math), reference, text, options) == expected, text
    ours, markdown_its = ours_and_markdown_its(text, options, math=math)
    assert ours == markdown_its, text


@pytest.mark.parametrize(("options", "math"), VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("text", TRICKY)
def test_tricky_documents_render_as_markdown_it_renders_them(
    text: str, options: MarkdownOptions, math: bool
) -> None:
    _assert_same(text, options, math)


PREFIXES = ["", "", "", "- ", "* ", "1. ", "> ", "  ", "    ", "- [ ] ", "> - ", ": "]
SEPARATORS = ["\n", "\n\n", "\n\n", "\n\n\n"]


def _random_document(rng: random.Random) -> str:
    pieces = []
    for _ in range(rng.randint(1, 6)):
        lines = rng.choice(TRICKY).split("\n")
        start = rng.randrange(len(lines))
        prefix = rng.choice(PREFIXES)
        indent = "  " if prefix.startswith(("-", "*", "1")) else prefix
        chosen = lines[start : start + rng.randint(1, 6)]
        pieces.append("\n".join([prefix + chosen[0]] + [indent + line for line in chosen[1:]]))
    return "".join(piece + rng.choice(SEPARATORS) for piece in pieces)


def test_random_documents_render_as_markdown_it_renders_them() -> None:
    rng = random.Random(17)
    for _ in range(2000):
        options, math = rng.choice(VARIANTS)
        _assert_same(_random_document(rng), options, math)


@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"no shared corpora at {CORPORA}")
@pytest.mark.parametrize(("options", "math"), [VARIANTS[1], VARIANTS[2]], ids=VARIANT_IDS[1:3])
def test_the_corpora_render_as_markdown_it_renders_them(
    options: MarkdownOptions, math: bool
) -> None:
    files = sorted(CORPORA.glob("*/content/**/*.md"))
    assert files, f"no Markdown file under {CORPORA}/*/content"
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        _assert_same(text, options, math)
        _assert_same(text.split("\n---\n", 1)[-1], options, math)  # the body alone


# Token streams markdown-it's parser does not make (flags, attributes and neighbours in any
# combination), for renderToken's rules.
BLOCK_TYPES = [
    ("paragraph", "p"), ("bullet_list", "ul"), ("list_item", "li"), ("blockquote", "blockquote"),
    ("heading", "h2"), ("dl", "dl"), ("mystery", "x-y"), ("table", "table"), ("td", "td"),
]  # fmt: skip
Nesting = Literal[-1, 0, 1]
LEAVES: list[tuple[str, str, Nesting]] = [
    ("hr", "hr", 0),
    ("code_block", "code", 0),
    ("html_block", "", 0),
    ("thing", "br", 0),
]
INLINE_TYPES: list[tuple[str, str, Nesting]] = [
    ("text", "", 0), ("code_inline", "code", 0), ("softbreak", "br", 0), ("hardbreak", "br", 0),
    ("em_open", "em", 1), ("em_close", "em", -1), ("link_open", "a", 1), ("link_close", "a", -1),
    ("s_open", "s", 1), ("s_close", "s", -1), ("odd", "span", 0), ("html_inline", "", 0),
    ("image", "img", 0), ("footnote_ref", "", 0),
]  # fmt: skip
ATTRS: list[dict[str, str | int | float]] = [
    {}, {}, {}, {"href": "/a?b=1&c=<2>"}, {"id": "x", "class": 'q"uote'}, {"start": 3},
    {"style": "text-align:left"}, {"w&<": 1.5},
]  # fmt: skip
CONTENTS = ["", "plain", 'a < b & "c"', "é 漢字", "line\nbreak"]


def _token(rng: random.Random, kind: str, tag: str, nesting: Nesting, *, block: bool) -> Token:
    token = Token(kind, tag, nesting, attrs=dict(rng.choice(ATTRS)))
    token.block = block if rng.random() < 0.9 else not block
    token.hidden = rng.random() < 0.15
    token.content = rng.choice(CONTENTS)
    if kind == "list_item_open" and rng.random() < 0.5:
        token.meta = rng.choice([{"checked": True}, {"checked": False}, {"other": 1}])
    if kind == "footnote_ref":
        token.meta = {"id": 0, "subId": 0, "label": "1"}
    return token


def _random_tokens(rng: random.Random) -> list[Token]:
    tokens: list[Token] = []
    for _ in range(rng.randint(1, 12)):
        roll = rng.random()
        if roll < 0.4:
            kind, tag = rng.choice(BLOCK_TYPES)
            nesting: Nesting = rng.choice([1, -1])
            suffix = "_open" if nesting == 1 else "_close"
            tokens.append(_token(rng, kind + suffix, tag, nesting, block=True))
        elif roll < 0.55:
            tokens.append(_token(rng, *rng.choice(LEAVES), block=True))
        else:
            inline = Token("inline", "", 0)
            inline.children = [
                _token(rng, *rng.choice(INLINE_TYPES), block=False)
                for _ in range(rng.randint(0, 8))
            ]
            for child in inline.children:
                if child.type == "image":
                    child.children = [Token("text", "", 0, content="alt")]
            inline.block = True
            tokens.append(inline)
    return tokens


@pytest.mark.parametrize(("xhtml", "breaks"), [(False, False), (True, True), (True, False)])
def test_random_token_streams_render_as_markdown_it_renders_them(xhtml: bool, breaks: bool) -> None:
    fast, reference = configured_parser(PLAIN), configured_parser(PLAIN)
    assert install_fast_render(fast)
    for md in (fast, reference):
        md.options["xhtmlOut"], md.options["breaks"] = xhtml, breaks
    rng = random.Random(23)
    for _ in range(3000):
        tokens = _random_tokens(rng)
        html = [
            md.renderer.render(copy.deepcopy(tokens), md.options, _env(PLAIN) | {"footnotes": {}})
            for md in (fast, reference)
        ]
        assert html[0] == html[1], tokens


@pytest.mark.parametrize(("xhtml", "breaks"), [(True, False), (False, True), (True, True)])
def test_the_xhtml_and_breaks_options_are_followed(xhtml: bool, breaks: bool) -> None:
    fast, reference = configured_parser(PLAIN), configured_parser(PLAIN)
    assert install_fast_render(fast)
    for md in (fast, reference):
        md.options["xhtmlOut"], md.options["breaks"] = xhtml, breaks
    for text in TRICKY:
        assert _render(fast, reference, text, PLAIN) == _render(reference, reference, text, PLAIN)


def _marker(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f"[{tokens[idx].type}:{tokens[idx].content}]"


RULED = ["text", "code_inline", "softbreak", "hardbreak", "list_item_open", "code_block",
         "em_open", "link_open", "paragraph_open", "paragraph_close", "bullet_list_close",
         "heading_open", "image", "fence"]  # fmt: skip
RULED_TEXT = "# H {#h}\n\n    code\n\n- a *b* [c](/d) `e`  \nf\ng ![i](j.png)\n\n```\nx\n```"


@pytest.mark.parametrize("kind", RULED)
def test_a_rule_registered_after_install_is_used(kind: str) -> None:
    md = _parser(PLAIN, math=False)
    fast, reference = configured_parser(PLAIN), configured_parser(PLAIN)
    assert isinstance(md.renderer, FastRenderer)
    assert install_fast_render(fast)
    for parser in (fast, reference):
        parser.add_render_rule(kind, _marker)
    html = _render(fast, reference, RULED_TEXT, PLAIN)
    assert html == _render(reference, reference, RULED_TEXT, PLAIN)
    assert f"[{kind}:" in html[0]


def test_a_replaced_render_token_makes_the_renderer_markdown_its() -> None:
    fast, reference = configured_parser(PLAIN), configured_parser(PLAIN)
    assert install_fast_render(fast)
    for md in (fast, reference):
        renderer = md.renderer
        assert isinstance(renderer, RendererHTML)
        original = renderer.renderToken
        renderer.renderToken = lambda *a, _o=original: _o(*a).upper()  # type: ignore[method-assign]
    html = _render(fast, reference, RULED_TEXT, PLAIN)
    assert html == _render(reference, reference, RULED_TEXT, PLAIN)
    assert "<UL>" in html[0]


def test_the_renderer_is_fast_only_in_our_parser() -> None:
    assert type(_parser(PLAIN).renderer) is FastRenderer
    assert type(configured_parser(PLAIN).renderer) is RendererHTML

    class Other(RendererHTML):
        pass

    other = MarkdownIt("commonmark", renderer_cls=Other)
    assert install_fast_render(other) is False
    assert type(other.renderer) is Other
