"""Run Lighthouse 12 (mobile preset) on the example site's home, seed post and tags page.

Usage: ``make audit`` (installs lighthouse@12.2.3 into .tools-audit/ first). Builds the example
site into a temporary folder, serves it on 127.0.0.1 as GitHub Pages would (folder → index.html,
404 → 404.html, mounted at the base path), and prints the four category scores per page.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from blog.build import BuildOptions, build

REPO = Path(__file__).resolve().parents[1]
LIGHTHOUSE = REPO / ".tools-audit" / "node_modules" / ".bin" / "lighthouse"
PAGES = ("", "posts/sagemaker-post/", "tags/")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class PagesHandler(SimpleHTTPRequestHandler):
    """Serve a built site under its base path, with GitHub Pages' 404 page."""

    base_path = "/"

    def translate_path(self, path: str) -> str:
        if path.startswith(self.base_path):
            path = "/" + path[len(self.base_path) :]
        return super().translate_path(path)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    """Build, serve, audit and print the scores."""
    if not LIGHTHOUSE.exists():
        print("lighthouse is not installed: run `make audit`", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "public"
        PagesHandler.base_path = "/blog/"
        handler = functools.partial(PagesHandler, directory=str(out))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        base = f"http://127.0.0.1:{server.server_address[1]}/blog/"
        result = build(REPO, BuildOptions(out_dir=out, base_url=base))
        if not result.ok:
            print("build failed", file=sys.stderr)
            return 1
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            return audit(base, Path(tmp))
        finally:
            server.shutdown()


def audit(base: str, tmp: Path) -> int:
    """Run Lighthouse on each page and print a table; exit 1 below 100 anywhere."""
    env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"}
    flags = (
        "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-sync "
        "--disable-background-networking --disable-component-update"
    )
    print(f"{'page':32} " + " ".join(f"{c[:13]:>14}" for c in CATEGORIES))
    worst = 100
    for page in PAGES:
        report = tmp / "report.json"
        subprocess.run(
            [str(LIGHTHOUSE), base + page, "--quiet", "--output=json",
             f"--output-path={report}", f"--chrome-flags={flags}"],
            check=True, env=env,
        )  # fmt: skip
        data = json.loads(report.read_text())
        scores = data["categories"]
        values = [round((scores[c]["score"] or 0) * 100) for c in CATEGORIES]
        worst = min(worst, *values)
        print(f"{'/' + page:32} " + " ".join(f"{v:>14}" for v in values))
        for category in CATEGORIES:
            for ref in scores[category]["auditRefs"]:
                found = data["audits"][ref["id"]]
                if ref["weight"] and found["score"] is not None and found["score"] < 1:
                    print(f"    {category}: {found['id']}: {found['title']}")
    return 0 if worst == 100 else 1


if __name__ == "__main__":
    sys.exit(main())
