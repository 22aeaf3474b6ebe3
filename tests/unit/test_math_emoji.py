"""Math typeset to MathML at build time (pages with ``math: true``) and emoji shortcodes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from blog.emojify import emojify
from blog.markdown import MarkdownOptions, Rendered, render
from blog.mathml import sanitize_mathml, tex_to_mathml
from tests.conftest import shared_path

PATH = Path("post.md")


def papermod(name: str) -> Path:
    """Return a post of the PaperMod demo (the test is skipped without ../shared)."""
    return shared_path("corpora", "papermod-demo", "content", "posts", name)


def md(text: str, *, math: bool = False, emoji: bool = False, offset: int = 0) -> Rendered:
    return render(
        text, options=MarkdownOptions(emoji=emoji), path=PATH, line_offset=offset, math=math
    )


def body_of(path: Path) -> tuple[str, int]:
    """Return a content file's body and the lines before it (YAML front matter)."""
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return body, front.count("\n") + 2


# --- math -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "display"),
    [
        ("Inline $a^2+b^2=c^2$ here.", "inline"),
        (r"Inline \(a^2+b^2=c^2\) here.", "inline"),
        ("Display $$a^2+b^2=c^2$$ in a paragraph.", "block"),
        ("$$\na^2+b^2=c^2\n$$\n", "block"),
        ("\\[\na^2+b^2=c^2\n\\]\n", "block"),
    ],
)
def test_hugo_passthrough_delimiters_become_mathml(source: str, display: str) -> None:
    out = md(source, math=True)
    assert out.diagnostics == ()
    assert f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="{display}">' in out.html
    assert "<msup><mi>a</mi><mn>2</mn></msup>" in out.html
    assert "$" not in out.html and "\\(" not in out.html and "\\[" not in out.html


def test_papermod_math_post_block_formula_is_mathml() -> None:
    body, offset = body_of(papermod("math-typesetting.md"))
    out = md(body, math=True, offset=offset)
    assert out.diagnostics == ()
    assert out.html.count('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">') == 1
    assert "<mi>φ</mi>" in out.html and "<mfrac>" in out.html


def test_without_math_dollars_and_brackets_stay_text() -> None:
    out = md(r"Costs $5, or $a$, or \(x\).", math=False)
    assert out.html == "<p>Costs $5, or $a$, or (x).</p>\n"  # \( is a Markdown escape


def test_prices_and_code_are_not_math() -> None:
    out = md("It costs $5 and $6.\n\n`$x$` and\n\n```\n$$y$$\n```\n", math=True)
    assert "<math" not in out.html
    assert "It costs $5 and $6." in out.html
    assert "<code>$x$</code>" in out.html and "$$y$$" in out.html


@pytest.mark.parametrize(
    ("source", "line", "problem", "shown"),
    [
        ("Text.\n\nBad $x^$ here.", 13, "missing super script or subscript in 'x^'", "x^"),
        ("One\ntwo $\\foo + 1$.", 12, "unknown TeX command \\foo", "\\foo + 1"),
        ("Text.\n\n$$\n\\left( x\n$$\n", 13, "in '\\left( x'", "\\left( x"),
    ],
)
def test_a_formula_that_fails_is_a_warning_at_its_line_and_stays_as_code(
    source: str, line: int, problem: str, shown: str
) -> None:
    out = md(source, math=True, offset=10)
    assert [(d.severity, d.path, d.line) for d in out.diagnostics] == [("warning", PATH, line)]
    assert problem in out.diagnostics[0].message
    assert f'<code class="math-error">{shown}</code>' in out.html


@pytest.mark.parametrize(
    "tex",
    [
        r"\text{<script>alert(1)</script>}",
        r"\text{</math><script>alert(1)</script>}",
        r"\href{javascript:alert(1)}{x}",
        r"\style{background:url(x)}{y}",
        r'\color{red" onclick="alert(1)}{a}',
    ],
)
def test_formulas_carry_no_script_link_or_style(tex: str) -> None:
    mathml, problem = tex_to_mathml(tex, display=False)
    assert problem is None
    assert "<script" not in mathml and "</math><" not in mathml
    assert not re.search(r"\s(href|style|on\w+)=\"", mathml), mathml
    assert mathml.endswith("</math>")


def test_sanitizer_escapes_text_and_closes_what_it_opened() -> None:
    assert sanitize_mathml("<math><mi>&</mi><mrow>") == "<math><mi>&amp;</mi><mrow></mrow></math>"


def test_mathml_is_valid_html(tmp_path: Path) -> None:
    from tests.integration.test_html_valid import vnu_errors

    body, offset = body_of(papermod("math-typesetting.md"))
    sources = [
        body,
        r"Inline $\sum_{i=0}^n i^2 = \frac{n(n+1)(2n+1)}{6}$ and \(\sqrt[3]{x}\), "
        r"$\mathbb{R}$, $\left( \frac{a}{b} \right)$, $a \, b$, $x \in \{1, 2\}$",
        "$$\n\\begin{pmatrix}a & b \\\\ c & d\\end{pmatrix} \\cdot \\vec{v} = \\hat{w}\n$$\n",
        r"\[ \int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2} \] and $$\overline{z} \neq 0$$",
        r"Bad $x^$ and $\text{a & b <i>}$.",
    ]
    html = "".join(md(s, math=True, offset=offset).html for s in sources)
    page = tmp_path / "math.html"
    page.write_text(
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Math</title>'
        f"</head><body><main>{html}</main></body></html>\n",
        encoding="utf-8",
    )
    assert html.count("<math ") == 11, html
    assert vnu_errors([page]) == []


# --- emoji ------------------------------------------------------------------------------


def test_the_names_of_hugos_emoji_post_resolve() -> None:
    text = papermod("emoji-support.md").read_text(encoding="utf-8")
    names = set(re.findall(r"<code>:([a-z_]+):</code>", text))
    assert names == {"see_no_evil", "hear_no_evil", "speak_no_evil"}
    assert emojify(" ".join(f":{n}:" for n in sorted(names))) == "🙉 🙈 🙊"


@pytest.mark.parametrize(
    ("name", "char"),
    [("smile", "😄"), ("+1", "👍"), ("thumbsup", "👍"), ("heart", "❤️"), ("tada", "🎉"),
     ("rocket", "🚀"), ("white_check_mark", "✅"), ("-1", "👎"), ("laughing", "😆")],
)  # fmt: skip
def test_github_names_resolve(name: str, char: str) -> None:
    assert emojify(f":{name}:") == char


def test_emoji_shortcodes_become_emoji_in_text_only() -> None:
    source = (
        "# Done :tada:\n\nHi :smile: `:smile:` [ok :+1:](https://x.org/:smile:) "
        ":not_an_emoji: 10:30:00\n\n![a :cat:](cat.png)\n\n```\n:smile:\n```\n"
    )
    out = md(source, emoji=True)
    assert '<h1 id="done-tada">Done 🎉</h1>' in out.html  # Hugo's id, from the text as typed
    assert "<p>Hi 😄 <code>:smile:</code>" in out.html
    assert '<a href="https://x.org/:smile:">ok 👍</a>' in out.html
    assert ":not_an_emoji: 10:30:00" in out.html
    assert 'alt="a 🐱"' in out.html
    assert "<code>:smile:\n</code>" in out.html


def test_emoji_is_off_unless_the_site_enables_it() -> None:
    assert md("Hi :smile:").html == "<p>Hi :smile:</p>\n"


# --- through a build (once pages.py and build.py pass the settings) ----------------------


def _build_passes_math() -> bool:
    from blog.pages import PageSettings

    return "math" in PageSettings.__dataclass_fields__


SITE = {
    "content/posts/math.md": "---\ntitle: Math\ndate: 2024-01-01\nmath: true\n---\n"
    "Euler: $e^{i\\pi} + 1 = 0$ :tada:\n\n$$\n\\frac{1}{2}\n$$\n",
    "content/posts/prices.md": "---\ntitle: Prices\ndate: 2024-01-02\n---\n"
    "From $5 to $6, or $x$ :smile: `:smile:`\n",
}


@pytest.mark.skipif(not _build_passes_math(), reason="pages.py does not pass math yet")
@pytest.mark.parametrize("site_math", [False, True])
def test_site_builds_math_pages_and_emoji(tmp_path: Path, site_math: bool) -> None:
    from blog.build import BuildOptions, build
    from tests.integration.test_html_valid import vnu_errors

    config = "baseURL: https://example.org/\ntitle: M\nenableEmoji: true\n"
    files = {"config.yaml": config + ("params:\n  math: true\n" if site_math else ""), **SITE}
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    result = build(tmp_path, BuildOptions(use_cache=False))
    assert result.ok, result.diagnostics
    math = (result.out_dir / "posts" / "math" / "index.html").read_text(encoding="utf-8")
    prices = (result.out_dir / "posts" / "prices" / "index.html").read_text(encoding="utf-8")
    assert math.count("<math ") == 2 and "🎉" in math
    assert "From $5 to $6, or " in prices and "😄 <code>:smile:</code>" in prices
    assert ("<math " in prices) is site_math  # $x$ is math only where math is on
    assert vnu_errors([result.out_dir / "posts" / "math" / "index.html"]) == []
