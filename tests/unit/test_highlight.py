"""Highlighting: our lexing loop gives Pygments' tokens, and blocks are Pygments' HTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from pygments import highlight  # type: ignore[import-untyped, unused-ignore]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped, unused-ignore]
from pygments.lexer import RegexLexer  # type: ignore[import-untyped, unused-ignore]
from pygments.lexers import get_all_lexers, get_lexer_by_name  # type: ignore[import-untyped, unused-ignore]

from blog.highlight import find_lexer, lex, render_code_block

SRC = Path(__file__).resolve().parents[2] / "src" / "blog"

LANGUAGES = [
    "python", "py3", "pycon", "go", "bash", "sh", "console", "shell-session", "zsh",
    "powershell", "javascript", "js", "typescript", "tsx", "jsx", "json", "yaml", "toml",
    "ini", "html", "xml", "css", "scss", "c", "cpp", "csharp", "java", "kotlin", "scala",
    "swift", "rust", "ruby", "php", "perl", "lua", "r", "julia", "haskell", "elixir",
    "erlang", "clojure", "sql", "postgresql", "diff", "docker", "make", "nginx", "hcl",
    "terraform", "graphql", "protobuf", "latex", "markdown", "rst", "vim", "lisp", "nix",
    "jinja", "html+jinja", "django", "text",
]  # fmt: skip

EDGE_CASES = [
    "",
    "\n",
    "x",
    "no trailing newline",
    "\n\nleading and trailing blank lines\n\n\n",
    "<&> \"quoted\" 'single' &amp; &lt;tag&gt;",
    "\ttab\tindented\n\t\tdeeper\n",
    "unicode: é ü 漢字 🎉 \u200b \u00a0\n",
    "errors: ` $ ? \x00 \x7f ☃ @@ ### !!!\n",
    "crlf\r\nline\rends\r\n",
    '"""unterminated string\nx = 1\n',
    "/* unterminated comment\nint x;\n",
    '#!/bin/sh\necho "$HOME" ${x:-y} $(date) `ls` <<EOF\nbody\nEOF\n',
    "def f(a, *b, **c) -> int:\n    return f'{a!r:>{b}}' + r'\\d' + b'x'\n",
    'package main\nfunc main() { x := []int{1, 0x1F, 3.5e-2}; fmt.Println(`raw`, "s\\n") }\n',
    "key: value\nlist:\n  - a\n  - {b: c}\ntext: |\n  block\n",
    '{"a": [1, 2.5, true, null, "s\\u00e9"]}\n',
]


def _samples() -> list[str]:
    files = ["markdown.py", "summary.py", "livereload.js", "theme/templates/base.html"]
    return EDGE_CASES + [(SRC / name).read_text(encoding="utf-8")[:4000] for name in files]


@pytest.mark.parametrize("language", LANGUAGES)
def test_lex_gives_pygments_tokens(language: str) -> None:
    lexer = get_lexer_by_name(language, stripnl=False, ensurenl=True)
    for code in _samples():
        assert list(lex(lexer, code)) == list(lexer.get_tokens(code)), code


def test_lex_gives_pygments_tokens_for_every_regex_lexer() -> None:
    code = (
        "x = 1 # c\nif (a < b && c) { return \"s\\n\" + 't'; } /* m */\n"
        '<p class="a">&amp;</p>\n\t$v @d `b` 0x1F 3.5e-2 é 漢\n-- q\n'
    )
    checked = 0
    for _, aliases, _, _ in get_all_lexers():
        if not aliases:
            continue
        lexer = get_lexer_by_name(aliases[0], stripnl=False, ensurenl=True)
        if type(lexer).get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed:
            assert list(lex(lexer, code)) == list(lexer.get_tokens(code)), aliases[0]
            checked += 1
    assert checked > 300


@pytest.mark.parametrize("language", ["python", "go", "bash", "yaml", "json", "html", "rust"])
@pytest.mark.parametrize("code", EDGE_CASES)
def test_code_blocks_are_pygments_html(language: str, code: str) -> None:
    lexer = find_lexer(language)
    assert lexer is not None
    expected = highlight(code, lexer, HtmlFormatter(nowrap=True))
    block = render_code_block(code, language, is_highlighted=True)
    assert block.html == (
        '<div class="highlight"><pre tabindex="0"><code class="language-'
        f'{language}" data-lang="{language}">{expected}</code></pre></div>\n'
    )
