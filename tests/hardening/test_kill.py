"""Crash safety: SIGKILL ``blog build`` anywhere and ``public/`` is the old site or the new one.

A real subprocess (``python -m blog build``) is killed after a seeded random delay spread over
a build's duration, 50 times in a row, on a site whose build takes about half a second. After
every kill ``public/`` must equal, file for file and byte for byte, a snapshot of the old build
or of the new one (both taken beforehand in separate folders), and a later build that is left
to finish must recover by itself: the new site, and beside it no temporary folder but at
most one complete spare tree (the writer keeps one to update in place next time).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from blog.writer import MARKER, recover
from tests.conftest import MINIMAL_CONFIG, snapshot

KILLS = 50
SEED = 20240808


def write_site(root: Path, version: str) -> None:
    """Write a site of ~180 posts; ``version`` changes every page and the set of posts."""
    shutil.rmtree(root / "content", ignore_errors=True)
    (root / "content/posts").mkdir(parents=True)
    (root / "config.yaml").write_text(MINIMAL_CONFIG + "pagination: {pagerSize: 5}\n")
    skip = 7 if version == "old" else 11  # each version lacks some posts the other has
    code = "\n".join(f"    x{i} = compute({i}, 'text')  # comment" for i in range(12))
    for n in range(200):
        if n % skip == 0:
            continue
        tags = [f"tag{n % 13}", f"topic{n % 7}", version]
        (root / f"content/posts/post-{n:03d}.md").write_text(
            f"---\ntitle: Post {n} ({version})\n"
            f"date: 2023-01-{1 + n % 28:02d}T10:{n % 60:02d}:00Z\n"
            f"tags: {tags}\n---\n\n## Part one of {n}\n\n"
            + f"Some *words* about {n} in the {version} version, with a [link](#part-two). " * 6
            + f"\n\n```python\ndef f():\n{code}\n```\n\n## Part two\n\n- a\n- b {version}\n"
        )


def run_build(root: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "blog", "build", "-s", str(root), "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )


def build_fully(root: Path, env: dict[str, str]) -> tuple[float, float]:
    """Build to the end; return when the temporary output folder appeared and when it ended."""
    started = time.monotonic()
    proc = run_build(root, env)
    staged = None
    before = state(root)
    while proc.poll() is None:
        if staged is None and state(root) != before:
            staged = time.monotonic() - started
        time.sleep(0.002)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()
    ended = time.monotonic() - started
    return (staged if staged is not None else ended * 0.8), ended


def reset(root: Path, pristine_old: Path, copy: bool = True) -> None:
    """Put the old site back in ``public/`` and forget the build cache."""
    if copy:
        shutil.rmtree(root / "public", ignore_errors=True)
        shutil.copytree(pristine_old, root / "public")
    shutil.rmtree(root / ".cache", ignore_errors=True)


def leftovers(root: Path) -> list[str]:
    """Return the temporary folders beside ``public/`` (staging, old, spare trees)."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".public"))


def state(root: Path) -> frozenset[tuple[str, bool]]:
    """Return each temporary folder and whether it is complete (holds the output marker)."""
    return frozenset((name, (root / name / MARKER).exists()) for name in leftovers(root))


def test_sigkill_at_50_random_points_leaves_old_or_new_site(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    sites = {}
    for version in ("old", "new"):
        root = tmp_path / version
        write_site(root, version)
        build_fully(root, env)
        sites[version] = snapshot(root / "public")
    assert sites["old"] != sites["new"]
    assert set(sites["old"]) != set(sites["new"])

    root = tmp_path / "site"
    shutil.copytree(tmp_path / "old", root)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    write_site(root, "new")
    pristine_old = tmp_path / "public-old"
    shutil.copytree(root / "public", pristine_old)
    timings = []
    for _ in range(3):  # time builds as the kills will see them (this also warms OS caches)
        reset(root, pristine_old)
        timings.append(build_fully(root, env))
    staged, duration = sorted(timings, key=lambda t: t[1])[1]
    assert duration < 5, f"a build took {duration:.1f}s: the test would run too long"

    rng = random.Random(SEED)
    outcomes = {"old": 0, "new": 0, "finished": 0, "while writing": 0}
    now: dict[str, bytes] | None = sites["new"]
    for kill in range(KILLS):
        reset(root, pristine_old, now != sites["old"])  # start from the complete old site
        # Kills anywhere in the build, in its writing phase as timed, and (every third one)
        # a random moment after the temporary folder appeared: while writing or swapping.
        mode = kill % 3
        delay = rng.uniform(*((0.1, 1.05) if mode == 0 else (staged / duration, 1.1))) * duration
        before = state(root)  # what earlier kills left, for this build to clean up
        proc = run_build(root, env)
        started = time.monotonic()
        if mode == 2:
            delay = rng.uniform(0, 1.3) * (duration - staged)
            while proc.poll() is None and state(root) == before:
                if time.monotonic() - started > staged * 1.5:
                    break  # the change was invisible (an incomplete spare made again)
                time.sleep(0.002)
        time.sleep(delay)
        if proc.poll() is None:
            outcomes["while writing"] += state(root) != before
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()  # type: ignore[union-attr]
        if proc.returncode == 0:
            outcomes["finished"] += 1
        now = snapshot(root / "public") if (root / "public").is_dir() else None
        if now == sites["old"]:
            outcomes["old"] += 1
        elif now == sites["new"]:
            outcomes["new"] += 1
        else:
            pytest.fail(
                f"kill {kill} after {delay:.3f}s left public/ neither old nor new: "
                f"{_describe(now, sites)}"
            )
        if kill % 10 == 9:
            build_fully(root, env)
            now = snapshot(root / "public")
            assert now == sites["new"], "the build after a kill did not recover"
            temporary = state(root)
            assert all(complete for _, complete in temporary), f"stale folders: {temporary}"
            assert len(temporary) <= 1, f"more than one spare tree: {temporary}"
    print(f"{KILLS} kills: {outcomes}; a build takes {duration:.2f}s, writes from {staged:.2f}s")
    assert outcomes["old"] >= 5, f"the kills did not span the build: {outcomes}"
    assert outcomes["while writing"] >= 5, f"too few kills while writing: {outcomes}"


def _describe(now: dict[str, bytes] | None, sites: dict[str, dict[str, bytes]]) -> str:
    if now is None:
        return "public/ is missing"
    parts = []
    for name, site in sites.items():
        missing = sorted(set(site) - set(now))[:3]
        extra = sorted(set(now) - set(site))[:3]
        changed = sorted(p for p in set(site) & set(now) if site[p] != now[p])[:3]
        parts.append(f"vs {name}: missing {missing}, extra {extra}, changed {changed}")
    return "; ".join(parts)


PATCH_KILLS = 20


def test_sigkill_during_a_patch_leaves_whole_files_and_the_next_build_finishes_it(
    tmp_path: Path,
) -> None:
    """A patch (one post's body edited) writes into ``public/`` through a journal.

    Killed anywhere, every file of ``public/`` is whole: the old version or the new one.
    The journal then makes the set all or none: recovering (as the next build does first)
    gives the old site or the new one.
    """
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    root, saved = tmp_path / "site", tmp_path / "saved"
    write_site(root, "old")
    build_fully(root, env)
    old = snapshot(root / "public")
    shutil.copytree(root, saved)  # copy2 keeps the times the saved build recorded
    post = "content/posts/post-050.md"
    new_text = (root / post).read_text().replace("## Part two", "## Part two\n\nAn edit.")
    (root / post).write_text(new_text)
    _, duration = build_fully(root, env)
    new = snapshot(root / "public")
    assert "posts/post-050/index.html" in {rel for rel in new if old.get(rel) != new[rel]}
    assert not (root / ".public-spare").exists()  # it was a patch: no tree was swapped

    rng = random.Random(SEED)
    outcomes = {"old": 0, "new": 0}
    for kill in range(PATCH_KILLS):
        shutil.rmtree(root)
        shutil.copytree(saved, root)
        (root / post).write_text(new_text)
        proc = run_build(root, env)
        time.sleep(rng.uniform(0.2, 1.6) * duration)  # before, during and after its writes
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()  # type: ignore[union-attr]
        now = snapshot(root / "public")
        for rel, data in now.items():
            if rel == MARKER or ".blog-journal" in rel or rel.endswith(".blog-new"):
                continue
            assert data in (old.get(rel), new.get(rel)), f"kill {kill}: {rel} is neither"
        recover(root / "public")
        now = snapshot(root / "public")
        assert now in (old, new), f"kill {kill}: {_describe(now, {'old': old, 'new': new})}"
        outcomes["old" if now == old else "new"] += 1
    print(f"{PATCH_KILLS} kills of a patch: {outcomes}; it takes {duration:.2f}s")
    assert outcomes["old"] and outcomes["new"], f"the kills did not span the patch: {outcomes}"
