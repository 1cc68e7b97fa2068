"""The site and the check at scale, each beside its reference in the same run: hindsite's
build beside a plain mkdocs-material build of the same postmortems (one page each, out of
the navigation, the theme's own search), search in headless Chromium beside the theme's,
`mkdocs serve` after one edit, and `hindsite check` with an empty cache beside after one
change. Knowledge bases are generated once into benchmarks/out/.

    python benchmarks/bench_site.py                  # N = 1,000 and 10,000
    python benchmarks/bench_site.py --sizes 1000 --skip serve
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench_check import knowledge_base
from bench_search import search_timings
from sites import hindsite_project, plain_project

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764547200"}
QUERY_CAUSE = "cause-042"


@dataclass
class Row:
    name: str
    ours: str
    theirs: str
    ratio: str


@dataclass
class Table:
    count: int
    rows: list[Row] = field(default_factory=list)

    def add(self, name: str, ours: float, theirs: float, unit: str, fmt: str = ".1f") -> None:
        ratio = f"{ours / theirs:.2f}x" if theirs else "-"
        self.rows.append(Row(name, f"{ours:{fmt}} {unit}", f"{theirs:{fmt}} {unit}", ratio))

    def print(self) -> None:
        print(f"\n| N = {self.count:,} | hindsite | reference | ratio |\n|---|---|---|---|")
        for row in self.rows:
            print(f"| {row.name} | {row.ours} | {row.theirs} | {row.ratio} |")
        sys.stdout.flush()


def build(project: Path) -> tuple[float, float]:
    """Seconds and peak megabytes (the largest process: MkDocs, or Pagefind after it)."""
    shutil.rmtree(project / "site", ignore_errors=True)
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project,
                               env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        sys.exit(f"mkdocs build failed in {project}:\n{process.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def page_bytes(site: Path) -> float:
    """The mean size of an incident's page."""
    pages = [p for p in (site / "incidents").glob("*/index.html")]
    return sum(p.stat().st_size for p in pages) / max(len(pages), 1)


def check(folder: Path, cache: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "hindsite", "check", "--format", "json"], cwd=folder,
                   env={**ENV, "HINDSITE_CACHE": str(cache)}, stdout=subprocess.DEVNULL,
                   check=False)
    return time.perf_counter() - start


def touch_one(folder: Path) -> Path:
    """Change one postmortem's narrative by a word; the same file each time."""
    path = sorted((folder / "postmortems").glob("*/*.md"))[len(list(
        (folder / "postmortems").glob("*/*.md"))) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + (" again\n" if not text.endswith("again\n") else "\n"),
                    encoding="utf-8")
    return path


def check_rows(table: Table, folder: Path) -> None:
    cache = folder / ".bench-cache"
    shutil.rmtree(cache, ignore_errors=True)
    cold = check(folder, cache)
    touch_one(folder)
    warm = check(folder, cache)
    table.add("`hindsite check`: after one change / empty cache", warm, cold, "s", ".2f")


def serve_rows(table: Table, project: Path) -> None:
    """Edit one postmortem while `mkdocs serve` runs: seconds until the rebuild is done, and
    the server's memory after each of three rebuilds."""
    port = 18000 + os.getpid() % 1000
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a",
                               f"127.0.0.1:{port}", "--no-livereload"], cwd=project, env=ENV,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert server.stdout is not None
    try:
        wait_for(server, "Serving on")
        times, memory = [], []
        for _ in range(3):
            time.sleep(1)
            start = time.perf_counter()
            touch_one(project)
            wait_for(server, "Building documentation")
            wait_for(server, re.compile(r"Documentation built in|Reloading|Serving on"))
            times.append(time.perf_counter() - start)
            memory.append(resident_mb(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    table.add("`mkdocs serve`: one edit to rebuilt (median of 3)", sorted(times)[1], 0, "s")
    table.add("`mkdocs serve`: memory after rebuild 3 / rebuild 1", memory[-1], memory[0],
              "MB", ".0f")


def wait_for(server: subprocess.Popen[str], wanted: str | re.Pattern[str]) -> None:
    assert server.stdout is not None
    for line in server.stdout:
        if (wanted in line) if isinstance(wanted, str) else wanted.search(line):
            return
    sys.exit(f"mkdocs serve stopped before saying {wanted}")


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(count: int, skip: set[str]) -> Table:
    table = Table(count)
    kb = knowledge_base(count)
    ours, plain = hindsite_project(kb), plain_project(kb)
    if "build" not in skip:
        ours_time, ours_memory = build(ours)
        plain_time, plain_memory = build(plain)
        table.add("`mkdocs build`, wall (plain: theme search)", ours_time, plain_time, "s")
        table.add("peak memory", ours_memory, plain_memory, "MB", ".0f")
        site, plain_site = ours / "site", plain / "site"
        table.add("site", folder_bytes(site) / 1e6, folder_bytes(plain_site) / 1e6, "MB")
        table.add("bytes per incident page", page_bytes(site) / 1e3, page_bytes(plain_site) / 1e3,
                  "KB")
        table.add("search index (Pagefind, all files / theme's)",
                  folder_bytes(site / "pagefind") / 1e6,
                  (plain_site / "search/search_index.json").stat().st_size / 1e6, "MB", ".2f")
        table.add("incidents.json", (site / "incidents.json").stat().st_size / 1e6, 0, "MB")
        if "search" not in skip:
            for query in (QUERY_CAUSE, "PM-00042"):
                got, theirs = search_timings(site, query), search_timings(plain_site, query)
                table.add(f"search `{query}`: first result after typing", got.first_result,
                          theirs.first_result, "s", ".2f")
                table.add(f"search `{query}`: bytes transferred", got.transferred / 1e3,
                          theirs.transferred / 1e3, "KB", ".0f")
    if "check" not in skip:
        check_rows(table, kb)
    if "serve" not in skip and count <= 1000:
        serve_rows(table, ours)
    return table


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args.add_argument("--skip", nargs="*", default=[], choices=["build", "search", "check",
                                                                "serve"])
    parsed = args.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}")
    for count in parsed.sizes:
        measure(count, set(parsed.skip)).print()


if __name__ == "__main__":
    main()
