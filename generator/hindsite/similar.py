"""'Possibly the same cause': earlier causes that read like this one under another key.

Each cause occurrence becomes a TF-IDF vector of its words (its description and fixes, the
catalog's title and description for its key, the incident's title, impact summary and "Why
it happened" section, with operations synonyms folded to one term by lexicon.py) and of its
structure (services, cause category, cause kind) as pseudo-terms, so that rare, distinctive
terms weigh most. Occurrences are taken in order of start time. Each looks candidates up
through its heaviest terms that earlier causes also have, in an inverted index that keeps
only each term's few heaviest earlier occurrences; the best candidates are then scored
exactly. The cost grows with the number of causes times small constants, not its square.
Each of the best few is then given a calibrated probability and a band (confidence.py),
from how its score sits among its neighbours and which parts of the two records agree.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter, mul, truediv

from hindsite.confidence import Features, band_of, could_reach_a_band, probability
from hindsite.model import Catalog, Cause, Postmortem, Suggestion
from hindsite.words import term_of, words_of

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
AGREE = 0.15
"""Two parts of the records agree, in a message, from this cosine of their words (for the
"why" sections: from this share of the score)."""

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
GENERIC = frozenset("""
add added adding answer answered anyone anything automatic automatically back behind build
built change changed changes check checked close closed create created creating every
everyone everything exist existed existing evening morning night failed fail fails failing
failure failures four five half instead kept keep last late later left list listed long
longer look looked looking lost manual manually many meant moved never nobody nothing
notice noticed old passed per reach reached read received receive return returned review
reviewed run ran running sent separate set share shared short showed show shown single
start started starting still stop stopped switch switched took take taken treat treated
update updated use used uses using went whole within without work worked working works
written years year wrong data error errors right way whether already even made make makes
needed need needs next part point put see seen since thing things until go goes going gone
send sends sending finish finished date dates load loaded loads page pages pay paid attempt
attempts live
""".split())  # noqa: SIM905 - a word list reads best as text
"""Narrative words any postmortem uses ('data', 'use', 'wrong', 'failed'): they say nothing
about a mechanism, so they are never named as evidence."""
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
    own: dict[str, dict[str, float]]
    """Each cause's own words (description, fixes, the catalog's title and description)."""
    why: dict[str, float]
    """The words of the incident's "Why it happened" section."""
    described: dict[str, frozenset[str]]
    """Each cause's description, as terms: whether two descriptions agree, for a message."""


GENERIC_TERMS = frozenset(map(term_of, GENERIC))


def terms_of(text: str, weight: float = 1.0) -> Counter[str]:
    """Terms and their weighted counts; short words, stopwords and numbers say nothing."""
    counts = Counter(term_of(word) for word in words_of(text)
                     if len(word) > 2 and word not in STOPWORDS and not word.isdigit())
    if weight != 1.0:
        for term in counts:
            counts[term] *= weight  # type: ignore[assignment]
    return counts


def text_features(pm: Postmortem, catalog: Catalog | None) -> TextFeatures:
    """What each cause is made of: its description and fixes, the catalog's words for its
    key, its structure (services, category and kind as pseudo-terms), and the incident's
    context (title, impact, "Why it happened"), which its causes share."""
    why = terms_of(pm.section("Why it happened"), FIELD_WEIGHTS["why"])
    context = Counter(why)
    context.update(terms_of(pm.title, FIELD_WEIGHTS["title"]))
    context.update(terms_of(pm.impact.summary, FIELD_WEIGHTS["impact"]))
    causes: dict[str, dict[str, float]] = {}
    own: dict[str, dict[str, float]] = {}
    description_terms: dict[str, frozenset[str]] = {}
    for cause in pm.causes:
        if cause.key in causes:
            continue  # a key listed twice (an error reported elsewhere): the first counts
        words = terms_of(cause.description, FIELD_WEIGHTS["description"])
        description_terms[cause.key] = frozenset(_specific(words))
        fixes = " ".join(a.title for a in pm.action_items if cause.key in a.addresses)
        words.update(terms_of(fixes, FIELD_WEIGHTS["fixes"]))
        described = catalog.causes.get(cause.key) if catalog is not None else None
        structure = [f"svc:{s}" for s in pm.services] + [f"kind:{cause.kind}"]
        if described is not None:
            words.update(_catalog_terms(f"{described.title} {described.description}"))
            structure.append(f"cat:{described.category}")
        own[cause.key] = _scaled(_specific(words))
        counts = Counter(context)
        counts.update(words)
        counts.update(dict.fromkeys(structure, FIELD_WEIGHTS["structure"]))
        causes[cause.key] = _scaled(counts)
    return TextFeatures(causes, own, _scaled(_specific(why)), description_terms)


def _specific(counts: Counter[str]) -> Counter[str]:
    """The terms that can name a mechanism: GENERIC ones left out."""
    return Counter({t: w for t, w in counts.items() if t not in GENERIC_TERMS})


def _scaled(counts: Counter[str]) -> dict[str, float]:
    """Log-scaled counts, terms interned: a word said ten times is not ten times the evidence."""
    return {sys.intern(t): (1 + math.log(w)) if w >= 1 else w for t, w in counts.items()}


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


def suggest(postmortems: list[Postmortem], catalog: Catalog,
            features: dict[str, TextFeatures] | None = None
            ) -> dict[tuple[str, str], tuple[Suggestion, ...]]:
    """For each cause, the earlier causes under other keys that are likely or possibly the
    same cause, most likely first; the link stage spells their shared terms when it builds
    the knowledge base with them."""
    index, found = _ranked(postmortems, catalog, features or {})
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
    index, found = _ranked(postmortems, catalog, features or {})
    for doc, candidates in _with_features(index, found, catalog, every=True):
        (pm, cause) = index.keys[doc]
        for other, found_features, _shared_terms in candidates:
            earlier, earlier_cause = index.keys[other]
            yield (pm.id, cause.key, earlier.id, earlier_cause.key), found_features


def ranking_space(postmortems: list[Postmortem], catalog: Catalog,
                  features: dict[str, TextFeatures]
                  ) -> tuple[list[Occurrence], list[dict[str, float]], dict[str, float]]:
    """Every cause occurrence in start order with the vector suggestions compare, and the idf
    that weighed them: what `hindsite similar` ranks a query against."""
    keys, counts, _found = _occurrences(postmortems, catalog, features)
    vectors, idf = _tfidf(counts)
    return keys, vectors, idf


def _ranked(postmortems: list[Postmortem], catalog: Catalog,
            features: dict[str, TextFeatures]) -> tuple[_Index, dict[int, list[Scored]]]:
    """Each cause's KEPT best earlier candidates under other keys, best first.

    Occurrences are taken in order of start time; each is scored against the occurrences
    already indexed (all earlier), then indexed itself, so the cost grows with the number
    of occurrences times small constants, not with its square."""
    keys, counts, found_for = _occurrences(postmortems, catalog, features)
    resolve = catalog.resolve
    vectors, idf = _tfidf(counts)
    index = _Index(keys, vectors, defaultdict(list), [resolve(c.key) for _pm, c in keys],
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


Shared = tuple[list[tuple[float, str]], list[tuple[float, str]]]
"""The terms two candidates share in their own words and in their "why" sections, each with
minus its weight in the score (so that the heaviest sort first)."""


def _with_features(index: _Index, found: dict[int, list[Scored]], catalog: Catalog,
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


def _features(index: _Index, doc: int, other: int, score: float, rank: int,
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


def _suggestion(index: _Index, doc: int, other: int, found: Features, shared: Shared,
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
    return frozenset(_specific(terms_of(title)))


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


def _evidence(shared: Shared, most: int = 5) -> tuple[str, ...]:
    """The mechanism words two causes share: first those of their own words (descriptions,
    fixes, catalog entries), then of their "why" sections, heaviest first (ties in
    alphabetical order, so the same input always names the same terms)."""
    found: list[str] = []
    for part in shared:
        found += [t for _w, t in heapq.nsmallest(most, part) if t not in found]
    return tuple(found[:most])
