"""The template phase's shortcuts (jinjafast.py, once_per_page, plainify) change no output."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pytest
from markupsafe import Markup

from blog.build import BuildOptions, build
from blog.cache import BuildCache
from blog.jinjafast import FastEnvironment, PageMemo
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


def _stops() -> Any:
    raise StopIteration


IMPORTED = "{% macro m(x, y=2) %}[{{ x }}|{{ y }}|{{ who }}]{% endmacro %}"
TEMPLATE = """\
{% from "lib.html" import m %}
{{ text }} {{ "<const>" }} {{ safe }} {{ n }} {{ none }} {{ html }} {{ x }} {{ words }}
{{ ctx_fn() }} {{ env_fn() }} {{ eval_fn() }} {{ callable_class() }} {{ stops() }}
{{ plain(1, b=2) }} {{ "a-b".split("-") }} {{ m(1) }} {{ m(x=1, y="<") }}
{% for i in [1, 2] %}{% set who = "loop" %}{{ ctx_fn() }}{{ m(i) }}{{ plain(i) }}{% endfor %}
{% include "inc.html" %}
"""


@pytest.mark.parametrize("autoescape", [True, False])
def test_the_fast_environment_renders_what_jinja_renders(autoescape: bool) -> None:
    templates = {"t.html": TEMPLATE, "lib.html": IMPORTED, "inc.html": "{{ who }}{{ m }}"}
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
            plain=lambda a, b=0: f"<{a + b}>",
        )
        made.append(
            env.get_template("t.html").render(
                text="<a href='x'>&\"",
                safe=Markup("<s>"),
                n=3,
                none=None,
                html=Html(),
                x=1.5,
                words=["<", Markup("<")],
            )
        )
    assert made[0] == made[1]
    assert ("&lt;a href=&#39;x&#39;&gt;&amp;&#34;" in made[1]) is autoescape


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


def test_the_memo_holds_at_most_its_limit_then_starts_over() -> None:
    memo, calls = PageMemo(), []

    def entry(page: object) -> str:
        calls.append(page)
        return "entry"

    pages = [object() for _ in range(PageMemo.LIMIT + 1)]
    memo.start("site")
    for page in pages:
        memo.once_per_page(entry, page)
        memo.plainify(f"<p>{id(page)}</p>")
    assert len(memo._done) <= PageMemo.LIMIT and len(memo._plain) <= PageMemo.LIMIT
    memo.once_per_page(entry, pages[0])  # dropped when the memo started over
    assert calls == [*pages, pages[0]]


def test_plainify_strips_tags_of_text_and_of_anything_else() -> None:
    memo = PageMemo()
    assert memo.plainify("<p>A &amp; <b>B</b></p>") == "A & B"
    assert memo.plainify(Markup("<p>A &amp; <b>B</b></p>")) == "A & B"
    assert memo.plainify(["<b>x</b>"]) == Markup(["<b>x</b>"]).striptags()  # type: ignore[arg-type]
