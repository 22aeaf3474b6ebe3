"""Whole builds of real sites in tmp_path: the seed post, diagnostics, nothing lost on error."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from blog.cli import main
from tests.conftest import REPO, build_site, snapshot

SEED = REPO / "content" / "posts" / "sagemaker-post.md"


@pytest.fixture
def example_site(tmp_path: Path) -> Path:
    """A copy of the repository's example site."""
    site = tmp_path / "example"
    site.mkdir()
    shutil.copy(REPO / "config.yaml", site / "config.yaml")
    for folder in ("content", "templates", "static"):
        if (REPO / folder).exists():
            shutil.copytree(REPO / folder, site / folder)
    return site


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_seed_post_is_built_right(example_site: Path) -> None:
    result = build_site(example_site)
    assert result.ok
    html = (example_site / "public/posts/sagemaker-post/index.html").read_text()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and "Cloud Computing and AI | ML" in title.group(1)
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    ids = re.findall(r'<h[1-6][^>]* id="([^"]*)"', html)
    assert ids == [
        "cloud-computing-and-ai--ml",
        "-sagemaker-and-modern-day-ml",
        "evolvement-and-need-of-ml",
        "aws--gpus",
    ]
    for anchor in ids[1:]:
        assert f'href="#{anchor}"' in html, f"TOC lacks a link to #{anchor}"
    first_paragraph = html.split("Evolvement and need of ML", 1)[1].split("</p>", 1)[0]
    assert first_paragraph.count("<br>") == 3
    quote = re.search(r"<blockquote>(.*?)</blockquote>", html, re.S)
    assert quote and "SageMaker takes away" in quote.group(1)
    assert "You can Read more" not in quote.group(1)
    assert '<meta name="description" content="5 weeks of 2024:">' in html


def test_seed_post_warnings_name_their_lines(example_site: Path) -> None:
    code, out = run_cli("build", "-s", str(example_site))
    assert code == 0, out
    rel = "content/posts/sagemaker-post.md"
    assert re.search(rf"{rel}:10: warning: no title in front matter", out)
    assert re.search(rf"{rel}:8: warning: 'ShowToc' \(line 8\) repeats 'showtoc' \(line 6\)", out)
    assert re.search(rf"{rel}:8: warning: 'ShowToc' is not a boolean: \"tru\"", out)
    assert "Traceback" not in out


def test_seed_post_is_the_users_file_byte_for_byte() -> None:
    seed = REPO.parent / "shared" / "seed" / "sagemaker-post.md"
    if not seed.exists():
        pytest.skip("../shared/seed is not beside this checkout")
    assert SEED.read_bytes() == seed.read_bytes()


BROKEN = {
    "yaml": ("---\ntitle: Fine\ndate: [2024\n---\nBody\n", 3),
    "toml": ('+++\ntitle = "Fine"\ndate = = 2024\n+++\nBody\n', 3),
    "json": ('{\n  "title": "Fine",\n  "date": 2024-\n}\nBody\n', 3),
    "date": ("---\ntitle: Fine\ndate: 2019-13-01\n---\nBody\n", 3),
    "unterminated": ("---\ntitle: Fine\n\nBody without a closing line\n", 1),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_broken_front_matter_fails_with_its_line_and_keeps_public(
    make_site: Callable[..., Path], kind: str
) -> None:
    site = make_site({"content/posts/good.md": "---\ntitle: Good\ndate: 2024-01-01\n---\nHi\n"})
    assert build_site(site).ok
    before = snapshot(site / "public")
    text, line = BROKEN[kind]
    (site / "content/posts/bad.md").write_text(text)
    code, out = run_cli("build", "-s", str(site))
    assert code == 1
    assert re.search(rf"content/posts/bad.md:{line}(:\d+)?: error: ", out), out
    assert "build failed: " in out and "nothing written" in out
    assert "Traceback" not in out
    assert snapshot(site / "public") == before


def test_bad_template_fails_with_template_line(make_site: Callable[..., Path]) -> None:
    site = make_site({"content/posts/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nHi\n"})
    assert build_site(site).ok
    before = snapshot(site / "public")
    (site / "templates").mkdir()
    (site / "templates/page.html").write_text("<html>\n<body>\n{% if page.title %}\n</body>\n")
    code, out = run_cli("build", "-s", str(site))
    assert code == 1
    assert re.search(r"templates/page.html:\d+: error: template syntax error", out), out
    assert snapshot(site / "public") == before


def test_bad_template_is_reported_while_workers_render_the_pages(
    make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The template check runs while forked workers render Markdown (from 48 files on).

    The broken template is used by no page: only the check compiles it.
    """
    monkeypatch.setenv("BLOG_WORKERS", "2")
    posts = {
        f"content/posts/p{n}.md": f"---\ntitle: P{n}\ndate: 2024-01-01\n---\nHi {n}\n"
        for n in range(60)
    }
    site = make_site(posts)
    (site / "templates/partials").mkdir(parents=True)
    (site / "templates/partials/unused.html").write_text("<p>\n{% for x in %}\n</p>\n")
    code, out = run_cli("build", "-s", str(site), "--no-cache")
    assert code == 1
    assert re.search(r"templates/partials/unused.html:2: error: template syntax error", out), out
    assert "Traceback" not in out
    assert not (site / "public").exists()


def test_undefined_template_variable_names_template_and_page(
    make_site: Callable[..., Path],
) -> None:
    site = make_site(
        {
            "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nHi\n",
            "templates/page.html": "<html>\n<body>\n{{ page.no_such_field }}\n</body></html>\n",
        }
    )
    code, out = run_cli("build", "-s", str(site))
    assert code == 1
    assert re.search(r"templates/page.html:3: error: template error: .*no_such_field", out), out
    assert "/posts/a/" in out


def test_all_errors_are_collected(make_site: Callable[..., Path]) -> None:
    site = make_site(
        {
            "content/posts/a.md": "---\ndate: 2019-13-01\n---\nA\n",
            "content/posts/b.md": "---\ntitle: [unclosed\n---\nB\n",
        }
    )
    code, out = run_cli("build", "-s", str(site))
    assert code == 1
    assert "content/posts/a.md:2" in out and "content/posts/b.md:2" in out
    assert "build failed: 2 errors" in out


def test_drafts_future_expired_need_their_flags(make_site: Callable[..., Path]) -> None:
    site = make_site(
        {
            "content/posts/draft.md": "---\ntitle: D\ndate: 2024-01-01\ndraft: true\n---\nx\n",
            "content/posts/future.md": "---\ntitle: F\ndate: 2999-01-01\n---\nx\n",
            "content/posts/old.md": (
                "---\ntitle: E\ndate: 2020-01-01\nexpiryDate: 2021-01-01\n---\nx\n"
            ),
            "content/posts/live.md": "---\ntitle: L\ndate: 2024-01-01\n---\nx\n",
        }
    )
    assert run_cli("build", "-s", str(site))[0] == 0
    built = {p.parent.name for p in (site / "public/posts").glob("*/index.html")}
    assert built == {"live"}
    assert run_cli("build", "-s", str(site), "-D", "-F", "-E")[0] == 0
    built = {p.parent.name for p in (site / "public/posts").glob("*/index.html")}
    assert built == {"live", "draft", "future", "old"}


def test_dates_without_offset_use_the_site_time_zone(make_site: Callable[..., Path]) -> None:
    site = make_site(
        {
            "config.yaml": "baseURL: https://example.org/\ntitle: T\ntimeZone: Asia/Tokyo\n",
            "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-02T08:00:00\n---\nx\n",
        }
    )
    result = build_site(site)
    assert result.ok and result.content
    assert result.content.pages[0].date.isoformat() == "2024-01-02T08:00:00+09:00"  # type: ignore[union-attr]


def test_output_has_static_files_and_nojekyll(make_site: Callable[..., Path]) -> None:
    site = make_site(
        {
            "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-01\n---\nx\n",
            "static/img/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        }
    )
    assert build_site(site).ok
    assert (site / "public/img/logo.svg").read_text().startswith("<svg")
    assert (site / "public/.nojekyll").exists()
    assert (site / "public/posts/a/index.html").exists()
    assert "/posts/a/" in (site / "public/index.html").read_text()


def test_unknown_config_key_warns_with_did_you_mean(make_site: Callable[..., Path]) -> None:
    site = make_site({"config.yaml": "baseURL: https://example.org/\ntitel: Oops\n"})
    code, out = run_cli("build", "-s", str(site))
    assert code == 0
    assert "config.yaml:2: warning: unknown config key 'titel'" in out
    assert "did you mean 'title'?" in out


def test_missing_config_is_a_clear_error(tmp_path: Path) -> None:
    code, out = run_cli("build", "-s", str(tmp_path))
    assert code == 1
    assert "no config.yaml" in out and "Traceback" not in out
