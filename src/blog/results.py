"""What a build is asked to do and what it reports: the types every caller of ``build`` uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from blog.cache import BuildCache
from blog.content import Content, Inclusion, Progress
from blog.errors import Diagnostic


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
    """An in-memory cache kept across builds (the serve loop's); None: the site's own."""
    use_cache: bool = True
    """Read and write the site's persistent cache in ``.cache/blog/`` (``--no-cache``: no)."""
    may_skip: bool = True
    """Skip the build when no input changed since the last good one (``--explain``: no)."""
    progress: Progress | None = None
    """Told (stage, done, total) as the build goes."""
    light_pages_from: int | None = None
    """Keep regular pages' bodies in a temporary file while building, not in memory, when
    ``content/`` holds at least this many files (``bodies.py``; ``blog build``: 2,000; 0:
    always; None: never). Ignored with an in-memory ``cache``, whose pages last."""
    changed: tuple[Path, ...] | None = None
    """The files changed since the last build (the serve loop's watcher); None: unknown.

    With an in-memory ``cache`` holding the last build, a change of page bodies only is
    patched into it (``incremental.py``) instead of running every stage.
    """


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
    markdown_rendered: int = 0
    """Content files rendered (cache misses)."""
    cache_hits: int = 0
    """Content files taken from the cache."""
    outputs_rendered: int = 0
    """Template outputs rendered (the rest were unchanged)."""
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
