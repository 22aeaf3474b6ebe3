"""Markdown to HTML as Hugo 0.168 (goldmark) renders it: the ``render`` stage.

One ``MarkdownIt`` per distinct ``MarkdownOptions`` (CommonMark plus tables, strikethrough,
GFM autolinks, footnotes, task lists, definition lists and heading attributes) is built once
and reused. ``render`` is a pure function of its arguments: it reads no file and returns a
picklable ``Rendered`` that holds no markdown-it object, so it can cross a process pool and be
cached per file.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from blog.emojify import emoji_plugin
from blog.errors import Diagnostic
from blog.fastblock import install_fast_block
from blog.fastcore import install_fast_core
from blog.fastinline import install_fast_text
from blog.fastrender import install_fast_render
from blog.headings import (
    Heading,
    assign_heading_ids,
    build_toc,
    collect_headings,
    parse_heading_attrs,
)
from blog.highlight import highlight_css, render_code_block, suggest_language
from blog.linkcontext import VISUALLY_HIDDEN, add_link_context, render_link_context
from blog.model import Link, TocEntry
from blog.summary import auto_summary_end, close_open_tags

MORE_DIVIDER = "<!--more-->"
"""Hugo's manual summary divider, recognised whether raw HTML is allowed or not."""

RAW_HTML_OMITTED = "<!-- raw HTML omitted -->"
"""What goldmark writes in place of raw HTML when ``unsafe`` is off."""

# NUL never survives markdown-it's normalisation (it becomes U+FFFD), so this marker cannot
# come from the input.
_DIVIDER_MARK = "\x00blog-more\x00"
_UNSAFE_SCHEMES = re.compile(r"^(?:javascript|vbscript|file|data):")
_CONTROL_AND_SPACE = re.compile(r"[\x00-\x20\x7f]+")
_ATTR_NAME = re.compile(r"^[A-Za-z_:][-A-Za-z0-9_:.]*$")
# The task-list plugin writes its checkboxes as inline HTML: these exact strings are ours, not
# the author's, and carry no script, so they are kept whatever ``unsafe`` says.
_TASK_CHECKBOXES = frozenset(
    {
        '<input class="task-list-item-checkbox" disabled="disabled" type="checkbox">',
        '<input class="task-list-item-checkbox" checked="checked" disabled="disabled" '
        'type="checkbox">',
    }
)
_TAG = re.compile(r"<[^>]*>")
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True, kw_only=True)
class MarkdownOptions:
    """How Markdown is rendered; one parser is built per distinct value."""

    unsafe: bool = False
    """Hugo's ``markup.goldmark.renderer.unsafe``: keep raw HTML instead of omitting it."""
    toc_start: int = 2
    """Hugo's ``markup.tableOfContents.startLevel``."""
    toc_end: int = 3
    """Hugo's ``markup.tableOfContents.endLevel``."""
    summary_length: int = 70
    """Hugo's ``summaryLength``: words in an automatic summary."""
    highlight: bool = True
    """Highlight fenced code with Pygments."""
    emoji: bool = False
    """Hugo's ``enableEmoji``: replace ``:smile:`` shortcodes in text with emoji."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Rendered:
    """A rendered page body and everything learnt while rendering it."""

    html: str
    """The body HTML."""
    summary: str
    """Summary HTML: before ``<!--more-->``, else Hugo's automatic summary."""
    summary_is_truncated: bool
    """Whether the summary is shorter than the body."""
    toc: tuple[TocEntry, ...]
    """Table of contents tree (levels ``toc_start`` to ``toc_end``)."""
    headings: tuple[Heading, ...]
    """Every ``h1``-``h6`` of the body, in order."""
    leading_h1: Heading | None
    """The body's first block when that is a level-1 heading."""
    word_count: int
    """Whitespace-separated words of the plain text (Hugo's ``.WordCount``)."""
    plain_text: str
    """The body as plain text (for a search index)."""
    links: tuple[Link, ...]
    """Every link and image target, with its file line."""
    diagnostics: tuple[Diagnostic, ...]
    """Warnings found while rendering."""


@dataclass(slots=True)
class _RenderContext:
    """Per-call state the render rules share through markdown-it's ``env``."""

    path: Path
    line_offset: int
    options: MarkdownOptions
    diagnostics: list[Diagnostic] = field(default_factory=list)


def render(
    text: str, *, options: MarkdownOptions, path: Path, line_offset: int = 0, math: bool = False
) -> Rendered:
    """Render a page body (the text after its front matter) to HTML and page data.

    Args:
        text: The Markdown body.
        options: Rendering options (the parser for them is built once and cached).
        path: The source file, for diagnostics.
        line_offset: File lines before the body: body line N is file line N + line_offset.
        math: Typeset TeX between math delimiters as MathML (the page's ``math: true``).
    """
    md = _parser(options, math=math)
    context = _RenderContext(path=path, line_offset=line_offset, options=options)
    env: dict[str, Any] = {"blog": context}
    tokens = md.parse(text, env)
    output = md.renderer.render(tokens, md.options, env)
    body, summary, is_truncated = _split_summary(output, options.summary_length)
    headings = collect_headings(tokens, line_offset)
    is_leading_h1 = bool(tokens) and tokens[0].type == "heading_open" and tokens[0].tag == "h1"
    plain = render_plain_text(body)
    return Rendered(
        html=body,
        summary=summary,
        summary_is_truncated=is_truncated,
        toc=build_toc(headings, options.toc_start, options.toc_end),
        headings=headings,
        leading_h1=headings[0] if is_leading_h1 else None,
        word_count=len(plain.split()),
        plain_text=plain,
        links=_collect_links(tokens, line_offset),
        diagnostics=tuple(context.diagnostics),
    )


@lru_cache(maxsize=16)
def _parser(options: MarkdownOptions, *, math: bool = False) -> MarkdownIt:
    """Return the configured parser for these options (built once per distinct options)."""
    md = configured_parser(options, math=math)
    install_fast_text(md)  # last: it stops where the rules enabled now may start
    install_fast_block(md)  # also last: it dispatches the block rules enabled now
    install_fast_render(md)
    install_fast_core(md)
    md.core.ruler.at("normalize", _normalize)
    md.normalizeLink = _plain_urls_as_they_are(md.normalizeLink)  # type: ignore[method-assign, assignment]
    md.normalizeLinkText = lru_cache(maxsize=8192)(md.normalizeLinkText)  # type: ignore[method-assign]
    return md


# No percent sign, at sign, brackets, backslash, space or other character markdown-it encodes,
# and no colon but that of an http(s) scheme: markdown-it's normalizeLink returns it unchanged.
_PLAIN_URL = re.compile(r"(?:https?://)?[A-Za-z0-9\-._~/?#=&+,;!$*'()]*")


def _plain_urls_as_they_are(normalize: Callable[[str], str]) -> Callable[[str], str]:
    """Return ``normalize`` cached, and skipped for a plain URL, which it would not change.

    It is a pure function of the URL (mdurl parse, punycode, percent-encoding): 0.05 s over
    the 7,000 different URLs of 1,000 posts, nearly all of them plain.
    """
    cached = lru_cache(maxsize=8192)(normalize)

    def normalize_link(url: str) -> str:
        return url if _PLAIN_URL.fullmatch(url) else cached(url)

    return normalize_link


def _normalize(state: StateCore) -> None:
    """Turn CR LF and CR into LF and NUL into U+FFFD, as markdown-it's ``normalize`` rule does.

    Its two regex substitutions cost 0.04 s over 1,000 posts that have neither.
    """
    src = state.src
    if "\r" in src:
        src = src.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in src:
        src = src.replace("\0", "\ufffd")
    state.src = src


def configured_parser(options: MarkdownOptions, *, math: bool = False) -> MarkdownIt:
    """Return a new parser for these options, without our fast paths (tests compare them)."""
    md = MarkdownIt("commonmark", {"xhtmlOut": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin).use(deflist_plugin)
    # Hugo turns on goldmark's linkify by default: bare URLs and emails become links.
    md.use(gfm_autolink_plugin)
    md.validateLink = _is_safe_link  # type: ignore[method-assign]
    md.core.ruler.after("block", "heading_attrs", _parse_safe_heading_attrs)
    md.core.ruler.after("inline", "heading_ids", assign_heading_ids)
    md.core.ruler.push("link_context", add_link_context)
    md.add_render_rule("link_context", render_link_context)
    md.add_render_rule("fence", _render_fence)
    md.add_render_rule("html_block", _render_html_block)
    md.add_render_rule("html_inline", _render_html_inline)
    if math:
        from blog.mathml import math_plugin  # here: 3 ms of every start, for pages with math

        md.use(math_plugin)
    if options.emoji:
        md.use(emoji_plugin)
    return md


def _is_safe_link(url: str) -> bool:
    """Return whether a link or image target may be emitted (no script or local schemes)."""
    return not _UNSAFE_SCHEMES.match(_CONTROL_AND_SPACE.sub("", url).lower())


def _parse_safe_heading_attrs(state: StateCore) -> None:
    """Read heading attribute blocks, then drop event handlers and malformed names (as Hugo)."""
    parse_heading_attrs(state)
    for token in state.tokens:
        if token.type == "heading_open" and token.attrs:
            token.attrs = {
                key: value
                for key, value in token.attrs.items()
                if _ATTR_NAME.match(key) and not key.lower().startswith("on")
            }


def _render_fence(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
) -> str:
    """Render a fenced code block, warning about a language Pygments does not know."""
    token = tokens[idx]
    context: _RenderContext = env["blog"]
    info = unescapeAll(token.info).strip()
    language = re.split(r"[\s{]", info, maxsplit=1)[0] if info else ""
    block = render_code_block(token.content, language, is_highlighted=context.options.highlight)
    if block.is_unknown_language:
        suggestion = suggest_language(language)
        hint = (
            f"did you mean '{suggestion}'?"
            if suggestion
            else "Pygments has no lexer of that name; the block is shown without highlighting"
        )
        context.diagnostics.append(
            Diagnostic(
                severity="warning",
                message=f"unknown code language '{language}'",
                path=context.path,
                line=token.map[0] + 1 + context.line_offset if token.map else None,
                hint=hint,
            )
        )
    return block.html


def _render_html_block(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
) -> str:
    """Render raw block HTML: kept when unsafe, else goldmark's omission comment."""
    return _render_raw_html(tokens[idx].content, env["blog"].options.unsafe, "\n")


def _render_html_inline(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: MutableMapping[str, Any]
) -> str:
    """Render raw inline HTML: kept when unsafe, else goldmark's omission comment."""
    content = tokens[idx].content
    if content in _TASK_CHECKBOXES:
        return content
    return _render_raw_html(content, env["blog"].options.unsafe, "")


def _render_raw_html(content: str, is_unsafe: bool, newline: str) -> str:
    """Return raw HTML as written or omitted, with any ``<!--more-->`` turned into the marker."""
    before, divider, after = content.partition(MORE_DIVIDER)
    if not divider:
        return content if is_unsafe else f"{RAW_HTML_OMITTED}{newline}"
    parts = []
    for piece in (before, after):
        if not piece.strip():
            parts.append("")
        else:
            parts.append(piece if is_unsafe else f"{RAW_HTML_OMITTED}{newline}")
    return f"{parts[0]}{_DIVIDER_MARK}{parts[1]}"


def _split_summary(output: str, summary_length: int) -> tuple[str, str, bool]:
    """Return the body without divider, the summary HTML and whether it is truncated."""
    before, divider, after = output.partition(_DIVIDER_MARK)
    if divider:
        body = before + after.replace(_DIVIDER_MARK, "")
        # A divider inside a paragraph (or a list): close it, as Hugo's summary does.
        summary = close_open_tags(before.strip())
        return body, summary, bool(after.replace(_DIVIDER_MARK, "").strip())
    end = auto_summary_end(output, summary_length)
    return output, close_open_tags(output[:end].strip()), bool(output[end:].strip())


_HIDDEN_CONTEXT = re.compile(re.escape(VISUALLY_HIDDEN) + r"[^<]*</span>")


def render_plain_text(body: str) -> str:
    """Return HTML as plain text the way Hugo's ``.Plain`` strips it, entities decoded.

    Paragraph ends and ``<br>`` become line breaks, other tags go, and so does the content of
    ``<script>`` and ``<style>`` elements.
    """
    text = _HIDDEN_CONTEXT.sub("", body) if VISUALLY_HIDDEN in body else body
    text = _SCRIPT_OR_STYLE.sub("", text)
    text = text.replace("\n", " ").replace("</p>", "\n").replace("<br>", "\n")
    text = html.unescape(_TAG.sub("", text))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _may_link(text: str) -> bool:
    """Whether inline text can hold a link.

    That takes a ``[`` (links, images, references), or an autolink's ``:`` (a scheme), ``@``
    (an email) or ``www.``; four scans in C are faster than one regex.
    """
    return "[" in text or ":" in text or "@" in text or "www." in text


def _collect_links(tokens: Sequence[Token], line_offset: int) -> tuple[Link, ...]:
    """Return every link and image target with the file line it is on."""
    links: list[Link] = []
    for token in tokens:
        if token.type == "inline" and token.children and _may_link(token.content):
            first = (token.map[0] if token.map else 0) + 1 + line_offset
            _collect_inline_links(token.children, first, links)
    return tuple(links)


def _collect_inline_links(children: Sequence[Token], line: int, links: list[Link]) -> int:
    """Append the links among inline tokens to ``links``; return the line after the last."""
    for token in children:
        if token.type in ("softbreak", "hardbreak"):
            line += 1
        elif token.type == "html_inline":
            line += token.content.count("\n")
        elif token.type == "link_open":
            links.append(Link(target=str(token.attrs.get("href", "")), line=line))
        elif token.type == "image":
            links.append(Link(target=str(token.attrs.get("src", "")), line=line, is_image=True))
            line = _collect_inline_links(token.children or [], line, links)
    return line


__all__ = [
    "MORE_DIVIDER",
    "RAW_HTML_OMITTED",
    "Heading",
    "MarkdownOptions",
    "Rendered",
    "auto_summary_end",
    "highlight_css",
    "render",
    "render_plain_text",
]
