"""The site config as Hugo reads it: hugo.toml/yaml/json or config.*, first found, any format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blog.build import BuildOptions, build
from blog.config import Config, load_config
from blog.configfile import CONFIG_NAMES, find_config
from blog.errors import Diagnostics

TOML = """\
baseURL = "https://example.org/blog/"
title = "From TOML"
enableEmoji = true
enableGitInfo = true

[params]
  greeting = "hello from toml"
  ShowToc = true
  [params.author]
    name = "Ann"

[pagination]
  pagerSize = 3
"""

YAML = """\
baseURL: https://example.org/blog/
title: From YAML
enableEmoji: true
enableGitInfo: true
params:
  greeting: hello from yaml
  ShowToc: true
  author:
    name: Ann
pagination:
  pagerSize: 3
"""

JSON = json.dumps(
    {
        "baseURL": "https://example.org/blog/",
        "title": "From JSON",
        "enableEmoji": True,
        "enableGitInfo": True,
        "params": {"greeting": "hello from json", "ShowToc": True, "author": {"name": "Ann"}},
        "pagination": {"pagerSize": 3},
    },
    indent="\t",
)

TEXTS = {"toml": TOML, "yaml": YAML, "yml": YAML, "json": JSON}


def load(root: Path) -> tuple[Config, Diagnostics]:
    diag = Diagnostics()
    return load_config(root, diag), diag


def messages(diag: Diagnostics) -> list[str]:
    return [f"{d.path.name if d.path else '-'}:{d.line}: {d.message}" for d in diag.items]


@pytest.mark.parametrize("name", CONFIG_NAMES)
def test_every_hugo_config_name_and_format_loads(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(TEXTS[name.rsplit(".", 1)[1]], encoding="utf-8")
    config, diag = load(tmp_path)
    assert messages(diag) == []
    assert config.title.startswith("From ")
    assert config.base_url == "https://example.org/blog/"
    assert config.params["greeting"].startswith("hello from")
    assert config.params["showtoc"] is True
    assert config.author == "Ann"
    assert config.pager_size == 3
    assert config.enable_emoji is True
    assert config.enable_git_info is True


@pytest.mark.parametrize(
    ("present", "winner"),
    [
        (["config.yaml", "hugo.toml"], "hugo.toml"),
        (["hugo.yaml", "hugo.toml"], "hugo.toml"),
        (["hugo.json", "hugo.yaml"], "hugo.yaml"),
        (["config.toml", "hugo.json"], "hugo.json"),
        (["config.yaml", "config.toml"], "config.toml"),
        (["config.json", "config.yml"], "config.yml"),
    ],
)
def test_the_first_name_in_hugos_order_wins(
    tmp_path: Path, present: list[str], winner: str
) -> None:
    for name in present:
        (tmp_path / name).write_text(TEXTS[name.rsplit(".", 1)[1]], encoding="utf-8")
    assert find_config(tmp_path) == tmp_path / winner


@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        ("hugo.toml", 'title = "ok"\nbaseURL = https://x.org/\n', 2, "not valid TOML"),
        ("hugo.toml", 'title = "a"\n[params]\nx = 1\nx = 2\n', 4, "not valid TOML"),
        (
            "hugo.json",
            '{\n  "title": "a",\n  "baseURL": "https://x.org/",\n}\n',
            4,
            "not valid JSON",
        ),
        ("hugo.json", '{\n  "title": "a"\n  "x": 1\n}\n', 3, "not valid JSON"),
        ("hugo.yaml", "title: a\nparams: [\n", 3, "not valid YAML"),
    ],
)
def test_syntax_errors_name_their_line(
    tmp_path: Path, name: str, text: str, line: int, message: str
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    config, diag = load(tmp_path)
    assert [(d.severity, d.line) for d in diag.items] == [("error", line)], messages(diag)
    assert message in diag.items[0].message
    assert "(at line" not in diag.items[0].message
    assert config == Config(root=tmp_path)


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("hugo.toml", 'title = "a"\n\n[pagination]\n  pagerSize = "ten"\n', 4),
        ("hugo.toml", 'title = "a"\n"summaryLength" = "x"\n', 2),
        ("hugo.toml", 'title = "a"\nmarkup.tableOfContents.startLevel = 9\n', 2),
        ("hugo.json", '{\n\t"title": "a",\n\t"pagination": {\n\t\t"pagerSize": "ten"\n\t}\n}', 4),
    ],
)
def test_bad_values_are_reported_at_their_line_in_toml_and_json(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    _, diag = load(tmp_path)
    assert [(d.severity, d.line) for d in diag.items] == [("error", line)], messages(diag)


def test_hugo_keys_we_ignore_are_named_once_as_not_supported(tmp_path: Path) -> None:
    (tmp_path / "hugo.toml").write_text(
        'baseURL = "https://x.org/"\ntheme = "PaperMod"\ntitel = "typo"\n'
        "canonifyURLs = true\n"
        "[outputs]\n  home = ['HTML', 'RSS']\n  section = ['HTML']\n"
        "[services]\n  [services.rss]\n    limit = 5\n  [services.disqus]\n"
        '    shortname = "x"\n',
        encoding="utf-8",
    )
    _, diag = load(tmp_path)
    assert sorted(messages(diag)) == [
        "hugo.toml:11: config key 'services.disqus' is not supported yet (ignored)",
        "hugo.toml:2: config key 'theme' is not supported yet (ignored)",
        "hugo.toml:3: unknown config key 'titel' (ignored)",
        "hugo.toml:4: config key 'canonifyurls' is not supported yet (ignored)",
        "hugo.toml:7: config key 'outputs.section' is not supported yet (ignored)",
    ]
    assert all(d.severity == "warning" for d in diag.items)


def test_params_from_hugo_toml_reach_templates(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "templates").mkdir(parents=True)
    (site / "content").mkdir()
    (site / "hugo.toml").write_text(TOML, encoding="utf-8")
    (site / "config.yaml").write_text("title: Loses\nbaseURL: https://lost.org/\n")
    (site / "templates" / "home.html").write_text(
        "<p>{{ config.title }}: {{ config.params['greeting'] }}</p>", encoding="utf-8"
    )
    result = build(site, BuildOptions(use_cache=False))
    assert result.ok, result.diagnostics
    home = (result.out_dir / "index.html").read_text(encoding="utf-8")
    assert home == "<p>From TOML: hello from toml</p>"
