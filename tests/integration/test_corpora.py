"""Real Hugo blogs build without errors, with Hugo's heading ids (../shared/corpora)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.corpora import build_corpus, corpus_dir

ID_ORACLES = {
    "kaeruct": "hugo-heading-ids.json",
    "papermod-demo": "all-content/minimal-layouts/hugo-heading-ids.json",
}
HEADING_ID = re.compile(r"<h[1-6]\b[^>]*?(?:\sid=\"([^\"]*)\")?[^>]*>")


@pytest.mark.parametrize("name", sorted(ID_ORACLES))
def test_corpus_builds_without_errors_and_with_hugos_heading_ids(name: str, tmp_path: Path) -> None:
    oracle = json.loads((corpus_dir(name) / ID_ORACLES[name]).read_text())
    result = build_corpus(name, tmp_path / name, everything=True)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert result.ok and not errors, errors
    assert result.content is not None
    ours = {p.url: p for p in result.content.pages}
    compared = 0
    for url, hugo_ids in oracle.items():
        assert url in ours, f"no page at {url}"
        ids = [m or None for m in HEADING_ID.findall(ours[url].html)]
        assert ids == hugo_ids, url
        compared += 1
    assert compared >= 17
