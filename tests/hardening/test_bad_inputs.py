"""A catalogue of bad inputs: each says exactly what is wrong, where, and loses nothing.

Every case starts from a good site that was built once (its ``public/`` is the last good site),
then writes the bad files and runs ``blog build`` through the real command line. Each case pins
the exit code and a ``path:line: severity: message`` line; no case may print a traceback, and a
failed build must leave ``public/`` byte-identical.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from blog.cli import main
from tests.conftest import MINIMAL_CONFIG, snapshot

GOOD_POST = "---\ntitle: Good\ndate: 2024-01-01\ntags: [a]\n---\nHello.\n"
BAD = "content/posts/bad.md"


def at(path: str, line: int | None, severity: str, message: str) -> str:
    """Return a regex for one diagnostic line: ``path:line[:col]: severity: message``."""
    where = re.escape(path) + (rf":{line}(?::\d+)?" if line is not None else "")
    return rf"(?m)^{where}: {severity}: {message}"


def page(front_matter: str, body: str = "Body.\n") -> str:
    return f"---\n{front_matter}---\n{body}"


Files = Mapping[str, str | bytes]
Setup = Callable[[Path, pytest.MonkeyPatch], None]


@dataclass(frozen=True)
class Case:
    """One bad input: what to write, how the build must end, and the line it must print."""

    files: Files
    code: int
    pattern: str | None
    args: tuple[str, ...] = ()
    setup: Setup | None = None
    check: Callable[[Path], None] | None = None
    removed: tuple[str, ...] = field(default=())
    xfail: str | None = None


def _symlink(link: str, target: str) -> Setup:
    def setup(site: Path, _: pytest.MonkeyPatch) -> None:
        path = site / link
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)

    return setup


def _unreadable(rel: str) -> Setup:
    """Make ``rel`` unreadable: chmod 000, or (as root, who reads anything) a failing read."""

    def setup(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = site / rel
        path.write_text(page("title: Secret\n"))
        path.chmod(0)
        if os.geteuid() != 0:
            return
        original = Path.read_bytes

        def read_bytes(self: Path) -> bytes:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return original(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)

    return setup


def _foreign_folder(site: Path, _: pytest.MonkeyPatch) -> None:
    (site.parent / "mine").mkdir()
    (site.parent / "mine/thesis.tex").write_text("years of work")


def _page_titled(url_path: str, title: str) -> Callable[[Path], None]:
    def check(site: Path) -> None:
        html = (site / "public" / url_path / "index.html").read_text(encoding="utf-8")
        assert f"<title>{title}" in html

    return check


def _no_file_outside(site: Path) -> None:
    outside = [p for p in site.parent.rglob("*") if "evil" in p.name]
    assert all(site / "public" in p.parents for p in outside), outside


BIG_BODY = ("Lorem ipsum dolor sit amet, *consectetur* adipiscing elit. " * 16 + "\n\n") * 10_700

CASES: dict[str, Case] = {
    # --- front matter syntax -------------------------------------------------------------
    "yaml-malformed": Case(
        {BAD: "---\ntitle: Fine\ndate: [2024\n---\nBody\n"},
        1,
        at(BAD, 3, "error", "invalid YAML front matter"),
    ),
    "yaml-colon-in-value": Case(
        {BAD: "---\ntitle: Part 1: Setup\n---\nBody\n"},
        1,
        at(BAD, 2, "error", "invalid YAML front matter: mapping values are not allowed"),
    ),
    "yaml-unterminated": Case(
        {BAD: "---\ntitle: Fine\n\nBody without a closing line\n"},
        1,
        at(BAD, 1, "error", "unterminated front matter: no closing '---'"),
    ),
    "toml-malformed": Case(
        {BAD: '+++\ntitle = "Fine"\ndate = = 2024\n+++\nBody\n'},
        1,
        at(BAD, 3, "error", "invalid TOML front matter"),
    ),
    "toml-unterminated": Case(
        {BAD: '+++\ntitle = "Fine"\nBody\n'},
        1,
        at(BAD, 1, "error", r"unterminated front matter: no closing '\+\+\+'"),
    ),
    "json-malformed": Case(
        {BAD: '{\n  "title": "Fine",\n  "date": 2024-\n}\nBody\n'},
        1,
        at(BAD, 3, "error", "invalid JSON front matter"),
    ),
    "json-unterminated": Case(
        {BAD: '{\n  "title": "Fine",\n  "draft": false\nBody\n'},
        1,
        at(BAD, 4, "error", "invalid JSON front matter"),
    ),
    "front-matter-list": Case(
        {BAD: "---\n- title\n- date\n---\nBody\n"},
        1,
        at(BAD, 2, "error", "front matter is a list, not a set of key: value entries"),
    ),
    "front-matter-scalar": Case(
        {BAD: "---\njust some words\n---\nBody\n"},
        1,
        at(BAD, 2, "error", "front matter is a single value, not a set of key: value entries"),
    ),
    "yaml-python-tag": Case(
        {BAD: "---\ntitle: !!python/object/apply:os.system [echo pwned]\n---\nBody\n"},
        1,
        at(BAD, 2, "error", "invalid YAML front matter"),
    ),
    # --- bytes ----------------------------------------------------------------------------
    "not-utf8": Case(
        {BAD: b"---\ntitle: Latin-1\n---\nCaf\xe9 au lait\n"},
        1,
        at(BAD, 4, "error", r"file is not UTF-8 text \(byte 0xe9 at offset \d+\)"),
    ),
    "bom": Case(
        {BAD: b"\xef\xbb\xbf---\ntitle: With BOM\n---\nBody\n"},
        0,
        None,
        check=_page_titled("posts/bad", "With BOM"),
    ),
    "bom-crlf": Case(
        {BAD: b"\xef\xbb\xbf---\r\ntitle: Windows\r\n---\r\nBody\r\n"},
        0,
        None,
        check=_page_titled("posts/bad", "Windows"),
    ),
    "empty-file": Case(
        {BAD: ""},
        0,
        at(BAD, 1, "warning", 'no title in front matter; using the file name "bad"'),
    ),
    "binary-png-as-md": Case(
        {BAD: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\xff\xd8"},
        1,
        at(BAD, 1, "error", r"file is not UTF-8 text \(byte 0x89 at offset 0\)"),
    ),
    "binary-nul-bytes": Case(
        {BAD: b"---\ntitle: Nul\n---\n\x00\x01\x02 body \x00\n"},
        0,
        None,
        check=_page_titled("posts/bad", "Nul"),
    ),
    "ten-megabytes-of-markdown": Case(
        {BAD: page("title: Big\n", BIG_BODY)},
        0,
        None,
        check=_page_titled("posts/bad", "Big"),
    ),
    "ten-megabyte-resource": Case(
        {"content/posts/good/video.bin": os.urandom(10 * 1024 * 1024)},
        0,
        None,
    ),
    # --- values of the wrong kind ---------------------------------------------------------
    "impossible-date": Case(
        {BAD: page("title: X\ndate: 2019-13-01\n")},
        1,
        at(BAD, 3, "error", 'date is not a valid date: "2019-13-01"'),
    ),
    "impossible-day": Case(
        {BAD: page("title: X\ndate: 2019-02-30T10:00:00Z\n")},
        1,
        at(BAD, 3, "error", 'date is not a valid date: "2019-02-30T10:00:00Z"'),
    ),
    "date-as-number": Case(
        {BAD: page("title: X\ndate: 20190101\n")},
        1,
        at(BAD, 3, "error", "date is not a valid date: 20190101"),
    ),
    "toml-date-as-number": Case(
        {BAD: '+++\ntitle = "X"\nlastmod = 2019.5\n+++\n'},
        1,
        at(BAD, 3, "error", "lastmod is not a valid date: 2019.5"),
    ),
    "tags-number": Case(
        {BAD: page("title: X\ntags: 42\n")},
        1,
        at(BAD, 3, "error", "'tags' is not a list of terms: 42"),
    ),
    "tags-mapping": Case(
        {BAD: page("title: X\ntags: {a: 1}\n")},
        1,
        at(BAD, 3, "error", r"'tags' is not a list of terms: \{\"a\": 1\}"),
    ),
    "title-list": Case(
        {BAD: page("date: 2024-01-01\ntitle: [a, b]\n")},
        1,
        at(BAD, 3, "error", r"'title' is not text: \[\"a\", \"b\"\]"),
    ),
    "draft-typo": Case(
        {BAD: page("title: X\ndraft: flase\n")},
        0,
        at(BAD, 3, "warning", "'draft' is not a boolean: \"flase\""),
    ),
    # --- two sources, one output --------------------------------------------------------
    "two-pages-one-url": Case(
        {
            "content/posts/a.md": page("title: A\nurl: /same/\n"),
            "content/posts/b.md": page("title: B\nurl: /same\n"),
        },
        1,
        at(
            "content/posts/a.md",
            None,
            "error",
            r"2 sources want the output /same/index\.html: posts/a\.md, posts/b\.md",
        ),
    ),
    "alias-on-a-page-url": Case(
        {BAD: page("title: X\naliases: [/posts/good/]\n")},
        1,
        at(
            "content/posts/bad.md",
            None,
            "error",
            r"2 sources want the output /posts/good/index\.html: "
            r"posts/bad\.md \(alias\), posts/good\.md|"
            r"posts/good\.md, posts/bad\.md \(alias\)",
        ),
    ),
    "slug-dot-on-the-section": Case(
        {BAD: page("title: X\nslug: .\n")},
        1,
        at(BAD, 3, "error", r"slug '\.' has a '\.' segment, which names no page"),
    ),
    "static-file-on-a-generated-path": Case(
        {"static/posts/good/index.html": "<p>hand-made</p>"},
        1,
        at(
            "static/posts/good/index.html",
            None,
            "error",
            r"index\.html would overwrite the generated /posts/good/index\.html",
        ),
    ),
    "static-file-on-the-feed": Case(
        {"static/index.xml": "<rss/>"},
        1,
        at("static/index.xml", None, "error", r"index\.xml would overwrite the generated"),
    ),
    "content-file-on-a-generated-path": Case(
        {"content/posts/index.xml": "<rss/>"},
        1,
        at("content/posts/index.xml", None, "error", "index\\.xml would overwrite the generated"),
    ),
    # --- URLs that try to leave the output folder ----------------------------------------
    "slug-dotdot": Case(
        {BAD: page("title: X\nslug: ../../../evil\n")},
        1,
        at(BAD, 3, "error", r"slug '\.\./\.\./\.\./evil' has a '\.\.' segment"),
    ),
    "slug-backslash": Case(
        {BAD: page("title: X\nslug: ..\\..\\evil\n")},
        1,
        at(BAD, 3, "error", r"slug '\.\.\\\.\.\\evil' has a backslash"),
    ),
    "url-dotdot": Case(
        {BAD: page("title: X\nurl: /../../evil/\n")},
        1,
        at(BAD, 3, "error", r"url '/\.\./\.\./evil/' has a '\.\.' segment"),
    ),
    "url-encoded-dots": Case(
        {BAD: page("title: X\nurl: /%2e%2e/%2E%2e/evil/\n")},
        1,
        at(BAD, 3, "error", r"url '/%2e%2e/%2E%2e/evil/' has a '\.\.' segment"),
    ),
    "url-encoded-slash": Case(
        {BAD: page("title: X\nurl: /..%2f..%2fevil/\n")},
        1,
        at(BAD, 3, "error", r"url '/\.\.%2f\.\.%2fevil/' has a '\.\.' segment"),
    ),
    "url-windows-absolute": Case(
        {BAD: page("title: X\nurl: 'C:\\Windows\\evil'\n")},
        1,
        at(BAD, 3, "error", r"url 'C:\\Windows\\evil' has a backslash"),
    ),
    "url-nul": Case(
        {BAD: page('title: X\nurl: "/evil\\0/"\n')},
        1,
        at(BAD, 3, "error", r"url '/evil\\x00/' has a control character"),
    ),
    "url-absolute-path-stays-inside": Case(
        {BAD: page("title: X\nurl: /etc/evil-passwd\n")},
        0,
        None,
        check=lambda site: _page_titled("etc/evil-passwd", "X")(site),
    ),
    "alias-dotdot": Case(
        {BAD: page("title: X\naliases: [../../../evil]\n")},
        1,
        at(BAD, 3, "error", r"alias '\.\./\.\./\.\./evil' has a '\.\.' segment"),
    ),
    "alias-absolute-url": Case(
        {BAD: page("title: X\naliases: ['https://evil.example/x/']\n")},
        1,
        at(BAD, 3, "error", r"alias 'https://evil\.example/x/' is not a path on this site"),
    ),
    "url-scheme": Case(
        {BAD: page("title: X\nurl: 'javascript:alert(1)'\n")},
        1,
        at(BAD, 3, "error", r"url 'javascript:alert\(1\)' is not a path on this site"),
    ),
    "url-protocol-relative": Case(
        {BAD: page("title: X\nurl: //evil.example/x/\n")},
        1,
        at(BAD, 3, "error", r"url '//evil\.example/x/' is not a path on this site"),
    ),
    "slug-encoded-slash-dots": Case(
        {BAD: page("title: X\nslug: '%2E%2E%2F%2E%2E%2Fevil'\n")},
        1,
        at(BAD, 3, "error", r"slug '%2E%2E%2F%2E%2E%2Fevil' has a '\.\.' segment"),
    ),
    "toml-url-dotdot": Case(
        {BAD: '+++\ntitle = "X"\n\nurl = "../../evil"\n+++\n'},
        1,
        at(BAD, 4, "error", r"url '\.\./\.\./evil' has a '\.\.' segment"),
    ),
    "json-alias-dotdot": Case(
        {BAD: '{\n  "title": "X",\n  "aliases": ["ok/", "../../../evil"]\n}\n'},
        1,
        at(BAD, 3, "error", r"alias '\.\./\.\./\.\./evil' has a '\.\.' segment"),
    ),
    "alias-backslash": Case(
        {BAD: page(r"title: X" "\n" r"aliases: ['\\server\share\evil']" "\n")},
        1,
        at(BAD, 3, "error", r"alias '\\\\server\\share\\evil' has a backslash"),
    ),
    "alias-encoded-dots": Case(
        {BAD: page("title: X\naliases: ['/a/%2e%2e/%2e%2e/%2e%2e/evil']\n")},
        1,
        at(BAD, 3, "error", r"alias '/a/%2e%2e/%2e%2e/%2e%2e/evil' has a '\.\.' segment"),
    ),
    "permalink-dotdot": Case(
        {"config.yaml": MINIMAL_CONFIG + "permalinks:\n  posts: /../../:slug/\n"},
        1,
        at("config.yaml", 4, "error", r"permalinks\.posts '/\.\./\.\./:slug/' has a '\.\.' seg"),
    ),
    # --- the file system --------------------------------------------------------------------
    "symlink-loop-md": Case(
        {},
        1,
        at("content/posts/loop.md", None, "error", "cannot read file: Too many levels"),
        setup=_symlink("content/posts/loop.md", "loop.md"),
    ),
    "symlink-loop-resource": Case(
        {},
        1,
        at("content/posts/loop.png", None, "error", "cannot read file: Too many levels"),
        setup=_symlink("content/posts/loop.png", "loop.png"),
    ),
    "symlink-loop-folder": Case(
        {},
        0,
        None,
        setup=_symlink("content/posts/again", "."),
    ),
    "dangling-symlink": Case(
        {},
        1,
        at("content/posts/gone.md", None, "error", "cannot read file: No such file"),
        setup=_symlink("content/posts/gone.md", "nowhere.md"),
    ),
    "unreadable-file": Case(
        {},
        1,
        at("content/posts/secret.md", None, "error", "cannot read file: Permission denied"),
        setup=_unreadable("content/posts/secret.md"),
    ),
    # --- config.yaml -------------------------------------------------------------------------
    "config-missing": Case(
        {},
        1,
        r"(?m)^Error: no config\.yaml in .*: this is not a site folder",
        removed=("config.yaml",),
    ),
    "config-empty": Case({"config.yaml": ""}, 0, None),
    "config-malformed": Case(
        {"config.yaml": "baseURL: https://example.org/\ntitle: [unclosed\n"},
        1,
        at("config.yaml", 3, "error", "config is not valid YAML"),
    ),
    "config-bad-indent": Case(
        {"config.yaml": "baseURL: https://example.org/\nparams:\n  a: 1\n b: 2\n"},
        1,
        at("config.yaml", 4, "error", "config is not valid YAML"),
    ),
    "config-a-list": Case(
        {"config.yaml": "- baseURL\n- title\n"},
        1,
        at("config.yaml", 1, "error", "config must be a mapping of keys to values"),
    ),
    "config-not-utf8": Case(
        {"config.yaml": b"baseURL: https://example.org/\ntitle: Caf\xe9\n"},
        1,
        at("config.yaml", 2, "error", r"config is not UTF-8 text: .* \(byte 0xe9\)"),
    ),
    "config-impossible-date": Case(
        {"config.yaml": MINIMAL_CONFIG + "params:\n  since: 2019-13-01\n"},
        0,
        None,
    ),
    "config-bad-int-tag": Case(
        {"config.yaml": MINIMAL_CONFIG + "paginate: !!int ten\n"},
        1,
        at("config.yaml", 3, "error", "config is not valid YAML: 'ten' is not an integer"),
    ),
    "config-python-tag": Case(
        {"config.yaml": MINIMAL_CONFIG + "title: !!python/object/apply:os.system [id]\n"},
        1,
        at("config.yaml", 3, "error", "config is not valid YAML"),
    ),
    "config-permalinks-not-a-mapping": Case(
        {"config.yaml": MINIMAL_CONFIG + "permalinks:\n  page: /:slug/\n"},
        1,
        at("config.yaml", 4, "error", "permalinks.page must be a mapping"),
    ),
    "config-wrong-type": Case(
        {"config.yaml": MINIMAL_CONFIG + "paginate: ten\n"},
        1,
        at("config.yaml", 3, "error", "paginate must be"),
    ),
    "config-wrong-type-nested": Case(
        {"config.yaml": MINIMAL_CONFIG + "markup:\n  tableOfContents:\n    startLevel: [2]\n"},
        1,
        at("config.yaml", 5, "error", r"markup\.tableOfContents\.startLevel must be"),
    ),
    "config-base-url-relative": Case(
        {"config.yaml": "baseURL: example.org\n"},
        1,
        at("config.yaml", 1, "error", "baseURL must be an absolute URL"),
    ),
    "config-unknown-key": Case(
        {"config.yaml": MINIMAL_CONFIG + "titel: Oops\n"},
        0,
        at("config.yaml", 3, "warning", "unknown config key 'titel' \\(ignored\\)"),
    ),
    "config-publish-dir-is-site": Case(
        {"config.yaml": MINIMAL_CONFIG + "publishDir: .\n"},
        1,
        r"(?m)^Error: refusing to write into .*: it holds the site itself",
    ),
    "config-publish-dir-is-parent": Case(
        {"config.yaml": MINIMAL_CONFIG + "publishDir: ..\n"},
        1,
        r"(?m)^Error: refusing to write into .*: it holds the site itself",
    ),
    # --- templates -------------------------------------------------------------------------
    "template-syntax-error": Case(
        {"templates/page.html": "<html>\n<body>\n{% if page.title %}\n</body>\n"},
        1,
        at("templates/page.html", 4, "error", "template syntax error: Unexpected end of template"),
    ),
    "template-undefined-variable": Case(
        {"templates/page.html": "<html>\n<body>\n{{ page.no_such_field }}\n</body></html>\n"},
        1,
        at(
            "templates/page.html",
            3,
            "error",
            r"template error: .*no_such_field.* \(while rendering /posts/good/\)",
        ),
    ),
    "template-missing-include": Case(
        {"templates/page.html": "<html>\n<body>\n{% include 'partials/nope.html' %}\n</body>\n"},
        1,
        at(
            "templates/page.html",
            3,
            "error",
            r"template error: .*partials/nope\.html.* \(while rendering /posts/good/\)",
        ),
    ),
    "template-missing-parent": Case(
        {"templates/page.html": "{% extends 'nope.html' %}\n"},
        1,
        at("templates/page.html", 1, "error", r"template error: .*nope\.html"),
    ),
    "template-missing-layout": Case(
        {BAD: page("title: X\nlayout: nope\n")},
        0,
        None,
        check=_page_titled("posts/bad", "X"),
    ),
    # --- output folders -----------------------------------------------------------------------
    "output-is-the-site": Case(
        {}, 1, r"(?m)^Error: refusing to write into .*: it holds the site itself", args=("-d", ".")
    ),
    "output-is-a-parent": Case(
        {}, 1, r"(?m)^Error: refusing to write into .*: it holds the site itself", args=("-d", "..")
    ),
    "output-is-a-foreign-folder": Case(
        {},
        1,
        r"(?m)^Error: refusing to replace .*mine: it is not empty and was not made by blog",
        args=("-d", "../mine"),
        setup=_foreign_folder,
    ),
}


def run_build(site: Path, *args: str) -> tuple[int, str]:
    """Run ``blog build`` in-process; an uncaught exception fails the test with its traceback."""
    old = Path.cwd()
    os.chdir(site)  # -d is relative to where the user stands
    try:
        result = CliRunner().invoke(main, ["build", "-s", str(site), *args])
    finally:
        os.chdir(old)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        pytest.fail("".join(traceback.format_exception(*result.exc_info)))
    return result.exit_code, result.output


def _write(site: Path, files: Files) -> None:
    for rel, data in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=case.xfail))
        if case.xfail
        else name
        for name, case in CASES.items()
    ],
)
def test_bad_input(
    name: str, make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    case = CASES[name]
    site = make_site({"content/posts/good.md": GOOD_POST, "content/about.md": page("title: Me\n")})
    code, out = run_build(site)
    assert code == 0, out
    before = snapshot(site / "public")
    tree_before = snapshot(site.parent) if case.args else None
    for rel in case.removed:
        (site / rel).unlink()
    _write(site, case.files)
    if case.setup is not None:
        case.setup(site, monkeypatch)

    code, out = run_build(site, *case.args)

    assert "Traceback" not in out
    assert code == case.code, out
    if case.pattern is not None:
        assert re.search(case.pattern, out), f"expected /{case.pattern}/ in:\n{out}"
    else:
        assert not re.search(r"(?m)^\S+: (error|warning): ", out), out
    if code != 0:
        assert snapshot(site / "public") == before, "a failed build changed public/"
        leftovers = [p.name for p in site.iterdir() if p.name.startswith(".public-")]
        assert not leftovers, leftovers
    if tree_before is not None:
        after = snapshot(site.parent)
        assert set(tree_before) <= set(after), "a refused output folder lost files"
    if case.check is not None:
        case.check(site)
    _no_file_outside(site)
    shutil.rmtree(site / "public", ignore_errors=True)


@pytest.mark.parametrize("name", ["pipe.md", "pipe.png"])
def test_a_fifo_in_content_does_not_hang_the_build(
    make_site: Callable[..., Path], name: str
) -> None:
    site = make_site({"content/posts/good.md": GOOD_POST})
    os.mkfifo(site / "content/posts" / name)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "blog", "build", "-s", str(site)],
            capture_output=True,
            text=True,
            timeout=4,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("blog build hung on a FIFO in content/")
    assert done.returncode == 0, done.stderr
    assert re.search(rf"content/posts/{name}: warning: not a regular file", done.stderr)
