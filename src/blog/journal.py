"""Replace a few files of the live output folder in place, all or none (a patch's publish).

A full build swaps in a whole new tree (``writer.py``): that needs a spare tree holding the
live site, and right after a build into an empty folder there is none. Making one linked
16,313 files at 10,000 posts, 2 s, for a patch that changes two. A patch writes its few files
into the live folder itself, through a journal:

1. ``.blog-journal-intent`` lists the files about to be written; each new file is written
   beside its target as ``.NAME.blog-new``.
2. The intent is renamed to ``.blog-journal``: from here on the patch counts as done.
3. Each new file is renamed over its target, the manifest last; the journal is removed.

Every rename replaces a file whole, so a reader sees each file old or new, never half of
one. Hard links the spare tree shares with the live folder are replaced, not written
through. ``recover`` finishes what a killed patch left: the renames when the journal was
committed, else the removal of its new files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from blog.splice import Data, Pieces
from blog.urls import is_safe_output

INTENT = ".blog-journal-intent"
JOURNAL = ".blog-journal"
NEW_SUFFIX = ".blog-new"


def new_file(target: Path) -> Path:
    """Return where a target's new bytes wait until the journal is committed."""
    return target.with_name(f".{target.name}{NEW_SUFFIX}")


def replace_files(out_dir: Path, files: Mapping[str, Data]) -> None:
    """Replace each ``out_dir/REL`` by its bytes, in the order given (the manifest last).

    Raises OSError when a file cannot be written; nothing of the live folder has changed
    then (the new files already written are removed).
    """
    names = list(files)
    _write_json(out_dir / INTENT, names)
    try:
        for rel, data in files.items():
            temp = new_file(out_dir / rel)
            with temp.open("wb") as handle:
                if isinstance(data, Pieces):
                    data.write_to(handle)
                else:
                    handle.write(data)
    except BaseException:
        _roll_back(out_dir, names)
        raise
    (out_dir / INTENT).replace(out_dir / JOURNAL)
    _roll_forward(out_dir, names)


def recover(out_dir: Path) -> None:
    """Finish a patch that was killed: roll it forward when committed, else back.

    A patch killed while writing its intent (``.blog-journal-intent.tmp``) had written no
    new file yet: only that file goes.
    """
    for name, finish in ((JOURNAL, _roll_forward), (INTENT, _roll_back)):
        names = _read_json(out_dir / name)
        if names is not None:
            finish(out_dir, names)
        (out_dir / name).unlink(missing_ok=True)
    _temporary(out_dir / INTENT).unlink(missing_ok=True)


def _roll_forward(out_dir: Path, names: Sequence[str]) -> None:
    for rel in names:
        target = out_dir / rel
        temp = new_file(target)
        if temp.exists():  # (gone when this rename was done before a crash)
            temp.replace(target)
    (out_dir / JOURNAL).unlink(missing_ok=True)


def _roll_back(out_dir: Path, names: Sequence[str]) -> None:
    for rel in names:
        new_file(out_dir / rel).unlink(missing_ok=True)
    (out_dir / INTENT).unlink(missing_ok=True)


def _temporary(path: Path) -> Path:
    """Return where ``_write_json`` writes ``path`` before renaming it into place."""
    return path.with_name(f"{path.name}.tmp")


def _write_json(path: Path, names: list[str]) -> None:
    temp = _temporary(path)
    temp.write_text(json.dumps(names), encoding="utf-8")
    temp.replace(path)


def _read_json(path: Path) -> list[str] | None:
    try:
        names = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(names, list) or not all(
        isinstance(n, str) and is_safe_output(PurePosixPath(n)) for n in names
    ):
        return None
    return names
