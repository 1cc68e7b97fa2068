"""How far to trust a "possibly the same cause" suggestion: a calibrated score and a band.

A text score alone does not separate a cause that came back under another key from a near
miss that shares its vocabulary: on the labelled sets in tests/similarity/ their scores
overlap. What separates them better is how the score sits among its neighbours (is it the
best match on both sides, and by how much), which parts of the records the shared words
come from (the causes' own words, the "Why it happened" sections), whether the catalog's
categories agree, and whether both are root causes. A
logistic model over those few features, fitted by benchmarks/calibrate.py on the labelled
sets, turns them into a probability; fixed cut-offs turn that into a band. `hindsite check`
prints the likely ones; incident pages list the possible ones under a quieter heading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Band = Literal["likely", "possible"]

LIKELY = 0.30
"""From this probability a suggestion is likely the same cause, and `hindsite check` says so."""
POSSIBLE = 0.10
"""From this probability a suggestion is shown on the incident page, as possible."""

INTERCEPT = -9.94
WEIGHTS = {"score": 1.59, "margin": 0.38, "own": -0.20, "why": 0.44, "same_category": 2.20,
           "reverse_rank": 1.41, "hub": 0.66, "share_of_best": 2.04, "first": 0.36,
           "both_root": 0.85}
"""Fitted by benchmarks/calibrate.py on every labelled set (see the README for the figures)."""


@dataclass(frozen=True, slots=True)
class Features:
    """What the model reads about one suggestion; scores are cosines between 0 and 1."""

    score: float
    """The whole-record text score."""
    margin: float
    """For the best suggestion, how far ahead of the next; for others, how far behind it."""
    own: float
    """The part of the score from words both causes' own texts have (descriptions, catalog
    entries, fixes)."""
    why: float
    """The part of the score from words both "Why it happened" sections have."""
    same_category: bool
    reverse_rank: int
    """1 when this cause is the earlier cause's best later match, 2 for the next, ..."""
    suggesters: int
    """How many later causes were matched with the earlier cause: a hub says little."""
    share_of_best: float
    """This score over the best score any later cause has with the earlier one."""
    first: bool
    both_root: bool


def probability(found: Features) -> float:
    """The calibrated chance that the two causes are the same cause."""
    z = _structure(found) + WEIGHTS["own"] * found.own * 10 + WEIGHTS["why"] * found.why * 10
    return 1 / (1 + math.exp(-max(min(z, 40.0), -40.0)))


def could_reach_a_band(ceiling: Features) -> bool:
    """Whether a candidate could be possible at least, given the most its `own` and `why`
    parts could be (no more than its score): those are the costly features to work out,
    and most candidates are out of reach without them."""
    best = max(0.0, WEIGHTS["own"] * 10 * ceiling.own) + max(0.0, WEIGHTS["why"] * 10 * ceiling.why)
    return _structure(ceiling) + best >= _POSSIBLE_LOGIT


def _structure(found: Features) -> float:
    """The model's sum over every feature but the word overlaps."""
    w = WEIGHTS
    return (INTERCEPT + w["score"] * found.score * 10 + w["margin"] * found.margin * 10
            + w["same_category"] * found.same_category
            + w["reverse_rank"] / max(found.reverse_rank, 1)
            + w["hub"] * math.log(max(found.suggesters, 1))
            + w["share_of_best"] * found.share_of_best + w["first"] * found.first
            + w["both_root"] * found.both_root)


_POSSIBLE_LOGIT = math.log(POSSIBLE / (1 - POSSIBLE))


def band_of(chance: float) -> Band | None:
    """likely, possible, or None for a suggestion not worth anyone's time."""
    if chance >= LIKELY:
        return "likely"
    return "possible" if chance >= POSSIBLE else None
