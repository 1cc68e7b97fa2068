"""Wall time and peak memory of `hindsite check` on synthetic knowledge bases.

Prints the median of several runs at each size, and how time and memory grow with the
number of postmortems. Knowledge bases are generated once into benchmarks/out/.

    python benchmarks/bench_check.py            # N = 1,000 and 10,000, 3 runs each
    python benchmarks/bench_check.py --sizes 1000 --runs 5 --jobs 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from generate import generate

OUT = Path(__file__).resolve().parent / "out"


def knowledge_base(count: int) -> Path:
    folder = OUT / f"kb-{count}"
    if not (folder / "postmortems" / "catalog.yml").exists():
        generate(count, folder)
    return folder


def measure(folder: Path, command: list[str], jobs: str) -> tuple[float, float]:
    """Seconds and peak resident megabytes of one run of `command` in `folder` (the largest
    single process: with workers, each of them holds less than the main process)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL,
                               env={**os.environ, "HINDSITE_JOBS": jobs})
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{command} failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args.add_argument("--runs", type=int, default=3)
    args.add_argument("--jobs", nargs="+", default=["1", "2"],
                      help="HINDSITE_JOBS values to compare (1: one process)")
    parsed = args.parse_args()
    command = [sys.executable, "-m", "hindsite.cli", "check", "--format", "json"]
    for jobs in parsed.jobs:
        results = {}
        for count in parsed.sizes:
            folder = knowledge_base(count)
            runs = [measure(folder, command, jobs) for _ in range(parsed.runs)]
            wall = statistics.median(r[0] for r in runs)
            memory = statistics.median(r[1] for r in runs)
            results[count] = (wall, memory)
            print(f"hindsite check, HINDSITE_JOBS={jobs}, N={count:>6,}: {wall:7.2f} s  "
                  f"{memory:7.1f} MB peak  ({wall / count * 1000:.2f} ms per file; runs: "
                  f"{', '.join(f'{r[0]:.2f}' for r in runs)})")
        sizes = sorted(results)
        for small, large in zip(sizes, sizes[1:], strict=False):
            print(f"  N x{large / small:.0f}: time x{results[large][0] / results[small][0]:.1f}"
                  f", memory x{results[large][1] / results[small][1]:.1f}")


if __name__ == "__main__":
    main()
