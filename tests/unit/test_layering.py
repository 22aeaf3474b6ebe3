"""The dependency rules of DESIGN.md §3, checked by reading every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "blog"

OWNERS = {
    "markdown_it": {
        "markdown",
        "fastinline",
        "fastcore",
        "fastleaf",
        "linkcontext",
        "fastblock",
        "fastlist",
        "fasttoken",
        "fastrender",
        "plaininline",
        "headings",
        "highlight",
        "mathml",
        "emojify",
    },
    "mdit_py_plugins": {"markdown", "headings", "highlight", "mathml"},
    "pygments": {"markdown", "highlight", "fastlex", "lexstates"},
    "jinja2": {"templates", "jinjafast", "shortcode_templates"},
    "markupsafe": {"templates", "jinjafast", "shortcode_templates"},
    "yaml": {"configfile", "front_matter", "fastyaml"},
    "frontmatter": {"front_matter"},
    "watchdog": {"watch"},
    "click": {"cli", "errors"},
    "latex2mathml": {"mathml"},
    "emoji": {"emojify"},
}
LEAVES = {"model", "errors", "urls"}


def imports_of(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


MODULES = sorted(PACKAGE.glob("*.py")) + sorted((PACKAGE / "commands").glob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.stem)
def test_third_party_imports_stay_with_their_owner(module: Path) -> None:
    for name in imports_of(module):
        top = name.split(".")[0]
        if top in OWNERS:
            owner_ok = module.stem in OWNERS[top]
            if top == "click":  # the command modules own click: blog/commands/*.py
                owner_ok = module.parent.name == "commands" or module.stem in {"cli", "errors"}
            assert owner_ok, f"{module.stem} imports {top}"


@pytest.mark.parametrize("module", [PACKAGE / f"{m}.py" for m in sorted(LEAVES)], ids=str)
def test_leaf_modules_import_no_other_stage(module: Path) -> None:
    own = {n for n in imports_of(module) if n.startswith("blog.")}
    assert own <= {"blog.model", "blog.errors"} - {f"blog.{module.stem}"} or not own, own


def test_no_utils_module() -> None:
    assert not {p.stem for p in MODULES} & {"utils", "helpers", "misc"}
