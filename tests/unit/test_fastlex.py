"""``fastlex.lex`` yields exactly ``lexer.get_tokens``' tokens, for every lexer Pygments ships."""

from __future__ import annotations

import random
import re

import pytest
from pygments.lexer import (
    Lexer,
    RegexLexer,
    bygroups,
    combined,
    default,
    include,
    this,
    using,
    words,
)
from pygments.lexers import get_all_lexers, get_lexer_by_name
from pygments.token import Comment, Keyword, Name, Number, Punctuation, String, Text

from blog import fastlex, lexstates
from blog.fastlex import is_accelerated, lex

LANGUAGES = (
    *("python", "go", "bash", "sh", "console", "rust", "js", "ts", "c", "cpp", "java", "kotlin"),
    *("ruby", "php", "sql", "html", "css", "xml", "diff", "dockerfile", "ini", "toml", "make"),
    *("hcl", "terraform", "haskell", "lua", "elixir", "scala", "swift", "csharp", "powershell"),
    *("nginx", "yaml", "json"),
)

FALLBACK = ("yaml", "json")
"""An ExtendedRegexLexer and a hand-written lexer: these go through Pygments as they are (so do
lexers that wrap the base loop in their own ``get_tokens_unprocessed``: C, C++, PHP, Lua, ...)."""

ACCELERATED = ("python", "go", "bash", "rust", "js", "ts", "java", "sql", "html", "css", "toml")

SNIPPETS = {
    "python": "import os\nfrom x import (a,\n    b)\n\n@dec(1)\nclass A(B, metaclass=M):\n"
    '    """Doc."""\n    def f(self, x: int = 0x1F, *a, **k) -> str:\n'
    '        return f\'{x!r:>{w}} {self.y}\' + rb\'\\d\' + """m\nl"""  # c\n'
    "    async def g(): await h(); lambda: None\nmatch p:\n    case [1, *r]: pass\n",
    "go": 'package main\n\nimport (\n\t"fmt"\n)\n\ntype T struct{ A int `json:"a"` }\n\n'
    "func (t *T) M(ch <-chan int) error {\n\tx := `raw\nstring`\n\tr := 'c'\n"
    '\tfmt.Printf("%d\\n", 1e3+0x1f)\n\treturn nil // done\n}\n/* block */\n',
    "bash": "#!/bin/bash\nset -euo pipefail\ncat <<-EOF\n\thello $USER ${HOME:-/} $(date)\nEOF\n"
    "for f in *.md; do echo \"$f\" 'q' $'\\n' > /dev/null 2>&1; done\n"
    "x=$((1 + 2)); arr=(a b); echo ${arr[@]} `uname` | grep -E '^a' && exit 0\n",
    "rust": "#[derive(Debug)]\nstruct S<'a> { s: &'a str }\n"
    "fn main() -> Result<(), Box<dyn Error>> {\n"
    '    let s = r#"raw "q""#; let b = b\'x\'; let n = 1_000u32;\n'
    '    println!("{}", s); /* nested /* c */ */ Ok(())\n}\n',
    "js": "const a = `t ${b + `n ${c}`}`;\n/* c */ let re = /a\\/[/]b/gi, o = {x: 1, 'y': [2]};\n"
    "async function* g() { yield await f?.(a ?? b); }\nclass C extends D { #p = 1; }\n",
    "sql": "SELECT a, COUNT(*) FROM t WHERE b = 'x''y' AND c IN (1, 2) -- c\n/* b */ GROUP BY 1;\n",
    "html": '<!DOCTYPE html>\n<html><head><script>var a = "<b>";</script>'
    "<style>p { color: red; }</style></head>\n<body><!-- c --><p class=x>&amp;</p></body>\n",
    "diff": "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-old\n+new\n context\n",
    "console": "$ ls -la\ntotal 0\n# id\nuid=0(root)\n$ echo 'x' \\\n> && false\n",
}

GENERIC = (
    "",
    " ",
    "\n\n\n",
    "\t \t\n  \r\n",
    "x = 'unterminated\ny = \"also\n/* never closed\n",
    "((((([[[[{{{{ nested }}}}]]]])))))\n" * 3,
    "é = 'ünïcødé 中文 🙂'\n# κόσμε\n",
    "a\r\nb\rc\r\n\tindented\twith\ttabs\r\n",
    "}}}) end fi esac done ]] \"'`\\\n",
    "\x00\x1b[0m \ufeffbom\n",
)


def assert_same(lexer: Lexer, code: str) -> None:
    expected = list(lexer.get_tokens(code))
    assert list(lex(lexer, code)) == expected, (lexer.name, code)


def mutate(rng: random.Random, code: str) -> str:
    """Cut, duplicate or shuffle lines and characters: broken code walks the error paths."""
    for _ in range(rng.randint(1, 4)):
        unit = code.splitlines(keepends=True) if rng.random() < 0.5 else list(code)
        if not unit:
            return code
        i, j = sorted(rng.randrange(len(unit) + 1) for _ in range(2))
        op = rng.randrange(3)
        if op == 0:
            del unit[i:j]
        elif op == 1:
            unit[i:i] = unit[i:j]
        else:
            part = unit[i:j]
            rng.shuffle(part)
            unit[i:j] = part
        code = "".join(unit)
    return code


@pytest.mark.parametrize("language", LANGUAGES)
def test_same_tokens_as_pygments(language: str) -> None:
    lexer = get_lexer_by_name(language)
    if language in ACCELERATED or language in FALLBACK:
        assert is_accelerated(lexer) == (language in ACCELERATED)
    for code in (*SNIPPETS.values(), *GENERIC):
        assert_same(lexer, code)


@pytest.mark.parametrize("language", ["python", "go", "bash", "rust", "js"])
def test_same_tokens_on_mutated_code(language: str) -> None:
    lexer = get_lexer_by_name(language)
    rng = random.Random(f"fastlex-{language}")
    sources = (SNIPPETS[language], *SNIPPETS.values(), GENERIC[4], GENERIC[5])
    for _ in range(300):
        assert_same(lexer, mutate(rng, rng.choice(sources)))


def test_same_tokens_with_lexer_options_and_filters() -> None:
    code = "\n\n  def f():\r\n\treturn 'x'  \n\n"
    for options in ({}, {"stripall": True}, {"stripnl": False}, {"tabsize": 4}):
        assert_same(get_lexer_by_name("python", **options), code)
    lexer = get_lexer_by_name("python", ensurenl=False)
    lexer.add_filter("keywordcase", case="upper")
    lexer.add_filter("whitespace", spaces=True)
    assert_same(lexer, code)


def test_every_pygments_lexer() -> None:
    """Every lexer agrees, accelerated or not; most plain RegexLexers are accelerated."""
    accelerated = 0
    for _, aliases, _, _ in get_all_lexers():
        if not aliases:
            continue
        try:
            lexer = get_lexer_by_name(aliases[0])
        except Exception:
            continue
        accelerated += is_accelerated(lexer)
        for code in (SNIPPETS["python"], SNIPPETS["html"], GENERIC[4], GENERIC[5]):
            try:
                expected: object = list(lexer.get_tokens(code))
            except Exception as error:  # a few lexers raise on odd input: so must we
                expected = type(error)
            try:
                got: object = list(lex(lexer, code))
            except Exception as error:
                got = type(error)
            assert got == expected, (aliases[0], code)
    assert accelerated > 300


class Tricky(RegexLexer):
    """Every kind of rule and state change the loop handles, in one small lexer."""

    name = "tricky"
    tokens = {  # noqa: RUF012
        "root": [
            (r"\.\.\.", Punctuation),
            (r"(?i)select\b", Keyword),  # leading global flag: joined as a scoped group
            (r"(['\"])(.*?)(\1)", bygroups(String, String, String)),  # backreference: alone
            (r"(?P<n>\d+)", Number),  # named group: alone
            (r"(?x) \# [^\n]*  # a verbose rule ending in a comment", Comment),
            (words(("if", "else"), suffix=r"\b"), Keyword),
            (r"(\w+)(\s*)(\()", bygroups(Name.Function, Text, Punctuation), "args"),
            (r"\{", Punctuation, combined("block", "args")),
            (r"<", Punctuation, ("angle", "#push")),
            (r"\[", using(this, state="args")),
            (r"\w+", Name),
            (r"[ \t]+", Text),
        ],
        "args": [
            (r"\)", Punctuation, "#pop"),
            (r"\}", Punctuation, "#pop:2"),
            (r",", Punctuation, "#push"),
            include("root"),
        ],
        "block": [(r";", Punctuation), default("#pop")],
        "angle": [(r">", Punctuation, "#pop"), (r"[^>\n]+", Text)],
    }


def test_every_kind_of_rule_and_state_change() -> None:
    lexer = Tricky()
    assert is_accelerated(lexer)
    chunks = lexstates.tables(lexer)["root"].full
    assert [chunk.rule is None for chunk in chunks] == [True, False, False, True]
    rng = random.Random("tricky")
    code = "SELECT ... f(a, 'b' \"c\", g(1)) { ; } <<x> if> [y, 2] # c\n? ) } ( ,,\n{ <" * 2
    assert_same(lexer, code)
    for _ in range(300):
        assert_same(lexer, mutate(rng, code))


def test_joined_regex_keeps_each_rules_flags() -> None:
    class Flags(RegexLexer):
        flags = re.MULTILINE | re.DOTALL
        tokens = {  # noqa: RUF012
            "root": [
                (r"(?-s:a.)", Keyword),
                (r"^b.$", Name),
                (r"(?i)c.", String),
                (r"(?x) d \s . ", Number),
                (r".", Text),
            ]
        }

    lexer = Flags()
    assert len(lexstates.tables(lexer)["root"].full) == 1
    for code in ("a\nb\nC\nd \n\nx", "A\nbb\nc\r\nD  e"):
        assert_same(lexer, code)


def test_overriding_lexers_use_pygments_as_they_are() -> None:
    class Overriding(Tricky):
        def get_tokens_unprocessed(self, text, stack=("root",)):  # type: ignore[no-untyped-def]
            yield 0, Text, text

    lexer = Overriding()
    assert not is_accelerated(lexer)
    assert list(lex(lexer, "if x")) == [(Text, "if x\n")]


def test_only_a_pygments_release_whose_loop_we_mirror_is_sped_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another Pygments loop (a release not compared with ours) goes through Pygments."""
    assert fastlex.mirrors_pygments()  # the installed release is one of those compared
    assert fastlex.source_digest(Lexer.get_tokens_unprocessed) != fastlex.source_digest(
        RegexLexer.get_tokens_unprocessed
    )
    namespace: dict[str, object] = {}
    exec("def no_file(): return 1", namespace)  # a function whose source cannot be read
    assert fastlex.source_digest(namespace["no_file"]) not in {  # type: ignore[arg-type]
        loop for _, loop in fastlex.MIRRORED
    }
    python = get_lexer_by_name("python")
    monkeypatch.setattr(fastlex, "MIRRORED", frozenset())  # as if another release were here
    fastlex.mirrors_pygments.cache_clear()
    try:
        assert not is_accelerated(python)
        assert list(lex(python, "def f(): pass")) == list(python.get_tokens("def f(): pass"))
    finally:
        monkeypatch.undo()
        fastlex.mirrors_pygments.cache_clear()
    assert is_accelerated(python)
