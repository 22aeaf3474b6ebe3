"""Write a patched build into the dev server's output folder, in place.

``writer.write_site`` makes a whole new tree and swaps it in, so ``public/`` is always one
complete site. The dev server needs less: its folder is private, every request waits while a
build runs (``LiveState``), and a patch changes a handful of files. Each file is replaced by a
rename (never rewritten through a link the spare tree may share), and the manifest is updated
so the next full write knows what the folder holds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from blog.errors import BlogError
from blog.urls import is_safe_output
from blog.writer import MARKER, StaleOutput, WriteReport, read_manifest


def write_in_place(out_dir: Path, files: Mapping[PurePosixPath, bytes]) -> WriteReport:
    """Replace the files whose bytes changed; the rest of ``out_dir`` stays as it is.

    Raises StaleOutput when the folder has no manifest (it was not written by a full build).
    """
    manifest = read_manifest(out_dir)
    if manifest is None:
        raise StaleOutput
    written = 0
    for rel_path, data in files.items():
        if not is_safe_output(rel_path):
            raise BlogError(f"refusing to write outside the output folder: {rel_path}")
        rel = rel_path.as_posix()
        key = hashlib.blake2b(data, digest_size=16).hexdigest()
        if manifest.get(rel) == key:
            continue
        if rel not in manifest:
            raise StaleOutput  # a patch never adds files
        target = out_dir / rel
        temp = target.with_name(f".{target.name}.blog-tmp")
        temp.write_bytes(data)
        temp.replace(target)
        manifest[rel] = key
        written += 1
    if written:
        temp = out_dir / f"{MARKER}.tmp"
        text = json.dumps({"blog": 1, "files": manifest}, separators=(",", ":"))
        temp.write_text(text, encoding="utf-8")
        temp.replace(out_dir / MARKER)
    return WriteReport(written=written, unchanged=len(manifest) - written, removed=0)
