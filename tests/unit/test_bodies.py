"""Light pages: bodies kept in a temporary file, read back wherever they are used."""

from __future__ import annotations

import os
import pickle
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import pytest

from blog.bodies import BodyStore, bodies_aside, has_files
from blog.cache import BuildCache
from blog.content import Content, Inclusion, load_content
from blog.errors import Diagnostics
from blog.fastpickle import dumps
from blog.markdown import MarkdownOptions
from blog.model import BODY_ASIDE, Page
from blog.pages import PageSettings, load_page

SETTINGS = PageSettings(markdown=MarkdownOptions())
TEXT = "---\ntitle: One\n---\n\nIntro [a link](other.md).\n\n## Part\n\nText.\n"


def _page(name: str = "one", text: str = TEXT) -> Page:
    loaded = load_page(
        PurePosixPath(f"posts/{name}.md"), text, file_path=Path(f"/s/{name}.md"), settings=SETTINGS
    )
    assert loaded.page is not None
    return loaded.page


def _holds(page: Page, name: str) -> bool:
    try:
        object.__getattribute__(page, name)
    except AttributeError:
        return False
    return True


def test_a_light_page_holds_no_body_and_reads_it_back_unchanged() -> None:
    whole = _page()
    with bodies_aside() as store:
        light = store.put_aside(whole)
        assert not any(_holds(light, name) for name in BODY_ASIDE)
        assert light.html == whole.html and "<h2" in light.html
        assert light.toc == whole.toc and light.toc
        assert light.plain_text == whole.plain_text
        assert light.links == whole.links and light.links
        assert light.title == whole.title and light.summary == whole.summary
        assert light == whole  # every field compares, bodies read back
        assert pickle.loads(dumps(light)) == whole  # a cache row is the whole page


def test_sections_stay_whole_and_a_light_page_is_not_put_aside_twice() -> None:
    section = _page("_index")
    assert section.kind == "section"
    with bodies_aside() as store:
        assert store.put_aside(section) is section
        light = store.put_aside(_page())
        assert store.put_aside(light) is light


def test_a_worker_writes_the_body_and_sends_the_page_without_it() -> None:
    whole = _page()
    with bodies_aside() as store:
        sent, span = store.write_body(whole)  # in the worker
        assert span is not None and sent.html == "" and sent.links == ()
        light = store.adopt(pickle.loads(pickle.dumps(sent)), span)  # back in the build
        assert light.html == whole.html and light.links == whole.links


def test_spans_from_processes_forked_from_the_store_never_overlap() -> None:
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    first, second = _page("a"), _page("b", TEXT.replace("Intro", "Other intro"))
    with bodies_aside() as store:
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # a Markdown worker: writes its body, tells where
            _, span = store.write_body(second)
            os.write(write, pickle.dumps(span))
            os._exit(0)
        os.waitpid(child, 0)
        span = pickle.loads(os.read(read, 1024))
        light_first = store.put_aside(first)
        light_second = store.adopt(store.write_body(second)[0], span)
        assert light_first.html == first.html
        assert light_second.html == second.html


def test_bodies_are_gone_with_the_build() -> None:
    with bodies_aside() as store:
        light = store.put_aside(_page())
    with pytest.raises(AttributeError):
        _ = light.html
    assert light.title == "One"


def test_a_page_never_put_aside_has_no_body_to_read() -> None:
    with bodies_aside() as store:
        sent, _ = store.write_body(_page())
        stranger = BodyStore()
        try:
            with pytest.raises(AttributeError, match="no body was put aside"):
                stranger.read(sent, "html")
        finally:
            stranger.close()


def test_cached_pages_are_held_light_in_the_cache_too(tmp_path: Path) -> None:
    """A build whose pages come from the cache keeps them light there as well."""
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    for n in range(3):
        (content / f"posts/p{n}.md").write_text(TEXT.replace("One", f"Post {n}"))
    cache = BuildCache()
    cache.begin(SETTINGS)
    now = datetime(2026, 1, 1, tzinfo=UTC)

    def load(store: BodyStore | None) -> Content:
        return load_content(
            content,
            SETTINGS,
            Diagnostics(),
            now=now,
            inclusion=Inclusion(),
            cache=cache,
            bodies=store,
        )

    whole = load(None)
    assert cache.misses == 3
    with bodies_aside() as store:
        light = load(store)
        assert cache.hits == 3 and cache.misses == 3
        for page, loaded in zip(light.pages, whole.pages, strict=True):
            assert not _holds(page, "html") and page.html == loaded.html
        assert all(not _holds(entry.page, "html") for _, entry in cache.pages.values())
        assert not cache.dirty - {PurePosixPath(f"posts/p{n}.md") for n in range(3)}


def test_without_a_temporary_file_the_pages_stay_whole(tmp_path: Path) -> None:
    with bodies_aside(tmp_path / "no-such-folder") as store:
        assert store is None


def test_a_body_that_cannot_be_written_stays_with_its_page() -> None:
    whole = _page()
    store = BodyStore()
    store.close()  # every write now fails, as on a full disk
    kept = store.put_aside(whole)
    assert kept is whole and _holds(kept, "html")
    sent, span = store.write_body(whole)
    assert sent is whole and span is None


def test_has_files_counts_the_files_of_every_subfolder(tmp_path: Path) -> None:
    (tmp_path / "posts" / "deep").mkdir(parents=True)
    for name in ("a.md", "posts/b.md", "posts/deep/c.md", "posts/deep/d.png"):
        (tmp_path / name).write_text("x")
    assert has_files(tmp_path, 4)
    assert not has_files(tmp_path, 5)  # folders are not files
    assert has_files(tmp_path, 1)
    assert not has_files(tmp_path / "missing", 1)
    assert has_files(tmp_path / "missing", 0)  # light_pages_from=0: always
