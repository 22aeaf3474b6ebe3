"""Shortcodes in whole sites: every built-in and a site's own, valid HTML, and both corpora."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import build_site
from tests.corpora import build_corpus
from tests.integration.test_html_valid import vnu_errors

SITE = """
-- config.yaml --
baseURL: https://example.org/
title: Shortcodes
params: {author: Site Author}
markup: {goldmark: {renderer: {unsafe: true}}}
-- templates/shortcodes/notice.html --
{% set body = markdownify(inner or "", block=True) %}
<aside class="notice notice-{{ get("kind") or "info" }}">{{ body }}</aside>
-- templates/shortcodes/hello.html --
Hello, **{{ get(0) }}** from {{ page.title }}.
-- content/posts/other.md --
---
title: Other
date: 2024-01-01
---
## Target
-- content/posts/all.md --
---
title: Every shortcode
date: 2024-01-02
---
Intro by {{< param author >}}, see [the other post]({{< ref "posts/other.md#target" >}}).

{{< figure src="/img/a.png" alt="A picture" caption="A *caption*" width="10" height="10" >}}

{{< highlight python >}}
print("hi")
{{< /highlight >}}

{{< details summary="More" >}}
Hidden **text**.
{{< /details >}}

{{< collapse summary="**Collapsed**" >}}
Inner text.
{{< /collapse >}}

{{< youtube hjD9jTi_DQ4 >}}

{{< vimeo 152985022 >}}

{{< gist KaeruCT 6488745 >}}

{{< x user="GoHugoIO" id="1305090583917203457" >}}

{{< tweet user="GoHugoIO" id="1305090583917203457" >}}

{{< instagram DBHw3t6A6a4 >}}

A logo {{< inTextImg url="/img/a.png" height="14" alt="logo" >}} in text.

{{< video src="/v.webm" >}}

{{< audio src="/a.ogg" >}}

{{< notice kind="tip" >}}
A **tip**.
{{< /notice >}}

{{% hello World %}}

```md
{{</* youtube ID */>}}
```
"""


def leftover_shortcodes(page: str) -> list[str]:
    """Return the shortcode tags a page still shows outside code (escaped examples are fine)."""
    if "BLOGSHORTCODE" in page:
        return ["a placeholder token"]
    text = re.sub(r"<(pre|code|script)\b.*?</\1>", "", page, flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return re.findall(r"\{\{[<%].{0,40}", text)


def test_every_builtin_and_a_site_shortcode(make_site: Callable[..., Path]) -> None:
    site = make_site(SITE)
    result = build_site(site)
    assert result.ok, result.diagnostics
    assert not [d for d in result.diagnostics if "shortcode" in d.message]
    page = (site / "public" / "posts" / "all" / "index.html").read_text(encoding="utf-8")
    assert leftover_shortcodes(page) == []
    assert "{{<" not in page and "{{%" not in page
    assert "Intro by Site Author" in page
    assert 'href="/posts/other/#target"' in page
    assert '<aside class="notice notice-tip"><p>A <strong>tip</strong>.</p>' in page
    assert "Hello, <strong>World</strong> from Every shortcode." in page
    assert "youtube-nocookie.com/embed/hjD9jTi_DQ4" in page
    assert "{{&lt; youtube ID &gt;}}" in page
    files = sorted((site / "public").rglob("*.html"))
    assert vnu_errors(files) == []


def test_unknown_shortcode_is_a_warning_at_its_line(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/a.md": "---\ntitle: A\n---\n\ntext\n\n{{< figur src=x >}}\n"})
    result = build_site(site)
    assert result.ok
    (diag,) = [d for d in result.diagnostics if "shortcode" in d.message]
    assert (diag.path.name if diag.path else None, diag.line) == ("a.md", 7)
    assert diag.message == "unknown shortcode 'figur'"
    assert diag.hint == "did you mean 'figure'?"


def test_editing_a_site_shortcode_rerenders_the_page(make_site: Callable[..., Path]) -> None:
    site = make_site(SITE)
    assert build_site(site).ok
    (site / "templates" / "shortcodes" / "hello.html").write_text("Bye, {{ get(0) }}.")
    assert build_site(site).ok
    page = (site / "public" / "posts" / "all" / "index.html").read_text(encoding="utf-8")
    assert "Bye, World." in page


@pytest.mark.parametrize("name", ["kaeruct", "papermod-demo"])
def test_corpus_pages_show_no_shortcodes(name: str, tmp_path: Path) -> None:
    result = build_corpus(name, tmp_path / name, everything=True)
    assert result.ok
    assert not [d for d in result.diagnostics if d.message.startswith("unknown shortcode")]
    leftovers = {
        str(path.relative_to(tmp_path)): found
        for path in sorted((tmp_path / name / "public").rglob("*.html"))
        if (found := leftover_shortcodes(path.read_text(encoding="utf-8")))
    }
    assert leftovers == {}
