"""Notice, before loading anything, that nothing changed since the last good build.

The key digests every input: the content files' bytes, the config, the templates, the static
files' sizes and times, the build flags and the package version. With the same key, the same
output folder intact, and no page's publish or expiry moment passed since, the site on disk is
already what a build would write; its warnings are printed again from the record.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat as stat_module
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from blog import __version__
from blog.errors import Diagnostic
from blog.writer import MARKER, read_manifest

RECORD = Path(".cache") / "blog" / "quick-v2.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class Inputs:
    """What a build reads, digested."""

    key: str
    """Digest of every input."""
    frame: str
    """Digest of every input but the content files (config, flags, templates, static)."""
    content: dict[str, tuple[int, int, str]]
    """Content file → (size, mtime in ns, digest of its bytes)."""


def scan_inputs(
    folders: tuple[Path, ...],
    content_dir: Path,
    extra: str,
    known: Mapping[str, tuple[int, int, str]] | None = None,
) -> Inputs:
    """Digest every input of a build: content by bytes, the rest by size and time.

    A content file whose size and time are those in ``known`` (the last record) keeps its
    digest there without being read again.
    """
    frame = _frame(folders, extra)
    content: dict[str, tuple[int, int, str]] = {}
    digest = hashlib.blake2b(frame.encode(), digest_size=16)
    for path in sorted(_files(content_dir)):
        entry = _content_entry(path, (known or {}).get(path))
        content[path] = entry
        digest.update(f"{path}\0{entry[2]}\0".encode())
    return Inputs(key=digest.hexdigest(), frame=frame, content=content)


def _content_entry(path: str, known: tuple[int, int, str] | None) -> tuple[int, int, str]:
    try:
        stat = os.stat(path)  # noqa: PTH116 (thousands of files: plain calls)
    except OSError as exc:
        return (-1, -1, f"unreadable {exc.errno}")
    if known is not None and tuple(known[:2]) == (stat.st_size, stat.st_mtime_ns):
        return (stat.st_size, stat.st_mtime_ns, known[2])
    return (stat.st_size, stat.st_mtime_ns, _content_digest(path).hex())


def _frame(folders: tuple[Path, ...], extra: str) -> str:
    digest = hashlib.blake2b(f"{__version__}\0{extra}".encode(), digest_size=16)
    for folder in folders:
        for path in sorted(_files(folder)):
            try:
                stat = os.stat(path)  # noqa: PTH116 (thousands of files: plain calls)
            except OSError as exc:
                digest.update(f"{path}\0unreadable {exc.errno}".encode())
                continue
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def changed_content(record: Mapping[str, object], inputs: Inputs) -> tuple[Path, ...] | None:
    """Return the content files edited since ``record``'s build; None unless only edits.

    None when anything else changed too: the config, flags, templates or static files, or a
    content file that was added or removed.
    """
    known = record.get("content")
    if record.get("frame") != inputs.frame or not isinstance(known, dict):
        return None
    if known.keys() != inputs.content.keys():
        return None
    return tuple(Path(path) for path, entry in inputs.content.items() if known[path][2] != entry[2])


def _content_digest(path: str) -> bytes:
    """Digest one content file; what cannot be read (or is no regular file) gets a marker.

    The build itself then reports it: this check never raises and never blocks on a FIFO.
    """
    try:
        if not stat_module.S_ISREG(os.stat(path).st_mode):  # noqa: PTH116
            return b"special"
        with open(path, "rb") as handle:  # noqa: PTH123
            return hashlib.blake2b(handle.read(), digest_size=16).digest()
    except OSError as exc:
        return f"unreadable {exc.errno}".encode()


def _files(folder: Path) -> list[str]:
    found: list[str] = []
    for dirpath, dirnames, names in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(os.path.join(dirpath, n) for n in names)  # noqa: PTH118
    return found


def read_record(root: Path) -> dict[str, object] | None:
    """Return the last good build's record, if any."""
    try:
        record = json.loads((root / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def still_holds(
    record: Mapping[str, object], out_dir: Path, now: datetime, *, check_files: bool = True
) -> bool:
    """Whether the output folder is as that build left it and no page came due since.

    ``check_files`` also makes sure every file of the manifest is still there.
    """
    if record.get("out_dir") != str(out_dir) or not _intact(out_dir, record, check_files):
        return False
    until = record.get("valid_until")
    return not (isinstance(until, str) and now >= datetime.fromisoformat(until))


def _intact(out_dir: Path, record: Mapping[str, object], check_files: bool) -> bool:
    try:
        marker = (out_dir / MARKER).read_bytes()
    except OSError:
        return False
    if hashlib.blake2b(marker, digest_size=16).hexdigest() != record.get("marker"):
        return False
    if not check_files:
        return True
    files = read_manifest(out_dir) or {}
    return all((out_dir / rel).is_file() for rel in files)


def save_record(
    root: Path,
    *,
    inputs: Inputs,
    snapshot: str,
    out_dir: Path,
    valid_until: datetime | None,
    diagnostics: tuple[Diagnostic, ...],
    stats: dict[str, object],
) -> None:
    """Remember a good build, for the next one to compare with."""
    try:
        marker = hashlib.blake2b((out_dir / MARKER).read_bytes(), digest_size=16).hexdigest()
        record = {
            "key": inputs.key,
            "frame": inputs.frame,
            "content": inputs.content,
            "snapshot": snapshot,
            "out_dir": str(out_dir),
            "marker": marker,
            "valid_until": valid_until.isoformat() if valid_until else None,
            "diagnostics": [_diagnostic_record(d) for d in diagnostics],
            "stats": stats,
        }
        path = root / RECORD
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_suffix(".tmp")
        temp.write_text(json.dumps(record), encoding="utf-8")
        temp.replace(path)
    except OSError:
        return


def _diagnostic_record(diagnostic: Diagnostic) -> dict[str, object]:
    data = asdict(diagnostic)
    data["path"] = str(diagnostic.path) if diagnostic.path else None
    return data


def diagnostics_of(record: dict[str, object]) -> tuple[Diagnostic, ...]:
    """Return the diagnostics a record kept."""
    items = record.get("diagnostics")
    found = []
    for item in items if isinstance(items, list) else []:
        path = item.get("path")
        found.append(Diagnostic(**{**item, "path": Path(path) if path else None}))
    return tuple(found)
