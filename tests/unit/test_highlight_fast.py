"""``format_html`` writes byte for byte what Pygments' ``HtmlFormatter(nowrap=True)`` does."""

from __future__ import annotations

import html
import random
from io import StringIO

import pytest
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES, Token, _TokenType

from blog.highlight import find_lexer, format_html, render_code_block

REFERENCE = HtmlFormatter(nowrap=True)

LANGUAGES = (
    *("python", "go", "rust", "js", "ts", "jsx", "bash", "console", "yaml", "json", "toml"),
    *("sql", "c", "cpp", "java", "csharp", "kotlin", "scala", "swift", "ruby", "php", "lua"),
    *("haskell", "elixir", "html", "xml", "css", "diff", "dockerfile", "hcl", "terraform"),
    *("ini", "make", "markdown", "nginx", "powershell", "graphql", "protobuf", "nix", "text"),
)

# Language-specific snippets: multi-line strings and comments, nested spans, odd characters.
SNIPPETS = {
    "python": 'def f(x: int = 1) -> str:\n    """Doc\n\n    <b>&</b>\n    """\n'
    "    return f'{x!r} \"q\"'  # ok\n\n\n@dec\nclass A(B):\n\tpass\n",
    "go": 'package main\n\nimport "fmt"\n\nfunc main() {\n\tx := `raw\nstring`\n'
    "\tfmt.Println(x, \"a<b>&\", 'c')\n}\n/* block\n   comment */",
    "rust": 'fn main() {\n    let s = r#"raw "quoted" <x>"#;\n    println!("{}", s); // é\n}\n',
    "js": "const a = `tmpl ${b}\nline2`;\n/* c\n */\nif (a < 1 && b > 2) { x = /re\\/g/; }\n",
    "ts": "interface A<T> { x?: T; }\nlet y: A<string> = { x: 'a\"b' };\n",
    "bash": "#!/bin/bash\nset -euo pipefail\ncat <<EOF\nhello $USER & <you>\nEOF\n"
    'for f in *.md; do echo "$f" > /dev/null 2>&1; done\n',
    "console": "$ ls -la\ntotal 0\n$ echo 'x' && false\n# root\n",
    "yaml": "key: value\nlist:\n  - a\n  - 'b'\nblock: |\n  line <1>\n  line &2\n\nanchor: &x 1\n",
    "json": '{\n  "a": [1, 2.5e3, true, null],\n  "b": "<&>\\"\'"\n}',
    "toml": '[tool.x]\nname = "a"\nlist = [\n  1,\n  2,\n]\n"""multi\nline"""\n',
    "sql": "SELECT a, b FROM t WHERE x <> 'y' AND z >= 3; -- c\n/* m\nl */\n",
    "c": '#include <stdio.h>\n/* a\n * b\n */\nint main(void) {\n\tprintf("%d\\n", 1 < 2);\n}\n',
    "cpp": "template <typename T>\nauto f(T&& x) -> decltype(x) { return x; }\n",
    "java": "@Override\npublic <T> List<T> f() {\n    return new ArrayList<>(); // x\n}\n",
    "html": '<!DOCTYPE html>\n<!-- a\n  b -->\n<a href="x?a=1&b=2">t &amp; u</a>\n'
    "<script>\nif (a < b) {}\n</script>\n<style>\np > a { color: red; }\n</style>\n",
    "css": "a > b:hover::after {\n  content: '<&>';\n  color: #fff;\n}\n/* c\n */\n",
    "diff": "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n-old <line>\n+new & line\n context\n",
    "dockerfile": "FROM python:3.11 AS build\nRUN apt-get update && \\\n    apt-get install -y x\n",
    "hcl": 'resource "aws_s3_bucket" "b" {\n  bucket = "${var.name}-x"\n'
    "  tags = {\n    A = 1\n  }\n}\n",
    "ini": "[section]\nkey = value ; comment\n# other\nempty =\n",
    "make": "all: build\n\nbuild: $(SRC)\n\t$(CC) -o $@ $^ > log 2>&1\n",
    "markdown": "# Title\n\n*em* **strong** `code`\n\n```python\nx = 1\n```\n\n> quote <x>\n",
    "xml": '<?xml version="1.0"?>\n<a b="c">\n  <![CDATA[ <&> ]]>\n</a>\n',
}

GENERIC = (
    "",
    "\n",
    "\n\n",
    "x",
    "x\n",
    "no trailing newline",
    "trailing blank lines\n\n\n",
    "\n\n\nleading blank lines\n",
    "a\tb\n\tc\t\n",
    "crlf\r\nline two\r\n\r\nlast",
    "lone\rcarriage\r",
    "   \n\t\n  \n",
    "  indented\n    more\n",
    '<&>"\' &amp; </span> <span class="x"> \'"\'',
    "unicode héllo → 世界 🎉 \u200b\n",
    "nul \0 inside\n",
    'x = "unterminated\n',
)


def reference(code: str, lexer: Lexer) -> str:
    return str(highlight(code, lexer, REFERENCE))


def ours(code: str, lexer: Lexer) -> str:
    return format_html(lexer.get_tokens(code))


def lexer_cases() -> list[object]:
    cases = []
    for language in LANGUAGES:
        snippets = (*GENERIC, *SNIPPETS.values())
        for index, code in enumerate(snippets):
            cases.append(pytest.param(language, code, id=f"{language}-{index}"))
    return cases


@pytest.mark.parametrize(("language", "code"), lexer_cases())
def test_real_lexers_match_pygments(language: str, code: str) -> None:
    lexer = find_lexer(language)
    assert lexer is not None
    assert ours(code, lexer) == reference(code, lexer)


@pytest.mark.parametrize("language", ["python", "yaml", "make", "c"])
@pytest.mark.parametrize(
    "options",
    [{}, {"tabsize": 4}, {"stripall": True}, {"ensurenl": False}],
    ids=["defaults", "tabsize", "stripall", "no-ensurenl"],
)
def test_lexer_preprocessing_options_match_pygments(
    language: str, options: dict[str, object]
) -> None:
    lexer = get_lexer_by_name(language, **options)
    for code in (*GENERIC, *SNIPPETS.values()):
        assert ours(code, lexer) == reference(code, lexer)


# --- Synthetic token streams ------------------------------------------------------------------

CUSTOM_TYPES = (
    Token,
    Token.Text,
    Token.Custom,
    Token.Custom.Deeper,
    Token.Text.Custom,
    Token.Text.Whitespace.Custom,
    Token.Name.Custom,
    Token.Name.Custom.Deeper.Deepest,
    Token.Name.Builtin.Pseudo.Custom,
    Token.Literal.String.Custom,
    Token.Error.Custom,
    Token.Other.Custom,
)
TOKEN_TYPES: tuple[_TokenType, ...] = (*sorted(STANDARD_TYPES), *CUSTOM_TYPES)
FRAGMENTS = (
    "", "", "a", "bc", " ", "  ", "\t", "\n", "\n", "\n\n", "x\ny", "<", ">", "&", "&amp;",
    '"', "'", "é", "世界", "🎉", "\r", "</span>", "\0",
)  # fmt: skip


def random_tokens(rng: random.Random) -> list[tuple[_TokenType, str]]:
    types = rng.sample(TOKEN_TYPES, rng.randint(1, 4))  # few types: adjacent repeats are common
    tokens = []
    for _ in range(rng.randint(0, 25)):
        value = "".join(rng.choices(FRAGMENTS, k=rng.randint(0, 4)))
        if "\0" in value and rng.random() < 0.9:
            value = value.replace("\0", "")  # mostly the one-pass escape, sometimes the fallback
        tokens.append((rng.choice(types), value))
    return tokens


def test_random_token_streams_match_pygments() -> None:
    rng = random.Random(20240611)
    for case in range(4000):
        tokens = random_tokens(rng)
        expected = StringIO()
        REFERENCE.format(tokens, expected)
        assert format_html(tokens) == expected.getvalue(), (case, tokens)


def test_every_token_type_alone_and_repeated() -> None:
    for ttype in TOKEN_TYPES:
        for tokens in (
            [(ttype, "a")],
            [(ttype, "a\n")],
            [(ttype, "a"), (ttype, "b\n\nc")],
            [(Token.Text, "x"), (ttype, ""), (Token.Text, "y")],
        ):
            expected = StringIO()
            REFERENCE.format(tokens, expected)
            assert format_html(tokens) == expected.getvalue(), tokens


# --- render_code_block ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["python", "Go", "yaml", "bash", "html", "diff", "TOML"])
@pytest.mark.parametrize("code", [SNIPPETS["python"], SNIPPETS["html"], GENERIC[9], GENERIC[13]])
def test_render_code_block_matches_pygments(language: str, code: str) -> None:
    lexer = get_lexer_by_name(language.lower(), stripnl=False, ensurenl=True)
    quoted = html.escape(language)
    expected = (
        f'<div class="highlight"><pre tabindex="0"><code class="language-{quoted}"'
        f' data-lang="{quoted}">{reference(code, lexer)}</code></pre></div>\n'
    )
    block = render_code_block(code, language, is_highlighted=True)
    assert block.html == expected
    assert not block.is_unknown_language
