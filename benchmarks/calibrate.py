"""Fit the confidence model of 'possibly the same cause' on the labelled sets.

Every candidate the engine judges (each cause's few best earlier causes under other keys)
is a row: its features as confidence.py reads them, and whether the labels call the pair
the same cause. A logistic regression (Newton's method, a small L2 penalty, no other
dependency) gives the weights to copy into generator/hindsite/confidence.py. It also fits
once per set with that set left out, and prints how each left-out set would fare: a fair
guess of the figures on a knowledge base the weights never saw.

    python benchmarks/calibrate.py
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import yaml

from hindsite.confidence import LIKELY, POSSIBLE, Features
from hindsite.config import Settings
from hindsite.pipeline import run_check
from hindsite.similar import candidate_features

SETS = sorted((Path(__file__).resolve().parent.parent / "tests" / "similarity").iterdir())
NAMES = ("score", "margin", "own", "why", "same_category", "reverse_rank", "hub",
         "share_of_best", "first", "both_root")
Row = tuple[list[float], bool, tuple[str, str, str, str]]


def values(found: Features) -> list[float]:
    """The model's inputs, in NAMES order, exactly as confidence.probability computes them."""
    return [found.score * 10, found.margin * 10, found.own * 10, found.why * 10,
            float(found.same_category), 1 / max(found.reverse_rank, 1),
            math.log(max(found.suggesters, 1)), found.share_of_best, float(found.first),
            float(found.both_root)]


def rows_of(folder: Path) -> tuple[list[Row], int]:
    labels = yaml.safe_load((folder / "labels.yml").read_text(encoding="utf-8"))
    same = {(p["later"], p["later_cause"], p["earlier"], p["earlier_cause"])
            for p in labels["same_cause"]}
    kb = run_check(Settings(base=folder)).kb
    return [(values(found), pair in same, pair)
            for pair, found in candidate_features(list(kb.postmortems), kb.catalog)], len(same)


def fit(rows: list[Row], penalty: float = 1.0) -> list[float]:
    """Weights (intercept first) of an L2-penalised logistic regression, by Newton's method."""
    xs = [[1.0, *x] for x, _y, _pair in rows]
    ys = [1.0 if y else 0.0 for _x, y, _pair in rows]
    w = [0.0] * len(xs[0])
    for _ in range(100):
        grad = [penalty * v if j else 0.0 for j, v in enumerate(w)]
        hess = [[penalty if j == k and j else 0.0 for k in range(len(w))] for j in range(len(w))]
        for x, y in zip(xs, ys, strict=True):
            p = 1 / (1 + math.exp(-max(min(sum(a * b for a, b in zip(w, x, strict=True)), 40),
                                         -40)))
            for j, xj in enumerate(x):
                grad[j] += (p - y) * xj
                for k, xk in enumerate(x):
                    hess[j][k] += p * (1 - p) * xj * xk
        step = solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(map(abs, step)) < 1e-9:
            break
    return w


def solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting: the matrices here are 11 by 11."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for i in range(n):
        pivot = max(range(i, n), key=lambda r: abs(m[r][i]))
        m[i], m[pivot] = m[pivot], m[i]
        for r in range(n):
            if r != i and m[r][i]:
                f = m[r][i] / m[i][i]
                m[r] = [x - f * y for x, y in zip(m[r], m[i], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]


def chance(w: list[float], x: list[float]) -> float:
    z = w[0] + sum(a * b for a, b in zip(w[1:], x, strict=True))
    return 1 / (1 + math.exp(-max(min(z, 40), -40)))


def figures(w: list[float], rows: list[Row], pairs: int, cut: float) -> str:
    """As `hindsite check` reports: one diagnostic per (cause, earlier key) above the cut."""
    groups: dict[tuple[str, str, str], list[Row]] = {}
    for row in rows:
        if chance(w, row[0]) >= cut:
            later, key, _earlier, earlier_key = row[2]
            groups.setdefault((later, key, earlier_key), []).append(row)
    right = sum(any(r[1] for r in group) for group in groups.values())
    found = sum(r[1] for group in groups.values() for r in group)
    return (f"{right}/{len(groups)} printed name a true pair "
            f"({right / max(len(groups), 1):.2f}), {found}/{pairs} pairs printed "
            f"({found / pairs:.2f})")


def main() -> None:
    data = {folder.name: rows_of(folder) for folder in SETS}
    everything = [row for rows, _pairs in data.values() for row in rows]
    w = fit(everything)
    print(f"INTERCEPT = {w[0]:.2f}")
    print("WEIGHTS = {" + ", ".join(f'"{n}": {v:.2f}' for n, v in zip(NAMES, w[1:],
                                                                         strict=True)) + "}")
    for name, (rows, pairs) in data.items():
        left_out = fit([row for other, (r, _p) in data.items() if other != name for row in r])
        print(f"{name}: fitted on all: {figures(w, rows, pairs, LIKELY)}; fitted without it: "
              f"{figures(left_out, rows, pairs, LIKELY)}; possible band and above: "
              f"{figures(w, rows, pairs, POSSIBLE)}")


if __name__ == "__main__":
    sys.exit(main())
