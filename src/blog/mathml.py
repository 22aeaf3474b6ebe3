r"""TeX math typeset to MathML at build time, for pages that set ``math: true``.

Hugo leaves math to a script (PaperMod's docs load KaTeX from a CDN) and keeps the TeX
between its passthrough delimiters untouched: ``$$…$$`` and ``\[…\]`` for display math,
``\(…\)`` and ``$…$`` inline. We parse the same delimiters with mdit-py-plugins
(``dollarmath`` and ``texmath``) and convert the TeX with latex2mathml, so the page needs no
script: every current browser renders MathML. A formula that does not convert is a warning
at its line, and its TeX is shown as code.

``$`` follows Pandoc's rule so that prices stay text: the opening ``$`` has no space after it,
the closing one no space before it and no digit after it (``$5 and $6`` is not math).
"""

from __future__ import annotations

import html
import re
from collections.abc import MutableMapping, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.texmath.index import make_block_func, make_inline_func
from mdit_py_plugins.texmath.index import rules as texmath_rules

from blog.errors import Diagnostic

_INLINE = frozenset({"math_inline"})
_DISPLAY = frozenset({"math_inline_double", "math_block"})
_UNKNOWN_COMMAND = re.compile(r"<m[ino]>(\\[A-Za-z]+)</m[ino]>")
_ELEMENTS = frozenset(
    {"math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msub", "msup", "msubsup",
     "munder", "mover", "munderover", "mfrac", "msqrt", "mroot", "mstyle", "mtable", "mtr",
     "mtd", "mlabeledtr", "menclose", "mpadded", "mphantom", "merror", "mfenced",
     "mmultiscripts", "mprescripts", "none", "semantics", "annotation"}
)  # fmt: skip
_ATTRIBUTES = frozenset(
    {"xmlns", "display", "mathvariant", "stretchy", "fence", "form", "separator", "symmetric",
     "largeop", "movablelimits", "accent", "accentunder", "lspace", "rspace", "minsize",
     "maxsize", "width", "height", "depth", "linethickness", "displaystyle", "scriptlevel",
     "columnalign", "columnlines", "columnspacing", "rowalign", "rowlines", "rowspacing",
     "frame", "framespacing", "equalrows", "equalcolumns", "notation", "mathcolor",
     "mathbackground", "mathsize", "voffset", "align", "open", "close", "separators",
     "columnspan", "rowspan", "encoding"}
)  # fmt: skip
"""The MathML latex2mathml writes; anything else (``\\href``, ``\\style``, tags typed into
``\\text{}``) is dropped or shown as text, so a formula can carry no script or link."""


class _Context(Protocol):
    """What the renderer keeps in ``env["blog"]`` (markdown's ``_RenderContext``)."""

    path: Path
    line_offset: int
    diagnostics: list[Diagnostic]


# texmath's bracket rules, registered here rather than through ``texmath_plugin``: its block
# rule would drop the text after a ``\]`` that does not end its line, so such a formula is
# left to an inline rule (display math inside the paragraph, like ``$$…$$`` there).
_BRACKETS: Any = texmath_rules["brackets"]
_BRACKET_INLINE: Any = _BRACKETS["inline"][0]
_BRACKET_BLOCK: Any = next(r for r in _BRACKETS["block"] if r["name"] == "math_block")
_BRACKET_DISPLAY: Any = {
    "name": "math_inline_double",
    "rex": re.compile(r"^\\\[(.+?)\\\]", re.DOTALL),
    "tmpl": "{0}",
    "tag": "\\[",
}
_BRACKET_BLOCK_RULE = make_block_func(_BRACKET_BLOCK)


def _bracket_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    r"""Take ``\[…\]`` as a block when nothing follows the ``\]`` on its line."""
    begin = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("\\[", begin):
        return False
    found = _BRACKET_BLOCK["rex"].match(state.src[begin:])
    if found is None or state.src[begin + found.end() :].split("\n", 1)[0].strip():
        return False
    return bool(_BRACKET_BLOCK_RULE(state, start, end, silent))


def math_plugin(md: MarkdownIt) -> None:
    """Parse Hugo's passthrough math delimiters and render them as MathML."""
    md.inline.ruler.before("escape", "math_bracket", make_inline_func(_BRACKET_INLINE))
    md.inline.ruler.before("escape", "math_bracket_display", make_inline_func(_BRACKET_DISPLAY))
    md.block.ruler.before("fence", "math_bracket_block", _bracket_block)
    md.use(
        dollarmath_plugin,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        double_inline=True,
    )
    md.core.ruler.after("inline", "math_lines", _locate_inline_math)
    for name in _INLINE | _DISPLAY:
        md.add_render_rule(name, _render_math)


def _locate_inline_math(state: StateCore) -> None:
    """Give inline math tokens the line they are on (markdown-it maps blocks only)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children or not block.map:
            continue
        line = block.map[0]
        for token in block.children:
            if token.type in ("softbreak", "hardbreak"):
                line += 1
            elif token.type in _INLINE | _DISPLAY:
                token.map = [line, line + 1]
                line += token.content.count("\n")
            elif token.type in ("text", "html_inline", "code_inline"):
                line += token.content.count("\n")


def _render_math(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
) -> str:
    """Render one formula as MathML, or as code with a warning when it does not convert."""
    token = tokens[idx]
    is_display = token.type in _DISPLAY
    tex = token.content.strip()
    mathml, problem = tex_to_mathml(tex, display=is_display)
    if problem is None:
        return f"{mathml}\n" if token.block else mathml
    context: _Context = env["blog"]
    context.diagnostics.append(
        Diagnostic(
            severity="warning",
            message=f"cannot typeset math: {problem}",
            path=context.path,
            line=token.map[0] + 1 + context.line_offset if token.map else None,
            hint="the formula is shown as TeX code; check its braces and commands",
        )
    )
    code = f'<code class="math-error">{html.escape(tex)}</code>'
    return f"<pre>{code}</pre>\n" if token.block else code


def tex_to_mathml(tex: str, *, display: bool) -> tuple[str, str | None]:
    """Return the MathML of a TeX formula and None, or ("", the problem) when it fails."""
    if not tex:
        return "", "the formula is empty"
    from latex2mathml.converter import convert  # here: only pages with math pay for loading it

    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises bare Exception subclasses, and others
        return "", f"{_reason(exc)} in {_shorten(tex)}"
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown is not None:
        return "", f"unknown TeX command {unknown.group(1)} in {_shorten(tex)}"
    return sanitize_mathml(mathml), None


def _shorten(tex: str) -> str:
    """Return a formula for a message: one line, at most 60 characters, quoted."""
    flat = " ".join(tex.split())
    return f"'{flat if len(flat) <= 60 else flat[:57] + '...'}'"


def _reason(exc: Exception) -> str:
    """Return latex2mathml's error as words (its exceptions often carry no message)."""
    if str(exc):
        return str(exc)
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(exc).__name__).lower()
    return words.removesuffix(" error")


class _Sanitizer(HTMLParser):
    """Re-serialise MathML keeping only known elements and attributes, text escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], end: str) -> None:
        if tag not in _ELEMENTS:
            self.out.append(html.escape(self.get_starttag_text() or ""))
            return
        kept = "".join(
            f' {name}="{html.escape(value or "")}"' for name, value in attrs if name in _ATTRIBUTES
        )
        self.out.append(f"<{tag}{kept}{end}>")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, "")
        if tag in _ELEMENTS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, "/")

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.out.append(f"</{self.open.pop()}>")
        else:  # typed into \\text{}: an end tag that closes nothing it opened
            self.out.append(html.escape(f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))


def sanitize_mathml(mathml: str) -> str:
    """Return MathML with only MathML elements and presentation attributes, text escaped."""
    sanitizer = _Sanitizer()
    sanitizer.feed(mathml)
    sanitizer.close()
    return "".join(sanitizer.out) + "".join(f"</{tag}>" for tag in reversed(sanitizer.open))
