"""Front matter validation into PageMeta: types, dates, time zones, diagnostics with lines."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from blog.errors import Diagnostic
from blog.front_matter import parse_front_matter
from blog.meta import BOOLEAN_KEYS, PageMeta, read_meta

PATH = Path("content/posts/p.md")
SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "sagemaker-post.md"
BERLIN = ZoneInfo("Europe/Berlin")


def meta_of(
    text: str, *, tz: str = "UTC", taxonomies: tuple[str, ...] = ("tags",)
) -> tuple[PageMeta, tuple[Diagnostic, ...]]:
    fm, diagnostics = parse_front_matter(text, path=PATH)
    assert fm is not None, diagnostics
    return read_meta(fm, path=PATH, timezone=tz, taxonomies=taxonomies)


def yaml_meta(
    body: str, *, tz: str = "UTC", taxonomies: tuple[str, ...] = ("tags",)
) -> tuple[PageMeta, tuple[Diagnostic, ...]]:
    return meta_of(f"---\n{body}---\n", tz=tz, taxonomies=taxonomies)


def one(diagnostics: tuple[Diagnostic, ...]) -> Diagnostic:
    assert len(diagnostics) == 1, diagnostics
    assert diagnostics[0].path == PATH
    assert diagnostics[0].hint
    return diagnostics[0]


# --- defaults and happy paths -----------------------------------------------------------------


def test_empty_front_matter_defaults() -> None:
    meta, diagnostics = meta_of("no front matter\n")
    assert diagnostics == ()
    assert meta == PageMeta(
        title=None,
        date=None,
        lastmod=None,
        publish_date=None,
        expiry_date=None,
        draft=False,
        slug=None,
        url=None,
        aliases=(),
        summary=None,
        description=None,
        weight=0,
        layout=None,
        terms={"tags": ()},
        params={},
    )


def test_all_known_keys_yaml() -> None:
    meta, diagnostics = yaml_meta(
        "Title: Hello\n"
        "Draft: true\n"
        "slug: hello-world\n"
        "url: /custom/\n"
        "aliases: [/old/, /older/]\n"
        "summary: Short\n"
        "description: Longer\n"
        "weight: 5\n"
        "layout: wide\n"
        "type: notes\n"
        "tags: [Go, Web]\n"
        "categories: Misc\n"
        "author: Me\n",
        taxonomies=("tags", "categories"),
    )
    assert diagnostics == ()
    assert meta.title == "Hello"
    assert meta.draft is True
    assert (meta.slug, meta.url, meta.layout, meta.type) == (
        "hello-world",
        "/custom/",
        "wide",
        "notes",
    )
    assert meta.aliases == ("/old/", "/older/")
    assert (meta.summary, meta.description, meta.weight) == ("Short", "Longer", 5)
    assert meta.terms == {"tags": ("Go", "Web"), "categories": ("Misc",)}
    assert meta.params["author"] == "Me"
    assert meta.params["title"] == "Hello"
    assert meta.params["tags"] == ("Go", "Web")
    assert meta.params["aliases"] == ("/old/", "/older/")


def test_toml_and_json_front_matter() -> None:
    meta, diagnostics = meta_of(
        '+++\ntitle = "T"\ndate = 2024-02-02T10:00:00Z\ntags = ["a"]\ndraft = true\n+++\n'
    )
    assert diagnostics == ()
    assert (meta.title, meta.draft, meta.terms["tags"]) == ("T", True, ("a",))
    assert meta.date == datetime(2024, 2, 2, 10, tzinfo=UTC)
    meta, diagnostics = meta_of('{\n"title": "J",\n"date": "2024-02-02",\n"tags": "solo"\n}\n')
    assert diagnostics == ()
    assert (meta.title, meta.terms["tags"]) == ("J", ("solo",))
    assert meta.date == datetime(2024, 2, 2, tzinfo=UTC)


def test_params_mapping_is_merged_lower_cased() -> None:
    meta, diagnostics = yaml_meta("author: Top\nparams:\n  Author: Inner\n  Series: X\n")
    assert diagnostics == ()
    assert meta.params["author"] == "Top"  # a top-level key wins over params:
    assert meta.params["series"] == "X"
    assert meta.params["params"] == {"Author": "Inner", "Series": "X"}


def test_build_options() -> None:
    meta, _ = yaml_meta("build:\n  render: never\n  list: never\n")
    assert (meta.build_render, meta.build_list) == (False, False)
    meta, _ = yaml_meta("_build:\n  Render: false\n  list: local\n")
    assert (meta.build_render, meta.build_list) == (False, True)
    meta, _ = yaml_meta("build:\n  render: link\n")
    assert (meta.build_render, meta.build_list) == (False, True)


def test_build_option_typo_warns_and_keeps_default() -> None:
    meta, diagnostics = yaml_meta("title: x\nbuild:\n  render: nevr\n")
    assert meta.build_render is True
    warning = one(diagnostics)
    assert (warning.severity, warning.line) == ("warning", 3)
    assert warning.message == "'build.render' is not one of always, never, link: \"nevr\""
    assert warning.hint == "did you mean never?"


def test_build_not_a_mapping() -> None:
    _, diagnostics = yaml_meta("\nbuild: never\n")
    assert (one(diagnostics).severity, one(diagnostics).line) == ("warning", 3)


def test_result_pickles() -> None:
    meta, diagnostics = yaml_meta("date: 2024-02-02\nShowToc: tru\n", tz="Europe/Berlin")
    assert pickle.loads(pickle.dumps(meta)) == meta
    assert pickle.loads(pickle.dumps(diagnostics)) == diagnostics


# --- dates and time zones -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2024-02-02", datetime(2024, 2, 2, tzinfo=BERLIN)),  # YAML date: midnight in the site zone
        ("2024-02-02T10:30:00", datetime(2024, 2, 2, 10, 30, tzinfo=BERLIN)),  # naive datetime
        ("2024-02-02 10:30:00", datetime(2024, 2, 2, 10, 30, tzinfo=BERLIN)),
        ("2024-02-02T10:30:00Z", datetime(2024, 2, 2, 10, 30, tzinfo=UTC)),
        ("2024-02-02T10:30:00+05:30", datetime(2024, 2, 2, 5, 0, tzinfo=UTC)),
        ('"2024-02-02"', datetime(2024, 2, 2, tzinfo=BERLIN)),  # strings, not YAML timestamps
        ('"2024-02-02T10:30:00"', datetime(2024, 2, 2, 10, 30, tzinfo=BERLIN)),
        ('"2024-02-02 10:30"', datetime(2024, 2, 2, 10, 30, tzinfo=BERLIN)),
        ('"2024-02-02T10:30:00Z"', datetime(2024, 2, 2, 10, 30, tzinfo=UTC)),
        ('"2024-02-02T10:30:00-07:00"', datetime(2024, 2, 2, 17, 30, tzinfo=UTC)),
        ('"2024-02-02 10:30:00 +0100"', datetime(2024, 2, 2, 9, 30, tzinfo=UTC)),
        ('"2024-02-02 10:30:00 +0000 UTC"', datetime(2024, 2, 2, 10, 30, tzinfo=UTC)),
        ('"Fri, 02 Feb 2024 10:30:00 +0100"', datetime(2024, 2, 2, 9, 30, tzinfo=UTC)),
        ('"February 2, 2024"', datetime(2024, 2, 2, tzinfo=BERLIN)),
        ('"2 Feb 2024"', datetime(2024, 2, 2, tzinfo=BERLIN)),
    ],
)
def test_date_forms(written: str, expected: datetime) -> None:
    meta, diagnostics = yaml_meta(f"date: {written}\n", tz="Europe/Berlin")
    assert diagnostics == ()
    assert meta.date == expected
    assert meta.date is not None
    assert meta.date.tzinfo is not None
    assert meta.params["date"] == expected


def test_site_zone_applies_only_without_offset() -> None:
    meta, _ = yaml_meta(
        'date: 2024-07-01\nlastmod: "2024-07-01T12:00:00+02:00"\n', tz="Europe/Berlin"
    )
    assert meta.date is not None
    assert meta.date.utcoffset() == timedelta(hours=2)  # Berlin summer time
    assert meta.date == datetime(2024, 6, 30, 22, tzinfo=UTC)
    assert meta.lastmod is not None
    assert meta.lastmod.tzinfo == timezone(timedelta(hours=2))


def test_toml_local_date_and_datetime_get_the_site_zone() -> None:
    meta, _ = meta_of(
        "+++\ndate = 2024-01-15\nlastmod = 2024-01-15T08:00:00\n+++\n", tz="Europe/Berlin"
    )
    assert meta.date == datetime(2024, 1, 15, tzinfo=BERLIN)
    assert meta.lastmod == datetime(2024, 1, 15, 8, tzinfo=BERLIN)


def test_date_aliases_and_preference() -> None:
    meta, diagnostics = yaml_meta(
        "date: 2024-01-01\nmodified: 2024-01-02\npubdate: 2024-01-03\n"
        "published: 2024-01-09\nunpublishdate: 2024-01-04\n"
    )
    assert diagnostics == ()
    assert meta.lastmod == datetime(2024, 1, 2, tzinfo=UTC)
    assert meta.publish_date == datetime(2024, 1, 3, tzinfo=UTC)  # pubdate before published
    assert meta.expiry_date == datetime(2024, 1, 4, tzinfo=UTC)
    meta, _ = yaml_meta("publishDate: 2024-01-05\nexpiryDate: 2024-02-01\nlastmod: 2024-01-06\n")
    assert meta.date is None  # no fallback: the caller decides
    assert meta.publish_date == datetime(2024, 1, 5, tzinfo=UTC)
    assert meta.expiry_date == datetime(2024, 2, 1, tzinfo=UTC)
    assert meta.lastmod == datetime(2024, 1, 6, tzinfo=UTC)


def test_impossible_date_is_an_error_at_its_line() -> None:
    meta, diagnostics = yaml_meta("title: T\ndate: 2019-13-01\n")
    error = one(diagnostics)
    assert error.severity == "error"
    assert error.message == 'date is not a valid date: "2019-13-01"'
    assert (error.path, error.line) == (PATH, 3)
    assert error.hint is not None
    assert "YYYY-MM-DD" in error.hint
    assert meta.date is None


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("2019-02-30", '"2019-02-30"'),
        ('"next tuesday"', '"next tuesday"'),
        ("20240202", "20240202"),
        ("2024.5", "2024.5"),
        ("true", "true"),
        ("[2024-01-01]", '["2024-01-01"]'),
    ],
)
def test_dates_that_are_not_dates(written: str, shown: str) -> None:
    _, diagnostics = yaml_meta(f"\n\npublishDate: {written}\n")
    error = one(diagnostics)
    assert error.severity == "error"
    assert error.message == f"publishDate is not a valid date: {shown}"
    assert error.line == 4


def test_json_and_toml_date_errors_have_lines() -> None:
    _, diagnostics = meta_of('{\n"title": "x",\n"date": "2019-13-01"\n}\n')
    assert one(diagnostics).line == 3
    _, diagnostics = meta_of("+++\ntitle = 'x'\n\nlastmod = 12\n+++\n")
    assert (one(diagnostics).line, one(diagnostics).message) == (
        4,
        "lastmod is not a valid date: 12",
    )


def test_empty_date_is_no_date() -> None:
    meta, diagnostics = yaml_meta('date:\nlastmod: ""\n')
    assert (meta.date, meta.lastmod, diagnostics) == (None, None, ())


# --- booleans -------------------------------------------------------------------------------


def test_boolean_typo_warns_and_reads_truthy() -> None:
    meta, diagnostics = yaml_meta("title: T\nShowToc: tru\n")
    warning = one(diagnostics)
    assert warning.severity == "warning"
    assert warning.message == "'ShowToc' is not a boolean: \"tru\""
    assert warning.hint == "did you mean true?"
    assert warning.line == 3
    assert meta.params["showtoc"] is True


@pytest.mark.parametrize(
    ("written", "read", "hint"),
    [
        ('"false"', False, "write false without quotes"),
        ('"true"', True, "write true without quotes"),
        ("flase", True, "did you mean false?"),  # a non-empty string is true, as in a template
        ('"off"', False, "did you mean false?"),
        ("'0'", False, "did you mean false?"),
        ('""', False, "did you mean false?"),
        ("maybe", True, "did you mean true?"),
        ("1", True, "did you mean true?"),
        ("0", False, "did you mean false?"),
    ],
)
def test_boolean_strings_and_numbers(written: str, read: bool, hint: str) -> None:
    meta, diagnostics = yaml_meta(f"tocopen: {written}\n")
    assert meta.params["tocopen"] is read
    assert one(diagnostics).hint == hint
    assert one(diagnostics).line == 2


def test_draft_as_string_warns_and_uses_truthiness() -> None:
    meta, diagnostics = yaml_meta('draft: "no"\n')
    assert meta.draft is False
    assert one(diagnostics).message == "'draft' is not a boolean: \"no\""
    meta, diagnostics = yaml_meta("\ndraft: yess\n")
    assert meta.draft is True
    assert (one(diagnostics).line, one(diagnostics).hint) == (3, "did you mean true?")


def test_draft_only_inside_params_does_not_make_a_draft() -> None:
    meta, _ = yaml_meta("params:\n  draft: true\n")
    assert meta.draft is False


def test_real_booleans_pass_and_null_reads_false() -> None:
    meta, diagnostics = yaml_meta("ShowToc: true\nhideSummary: false\ncomments:\n")
    assert diagnostics == ()
    assert (meta.params["showtoc"], meta.params["hidesummary"], meta.params["comments"]) == (
        True,
        False,
        False,
    )


def test_nested_cover_booleans() -> None:
    meta, diagnostics = yaml_meta(
        "title: x\ncover:\n  image: a.png\n  Hidden: yes\n  relative: nah\n"
    )
    assert meta.params["cover"] == {"image": "a.png", "Hidden": True, "relative": True}
    warning = one(diagnostics)
    assert warning.message == "'cover.relative' is not a boolean: \"nah\""
    assert warning.line == 3  # the cover key's line


def test_boolean_inside_params_mapping_reports_params_line() -> None:
    meta, diagnostics = yaml_meta("title: x\nparams:\n  ShowToc: tru\n")
    assert meta.params["showtoc"] is True
    warning = one(diagnostics)
    assert warning.message == "'params.ShowToc' is not a boolean: \"tru\""
    assert warning.line == 3


def test_boolean_table_is_lower_cased() -> None:
    assert "showtoc" in BOOLEAN_KEYS
    assert "cover.hiddeninlist" in BOOLEAN_KEYS
    assert all(key == key.lower() for key in BOOLEAN_KEYS)


# --- other wrong types ----------------------------------------------------------------------


@pytest.mark.parametrize("written", ["[a, b]", "{a: 1}"])
def test_title_list_or_mapping_is_an_error(written: str) -> None:
    meta, diagnostics = yaml_meta(f"\ntitle: {written}\n")
    error = one(diagnostics)
    assert error.severity == "error"
    assert error.message.startswith("'title' is not text: ")
    assert error.line == 3
    assert meta.title is None


def test_title_number_warns_and_reads_as_text() -> None:
    meta, diagnostics = yaml_meta("title: 1984\n")
    assert meta.title == "1984"
    warning = one(diagnostics)
    assert (warning.severity, warning.line, warning.hint) == (
        "warning",
        2,
        'put it in quotes: title: "1984"',
    )


def test_description_list_warns_and_is_ignored() -> None:
    meta, diagnostics = yaml_meta("description: [a]\n")
    assert meta.description is None
    assert one(diagnostics).severity == "warning"


@pytest.mark.parametrize(
    ("written", "read"), [('"3"', 3), ("2.0", 2), ("heavy", 0), ("true", 0), ("[1]", 0)]
)
def test_weight_wrong_type_warns(written: str, read: int) -> None:
    meta, diagnostics = yaml_meta(f"title: x\nweight: {written}\n")
    assert meta.weight == read
    warning = one(diagnostics)
    assert (warning.severity, warning.line) == ("warning", 3)
    assert warning.message.startswith("'weight' is not a whole number: ")


def test_aliases_string_and_wrong_types() -> None:
    meta, diagnostics = yaml_meta("aliases: /old/\n")
    assert (meta.aliases, diagnostics) == (("/old/",), ())
    meta, diagnostics = yaml_meta("aliases: [/a/, 3]\n")
    assert meta.aliases == ("/a/",)
    assert (one(diagnostics).severity, one(diagnostics).line) == ("warning", 2)
    meta, diagnostics = yaml_meta("title: x\naliases: 3\n")
    assert meta.aliases == ()
    assert one(diagnostics).line == 3


# --- taxonomies -----------------------------------------------------------------------------


def test_taxonomy_string_and_list() -> None:
    meta, _ = yaml_meta(
        "Tags: Python\ncategories: [Dev, Ops, Dev]\nseries: []\n",
        taxonomies=("tags", "categories", "series"),
    )
    assert meta.terms == {"tags": ("Python",), "categories": ("Dev", "Ops"), "series": ()}


@pytest.mark.parametrize(("written", "shown"), [("42", "42"), ("{a: 1}", '{"a": 1}')])
def test_taxonomy_number_or_mapping_is_an_error(written: str, shown: str) -> None:
    meta, diagnostics = yaml_meta(f"title: x\n\ntags: {written}\n")
    error = one(diagnostics)
    assert error.severity == "error"
    assert error.message == f"'tags' is not a list of terms: {shown}"
    assert error.line == 4
    assert error.hint == 'write a list of strings, e.g. tags: ["go", "web"]'
    assert meta.terms["tags"] == ()


def test_taxonomy_hint_uses_the_page_format() -> None:
    _, diagnostics = meta_of("+++\ntags = 3\n+++\n")
    assert one(diagnostics).hint == 'write a list of strings, e.g. tags = ["go", "web"]'


def test_taxonomy_items() -> None:
    meta, diagnostics = yaml_meta("tags: [go, 2024, [x]]\n")
    assert meta.terms["tags"] == ("go", "2024")
    assert [(d.severity, d.line) for d in diagnostics] == [("warning", 2), ("error", 2)]


def test_unconfigured_taxonomy_stays_a_param() -> None:
    meta, diagnostics = yaml_meta("categories: 42\n")
    assert (meta.terms, meta.params["categories"], diagnostics) == ({"tags": ()}, 42, ())


# --- the seed post --------------------------------------------------------------------------


@pytest.mark.skipif(not SEED.is_file(), reason=f"seed post not found at {SEED}")
def test_seed_post() -> None:
    meta, diagnostics = meta_of(SEED.read_text(encoding="utf-8"))
    warning = one(diagnostics)
    assert warning.severity == "warning"
    assert warning.message == "'ShowToc' is not a boolean: \"tru\""
    assert warning.hint == "did you mean true?"
    assert warning.line == 8
    assert meta.params["showtoc"] is True
    assert meta.date == datetime(2024, 2, 2, tzinfo=UTC)
    assert meta.terms["tags"] == (
        "Artifical Intelligence",
        "Machiene Learning",
        "Cloud Computing",
        "DevOps",
    )
    assert meta.title is None
    assert meta.draft is False
