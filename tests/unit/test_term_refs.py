"""Pages share one TermRef per term: a tag costs memory once, not once per page."""

from __future__ import annotations

import pickle
from pathlib import Path, PurePosixPath

from blog.markdown import MarkdownOptions
from blog.pages import PageSettings, load_page

SETTINGS = PageSettings(markdown=MarkdownOptions(), term_permalinks={"tags": "/topics/:slug/"})


def _terms(name: str, tags: str) -> dict[str, tuple[object, ...]]:
    text = f"---\ntitle: {name}\ntags: [{tags}]\n---\nBody.\n"
    loaded = load_page(
        PurePosixPath(f"posts/{name}.md"), text, file_path=Path(f"/s/{name}.md"), settings=SETTINGS
    )
    assert loaded.page is not None
    return dict(loaded.page.terms)


def test_pages_with_the_same_tag_share_its_term_ref() -> None:
    first, second = _terms("a", "Rock 'n' Roll, Python"), _terms("b", "Python")
    python = first["tags"][1]
    assert second["tags"][0] is python
    assert (python.name, python.slug, python.url) == ("Python", "python", "/topics/python/")
    # a worker's chunk of pages pickles the shared ref once: it arrives shared, too
    back = pickle.loads(pickle.dumps([first, second]))
    assert back[0]["tags"][1] is back[1]["tags"][0]


def test_different_spellings_keep_their_own_names() -> None:
    (upper,), (lower,) = _terms("c", "Go")["tags"], _terms("d", "go")["tags"]
    assert (upper.name, lower.name) == ("Go", "go")
    assert upper.slug == lower.slug == "go"
    assert upper is not lower
