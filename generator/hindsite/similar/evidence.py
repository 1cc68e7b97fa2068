"""Judging and explaining: each candidate's calibrated probability and band (confidence.py),
from how its score sits among its neighbours and which parts of the two records agree, and
the shared terms and agreeing parts a message names as evidence.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import defaultdict
from collections.abc import Iterator
from itertools import repeat
from operator import itemgetter, mul

from hindsite.confidence import Features, band_of, could_reach_a_band, probability
from hindsite.model import Catalog, Postmortem, Suggestion
from hindsite.similar.features import TextFeatures, specific, terms_of
from hindsite.similar.index import Index, Scored, best_candidates

AGREE = 0.15
"""Two parts of the records agree, in a message, from this cosine of their words (for the
"why" sections: from this share of the score)."""


def suggest(postmortems: list[Postmortem], catalog: Catalog,
            features: dict[str, TextFeatures] | None = None
            ) -> dict[tuple[str, str], tuple[Suggestion, ...]]:
    """For each cause, the earlier causes under other keys that are likely or possibly the
    same cause, most likely first; the link stage spells their shared terms when it builds
    the knowledge base with them."""
    index, found = best_candidates(postmortems, catalog, features or {})
    judged: dict[tuple[str, str], tuple[Suggestion, ...]] = {}
    for doc, candidates in _with_features(index, found, catalog):
        kept = [hint for other, found_features, shared in candidates
                if (hint := _suggestion(index, doc, other, found_features, shared, catalog))]
        if kept:
            kept.sort(key=lambda s: (-s.score, s.earlier_incident))
            judged[(index.keys[doc][0].id, index.keys[doc][1].key)] = tuple(kept)
    return judged


def candidate_features(postmortems: list[Postmortem], catalog: Catalog,
                       features: dict[str, TextFeatures] | None = None
                       ) -> Iterator[tuple[tuple[str, str, str, str], Features]]:
    """Every candidate pair (incident, cause, earlier incident, earlier cause) with what the
    calibration reads about it: benchmarks/calibrate.py fits confidence.py on these."""
    index, found = best_candidates(postmortems, catalog, features or {})
    for doc, candidates in _with_features(index, found, catalog, every=True):
        (pm, cause) = index.keys[doc]
        for other, found_features, _shared_terms in candidates:
            earlier, earlier_cause = index.keys[other]
            yield (pm.id, cause.key, earlier.id, earlier_cause.key), found_features


Shared = tuple[list[tuple[float, str]], list[tuple[float, str]]]
"""The terms two candidates share in their own words and in their "why" sections, each with
minus its weight in the score (so that the heaviest sort first)."""


def _with_features(index: Index, found: dict[int, list[Scored]], catalog: Catalog,
                   every: bool = False
                   ) -> Iterator[tuple[int, list[tuple[int, Features, Shared]]]]:
    """Each cause's candidates with what confidence.py reads about them; unless `every`,
    only those that could reach a band (the others cost no more than their text score)."""
    suggesters: dict[int, list[float]] = defaultdict(list)
    for ranked in found.values():
        for score, other in ranked:
            suggesters[other].append(score)
    for scores in suggesters.values():
        scores.sort(reverse=True)
    for doc, ranked in found.items():
        yield doc, [(other, *judged) for rank, (score, other) in enumerate(ranked)
                    if (judged := _features(index, doc, other, score, rank, ranked,
                                            suggesters[other], catalog, every))]


def _features(index: Index, doc: int, other: int, score: float, rank: int,
              ranked: list[Scored], scores_of_other: list[float], catalog: Catalog,
              every: bool) -> tuple[Features, Shared] | None:
    """What confidence.py reads about one candidate: its place among its neighbours on both
    sides, how much of its score comes from the causes' own words and from the "why"
    sections, and whether the categories agree. The parts of the score are worked out only
    when, at their best, they could reach a band."""
    cause, earlier_cause = index.keys[doc][1], index.keys[other][1]
    next_best = ranked[1][0] if rank == 0 and len(ranked) > 1 else 0.0
    described = catalog.causes.get(cause.key)
    earlier_described = catalog.causes.get(earlier_cause.key)
    margin = score - next_best if rank == 0 else score - ranked[0][0]
    same_category = described is not None and earlier_described is not None \
        and described.category == earlier_described.category
    place = (scores_of_other.index(score) + 1, len(scores_of_other), score / scores_of_other[0],
             rank == 0, cause.kind == "root" and earlier_cause.kind == "root")
    if not every and not could_reach_a_band(Features(score, margin, score, score, same_category,
                                                     *place)):
        return None
    mine, theirs = index.found[doc], index.found[other]
    shared = _shared(index.vectors[doc], index.vectors[other],
                     (mine.own.get(cause.key, {}), theirs.own.get(earlier_cause.key, {})),
                     (mine.why, theirs.why))
    own, why = -sum(map(itemgetter(0), shared[0])), -sum(map(itemgetter(0), shared[1]))
    return Features(score, margin, own, why, same_category, *place), shared


def _shared(a: dict[str, float], b: dict[str, float],
            own: tuple[dict[str, float], dict[str, float]],
            why: tuple[dict[str, float], dict[str, float]]) -> Shared:
    """The terms of the pruned vectors `a` and `b` that both causes' own words have, and
    those both "why" sections have, with their weight in the score: no new vectors, only the
    terms the two already share (narrative words are in neither part)."""
    common = a.keys() & b.keys()
    return ([(-a[t] * b[t], t) for t in common if t in own[0] and t in own[1]],
            [(-a[t] * b[t], t) for t in common if t in why[0] and t in why[1]])


def _suggestion(index: Index, doc: int, other: int, found: Features, shared: Shared,
                catalog: Catalog) -> Suggestion | None:
    """The suggestion with its band and evidence, or None when it is in no band."""
    chance = probability(found)
    band = band_of(chance)
    if band is None:
        return None
    (pm, cause), (earlier, earlier_cause) = index.keys[doc], index.keys[other]
    mine, theirs = index.found[doc], index.found[other]
    agreeing: tuple[str, ...] = ()
    if band == "likely":  # only messages say which parts agree
        titles = (_title_terms(catalog, cause.key), _title_terms(catalog, earlier_cause.key))
        descriptions = (mine.described.get(cause.key, frozenset()),
                        theirs.described.get(earlier_cause.key, frozenset()))
        parts = [("catalog titles", _overlap(*titles, index.idf) >= AGREE),
                 ("descriptions", _overlap(*descriptions, index.idf) >= AGREE),
                 ("'Why it happened' sections", found.why >= AGREE * found.score),
                 ("categories", found.same_category)]
        agreeing = tuple(name for name, agree in parts if agree)
    return Suggestion(pm.id, cause.key, earlier.id, earlier_cause.key, round(chance, 2),
                      _evidence(shared), band=band, similarity=round(found.score, 3),
                      agreeing=agreeing)


def _title_terms(catalog: Catalog, key: str) -> frozenset[str]:
    entry = catalog.causes.get(key)
    return _specific_title(entry.title) if entry else frozenset()


@functools.lru_cache(maxsize=4096)
def _specific_title(title: str) -> frozenset[str]:
    return frozenset(specific(terms_of(title)))


def _overlap(a: frozenset[str], b: frozenset[str], idf: dict[str, float]) -> float:
    """The idf-weighted share of terms two short texts have in common (cosine of term sets)."""
    common = a & b
    if not common:
        return 0.0
    get = idf.get
    shared = sum(map(mul, map(get, common, repeat(0.0)), map(get, common, repeat(0.0))))
    first = sum(map(mul, map(get, a, repeat(0.0)), map(get, a, repeat(0.0))))
    second = sum(map(mul, map(get, b, repeat(0.0)), map(get, b, repeat(0.0))))
    return shared / math.sqrt(first * second) if first and second else 0.0


def _evidence(shared: Shared, most: int = 5) -> tuple[str, ...]:
    """The mechanism words two causes share: first those of their own words (descriptions,
    fixes, catalog entries), then of their "why" sections, heaviest first (ties in
    alphabetical order, so the same input always names the same terms)."""
    found: list[str] = []
    for part in shared:
        found += [t for _w, t in heapq.nsmallest(most, part) if t not in found]
    return tuple(found[:most])
