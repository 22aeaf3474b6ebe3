"""Keep the last build on disk, so that ``blog build`` after a body edit can patch it.

The serve loop keeps its ``LastBuild`` in memory; a ``blog build`` process starts with
nothing. After a full build the ``LastBuild`` is saved in ``.cache/blog/`` in a form that
loads in a fraction of a second at 10,000 posts:

- regular pages are *light*: without their HTML, table of contents and links (most of the
  objects and bytes). A patch shows a page's body only in the outputs whose key covers it
  (its own page, the pagers listing it, custom layouts) and reads those pages back whole from
  the page store (``hydrator``);
- outputs are plain tuples naming the pages, sections and terms of their context; only those
  a patch of the changed files may touch are made into objects again;
- feeds are functions, not data: they are planned again from the site.

A patch made by ``blog build`` is saved beside it as an *overlay* (its pages and keys), so the
next patch starts from it without writing the whole build again; the next full build replaces
both.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import fields, replace
from pathlib import Path, PurePosixPath
from typing import Any

from blog import pagestore
from blog.config import Config
from blog.content import Content
from blog.errors import Diagnostics
from blog.fastpickle import FastPickler, collector_paused, dumps, make, register
from blog.fingerprints import SiteKeys, page_key
from blog.incremental import LastBuild
from blog.links import resolve_page
from blog.model import EMPTY_BODY, Page, Pager, Section, SourceFile, Taxonomy, Term, Translation
from blog.plan import (
    Context,
    CopyOutput,
    DataOutput,
    LazyOutput,
    Output,
    TemplateOutput,
    plan_feeds,
)
from blog.site import Site
from blog.swap import patched_site
from blog.templates import Environment

register(Site, Section, Taxonomy, Term, Pager, Translation, SourceFile)

SNAPSHOT_VERSION = 2
_PAGE_FIELDS = tuple(f.name for f in fields(Page))
_EMPTY_CONTENT = Content(pages=(), branches=(), files=(), excluded=())


class _LightPickler(FastPickler):
    """Regular pages without their body."""

    def reducer_override(self, obj: Any) -> Any:
        """Return the light form of a regular page, else the fast form."""
        if type(obj) is Page and obj.kind == "page":
            # (a body field is never read: a light page would read it back from disk)
            values = tuple(
                EMPTY_BODY[name] if name in EMPTY_BODY else getattr(obj, name)
                for name in _PAGE_FIELDS
            )
            return make, (Page, values)
        return super().reducer_override(obj)


def _dump(path: Path, state: object) -> bool:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temp.open("wb") as handle:
            _LightPickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(state)
        temp.replace(path)
    except OSError:
        temp.unlink(missing_ok=True)
        return False
    return True


def _load(path: Path) -> Any:
    try:
        with path.open("rb") as handle, collector_paused():
            return pickle.load(handle)
    except Exception:  # missing, old or damaged: the full build makes it again
        return None


def overlay_of(path: Path) -> Path:
    """Return where the patches made since the saved build are kept."""
    return path.with_name(path.stem + "-overlay.pickle")


# ---------------------------------------------------------------- saving


def save(path: Path, last: LastBuild, frame: str) -> str | None:
    """Write a full build's ``last`` (made from the inputs ``frame`` names); drop any overlay.

    Returns the token naming this save (the build's record keeps it), None when it failed.
    """
    files = {id(p): str(p.file_path) for p in _every_page(last.site)}
    state = {
        "version": SNAPSHOT_VERSION,
        "frame": frame,
        "token": (token := os.urandom(8).hex()),
        "config": last.config,
        "settings": last.settings,
        "languages": last.languages,
        "template_fp": last.template_fp,
        "site": last.site,
        "outputs": [_output_ref(o, files) for o in last.outputs],
        "keys": last.keys,
        "site_keys": (last.site_keys.site, last.site_keys.config),
        "page_keys": {files[i]: d for i, d in last.site_keys.pages.items() if i in files},
        "dependents": {str(path): found for path, found in last.dependents.items()},
        "show_all": last.show_all,
        "linked_anchors": last.linked_anchors,
        "diagnostics": last.diagnostics,
        "valid_until": last.valid_until,
    }
    overlay_of(path).unlink(missing_ok=True)
    for stale in path.parent.glob("last-v*.pickle"):  # another version's
        if stale not in (path, overlay_of(path)):
            stale.unlink(missing_ok=True)
    return token if _dump(path, state) else None


def save_overlay(path: Path, last: LastBuild, token: str, pages: Iterable[Page]) -> str | None:
    """Record a patch of the build saved with ``token``: its pages and every output key.

    The pages of the patches before it are kept. Returns the name of the new state.
    """
    kept = _load(overlay_of(path))
    known: dict[str, Page] = kept["pages"] if _is_overlay(kept, token) else {}
    known.update((str(p.file_path), p) for p in pages)
    overlay = os.urandom(8).hex()
    state = {"token": token, "overlay": overlay, "pages": known, "keys": last.keys}
    return f"{token}+{overlay}" if _dump(overlay_of(path), state) else None


def _is_overlay(state: Any, token: str) -> bool:
    return isinstance(state, dict) and state.get("token") == token


def _every_page(site: Site) -> list[Page]:
    """Return the regular pages and the section pages lists may show."""
    return [*site.pages, *(p for s in site.sections for p in s.pages if p.kind != "page")]


def _output_ref(output: Output | None, files: Mapping[int, str]) -> tuple[Any, ...]:
    if isinstance(output, TemplateOutput):
        context = output.context
        # Pickled on its own: only the few a patch may touch are ever loaded.
        ref = dumps(_context_ref(context, files))
        return ("t", output.path.as_posix(), output.templates, ref)
    if isinstance(output, LazyOutput):
        return ("l", output.path.as_posix())
    if isinstance(output, CopyOutput):
        return ("c", output.path.as_posix(), str(output.source))
    if isinstance(output, DataOutput):
        return ("d", output.path.as_posix(), output.data)
    return ("-",)


def _context_ref(context: Context, files: Mapping[int, str]) -> dict[str, Any]:
    """Return a context with its objects named (pages by file, sections by path, …)."""

    def page(p: Page | None) -> str | None:
        return None if p is None else files[id(p)]

    ref: dict[str, Any] = {k: v for k, v in context.items() if k not in ("site", "config")}
    for name in ("page", "prev_page", "next_page"):
        ref[name] = page(context.get(name))  # type: ignore[arg-type]
    ref["related"] = tuple(files[id(p)] for p in context.get("related", ()))
    pager = context.get("pager")
    if pager is not None:
        ref["pager"] = replace(pager, items=()), tuple(files[id(p)] for p in pager.items)
    section, taxonomy, term = context.get("section"), context.get("taxonomy"), context.get("term")
    ref["section"] = section.path if section else None
    ref["taxonomy"] = taxonomy.name if taxonomy else None
    ref["term"] = term.slug if term else None
    ref["terms"] = tuple(t.slug for t in context.get("terms", ()))
    return ref


# ---------------------------------------------------------------- loading


def load(
    path: Path,
    frame: str,
    templates: tuple[Environment, str],
    changed: Collection[Path],
    expected: str,
) -> tuple[LastBuild, str] | None:
    """Return the saved build (with its overlay) and its token, when it is the right one.

    It must be the one ``expected`` names (the last build's record does) and be made from
    ``frame``.

    Only the outputs that a patch of ``changed`` may touch are made into objects.
    """
    token, _, overlay_token = expected.partition("+")
    state = _load(path)
    if not isinstance(state, dict) or state.get("version") != SNAPSHOT_VERSION:
        return None
    if state["token"] != token or state["frame"] != frame:
        return None
    if state["template_fp"] != templates[1]:
        return None
    site: Site = state["site"]
    page_keys: dict[str, str] = state["page_keys"]
    keys: dict[str, str] = state["keys"]
    if overlay_token:
        overlay = _load(overlay_of(path))
        if not _is_overlay(overlay, token) or overlay.get("overlay") != overlay_token:
            return None
        site, page_keys, keys = _with_overlay(site, page_keys, overlay)
    current = {p.file_path: p for p in site.pages}
    by_file = {str(p.file_path): p for p in _every_page(site)}
    dependents: dict[str, tuple[int, ...]] = state["dependents"]
    show_all: tuple[int, ...] = state["show_all"]
    wanted = {i for path in changed for i in dependents.get(str(path), ())} | set(show_all)
    feeds = {o.path.as_posix(): o for o in plan_feeds(site)}
    refs = state["outputs"]
    outputs = tuple(
        _output(refs[i], site, by_file, feeds) if i in wanted else None for i in range(len(refs))
    )
    site_key, config_key = state["site_keys"]
    site_keys = SiteKeys(
        site=site_key,
        everything="",  # made again by the patch, from every page's digest
        config=config_key,
        pages={id(by_file[f]): d for f, d in page_keys.items() if f in by_file},
    )
    last = LastBuild(
        config=state["config"],
        settings=state["settings"],
        languages=state["languages"],
        env=templates[0],
        template_fp=templates[1],
        content=_EMPTY_CONTENT,
        site=site,
        outputs=outputs,
        keys=keys,
        site_keys=site_keys,
        current=current,
        by_source={p.source.as_posix(): p for p in site.pages},
        by_url={p.url: p for p in site.pages},
        dependents={p: dependents[str(p)] for p in changed if str(p) in dependents},
        show_all=show_all,
        linked_anchors=state["linked_anchors"],
        diagnostics=state["diagnostics"],
        valid_until=state["valid_until"],
    )
    return last, state["token"]


def _with_overlay(
    site: Site, page_keys: dict[str, str], overlay: dict[str, Any]
) -> tuple[Site, dict[str, str], dict[str, str]]:
    pages: dict[str, Page] = overlay["pages"]
    old = {str(p.file_path): p for p in site.pages if str(p.file_path) in pages}
    site = patched_site(site, {id(old[f]): page for f, page in pages.items() if f in old})
    page_keys = dict(page_keys)
    page_keys.update((f, page_key(page)) for f, page in pages.items())
    return site, page_keys, overlay["keys"]


def _output(
    ref: tuple[Any, ...], site: Site, by_file: Mapping[str, Page], feeds: Mapping[str, Output]
) -> Output | None:
    kind, path = ref[0], ref[1] if len(ref) > 1 else ""
    if kind == "t":
        context = _context(pickle.loads(ref[3]), site, by_file)
        return TemplateOutput(path=PurePosixPath(path), templates=ref[2], context=context)
    if kind == "l":
        return feeds.get(path)
    if kind == "c":
        return CopyOutput(path=PurePosixPath(path), source=Path(ref[2]))
    if kind == "d":
        return DataOutput(path=PurePosixPath(path), data=ref[2])
    return None


def _context(ref: dict[str, Any], site: Site, by_file: Mapping[str, Page]) -> Context:
    context = Context(**{**ref, "site": site, "config": site.config})  # type: ignore[typeddict-item]
    for name in ("page", "prev_page", "next_page"):
        context[name] = by_file[ref[name]] if ref[name] else None
    context["related"] = tuple(by_file[f] for f in ref["related"])
    if ref.get("pager") is not None:
        pager, items = ref["pager"]
        context["pager"] = replace(pager, items=tuple(by_file[f] for f in items))
    context["section"] = site.section(ref["section"]) if ref["section"] else None
    taxonomy = next((t for t in site.taxonomies if t.name == ref["taxonomy"]), None)
    context["taxonomy"] = taxonomy
    terms = {t.slug: t for t in taxonomy.terms} if taxonomy else {}
    context["term"] = terms[ref["term"]] if ref["term"] else None
    context["terms"] = tuple(terms[slug] for slug in ref["terms"])
    return context


# ---------------------------------------------------------------- whole pages


def hydrator(
    store: Path, fingerprint: str, config: Config
) -> Callable[[LastBuild, Iterable[Page]], Mapping[Path, Page]]:
    """Return a function giving whole pages for light ones, read from the page store."""

    def hydrate(last: LastBuild, pages: Iterable[Page]) -> Mapping[Path, Page]:
        wanted = {p.file_path: p for p in pages if p.kind == "page"}
        if not wanted:
            return {}
        content_dir = config.content_dir.resolve()
        if len(wanted) > 64:
            rows = pagestore.read_all(store, fingerprint)
        else:
            rows = {}
            for file_path in wanted:
                rel = _rel(file_path, content_dir)
                row = pagestore.read_one(store, fingerprint, rel)
                if row is not None:
                    rows[rel] = row
        found: dict[Path, Page] = {}
        for file_path, light in wanted.items():
            row = rows.get(_rel(file_path, content_dir))
            page = row[1].page if row is not None else None
            if page is None or page.digest != light.digest:
                raise LookupError(f"no stored page for {file_path}")
            base_path = config.base_path
            resolved = resolve_page(page, last.by_source, last.by_url, base_path, Diagnostics())
            found[file_path] = resolved
        return found

    return hydrate


def _rel(file_path: Path, content_dir: Path) -> PurePosixPath:
    return PurePosixPath(file_path.resolve().relative_to(content_dir).as_posix())
