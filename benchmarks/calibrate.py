"""Fit the confidence model of 'possibly the same cause' on the labelled sets.

Every candidate the engine judges (each cause's few best earlier causes under other keys)
is a row: its features as confidence.py reads them, and whether the labels call the pair
the same cause. A logistic regression (Newton's method, a small L2 penalty, no other
dependency) gives the weights to copy into generator/hindsite/confidence.py. It also fits
once per set with that set left out, and prints how each left-out set would fare: a fair
guess of the figures on a knowledge base the weights never saw.

Figures are counted as `hindsite check` and the incident page show suggestions: one per
cause and earlier key, naming every earlier incident filed under that key; a printed
suggestion is right when the labels pair the cause with that key, and a labelled pair is
found when its cause and earlier key are printed.

    python benchmarks/calibrate.py
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import yaml

from hindsite.confidence import LIKELY, POSSIBLE, WEIGHTS, values
from hindsite.config import Settings
from hindsite.pipeline import run_check
from hindsite.similar import candidate_features

SETS = sorted((Path(__file__).resolve().parent.parent / "tests" / "similarity").iterdir())
NAMES = tuple(WEIGHTS)
Pair = tuple[str, str, str, str]
Row = tuple[list[float], bool, Pair]
Data = dict[str, tuple[list[Row], list[Pair]]]


def rows_of(folder: Path) -> tuple[list[Row], list[Pair]]:
    """Every candidate of a set with its features and label, and the set's labelled pairs."""
    labels = yaml.safe_load((folder / "labels.yml").read_text(encoding="utf-8"))
    same = [(p["later"], p["later_cause"], p["earlier"], p["earlier_cause"])
            for p in labels["same_cause"]]
    kb = run_check(Settings(base=folder)).kb
    return [(values(found), pair in same, pair)
            for pair, found in candidate_features(list(kb.postmortems), kb.catalog)], same


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


def figures(w: list[float], rows: list[Row], same: list[Pair], low: float,
            high: float = 2.0) -> str:
    """Suggestions with a probability in [low, high), one per cause and earlier key: how many
    name a labelled same cause, and how many labelled pairs they name."""
    shown = {(later, key, earlier_key) for x, _y, (later, key, _e, earlier_key) in rows
             if low <= chance(w, x) < high}
    wanted = {(later, key, earlier_key) for later, key, _e, earlier_key in same}
    right = len(shown & wanted)
    found = sum((later, key, earlier_key) in shown for later, key, _e, earlier_key in same)
    return (f"{right}/{len(shown)} ({right / max(len(shown), 1):.2f}) | "
            f"{found}/{len(same)} ({found / len(same):.2f})")


def labelled_data() -> Data:
    return {folder.name: rows_of(folder) for folder in SETS}


def fit_all(data: Data) -> list[float]:
    return fit([row for rows, _same in data.values() for row in rows])


def band_table(data: Data, w: list[float]) -> list[str]:
    """Per set and band, with the weights fitted on every set and fitted without that set:
    the second is a fair guess of the figures on a knowledge base the weights never saw."""
    lines = ["| set | fitted on | likely: name a same cause | likely: pairs named | "
             "possible: name a same cause | likely and possible: pairs named |",
             "|---|---|---|---|---|---|"]
    for name, (rows, same) in data.items():
        left_out = fit([row for other, (r, _s) in data.items() if other != name for row in r])
        for fitted, weights in (("all sets", w), ("the other sets", left_out)):
            likely = figures(weights, rows, same, LIKELY)
            possible = figures(weights, rows, same, POSSIBLE, LIKELY).split(" | ")[0]
            either = figures(weights, rows, same, POSSIBLE).split(" | ")[1]
            lines.append(f"| {name} | {fitted} | {likely} | {possible} | {either} |")
    return lines


def main() -> None:
    data = labelled_data()
    w = fit_all(data)
    print(f"INTERCEPT = {w[0]:.2f}")
    print("WEIGHTS = {" + ", ".join(f'"{n}": {v:.2f}' for n, v in zip(NAMES, w[1:],
                                                                         strict=True)) + "}")
    print()
    print("\n".join(band_table(data, w)))


if __name__ == "__main__":
    sys.exit(main())
