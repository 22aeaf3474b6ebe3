"""The fast paths of our Markdown parsers give exactly what markdown-it gives."""

from __future__ import annotations

import random
import string
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from blog.fastinline import install_fast_text as install
from blog.fastinline import text_stop_pattern as stop_pattern
from blog.markdown import MarkdownOptions, _parser, _RenderContext, configured_parser
from tests.markdown_parsers import ours_and_markdown_its

OPTIONS = MarkdownOptions(emoji=True)

TRICKY = [
    string.punctuation,
    " ".join(string.punctuation),
    "www.example.com and awww.x and wwww.example.org, w ww www wwwx www.",
    "see www.example.com/path?q=1. (www.x.org) *www.y.org*",
    "http://example.com https://x.org/a_b_ mailto:me@x.org xmpp:a@b.c ftp://no",
    "mail me@example.com or a.b-c+d@x.co.uk now",
    "<http://auto.link> <me@x.org> <b>html</b> <!-- c --> <?pi?> <![CDATA[x]]>",
    "&amp; &copy &#35; &#x26; &nbsp;&unknown; & alone",
    "a footnote[^1] and inline ^[note *x*] and ^ alone\n\n[^1]: the note",
    ":smile: :+1: :not_an_emoji: a:b: ::",
    "$x$ $$y$$ \\(a\\) \\[b\\] $5 and $6 \\$ \\\\",
    "*em* **strong** _u_ __uu__ ~~del~~ ~one~ `code` ``co`de``",
    '[link](http://x "t") [ref] [nested [label]](u) ![img](i.png) ![alt *x*][r]\n\n[r]: /x',
    "[w www.x.org](http://y) [a](www.x.org) [x]: y",
    "line  \nbreak\\\nnext\n- not a list -- dash --- dash # hash = eq > gt { } % +",
    "tab\there é ü 漢字 🎉 w\u0301w",
    "{#id .cls} ## not a heading ##",
    "[unclosed [label",
    "]close only",
    "![",
    "!",
    "w",
    "ww",
    "www",
    "www.",
]


def _both(text: str, *, math: bool) -> tuple[Any, Any]:
    return ours_and_markdown_its(text, OPTIONS, math=math)


def _random_text(rng: random.Random) -> str:
    pieces = [*string.punctuation, "www.", "www.x.org", "http://a.b/c", "a@b.co", "[^1]",
              "^[n]", "&amp;", ":smile:", "$x$", "\\(a\\)", "<b>", "\n", "  \n", " ", "w",
              "word", "é", "\t", "](u)", "![", "\n\n[^1]: n\n\n", "\n* ", "\n> "]  # fmt: skip
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))


@pytest.mark.parametrize("math", [False, True])
@pytest.mark.parametrize("text", TRICKY)
def test_tricky_inline_text_is_parsed_as_markdown_it_does(text: str, math: bool) -> None:
    fast, reference = _both(text, math=math)
    assert fast == reference


@pytest.mark.parametrize("math", [False, True])
def test_random_inline_text_is_parsed_as_markdown_it_does(math: bool) -> None:
    rng = random.Random(7)
    for _ in range(1500):
        text = _random_text(rng)
        fast, reference = _both(text, math=math)
        assert fast == reference, text


def test_our_parsers_use_the_fast_rule() -> None:
    for math in (False, True):
        md = _parser(OPTIONS, math=math)
        assert md.inline.ruler.getRules("")[0].__name__ == "text"
        assert md.inline.ruler.getRules("")[0].__module__ == "blog.fastinline"


def test_stops_are_markdown_it_terminators_and_w_only_before_www() -> None:
    pattern = stop_pattern(_parser(OPTIONS, math=True))
    assert pattern is not None
    assert pattern.search("wow -#=}%+>{ w") is None
    assert pattern.search("a www.x").start() == 2  # type: ignore[union-attr]
    for char in "[]\\`*_~!^<&:@$\n":
        assert pattern.fullmatch(char), char


def test_an_unknown_inline_rule_keeps_markdown_its_text_rule() -> None:
    md = MarkdownIt("commonmark")
    md.inline.ruler.push("mine", lambda state, silent: False)
    assert stop_pattern(md) is None
    assert install(md) is False
    assert md.inline.ruler.getRules("")[0].__module__ == "markdown_it.rules_inline.text"


def test_a_nested_range_without_a_stop_is_left_to_markdown_it() -> None:
    """When no stop lies before posMax, the rule answers as markdown-it's does."""
    from markdown_it.rules_inline import text as upstream

    md = configured_parser(OPTIONS)
    fast = _parser(OPTIONS).inline.ruler.getRules("")[0]
    for src, pos, pos_max in [("ab-cd w ef*gh", 0, 4), ("abcd ef", 1, 3), ("ab]cd", 0, 4)]:
        states = [StateInline(src, md, {}, []) for _ in range(2)]
        for state in states:
            state.pos, state.posMax = pos, pos_max
        assert fast(states[0], False) == upstream(states[1], False)
        assert (states[0].pos, states[0].pending) == (states[1].pos, states[1].pending)


URLS = [
    "https://example.com/a b",
    "HTTP://Example.COM/%7Euser/ü?q=ä#frag",
    "http://xn--mnchen-3ya.de/",
    "http://münchen.de/straße",
    "mailto:Me@Exämple.org",
    "//host/path",
    "http://[::1]:80/x",
    "skype:name",
    "javascript:alert(1)",
    "%zz%41",
    "",
    "/relative/path.md#x",
]


@pytest.mark.parametrize("url", URLS)
def test_cached_link_normalisation_is_markdown_its(url: str) -> None:
    fast, reference = _parser(OPTIONS), configured_parser(OPTIONS)
    for _ in range(2):  # computed, then cached
        assert fast.normalizeLink(url) == reference.normalizeLink(url)
        assert fast.normalizeLinkText(url) == reference.normalizeLinkText(url)
    assert fast.normalizeLinkText.cache_info().hits >= 1  # type: ignore[attr-defined]


def test_link_normalisation_of_random_urls_is_markdown_its() -> None:
    """Plain URLs skip markdown-it's normalisation: they must be ones it leaves unchanged."""
    fast, reference = _parser(OPTIONS), configured_parser(OPTIONS)
    rng = random.Random(5)
    alphabet = "abcXYZ019-._~/?#=&:+,;!$*'()%@[]\\ é"
    starts = ["", "http://", "https://", "HTTP://", "mailto:", "//", "/", "../", "ftp://", "a:"]
    starts += ["Https://Ex.com", "https://ex.com:80", "http://a", "//a.b/", "xn--"]
    for _ in range(30_000):
        size = rng.randint(0, 14)
        url = rng.choice(starts) + "".join(rng.choice(alphabet) for _ in range(size))
        assert fast.normalizeLink(url) == reference.normalizeLink(url), url


def test_our_parsers_dispatch_inline_rules_by_start_character() -> None:
    for math in (False, True):
        by_char = _parser(OPTIONS, math=math).inline._rules_by_char()  # type: ignore[attr-defined]
        assert by_char is not None
        assert "w" in by_char and "-" not in by_char and "t" not in by_char


def test_an_inline_rule_added_later_turns_the_dispatch_off() -> None:
    md = configured_parser(OPTIONS)
    assert install(md) is True
    md.inline.ruler.push("mine", lambda state, silent: False)
    assert md.inline._rules_by_char() is None  # type: ignore[attr-defined]
    env = {"blog": _RenderContext(path=Path("p.md"), line_offset=0, options=OPTIONS)}
    assert md.render("*a* [b](c) w www.x.org", env) == (
        '<p><em>a</em> <a href="c">b</a> w <a href="http://www.x.org">www.x.org</a></p>\n'
    )


@pytest.mark.parametrize(
    "text",
    [
        "a\r\nb\r\n\r\n# h\r\n",
        "a\rb\r\r- item\r  more\r",
        "mixed\r\n\rend\n\r",
        "nul\x00here\n\n`code\x00`\n",
        "\r\x00\r\n\x00",
        "plain text, nothing to replace\n",
    ],
)
def test_line_endings_and_nul_are_normalised_as_markdown_it_does(text: str) -> None:
    ours, theirs = ours_and_markdown_its(text, MarkdownOptions())
    assert ours == theirs
    assert "\r" not in ours[1] and "\x00" not in ours[1]
