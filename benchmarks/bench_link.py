"""Cost of the link stage with suggestions on synthetic knowledge bases.

The per-file work (reading, validating, counting each file's words) is done once, by the
check's own worker processes; then linking and 'possibly the same cause' suggestions are
timed on what they returned, as the check runs them (`pipeline.link_and_suggest`),
medians of runs.

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
from hindsite.load import discover
from hindsite.pipeline import checked_files, link_and_suggest, read_catalog
from hindsite.similar import text_features


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args.add_argument("--runs", type=int, default=3)
    parsed = args.parse_args()
    here = os.getcwd()
    for count in parsed.sizes:
        os.chdir(knowledge_base(count))
        settings = Settings()
        catalog, _problems = read_catalog(settings.catalog)
        assert catalog is not None
        paths, _found = discover(settings.folder)
        checked = [(r.postmortem, r.features) for r in checked_files(paths, catalog, settings)
                   if r.postmortem and r.features]
        os.chdir(here)
        postmortems = [pm for pm, _counted in checked]
        features = {pm.id: counted for pm, counted in checked}
        start = time.perf_counter()
        for pm in postmortems:
            text_features(pm, catalog)
        counting = time.perf_counter() - start
        link_times, whole_times = [], []
        for _ in range(parsed.runs):
            gc.disable()  # as link_and_suggest runs it
            start = time.perf_counter()
            link(postmortems, catalog)
            link_times.append(time.perf_counter() - start)
            gc.enable()
            start = time.perf_counter()
            kb = link_and_suggest(postmortems, catalog, features, 3)
            whole_times.append(time.perf_counter() - start)
        linked, whole = statistics.median(link_times), statistics.median(whole_times)
        causes = sum(len(pm.causes) for pm in postmortems)
        print(f"N={count:>6,} ({causes:,} causes): link and suggestions {whole:.2f} s "
              f"(median of {parsed.runs}; fastest {min(whole_times):.2f} s, slowest "
              f"{max(whole_times):.2f} s), of which link alone {linked:.2f} s; "
              f"{whole / count * 1e3:.3f} ms per postmortem; {len(kb.suggestions):,} causes "
              f"with a suggestion. Word counting, done per file during the check: "
              f"{counting:.2f} s")


if __name__ == "__main__":
    main()
