"""Shortcodes: the tag parser, each built-in's HTML, site templates and diagnostics."""

from __future__ import annotations

from pathlib import Path

import pytest

from blog.markdown import MarkdownOptions, Rendered, render
from blog.shortcode_parser import Shortcode, parse_shortcodes, parse_tags
from blog.shortcodes import (
    ShortcodeSettings,
    expand_shortcodes,
    finish_rendered,
    load_shortcode_settings,
)

PATH = Path("content/posts/x.md")


def build(
    body: str,
    *,
    unsafe: bool = True,
    settings: ShortcodeSettings | None = None,
    params: dict[str, object] | None = None,
    line_offset: int = 0,
) -> Rendered:
    options = MarkdownOptions(unsafe=unsafe)
    expanded = expand_shortcodes(
        body,
        settings=settings or ShortcodeSettings(),
        markdown=options,
        path=PATH,
        line_offset=line_offset,
        title="T",
        params=params or {},
    )
    rendered = render(expanded.text, options=options, path=PATH, line_offset=line_offset)
    return finish_rendered(expanded, rendered)


def html(body: str, **kwargs: object) -> str:
    return build(body, **kwargs).html  # type: ignore[arg-type]


# --- parser ---------------------------------------------------------------------------------


def test_arguments_positional_and_quoted() -> None:
    tags, problems = parse_tags('{{< gist user "a b" `c "d"` >}}')
    assert not problems
    assert tags[0].name == "gist"
    assert tags[0].args == ("user", "a b", 'c "d"')


def test_named_arguments_and_escaped_quotes() -> None:
    (tag,), _ = parse_tags(r'{{% figure src=x.jpg caption="say \"hi\"" alt=`a` %}}')
    assert tag.delimiter == "%"
    assert dict(tag.params) == {"src": "x.jpg", "caption": 'say "hi"', "alt": "a"}


def test_paired_self_closing_and_closing_spellings() -> None:
    calls, _ = parse_shortcodes("{{< a >}}in{{</ a >}} {{< b />}} {{< c >}}x{{< /c >}}")
    assert [(c.name, c.inner) for c in calls] == [("a", "in"), ("b", None), ("c", "x")]
    assert calls[1].tag.kind == "self"


def test_nested_shortcodes_form_a_tree() -> None:
    calls, _ = parse_shortcodes("{{< a >}}1 {{< b >}}2{{< /b >}} {{< c >}}{{< /a >}}")
    (outer,) = calls
    assert outer.inner == "1 {{< b >}}2{{< /b >}} {{< c >}}"
    assert [(c.name, c.inner) for c in outer.children] == [("b", "2"), ("c", None)]


def test_same_name_nesting_pairs_innermost_first() -> None:
    calls, _ = parse_shortcodes("{{< d >}}a{{< d >}}b{{< /d >}}c{{< /d >}}")
    (outer,) = calls
    assert isinstance(outer, Shortcode)
    assert outer.inner == "a{{< d >}}b{{< /d >}}c"
    assert outer.children[0].inner == "b"


def test_escapes_are_literal_text() -> None:
    (tag,), _ = parse_tags('{{</* figure src="x" */>}} and')
    assert tag.kind == "escaped"
    assert tag.literal == '{{< figure src="x" >}}'
    (tag,), _ = parse_tags("{{%/* details */%}}")
    assert tag.literal == "{{% details %}}"


def test_unclosed_tag_is_a_problem() -> None:
    tags, problems = parse_tags('{{< figure src="x.jpg >}}')
    assert tags == []
    assert problems[0].message == "unterminated quoted argument"


def test_go_template_braces_are_not_shortcodes() -> None:
    assert parse_tags("{{ .Title }} {{/*< audio >*/}}") == ([], [])


# --- expansion ------------------------------------------------------------------------------


def test_html_shortcode_alone_in_a_paragraph_is_not_wrapped() -> None:
    out = html("{{< video src=v.webm >}}\n")
    assert out == '<video src="v.webm" controls muted></video>\n'


def test_markdown_shortcode_output_is_rendered_with_the_page() -> None:
    rendered = build('{{% details summary="More" %}}\n**bold**\n{{% /details %}}\n')
    assert rendered.html == (
        "<details>\n<summary>More</summary>\n<p><strong>bold</strong></p>\n</details>\n"
    )


def test_markdown_shortcode_headings_join_the_toc() -> None:
    site = {"note.html": "## {{ get(0) }}\n\n{{ inner }}"}
    rendered = build(
        "{{% note Setup %}}Text{{% /note %}}\n", settings=_site_settings(site), unsafe=False
    )
    assert rendered.html == '<h2 id="setup">Setup</h2>\n<p>Text</p>\n'
    assert [e.id for e in rendered.toc] == ["setup"]


def test_shortcodes_in_code_fences_are_expanded_escapes_stay_literal() -> None:
    out = html('```md\n{{</* param "x" */>}} {{< param author >}}\n```\n', params={"author": "Me"})
    assert out == (
        '<div class="highlight"><pre tabindex="0"><code class="language-md" data-lang="md">'
        '{{&lt; param "x" &gt;}} Me\n</code></pre></div>\n'
    )


def test_escape_in_a_paragraph() -> None:
    assert html("Write {{</* youtube id */>}} to embed.\n") == (
        "<p>Write {{&lt; youtube id &gt;}} to embed.</p>\n"
    )


def test_nested_html_shortcodes() -> None:
    body = '{{< collapse summary="S" >}}\n\n{{< param a >}}\n{{< /collapse >}}'
    out = html(body, params={"a": 1})
    assert out == "<details>\n<summary>S</summary>\n1\n</details>\n"


def test_unknown_shortcode_warns_at_its_line_and_stays_visible() -> None:
    rendered = build("front\n\ntext\n{{< youtub abc >}} end\n", line_offset=4)
    assert rendered.html == "<p>front</p>\n<p>text\n{{&lt; youtub abc &gt;}} end</p>\n"
    (diag,) = rendered.diagnostics
    assert (diag.path, diag.line, diag.message) == (PATH, 8, "unknown shortcode 'youtub'")
    assert diag.hint == "did you mean 'youtube'?"


def test_markdown_lines_after_a_multiline_shortcode_keep_their_file_lines() -> None:
    body = "{{< highlight go >}}\na\nb\nc\n{{< /highlight >}}\n\n```pyhton\nx\n```\n[a](b.md)\n"
    rendered = build(body, line_offset=2)
    assert [d.line for d in rendered.diagnostics] == [9]
    assert [link.line for link in rendered.links] == [12]


def test_shortcode_in_a_heading_is_expanded_as_text() -> None:
    rendered = build("## Version {{< param v >}}\n", params={"v": "2.0"})
    assert rendered.html == '<h2 id="version-20">Version 2.0</h2>\n'


# --- built-ins -------------------------------------------------------------------------------


def test_highlight() -> None:
    out = html("{{< highlight python >}}\n\nx = 1\n{{< /highlight >}}\n")
    assert out.startswith(
        '<div class="highlight"><pre tabindex="0"><code class="language-python" '
        'data-lang="python"><span class="n">x</span>'
    )
    assert out.endswith("</code></pre></div>\n")


def test_ref_and_relref_become_md_links_for_the_link_stage() -> None:
    rendered = build('[a]({{< ref "posts/b.md" >}}) [c]({{< relref "d#e" >}})\n')
    assert [link.target for link in rendered.links] == ["/posts/b.md", "d.md#e"]


def test_param_page_then_site_then_missing() -> None:
    settings = ShortcodeSettings(site_params={"author": "Site", "social": {"x": "me"}})
    rendered = build(
        "{{< param title >}} {{< param author >}} {{< param social.x >}} {{< param nope >}}\n",
        settings=settings,
        params={"title": "A <b>"},
    )
    assert rendered.html == "<p>A &lt;b&gt; Site me </p>\n"
    assert [d.message for d in rendered.diagnostics] == [
        "param 'nope' not found in the page or the site params"
    ]


def test_figure() -> None:
    out = html('{{< figure src="/a.jpg" title="T" caption="A *c*" link="/l/" width=20 >}}\n')
    assert out == (
        '<figure><a href="/l/"><img src="/a.jpg" alt="A c" width="20"></a>'
        "<figcaption><h4>T</h4><p>A <em>c</em></p></figcaption></figure>\n"
    )


def test_details() -> None:
    assert html("{{< details open=true >}}\nhi\n{{< /details >}}\n") == (
        "<details open>\n<summary>Details</summary>\n<p>hi</p>\n</details>\n"
    )


def test_youtube_is_privacy_enhanced_and_lazy() -> None:
    out = html("{{< youtube id=abc title=Talk >}}\n")
    assert 'src="https://www.youtube-nocookie.com/embed/abc?autoplay=0&amp;controls=1' in out
    assert 'loading="lazy"' in out
    assert 'title="Talk"' in out
    assert "frameborder" not in out and "allowfullscreen" not in out


def test_vimeo() -> None:
    out = html("{{< vimeo 152985022 >}}\n")
    assert 'src="https://player.vimeo.com/video/152985022?dnt=1"' in out
    assert 'loading="lazy" title="Vimeo video"></iframe>' in out


def test_gist() -> None:
    out = html("{{< gist KaeruCT 6488745 >}}\n")
    assert out.startswith('<script src="https://gist.github.com/KaeruCT/6488745.js"></script>')


@pytest.mark.parametrize("name", ["x", "tweet", "twitter"])
def test_x_is_an_offline_link(name: str) -> None:
    out = html(f'{{{{< {name} user="GoHugoIO" id="1305" >}}}}\n')
    assert out == (
        '<blockquote class="twitter-tweet"><p><a href="https://x.com/GoHugoIO/status/1305">'
        "Post by @GoHugoIO on X</a></p></blockquote>\n"
    )


def test_instagram_is_a_link() -> None:
    assert 'href="https://www.instagram.com/p/DBH"' in html("{{< instagram DBH >}}\n")


def test_collapse_and_in_text_img() -> None:
    out = html(
        '> {{< collapse summary="**S**" >}}\n\n   text {{< inTextImg url="/h.png" height="14" >}}'
        "\n\n   {{</ collapse >}}\n"
    )
    assert out == (
        "<blockquote>\n<details>\n<summary><strong>S</strong></summary>\n"
        'text <img class="in-text" height="14" src="/h.png" alt="">\n'
        "</details>\n</blockquote>\n"
    )


def test_audio_and_video() -> None:
    assert html("{{< audio src=a.ogg >}}\n") == '<audio src="a.ogg" controls muted></audio>\n'


def test_inline_shortcode_drops_go_actions_with_a_warning() -> None:
    rendered = build("{{< css.inline >}}\n{{ if .X }}<b>x</b>{{ end }}\n{{< /css.inline >}}\n")
    assert rendered.html == "<b>x</b>\n"
    assert "Go template actions are not run" in rendered.diagnostics[0].message


def test_inline_shortcode_left_out_without_unsafe() -> None:
    rendered = build("{{< m.inline >}}<b>x</b>{{< /m.inline >}}\n", unsafe=False)
    assert rendered.html.strip() == ""
    assert rendered.diagnostics[0].message == "inline shortcode 'm.inline' left out"


# --- site templates -------------------------------------------------------------------------


def _site_settings(files: dict[str, str], root: Path | None = None) -> ShortcodeSettings:
    import tempfile

    base = root or Path(tempfile.mkdtemp())
    (base / "shortcodes").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (base / "shortcodes" / name).write_text(text, encoding="utf-8")
    return load_shortcode_settings(base)


def test_site_template_gets_args_params_inner_and_page(tmp_path: Path) -> None:
    settings = _site_settings(
        {"box.html": '<div class="{{ params.kind }}">{{ args[0] }} {{ page.title }}{{ inner }}'
         "{{ markdownify(get('note')) }}</div>"},
        tmp_path,
    )  # fmt: skip
    out = html('{{< box one kind=tip note="*n*" >}}<i>x</i>{{< /box >}}\n', settings=settings)
    assert out == '<div class="tip">one T<i>x</i><em>n</em></div>\n'


def test_site_template_overrides_a_builtin(tmp_path: Path) -> None:
    settings = _site_settings({"youtube.html": "<p>video {{ get(0) }}</p>"}, tmp_path)
    assert html("{{< youtube abc >}}\n", settings=settings) == "<p>video abc</p>\n"


def test_site_template_error_is_reported(tmp_path: Path) -> None:
    settings = _site_settings({"bad.html": "{{ nope.x }}"}, tmp_path)
    rendered = build("{{< bad >}}\n", settings=settings)
    (diag,) = rendered.diagnostics
    assert diag.severity == "error"
    assert diag.message.startswith("shortcode 'bad' failed")


def test_digest_changes_with_the_templates(tmp_path: Path) -> None:
    first = _site_settings({"a.html": "1"}, tmp_path)
    second = _site_settings({"a.html": "2"}, tmp_path)
    assert first.templates_digest != second.templates_digest
    assert load_shortcode_settings(tmp_path / "none").templates_digest == ""
