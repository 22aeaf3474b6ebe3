"""The everyday command line, run as a user runs it."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from blog import __version__, bodies
from blog.build import BuildOptions, build
from blog.cli import main
from blog.commands.common import ProgressLine
from blog.model import Page
from tests.conftest import snapshot

BLOG = [sys.executable, "-m", "blog"]


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_new_site_builds_and_checks_at_once(tmp_path: Path) -> None:
    site = tmp_path / "x"
    done = subprocess.run([*BLOG, "new", "site", str(site)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    built = subprocess.run([*BLOG, "build"], cwd=site, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert (site / "public/posts/welcome/index.html").exists()
    checked = subprocess.run([*BLOG, "check"], cwd=site, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr + checked.stdout
    again = subprocess.run([*BLOG, "new", "site", str(site)], capture_output=True, text=True)
    assert again.returncode == 1 and "not empty" in again.stderr


def test_new_post_then_refuses_to_overwrite(tmp_path: Path) -> None:
    site = tmp_path / "s"
    assert run("new", "site", str(site))[0] == 0
    code, out = run("new", "post", "Hello, World", "-s", str(site))
    assert code == 0, out
    post = site / "content/posts/hello-world.md"
    text = post.read_text()
    assert 'title: "Hello, World"' in text and "draft: true" in text
    assert re.search(r"^date: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", text, re.M)
    post.write_text(text + "\nMy words.\n")
    code, out = run("new", "post", "Hello, World", "-s", str(site))
    assert code == 1 and "already exists" in out
    assert post.read_text().endswith("My words.\n")


def test_new_path_as_in_hugo(tmp_path: Path) -> None:
    site = tmp_path / "s"
    run("new", "site", str(site))
    code, out = run("new", "content/notes/my-idea.md", "-s", str(site))
    assert code == 0, out
    assert 'title: "My Idea"' in (site / "content/notes/my-idea.md").read_text()


def explain_site(make_site: Callable[..., Path]) -> Path:
    return make_site(
        {
            "config.yaml": "baseURL: https://e.org/\ntimeZone: Europe/Berlin\n",
            "content/posts/live.md": "---\ntitle: Live\ndate: 2024-01-01\n---\nx\n",
            "content/posts/draft.md": "---\ntitle: Draft\ndate: 2024-01-01\ndraft: true\n---\n",
            "content/posts/soon.md": "---\ntitle: Soon\ndate: 2999-05-01T09:30:00\n---\n",
            "content/posts/old.md": (
                "---\ntitle: Old\ndate: 2020-01-01\nexpiryDate: 2021-06-01T00:00:00Z\n---\n"
            ),
        }
    )


def test_explain_names_every_missing_page_and_why(make_site: Callable[..., Path]) -> None:
    site = explain_site(make_site)
    code, out = run("build", "--explain", "-s", str(site))
    assert code == 0, out
    assert "content/posts/draft.md: draft (-D builds drafts)" in out
    assert (
        "content/posts/soon.md: future: appears at 2999-05-01 09:30:00+02:00 Europe/Berlin "
        "(written without an offset: the site's timeZone)" in out
    )
    assert "content/posts/old.md: expired at 2021-06-01 00:00:00+00:00" in out
    assert "live.md" not in out.split("made no page")[1]


def test_list_drafts_and_all(make_site: Callable[..., Path]) -> None:
    site = explain_site(make_site)
    code, out = run("list", "drafts", "-s", str(site))
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split() == ["PATH", "TITLE", "DATE", "URL", "STATUS"]
    assert len(lines) == 2 and "content/posts/draft.md" in lines[1] and "/posts/draft/" in lines[1]
    code, out = run("list", "all", "-s", str(site))
    statuses = {line.split()[0]: line.split()[-1] for line in out.strip().splitlines()[1:]}
    assert statuses == {
        "content/posts/live.md": "published",
        "content/posts/draft.md": "draft",
        "content/posts/soon.md": "future",
        "content/posts/old.md": "expired",
    }


def test_version_quiet_and_help() -> None:
    assert run("--version")[1].strip() == f"blog, version {__version__}"
    code, out = run("--help")
    assert code == 0 and "Examples:" in out and "\\b" not in out
    for command in ("build", "serve", "check", "new", "list"):
        code, out = run(command, "--help")
        assert code == 0 and "Examples:" in out, command


def test_quiet_prints_nothing_on_success(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/posts/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nx\n"})
    assert run("build", "-q", "-s", str(site)) == (0, "")
    assert run("-q", "build", "-s", str(site)) == (0, "")


def test_verbose_shows_our_detail_not_the_markdown_parsers_debug_log(
    make_site: Callable[..., Path],
) -> None:
    """-v turns on our loggers only: markdown-it logs every block rule it tries at DEBUG."""
    site = make_site({"content/posts/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\n# Hi\n\nx\n"})
    done = subprocess.run(
        [sys.executable, "-m", "blog", "build", "-v", "-s", str(site)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "built 1 page" in done.stdout + done.stderr
    assert "entering " not in done.stderr, done.stderr[:500]


def test_the_blog_program_exits_at_once_with_every_line_and_its_exit_code(
    make_site: Callable[..., Path],
) -> None:
    """The installed ``blog`` skips the interpreter's teardown, and loses nothing by it."""
    program = Path(sys.executable).with_name("blog")
    if not program.is_file():
        pytest.skip(f"the blog program is not installed beside {sys.executable}")
    posts = {
        f"content/posts/p{n}.md": f"---\ntitle: P{n}\ndraft: true\n---\nx\n" for n in range(300)
    }
    site = make_site({"content/posts/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nx\n", **posts})

    def both(*args: str) -> list[tuple[int, str, str]]:
        return [
            (done.returncode, done.stdout, done.stderr)
            for command in ([str(program)], BLOG)
            for done in [subprocess.run([*command, *args], capture_output=True, text=True)]
        ]

    built, reference = both("build", "-s", str(site), "-d", str(site / "out"))
    assert built[0] == 0 and "built 1 page" in built[1] + built[2]
    assert (site / "out" / "posts" / "a" / "index.html").is_file()
    listed, reference = both("list", "drafts", "-s", str(site))
    assert listed == reference and listed[1].count("\n") >= 300  # more than a pipe's buffer
    (site / "content/posts/bad.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    failed, reference = both("build", "-s", str(site), "-d", str(site / "out"))
    assert failed[0] == 1 and "error:" in failed[1] + failed[2]
    assert failed == reference
    assert both("--version")[0] == (0, f"blog, version {__version__}\n", "")


def _tty_output(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run a command with its output on a pseudo-terminal, as a user's shell does."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


@pytest.mark.parametrize("no_color", [False, True])
def test_colour_only_on_a_terminal_and_never_with_no_color(
    make_site: Callable[..., Path], no_color: bool
) -> None:
    site = make_site({"content/posts/bad.md": "---\ndate: 2019-13-01\n---\n"})
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    if no_color:
        env["NO_COLOR"] = "1"
    on_tty = _tty_output([*BLOG, "build"], site, env)
    assert "error: date is not a valid date" in on_tty
    assert ("\x1b[" in on_tty) is not no_color
    piped = subprocess.run([*BLOG, "build"], cwd=site, env=env, capture_output=True, text=True)
    assert "\x1b[" not in piped.stderr and "error:" in piped.stderr


def test_progress_line_appears_only_after_two_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    fresh = ProgressLine(enabled=True)
    fresh("reading", 1, 10)
    assert capsys.readouterr().err == ""
    slow = ProgressLine(enabled=True, started=time.monotonic() - 3)
    slow("reading", 10, 10)
    slow.close()
    assert capsys.readouterr().err == "\rreading   [" + "#" * 30 + "] 10/10\n"
    off = ProgressLine(enabled=False, started=time.monotonic() - 3)
    off("reading", 10, 10)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("least", [0, bodies.LIGHT_PAGES_FROM])
def test_blog_build_keeps_page_bodies_on_disk_from_so_many_files(
    example_site: Path, monkeypatch: pytest.MonkeyPatch, least: int
) -> None:
    """``blog build`` makes pages light (``bodies.py``) on a big site only; same output.

    ``least`` is how many content files make a site big: 0 makes the example site one.
    """
    light: list[str] = []
    put_aside = bodies.BodyStore.put_aside

    def counted(store: bodies.BodyStore, page: Page) -> Page:
        kept = put_aside(store, page)
        if kept is not page:
            light.append(page.source.as_posix())
        return kept

    monkeypatch.setattr(bodies.BodyStore, "put_aside", counted)
    monkeypatch.setattr("blog.commands.build.LIGHT_PAGES_FROM", least)
    code, output = run(
        "build", "-s", str(example_site), "--no-cache", "-d", str(example_site / "light")
    )
    assert code == 0, output
    # the example site's few pages render in this process: put aside here, or not at all
    assert bool(light) == (least == 0)
    whole = build(example_site, BuildOptions(use_cache=False, out_dir=example_site / "whole"))
    assert whole.ok
    mine, theirs = snapshot(example_site / "light"), snapshot(example_site / "whole")
    mine.pop(".blog-output"), theirs.pop(".blog-output")
    assert mine == theirs
