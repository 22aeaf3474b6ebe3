"""``enableGitInfo``: lastmod from one ``git log`` over content/, with a real repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path, PurePosixPath

import pytest

from blog import gitinfo
from blog.errors import Diagnostics
from blog.gitinfo import git_head, git_lastmods, parse_log, with_git_lastmod
from blog.model import Page

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, date: str | None = None, **dates: str) -> None:
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ann",
        "GIT_AUTHOR_EMAIL": "ann@example.org",
        "GIT_COMMITTER_NAME": "Ann",
        "GIT_COMMITTER_EMAIL": "ann@example.org",
    }
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    env.update(dates)
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def commit(repo: Path, date: str, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose site sits in a subfolder, with three dated commits."""
    repo = tmp_path / "repo"
    content = repo / "site" / "content"
    git(tmp_path, "init", "-q", str(repo))
    write(content / "posts" / "first.md", "---\ntitle: First\n---\nOne.\n")
    write(content / "posts" / "café au lait.md", "---\ntitle: Café\n---\nTwo.\n")
    write(repo / "README.md", "outside content/\n")
    commit(repo, "2020-01-02T03:04:05+01:00", "first")
    write(content / "posts" / "first.md", "---\ntitle: First\n---\nOne, edited.\n")
    write(content / "about.md", "---\ntitle: About\n---\nMe.\n")
    commit(repo, "2021-06-07T08:09:10Z", "second")
    write(repo / "README.md", "only outside content/ changes\n")
    commit(repo, "2022-01-01T00:00:00Z", "third")
    write(content / "posts" / "draft.md", "---\ntitle: Not committed\n---\n")
    return repo


def test_each_file_gets_its_last_commit_date(repo: Path) -> None:
    diag = Diagnostics()
    content = repo / "site" / "content"
    dates = git_lastmods(content, diag)
    assert diag.items == []
    assert dates == {
        content / "posts" / "first.md": datetime(2021, 6, 7, 8, 9, 10, tzinfo=UTC),
        content / "about.md": datetime(2021, 6, 7, 8, 9, 10, tzinfo=UTC),
        content / "posts" / "café au lait.md": datetime(
            2020, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=1))
        ),
    }


def test_git_runs_once_for_the_whole_folder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = repo / "site" / "content"
    for n in range(30):
        write(content / "many" / f"p{n}.md", f"---\ntitle: P{n}\n---\n")
    commit(repo, "2023-03-03T03:03:03Z", "many")
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(command: list[str], **kwargs: object) -> object:
        calls.append(command)
        return real_run(command, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(gitinfo.subprocess, "run", counting_run)
    dates = git_lastmods(content, Diagnostics())
    assert len(dates) == 34  # the 30 new files, the draft committed with them, the first 3
    assert len(calls) == 1 and "log" in calls[0]


def test_author_date_is_used_as_in_hugo(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", str(repo))
    write(repo / "content" / "a.md", "a\n")
    git(repo, "add", "-A")
    git(
        repo,
        "commit",
        "-qm",
        "a",
        GIT_AUTHOR_DATE="2019-01-01T00:00:00Z",
        GIT_COMMITTER_DATE="2024-01-01T00:00:00Z",
    )
    dates = git_lastmods(repo / "content", Diagnostics())
    assert dates == {repo / "content" / "a.md": datetime(2019, 1, 1, tzinfo=UTC)}


def test_not_a_repository_is_one_warning_and_no_dates(tmp_path: Path) -> None:
    content = tmp_path / "site" / "content"
    write(content / "a.md", "a\n")
    diag = Diagnostics()
    assert git_lastmods(content, diag) == {}
    assert [(d.severity, d.message) for d in diag.items] == [
        (
            "warning",
            "enableGitInfo: content/ is not in a git repository; "
            "lastmod dates come from front matter",
        )
    ]
    assert git_head(tmp_path) is None


def test_without_git_installed_is_one_warning(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "nowhere"))
    diag = Diagnostics()
    assert git_lastmods(repo / "site" / "content", diag) == {}
    assert [d.message for d in diag.items] == [
        "enableGitInfo: git is not installed; lastmod dates come from front matter"
    ]


def test_git_date_wins_over_front_matter_lastmod_as_in_hugos_default_order() -> None:
    front_matter = datetime(2030, 1, 1, tzinfo=UTC)
    git_date = datetime(2021, 6, 7, tzinfo=UTC)
    pages = tuple(
        Page(
            source=PurePosixPath(name),
            file_path=Path("content", name),
            section=None,
            slug=name[0],
            title=name,
            url=f"/{name[0]}/",
            lastmod=front_matter,
        )
        for name in ("a.md", "b.fr.md")
    )
    updated = with_git_lastmod(pages, {Path("content", "a.md"): git_date})
    assert [p.lastmod for p in updated] == [git_date, front_matter]
    assert with_git_lastmod(pages, {}) is pages


def test_head_changes_with_each_commit(repo: Path) -> None:
    before = git_head(repo / "site")
    write(repo / "site" / "content" / "new.md", "new\n")
    commit(repo, "2024-01-01T00:00:00Z", "new")
    after = git_head(repo / "site")
    assert before and after and before != after


def test_parse_log_keeps_the_newest_date_of_each_file() -> None:
    output = (
        "\x012022-01-01T00:00:00Z\0\na.md\0b c.md\0\x012020-01-01T00:00:00+02:00\0\na.md\0d/e.md\0"
    )
    assert parse_log(output) == {
        PurePosixPath("a.md"): datetime(2022, 1, 1, tzinfo=UTC),
        PurePosixPath("b c.md"): datetime(2022, 1, 1, tzinfo=UTC),
        PurePosixPath("d/e.md"): datetime(2020, 1, 1, tzinfo=timezone(timedelta(hours=2))),
    }


def _build_uses_git() -> bool:
    from blog import build

    return hasattr(build, "git_lastmods")


@pytest.mark.skipif(not _build_uses_git(), reason="build.py does not call gitinfo yet")
def test_built_site_shows_git_lastmod(repo: Path) -> None:
    from blog.build import BuildOptions, build

    site = repo / "site"
    write(site / "hugo.yaml", "baseURL: https://example.org/\ntitle: Git\nenableGitInfo: true\n")
    write(
        site / "content" / "posts" / "first.md",
        "---\ntitle: First\ndate: 2019-01-01\nlastmod: 2030-01-01\n---\nOne, edited.\n",
    )
    commit(repo, "2021-06-07T08:09:10Z", "lastmod in front matter")
    result = build(site, BuildOptions(use_cache=False))
    assert result.ok, result.diagnostics
    page = (result.out_dir / "posts" / "first" / "index.html").read_text(encoding="utf-8")
    assert 'content="2021-06-07T08:09:10+00:00"' in page  # git's date, not front matter's
    sitemap = (result.out_dir / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2021-06-07T08:09:10+00:00</lastmod>" in sitemap
    # An edit not committed yet keeps the last commit's date; committing it (no file changes
    # on disk since that build) gives the new date: the unchanged-site shortcut must not apply.
    edited = "---\ntitle: First\ndate: 2019-01-01\n---\nTwo.\n"
    write(site / "content" / "posts" / "first.md", edited)
    assert build(site, BuildOptions()).ok
    page = (result.out_dir / "posts" / "first" / "index.html").read_text(encoding="utf-8")
    assert "Two." in page and 'content="2021-06-07T08:09:10+00:00"' in page
    commit(repo, "2023-03-03T00:00:00Z", "edit")
    assert build(site, BuildOptions()).ok
    page = (result.out_dir / "posts" / "first" / "index.html").read_text(encoding="utf-8")
    assert 'content="2023-03-03T00:00:00+00:00"' in page


@pytest.mark.skipif(not _build_uses_git(), reason="build.py does not call gitinfo yet")
def test_site_outside_git_builds_with_one_warning(tmp_path: Path) -> None:
    from blog.build import BuildOptions, build

    site = tmp_path / "site"
    write(site / "config.yaml", "baseURL: https://example.org/\ntitle: T\nenableGitInfo: true\n")
    for n in range(3):
        write(site / "content" / "posts" / f"p{n}.md", f"---\ntitle: P{n}\n---\nText.\n")
    result = build(site, BuildOptions(use_cache=False))
    assert result.ok
    assert [d.message for d in result.diagnostics if "enableGitInfo" in d.message] == [
        "enableGitInfo: content/ is not in a git repository; lastmod dates come from front matter"
    ]
