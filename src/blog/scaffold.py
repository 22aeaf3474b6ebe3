"""``blog new``: a new site, or a new content file from an archetype."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from blog.errors import BlogError
from blog.templates import render_archetype
from blog.urls import urlize

SKELETON = Path(__file__).parent / "skeleton"


@dataclass(frozen=True, slots=True, kw_only=True)
class NewFile:
    """A file ``blog new`` wrote."""

    path: Path
    """Where it was written."""
    url: str | None = None
    """Its page URL, for content files."""


def new_site(target: Path, *, force: bool = False, now: datetime) -> tuple[NewFile, ...]:
    """Write a working site into ``target``: config, an example post, workflow, archetype."""
    if target.exists() and any(target.iterdir()) and not force:
        raise BlogError(
            f"{target} is not empty: refusing to write a site into it\n"
            "    hint: choose a new folder, or pass --force to add the site files anyway"
        )
    title = target.resolve().name.replace("-", " ").replace("_", " ").title() or "My Blog"
    context = {"title": title, "date": now.isoformat(timespec="seconds")}
    files = {
        "config.yaml": render_archetype((SKELETON / "config.yaml").read_text(), context),
        ".gitignore": (SKELETON / "gitignore").read_text(),
        "archetypes/default.md": (SKELETON / "default.md").read_text(),
        "content/posts/welcome.md": render_archetype(
            (SKELETON / "welcome.md").read_text(), context
        ),
        ".github/workflows/pages.yml": (SKELETON / "pages.yml").read_text(),
        "requirements.txt": requirements_line(),
        "static/.gitkeep": "",
        "templates/.gitkeep": "",
    }
    written = []
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(NewFile(path=path))
    return tuple(written)


def requirements_line() -> str:
    """Return requirements.txt for a new site: how its Pages workflow installs this blog.

    When blog was installed from a git URL (PEP 610's direct_url.json), that URL is reused;
    otherwise the file explains what to write (the PyPI project named "blog" is not this one).
    """
    # Imported here: importlib.metadata is 12 ms of every command's start, for `blog new site`.
    from importlib.metadata import PackageNotFoundError, distribution

    note = "# What the GitHub Pages workflow installs to build the site.\n"
    try:
        raw = distribution("blog").read_text("direct_url.json")
        origin = json.loads(raw) if raw else {}
    except (PackageNotFoundError, ValueError):
        origin = {}
    vcs = origin.get("vcs_info", {})
    if vcs.get("vcs") == "git" and origin.get("url"):
        return f"{note}blog @ git+{origin['url']}@{vcs.get('commit_id', 'main')}\n"
    return (
        f"{note}# Write where blog comes from, e.g. a git URL:\n"
        "#   blog @ git+https://github.com/OWNER/blog@main\n"
        "# or a wheel committed to this repository: ./blog-0.1.0-py3-none-any.whl\n"
    )


def content_path_for_title(title: str, section: str = "posts") -> PurePosixPath:
    """Return ``posts/hello-world.md`` for the title "Hello, World"."""
    slug = urlize(title)
    if not slug:
        raise BlogError(f"cannot make a file name from the title {title!r}")
    return PurePosixPath(section) / f"{slug}.md"


def title_for_path(rel: PurePosixPath) -> str:
    """Return a title from a file name, as Hugo's archetypes do (``my-post`` → "My Post")."""
    stem = rel.parent.name if rel.stem == "index" else rel.stem
    return stem.replace("-", " ").replace("_", " ").title()


def new_content(
    root: Path, rel: PurePosixPath, *, title: str, timezone: str, now: datetime
) -> NewFile:
    """Create ``content/<rel>`` from its section's archetype; never overwrite a file."""
    if rel.is_absolute() or ".." in rel.parts or rel.suffix.lower() != ".md":
        raise BlogError(
            f"not a content file path: {rel}\n"
            "    hint: give a path under content/ ending in .md, e.g. posts/my-post.md"
        )
    path = root / "content" / rel
    if path.exists():
        raise BlogError(
            f"{path.relative_to(root)} already exists: not overwriting it\n"
            "    hint: pick another title or file name"
        )
    local = now.astimezone(ZoneInfo(timezone))
    context = {
        "title": title,
        "date": local.isoformat(timespec="seconds"),
        "slug": urlize(title),
        "section": rel.parts[0] if len(rel.parts) > 1 else "",
    }
    archetype = _archetype(root, rel)
    text = render_archetype(archetype.read_text(encoding="utf-8"), context, name=archetype)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite
        handle.write(text)
    return NewFile(path=path)


def _archetype(root: Path, rel: PurePosixPath) -> Path:
    """Return the section's archetype, the site's default one, or ours."""
    folder = root / "archetypes"
    section = rel.parts[0] if len(rel.parts) > 1 else None
    for candidate in ([folder / f"{section}.md"] if section else []) + [folder / "default.md"]:
        if candidate.is_file():
            return candidate
    return SKELETON / "default.md"
