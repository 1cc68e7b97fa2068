"""Cost of the link stage with suggestions on synthetic knowledge bases.

The per-file work (reading, validating, counting each file's words) is done once; then
linking and 'possibly the same cause' suggestions are timed as the check runs them
(`pipeline.link_and_suggest`), medians of runs.

    python benchmarks/bench_link.py              # N = 1,000 and 10,000
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time

from bench_check import knowledge_base

from hindsite.config import Settings
from hindsite.link import link
from hindsite.pipeline import link_and_suggest, run_check
from hindsite.similar import text_features


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args.add_argument("--runs", type=int, default=3)
    parsed = args.parse_args()
    here = os.getcwd()
    for count in parsed.sizes:
        os.chdir(knowledge_base(count))
        result = run_check(Settings())
        os.chdir(here)
        postmortems = list(result.kb.by_id.values())
        start = time.perf_counter()
        features = {pm.id: text_features(pm, result.kb.catalog) for pm in postmortems}
        counting = time.perf_counter() - start
        link_times, suggest_times = [], []
        for _ in range(parsed.runs):
            gc.freeze()
            start = time.perf_counter()
            link(postmortems, result.kb.catalog)
            link_times.append(time.perf_counter() - start)
            gc.unfreeze()
            start = time.perf_counter()
            kb = link_and_suggest(postmortems, result.kb.catalog, features, 3)
            both = time.perf_counter() - start
            suggest_times.append(both - link_times[-1])
            found = kb.suggestions
        linked, suggested = statistics.median(link_times), statistics.median(suggest_times)
        causes = sum(len(pm.causes) for pm in postmortems)
        print(f"N={count:>6,} ({causes:,} causes): link {linked:.2f} s, suggestions "
              f"{suggested:.2f} s, together {linked + suggested:.2f} s "
              f"({(linked + suggested) / count * 1e3:.3f} ms per postmortem; "
              f"{len(found):,} causes with a suggestion); word counting, done per file "
              f"during the check: {counting:.2f} s")


if __name__ == "__main__":
    main()
