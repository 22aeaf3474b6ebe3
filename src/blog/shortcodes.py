"""Hugo shortcodes in a page body: ``{{< name args >}}`` and ``{{% name %}}``. Pure.

``expand_shortcodes`` does what Hugo does before Markdown:

- ``{{< >}}`` output is HTML inserted as it is: the call becomes a placeholder token that
  survives Markdown as plain text, and ``finish_rendered`` puts the HTML in its place (a token
  alone in a paragraph replaces the whole ``<p>``, as in Hugo's output);
- ``{{% %}}`` output is Markdown: it replaces the call in the text and is rendered with the
  rest of the page (its headings join the table of contents);
- ``ref``/``relref`` write the ``.md`` path into the text, for the link stage to resolve;
- ``{{</* */>}}`` and ``{{%/* */%}}`` escapes become the shortcode's literal text.

Shortcodes inside code fences are expanded too, as Hugo does. The site's
``templates/shortcodes/NAME.html`` override the built-ins (``shortcode_templates``); an unknown
shortcode is a warning and stays visible as written. ``finish_rendered`` also maps the rendered
body's lines back to the file's.
"""

from __future__ import annotations

import dataclasses
import difflib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blog.errors import Diagnostic
from blog.markdown import MarkdownOptions, Rendered, render, render_plain_text
from blog.model import TocEntry
from blog.shortcode_builtins import BUILTINS, Call, PageInfo, Rendering, is_inline, render_inline
from blog.shortcode_parser import Shortcode, line_of, parse_shortcodes
from blog.shortcode_templates import (
    ShortcodeSettings,
    TemplateProblem,
    load_shortcode_settings,
    render_shortcode_template,
    shortcode_names,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Expanded:
    """A page body with its shortcodes expanded, ready for Markdown."""

    text: str
    """The body to render: ``{{% %}}`` output inline, ``{{< >}}`` calls as tokens."""
    placeholders: Mapping[str, str] = field(default_factory=dict)
    """Token → HTML to put in its place after rendering."""
    token_pattern: str = ""
    """A regular expression matching every token."""
    inline_tokens: frozenset[str] = frozenset()
    """Tokens that stay inside their paragraph (an unknown shortcode's visible text)."""
    line_map: tuple[int, ...] = ()
    """0-based body line of ``text`` → 0-based body line of the file; empty when the same."""
    line_offset: int = 0
    """File lines before the body."""
    path: Path | None = None
    """The content file."""
    diagnostics: tuple[Diagnostic, ...] = ()
    """Unknown shortcodes, unreadable tags, failed templates."""


_HEADING_LINE = re.compile(r"[ ]{0,3}#{1,6}(?:[ \t]|$)")
_SINGLE_PARAGRAPH = re.compile(r"\A<p>((?:(?!<p>).)*)</p>\n?\Z", re.DOTALL)


def expand_shortcodes(
    text: str,
    *,
    settings: ShortcodeSettings,
    markdown: MarkdownOptions,
    path: Path,
    line_offset: int = 0,
    title: str = "",
    params: Mapping[str, Any] | None = None,
) -> Expanded:
    """Expand the shortcodes of a page body (the text after its front matter).

    Args:
        text: The Markdown body.
        settings: The site's shortcode settings.
        markdown: Rendering options (for ``markdownify`` and highlighting).
        path: The content file, for diagnostics.
        line_offset: File lines before the body.
        title: The page's title, for templates.
        params: The page's front-matter values by lower-cased key (for ``param``).
    """
    if "{{<" not in text and "{{%" not in text:
        return Expanded(text=text, path=path, line_offset=line_offset)
    page = PageInfo(
        title=title,
        params=params or {},
        site_params=settings.site_params,
        is_highlighted=markdown.highlight,
        is_unsafe=markdown.unsafe,
    )
    expander = _Expander(text, settings, markdown, page, path, line_offset)
    calls, problems = parse_shortcodes(text)
    for problem in problems:
        expander.warn(problem.message, problem.offset, "close it with >}} (or %}} for {{%)")
    body, line_map = expander.expand_top(calls)
    return Expanded(
        text=body,
        placeholders=expander.placeholders,
        token_pattern=re.escape(expander.prefix) + r"\d{4,}X",
        inline_tokens=frozenset(expander.inline_tokens),
        line_map=tuple(line_map),
        line_offset=line_offset,
        path=path,
        diagnostics=tuple(expander.diagnostics),
    )


class _Expander:
    """The state of one body's expansion: tokens handed out and problems found."""

    def __init__(
        self,
        text: str,
        settings: ShortcodeSettings,
        markdown: MarkdownOptions,
        page: PageInfo,
        path: Path,
        line_offset: int,
    ) -> None:
        self.text, self.settings, self.markdown = text, settings, markdown
        self.page = page
        self.path, self.line_offset = path, line_offset
        self.placeholders: dict[str, str] = {}
        self.inline_tokens: set[str] = set()
        self.diagnostics: list[Diagnostic] = []
        self.prefix = "BLOGSHORTCODE"
        while self.prefix in text:
            self.prefix += "Z"
        self.names = shortcode_names(settings.site_templates, settings.templates_digest)

    def line(self, offset: int) -> int:
        """Return the file line of a body offset."""
        return line_of(self.text, offset) + 1 + self.line_offset

    def warn(self, message: str, offset: int, hint: str | None = None) -> None:
        """Record a warning at the line of a body offset."""
        self.diagnostics.append(
            Diagnostic(
                severity="warning",
                message=message,
                path=self.path,
                line=self.line(offset),
                hint=hint,
            )
        )

    def token(self, html_text: str, *, is_inline: bool = False) -> str:
        """Return a new placeholder token standing for ``html_text``."""
        token = f"{self.prefix}{len(self.placeholders):04d}X"
        self.placeholders[token] = html_text
        if is_inline:
            self.inline_tokens.add(token)
        return token

    def visible(self, start: int, end: int) -> str:
        """Return a token for the text of the body between two offsets, as written."""
        return self.token(html.escape(self.text[start:end]), is_inline=True)

    def expand_top(self, calls: list[Shortcode]) -> tuple[str, list[int]]:
        """Return the expanded body and its line map (expanded line → body line)."""
        pieces: list[str] = []
        line_map = [0]
        position = 0
        for call in calls:
            verbatim = self.text[position : call.tag.start]
            first = line_of(self.text, position)
            line_map.extend(first + k for k in range(1, verbatim.count("\n") + 1))
            start_line, end_line = line_of(self.text, call.tag.start), line_of(self.text, call.end)
            line_start = self.text.rfind("\n", 0, call.tag.start) + 1
            in_heading = bool(_HEADING_LINE.match(self.text, line_start))
            replacement = self.expand_call(call, as_text=in_heading)
            line_map.extend(
                min(start_line + k, end_line) for k in range(1, replacement.count("\n") + 1)
            )
            pieces += [verbatim, replacement]
            position = call.end
        rest = self.text[position:]
        line_map.extend(line_of(self.text, position) + k for k in range(1, rest.count("\n") + 1))
        pieces.append(rest)
        return "".join(pieces), line_map

    def expand_inner(self, call: Shortcode) -> str | None:
        """Return a call's inner text with the shortcodes inside it expanded."""
        if call.inner is None:
            return None
        pieces: list[str] = []
        position = call.inner_start
        for child in call.children:
            pieces += [self.text[position : child.tag.start], self.expand_call(child)]
            position = child.end
        pieces.append(self.text[position : call.inner_start + len(call.inner)])
        return "".join(pieces)

    def expand_call(self, call: Shortcode, *, as_text: bool = False) -> str:
        """Return what replaces a call in the text: Markdown, or a token for HTML."""
        tag = call.tag
        if tag.kind == "escaped":
            return tag.literal
        if tag.kind == "close":
            self.warn(
                f"closing shortcode tag '{tag.name}' without an opening one",
                tag.start,
                f"remove it, or open it earlier with {{{{< {tag.name} >}}}}",
            )
            return self.visible(tag.start, tag.end)
        inner = self.expand_inner(call)
        rendering = self.render(call, inner)
        if rendering is None:
            return self.unknown(call, inner)
        if rendering.is_markdown or as_text:
            return rendering.text
        return self.token(rendering.text)

    def unknown(self, call: Shortcode, inner: str | None) -> str:
        """Warn about an unknown shortcode; return its tags as visible text."""
        tag = call.tag
        close = difflib.get_close_matches(tag.name, sorted(self.known_names()), n=1)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else (f"add templates/shortcodes/{tag.name}.html to the site")
        )
        self.warn(f"unknown shortcode '{tag.name}'", tag.start, hint)
        opening = self.visible(tag.start, tag.end)
        if inner is None or call.inner is None:
            return opening
        closing_start = call.inner_start + len(call.inner)
        return opening + inner + self.visible(closing_start, call.end)

    def known_names(self) -> set[str]:
        """Return every shortcode name this site knows."""
        return set(self.names) | set(BUILTINS)

    def render(self, call: Shortcode, inner: str | None) -> Rendering | None:
        """Return a call's output; None for an unknown shortcode."""
        tag = call.tag
        info = Call(
            name=tag.name,
            args=tag.args,
            params=tag.params,
            inner=inner,
            is_markdown=tag.delimiter == "%",
            line=self.line(tag.start),
        )

        def report(message: str, hint: str | None) -> None:
            self.warn(message, tag.start, hint)

        site = self.settings.site_templates
        is_site_own = site is not None and (site / f"{tag.name}.html").is_file()
        if is_inline(tag.name) and not is_site_own:
            return render_inline(info, self.page, report)
        if tag.name in BUILTINS and not is_site_own:
            return BUILTINS[tag.name](info, self.page, report)
        if tag.name not in self.names:
            return None
        return self.render_template(info, tag.start)

    def render_template(self, call: Call, offset: int) -> Rendering | None:
        """Return the output of a template shortcode."""
        context = {
            "name": call.name,
            "args": list(call.args),
            "params": dict(call.params),
            "get": call.get,
            "inner": call.inner,
            "is_markdown": call.is_markdown,
            "page": {"title": self.page.title, "params": self.page.params},
            "site": {"params": self.page.site_params},
            "markdownify": lambda text, block=False: self.markdownify(text, call.line, block),
        }
        result = render_shortcode_template(
            call.name,
            context,
            site_templates=self.settings.site_templates,
            digest=self.settings.templates_digest,
        )
        if isinstance(result, TemplateProblem):
            self.diagnostics.append(
                Diagnostic(
                    severity="error",
                    message=result.message,
                    path=result.path or self.path,
                    line=result.line if result.path else self.line(offset),
                    hint=f"called from {self.path}:{call.line}",
                )
            )
            return Rendering(text="")
        if result is None:
            return None
        return Rendering(text=result, is_markdown=call.is_markdown)

    def markdownify(self, text: str, line: int, is_block: bool = False) -> str:
        """Render Markdown for a shortcode (Hugo's ``markdownify``).

        A single paragraph loses its ``<p>`` unless ``is_block`` (Hugo's ``RenderString``
        with ``display: block``).
        """
        rendered = render(text, options=self.markdown, path=self.path, line_offset=line - 1)
        self.diagnostics.extend(rendered.diagnostics)
        single = None if is_block else _SINGLE_PARAGRAPH.match(rendered.html)
        return single.group(1) if single else rendered.html


def finish_rendered(expanded: Expanded, rendered: Rendered) -> Rendered:
    """Return the rendered body with the shortcodes' HTML in place and file line numbers."""
    if not expanded.placeholders and not expanded.line_map and not expanded.diagnostics:
        return rendered
    diagnostics = (*expanded.diagnostics, *(_moved(expanded, d) for d in rendered.diagnostics))
    headings = tuple(
        dataclasses.replace(h, line=_file_line(expanded, h.line), text=_plain(expanded, h.text))
        for h in rendered.headings
    )
    result = dataclasses.replace(
        rendered,
        html=substitute(expanded, rendered.html),
        summary=substitute(expanded, rendered.summary),
        toc=tuple(_toc_entry(expanded, entry) for entry in rendered.toc),
        headings=headings,
        leading_h1=headings[0] if rendered.leading_h1 is not None else None,
        links=tuple(
            dataclasses.replace(link, line=_file_line(expanded, link.line))
            for link in rendered.links
        ),
        diagnostics=diagnostics,
    )
    if not expanded.placeholders:
        return result
    plain = render_plain_text(result.html)
    return dataclasses.replace(result, plain_text=plain, word_count=len(plain.split()))


def substitute(expanded: Expanded, text: str) -> str:
    """Replace each token by its HTML (a token alone in a paragraph replaces the paragraph)."""
    if not expanded.placeholders:
        return text
    alone = re.compile(rf"<p>({expanded.token_pattern})</p>")
    inline = re.compile(expanded.token_pattern)
    # Tokens inside a shortcode's output (nested calls) are replaced on the next round.
    for _ in range(32):
        if inline.search(text) is None:
            break
        text = alone.sub(lambda m: _alone(expanded, m), text)
        text = inline.sub(lambda m: expanded.placeholders.get(m.group(0), m.group(0)), text)
    return text


def _alone(expanded: Expanded, match: re.Match[str]) -> str:
    """Return the HTML of a token alone in a paragraph, or the paragraph for inline text."""
    token = match.group(1)
    if token in expanded.inline_tokens or token not in expanded.placeholders:
        return match.group(0)
    return expanded.placeholders[token]


def _plain(expanded: Expanded, text: str) -> str:
    """Return a plain text (a heading's) with each token replaced by its output's text."""
    if not expanded.placeholders or re.search(expanded.token_pattern, text) is None:
        return text
    return " ".join(render_plain_text(substitute(expanded, text)).split())


def _toc_entry(expanded: Expanded, entry: TocEntry) -> TocEntry:
    return dataclasses.replace(
        entry,
        title=_plain(expanded, entry.title),
        children=tuple(_toc_entry(expanded, child) for child in entry.children),
    )


def _file_line(expanded: Expanded, line: int) -> int:
    """Return the file line of a line of the expanded body (both 1-based, in the file)."""
    index = line - 1 - expanded.line_offset
    if not expanded.line_map or not 0 <= index < len(expanded.line_map):
        return line
    return expanded.line_map[index] + 1 + expanded.line_offset


def _moved(expanded: Expanded, diagnostic: Diagnostic) -> Diagnostic:
    if diagnostic.line is None or diagnostic.path != expanded.path:
        return diagnostic
    return dataclasses.replace(diagnostic, line=_file_line(expanded, diagnostic.line))


__all__ = ["Expanded", "ShortcodeSettings", "expand_shortcodes", "finish_rendered"]
__all__ += ["load_shortcode_settings", "substitute"]
