"""The page half of the build cache: one SQLite row per content file (DESIGN.md §8).

Rows are read all at once by a full build and one by one by a patch; a build writes only the
rows it changed, in one transaction, so a warm build that rendered one page saves one page
(a single pickle of every page took a second to write at 10,000 posts). SQLite is in the
standard library, and its journal keeps the file whole when a build is killed mid-save.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path, PurePosixPath

from blog.fastpickle import collector_paused, dumps
from blog.pages import LoadedPage

Entry = tuple[str, LoadedPage, tuple[int, int] | None]
"""(content digest, loaded page, (size, mtime in ns) when it was read)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (
    rel TEXT PRIMARY KEY, digest TEXT NOT NULL, size INTEGER, mtime INTEGER, page BLOB NOT NULL
);
"""


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        db.executescript(_SCHEMA)
        yield db


def _fingerprint(db: sqlite3.Connection) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    return None if row is None else str(row[0])


def _entry(digest: str, size: int | None, mtime: int | None, blob: bytes) -> Entry:
    loaded = pickle.loads(blob)
    if not isinstance(loaded, LoadedPage):
        raise TypeError("not a LoadedPage")
    return digest, loaded, None if size is None or mtime is None else (size, mtime)


def read_all(path: Path, fingerprint: str) -> dict[PurePosixPath, Entry]:
    """Return every row made with ``fingerprint`` (none when the store was made otherwise).

    Raises sqlite3.Error, pickle errors or TypeError when the file is damaged.
    """
    if not path.is_file():
        return {}
    with _connect(path) as db, collector_paused():
        if _fingerprint(db) != fingerprint:
            return {}
        # row by row: each pickle is dropped once loaded (all at once, they were 150 MB
        # beside the pages made from them at 10,000 posts)
        rows = db.execute("SELECT rel, digest, size, mtime, page FROM pages")
        return {PurePosixPath(rel): _entry(*rest) for rel, *rest in rows}


def read_one(path: Path, fingerprint: str, rel: PurePosixPath) -> Entry | None:
    """Return one file's row, or None."""
    if not path.is_file():
        return None
    with _connect(path) as db:
        if _fingerprint(db) != fingerprint:
            return None
        row = db.execute(
            "SELECT digest, size, mtime, page FROM pages WHERE rel = ?", (rel.as_posix(),)
        ).fetchone()
    return None if row is None else _entry(*row)


def write(
    path: Path,
    fingerprint: str,
    changes: Mapping[PurePosixPath, Entry | None],
    *,
    replace_all: bool,
) -> None:
    """Store ``changes`` (None deletes a row) in one transaction.

    ``replace_all`` drops every other row first (the settings changed: all were made otherwise).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # A generator: each row is pickled as SQLite takes it (a cold build's 10,000 whole
    # pages, read back from the body file one by one, are never all in memory at once).
    rows = ((rel.as_posix(), *_row(entry)) for rel, entry in changes.items() if entry is not None)
    gone = [(rel.as_posix(),) for rel, entry in changes.items() if entry is None]
    with _connect(path) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            if replace_all or _fingerprint(db) != fingerprint:
                db.execute("DELETE FROM pages")
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('fingerprint', ?)",
                (fingerprint,),
            )
            db.executemany("DELETE FROM pages WHERE rel = ?", gone)
            db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)", rows)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def _row(entry: Entry) -> tuple[str, int | None, int | None, bytes]:
    digest, loaded, signature = entry
    size, mtime = signature if signature is not None else (None, None)
    return digest, size, mtime, dumps(loaded)
