"""How far 'possibly the same cause' and 'have we seen this before?' can be trusted.

For each labelled set in tests/similarity/: the engine's ranking (precision@1, recall@3),
what `hindsite check` prints (the likely band: how many HS503, how many name a labelled
same cause, how many only a near miss, how many labelled pairs are named) and what the
incident pages add (the possible band), and the same per band with the confidence model
fitted without the set (benchmarks/calibrate.py). Then the noise: HS503 printed on a knowledge base
of the sets' unrelated postmortems, and on the synthetic knowledge base of 1,000
postmortems (benchmarks/generate.py). Last, `hindsite similar`: for each labelled pair,
the later incident's impact summary alone is the query, over the incidents before it; the
rank of the earlier incident is counted.

    python benchmarks/bench_similar.py [--synthetic N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench_check import knowledge_base  # noqa: E402
from calibrate import band_table, fit_all, labelled_data  # noqa: E402

from hindsite.config import Settings  # noqa: E402
from hindsite.pipeline import run_check  # noqa: E402
from hindsite.seen_before import similar_to  # noqa: E402
from test_similar import SETS, evaluate, labelled_pairs  # noqa: E402
from unrelated import unrelated_knowledge_base  # noqa: E402


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.2f})" if whole else f"{part}/0"


def labelled_figures() -> None:
    print("| set | precision@1 | recall@3 | HS503 printed | name a same cause | only a near "
          "miss | pairs printed | possible: name a same cause | pairs added by possible |")
    print("|---|---|---|---|---|---|---|---|---|")
    for folder in SETS:
        f = evaluate(folder)
        print(f"| {folder.name} | {f.precision_at_1:.2f} | {f.recall_at_3:.2f} | {f.reported} | "
              f"{share(f.reported_correct, f.reported)} | {f.reported_near} | "
              f"{share(f.reported_pairs, f.pairs)} | {share(f.possible_correct, f.possible)} | "
              f"{f.possible_pairs} |")


def held_out() -> None:
    """Per set and band, fitted on every set and with the set left out, as the check shows
    suggestions (one per cause and earlier key)."""
    data = labelled_data()
    print()
    print("\n".join(band_table(data, fit_all(data))))


def noise(synthetic: int) -> None:
    with tempfile.TemporaryDirectory() as out:
        files = unrelated_knowledge_base(Path(out))
        printed = sum(d.code == "HS503" for d in run_check(Settings(base=Path(out))).diagnostics)
    print(f"\nUnrelated postmortems of all sets together: {printed} HS503 for {files} files "
          f"({printed / files:.3f} per file; target at most 0.1)")
    if synthetic:
        result = run_check(Settings(base=knowledge_base(synthetic)))
        printed = sum(d.code == "HS503" for d in result.diagnostics)
        print(f"Synthetic knowledge base, {result.files:,} files: {printed:,} HS503 "
              f"({printed / result.files:.3f} per file)")


def seen_before() -> None:
    print("\n| set | pairs | earlier incident ranked 1st | in the top 3 | in the top 5 | "
          "median rank | not in the top 10 |")
    print("|---|---|---|---|---|---|---|")
    for folder in SETS:
        kb = run_check(Settings(base=folder)).kb
        ranks = []
        for later, _key, earlier, _earlier_key in sorted(labelled_pairs(folder, "same_cause")):
            pm = kb.by_id[later]
            found = [m.incident.id for m in similar_to(kb, pm.impact.summary, 10,
                                                       before=pm.started)]
            ranks.append(found.index(earlier) + 1 if earlier in found else 11)
        n = len(ranks)
        print(f"| {folder.name} | {n} | {share(sum(r == 1 for r in ranks), n)} | "
              f"{share(sum(r <= 3 for r in ranks), n)} | {share(sum(r <= 5 for r in ranks), n)}"
              f" | {statistics.median(ranks):g} | {sum(r > 10 for r in ranks)} |")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--synthetic", type=int, default=1000,
                      help="size of the synthetic knowledge base (0 to skip)")
    parsed = args.parse_args()
    labelled_figures()
    held_out()
    noise(parsed.synthetic)
    seen_before()


if __name__ == "__main__":
    main()
