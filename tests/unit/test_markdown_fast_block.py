"""The fast block parser gives exactly what markdown-it's block parser gives."""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from blog.fastblock import fast_state_block, install_fast_block, line_marks
from blog.markdown import MarkdownOptions, _parser, configured_parser
from tests.markdown_parsers import dump_tokens, parse

CORPORA = Path(__file__).parents[2].parent / "shared" / "corpora"
PLAIN, EMOJI = MarkdownOptions(), MarkdownOptions(emoji=True)
VARIANTS = [(PLAIN, False), (PLAIN, True), (EMOJI, False), (EMOJI, True)]
VARIANT_IDS = ["plain", "math", "emoji", "emoji+math"]

HTML_BLOCKS = [
    "<script>\nlet a = 1;\n\nb()\n</script>\nafter",  # 1
    "<pre class='x'>\n  code\n\n</pre>",
    "<style>p{}</style>\ntext",
    "<textarea>\n\n</textarea>",
    "<!-- a\n\ncomment -->\ntext",  # 2
    "<? php\n\n ?>\ntext",  # 3
    "<!DOCTYPE html>\ntext",  # 4
    "<![CDATA[\nx\n\n]]>\ntext",  # 5
    "<div>\n*not em*\n\n*em*",  # 6
    "</table>\ntext",
    "<custom-tag a='1' b=\"2\" c=d/>\ntext",  # 7
    "para\n<custom-tag>\nstill para",  # 7 does not interrupt a paragraph
    "para\n<div>\nhtml",
    "- <!-- in list\n\n  more\n-->",
    "> <div>\n> x\n\n> y",
]
TRICKY = [
    "",
    "\n",
    "   ",
    "\n\n\n",
    " \t \n\t",
    "text",
    "text\n",
    "a  \nb\\\nc   ",
    "- a\n  - b\n    - c\n      - d\n        - e\n- f",
    "1. a\n2. b\n\n   para\n3) c\n10. d\n\n0. zero\n0) x\n123456789. nine\n1234567890. ten",
    "2. starts at two\n\npara\n3. no",
    "para\n2. not a list\n1. a list",
    "para\n- \n- x",
    "* a\n\n* b\n\n\n* c",
    "- a\n-\n\n  foo\n- b",
    "-\n\n  foo",
    "  - item 1\n   - item 2\n    - item 3\n     - item 4\n      - continuation",
    "> a\n> > b\n> > > c\nlazy\n\n> d\n>\ne",
    "> quote\n- - -\n> more",
    "> quote\n    code?\n> x",
    "> a\n>\n    b",
    ">\tindented\n>  \tmore\n  >\t\tx",
    "- a\n\n      code in list\n\n  para in list\n\n    code at 4?",
    "    code\n\n    more\n  \n    last\npara",
    "para\n    lazy continuation\n\n    code",
    "\tcode with tab\n \tmixed\n  \t\tdeep",
    "- ```\n  code\n  ```\n- ~~~ x\n  a\n  ~~~~\n- ```\ncode\n```",
    "```\nunclosed\n\n- x",
    "> ```\n> code\n\n> ```",
    "  ```js\n   a\n b\n  ```\n``` `no`\n````\n```\n````",
    "~~~ ` ok\nx\n~~~",
    "para\n| a | b |\n|---|---|\n| 1 | 2 |",
    "| a | b |\n|:-|-:|\n| 1 | 2 | 3 |\n\\| x\nnot a row?\n\n| c |",
    "a | b\n--- | ---\nc | d\n> q",
    "| a |\n| - |\n- x",
    "-|-\n:-:|",
    "Setext\n===\nTwo\nlines\n---\n  Indented\n   ===  \n\n---\n=== alone",
    "Title\n    ===\nlazy\n=\n- item\n---",
    "> quote\n---",
    "- item\n---",
    "# h1\n## h2 ##\n###### h6\n####### no\n#no\n  ### spaced #  \n#\n# #",
    "***\n---\n___\n- - -\n * * *\n_ _ _ _\n--\n**\n+++",
    "[ref]: /url 'title'\n[ref2]:\n  /two\n  \"t\"\n[bad] x\n\n[ref] [ref2]",
    "[a]: /a\n[a]: /dup\n[A]\n\n[b]: /b 'unclosed\n\ntitle'\n[b]",
    "para\n[ref]: /x\n\n[ref]",
    "[\nfoo\n]: /bar\n\n[foo]",
    "[^1]: note\n    more\n\n    para in note\n\ntext[^1] and [^2]\n\n[^2]:\n  x",
    "[^a b]: no\n[^]: no\n[^x]:y",
    "Term\n: def\n\nTerm 2\n~ def a\n~ def b\n\n  para in def",
    "Term\n\n: loose def\n\n    code?\nTerm\n:no space",
    "- [ ] todo\n- [x] done\n- [X] Done\n- [] not\n-  [ ] spaced\n1. [x] ordered",
    "- [ ]\n- [x]\tb\n    - [ ] nested",
    "$$\nx^2\n$$\n\n$$ y $$\n\n$$\nunclosed\n\npara $$ in $$",
    "$$ a $$ b\n$$\n\n  $$\n  z\n  $$",
    "\\[\nx\n\\]\n\n\\[ y \\] tail\n\n\\[ z \\]\n\n> \\[\n> a\n\n\\]",
    "    \\[ code? \\]\n- \\[ in list \\]",
    # a failed lheading leaves parentType at "paragraph", which \[ reads in a blockquote
    "> para\n>\n> \\[\n> x\n> \\]\n\n> \\[\n> y\n> \\]",
    "line\r\nnext\r\n\r\n- a\r\n- b\r\n",
    "a\rb\r\rc",
    "trailing  \nspaces   \n\n  # head  \n",
    "    indented para\n    second\n\ntext\n    four",
    "  \n  text\n  \n",
    ">" * 60 + " deep",
    "- " * 40 + "deep",
    "1. " * 25 + "deep",
    "> " * 15 + "- " * 15 + "x\n" + "  " * 30 + "y",
    "é漢字 🎉\n===\n> ünïcode\n- ✓",
    "\u00a0nbsp indent\n\u2003em space\n\ufeffbom",
    "\x00nul\n\x0bvt\x0cff",
    "<div>\n\n- a\n\n</div>",
    "- a\n\n\n- b",
    ": no term\n~ none",
    "text\n:\n~",
    *HTML_BLOCKS,
]


@lru_cache
def _block_only(options: MarkdownOptions, math: bool) -> MarkdownIt:
    md = configured_parser(options, math=math)
    assert install_fast_block(md)
    return md


def _assert_same(text: str, options: MarkdownOptions, math: bool) -> None:
    """Our parser gives markdown-it's tokens and HTML; with only the fast block, its env too."""
    reference = parse(configured_parser(options, math=math), text, options)
    assert parse(_block_only(options, math), text, options) == reference, text
    assert parse(_parser(options, math=math), text, options)[:2] == reference[:2], text


@pytest.mark.parametrize(("options", "math"), VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("text", TRICKY)
def test_tricky_blocks_are_parsed_as_markdown_it_does(
    text: str, options: MarkdownOptions, math: bool
) -> None:
    _assert_same(text, options, math)


LINES = [
    "", "", "", "text", "more words here", "  two", "    four", "\tcode", " \t mixed",
    "- item", "* star", "+ plus", "-", "1. one", "2) two", "10. ten", "0. zero", "1.", "- [ ] task",
    "- [x] done", "> quote", ">> deep", "> - in quote", ">", "```", "```py", "~~~", "````",
    "# h1", "###### h6", "####### no", "---", "***", "___", "- - -", "===", "--",
    "<div>", "</div>", "<!-- c", "-->", "<?pi", "?>", "<!DOCTYPE x>", "<![CDATA[", "]]>",
    "<script>", "</script>", "<pre>", "<x-tag a=\"1\">", "</span>", "<span>",
    "[ref]: /url \"title\"", "[ref]:", "/url", "'title'", "[ref]", "[^1]: note", "[^1]",
    "Term", ": def", "~ def", "| a | b |", "|---|---|", "a | b", "--- | :-:", "| x |",
    "$$", "$$ x $$", "$$ a $$ b", "\\[", "\\]", "\\[ x \\]", "é漢字🎉", "trailing  ",
    "text\\", "    ", "\t", "[", "<", "#", "$", "\\", ":", "~",
]  # fmt: skip
INDENTS = ["", "", "", " ", "  ", "   ", "    ", "\t", "  \t", "> ", "- ", "1. "]


def _random_document(rng: random.Random) -> str:
    lines = [rng.choice(INDENTS) * rng.randint(0, 2) + rng.choice(LINES) for _ in range(30)]
    text = rng.choice(["\n", "\n", "\r\n"]).join(lines[: rng.randint(1, 30)])
    return text + rng.choice(["", "\n", "\n\n", "  "])


@pytest.mark.parametrize(("options", "math"), [VARIANTS[0], VARIANTS[3]], ids=VARIANT_IDS[::3])
def test_random_documents_are_parsed_as_markdown_it_does(
    options: MarkdownOptions, math: bool
) -> None:
    rng = random.Random(11)
    for _ in range(1500):
        _assert_same(_random_document(rng), options, math)


def _corpus_files() -> list[Path]:
    return sorted(CORPORA.rglob("*.md")) if CORPORA.is_dir() else []


@pytest.mark.skipif(not CORPORA.is_dir(), reason=f"no shared corpora at {CORPORA}")
@pytest.mark.parametrize(("options", "math"), [VARIANTS[0], VARIANTS[3]], ids=VARIANT_IDS[::3])
def test_the_corpora_are_parsed_as_markdown_it_does(options: MarkdownOptions, math: bool) -> None:
    files = _corpus_files()
    assert files, f"no Markdown file under {CORPORA}"
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        _assert_same(text, options, math)
        _assert_same(text.split("\n---\n", 1)[-1], options, math)  # the body alone


STATE_CHARS = ["a", "b", "é", "漢", "🎉", " ", " ", "  ", "\t", "\n", "\n", "\r", "\r\n", "#"]


def _marks(state: StateBlock) -> Any:
    return (state.src, state.bMarks, state.eMarks, state.tShift, state.sCount, state.bsCount,
            state.lineMax, state.line, state.blkIndent, state.parentType, state.level)  # fmt: skip


def test_state_block_lines_are_markdown_its() -> None:
    md = configured_parser(PLAIN)
    rng = random.Random(5)
    texts = ["", " ", "\t", "\n", "a", " \t", "a\n", "a\n ", "a\n \n", "\n\n", "\t\tx\n  \t y"]
    texts += ["".join(rng.choices(STATE_CHARS, k=rng.randint(1, 40))) for _ in range(3000)]
    for text in texts:
        expected = StateBlock(text, md, {}, [])
        assert _marks(fast_state_block(text, md, {}, [])) == _marks(expected), repr(text)
        marks = line_marks(text)
        assert marks == (expected.bMarks, expected.eMarks, expected.tShift, expected.sCount,
                         expected.bsCount), repr(text)  # fmt: skip


def test_our_parsers_dispatch_block_rules() -> None:
    for options, math in VARIANTS:
        md = _parser(options, math=math)
        assert md.block.ruler.tables() is not None  # type: ignore[attr-defined]
        assert len(md.block.ruler.getRules("paragraph")) == 1
        assert install_fast_block(configured_parser(options, math=math)) is True


def test_an_unknown_block_rule_makes_the_installer_refuse() -> None:
    md = configured_parser(PLAIN)
    md.block.ruler.before("paragraph", "mine", lambda state, start, end, silent: False)
    block = md.block
    assert install_fast_block(md) is False
    assert md.block is block


def test_a_known_name_with_another_rule_makes_the_installer_refuse() -> None:
    md = configured_parser(PLAIN)
    md.block.ruler.at("hr", lambda state, start, end, silent: False, {"alt": ["paragraph"]})
    assert install_fast_block(md) is False


def test_a_block_rule_added_later_turns_the_dispatch_off() -> None:
    md = configured_parser(PLAIN)
    assert install_fast_block(md) is True
    paragraph_chain = md.block.ruler.getRules("paragraph")
    md.block.ruler.before("hr", "shout", _shout, {"alt": ["paragraph"]})
    assert md.block.ruler.tables() is None  # type: ignore[attr-defined]
    assert md.block.ruler.getRules("paragraph") != paragraph_chain
    reference = configured_parser(PLAIN)
    reference.block.ruler.before("hr", "shout", _shout, {"alt": ["paragraph"]})
    text = "text\n!! loud\n- a\n> b\n\n!! again"
    assert md.render(text) == reference.render(text)
    assert md.render(text).count("<h1") == 2


def _shout(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A rule the fast parser does not know: "!! text" is a level-1 heading."""
    pos = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("!! ", pos):
        return False
    if not silent:
        state.push("heading_open", "h1", 1)
        inline = state.push("inline", "", 0)
        inline.content = state.src[pos + 3 : state.eMarks[start]]
        inline.map, inline.children = [start, start + 1], []
        state.push("heading_close", "h1", -1)
        state.line = start + 1
    return True


def test_the_lheading_shortcut_leaves_the_state_as_markdown_it_does() -> None:
    """Upstream lheading leaves parentType at "paragraph" when it fails; so must the shortcut."""
    from markdown_it.rules_block import lheading

    md = _block_only(PLAIN, False)
    tables = md.block.ruler.tables()  # type: ignore[attr-defined]
    fast = next(rule for rule in tables.main[1] if rule.__name__ == "fast_lheading")
    rng = random.Random(3)
    for _ in range(300):
        text = _random_document(rng).replace("\r", "")
        states = [StateBlock(text, md, {}, []), StateBlock(text, md, {}, [])]
        for start in range(states[0].lineMax):
            results = [rule(state, start, state.lineMax, False)
                       for rule, state in zip((lheading, fast), states, strict=True)]  # fmt: skip
            assert results[0] == results[1], (text, start)
            assert _marks(states[0]) == _marks(states[1]), (text, start)
            assert dump_tokens(states[0].tokens) == dump_tokens(states[1].tokens), (text, start)
