"""How far to trust a "possibly the same cause" suggestion: a calibrated score and a band.

A text score alone does not separate a cause that came back under another key from a near
miss that shares its vocabulary: on the labelled sets in tests/similarity/ their scores
overlap. What separates them better is how the score sits among its neighbours (is it the
best match on both sides, and by how much), how many mechanisms (lexicon.py's concepts)
the causes' own words share, whether the catalog's categories agree, and whether both are
root causes. A logistic model over those nine features, fitted by benchmarks/calibrate.py
on the labelled sets (and checked on each set with that set left out of the fit), turns
them into a probability; fixed cut-offs turn that into a band. `hindsite check` prints the
likely ones; incident pages list the possible ones under a quieter heading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import mul
from typing import Literal

Band = Literal["likely", "possible"]

LIKELY = 0.25
"""From this probability a suggestion is likely the same cause, and `hindsite check` says so."""
POSSIBLE = 0.10
"""From this probability a suggestion is shown on the incident page, as possible."""
MECHANISMS_COUNTED = 4
"""Shared mechanisms count up to this many: beyond it, more say nothing new."""

INTERCEPT = -10.52
WEIGHTS = {"score": 1.66, "margin": 0.48, "mechanisms": 0.73, "same_category": 1.92,
           "reverse_rank": 1.94, "hub": 0.61, "share_of_best": 1.87, "first": 0.08,
           "both_root": 0.43}
"""Fitted by benchmarks/calibrate.py on every labelled set (see the README for the figures)."""


@dataclass(frozen=True, slots=True)
class Features:
    """What the model reads about one suggestion; scores are cosines between 0 and 1."""

    score: float
    """The whole-record text score."""
    margin: float
    """For the best suggestion, how far ahead of the next; for others, how far behind it."""
    mechanisms: int
    """How many of lexicon.py's concepts both causes' own words name (descriptions, catalog
    entries, fixes): the mechanism words, not the narrative."""
    same_category: bool
    reverse_rank: int
    """1 when this cause is the earlier cause's best later match, 2 for the next, ..."""
    suggesters: int
    """How many later causes were matched with the earlier cause."""
    share_of_best: float
    """This score over the best score any later cause has with the earlier one."""
    first: bool
    both_root: bool


def values(found: Features) -> list[float]:
    """The model's inputs, in WEIGHTS order: what the weights multiply."""
    return [found.score * 10, found.margin * 10,
            float(min(found.mechanisms, MECHANISMS_COUNTED)), float(found.same_category),
            1 / max(found.reverse_rank, 1), math.log(max(found.suggesters, 1)),
            found.share_of_best, float(found.first), float(found.both_root)]


def probability(found: Features) -> float:
    """The calibrated chance that the two causes are the same cause."""
    z = INTERCEPT + float(sum(map(mul, _WEIGHTS, values(found))))
    return 1 / (1 + math.exp(-max(min(z, 40.0), -40.0)))


_WEIGHTS = tuple(WEIGHTS.values())


def band_of(chance: float) -> Band | None:
    """likely, possible, or None for a suggestion not worth anyone's time."""
    if chance >= LIKELY:
        return "likely"
    return "possible" if chance >= POSSIBLE else None
