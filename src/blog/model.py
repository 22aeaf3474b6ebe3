"""The frozen domain types every stage passes along."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, Literal

Kind = Literal["home", "page", "section", "taxonomy", "term"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TocEntry:
    """One heading in a page's table of contents."""

    level: int
    """The heading level, 1 to 6."""
    id: str
    """The heading's anchor id."""
    title: str
    """The heading as plain text (no markup, no links)."""
    children: tuple[TocEntry, ...] = ()
    """Headings nested under this one."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    """A link or image written in a page's Markdown."""

    target: str
    """The destination as written."""
    line: int
    """1-based line in the source file."""
    is_image: bool = False
    """Whether it is an image reference."""


@dataclass(frozen=True, slots=True, kw_only=True)
class TermRef:
    """What a page knows about one of its taxonomy terms."""

    taxonomy: str
    """The taxonomy's plural name (``tags``)."""
    name: str
    """The term as the author spelled it."""
    slug: str
    """The term's URL segment."""
    url: str
    """Site-relative URL of the term page."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    """One content file, loaded and rendered."""

    source: PurePosixPath
    """Path relative to ``content/``, without a language suffix (``post.fr.md`` → ``post.md``)."""
    file_path: Path
    """Absolute path of the source file (for diagnostics)."""
    section: str | None
    """First folder under ``content/``; None for top-level pages."""
    kind: Kind = "page"
    """``page`` for regular pages; ``section`` or ``home`` for ``_index.md`` files."""
    lang: str = ""
    """Language code in a multilingual site (``fr`` for ``post.fr.md``); empty otherwise."""
    title: str
    """The page title."""
    title_from_heading: bool = False
    """True when the title was taken from the body's leading ``#`` heading."""
    date: datetime | None = None
    """Publication date, timezone-aware."""
    lastmod: datetime | None = None
    """Last modification date, timezone-aware."""
    publish_date: datetime | None = None
    """The page appears from this moment on."""
    expiry_date: datetime | None = None
    """The page disappears from this moment on."""
    draft: bool = False
    """Whether the page is a draft."""
    slug: str
    """The last URL segment."""
    url: str
    """Site-relative URL, starting and ending with ``/``."""
    description: str = ""
    """Front-matter description (meta description)."""
    summary: str = ""
    """Summary HTML: front-matter ``summary``, text before ``<!--more-->``, or the opening."""
    summary_is_truncated: bool = False
    """Whether the summary is shorter than the content."""
    terms: Mapping[str, tuple[TermRef, ...]] = field(default_factory=dict)
    """Taxonomy name → the page's terms in it."""
    aliases: tuple[str, ...] = ()
    """Old URLs that redirect here."""
    layout: str | None = None
    """Front-matter ``layout`` (template override)."""
    weight: int = 0
    """Ordering weight (0 means unset, as in Hugo)."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """Every front-matter key, lower-cased, as Hugo's ``.Params``."""
    html: str = ""
    """The rendered body."""
    toc: tuple[TocEntry, ...] = ()
    """Table of contents tree."""
    word_count: int = 0
    """Words in the body."""
    plain_text: str = ""
    """The body as plain text (search index)."""
    links: tuple[Link, ...] = ()
    """Links and images in the body (checked by the site stage)."""
    anchors: tuple[str, ...] = ()
    """Ids of the body's headings (targets of ``#fragment`` links)."""
    bundle_files: tuple[PurePosixPath, ...] = ()
    """Resource files of a page bundle, relative to ``content/``."""
    is_bundle: bool = False
    """Whether the page is a leaf bundle (``dir/index.md``)."""
    is_rendered: bool = True
    """False for Hugo's ``build.render: never``: listed, but no page of its own."""
    is_listed: bool = True
    """False for Hugo's ``build.list: never``: a page of its own, in no list."""
    digest: str = ""
    """Digest of the source text (with the settings, it decides the page's outputs)."""

    @property
    def reading_minutes(self) -> int:
        """Return the reading time in minutes (Hugo: 213 words a minute, rounded up)."""
        return max(1, -(-self.word_count // 213)) if self.word_count else 0

    @property
    def is_post(self) -> bool:
        """Whether the page is dated (a post rather than a standalone page)."""
        return self.date is not None

    def param(self, key: str, default: Any = None) -> Any:
        """Return a front-matter param looked up case-insensitively."""
        return self.params.get(key.lower(), default)

    def __getattr__(self, name: str) -> Any:
        """Return a body field of a *light* page from where the build put it aside.

        Python calls this only for an attribute the page does not hold: a light page
        (``bodies.py``) leaves its ``BODY_ASIDE`` slots unset, and reads them back on use.
        """
        if name in BODY_ASIDE and _BODY_READERS:
            return _BODY_READERS[-1](self, name)
        raise AttributeError(f"'Page' object has no attribute '{name}'")


EMPTY_BODY: Mapping[str, Any] = {"html": "", "toc": (), "plain_text": "", "links": ()}
"""The fields made from a page's body that are most of its bytes, and their empty values
(what a light page leaves out: its summary and anchors stay, lists and checks use them)."""

BODY_ASIDE = tuple(EMPTY_BODY)
"""The fields of a page a build may keep out of memory (``bodies.py``)."""

_BODY_READERS: list[Callable[[Page, str], Any]] = []


def read_bodies_with(reader: Callable[[Page, str], Any] | None) -> None:
    """Make ``reader(page, field)`` give light pages their body fields (None: stop)."""
    if reader is None:
        _BODY_READERS.clear()
    else:
        _BODY_READERS[:] = [reader]


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A top-level folder of ``content/`` and its pages."""

    name: str
    """The folder name."""
    path: str
    """Folder relative to ``content/`` (``posts/inner-section``)."""
    title: str
    """From ``_index.md`` or the capitalised folder name."""
    url: str
    """Site-relative URL."""
    description: str = ""
    """From ``_index.md``."""
    html: str = ""
    """The rendered body of ``_index.md``."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """``_index.md`` front matter, lower-cased keys."""
    pages: tuple[Page, ...] = ()
    """Direct regular pages and subsection pages, in Hugo's default order."""
    regular_pages: tuple[Page, ...] = ()
    """Every regular page under the section, nested ones included, newest first."""
    parent: str | None = None
    """Path of the enclosing section, None at the top."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Term:
    """One term of a taxonomy and its pages."""

    taxonomy: str
    """The taxonomy's plural name."""
    name: str
    """Display name (the first spelling met)."""
    slug: str
    """URL segment."""
    url: str
    """Site-relative URL."""
    pages: tuple[Page, ...] = ()
    """Pages carrying the term, newest first."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Taxonomy:
    """A configured taxonomy (``tags``) and its terms."""

    name: str
    """Plural name, used in URLs."""
    singular: str
    """Singular name (``tag``)."""
    url: str
    """Site-relative URL of the taxonomy index."""
    terms: tuple[Term, ...] = ()
    """Terms sorted by name."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Pager:
    """One page of a paginated list."""

    number: int
    """1-based page number."""
    total: int
    """How many pagers the list has."""
    url: str
    """Site-relative URL of this pager."""
    items: tuple[Page, ...]
    """The pages on this pager."""
    first_url: str
    """URL of pager 1."""
    prev_url: str | None = None
    """URL of the previous pager."""
    next_url: str | None = None
    """URL of the next pager."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Translation:
    """One language's version of a page or list (hreflang links, the language switcher)."""

    lang: str
    """Language code (``fr``)."""
    name: str
    """Language name as configured (``Français``), else the code in title case (``Fr``)."""
    url: str
    """Site-relative URL of that version."""
    direction: str = "ltr"
    """``ltr`` or ``rtl``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFile:
    """A static or bundle file to copy into the output."""

    source: Path
    """Absolute path to read."""
    output: PurePosixPath
    """Path relative to the output folder."""


__all__ = [
    "Kind",
    "Link",
    "Page",
    "Pager",
    "Section",
    "SourceFile",
    "Taxonomy",
    "Term",
    "TermRef",
    "TocEntry",
    "Translation",
]
