"""The shortcodes written in Python: ``highlight``, ``ref``, ``relref``, ``param``, inline ones.

The HTML-only built-ins (``figure``, ``youtube``, ``collapse``, …) are Jinja templates in
``theme/templates/shortcodes/``, which a site overrides file by file; these need code.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from blog.highlight import render_code_block, suggest_language


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """One shortcode call, as a built-in or a template sees it."""

    name: str
    """The shortcode's name."""
    args: tuple[str, ...] = ()
    """Positional arguments."""
    params: Mapping[str, str] = field(default_factory=dict)
    """Named arguments."""
    inner: str | None = None
    """The text between the tags (nested shortcodes expanded), raw; None when unpaired."""
    is_markdown: bool = False
    """Whether it was called as ``{{% %}}`` (its output is then rendered as Markdown)."""
    line: int = 0
    """1-based file line of the call."""

    def get(self, key: str | int, default: str = "") -> str:
        """Return a named argument, or a positional one by index (Hugo's ``.Get``)."""
        if isinstance(key, int):
            return self.args[key] if 0 <= key < len(self.args) else default
        return self.params.get(key, default)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rendering:
    """What a shortcode produced."""

    text: str
    """HTML, or Markdown when ``is_markdown``."""
    is_markdown: bool = False
    """Insert the text into the page's Markdown instead of as finished HTML."""


Report = Callable[[str, str | None], None]
"""Record a warning at the call's line: ``report(message, hint)``."""
Markdownify = Callable[[str, int], str]
"""Render Markdown (starting at a file line) to HTML; one paragraph loses its ``<p>``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PageInfo:
    """What shortcodes may read of the page they are on."""

    title: str = ""
    """The page title ("" when the front matter has none)."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """Front-matter values by lower-cased key (Hugo's ``.Page.Params``)."""
    site_params: Mapping[str, Any] = field(default_factory=dict)
    """The site's ``params`` by lower-cased key (Hugo's ``.Site.Params``)."""
    is_highlighted: bool = True
    """Whether code is highlighted with Pygments."""
    is_unsafe: bool = False
    """Whether raw HTML is allowed (``markup.goldmark.renderer.unsafe``)."""


Builtin = Callable[[Call, PageInfo, Report], Rendering]


def render_highlight(call: Call, page: PageInfo, report: Report) -> Rendering:
    """Return Hugo's ``highlight``: the inner text as a code block in the named language."""
    language = call.get(0) or call.get("lang")
    code = (call.inner or "").strip("\r\n") + "\n"
    block = render_code_block(code, language, is_highlighted=page.is_highlighted)
    if block.is_unknown_language:
        suggestion = suggest_language(language)
        report(
            f"unknown code language '{language}'",
            f"did you mean '{suggestion}'?" if suggestion else "the code is shown unhighlighted",
        )
    return Rendering(text=block.html.rstrip("\n"))


def render_ref(call: Call, page: PageInfo, report: Report) -> Rendering:
    """Return the ``.md`` target of ``ref``/``relref``, for the link stage to resolve.

    The output goes into the Markdown text, so ``[text]({{< ref "x" >}})`` is a link to
    ``x.md`` that the build rewrites to the page's URL and checks like any other link.
    """
    target = call.get(0) or call.get("path")
    if not target:
        report(f"the {call.name} shortcode needs a path", 'write {{< ref "posts/x.md" >}}')
        return Rendering(text="", is_markdown=True)
    path, hash_, fragment = target.partition("#")
    if path:
        if not path.endswith((".md", ".markdown")):
            path = path.rstrip("/") + ".md"
        # Hugo tries a path with a folder from the page first, then from content/; the link
        # stage knows only one: content/ is by far the usual meaning.
        if "/" in path and not path.startswith(("/", "./", "../")):
            path = "/" + path
    return Rendering(text=f"{path}{hash_}{fragment}", is_markdown=True)


def render_param(call: Call, page: PageInfo, report: Report) -> Rendering:
    """Return Hugo's ``param``: a page parameter, else the site's (dotted keys go deeper)."""
    key = call.get(0) or call.get("name")
    if not key:
        report("the param shortcode needs a parameter name", 'write {{< param "author" >}}')
        return Rendering(text="")
    for source in (page.params, page.site_params):
        value = _lookup(source, key)
        if value is not None and value != "":
            return Rendering(text=html.escape(_as_text(value)))
    report(f"param '{key}' not found in the page or the site params", None)
    return Rendering(text="")


def _lookup(source: Mapping[str, Any], key: str) -> Any:
    value: Any = source
    for part in key.lower().split("."):
        if not isinstance(value, Mapping):
            return None
        found = {str(k).lower(): v for k, v in value.items()}
        if part not in found:
            return None
        value = found[part]
    return value


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + " ".join(_as_text(v) for v in value) + "]"
    return str(value)


_GO_ACTION = re.compile(r"\{\{-?.*?-?\}\}", re.DOTALL)


def render_inline(call: Call, page: PageInfo, report: Report) -> Rendering:
    """Return an inline shortcode's body (``{{< x.inline >}}…{{< /x.inline >}}``).

    Its body is a Go template, which we cannot run: the text is kept with the ``{{ … }}``
    actions removed, so conditions count as true. It is raw HTML, so it is kept only when
    the site allows raw HTML, as Hugo keeps it only with ``enableInlineShortcodes``.
    """
    if call.inner is None:
        return Rendering(text="")
    if not page.is_unsafe:
        report(
            f"inline shortcode '{call.name}' left out",
            "its body is raw HTML: allow it with markup.goldmark.renderer.unsafe: true",
        )
        return Rendering(text="")
    if _GO_ACTION.search(call.inner):
        report(
            f"inline shortcode '{call.name}': Go template actions are not run",
            "its text is kept with the {{ … }} actions removed; move the logic to a "
            "template in templates/shortcodes/",
        )
    return Rendering(text=_GO_ACTION.sub("", call.inner).strip("\n"))


BUILTINS: Mapping[str, Builtin] = {
    "highlight": render_highlight,
    "ref": render_ref,
    "relref": render_ref,
    "param": render_param,
}
"""The built-ins written in Python, by name."""


def is_inline(name: str) -> bool:
    """Whether a name is an inline shortcode's (Hugo's ``name.inline``)."""
    return name.endswith(".inline")
