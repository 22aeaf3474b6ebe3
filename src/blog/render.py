"""Render the planned outputs straight into the staging tree, then publish it (DESIGN.md §8).

Nothing is collected: each output is written into the writer's spare tree as soon as it is
made (by the forked template workers themselves on a big site), and only its digest is kept.
A build's memory therefore does not grow with its output. A failed build (an error, or a
warning under ``--strict``) never swaps the tree in: ``public/`` stays as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

from blog.content import Progress
from blog.errors import Diagnostics
from blog.markdown import highlight_css
from blog.plan import CopyOutput, DataOutput, LazyOutput, Output, TemplateOutput
from blog.site import Site
from blog.splice import Stream
from blog.templates import THEME_DIR, Environment
from blog.treefiles import KEEP
from blog.workers import write_templates
from blog.writer import WriteReport, open_site


def static_outputs(sites: tuple[Site, ...]) -> list[Output]:
    """Return the theme's static files, the site's (which win), content files and extras."""
    config = sites[0].config
    found: dict[PurePosixPath, Output] = {}
    for folder in (THEME_DIR / "static", config.static_dir):
        for dirpath, dirnames, names in os.walk(folder):
            dirnames.sort()
            for name in sorted(names):
                path = Path(dirpath) / name
                rel = PurePosixPath(path.relative_to(folder).as_posix())
                found[rel] = CopyOutput(path=rel, source=path)
    for f in (f for site in sites for f in site.files):
        if f.output in found:
            continue  # a static file of the same path wins, as in Hugo
        found[f.output] = CopyOutput(path=f.output, source=f.source)
    extras: list[Output] = []
    if PurePosixPath("css/syntax.css") not in found:  # a site's own stylesheet wins
        css = highlight_css(config.highlight_style, config.highlight_dark_style).encode()
        extras.append(DataOutput(path=PurePosixPath("css/syntax.css"), data=css))
    extras.append(DataOutput(path=PurePosixPath(".nojekyll"), data=b""))
    if config.cname:
        extras.append(DataOutput(path=PurePosixPath("CNAME"), data=config.cname.encode() + b"\n"))
    return [*found.values(), *extras]


def check_collisions(outputs: Sequence[Output], diag: Diagnostics) -> bool:
    """Report each copied file that would overwrite a generated one; True when none does."""
    generated = {o.path for o in outputs if not isinstance(o, CopyOutput)}
    copied: set[PurePosixPath] = set()
    is_clear = True
    for output in outputs:
        if not isinstance(output, CopyOutput):
            continue
        if output.path in generated or output.path in copied:
            diag.error(
                f"{output.source.name} would overwrite the generated /{output.path}",
                path=output.source,
                hint="rename or move the file; the generated page keeps that path",
            )
            is_clear = False
        copied.add(output.path)
    return is_clear


def write_outputs(
    env: Environment,
    outputs: Sequence[Output],
    diag: Diagnostics,
    *,
    out_dir: Path,
    site_root: Path,
    is_strict: bool = False,
    progress: Progress | None = None,
    reuse: Callable[[PurePosixPath], bool] | None = None,
) -> tuple[WriteReport, int] | None:
    """Render the outputs ``reuse`` does not keep into the staging tree and publish it.

    Returns what the write changed and how many templates were rendered, or None when a
    diagnostic stopped the build (``out_dir`` untouched). Raises StaleOutput when an output
    kept by ``reuse`` has no previous file: the caller renders everything again. The
    diagnostics of a try that raised are dropped (the next try finds them again).
    """
    if not check_collisions(outputs, diag):
        return None
    found = Diagnostics()
    with open_site(out_dir, (o.path for o in outputs), site_root=site_root) as staging:
        pending: list[TemplateOutput] = []
        lazy: list[LazyOutput] = []
        for done, output in enumerate(outputs, start=1):
            if isinstance(output, CopyOutput):
                staging.put(output.path, output.source)
            elif isinstance(output, DataOutput):
                staging.put(output.path, output.data)
            elif reuse is not None and reuse(output.path):
                staging.put(output.path, KEEP)
            elif isinstance(output, LazyOutput):
                lazy.append(output)
            else:
                pending.append(output)
            if progress is not None:
                progress("rendering", done - len(pending), len(outputs))
        start = len(outputs) - len(pending)

        def rendered_so_far(done: int) -> None:
            if progress is not None:
                progress("rendering", start + done, len(outputs))

        def make_lazy() -> None:
            for output in lazy:
                made = Stream(output.stream) if output.stream else output.make()
                staging.put(output.path, made)

        # Feeds and the search index are made here while the forked workers start on the
        # templates: one core was idle while this process made them first.
        rendered = write_templates(env, pending, found, staging, rendered_so_far, make_lazy)
        diag.extend(found.items)
        if diag.error_count or (is_strict and diag.warning_count):
            return None
        return staging.finish(), rendered
