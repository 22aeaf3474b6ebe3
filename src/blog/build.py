"""The build pipeline, in order: config → content → site → plan → render → write."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from blog.cache import BuildCache
from blog.config import Config, load_config
from blog.content import Content, Inclusion, Progress, load_content
from blog.errors import Diagnostic, Diagnostics
from blog.markdown import MarkdownOptions, highlight_css
from blog.pages import PageSettings
from blog.plan import CopyOutput, DataOutput, Output, TemplateOutput, plan_site
from blog.site import Site, assemble
from blog.templates import (
    THEME_DIR,
    TemplateFailure,
    check_templates,
    make_environment,
    render_template,
)
from blog.writer import WriteReport, write_site

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildOptions:
    """How to build (the command-line flags)."""

    out_dir: Path | None = None
    """Output folder; None means the config's ``publishDir`` (``public``)."""
    inclusion: Inclusion = field(default_factory=Inclusion)
    """Drafts, future and expired pages to include."""
    base_url: str | None = None
    """Overrides the config's ``baseURL``."""
    strict: bool = False
    """Fail on warnings too."""
    now: datetime | None = None
    """The moment that decides future and expired pages (default: now)."""
    cache: BuildCache | None = None
    """Pages rendered by earlier builds (the serve loop keeps one)."""
    progress: Progress | None = None
    """Told (stage, done, total) as the build goes."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildStats:
    """Counts for the summary line and the rebuild tests."""

    pages: int = 0
    """Regular pages published."""
    outputs: int = 0
    """Files in the output."""
    written: int = 0
    """Files whose bytes changed."""
    unchanged: int = 0
    """Files kept from the previous build."""
    removed: int = 0
    """Files removed since the previous build."""
    seconds: float = 0.0
    """Wall time."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildResult:
    """What a build did and found."""

    ok: bool
    """Whether the new site was written."""
    root: Path
    """The site folder."""
    out_dir: Path
    """The output folder."""
    diagnostics: tuple[Diagnostic, ...]
    """Every error and warning."""
    stats: BuildStats
    """Counts."""
    content: Content | None = None
    """What was read (for ``--explain`` and ``list``)."""


def page_settings(config: Config) -> PageSettings:
    """Return the config values that affect how one file becomes a page."""
    return PageSettings(
        markdown=MarkdownOptions(
            unsafe=config.unsafe_html,
            toc_start=config.toc_start,
            toc_end=config.toc_end,
            summary_length=config.summary_length,
        ),
        timezone=config.timezone,
        taxonomies=config.taxonomy_names,
        permalinks=config.permalinks,
        term_permalinks=config.term_permalinks,
    )


def build(root: Path, options: BuildOptions | None = None) -> BuildResult:
    """Build the site in ``root``; write nothing unless everything succeeded."""
    options = options or BuildOptions()
    started = time.perf_counter()
    diag = Diagnostics()
    config = load_config(root, diag, base_url=options.base_url)
    out_dir = options.out_dir or root / config.publish_dir
    env = make_environment(config)
    check_templates(env, diag)
    now = options.now or datetime.now(UTC)
    content = load_content(
        config.content_dir,
        page_settings(config),
        diag,
        now=now,
        inclusion=options.inclusion,
        cache=options.cache,
        ignore=config.ignore_files,
        progress=options.progress,
    )

    def failed() -> BuildResult:
        return BuildResult(
            ok=False,
            root=root,
            out_dir=out_dir,
            diagnostics=tuple(diag.items),
            stats=BuildStats(seconds=time.perf_counter() - started),
            content=content,
        )

    if diag.has_errors:
        return failed()
    site = assemble(config, content, diag)
    if diag.error_count:  # (not has_errors: mypy would treat it as still narrowed to False)
        return failed()
    files = render_outputs(env, plan_site(site) + static_outputs(site), diag, options.progress)
    if diag.error_count or (options.strict and diag.warning_count):
        return failed()
    report = write_site(out_dir, files, site_root=root)
    return BuildResult(
        ok=True,
        root=root,
        out_dir=out_dir,
        diagnostics=tuple(diag.items),
        stats=_stats(site, files, report, started),
        content=content,
    )


def _stats(
    site: Site, files: dict[PurePosixPath, bytes | Path], report: WriteReport, started: float
) -> BuildStats:
    return BuildStats(
        pages=len(site.pages),
        outputs=len(files),
        written=report.written,
        unchanged=report.unchanged,
        removed=report.removed,
        seconds=time.perf_counter() - started,
    )


def static_outputs(site: Site) -> list[Output]:
    """Return the theme's static files, the site's (which win), content files and extras."""
    config = site.config
    found: dict[PurePosixPath, Output] = {}
    for folder in (THEME_DIR / "static", config.static_dir):
        for dirpath, dirnames, names in os.walk(folder):
            dirnames.sort()
            for name in sorted(names):
                path = Path(dirpath) / name
                rel = PurePosixPath(path.relative_to(folder).as_posix())
                found[rel] = CopyOutput(path=rel, source=path)
    for f in site.files:
        if f.output in found:
            continue  # a static file of the same path wins, as in Hugo
        found[f.output] = CopyOutput(path=f.output, source=f.source)
    css = highlight_css(config.highlight_style, config.highlight_dark_style).encode()
    extras = [DataOutput(path=PurePosixPath("css/syntax.css"), data=css)]
    extras.append(DataOutput(path=PurePosixPath(".nojekyll"), data=b""))
    if config.cname:
        extras.append(DataOutput(path=PurePosixPath("CNAME"), data=config.cname.encode() + b"\n"))
    return [*found.values(), *extras]


def render_outputs(
    env: object, outputs: list[Output], diag: Diagnostics, progress: Progress | None = None
) -> dict[PurePosixPath, bytes | Path]:
    """Render every template output; copy and data outputs pass through."""
    files: dict[PurePosixPath, bytes | Path] = {}
    failures = 0
    for done, output in enumerate(outputs, start=1):
        if progress is not None:
            progress("rendering", done, len(outputs))
        if isinstance(output, CopyOutput):
            if output.path in files:
                diag.error(
                    f"{output.source.name} would overwrite the generated /{output.path}",
                    path=output.source,
                    hint="rename or move the file; the generated page keeps that path",
                )
                continue
            files[output.path] = output.source
        elif isinstance(output, DataOutput):
            files[output.path] = output.data
        elif isinstance(output, TemplateOutput):
            try:
                text = render_template(env, output.templates, output.context, diag)  # type: ignore[arg-type]
            except TemplateFailure:
                failures += 1
                if failures >= 20:
                    break
                continue
            files[output.path] = text.encode()
    return files
