"""Faster HTML rendering for our markdown-it parsers: the same HTML, less generic machinery.

markdown-it renders every token through ``RendererHTML.render``, ``renderInline``,
``renderToken`` and ``renderAttrs``: a rule lookup, method calls and several string
concatenations per token, even for ``<em>``. ``FastRenderer.render`` writes the common tokens
itself: tags without attributes from strings made once per tag, text and attributes escaped with
markdown-it's own ``escapeHtml``, and the newlines after block tags by ``renderToken``'s rules
(hidden paragraphs of tight lists included).

A token type with a rule in ``self.rules`` is rendered by that rule, as markdown-it does. The
default rules for text, inline code, line breaks, code blocks and list items are written
directly only while the registered rule is still markdown-it's own method of this renderer.
If ``renderToken``, ``renderAttrs``, ``renderInline`` or ``renderInlineAsText`` is replaced (on
the renderer or in a subclass), or the options are not an ``OptionsDict``, ``render`` is
markdown-it's.

``install_fast_render`` (called by ``markdown._parser``) makes the parser's renderer a
``FastRenderer``. Tests compare the HTML with markdown-it's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

_METHODS = ("renderInline", "renderToken", "renderAttrs", "renderInlineAsText")
"""The methods markdown-it's ``render`` and default rules call; replaced, we render as it does."""

_OPENING: dict[str, str] = {}
"""``<tag>`` by tag, for tags without attributes (filled as tags are met)."""
_CLOSING: dict[str, str] = {}
"""``</tag>`` by tag."""
_CLOSING_LF: dict[str, str] = {}
"""``</tag>`` and a newline by tag, for block tags."""


def _remember(strings: dict[str, str], tag: str, template: str) -> str:
    """Return ``template`` filled with ``tag``, kept in ``strings`` for the next time."""
    html = strings[tag] = template.format(tag)
    return html


def _is_default(rules: Mapping[str, Any], name: str, renderer: RendererHTML) -> bool:
    """Return whether the rule for ``name`` is markdown-it's own method of ``renderer``."""
    rule = rules.get(name)
    return (
        getattr(rule, "__func__", None) is getattr(RendererHTML, name)
        and getattr(rule, "__self__", None) is renderer
    )


def _has_markdown_its_methods(renderer: RendererHTML) -> bool:
    """Return whether none of ``_METHODS`` is replaced on the renderer or its class."""
    cls, instance = type(renderer), vars(renderer)
    return all(
        name not in instance and getattr(cls, name) is getattr(RendererHTML, name)
        for name in _METHODS
    )


def _attrs(token: Token) -> str:
    """Return the token's attributes as ``RendererHTML.renderAttrs`` writes them."""
    html = ""
    for key, value in token.attrs.items():
        html += f' {escapeHtml(key)}="{escapeHtml(str(value))}"'
    return html


def _tag(tokens: Sequence[Token], idx: int, xhtml: bool) -> str:
    """Return what ``RendererHTML.renderToken`` returns for ``tokens[idx]``."""
    token = tokens[idx]
    if token.hidden:
        return ""
    nesting = token.nesting
    html = ("</" if nesting == -1 else "<") + token.tag
    if token.attrs:
        html += _attrs(token)
    if nesting == 0 and xhtml:
        html += " /"
    if not token.block:
        return html + ">"
    # A newline between a hidden paragraph (tight list) and the block tag opened after it.
    if nesting != -1 and idx and tokens[idx - 1].hidden:
        html = "\n" + html
    if nesting == 1 and idx + 1 < len(tokens):
        following = tokens[idx + 1]
        if (
            following.type == "inline"
            or following.hidden
            or (following.nesting == -1 and following.tag == token.tag)
        ):
            return html + ">"
    return html + ">\n"


class FastRenderer(RendererHTML):
    """markdown-it's HTML renderer with a faster ``render`` that gives the same HTML."""

    def render(self, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        """Render block tokens to HTML exactly as ``RendererHTML.render`` does."""
        if not isinstance(options, OptionsDict) or not _has_markdown_its_methods(self):
            return RendererHTML.render(self, tokens, options, env)
        rules = self.rules
        xhtml = bool(options["xhtmlOut"])
        is_text_default = _is_default(rules, "text", self)
        is_code_default = _is_default(rules, "code_inline", self)
        is_code_block_default = _is_default(rules, "code_block", self)
        is_list_item_default = _is_default(rules, "list_item_open", self)
        br = "<br />\n" if options.xhtmlOut else "<br>\n"
        hardbreak = br if _is_default(rules, "hardbreak", self) else None
        softbreak = (
            (br if options.breaks else "\n") if _is_default(rules, "softbreak", self) else None
        )
        # Without a task-list checkbox (no ``meta``), markdown-it's list item rule writes just
        # the tag.
        tag_rules = ("list_item_open",) if is_list_item_default else ()
        opening, closing, closing_lf = _OPENING, _CLOSING, _CLOSING_LF
        last = len(tokens) - 1
        # Inline children go straight into ``out``: the same string as joining each
        # ``renderInline`` first.
        out: list[str] = []
        append = out.append
        for i, token in enumerate(tokens):
            kind = token.type
            if kind == "inline":
                children = token.children
                if not children:
                    continue
                for j, child in enumerate(children):
                    kind = child.type
                    if kind == "text" and is_text_default:
                        append(escapeHtml(child.content))
                    elif kind in rules:
                        if kind == "code_inline" and is_code_default:
                            attrs = _attrs(child) if child.attrs else ""
                            append(f"<code{attrs}>{escapeHtml(child.content)}</code>")
                        elif kind == "softbreak" and softbreak is not None:
                            append(softbreak)
                        elif kind == "hardbreak" and hardbreak is not None:
                            append(hardbreak)
                        else:
                            append(rules[kind](children, j, options, env))
                    elif child.block or child.hidden:
                        append(_tag(children, j, xhtml))
                    elif child.nesting == 1:
                        if child.attrs:
                            append(f"<{child.tag}{_attrs(child)}>")
                        else:
                            append(opening.get(child.tag) or _remember(opening, child.tag, "<{}>"))
                    elif child.nesting == -1 and not child.attrs:
                        append(closing.get(child.tag) or _remember(closing, child.tag, "</{}>"))
                    else:
                        append(_tag(children, j, xhtml))
            elif kind in rules and (token.meta or kind not in tag_rules):
                if kind == "list_item_open" and is_list_item_default:
                    append(self._list_item_open(tokens, i, options, xhtml))
                elif kind == "code_block" and is_code_block_default:
                    attrs = _attrs(token) if token.attrs else ""
                    append(f"<pre{attrs}><code>{escapeHtml(token.content)}</code></pre>\n")
                else:
                    append(rules[kind](tokens, i, options, env))
            elif token.hidden:
                pass  # a paragraph of a tight list: renderToken writes nothing
            elif not token.block:
                append(_tag(tokens, i, xhtml))
            elif token.nesting == -1 and not token.attrs:
                append(closing_lf.get(token.tag) or _remember(closing_lf, token.tag, "</{}>\n"))
            elif token.nesting == 1:
                # renderToken's newlines: one before the tag after a hidden paragraph, none
                # after it when an inline, a hidden paragraph or its own closing tag follows.
                tag = token.tag
                if token.attrs:
                    html = f"<{tag}{_attrs(token)}>"
                else:
                    html = opening.get(tag) or _remember(opening, tag, "<{}>")
                if i and tokens[i - 1].hidden:
                    html = "\n" + html
                if i < last:
                    following = tokens[i + 1]
                    if (
                        following.type == "inline"
                        or following.hidden
                        or (following.nesting == -1 and following.tag == tag)
                    ):
                        append(html)
                        continue
                append(html + "\n")
            else:
                append(_tag(tokens, i, xhtml))
        return "".join(out)

    def _list_item_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, xhtml: bool
    ) -> str:
        """Return what ``RendererHTML.list_item_open`` returns (a task-list checkbox too)."""
        token = tokens[idx]
        html = _tag(tokens, idx, xhtml)
        if token.meta and "checked" in token.meta:
            checked = ' checked=""' if token.meta["checked"] else ""
            disabled = "" if options.get("tasklists_editable", False) else ' disabled=""'
            html += f'<input class="task-list-item-checkbox"{disabled} type="checkbox"{checked}> '
        return html


def install_fast_render(md: MarkdownIt) -> bool:
    """Make ``md``'s renderer a ``FastRenderer``; return whether it is one now.

    Only a plain ``RendererHTML`` is converted (its rules, plugins' included, stay as they
    are); another renderer class is left alone.
    """
    renderer = md.renderer
    if type(renderer) is RendererHTML:
        renderer.__class__ = FastRenderer
    return isinstance(renderer, FastRenderer)


__all__ = ["FastRenderer", "install_fast_render"]
