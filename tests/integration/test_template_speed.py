"""The template phase's shortcuts (jinjafast.py, once_per_page, plainify) change no output."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import MethodType, SimpleNamespace
from typing import Any

import jinja2
import jinja2.runtime
import pytest
from markupsafe import Markup

from blog.build import BuildOptions, build
from blog.cache import BuildCache
from blog.jinjafast import FastContext, FastEnvironment, PageMemo
from blog.templates import _setting, _truthy, make_environment
from tests.conftest import snapshot

CONFIG = """\
baseURL: https://e.org/blog/
title: T
pagination: {pagerSize: 3}
params: {mainSections: [posts], ShowReadingTime: true}
"""


def post(n: int, title: str = "", summary: str = "") -> str:
    return (
        f"---\ntitle: {title or f'Post {n}'}\ndate: 2024-01-{n:02d}\ntags: [a, t{n % 2}]\n"
        f"categories: [c]\n---\n\n{summary or f'Opening of post {n}.'}\n\n<!--more-->\n\n"
        f"## Part\n\nRest of post {n}.\n"
    )


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    files = {f"content/posts/p{n}.md": post(n) for n in range(1, 8)}
    return make_site({"config.yaml": CONFIG, **files})


def pages(out: Path) -> dict[str, str]:
    return {k: v.decode() for k, v in snapshot(out).items() if k.endswith(".html")}


def lists_naming(out: Path, text: str) -> set[str]:
    """The list pages (home, section, terms, their pagers) whose entries hold ``text``."""
    return {
        path
        for path, html in pages(out).items()
        if not path.startswith("posts/p") and 'class="post-entry"' in html and text in html
    }


def test_an_edit_reaches_every_list_and_related_line_in_the_same_process(site: Path) -> None:
    """The serve loop keeps one environment (and its memo) across builds: no stale entry."""
    cache, out = BuildCache(), site.parent / "out"
    assert build(site, BuildOptions(out_dir=out, cache=cache)).ok
    env = next(iter(cache.environments.values()))[1]
    before = lists_naming(out, "Post 7")
    assert {"index.html", "posts/index.html", "tags/a/index.html", "tags/t1/index.html"} <= before

    path = site / "content/posts/p7.md"
    path.write_text(post(7, title="Renamed Seven", summary="A brand new opening."))
    assert build(site, BuildOptions(out_dir=out, cache=cache, changed=(path,))).ok
    assert next(iter(cache.environments.values()))[1] is env  # the same memo was asked

    assert lists_naming(out, "Renamed Seven") == before
    assert lists_naming(out, "A brand new opening.") == before
    assert not lists_naming(out, "Post 7<") and not lists_naming(out, "Opening of post 7.")
    related = [h for h in pages(out).values() if 'class="related"' in h and "Renamed Seven" in h]
    assert related and not any(">Post 7<" in h for h in pages(out).values())
    head = pages(out)["posts/p7/index.html"].split("</head>")[0]
    assert '<meta name="description" content="A brand new opening.">' in head

    fresh = site.parent / "fresh"
    assert build(site, BuildOptions(out_dir=fresh, use_cache=False)).ok
    assert pages(out) == pages(fresh)


def test_a_users_post_meta_and_cover_shape_every_list_entry(site: Path) -> None:
    (site / "templates/partials").mkdir(parents=True)
    (site / "templates/partials/post_meta.html").write_text(
        "{% macro draft_badge(page) %}<b>D</b>{% endmacro %}"
        "{% macro post_meta(page, in_list=false) %}<i>{{ page.title }} by me</i>{% endmacro %}"
    )
    (site / "templates/partials/cover.html").write_text(
        "{% macro cover_figure(cover, single=false) %}<figure>C</figure>{% endmacro %}"
    )
    (site / "content/posts/p2.md").write_text(
        post(2).replace("categories:", "cover: {image: /c.png}\ncategories:")
    )
    out = site.parent / "out"
    assert build(site, BuildOptions(out_dir=out, use_cache=False)).ok
    for n in range(1, 8):
        assert len(lists_naming(out, f"<i>Post {n} by me</i>")) >= 4  # home, posts, a, c
    assert len(lists_naming(out, "<figure>C</figure>")) >= 4
    assert "<i>Post 4 by me</i>" in pages(out)["posts/p4/index.html"]
    assert pages(out)["index.html"].count("<b>D</b>") == 3  # one per entry of the pager


OLD_LIST = """\
{% from "partials/post_meta.html" import post_meta, draft_badge %}
{% from "partials/cover.html" import cover_figure %}
{% for item in pager.items %}
{% set cover = cover_of(item) %}
<article class="post-entry">
{% if cover and cover.in_list %}{{ cover_figure(cover) }}{% endif %}
<header class="entry-header">
<h2><a href="{{ rel_url(item.url) }}">{{ item.title }}</a>{{ draft_badge(item) }}</h2>
</header>
{% if not flag(item, "hideSummary") %}
{% set summary_html = (item.summary | split_title)[1] if item.title_from_heading else item.summary %}
{% set summary = (summary_html | plainify) or item.description %}
{% if summary %}<p class="entry-summary">{{ summary }}{% if item.summary_is_truncated %}…{% endif %}</p>{% endif %}
{% endif %}
<footer class="entry-footer">
{{ post_meta(item) }}
{% if item.summary_is_truncated %}<a class="read-more" href="{{ rel_url(item.url) }}">Read more<span class="visually-hidden"> about {{ item.title }}</span></a>{% endif %}
</footer>
</article>
{% else %}
<p class="empty">Nothing here yet.</p>
{% endfor %}
{% include "partials/pagination.html" %}
"""  # noqa: E501 (the theme's list.html before once_per_page, as a site may have copied it)


def test_a_list_partial_copied_from_the_old_theme_renders_the_same(site: Path) -> None:
    """A site's own list.html (no once_per_page) is used, and makes the theme's output."""
    theirs = site.parent / "theirs"
    assert build(site, BuildOptions(out_dir=theirs, use_cache=False)).ok
    (site / "templates/partials").mkdir(parents=True)
    (site / "templates/partials/list.html").write_text(OLD_LIST)
    ours = site.parent / "ours"
    assert build(site, BuildOptions(out_dir=ours, use_cache=False)).ok
    assert pages(ours) == pages(theirs)
    (site / "templates/partials/list.html").write_text(OLD_LIST.replace("Read more", "More"))
    assert build(site, BuildOptions(out_dir=ours, use_cache=False)).ok
    assert "Read more" not in pages(ours)["index.html"] and ">More<" in pages(ours)["index.html"]


class Html:
    def __html__(self) -> str:
        return "<u>as is</u>"

    def __str__(self) -> str:
        return "<u>as text</u>"


class Stop:
    @jinja2.pass_context
    def __call__(self, context: Any) -> str:
        return str(context["who"])


def _stops(*args: Any) -> Any:
    raise StopIteration


class Methods:
    @jinja2.pass_context
    def ctx(self, context: Any) -> str:
        return f"method:{context['who']}"

    def plain(self, a: object = "<m>") -> object:
        return a


IMPORTED = """\
{% macro m(x, y=2) %}[{{ x }}|{{ y }}|{{ who }}]{% endmacro %}
{% macro empty() %}<empty>{% endmacro %}
{% macro three(a, b, c="<c>") %}[{{ a }}{{ b }}{{ c }}]{% endmacro %}
{% macro wraps(x) %}<w>{{ caller(x) }}</w>{% endmacro %}
{% macro named(x, caller="<dc>") %}<n>{{ x }}{{ caller }}</n>{% endmacro %}
{% macro rest(a) %}[{{ a }}{{ varargs }}{{ kwargs }}]{% endmacro %}
{% macro stopping(x) %}{{ stops() }}{{ x }}{% endmacro %}
"""
TEMPLATE = """\
{% from "lib.html" import m, empty, three, wraps, named, rest, stopping %}
{% import "lib.html" as lib %}
{{ text }} {{ "<const>" }} {{ safe }} {{ n }} {{ none }} {{ html }} {{ x }} {{ words }}
{{ ctx_fn() }} {{ env_fn() }} {{ eval_fn() }} {{ callable_class() }} {{ stops() }}
{{ plain(1, b=2) }} {{ "a-b".split("-") }} {{ m(1) }} {{ m(x=1, y="<") }} {{ m(1, "<") }}
{{ empty() }} {{ three("<") }} {{ three(1, 2) }} {{ three(1, 2, 3) }} {{ three(1, c=4) }}
{% call(v) wraps("<x>") %}({{ v }}){% endcall %} {{ named("<c>") }} {{ named(1, "<k>") }}
{{ rest(1) }} {{ rest(1, 2, "<3>", k="<v>") }} {{ stopping("<s>") }} {{ lib.three(1, 2) }}
{{ three(1, 2) ~ "<&>" }} {{ three(1, "<") | e }}
{{ obj.ctx() }} {{ obj.plain() }} {{ obj.plain("<x>") }} {{ stops_method() }}
{% for i in [1, 2] %}{% set who = "loop" %}{{ ctx_fn() }}{{ m(i) }}{{ plain(i) }}
{{ obj.ctx() }}{{ three(i, i) }}{% endfor %}
{% block b %}{% set who = "block" %}{{ ctx_fn() }}{{ obj.ctx() }}{{ three(who, 2) }}{% endblock %}
{% include "inc.html" %}
"""


def _render_both(
    templates: dict[str, str], autoescape: bool, name: str = "t.html", **extra: Any
) -> list[str]:
    """Render ``name`` with Jinja's environment and with ours (template globals ``extra``)."""
    made = []
    for kind in (jinja2.Environment, FastEnvironment):
        env = kind(
            loader=jinja2.DictLoader(templates), autoescape=autoescape, undefined=jinja2.Undefined
        )
        env.globals.update(
            who="<g>",
            ctx_fn=jinja2.pass_context(lambda c: f"ctx:{c['who']}"),
            env_fn=jinja2.pass_environment(lambda e: f"env:{e.autoescape}"),
            eval_fn=jinja2.pass_eval_context(lambda e: f"eval:{e.autoescape}"),
            callable_class=Stop(),
            stops=_stops,
            stops_method=MethodType(_stops, object()),
            plain=lambda a, b=0: f"<{a + b}>",
            obj=Methods(),
        )
        made.append(
            env.get_template(name, globals=extra or None).render(
                text="<a href='x'>&\"",
                safe=Markup("<s>"),
                n=3,
                none=None,
                html=Html(),
                x=1.5,
                words=["<", Markup("<")],
            )
        )
    return made


@pytest.mark.parametrize("autoescape", [True, False])
def test_the_fast_environment_renders_what_jinja_renders(autoescape: bool) -> None:
    templates = {"t.html": TEMPLATE, "lib.html": IMPORTED, "inc.html": "{{ who }}{{ m }}"}
    made = _render_both(templates, autoescape)
    assert made[0] == made[1]
    assert ("&lt;a href=&#39;x&#39;&gt;&amp;&#34;" in made[1]) is autoescape
    shown = made[1].replace("&lt;", "<").replace("&gt;", ">")
    for made_by_a_macro in ("[12<c>]", "[123]", "<empty>", "<n>1<k></n>", "[block2<c>]"):
        assert made_by_a_macro in shown
    assert "method:loop" in shown and "method:block" in shown and "<w>(<x>)</w>" in shown


@pytest.mark.parametrize("autoescape", [True, False])
def test_an_import_by_a_template_with_globals_of_its_own_sees_them(autoescape: bool) -> None:
    templates = {
        "t.html": '{% from "lib.html" import m %}{{ m(1) }}{{ m(2, "<") }}',
        "lib.html": "{% macro m(x, y=2) %}[{{ x }}|{{ y }}|{{ own }}]{% endmacro %}",
    }
    made = _render_both(templates, autoescape, own="<own>")
    assert made[0] == made[1]
    assert "[1|2|" in made[1] and "own" in made[1]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        ("m(1, 2, 3)", "takes not more than 2 argument(s)"),
        ("m(1, z=2)", "takes no keyword argument 'z'"),
        ("m(1, caller=2)", "two values for the special caller argument"),
    ],
)
def test_a_macro_called_wrongly_fails_as_in_jinja(call: str, error: str) -> None:
    templates = {"t.html": "{% macro m(x, y=2) %}{{ x }}{% endmacro %}{{ " + call + " }}"}
    for kind in (jinja2.Environment, FastEnvironment):
        with pytest.raises(TypeError, match=re.escape(error)):
            kind(loader=jinja2.DictLoader(templates)).get_template("t.html").render()


def test_the_fast_context_holds_what_jinjas_holds() -> None:
    env = FastEnvironment(autoescape=True)

    def block(context: Any) -> Iterator[str]:
        yield ""

    for blocks, globals in (({}, None), ({"b": block}, {"g": 1, "h": 2})):
        ours = FastContext(env, {"a": 1}, "t.html", blocks, globals)
        theirs = jinja2.runtime.Context(env, {"a": 1}, "t.html", blocks, globals)
        for name, value in vars(theirs).items():  # a new attribute in Jinja fails here
            if name == "eval_ctx":
                assert vars(ours.eval_ctx) == vars(value)
            else:
                assert getattr(ours, name) == value, name


def test_once_per_page_makes_a_macro_once_per_page_and_macro_until_another_site() -> None:
    memo, calls = PageMemo(), []

    def entry(page: object) -> str:
        calls.append(page)
        return f"entry {id(page)}"

    def other(page: object) -> str:
        return "other"

    class Page:
        url = "/same/"  # an edited page is another object at the same URL

    one, two = Page(), Page()
    memo.start("site")
    assert memo.once_per_page(entry, one) == memo.once_per_page(entry, one) == f"entry {id(one)}"
    assert memo.once_per_page(entry, two) == f"entry {id(two)}"
    assert memo.once_per_page(other, one) == "other"
    assert calls == [one, two]
    memo.start("site")
    memo.once_per_page(entry, one)
    assert calls == [one, two]
    memo.start("next build's site")
    memo.once_per_page(entry, one)
    assert calls == [one, two, one]


def test_the_memo_holds_its_limit_per_macro_keeps_what_it_holds_and_makes_the_rest() -> None:
    memo, calls = PageMemo(), []

    def made_by(name: str) -> Callable[[object], str]:
        def macro(page: object) -> str:
            calls.append((name, page))
            return f"{name} {id(page)}"

        return macro

    entry, line, third = made_by("entry"), made_by("line"), made_by("third")
    pages = [object() for _ in range(PageMemo.LIMIT + 1)]
    memo.start("site")
    for page in pages:
        assert memo.once_per_page(entry, page) == f"entry {id(page)}"
        assert memo.plainify(f"<p>{id(page)}</p>") == str(id(page))
    assert len(memo._done) == PageMemo.LIMIT and len(memo._plain) == PageMemo.LIMIT
    # Full for this macro: the first pages stay, the last one is made anew (and right).
    assert memo.once_per_page(entry, pages[0]) == f"entry {id(pages[0])}"
    assert memo.once_per_page(entry, pages[-1]) == f"entry {id(pages[-1])}"
    assert memo.plainify(f"<p>{id(pages[-1])}</p>") == str(id(pages[-1]))
    assert calls == [("entry", p) for p in pages] + [("entry", pages[-1])]
    # Another macro has a limit of its own: one macro's entries crowd out no other's.
    calls.clear()
    for page in pages:
        memo.once_per_page(line, page)
        memo.once_per_page(line, page)
    assert calls == [("line", p) for p in pages] + [("line", pages[-1])]
    # Both full: 2 * LIMIT entries in all, a third macro is made each time.
    calls.clear()
    assert memo.once_per_page(third, pages[0]) == memo.once_per_page(third, pages[0])
    assert calls == [("third", pages[0])] * 2 and len(memo._done) == 2 * PageMemo.LIMIT
    memo.start("next build's site")
    assert not memo._done and not memo._held and not memo._plain


TAGGED = [
    "",
    "   ",
    "plain text",
    "<p>A &amp; <b>B</b></p>\n\n<p>C\tD</p>",
    "a < b > c",
    "<b>x</b> 1 < 2",
    "unclosed <b and more",
    "a>b<c",
    "<<b>>",
    "<a href='>'>t</a>",
    "x <!-- <b> --> y",
    "<!<!--x-->-- z",
    "<!-- unclosed <b>",
    "a\u00a0 b\u2003c\u3000d\x1ce\x85f",
    "&lt;b&gt; &#60;i&#62; &nbsp;&amp;amp;",
    '<h2 id="x">T</h2>\n<pre><code>if a &lt; b:\n    pass</code></pre>',
]


@pytest.mark.parametrize("html", TAGGED)
def test_plainify_is_markupsafes_striptags(html: str) -> None:
    assert PageMemo().plainify(html) == Markup(html).striptags()
    assert PageMemo().plainify(Markup(html)) == Markup(html).striptags()


FLAGS: list[object] = [
    None,
    True,
    False,
    0,
    1,
    "",
    " ",
    "false",
    " No ",
    "OFF",
    "0",
    "yes",
    [],
    [0],
]


def test_flag_reads_a_page_switch_as_setting_and_truthy_do() -> None:
    for site_value in FLAGS:
        params = {} if site_value is None else {"showtoc": site_value}
        config = SimpleNamespace(
            params=params, base_path="/", base_url="https://e.org/", templates_dir=Path("/-")
        )
        env = make_environment(config)  # type: ignore[arg-type]
        flag = env.globals["flag"]
        for page_value in FLAGS:
            page = SimpleNamespace(params={} if page_value is None else {"showtoc": page_value})
            for default in (False, True, "no"):
                for who in (page, None, SimpleNamespace(), SimpleNamespace(params=None)):
                    want = _truthy(_setting(params, who, "ShowToc", default))
                    assert flag(who, "ShowToc", default) is want
            assert flag(page, "showTOC") is _truthy(_setting(params, page, "showtoc", False))


def test_plainify_strips_tags_of_text_and_of_anything_else() -> None:
    memo = PageMemo()
    assert memo.plainify("<p>A &amp; <b>B</b></p>") == "A & B"
    assert memo.plainify(Markup("<p>A &amp; <b>B</b></p>")) == "A & B"
    assert memo.plainify(["<b>x</b>"]) == Markup(["<b>x</b>"]).striptags()  # type: ignore[arg-type]
