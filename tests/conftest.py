"""Shared fixtures: real sites in tmp_path, built for real."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from blog.build import BuildOptions, BuildResult, build
from tests.serving import Running, copy_example_site

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """Return a path under ../shared, skipping the test when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/{'/'.join(parts)} is not beside this checkout (only in dev and CI)")
    return path


def parse_txtar(text: str) -> dict[str, str]:
    """Split a txtar-style string ("-- path --" headers) into {path: content}."""
    files: dict[str, str] = {}
    current: str | None = None
    for line in textwrap.dedent(text).splitlines(keepends=True):
        if line.startswith("-- ") and line.rstrip().endswith(" --"):
            current = line.strip()[3:-3].strip()
            files[current] = ""
        elif current is not None:
            files[current] += line
    return files


MINIMAL_CONFIG = "baseURL: https://example.org/\ntitle: Test Site\n"


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Write a site from a txtar string or dict; a config.yaml is added when missing."""

    def make(files: str | dict[str, str], root: Path | None = None) -> Path:
        site = root or tmp_path / "site"
        entries = parse_txtar(files) if isinstance(files, str) else files
        if "config.yaml" not in entries:
            entries = {"config.yaml": MINIMAL_CONFIG, **entries}
        for rel, content in entries.items():
            path = site / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        return site

    return make


def build_site(root: Path, **options: object) -> BuildResult:
    """Build ``root`` with BuildOptions(**options)."""
    return build(root, BuildOptions(**options))  # type: ignore[arg-type]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return {relative path: bytes} of every file under ``folder``."""
    return {
        (Path(d) / f).relative_to(folder).as_posix(): (Path(d) / f).read_bytes()
        for d, _, names in os.walk(folder)
        for f in names
    }


@pytest.fixture
def example_site(tmp_path: Path) -> Path:
    """A copy of the repository's example site (the seed post and the about page)."""
    return copy_example_site(tmp_path / "site")


@pytest.fixture
def running(example_site: Path) -> Iterator[Running]:
    """A dev server on a free loopback port serving ``example_site``."""
    server = Running(example_site)
    yield server
    server.stop()
