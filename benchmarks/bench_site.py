"""The table of issue #15 in one command: the site and the check at 1,000 and 10,000
postmortems, each figure beside its reference measured in the same run, with the ratio.

- build, CPU, memory and bytes: beside a plain mkdocs-material build of the same postmortems
  (one page each, out of the navigation, the theme's own search);
- search in headless Chromium: beside the theme's search on the plain site;
- `mkdocs serve`, one postmortem edited: beside the plain site served the same way
  (`bench_serve.measure`; 1,000 only);
- `hindsite check` warm and after one change: beside the same check with an empty cache
  (`bench_check.runs_of`).

Knowledge bases are generated once into benchmarks/out/. From a clean clone:

    python3 -m venv .venv && .venv/bin/pip install -c constraints.txt -e '.[test]'
    .venv/bin/python benchmarks/bench_site.py                  # N = 1,000 and 10,000
    .venv/bin/python benchmarks/bench_site.py --sizes 1000 --skip serve
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import bench_serve
from bench_check import knowledge_base, runs_of
from bench_search import search_timings
from sites import hindsite_project, plain_project

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1764547200"}
QUERIES = ("cause-042", "PM-00042")
PARTS = ("build", "search", "check", "serve")


@dataclass
class Table:
    count: int
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    figures: dict[str, tuple[float, float]] = field(default_factory=dict)

    def add(self, name: str, ours: float, theirs: float | None, unit: str,
            fmt: str = ".1f") -> None:
        """One row: our figure, its reference (None: there is none) and their ratio."""
        self.figures[name] = (ours, theirs or 0.0)
        ratio = f"{ours / theirs:.2f}x" if theirs else "-"
        reference = f"{theirs:{fmt}} {unit}" if theirs is not None else "-"
        self.rows.append((name, f"{ours:{fmt}} {unit}", reference, ratio))
        if len(self.rows) == 1:
            print(f"\n| N = {self.count:,} | hindsite | reference | ratio |\n|---|---|---|---|")
        print("| " + " | ".join(self.rows[-1]) + " |", flush=True)


@dataclass(frozen=True)
class Build:
    wall: float
    cpu: float
    memory: float


def build(project: Path) -> Build:
    """One `mkdocs build` from an empty site folder: wall and CPU seconds (Pagefind's
    included) and peak megabytes of the largest process (MkDocs, or Pagefind beside it)."""
    shutil.rmtree(project / "site", ignore_errors=True)
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project,
                               env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        sys.exit(f"mkdocs build failed in {project}:\n{process.stderr.read().decode()[-2000:]}")
    return Build(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if "pagefind" not in p.parts]


def incident_pages(site: Path) -> list[Path]:
    return list((site / "incidents").glob("*/index.html"))


def mean_bytes(files: list[Path]) -> float:
    return sum(p.stat().st_size for p in files) / max(len(files), 1)


def data_bytes(site: Path) -> tuple[float, float]:
    """incidents.json and the files of each year: total and largest file, MB."""
    sizes = [p.stat().st_size / 1e6 for p in site.glob("incidents*.json")]
    return sum(sizes), max(sizes, default=0.0)


def build_rows(table: Table, ours: Path, plain: Path) -> None:
    mine, theirs = build(ours), build(plain)
    table.add("`mkdocs build`, wall (plain: theme search)", mine.wall, theirs.wall, "s")
    table.add("`mkdocs build`, CPU", mine.cpu, theirs.cpu, "s")
    table.add("peak memory", mine.memory, theirs.memory, "MB", ".0f")
    site, plain_site = ours / "site", plain / "site"
    n = table.count
    table.add("site", folder_bytes(site) / 1e6, folder_bytes(plain_site) / 1e6, "MB")
    table.add("site bytes per incident", folder_bytes(site) / n / 1e3,
              folder_bytes(plain_site) / n / 1e3, "KB")
    table.add("bytes per incident page", mean_bytes(incident_pages(site)) / 1e3,
              mean_bytes(incident_pages(plain_site)) / 1e3, "KB")
    table.add("largest page", max(p.stat().st_size for p in pages(site)) / 1e6,
              max(p.stat().st_size for p in pages(plain_site)) / 1e6, "MB", ".2f")
    table.add("search index (Pagefind, all files / theme's)",
              folder_bytes(site / "pagefind") / 1e6,
              (plain_site / "search/search_index.json").stat().st_size / 1e6, "MB", ".2f")
    total, largest = data_bytes(site)
    table.add("incidents data (all files)", total, None, "MB")
    table.add("incidents data (largest file)", largest, None, "MB")


def search_rows(table: Table, ours: Path, plain: Path) -> None:
    for query in QUERIES:
        got, theirs = search_timings(ours / "site", query), search_timings(plain / "site", query)
        table.add(f"search `{query}`: first result after typing", got.first_result,
                  theirs.first_result, "s", ".2f")
        table.add(f"search `{query}`: bytes transferred", got.transferred / 1e3,
                  theirs.transferred / 1e3, "KB", ".0f")


def check_rows(table: Table) -> None:
    """The check with an empty cache, again with nothing changed, and after one change."""
    found = runs_of(table.count, 1, "")
    cold = statistics.median(r[0] for r in found["cold"])
    table.add("`hindsite check`: warm / empty cache",
              statistics.median(r[0] for r in found["warm"]), cold, "s", ".2f")
    table.add("`hindsite check`: after one title changed / empty cache",
              statistics.median(r[0] for r in found["record"]), cold, "s", ".2f")
    table.add("`hindsite check`: peak memory, empty cache",
              statistics.median(r[2] for r in found["cold"]), None, "MB", ".0f")


def serve_rows(table: Table, edits: int = 3) -> None:
    """`mkdocs serve`, one postmortem edited `edits` times, as `bench_serve` measures it:
    until the page is served with the change, beside the plain site's; hindsite's own part
    of each rebuild beside the whole; the server's memory after the last edit and the first."""
    ours = bench_serve.measure(table.count, edits, dirty=False, plain=False)
    plain = bench_serve.measure(table.count, edits, dirty=False, plain=True)
    reload = statistics.median(r.reload for r in ours)
    table.add(f"`mkdocs serve`: edit to page reloaded (median of {edits}) / plain", reload,
              statistics.median(r.reload for r in plain), "s", ".2f")
    table.add("`mkdocs serve`: hindsite's part of a rebuild / the reload",
              statistics.median(r.ours for r in ours), reload, "s", ".2f")
    table.add(f"`mkdocs serve`: memory after edit {edits} / edit 1", ours[-1].memory,
              ours[0].memory, "MB", ".0f")


def measure(count: int, skip: set[str]) -> Table:
    table = Table(count)
    kb = knowledge_base(count)
    ours, plain = hindsite_project(kb), plain_project(kb)
    if "build" not in skip:
        build_rows(table, ours, plain)
        if "search" not in skip:
            search_rows(table, ours, plain)
    if "check" not in skip:
        check_rows(table)
    if "serve" not in skip and count <= 1000:
        serve_rows(table)
    return table


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores, {memory:.0f} GB, Python {sys.version.split()[0]}, "
            f"MkDocs {version('mkdocs')}, mkdocs-material {version('mkdocs-material')}, "
            f"Pagefind {version('pagefind-bin')}")


def growth(tables: list[Table]) -> None:
    """How each figure grew from one size to the next, ours beside the reference's."""
    for small, large in zip(tables, tables[1:], strict=False):
        print(f"\nN x{large.count / small.count:.0f}: hindsite x / reference x")
        for name, (ours, theirs) in large.figures.items():
            before = small.figures.get(name)
            if before and before[0] and before[1] and theirs:
                print(f"- {name}: x{ours / before[0]:.1f} / x{theirs / before[1]:.1f}")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args.add_argument("--skip", nargs="*", default=[], choices=PARTS)
    parsed = args.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {machine()}; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    tables = []
    for count in parsed.sizes:
        tables.append(measure(count, set(parsed.skip)))
        print(f"\nload average after N = {count:,}: "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    growth(tables)


if __name__ == "__main__":
    main()
