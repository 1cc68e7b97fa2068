"""Ranking: each cause's best earlier candidates under other keys, without comparing all pairs.

Occurrences are taken in order of start time. Each looks candidates up through its heaviest
terms that earlier causes also have, in an inverted index that keeps only each term's few
heaviest earlier occurrences; the best candidates are then scored exactly. The cost grows
with the number of causes times small constants, not its square.
"""

from __future__ import annotations

import heapq
import itertools
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from operator import mul, truediv

from hindsite.model import Catalog, Cause, Postmortem
from hindsite.similar.features import TextFeatures, text_features

SUGGEST_THRESHOLD = 0.05
"""Lowest text score considered; confidence.py decides what is shown."""
KEPT = 3
"""Candidates kept per cause and judged: the calibration saw this many."""
VECTOR_TERMS = 60
"""Each occurrence keeps only its heaviest terms: the distinctive ones decide a match."""
QUERY_TERMS = 16
"""How many of its heaviest terms a cause looks candidates up by."""
POSTINGS_KEPT = 4
"""How many of the heaviest earlier occurrences each term keeps for lookups."""
CANDIDATES = 10
"""How many candidates are scored exactly."""


@dataclass(slots=True)
class Index:
    """Occurrences in start order, their pruned vectors, and for each term a small heap of
    the heaviest earlier occurrences: what a query looks candidates up by."""

    keys: list[tuple[Postmortem, Cause]]
    vectors: list[dict[str, float]]
    heaps: dict[str, list[tuple[float, int]]]
    cause_of: list[str]
    keys_of: list[frozenset[str]]
    found: list[TextFeatures]
    idf: dict[str, float]


Occurrence = tuple[Postmortem, Cause]


def _occurrences(postmortems: list[Postmortem], catalog: Catalog,
                 features: dict[str, TextFeatures]
                 ) -> tuple[list[Occurrence], list[dict[str, float]], list[TextFeatures]]:
    """Each cause occurrence, in start order, with its scaled term counts and its incident's
    features: one per incident and key, even where a key is listed twice (an error reported
    elsewhere); of incidents sharing an id, the first in start order, as the link stage
    keeps it."""
    keys, counts, found_for = [], [], []
    first: dict[str, Postmortem] = {}
    for pm in sorted(postmortems, key=lambda p: (p.started, p.id)):
        if first.setdefault(pm.id, pm) is not pm:
            continue
        found = features.get(pm.id) or text_features(pm, catalog)
        listed: set[str] = set()
        for cause in pm.causes:
            if cause.key in listed:
                continue
            listed.add(cause.key)
            keys.append((pm, cause))
            counts.append(found.causes.get(cause.key, {}))
            found_for.append(found)
    return keys, counts, found_for


def _tfidf(counts: list[dict[str, float]]) -> tuple[list[dict[str, float]], dict[str, float]]:
    """Unit vectors of idf-weighted counts, each cut to its VECTOR_TERMS heaviest and ordered
    heaviest first. Terms are interned first: files checked in different processes spell
    the same term with different objects, and the vectors are compared key by key."""
    names = [tuple(map(sys.intern, terms)) for terms in counts]
    df = Counter(itertools.chain.from_iterable(names))
    n = len(counts) + 1
    idf = {t: math.log(n / (f + 0.5)) for t, f in df.items()}
    vectors = []
    for terms, weighed in zip(names, counts, strict=True):
        weights = map(mul, weighed.values(), map(idf.__getitem__, terms))
        ranked = sorted(zip(weights, terms, strict=True), reverse=True)[:VECTOR_TERMS]
        heaviest, kept = zip(*ranked, strict=True) if ranked else ((), ())
        norm = math.hypot(*heaviest) or 1.0
        vectors.append(dict(zip(kept, map(truediv, heaviest, repeat(norm)), strict=True)))
    return vectors, idf


def ranking_space(postmortems: list[Postmortem], catalog: Catalog,
                  features: dict[str, TextFeatures]
                  ) -> tuple[list[Occurrence], list[dict[str, float]], dict[str, float]]:
    """Every cause occurrence in start order with the vector suggestions compare, and the idf
    that weighed them: what `hindsite similar` ranks a query against."""
    keys, counts, _found = _occurrences(postmortems, catalog, features)
    vectors, idf = _tfidf(counts)
    return keys, vectors, idf


def best_candidates(postmortems: list[Postmortem], catalog: Catalog,
                    features: dict[str, TextFeatures]) -> tuple[Index, dict[int, list[Scored]]]:
    """Each cause's KEPT best earlier candidates under other keys, best first.

    Occurrences are taken in order of start time; each is scored against the occurrences
    already indexed (all earlier), then indexed itself, so the cost grows with the number
    of occurrences times small constants, not with its square."""
    keys, counts, found_for = _occurrences(postmortems, catalog, features)
    resolve = catalog.resolve
    vectors, idf = _tfidf(counts)
    index = Index(keys, vectors, defaultdict(list), [resolve(c.key) for _pm, c in keys],
                   _keys_of(keys, resolve), found_for, idf)
    found: dict[int, list[Scored]] = {}
    start = 0
    while start < len(keys):
        end = start
        while end < len(keys) and keys[end][0].started == keys[start][0].started:
            end += 1
        for doc in range(start, end):
            if ranked := _rank(index, doc, KEPT):
                found[doc] = ranked
        for doc in range(start, end):
            _add(index, doc)
        start = end
    return index, _best_per_incident(keys, found)


Scored = tuple[float, int]
"""A score and the earlier occurrence it was scored against."""


def _keys_of(keys: list[Occurrence], resolve: Callable[[str], str]) -> list[frozenset[str]]:
    """Each occurrence's incident's cause keys, as the catalog's `same_as` resolves them: keys
    merged into one cause are recurrences of each other, never suggestions."""
    per_incident: dict[str, frozenset[str]] = {}
    return [per_incident.get(pm.id) or per_incident.setdefault(
        pm.id, frozenset(map(resolve, pm.cause_keys))) for pm, _cause in keys]


def _best_per_incident(keys: list[Occurrence], found: dict[int, list[Scored]]
                       ) -> dict[int, list[Scored]]:
    """An earlier cause can be the same as only one of an incident's causes, and a cause as
    only one of an earlier incident's: where several read alike (causes of one incident
    share its context), only the closest pair is kept."""
    best: dict[tuple[str, int], tuple[float, int]] = {}
    for doc, ranked in found.items():
        incident = keys[doc][0].id
        for score, other in ranked:
            held = best.get((incident, other))
            if held is None or score > held[0]:
                best[(incident, other)] = (score, doc)
    kept = {doc: _one_per_incident(keys, [(score, other) for score, other in ranked
                                          if best[(keys[doc][0].id, other)][1] == doc])
            for doc, ranked in found.items()}
    return {doc: ranked for doc, ranked in kept.items() if ranked}


def _one_per_incident(keys: list[Occurrence], ranked: list[Scored]) -> list[Scored]:
    """The best of a ranking's candidates from each earlier incident (the ranking is best
    first)."""
    kept: dict[str, Scored] = {}
    for score, other in ranked:
        kept.setdefault(keys[other][0].id, (score, other))
    return list(kept.values())


def _add(index: Index, doc: int) -> None:
    heaps, push, replace = index.heaps, heapq.heappush, heapq.heapreplace
    for term, weight in index.vectors[doc].items():
        heap = heaps[term]
        if len(heap) < POSTINGS_KEPT:
            push(heap, (weight, doc))
        elif weight > heap[0][0]:
            replace(heap, (weight, doc))


def _rank(index: Index, doc: int, limit: int) -> list[Scored]:
    """The `limit` best candidates, scored exactly (cosine of the pruned vectors)."""
    query, vector_of, scored = index.vectors[doc], index.vectors, []
    for other in _candidates(index, doc):
        score = sum(map(mul, query.values(), map(vector_of[other].get, query, repeat(0.0))))
        if score >= SUGGEST_THRESHOLD:
            scored.append((score, other))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored[:limit]


def _candidates(index: Index, doc: int) -> list[int]:
    """Earlier causes found through the query's heaviest terms that earlier causes also have,
    ranked by their partial scores over those terms. Causes under a key this incident lists
    are recurrences and left out; of the CANDIDATES best others, those that may be suggested
    are kept: not in an incident that lists this cause's key, nor silenced by `not_same_as`.
    The budget is spent before that filter, so a cause costs the same wherever it is filed."""
    query, own_keys, cause_of = index.vectors[doc], index.keys_of[doc], index.cause_of
    partial: dict[int, float] = {}
    get, heaps, looked_up = partial.get, index.heaps, 0
    for term, weight in query.items():
        postings = heaps.get(term)
        if not postings:
            continue  # a term no earlier cause has cannot find one
        for other_weight, other in postings:
            if cause_of[other] not in own_keys:
                partial[other] = get(other, 0.0) + weight * other_weight
        looked_up += 1
        if looked_up == QUERY_TERMS:
            break
    cause, keys_of, keys = index.keys[doc][1], index.keys_of, index.keys
    silenced = {ident for ident, _pos in cause.not_same_as}
    best = sorted(partial, key=partial.__getitem__, reverse=True)[:CANDIDATES]
    own = cause_of[doc]
    return [other for other in best if own not in keys_of[other]
            and not (silenced and keys[other][0].id in silenced)]
