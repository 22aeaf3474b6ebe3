"""Front matter splitting and parsing: formats, exact lines, errors, case-duplicate keys."""

from __future__ import annotations

import pickle
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blog.errors import Diagnostic
from blog.front_matter import FrontMatter, parse_front_matter

PATH = Path("content/posts/p.md")
SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "sagemaker-post.md"


def parse_ok(text: str) -> tuple[FrontMatter, tuple[Diagnostic, ...]]:
    fm, diagnostics = parse_front_matter(text, path=PATH)
    assert fm is not None, diagnostics
    return fm, diagnostics


def parse_error(text: str) -> Diagnostic:
    fm, diagnostics = parse_front_matter(text, path=PATH)
    assert fm is None
    assert len(diagnostics) == 1
    (error,) = diagnostics
    assert error.severity == "error"
    assert error.path == PATH
    assert error.hint
    return error


# --- happy paths ---------------------------------------------------------------------------


def test_yaml_values_lines_and_body() -> None:
    text = (
        "---\nTitle: Hello\ndate: 2024-02-02\ntags:\n  - a\n  - b\n"
        "cover:\n  Image: x.png\n---\n# Body\ntext\n"
    )
    fm, diagnostics = parse_ok(text)
    assert diagnostics == ()
    assert fm.format == "yaml"
    assert fm.values == {
        "title": "Hello",
        "date": date(2024, 2, 2),
        "tags": ["a", "b"],
        "cover": {"Image": "x.png"},
    }
    assert fm.key_names["title"] == "Title"
    assert fm.key_lines == {"title": 2, "date": 3, "tags": 4, "cover": 7}
    assert fm.body == "# Body\ntext\n"
    assert fm.body_line_offset == 9
    # Body line 1 ("# Body") is file line 10.
    assert text.split("\n")[1 + fm.body_line_offset - 1] == "# Body"


def test_yaml_datetime_with_offset_is_kept_aware() -> None:
    fm, _ = parse_ok("---\ndate: 2024-02-02T10:30:00Z\nlastmod: 2024-02-02 10:30:00\n---\n")
    assert fm.values["date"] == datetime(2024, 2, 2, 10, 30, tzinfo=UTC)
    assert fm.values["lastmod"] == datetime(2024, 2, 2, 10, 30)


def test_yaml_impossible_timestamp_stays_a_string() -> None:
    fm, diagnostics = parse_ok("---\ndate: 2019-13-01\nlastmod: 2019-02-30\n---\n")
    assert diagnostics == ()
    assert fm.values == {"date": "2019-13-01", "lastmod": "2019-02-30"}


def test_yaml_crlf_line_endings() -> None:
    fm, _ = parse_ok("---\r\ntitle: A\r\ndraft: true\r\n---\r\nbody\r\n")
    assert fm.values == {"title": "A", "draft": True}
    assert fm.key_lines == {"title": 2, "draft": 3}
    assert fm.body == "body\r\n"
    assert fm.body_line_offset == 4


def test_yaml_empty_front_matter() -> None:
    fm, diagnostics = parse_ok("---\n---\nbody")
    assert (fm.format, fm.values, fm.body, fm.body_line_offset) == ("yaml", {}, "body", 2)
    assert diagnostics == ()


def test_yaml_comment_only_front_matter_is_empty() -> None:
    fm, _ = parse_ok("---\n# nothing yet\n---\nbody")
    assert fm.values == {}


def test_yaml_merge_key_at_top_level() -> None:
    fm, _ = parse_ok("---\nbase: &b {x: 1}\n<<: *b\ntitle: T\n---\n")
    assert fm.values["x"] == 1
    assert fm.values["title"] == "T"


def test_leading_blank_lines_before_the_delimiter_keep_lines() -> None:
    fm, _ = parse_ok("\n\n---\ntitle: A\n---\nbody\n")
    assert fm.key_lines == {"title": 4}
    assert fm.body_line_offset == 5


def test_bom_is_stripped() -> None:
    fm, _ = parse_ok("\ufeff---\ntitle: A\n---\nbody\n")
    assert fm.format == "yaml"
    assert fm.values == {"title": "A"}
    assert fm.key_lines == {"title": 2}


def test_toml_values_lines_and_body() -> None:
    text = (
        "+++\n"
        'title = "Hello"\n'
        "date = 2024-02-02T10:00:00+01:00\n"
        "notes = '''\n"
        "fake = 1\n"
        "'''\n"
        "tags = [\n"
        '  "a",\n'
        '  "b",\n'
        "]\n"
        '"Quoted Key" = 1\n'
        "[cover]\n"
        'image = "x.png"\n'
        "+++\n"
        "body\n"
    )
    fm, diagnostics = parse_ok(text)
    assert diagnostics == ()
    assert fm.format == "toml"
    assert fm.values["title"] == "Hello"
    assert fm.values["date"].isoformat() == "2024-02-02T10:00:00+01:00"
    assert fm.values["tags"] == ["a", "b"]
    assert fm.values["cover"] == {"image": "x.png"}
    assert fm.values["quoted key"] == 1
    assert "fake" not in fm.values
    assert fm.key_lines == {
        "title": 2,
        "date": 3,
        "notes": 4,
        "tags": 7,
        "quoted key": 11,
        "cover": 12,
    }
    assert fm.body == "body\n"
    assert fm.body_line_offset == 14


def test_toml_dotted_key_and_array_of_tables() -> None:
    fm, _ = parse_ok('+++\ncover.image = "x"\n[[resources]]\nsrc = "a"\n+++\n')
    assert fm.values == {"cover": {"image": "x"}, "resources": [{"src": "a"}]}
    assert fm.key_lines == {"cover": 2, "resources": 3}


def test_json_values_lines_and_body() -> None:
    text = '{\n  "Title": "Hello",\n  "tags": ["a",\n    "b"],\n  "draft": false\n}\n# Body\n'
    fm, diagnostics = parse_ok(text)
    assert diagnostics == ()
    assert fm.format == "json"
    assert fm.values == {"title": "Hello", "tags": ["a", "b"], "draft": False}
    assert fm.key_names == {"title": "Title", "tags": "tags", "draft": "draft"}
    assert fm.key_lines == {"title": 2, "tags": 3, "draft": 5}
    assert fm.body == "# Body\n"
    assert fm.body_line_offset == 6


def test_json_on_one_line_and_empty_object() -> None:
    fm, _ = parse_ok('{"title": "A"}\nbody')
    assert (fm.values, fm.key_lines, fm.body, fm.body_line_offset) == (
        {"title": "A"},
        {"title": 1},
        "body",
        1,
    )
    fm, _ = parse_ok("{}")
    assert (fm.values, fm.body, fm.body_line_offset) == ({}, "", 1)


def test_no_front_matter() -> None:
    text = "# Just a heading\n\nSome text.\n"
    fm, diagnostics = parse_ok(text)
    assert diagnostics == ()
    assert fm == FrontMatter(
        format="none", values={}, key_names={}, key_lines={}, body=text, body_line_offset=0
    )


@pytest.mark.parametrize("text", ["", "\n\n", "{{< figure src=x >}}\ntext\n", "- a list\n"])
def test_other_starts_are_body_only(text: str) -> None:
    fm, diagnostics = parse_ok(text)
    assert (fm.format, fm.body, diagnostics) == ("none", text, ())


def test_result_pickles() -> None:
    fm, _ = parse_ok("---\ndate: 2024-02-02T10:00:00+01:00\n---\n")
    assert pickle.loads(pickle.dumps(fm)) == fm


# --- case-duplicate keys ---------------------------------------------------------------------


def test_case_duplicate_keys_later_wins_with_warning() -> None:
    fm, diagnostics = parse_ok("---\ntitle: A\nshowtoc: false\nx: 1\nShowToc: true\n---\n")
    assert fm.values["showtoc"] is True
    assert fm.key_names["showtoc"] == "ShowToc"
    assert fm.key_lines["showtoc"] == 5
    (warning,) = diagnostics
    assert warning.severity == "warning"
    assert warning.message == "'ShowToc' (line 5) repeats 'showtoc' (line 3); the later one wins"
    assert (warning.path, warning.line) == (PATH, 5)
    assert warning.hint is not None
    assert "case-insensitive" in warning.hint


def test_exact_duplicate_yaml_key_warns_too() -> None:
    fm, diagnostics = parse_ok("---\ntitle: A\ntitle: B\n---\n")
    assert fm.values["title"] == "B"
    assert [(d.line, d.message) for d in diagnostics] == [
        (3, "'title' (line 3) repeats 'title' (line 2); the later one wins")
    ]


def test_case_duplicate_toml_and_json_keys() -> None:
    _, diagnostics = parse_ok('+++\ntitle = "a"\nTitle = "b"\n+++\n')
    assert [d.line for d in diagnostics] == [3]
    _, diagnostics = parse_ok('{\n"draft": true,\n"Draft": false\n}\n')
    assert [d.line for d in diagnostics] == [3]


@pytest.mark.skipif(not SEED.is_file(), reason=f"seed post not found at {SEED}")
def test_seed_post() -> None:
    fm, diagnostics = parse_ok(SEED.read_text(encoding="utf-8"))
    assert fm.format == "yaml"
    assert fm.values["showtoc"] == "tru"
    assert fm.key_lines["showtoc"] == 8
    assert fm.body_line_offset == 9
    assert fm.body.startswith("# Cloud Computing")
    (warning,) = diagnostics
    assert warning.message == "'ShowToc' (line 8) repeats 'showtoc' (line 6); the later one wins"
    assert warning.line == 8


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delimiter", "line"),
    [
        ("---\ntitle: A\n\nbody\n", "---", 1),
        ("\n+++\ntitle = 'A'\n", "+++", 2),
    ],
)
def test_unterminated_front_matter(text: str, delimiter: str, line: int) -> None:
    error = parse_error(text)
    assert error.message == f"unterminated front matter: no closing '{delimiter}'"
    assert (error.line, error.column) == (line, None)


def test_malformed_yaml_points_at_the_line_and_column() -> None:
    error = parse_error("---\ntitle: ok\ndescription: Part 1: setup\n---\n")
    assert error.message == "invalid YAML front matter: mapping values are not allowed here"
    assert (error.line, error.column) == (3, 20)
    assert error.hint is not None
    assert "quote" in error.hint


def test_malformed_yaml_unclosed_quote() -> None:
    error = parse_error('---\ntitle: "open\ndate: 2024-01-01\n---\n')
    assert error.message.startswith("invalid YAML front matter:")
    assert error.line == 2  # where the quote opened, not the end where the parser noticed


def test_malformed_yaml_tab_indentation() -> None:
    error = parse_error("---\ncover:\n\timage: x\n---\n")
    assert (error.line, error.column) == (3, 1)
    assert error.hint == "YAML indents with spaces, not tabs"


def test_yaml_unsafe_tag_is_an_error_not_a_crash() -> None:
    error = parse_error("---\nx: !!python/object:os.system ls\n---\n")
    assert error.line == 2


def test_yaml_bad_explicit_int_is_an_error_not_a_crash() -> None:
    error = parse_error("---\ntitle: ok\nx: !!int abc\n---\n")
    assert error.message.startswith("invalid YAML front matter:")
    assert error.line == 1


@pytest.mark.parametrize(
    ("text", "kind", "line"),
    [
        ("---\n- a\n- b\n---\n", "a list", 2),
        ("---\n\njust words\n---\n", "a single value", 3),
    ],
)
def test_front_matter_that_is_not_a_mapping(text: str, kind: str, line: int) -> None:
    error = parse_error(text)
    assert error.message == f"front matter is {kind}, not a set of key: value entries"
    assert (error.line, error.column) == (line, 1)


def test_malformed_toml_points_at_the_file_line() -> None:
    error = parse_error('\n+++\ntitle = "A"\ndate = \n+++\n')
    assert error.message == "invalid TOML front matter: Invalid value"
    assert (error.line, error.column) == (4, 8)


def test_toml_duplicate_key_is_an_error() -> None:
    error = parse_error("+++\na = 1\nb = 2\na = 3\n+++\n")
    assert error.message == "invalid TOML front matter: Cannot overwrite a value"
    assert error.line == 4


def test_toml_error_at_end_of_document_points_at_the_closing_line() -> None:
    error = parse_error("+++\ntitle = 'A\n+++\n")
    assert "(at" not in error.message
    assert (error.line, error.column) == (3, None)


def test_malformed_json_points_at_line_and_column() -> None:
    error = parse_error('{\n  "title": "A"\n  "draft": true\n}\n')
    assert error.message == "invalid JSON front matter: Expecting ',' delimiter"
    assert (error.line, error.column) == (3, 3)


def test_json_bad_value() -> None:
    error = parse_error('{\n  "title": nope\n}\n')
    assert error.message == "invalid JSON front matter: Expecting value"
    assert (error.line, error.column) == (2, 12)


def test_unterminated_json() -> None:
    error = parse_error('{\n  "title": "A",\n')
    assert error.message.startswith("invalid JSON front matter:")
    assert error.line == 3


def test_json_error_line_with_bom() -> None:
    error = parse_error('\ufeff{"title": 1,,}\n')
    assert (error.line, error.column) == (1, 13)


def test_explicit_timestamp_tag_that_is_no_date_stays_a_string() -> None:
    fm, diagnostics = parse_ok("---\ndate: !!timestamp soon\n---\n")
    assert (fm.values, diagnostics) == ({"date": "soon"}, ())


def test_recursive_yaml_alias_is_an_error() -> None:
    assert parse_error("---\ntitle: x\nloop: &a [*a]\n---\n").line == 3


_PIECES = st.sampled_from(
    [*"-+{}[]\"':,\n \t#!&*|>a1.\\=~", "---\n", "+++\n", "2019-13-01", "!!int", "date"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["---\n", "+++\n", "{", "\ufeff---\n", ""]),
    st.lists(_PIECES, max_size=30),
    st.sampled_from(["---\n", "+++\n", "}\n", ""]),
)
def test_never_raises_and_lines_stay_in_the_file(opening: str, middle: list[str], end: str) -> None:
    text = opening + "".join(middle) + "\n" + end + "body\n"
    _, diagnostics = parse_front_matter(text, path=PATH)
    for diagnostic in diagnostics:
        assert diagnostic.line is not None
        assert 1 <= diagnostic.line <= text.count("\n") + 1
