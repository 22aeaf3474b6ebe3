"""The caches' pickling: paths and frozen pages come back equal, whatever the Python."""

from __future__ import annotations

import pickle
from pathlib import Path, PurePosixPath

import pytest

from blog.fastpickle import dumps
from blog.model import Page, TermRef

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


def test_a_page_comes_back_equal() -> None:
    page = Page(
        source=PurePosixPath("posts/p.md"),
        file_path=Path("/site/content/posts/p.md"),
        section="posts",
        title="P",
        slug="p",
        url="/posts/p/",
        terms={"tags": (TermRef(taxonomy="tags", name="A", slug="a", url="/tags/a/"),)},
        html="<p>x</p>",
    )
    assert pickle.loads(dumps(page)) == page
