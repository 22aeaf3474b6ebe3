"""The watcher on a real folder: every way editors save, filtering, debounce, the rebuild loop."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from blog.build import BuildOptions, build
from blog.cache import BuildCache
from blog.watch import Rebuild, SourceWatcher, edited_page_url, is_css_only, rebuild_loop

pytestmark = pytest.mark.timeout(120)

REPO = Path(__file__).resolve().parents[2]
DELAY = 0.08


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy2(REPO / "config.yaml", root / "config.yaml")
    shutil.copytree(REPO / "content", root / "content")
    (root / "templates").mkdir()
    (root / "static").mkdir()
    return root.resolve()


def start(site: Path, poll: bool) -> SourceWatcher:
    watcher = SourceWatcher(site, poll=poll)
    watcher.start()
    time.sleep(0.3 if poll else 0.1)  # the polling observer takes its first snapshot
    return watcher


@pytest.fixture(params=[False, True], ids=["native", "poll"])
def watcher(request: pytest.FixtureRequest, site: Path) -> Iterator[SourceWatcher]:
    w = start(site, request.param)
    yield w
    w.stop()


def next_changes(watcher: SourceWatcher, timeout: float = 5.0) -> tuple[Path, ...] | None:
    """Return the next settled burst of changes, or None when nothing came in ``timeout``."""
    stop = threading.Event()
    timer = threading.Timer(timeout, stop.set)
    timer.start()
    try:
        return watcher.wait_for_changes(DELAY, stop)
    finally:
        timer.cancel()


def in_place(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.write(text)


def atomic_rename(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def vim_save(path: Path, text: str) -> None:
    # vim: probe with "4913", keep the swap file, rename the original to a backup, write anew.
    swap = path.with_name(f".{path.name}.swp")
    swap.write_bytes(b"vim swap")
    probe = path.with_name("4913")
    probe.write_bytes(b"")
    probe.unlink()
    backup = path.with_name(path.name + "~")
    path.rename(backup)
    path.write_text(text, encoding="utf-8")
    backup.unlink()
    swap.unlink()


def jetbrains_save(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + "___jb_tmp___")
    old = path.with_name(path.name + "___jb_old___")
    tmp.write_text(text, encoding="utf-8")
    path.rename(old)
    tmp.rename(path)
    old.unlink()


def emacs_save(path: Path, text: str) -> None:
    lock = path.with_name(f".#{path.name}")
    lock.symlink_to("user@host.1234")
    autosave = path.with_name(f"#{path.name}#")
    autosave.write_text(text)
    path.write_text(text, encoding="utf-8")
    autosave.unlink()
    lock.unlink()


SAVES: dict[str, Callable[[Path, str], None]] = {
    "in-place": in_place,
    "atomic-rename": atomic_rename,
    "vim": vim_save,
    "jetbrains": jetbrains_save,
    "emacs": emacs_save,
}


@pytest.mark.parametrize("save", SAVES.values(), ids=SAVES.keys())
def test_every_kind_of_editor_save_is_one_change_of_the_file(
    watcher: SourceWatcher, site: Path, save: Callable[[Path, str], None]
) -> None:
    post = site / "content/posts/sagemaker-post.md"
    save(post, post.read_text() + "\nEdited.\n")
    changes = next_changes(watcher)
    assert changes is not None and post in changes
    # Temp, swap, backup and lock files never show up as changes of their own.
    assert set(changes) == {post}, changes
    assert next_changes(watcher, timeout=0.5) is None


def test_new_deleted_and_renamed_files(watcher: SourceWatcher, site: Path) -> None:
    new = site / "content/posts/new.md"
    new.write_text("---\ntitle: New\n---\nHello\n")
    assert next_changes(watcher) == (new,)
    renamed = site / "content/posts/renamed.md"
    new.rename(renamed)
    assert set(next_changes(watcher) or ()) == {new, renamed}
    renamed.unlink()
    assert next_changes(watcher) == (renamed,)


def test_a_deleted_folder_counts_as_a_change(watcher: SourceWatcher, site: Path) -> None:
    folder = site / "content/notes"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: A\n---\n")
    assert next_changes(watcher) is not None
    shutil.rmtree(folder)
    changes = next_changes(watcher)
    assert changes and not is_css_only(changes)


def test_a_burst_of_saves_is_one_change(watcher: SourceWatcher, site: Path) -> None:
    post = site / "content/posts/sagemaker-post.md"
    text = post.read_text()
    for n in range(5):
        post.write_text(text + f"\nSave {n}\n")
        time.sleep(0.05)
    assert next_changes(watcher) == (post,)
    assert next_changes(watcher, timeout=0.5) is None


def test_temp_files_alone_change_nothing(watcher: SourceWatcher, site: Path) -> None:
    posts = site / "content/posts"
    for name in ("4913", ".post.md.swp", "post.md~", "post.md___jb_tmp___", ".#post.md", "a.tmp"):
        (posts / name).write_text("x")
        (posts / name).unlink()
    assert next_changes(watcher, timeout=1.0) is None


def test_only_sources_are_watched(watcher: SourceWatcher, site: Path) -> None:
    (site / "README.md").write_text("not a source")
    (site / "public").mkdir()
    (site / "public/index.html").write_text("output")
    (site / ".cache").mkdir()
    (site / ".cache/x").write_text("cache")
    assert next_changes(watcher, timeout=1.0) is None
    (site / "config.yaml").write_text((site / "config.yaml").read_text() + "\n")
    assert next_changes(watcher) == (site / "config.yaml",)
    (site / "templates/base.html").write_text("{% block main %}{% endblock %}")
    assert next_changes(watcher) == (site / "templates/base.html",)


def test_a_folder_made_after_start_is_watched(tmp_path: Path) -> None:
    root = (tmp_path / "bare").resolve()
    root.mkdir()
    (root / "config.yaml").write_text("baseURL: https://example.org/\ntitle: T\n")
    w = start(root, poll=False)
    try:
        (root / "static").mkdir()
        assert next_changes(w) is not None
        time.sleep(0.1)
        css = root / "static/extra.css"
        css.write_text("body{}")
        assert next_changes(w) == (css,)
    finally:
        w.stop()


def test_css_only_and_edited_page(site: Path, tmp_path: Path) -> None:
    css = site / "static/a.css"
    post = site / "content/posts/sagemaker-post.md"
    assert is_css_only((css,))
    assert not is_css_only((css, post))
    assert not is_css_only(())
    result = build(site, BuildOptions(out_dir=tmp_path / "out"))
    assert result.ok
    assert edited_page_url(result, (css, post)) == "/posts/sagemaker-post/"
    assert edited_page_url(result, (post, site / "content/about.md")) == "/about/"
    assert edited_page_url(result, (css,)) is None


def test_rebuild_loop_builds_once_per_burst_and_publishes(site: Path, tmp_path: Path) -> None:
    w = start(site, poll=False)
    published: list[Rebuild] = []
    begun = threading.Event()
    stop = threading.Event()
    options = BuildOptions(out_dir=tmp_path / "out", cache=BuildCache())
    loop = threading.Thread(
        target=rebuild_loop,
        args=(w, options),
        kwargs={"begin": begun.set, "publish": published.append, "stop": stop, "delay": DELAY},
    )
    loop.start()
    try:
        post = site / "content/posts/sagemaker-post.md"
        text = post.read_text()
        for n in range(5):
            post.write_text(text + f"\nBurst save {n}.\n")
            time.sleep(0.05)
        deadline = time.monotonic() + 10
        while not published and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)
        assert begun.is_set()
        assert len(published) == 1, [p.changed for p in published]
        rebuild = published[0]
        assert rebuild.result.ok and rebuild.changed == (post,)
        assert not rebuild.is_css_only
        page = tmp_path / "out/posts/sagemaker-post/index.html"
        assert "Burst save 4." in page.read_text()
        (site / "static/x.css").write_text("p{}")
        deadline = time.monotonic() + 10
        while len(published) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert published[-1].is_css_only
    finally:
        stop.set()
        loop.join(timeout=5)
        w.stop()
    assert not loop.is_alive()
