"""The assembled site's shortcuts give what the plain computations give."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

from blog.model import Page, Taxonomy, Term, TermRef
from blog.site import RELATED_CANDIDATES, RELATED_LIMIT, _related_map, date_key


def _reference_related(
    pages: tuple[Page, ...], taxonomies: tuple[Taxonomy, ...]
) -> dict[PurePosixPath, tuple[Page, ...]]:
    """The ranking as first written: most shared terms, then newest, by a sort of pairs."""
    newest_first = sorted(pages, key=date_key)
    rank = {id(p): i for i, p in enumerate(newest_first)}
    term_ranks = {
        (t.taxonomy, t.slug): [rank[id(p)] for p in t.pages[:RELATED_CANDIDATES] if id(p) in rank]
        for tax in taxonomies
        for t in tax.terms
    }
    found = {}
    for page in pages:
        shared: Counter[int] = Counter()
        for refs in page.terms.values():
            for ref in refs:
                shared.update(term_ranks.get((ref.taxonomy, ref.slug), ()))
        shared.pop(rank.get(id(page), -1), None)
        best = sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:RELATED_LIMIT]
        found[page.source] = tuple(newest_first[i] for i, _ in best)
    return found


def _random_site(rng: random.Random, count: int) -> tuple[tuple[Page, ...], tuple[Taxonomy, ...]]:
    names = [f"t{n}" for n in range(rng.randint(1, 12))]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    pages = []
    for n in range(count):
        chosen = rng.sample(names, rng.randint(0, min(4, len(names))))
        refs = tuple(TermRef(taxonomy="tags", name=t, slug=t, url=f"/tags/{t}/") for t in chosen)
        date = start + timedelta(days=rng.randint(0, 30)) if rng.random() < 0.9 else None
        pages.append(
            Page(
                source=PurePosixPath(f"posts/p{n}.md"), file_path=Path(f"p{n}.md"),
                section="posts", title=f"P{n}", slug=f"p{n}", url=f"/posts/p{n}/", date=date,
                terms={"tags": refs} if refs else {},
            )
        )  # fmt: skip
    ordered = sorted(pages, key=date_key)
    terms = tuple(
        Term(taxonomy="tags", name=t, slug=t, url=f"/tags/{t}/",
             pages=tuple(p for p in ordered if any(r.slug == t for r in p.terms.get("tags", ()))))
        for t in names
    )  # fmt: skip
    return tuple(pages), (Taxonomy(name="tags", singular="tag", url="/tags/", terms=terms),)


def test_related_pages_are_ranked_as_the_plain_sort_ranks_them() -> None:
    rng = random.Random(4)
    for _ in range(60):
        pages, taxonomies = _random_site(rng, rng.randint(1, 60))
        assert _related_map(pages, taxonomies) == _reference_related(pages, taxonomies)
