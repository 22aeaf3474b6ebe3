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
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from blog import __version__
from blog.errors import Diagnostic
from blog.writer import MARKER, read_manifest

RECORD = Path(".cache") / "blog" / "quick-v1.json"


def inputs_key(root: Path, folders: tuple[Path, ...], content_dir: Path, extra: str) -> str:
    """Return a digest of every input of a build (content by bytes, the rest by stat)."""
    digest = hashlib.blake2b(f"{__version__}\0{extra}".encode(), digest_size=16)
    for path in sorted(_files(content_dir)):
        digest.update(path.encode() + b"\0" + _content_digest(path))
    for folder in folders:
        for path in sorted(_files(folder)):
            try:
                stat = os.stat(path)  # noqa: PTH116 (thousands of files: plain calls)
            except OSError as exc:
                digest.update(f"{path}\0unreadable {exc.errno}".encode())
                continue
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


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


def load_record(root: Path, key: str, out_dir: Path, now: datetime) -> dict[str, object] | None:
    """Return the last build's record when it was made from ``key`` and still holds."""
    try:
        record = json.loads((root / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("key") != key:
        return None
    if record.get("out_dir") != str(out_dir) or not _intact(out_dir, record):
        return None
    until = record.get("valid_until")
    if isinstance(until, str) and now >= datetime.fromisoformat(until):
        return None  # a page was due to appear or expire since
    return record


def _intact(out_dir: Path, record: dict[str, object]) -> bool:
    try:
        marker = (out_dir / MARKER).read_bytes()
    except OSError:
        return False
    if hashlib.blake2b(marker, digest_size=16).hexdigest() != record.get("marker"):
        return False
    files = read_manifest(out_dir) or {}
    return all((out_dir / rel).is_file() for rel in files)


def save_record(
    root: Path,
    *,
    key: str,
    out_dir: Path,
    valid_until: datetime | None,
    diagnostics: tuple[Diagnostic, ...],
    stats: dict[str, object],
) -> None:
    """Remember a good build, for the next one to compare with."""
    try:
        marker = hashlib.blake2b((out_dir / MARKER).read_bytes(), digest_size=16).hexdigest()
        record = {
            "key": key,
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
