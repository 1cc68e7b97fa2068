"""Wall time and peak memory of `hindsite check` on synthetic knowledge bases: with an empty
cache (cold), again with nothing changed (warm), and after one postmortem changed, each
beside the cold check of the same size as a ratio; and the CPU time of the cold check, its
worker processes' included, the steadier figure on a machine that others share.

Prints the median of several runs at each size, and how each grows with the number of
postmortems. Knowledge bases are generated once into benchmarks/out/; each size gets a cache
folder of its own there, emptied before every cold run. One change is made two ways, each
different every run: a line added at the end of one postmortem's narrative (the stages
across files read nothing of it), and a word added to its title (they read that, and run
again). The file is restored at the end.

    python benchmarks/bench_check.py            # N = 1,000 and 10,000, 3 runs each
    python benchmarks/bench_check.py --sizes 1000 --runs 5 --jobs 1
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from generate import generate

OUT = Path(__file__).resolve().parent / "out"
KINDS = ("cold", "warm", "narrative", "record")


def knowledge_base(count: int) -> Path:
    folder = OUT / f"kb-{count}"
    if not (folder / "postmortems" / "catalog.yml").exists():
        generate(count, folder)
    return folder


def measure(folder: Path, env: dict[str, str]) -> tuple[float, float, float]:
    """Seconds, CPU seconds (user and system, of the check and the workers it waited for) and
    peak resident megabytes of one `hindsite check` in `folder` (the largest single process:
    with workers, each of them holds less than the main process)."""
    command = [sys.executable, "-m", "hindsite", "check", "--format", "json"]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, env=env)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{command} failed with status {status}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def runs_of(count: int, runs: int, jobs: str) -> dict[str, list[tuple[float, float, float]]]:
    """Each kind of check, `runs` times, on the knowledge base of `count` postmortems."""
    folder = knowledge_base(count)
    cache = OUT / f"cache-{count}"
    env = {**os.environ, "HINDSITE_JOBS": jobs, "HINDSITE_CACHE": str(cache)}
    edited = sorted((folder / "postmortems").glob("*/*.md"))[count // 2]
    original = edited.read_bytes()
    found: dict[str, list[tuple[float, float, float]]] = {kind: [] for kind in KINDS}
    try:
        for run in range(runs):
            shutil.rmtree(cache, ignore_errors=True)
            found["cold"].append(measure(folder, env))
            found["warm"].append(measure(folder, env))
            stamp = f"{run} at {time.time()}"
            edited.write_bytes(original + f"\nEdited for run {stamp}.\n".encode())
            found["narrative"].append(measure(folder, env))
            edited.write_bytes(original.replace(b"\ntitle: ", f"\ntitle: {stamp} ".encode(), 1))
            found["record"].append(measure(folder, env))
    finally:
        edited.write_bytes(original)
    return found


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args.add_argument("--runs", type=int, default=3)
    args.add_argument("--jobs", default="",
                      help="HINDSITE_JOBS (1: one process; default: one per core)")
    parsed = args.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}, HINDSITE_JOBS={parsed.jobs or 'default'}")
    print(f"{'N':>7} | {'cold':>8} {'cpu':>8} {'memory':>8} | {'warm':>8} {'/cold':>6} | "
          f"{'narrative':>9} {'/cold':>6} | {'record':>8} {'/cold':>6} | runs (s)")
    medians: dict[int, dict[str, float]] = {}
    for count in parsed.sizes:
        found = runs_of(count, parsed.runs, parsed.jobs)
        wall = {kind: statistics.median(r[0] for r in found[kind]) for kind in KINDS}
        cpu = statistics.median(r[1] for r in found["cold"])
        memory = statistics.median(r[2] for r in found["cold"])
        medians[count] = {**wall, "cold cpu": cpu, "memory": memory}
        every = "; ".join(f"{kind} " + ", ".join(f"{r[0]:.2f}" for r in found[kind])
                          for kind in KINDS)
        changes = " | ".join(f"{wall[kind]:{7 if kind == 'record' else 8}.2f} s "
                             f"{wall[kind] / wall['cold']:6.3f}" for kind in KINDS[1:])
        print(f"{count:>7,} | {wall['cold']:6.2f} s {cpu:6.2f} s {memory:5.0f} MB | {changes} | "
              f"{every}; cold cpu " + ", ".join(f"{r[1]:.2f}" for r in found["cold"]))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    sizes = sorted(medians)
    for small, large in zip(sizes, sizes[1:], strict=False):
        grown = ", ".join(f"{kind} x{medians[large][kind] / medians[small][kind]:.1f}"
                          for kind in (*KINDS, "cold cpu", "memory"))
        print(f"  N x{large / small:.0f}: {grown}")


if __name__ == "__main__":
    main()
