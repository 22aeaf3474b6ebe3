"""blog new: sites and content files from archetypes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import pytest

from blog.errors import BlogError
from blog.scaffold import content_path_for_title, new_content, new_site, title_for_path

NOW = datetime(2026, 11, 27, 14, 30, tzinfo=UTC)


def test_new_site_writes_a_complete_site(tmp_path: Path) -> None:
    written = {
        f.path.relative_to(tmp_path / "x").as_posix() for f in new_site(tmp_path / "x", now=NOW)
    }
    assert {"config.yaml", ".gitignore", "content/posts/welcome.md",
            ".github/workflows/pages.yml", "archetypes/default.md"} <= written  # fmt: skip
    config = (tmp_path / "x/config.yaml").read_text()
    assert "title: X" in config and "# " in config


def test_new_site_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep")
    with pytest.raises(BlogError, match="not empty"):
        new_site(tmp_path, now=NOW)
    assert (tmp_path / "mine.txt").read_text() == "keep"
    new_site(tmp_path, now=NOW, force=True)
    assert (tmp_path / "config.yaml").exists() and (tmp_path / "mine.txt").exists()


def test_title_to_path_and_back() -> None:
    assert content_path_for_title("Hello, World") == PurePosixPath("posts/hello-world.md")
    assert content_path_for_title("Notes", section="notes") == PurePosixPath("notes/notes.md")
    assert title_for_path(PurePosixPath("posts/my-first-post.md")) == "My First Post"
    assert title_for_path(PurePosixPath("posts/trip/index.md")) == "Trip"


def test_new_content_uses_the_section_archetype(tmp_path: Path) -> None:
    (tmp_path / "archetypes").mkdir()
    (tmp_path / "archetypes/notes.md").write_text("---\ntitle: {{ title }}\nkind: note\n---\n")
    made = new_content(
        tmp_path, PurePosixPath("notes/a.md"), title="A", timezone="Asia/Tokyo", now=NOW
    )
    assert made.path.read_text() == "---\ntitle: A\nkind: note\n---\n"
    made = new_content(
        tmp_path, PurePosixPath("posts/b.md"), title="B", timezone="Asia/Tokyo", now=NOW
    )
    text = made.path.read_text()
    assert 'title: "B"' in text and "date: 2026-11-27T23:30:00+09:00" in text
    assert "draft: true" in text


def test_new_content_never_overwrites(tmp_path: Path) -> None:
    rel = PurePosixPath("posts/a.md")
    new_content(tmp_path, rel, title="A", timezone="UTC", now=NOW)
    before = (tmp_path / "content" / rel).read_bytes()
    with pytest.raises(BlogError, match="already exists"):
        new_content(tmp_path, rel, title="Other", timezone="UTC", now=NOW)
    assert (tmp_path / "content" / rel).read_bytes() == before


@pytest.mark.parametrize("bad", ["../escape.md", "/abs.md", "posts/no-extension"])
def test_new_content_refuses_bad_paths(tmp_path: Path, bad: str) -> None:
    with pytest.raises(BlogError):
        new_content(tmp_path, PurePosixPath(bad), title="X", timezone="UTC", now=NOW)


def test_archetype_error_is_clear(tmp_path: Path) -> None:
    (tmp_path / "archetypes").mkdir()
    (tmp_path / "archetypes/default.md").write_text("title: {{ .Title }}\n")
    with pytest.raises(BlogError, match="archetype error"):
        new_content(tmp_path, PurePosixPath("posts/a.md"), title="A", timezone="UTC", now=NOW)


def test_new_sites_get_the_repositorys_own_pages_workflow() -> None:
    repo = Path(__file__).resolve().parents[2]
    skeleton = repo / "src/blog/skeleton/pages.yml"
    assert skeleton.read_bytes() == (repo / ".github/workflows/pages.yml").read_bytes()
