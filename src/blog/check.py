"""Check a built site as GitHub Pages serves it: every internal reference must resolve.

Each ``href``/``src``/``srcset``/``#fragment`` of the HTML, and each feed and sitemap URL, must name
a file under the base path (a folder serves its ``index.html``; anything else gets ``404.html``);
the same host outside the base path is another site. Problems are reported at the Markdown line
that wrote them when there is one, else in the output file.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from blog.build import page_settings
from blog.config import load_config
from blog.content import Inclusion, load_content
from blog.errors import Diagnostic, Diagnostics, Severity
from blog.external import ExternalOptions, LinkStatus, check_urls
from blog.languages import content_languages
from blog.model import Page
from blog.sources import SourceIndex, index_sources

_URL_ATTRS: dict[str, tuple[str, ...]] = dict.fromkeys(
    ("script", "iframe", "audio", "track", "embed"), ("src",)
)
_URL_ATTRS |= dict.fromkeys(("a", "area", "link"), ("href",))
_URL_ATTRS |= {"img": ("src", "srcset"), "source": ("src", "srcset"), "video": ("src", "poster")}
_HOST_ONLY_RELS = frozenset({"preconnect", "dns-prefetch"})
_META_URLS = frozenset({"og:url", "og:image", "twitter:image"})
_XML_URLS = re.compile(r"<(loc|link)>([^<]+)</\1>|<[\w:]*link\b[^>]*?\shref=\"([^\"]+)\"")
_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\"]+)", re.IGNORECASE)
_CANDIDATE_SEPARATOR = re.compile(r",\s+|,(?=[^\s,]+\s)")


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """One URL written in an output file."""

    file: PurePosixPath
    """The output file, relative to the output folder."""
    line: int
    """1-based line in that file."""
    element: str
    """Where the URL sits: ``a``, ``img``, ``link``, ``meta``, ``xml``…"""
    url: str
    """The URL as written (character references decoded)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedFile:
    """What checking needs from one output file."""

    references: tuple[Reference, ...]
    """Every URL it refers to."""
    ids: frozenset[str]
    """Its element ids and ``<a name>`` values (fragment targets)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """A reference that does not resolve."""

    reference: Reference
    """The reference."""
    message: str
    """What is wrong, in one sentence."""
    severity: Severity = "error"
    """``error``, or ``warning`` when the check itself could not decide."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckReport:
    """What ``check_site`` looked at and found."""

    references: int
    """Internal references checked."""
    external: int
    """Distinct outbound URLs checked (0 without ``external``)."""
    diagnostics: tuple[Diagnostic, ...]
    """One per problem, at the Markdown line when the link was written in Markdown."""

    @property
    def is_ok(self) -> bool:
        """Whether nothing is broken."""
        return not any(d.severity == "error" for d in self.diagnostics)


class _RefParser(HTMLParser):
    """Collect element ids and URL references, with their lines."""

    def __init__(self, file: PurePosixPath) -> None:
        super().__init__(convert_charrefs=True)
        self.file = file
        self.ids: set[str] = set()
        self.refs: list[Reference] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        if tag == "link" and _HOST_ONLY_RELS & set(values.get("rel", "").lower().split()):
            return
        for name in _URL_ATTRS.get(tag, ()):
            if name == "srcset" and name in values:
                for candidate in _CANDIDATE_SEPARATOR.split(values[name].strip()):
                    self._add(tag, candidate.split()[0] if candidate.split() else "")
            elif name in values:
                self._add(tag, values[name])
        content = values.get("content", "") if tag == "meta" else ""
        refresh = _REFRESH.search(content) if values.get("http-equiv") == "refresh" else None
        if refresh or (values.get("property") or values.get("name")) in _META_URLS:
            self._add("meta", refresh.group(1) if refresh else content)

    def _add(self, element: str, url: str) -> None:
        line, url = self.getpos()[0], url.strip()
        if url:
            self.refs.append(Reference(file=self.file, line=line, element=element, url=url))


def parse_html(file: PurePosixPath, text: str) -> ParsedFile:
    """Return the references and ids of one HTML file."""
    parser = _RefParser(file)
    parser.feed(text)
    parser.close()
    return ParsedFile(references=tuple(parser.refs), ids=frozenset(parser.ids))


def parse_xml(file: PurePosixPath, text: str) -> ParsedFile:
    """Return the URLs of a feed or sitemap (``<loc>``, ``<link>``, ``<atom:link href>``)."""
    refs = []
    for match in _XML_URLS.finditer(text):
        url = html.unescape(match.group(2) or match.group(3)).strip()
        line = text.count("\n", 0, match.start()) + 1
        refs.append(Reference(file=file, line=line, element="xml", url=url))
    return ParsedFile(references=tuple(refs), ids=frozenset())


def load_output(out_dir: Path) -> tuple[frozenset[str], dict[PurePosixPath, ParsedFile]]:
    """Return every file of the output (relative POSIX paths) and the parsed HTML and XML."""
    names: set[str] = set()
    parsed: dict[PurePosixPath, ParsedFile] = {}
    for dirpath, dirnames, filenames in os.walk(out_dir):
        dirnames.sort()
        for name in sorted(filenames):
            rel = PurePosixPath((Path(dirpath) / name).relative_to(out_dir).as_posix())
            names.add(rel.as_posix())
            if rel.suffix in (".html", ".htm", ".xml"):
                text = (out_dir / rel).read_text(encoding="utf-8", errors="replace")
                is_xml = rel.suffix == ".xml"
                parsed[rel] = parse_xml(rel, text) if is_xml else parse_html(rel, text)
    return frozenset(names), parsed


def served_file(names: frozenset[str], rel: str) -> str | None:
    """Return the file GitHub Pages serves for ``rel`` (a path under the base), None for a 404."""
    is_folder = rel in ("", "/") or rel.endswith("/")
    candidates = (
        [rel.lstrip("/") + "index.html"] if is_folder else [rel, f"{rel}/index.html", f"{rel}.html"]
    )
    return next((c for c in candidates if c in names), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Site:
    base_url: str
    base_path: str
    names: frozenset[str]
    parsed: Mapping[PurePosixPath, ParsedFile]


def _target(site: _Site, ref: Reference) -> tuple[str, str, str] | None:
    """Return (kind, absolute URL, fragment) with kind ``internal`` or ``external``, or None."""
    base = urlsplit(site.base_url)
    page_url = site.base_path + ref.file.as_posix()
    url = urlsplit(urljoin(f"{base.scheme}://{base.netloc}{page_url}", ref.url))
    if url.scheme not in ("http", "https"):
        return None  # mailto:, tel:, data:, javascript:
    if url.netloc.lower() != base.netloc.lower():
        return ("external", url._replace(fragment="").geturl(), "")
    return ("internal", unquote(url.path), unquote(url.fragment))


def _check_internal(site: _Site, ref: Reference, path: str, fragment: str) -> str | None:
    """Return what is wrong with an internal reference, or None."""
    base_path = site.base_path
    if not (path + "/").startswith(base_path):
        return f"outside the base path {base_path}: GitHub Pages serves another site there"
    rel = posixpath.normpath(path[len(base_path) :] or ".")
    if rel.startswith("../") or rel == "..":
        return "leaves the site"
    rel = "" if rel == "." else rel + ("/" if path.endswith("/") else "")
    served = served_file(site.names, rel)
    if served is None:
        return "not found: GitHub Pages would serve 404.html"
    target = site.parsed.get(PurePosixPath(served))
    if not fragment or fragment == "top" or fragment.startswith(":~:") or target is None:
        return None
    if served.endswith((".html", ".htm")) and fragment not in target.ids:
        return f"{base_path}{served} has no element with id '{fragment}'"
    return None


def find_problems(site: _Site) -> tuple[list[Problem], dict[str, list[Reference]], int]:
    """Return internal problems, outbound URLs with their references, and the count checked."""
    problems: list[Problem] = []
    outbound: dict[str, list[Reference]] = {}
    checked = 0
    for parsed in site.parsed.values():
        for ref in parsed.references:
            found = _target(site, ref)
            if found is None:
                continue
            kind, where, fragment = found
            if kind == "external":
                outbound.setdefault(where, []).append(ref)
                continue
            checked += 1
            reason = _check_internal(site, ref, where, fragment)
            if reason is not None:
                problems.append(Problem(reference=ref, message=_describe(ref, reason)))
    return problems, outbound, checked


def _describe(ref: Reference, reason: str) -> str:
    what = {"img": "image", "source": "image", "a": "link", "area": "link"}.get(ref.element)
    what = what or ("URL" if ref.element in ("meta", "xml") else f"<{ref.element}> reference")
    if "has no element" in reason:
        what = "anchor"
    return f"broken {what} {ref.url}: {reason}"


def external_problems(
    statuses: Mapping[str, LinkStatus], outbound: Mapping[str, list[Reference]]
) -> list[Problem]:
    """Return a problem per reference to an outbound URL that did not work."""
    found = [(s, ref) for url, s in statuses.items() if not s.is_ok for ref in outbound[url]]
    message = "broken outbound link {}: {}"
    return [
        Problem(reference=r, message=message.format(r.url, s.reason), severity=s.severity)
        for s, r in found
    ]


def to_diagnostics(
    problems: Iterable[Problem], out_dir: Path, index: SourceIndex, base_path: str
) -> tuple[Diagnostic, ...]:
    """Return one diagnostic per problem and place: a Markdown line, else the output file.

    A problem the theme repeats on many pages is reported once, at its first page.
    """
    found: dict[tuple[Path, int, str], tuple[Severity, list[str]]] = {}
    first: dict[str, tuple[Path, int, str]] = {}
    for problem in problems:
        ref, message = problem.reference, problem.message
        keys = [(path, line, message) for path, line in index.origins(ref.file, ref.url)]
        keys = keys or [first.setdefault(message, (out_dir / ref.file, ref.line, message))]
        for key in keys:
            found.setdefault(key, (problem.severity, []))[1].append(
                f"{base_path}{ref.file.as_posix()}".removesuffix("index.html")
            )
    return tuple(
        Diagnostic(severity=sev, message=msg, path=path, line=line, hint=_pages_hint(pages))
        for (path, line, msg), (sev, pages) in sorted(
            found.items(), key=lambda i: (str(i[0][0]), *i[0][1:])
        )
    )


def _pages_hint(pages: list[str]) -> str:
    unique = list(dict.fromkeys(pages))
    more = len(unique) - 1
    return f"on {unique[0]}" + (f" and {more} other page{'s' * (more != 1)}" if more else "")


def check_site(
    out_dir: Path,
    *,
    base_url: str,
    source_map: Mapping[str, Page] | None = None,
    external: bool = False,
    external_options: ExternalOptions | None = None,
) -> CheckReport:
    """Check the site built in ``out_dir`` for ``base_url``; return what is broken, as data.

    ``source_map`` (site-relative URL → page) names the Markdown lines; ``external`` also asks
    every outbound http(s) URL (cached by default in ``.cache/blog/`` beside ``out_dir``).
    """
    names, parsed = load_output(out_dir)
    base_path = (urlsplit(base_url).path or "/").rstrip("/") + "/"
    site = _Site(base_url=base_url, base_path=base_path, names=names, parsed=parsed)
    problems, outbound, checked = find_problems(site)
    if external:
        options = external_options or ExternalOptions(
            cache_path=out_dir.parent / ".cache" / "blog" / "external.json"
        )
        problems += external_problems(check_urls(outbound, options), outbound)
    index = index_sources(source_map or {}, site.base_path)
    return CheckReport(
        references=checked,
        external=len(outbound) if external else 0,
        diagnostics=to_diagnostics(problems, out_dir, index, site.base_path),
    )


def source_map_for(root: Path, base_url: str | None = None) -> dict[str, Page]:
    """Return site-relative URL → page for the site in ``root``, loaded without writing.

    Drafts, future and expired pages are included: whichever were built, their lines are known.
    """
    config = load_config(root, Diagnostics(), base_url=base_url)
    content = load_content(
        config.content_dir,
        page_settings(config),
        Diagnostics(),  # the build reports content problems; check reports links
        now=datetime.now(UTC),
        inclusion=Inclusion(drafts=True, future=True, expired=True),
        languages=content_languages(config),
    )
    return {page.url: page for page in (*content.branches, *content.pages)}


def run_check(
    root: Path, out_dir: Path | None, base_url: str | None, external: bool
) -> tuple[Diagnostic, ...]:
    """Check the site of ``root`` built in ``out_dir`` (None: ``public``): all of ``blog check``."""
    diag = Diagnostics()
    config = load_config(root, diag, base_url=base_url)
    if diag.has_errors:
        return tuple(diag.items)
    out_dir = out_dir or root / config.publish_dir
    if not (out_dir / "index.html").is_file():
        diag.error(
            f"no built site in {out_dir}",
            hint="run `blog build` first (with the same -b/--base-url)",
        )
        return tuple(diag.items)
    options = ExternalOptions(cache_path=root / ".cache" / "blog" / "external.json")
    report = check_site(
        out_dir,
        base_url=config.base_url,
        source_map=source_map_for(root, base_url),
        external=external,
        external_options=options,
    )
    return report.diagnostics
