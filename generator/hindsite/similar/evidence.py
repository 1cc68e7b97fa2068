"""Judging and explaining: each candidate's calibrated probability and band (confidence.py),
from how its score sits among its neighbours and which parts of the two records agree, and
the shared terms and agreeing parts a message names as evidence.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterator
from itertools import repeat
from operator import itemgetter, mul

from hindsite.confidence import POSSIBLE, Features, band_of, probability
from hindsite.lexicon import CONCEPTS
from hindsite.model import Catalog, Postmortem, Suggestion
from hindsite.similar.features import TextFeatures, specific, terms_of
from hindsite.similar.index import Index, Scored, best_candidates
from hindsite.words import spelled

AGREE = 0.15
"""Two parts of the records agree, in a message, from this cosine of their words (for the
"why" sections: from this share of the score)."""


def suggest(postmortems: list[Postmortem], catalog: Catalog,
            features: dict[str, TextFeatures] | None = None
            ) -> dict[tuple[str, str], tuple[Suggestion, ...]]:
    """For each cause, the earlier causes under other keys that are likely or possibly the
    same cause, most likely first, their shared terms spelled as each incident's writer
    spelt them (`TextFeatures.spelled`)."""
    index, found = best_candidates(postmortems, catalog, features or {})
    judged: dict[tuple[str, str], tuple[Suggestion, ...]] = {}
    for doc, candidates in _Judge(index, found, catalog).each():
        kept = [hint for other, found_features, shared, chance in candidates
                if (hint := _suggestion(index, doc, other, found_features, shared, chance,
                                        catalog))]
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
    for doc, candidates in _Judge(index, found, catalog, every=True).each():
        (pm, cause) = index.keys[doc]
        for other, found_features, _shared_terms, _chance in candidates:
            earlier, earlier_cause = index.keys[other]
            yield (pm.id, cause.key, earlier.id, earlier_cause.key), found_features


MECHANISMS = frozenset(CONCEPTS)
"""The mechanism words: lexicon.py's concepts, each the fold of its synonyms."""


Shared = tuple[list[tuple[float, str]], list[tuple[float, str]]]
"""The terms two candidates share in their own words and in their "why" sections, each with
minus its weight in the score (so that the heaviest sort first)."""


class _Judge:
    """What confidence.py reads about each candidate: its place among its neighbours on both
    sides, the mechanisms both causes' own words name, and whether the categories agree.
    Unless `every`, only candidates in a band are kept, and the terms they share (the
    evidence a message names) are worked out only for those."""

    def __init__(self, index: Index, found: dict[int, list[Scored]], catalog: Catalog,
                 every: bool = False) -> None:
        self.index, self.found, self.catalog, self.every = index, found, catalog, every
        self.suggesters: dict[int, list[float]] = defaultdict(list)
        for ranked in found.values():
            for score, other in ranked:
                self.suggesters[other].append(score)
        for scores in self.suggesters.values():
            scores.sort(reverse=True)
        self.mechanisms: dict[int, frozenset[str]] = {}

    def each(self) -> Iterator[tuple[int, list[tuple[int, Features, Shared, float]]]]:
        for doc, ranked in self.found.items():
            yield doc, [(other, *judged) for rank, (score, other) in enumerate(ranked)
                        if (judged := self.features(doc, other, score, rank, ranked))]

    def features(self, doc: int, other: int, score: float, rank: int, ranked: list[Scored]
                 ) -> tuple[Features, Shared, float] | None:
        cause, earlier_cause = self.index.keys[doc][1], self.index.keys[other][1]
        described = self.catalog.causes.get(cause.key)
        earlier_described = self.catalog.causes.get(earlier_cause.key)
        next_best = ranked[1][0] if rank == 0 and len(ranked) > 1 else 0.0
        margin = score - next_best if rank == 0 else score - ranked[0][0]
        same_category = described is not None and earlier_described is not None \
            and described.category == earlier_described.category
        scores_of_other = self.suggesters[other]
        place = (same_category, scores_of_other.index(score) + 1, len(scores_of_other),
                 score / scores_of_other[0], rank == 0,
                 cause.kind == "root" and earlier_cause.kind == "root")
        found = Features(score, margin, len(self.mechanism(doc) & self.mechanism(other)), *place)
        chance = probability(found)
        if not self.every and chance < POSSIBLE:
            return None
        return found, _shared(self.index, doc, other), chance

    def mechanism(self, doc: int) -> frozenset[str]:
        found = self.mechanisms.get(doc)
        if found is None:
            own = self.index.found[doc].own.get(self.index.keys[doc][1].key, {})
            found = self.mechanisms[doc] = MECHANISMS.intersection(own)
        return found


def _shared(index: Index, doc: int, other: int) -> Shared:
    """The terms of the two pruned vectors that both causes' own words have, and those both
    "why" sections have, with their weight in the score: no new vectors, only the terms the
    two already share (narrative words are in neither part)."""
    a, b = index.vectors[doc], index.vectors[other]
    mine, theirs = index.found[doc], index.found[other]
    own, earlier_own = (mine.own.get(index.keys[doc][1].key, {}),
                        theirs.own.get(index.keys[other][1].key, {}))
    why, earlier_why = mine.why, theirs.why
    common = a.keys() & b.keys()
    return ([(-a[t] * b[t], t) for t in common if t in own and t in earlier_own],
            [(-a[t] * b[t], t) for t in common if t in why and t in earlier_why])


def _suggestion(index: Index, doc: int, other: int, found: Features, shared: Shared,
                chance: float, catalog: Catalog) -> Suggestion | None:
    """The suggestion with its band (from `chance`, confidence.py's probability for `found`)
    and evidence, or None when it is in no band."""
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
                 ("'Why it happened' sections",
                  -sum(map(itemgetter(0), shared[1])) >= AGREE * found.score),
                 ("categories", found.same_category)]
        agreeing = tuple(name for name, agree in parts if agree)
    terms = _evidence(shared)
    return Suggestion(pm.id, cause.key, earlier.id, earlier_cause.key, round(chance, 2),
                      terms, spelled(mine.spelled, terms) if mine.path == pm.path else (),
                      band=band, similarity=round(found.score, 3), agreeing=agreeing)


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
    fixes, catalog entries), then of their "why" sections, heaviest first, with lexicon.py's
    mechanisms before other words of a part (ties in alphabetical order, so the same input
    always names the same terms)."""
    found: list[str] = []
    for part in shared:
        heaviest = sorted(sorted(part)[:most], key=lambda w_t: w_t[1] not in MECHANISMS)
        found += [t for _w, t in heaviest if t not in found]
    return tuple(found[:most])
