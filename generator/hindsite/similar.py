"""'Possibly the same cause': earlier causes that read like this one under another key.

Each cause occurrence becomes a TF-IDF vector of its words (its description and fixes, the
catalog's title and description for its key, the incident's title, impact summary and "Why
it happened" section, with operations synonyms folded to one term by lexicon.py) and of its
structure (services, cause category, cause kind) as pseudo-terms, so that rare, distinctive
terms weigh most. Occurrences are taken in order of start time. Each looks candidates up
through its heaviest terms that earlier causes also have, in an inverted index that keeps
only each term's few heaviest earlier occurrences; the best candidates are then scored
exactly. The cost grows with the number of causes times small constants, not its square.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from operator import mul, neg, truediv

from hindsite.model import NAMED, Catalog, Cause, Postmortem, Suggestion
from hindsite.words import cause_texts, incident_texts, term_of, words_of

SUGGEST_THRESHOLD = 0.08
"""Lowest score suggested, on the incident page and by `hindsite check` alike."""
VECTOR_TERMS = 60
"""Each occurrence keeps only its heaviest terms: the distinctive ones decide a match."""
QUERY_TERMS = 16
"""How many of its heaviest terms a cause looks candidates up by."""
POSTINGS_KEPT = 4
"""How many of the heaviest earlier occurrences each term keeps for lookups."""
CANDIDATES = 10
"""How many candidates are scored exactly."""
SHARED_FROM = 24
"""A suggestion's shared terms are looked for among this many of the cause's heaviest."""

STOPWORDS = frozenset("""
a about after again against all also an and any are as at be because been before being
between both but by can could did do does doing down during each few for from further had
has have having he her here hers him his how i if in into is it its itself just more most no
nor not now of off on once only or other our out over own same she so some such than that
the their them then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your new one two three
first second time times day days week weeks month hour hours minute minutes incident
incidents cause causes caused causing issue issues problem problems happened happen team
teams customer customers service services user users
""".split())  # noqa: SIM905 - a word list reads best as text
FIELD_WEIGHTS = {"description": 1.0, "catalog": 3.0, "fixes": 1.0, "why": 1.0, "title": 1.0,
                 "impact": 0.5, "structure": 1.0}
"""The catalog's title for a key weighs most: it is what a team agreed the cause is. The
timeline is left out: it tells how the incident unfolded, not why."""


@dataclass(frozen=True, slots=True)
class TextFeatures:
    """Each cause's terms and their log-scaled counts, worked out once when the file is
    checked (in the worker processes, and cacheable with the file and the catalog): only
    the idf, which needs every file, is left for the suggestion stage."""

    causes: dict[str, dict[str, float]]


def terms_of(text: str, weight: float = 1.0) -> Counter[str]:
    """Terms and their weighted counts; short words, stopwords and numbers say nothing."""
    counts = Counter(term_of(word) for word in words_of(text)
                     if len(word) > 2 and word not in STOPWORDS and not word.isdigit())
    if weight != 1.0:
        for term in counts:
            counts[term] *= weight  # type: ignore[assignment]
    return counts


def text_features(pm: Postmortem, catalog: Catalog | None) -> TextFeatures:
    """What each cause is made of (`words.cause_texts`), its structure (services, category
    and kind as pseudo-terms), and the incident's context (`words.incident_texts`), which
    its causes share."""
    context: Counter[str] = Counter()
    for field, text in incident_texts(pm).items():
        context.update(terms_of(text, FIELD_WEIGHTS[field]))
    causes: dict[str, dict[str, float]] = {}
    for cause in pm.causes:
        if cause.key in causes:
            continue  # a key listed twice (an error reported elsewhere): the first counts
        counts = Counter(context)
        for field, text in cause_texts(pm, cause, catalog).items():
            counts.update(_catalog_terms(text) if field == "catalog"
                          else terms_of(text, FIELD_WEIGHTS[field]))
        described = catalog.causes.get(cause.key) if catalog is not None else None
        structure = [f"svc:{s}" for s in pm.services] + [f"kind:{cause.kind}"]
        if described is not None:
            structure.append(f"cat:{described.category}")
        counts.update(dict.fromkeys(structure, FIELD_WEIGHTS["structure"]))
        causes[cause.key] = {sys.intern(t): (1 + math.log(w)) if w >= 1 else w
                             for t, w in counts.items()}
    return TextFeatures(causes)


@functools.lru_cache(maxsize=4096)
def _catalog_terms(text: str) -> Counter[str]:
    """The catalog's words for a key, counted once per process however many causes use it."""
    return terms_of(text, FIELD_WEIGHTS["catalog"])


@dataclass(slots=True)
class _Index:
    """Occurrences in start order, their pruned vectors, and for each term a small heap of
    the heaviest earlier occurrences: what a query looks candidates up by."""

    keys: list[tuple[Postmortem, Cause]]
    vectors: list[dict[str, float]]
    heaps: dict[str, list[tuple[float, int]]]
    cause_of: list[str]
    keys_of: list[frozenset[str]]


Occurrence = tuple[Postmortem, Cause]


def _occurrences(postmortems: list[Postmortem], catalog: Catalog,
                 features: dict[str, TextFeatures]
                 ) -> tuple[list[Occurrence], list[dict[str, float]]]:
    """Each cause occurrence, in start order, with its scaled term counts: one per incident
    and key, even where a key is listed twice (an error reported elsewhere); of incidents
    sharing an id, the first in start order, as the link stage keeps it."""
    keys, counts = [], []
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
    return keys, counts


def _tfidf(counts: list[dict[str, float]]) -> list[dict[str, float]]:
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
    return vectors


def suggest(postmortems: list[Postmortem], catalog: Catalog,
            features: dict[str, TextFeatures] | None = None,
            limit: int = NAMED) -> dict[tuple[str, str], tuple[Suggestion, ...]]:
    """For each cause, the `limit` best earlier causes under other keys, best first; the
    link stage spells their shared terms when it builds the knowledge base with them.

    Occurrences are taken in order of start time; each is scored against the occurrences
    already indexed (all earlier), then indexed itself, so the cost grows with the number
    of occurrences times small constants, not with its square."""
    keys, counts = _occurrences(postmortems, catalog, features or {})
    resolve = catalog.resolve
    index = _Index(keys, _tfidf(counts), defaultdict(list), [resolve(c.key) for _pm, c in keys],
                   _keys_of(keys, resolve))
    found: dict[int, list[Scored]] = {}
    start = 0
    while start < len(keys):
        end = start
        while end < len(keys) and keys[end][0].started == keys[start][0].started:
            end += 1
        for doc in range(start, end):
            if ranked := _rank(index, doc, limit):
                found[doc] = ranked
        for doc in range(start, end):
            _add(index, doc)
        start = end
    return {(keys[doc][0].id, keys[doc][1].key): tuple(_suggestion(index, doc, *s) for s in kept)
            for doc, kept in _best_per_incident(keys, found).items()}


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
    """An earlier cause can be the same as only one of an incident's causes: where several
    of them read like it (they share the incident's context), only the closest keeps it."""
    best: dict[tuple[str, int], tuple[float, int]] = {}
    for doc, ranked in found.items():
        incident = keys[doc][0].id
        for score, other in ranked:
            held = best.get((incident, other))
            if held is None or score > held[0]:
                best[(incident, other)] = (score, doc)
    kept = {doc: [(score, other) for score, other in ranked
                  if best[(keys[doc][0].id, other)][1] == doc]
            for doc, ranked in found.items()}
    return {doc: ranked for doc, ranked in kept.items() if ranked}


def _suggestion(index: _Index, doc: int, score: float, other: int) -> Suggestion:
    (pm, cause), (earlier, earlier_cause) = index.keys[doc], index.keys[other]
    return Suggestion(pm.id, cause.key, earlier.id, earlier_cause.key, round(score, 3),
                      _shared_terms(index.vectors[doc], index.vectors[other]))


def _add(index: _Index, doc: int) -> None:
    heaps, push, replace = index.heaps, heapq.heappush, heapq.heapreplace
    for term, weight in index.vectors[doc].items():
        heap = heaps[term]
        if len(heap) < POSTINGS_KEPT:
            push(heap, (weight, doc))
        elif weight > heap[0][0]:
            replace(heap, (weight, doc))


def _rank(index: _Index, doc: int, limit: int) -> list[Scored]:
    """The `limit` best candidates, scored exactly (cosine of the pruned vectors)."""
    query, vector_of, scored = index.vectors[doc], index.vectors, []
    for other in _candidates(index, doc):
        score = sum(map(mul, query.values(), map(vector_of[other].get, query, repeat(0.0))))
        if score >= SUGGEST_THRESHOLD:
            scored.append((score, other))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return scored[:limit]


def _candidates(index: _Index, doc: int) -> list[int]:
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


def _shared_terms(a: dict[str, float], b: dict[str, float], most: int = 5) -> tuple[str, ...]:
    """The words that make two causes look alike: of the first cause's SHARED_FROM heaviest
    terms, those the other has too, by the product of their weights (ties in alphabetical
    order, so the same input always names the same terms)."""
    common = [t for t in itertools.islice(a, SHARED_FROM) if t in b and ":" not in t]
    products = map(mul, map(a.__getitem__, common), map(b.__getitem__, common))
    return tuple(t for _w, t in sorted(zip(map(neg, products), common, strict=True))[:most])
