"""Assemble loaded pages into a Site: order, sections, taxonomies, collisions. Pure."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath

from blog.config import Config, Language
from blog.content import Content
from blog.errors import Diagnostics
from blog.links import resolve_links
from blog.model import Page, Section, SourceFile, Taxonomy, Term, Translation
from blog.urls import default_page_url, output_path, urlize

_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    """The whole site, assembled once per build."""

    config: Config
    """The configuration."""
    pages: tuple[Page, ...]
    """Every published regular page, in Hugo's default order."""
    home: Page | None
    """``content/_index.md``, when there is one."""
    home_pages: tuple[Page, ...]
    """Regular pages of the main sections, newest first (the home page's list)."""
    sections: tuple[Section, ...]
    """Every section, top-level and nested, by path."""
    taxonomies: tuple[Taxonomy, ...]
    """Configured taxonomies in config order."""
    files: tuple[SourceFile, ...]
    """Content files to copy (bundle resources, images)."""
    by_path: Mapping[str, Section] = field(default_factory=dict)
    """Section path → section."""
    neighbour_map: Mapping[PurePosixPath, tuple[Page | None, Page | None]] = field(
        default_factory=dict
    )
    """Source → (newer, older) page in its section."""
    related_map: Mapping[PurePosixPath, tuple[Page, ...]] = field(default_factory=dict)
    """Source → related pages."""
    language: Language = field(default_factory=lambda: Language(code="en"))
    """The language of this site (a multilingual build has one site per language)."""
    home_url: str = "/"
    """URL of the home page: ``/``, or ``/fr/`` for a language in a subfolder."""
    languages: tuple[Language, ...] = ()
    """Every language of the build, by weight (one site each); empty with one language."""
    translation_map: Mapping[str, tuple[Translation, ...]] = field(default_factory=dict)
    """Translation key → every language's version (see ``multilingual.py``)."""

    def section(self, path: str) -> Section | None:
        """Return the section at a content folder path."""
        return self.by_path.get(path)

    def neighbours(self, page: Page) -> tuple[Page | None, Page | None]:
        """Return the (newer, older) pages beside ``page`` in its section."""
        return self.neighbour_map.get(page.source, (None, None))

    def related(self, page: Page) -> tuple[Page, ...]:
        """Return pages sharing the most terms with ``page`` (ties: newest first)."""
        return self.related_map.get(page.source, ())

    def translations(self, key: str) -> tuple[Translation, ...]:
        """Return every language's version of the page or list of ``key``, this one included.

        Empty when there is no other version (nothing to link to).
        """
        found = self.translation_map.get(key, ())
        return found if len(found) > 1 else ()

    def switcher(self, translations: tuple[Translation, ...]) -> tuple[Translation, ...]:
        """Return a link to each other language: this page's version there, else its home."""
        if not self.languages:
            return ()
        versions = {t.lang: t for t in translations}
        homes = self.translation_map.get("list:/", ())
        return tuple(versions.get(h.lang, h) for h in homes if h.lang != self.language.code)


RELATED_LIMIT = 5
RELATED_CANDIDATES = 20
"""How many of each term's newest pages are candidates (keeps big sites linear)."""


def _neighbour_map(
    sections: tuple[Section, ...],
) -> dict[PurePosixPath, tuple[Page | None, Page | None]]:
    found: dict[PurePosixPath, tuple[Page | None, Page | None]] = {}
    for section in sections:
        if section.parent is not None:
            continue  # neighbours run through the top-level section, nested pages included
        items = section.regular_pages
        for index, page in enumerate(items):
            newer = items[index - 1] if index > 0 else None
            older = items[index + 1] if index + 1 < len(items) else None
            found[page.source] = (newer, older)
    return found


def _related_map(
    pages: tuple[Page, ...], taxonomies: tuple[Taxonomy, ...]
) -> dict[PurePosixPath, tuple[Page, ...]]:
    """Rank, for each page, the pages sharing the most terms (ties: newest first)."""
    newest_first = sorted(pages, key=date_key)
    rank = {id(p): i for i, p in enumerate(newest_first)}  # pages by position, newest first
    term_ranks = {
        (t.taxonomy, t.slug): [rank[id(p)] for p in t.pages[:RELATED_CANDIDATES] if id(p) in rank]
        for tax in taxonomies
        for t in tax.terms
    }
    found: dict[PurePosixPath, tuple[Page, ...]] = {}
    count = len(newest_first)
    for page in pages:
        own = rank.get(id(page), -1)
        shared: Counter[int] = Counter()
        for refs in page.terms.values():
            for ref in refs:
                shared.update(term_ranks.get((ref.taxonomy, ref.slug), ()))
        shared.pop(own, None)
        # Most shared terms first, then newest: one int per candidate (its position less
        # `count` per shared term) sorts so, in C.
        best = sorted([i - n * count for i, n in shared.items()])[:RELATED_LIMIT]
        found[page.source] = tuple(newest_first[key % count] for key in best)
    return found


def sort_key(page: Page) -> tuple[int, int, float, str, str]:
    """Return Hugo's default page order: weight (0 last), date desc, title, path."""
    date = (page.date or _EPOCH).timestamp()
    return (page.weight == 0, page.weight, -date, page.title.lower(), page.source.as_posix())


def date_key(page: Page) -> tuple[float, str]:
    """Return the newest-first order used by feeds and the home list."""
    return (-(page.date or _EPOCH).timestamp(), page.source.as_posix())


def assemble(
    config: Config,
    content: Content,
    diag: Diagnostics,
    *,
    language: Language | None = None,
    home_url: str = "/",
    loose_files: bool = True,
) -> Site:
    """Build the site's sections and taxonomies and check URL collisions.

    A multilingual build assembles one site per language (``multilingual.py``): ``content``
    then holds that language's pages, ``home_url`` is its home (``/fr/``) and only one of
    the sites publishes the content files that belong to no bundle (``loose_files``).
    """
    pages = resolve_links(tuple(sorted(content.pages, key=sort_key)), config.base_path, diag)
    branches = {_folder(p.source): p for p in content.branches}
    listed = tuple(p for p in pages if p.is_listed)
    sections = _sections(listed, branches, home_url)
    home_pages = _home_pages(config, listed)
    taxonomies = tuple(
        _taxonomy(singular, plural, listed, diag, home_url)
        for singular, plural in config.taxonomies
    )
    unpublished = tuple(page for page, _ in content.excluded if page.is_bundle)
    files = _place_bundle_files(pages, content.files, unpublished, loose_files)
    site = Site(
        language=language or Language(code=config.default_language),
        home_url=home_url,
        by_path={s.path: s for s in sections},
        neighbour_map=_neighbour_map(sections),
        related_map=_related_map(listed, taxonomies),
        config=config,
        pages=pages,
        home=branches.get(""),
        home_pages=home_pages,
        sections=sections,
        taxonomies=taxonomies,
        files=files,
    )
    check_collisions(site, diag)
    return site


def _folder(source: PurePosixPath) -> str:
    """Return a file's folder relative to ``content/``, "" at the top."""
    parent = source.parent
    return "" if parent == PurePosixPath(".") else parent.as_posix()


def _section_of(page: Page, section_paths: set[str]) -> str | None:
    """Return the deepest section folder holding ``page``."""
    folder = page.source.parent
    if page.is_bundle:
        folder = folder.parent
    while folder.parts:
        if folder.as_posix() in section_paths:
            return folder.as_posix()
        folder = folder.parent
    return None


def _sections(
    pages: tuple[Page, ...], branches: dict[str, Page], home_url: str
) -> tuple[Section, ...]:
    paths = {p.section for p in pages if p.section} | {b for b in branches if b}
    paths |= {b.split("/")[0] for b in branches if b}
    direct: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        owner = _section_of(page, paths)
        if owner:
            direct[owner].append(page)
    for path in paths:
        parent = _parent_section(path, paths)
        if parent and path in branches:
            direct[parent].append(branches[path])
    sections = []
    for path in sorted(paths):
        branch = branches.get(path)
        regular = [p for p in pages if _under(p, path)]
        sections.append(
            Section(
                name=path.rsplit("/", 1)[-1],
                path=path,
                title=branch.title if branch else path.rsplit("/", 1)[-1].title(),
                url=branch.url
                if branch
                else home_url + default_page_url(PurePosixPath(path, "_index.md"), None)[1:],
                description=branch.description if branch else "",
                html=branch.html if branch else "",
                params=branch.params if branch else {},
                pages=tuple(sorted(direct[path], key=sort_key)),
                regular_pages=tuple(sorted(regular, key=date_key)),
                parent=_parent_section(path, paths),
            )
        )
    return tuple(sections)


def _under(page: Page, path: str) -> bool:
    return page.source.as_posix().startswith(path + "/")


def _parent_section(path: str, paths: set[str]) -> str | None:
    parent = PurePosixPath(path).parent
    while parent.parts:
        if parent.as_posix() in paths:
            return parent.as_posix()
        parent = parent.parent
    return None


def _home_pages(config: Config, pages: tuple[Page, ...]) -> tuple[Page, ...]:
    """Return the home page's list: ``params.mainSections`` pages, else every regular page.

    (Hugo's home feed lists every regular page; PaperMod's list narrows to mainSections.)
    """
    main = set(config.main_sections)
    chosen = [p for p in pages if p.section in main] if main else list(pages)
    return tuple(sorted(chosen, key=date_key))


def _taxonomy(
    singular: str, plural: str, pages: tuple[Page, ...], diag: Diagnostics, home_url: str
) -> Taxonomy:
    by_slug: dict[str, list[Page]] = defaultdict(list)
    spellings: dict[str, dict[str, list[Page]]] = defaultdict(lambda: defaultdict(list))
    for page in sorted(pages, key=date_key):
        for ref in page.terms.get(plural, ()):
            by_slug[ref.slug].append(page)
            spellings[ref.slug][ref.name].append(page)
    terms = []
    for slug, term_pages in by_slug.items():
        names = spellings[slug]
        shown = next(iter(names))
        if len(names) > 1:
            _warn_spellings(singular, shown, names, diag)
        ref = next(r for r in term_pages[0].terms[plural] if r.slug == slug)
        terms.append(
            Term(taxonomy=plural, name=shown, slug=slug, url=ref.url, pages=tuple(term_pages))
        )
    terms.sort(key=lambda t: (t.name.lower(), t.slug))
    url = f"{home_url}{urlize(plural)}/"
    return Taxonomy(name=plural, singular=singular, url=url, terms=tuple(terms))


def _warn_spellings(
    singular: str, shown: str, names: dict[str, list[Page]], diag: Diagnostics
) -> None:
    """Warn once per term spelled several ways, naming the files of each spelling."""
    listed = "; ".join(
        f"'{name}' in " + ", ".join(p.source.as_posix() for p in pages)
        for name, pages in names.items()
    )
    other = next(pages for name, pages in names.items() if name != shown)
    diag.warning(
        f"{singular} spelled differently only in case ({listed}): one term, shown as '{shown}'",
        path=other[0].file_path,
        hint=f"spell it '{shown}' everywhere",
    )


def _place_bundle_files(
    pages: tuple[Page, ...],
    files: Iterable[SourceFile],
    unpublished: tuple[Page, ...],
    loose_files: bool = True,
) -> tuple[SourceFile, ...]:
    """Put each leaf bundle's resources beside its page; other files keep their path.

    ``files`` arrive with ``output`` set to their path relative to ``content/``. Resources
    of bundles left out of the build (drafts, future, expired) are not published either;
    files of no bundle only when ``loose_files``.
    """
    bundles = {p.source.parent.as_posix() + "/": p for p in pages if p.is_bundle}
    hidden = tuple(p.source.parent.as_posix() + "/" for p in unpublished)
    placed = []
    for f in files:
        rel = f.output.as_posix()
        if rel.startswith(hidden):
            continue
        owner = next((p for folder, p in bundles.items() if rel.startswith(folder)), None)
        if owner is None and not loose_files:
            continue
        if owner is None:
            # Hugo lower-cases the folders of published content files.
            target = PurePosixPath(*[p.lower() for p in f.output.parent.parts], f.output.name)
        else:
            inner = rel[len(owner.source.parent.as_posix()) + 1 :]
            target = output_path(owner.url).parent / inner
        placed.append(SourceFile(source=f.source, output=target))
    return tuple(placed)


def check_collisions(site: Site, diag: Diagnostics) -> None:
    """Report every output path claimed by more than one source, naming them all."""
    claims: dict[str, list[str]] = defaultdict(list)
    for page in site.pages:
        if page.is_rendered:
            claims[output_path(page.url).as_posix()].append(f"{page.source}")
        for alias in page.aliases:
            claims[output_path(alias).as_posix()].append(f"{page.source} (alias)")
    for section in site.sections:
        claims[output_path(section.url).as_posix()].append(f"section {section.path}/")
    for tax in site.taxonomies:
        claims[output_path(tax.url).as_posix()].append(f"taxonomy {tax.name}")
        for term in tax.terms:
            claims[output_path(term.url).as_posix()].append(f"{tax.singular} '{term.name}'")
    claims[output_path(site.home_url).as_posix()].append("home page")
    by_source = {p.source.as_posix(): p for p in site.pages}
    for path, sources in sorted(claims.items()):
        if len(sources) < 2:
            continue
        first = by_source.get(sources[0].removesuffix(" (alias)"))
        diag.error(
            f"{len(sources)} sources want the output /{path}: " + ", ".join(sources),
            path=first.file_path if first else None,
            hint="change the slug, url or aliases of all but one of them",
        )
