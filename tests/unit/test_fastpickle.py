"""The caches' pickling: paths and frozen pages come back equal, whatever the Python."""

from __future__ import annotations

import copyreg
import io
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest

from blog.fastpickle import dumps, fast_reducers, make, register
from blog.model import Link, Page, TermRef

PATHS = [
    PurePosixPath("posts/a.md"),
    PurePosixPath("a.md"),
    PurePosixPath("."),
    PurePosixPath("posts/nested/deep/ünïcode name.fr.md"),
    PurePosixPath("/abs/olute/path.md"),
    Path("/tmp/site/content/posts/x.md"),
    Path("relative/file.txt"),
    Path("/"),
]


@pytest.mark.parametrize("path", PATHS, ids=str)
def test_paths_come_back_equal_and_usable(path: PurePosixPath) -> None:
    back = pickle.loads(dumps(path))
    assert type(back) is type(path)
    assert back == path and hash(back) == hash(path) and str(back) == str(path)
    assert back.parts == path.parts and back.name == path.name
    assert back / "child" == path / "child" and back.parent == path.parent


def _page() -> Page:
    return Page(
        source=PurePosixPath("posts/p.md"),
        file_path=Path("/site/content/posts/p.md"),
        section="posts",
        title="P",
        slug="p",
        url="/posts/p/",
        terms={"tags": (TermRef(taxonomy="tags", name="A", slug="a", url="/tags/a/"),)},
        links=(Link(target="a.md", line=3),),
        html="<p>x</p>",
    )


def test_a_page_comes_back_equal() -> None:
    page = _page()
    assert pickle.loads(dumps(page)) == page


def test_values_that_do_not_match_the_fields_are_refused() -> None:
    with pytest.raises(pickle.UnpicklingError):
        make(Link, ("https://example.org/",))


def test_a_dataclass_of_one_field_comes_back_equal() -> None:
    register(_OneField)
    assert pickle.loads(dumps([_OneField(value="x")])) == [_OneField(value="x")]


@dataclass(frozen=True, slots=True)
class _OneField:
    value: str


def test_the_workers_reducers_round_trip_with_path_parts_interned() -> None:
    page = _page()
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, **fast_reducers()}
    pickler.dump([page, page.source, page.file_path])
    back, source, file_path = pickle.loads(buffer.getvalue())
    assert back == page and (source, file_path) == (page.source, page.file_path)
    assert b"fastpickle" in buffer.getvalue()  # the fast form, not the default
    for path in (back.source, back.file_path, source, file_path):
        assert all(part is sys.intern(part) for part in path.parts)  # as pathlib's own
