"""'Possibly the same cause': earlier causes that read like this one under another key.

Each cause occurrence becomes a TF-IDF vector of its words (its description, the catalog's
title for its key, the incident's title, impact summary and "Why it happened" section) and
of its structure (services, cause category, cause kind) as pseudo-terms, so that rare,
distinctive terms weigh most. Occurrences are scored in order of start time against an
inverted index holding only the earlier ones, which keeps the cost near-linear; terms too
common to distinguish anything are left out of the index.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter, mul

from hindsite.diagnostics import Diagnostic, Severity, rule
from hindsite.lexicon import FOLD
from hindsite.link import KnowledgeBase, Suggestion
from hindsite.model import Catalog, Cause, Postmortem

POSSIBLY_SAME = rule("HS503", "possibly-same-cause", Severity.INFO,
                     "An earlier incident's cause reads like this one but was filed under "
                     "another key: reuse its key, or list the incident in not_same_as.",
                     "recurrence")

SUGGEST_THRESHOLD = 0.08
"""Lowest score suggested, on the incident page and by `hindsite check` alike."""
VECTOR_TERMS = 60
"""Each occurrence keeps only its heaviest terms: the distinctive ones decide a match."""
QUERY_TERMS = 12
"""How many of its heaviest terms a cause looks candidates up by."""
POSTINGS_KEPT = 6
"""How many of the heaviest earlier occurrences each term keeps for lookups."""
CANDIDATES = 8
"""How many candidates are scored exactly."""

WORD_RE = re.compile(r"[a-z0-9]+")
"""Words, once hyphens are dropped: 'not-after' and 'write-ahead' count as one word each."""
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
    """The words of one postmortem, counted once when the file is checked (cacheable with it):
    the incident's context (title, impact, "Why it happened") and each cause's description."""

    context: Counter[str]
    causes: dict[str, Counter[str]]


def words_of(text: str) -> list[str]:
    """The words of a text, lower-cased, hyphens dropped; `terms_of` and `spelled` must agree."""
    return WORD_RE.findall(text.lower().replace("-", ""))


def term_of(word: str) -> str:
    """The concept a word names (lexicon.py), else its first five letters, so that
    'expired', 'expiry' and 'expiration' meet at 'expir'."""
    return FOLD.get(word) or word[:5]


def terms_of(text: str, weight: float = 1.0) -> Counter[str]:
    """Terms and their weighted counts; short words, stopwords and numbers say nothing."""
    counts = Counter(term_of(word) for word in words_of(text)
                     if len(word) > 2 and word not in STOPWORDS and not word.isdigit())
    if weight != 1.0:
        for term in counts:
            counts[term] *= weight  # type: ignore[assignment]
    return counts


def text_features(pm: Postmortem) -> TextFeatures:
    context = terms_of(pm.section("Why it happened"), FIELD_WEIGHTS["why"])
    context.update(terms_of(pm.title, FIELD_WEIGHTS["title"]))
    context.update(terms_of(pm.impact.summary, FIELD_WEIGHTS["impact"]))
    causes = {}
    for cause in pm.causes:
        terms = terms_of(cause.description, FIELD_WEIGHTS["description"])
        fixes = " ".join(a.title for a in pm.action_items if cause.key in a.addresses)
        terms.update(terms_of(fixes, FIELD_WEIGHTS["fixes"]))
        causes[cause.key] = terms
    return TextFeatures(context, causes)


def spelled(pm: Postmortem, stems: tuple[str, ...], catalog: Catalog | None = None
            ) -> tuple[str, ...]:
    """Stems as the writer spelt them in this postmortem (or the catalog's words for its
    causes), for messages and pages."""
    texts = [pm.title, pm.impact.summary, pm.section("Why it happened")]
    texts += [c.description for c in pm.causes] + [a.title for a in pm.action_items]
    if catalog is not None:
        texts += [f"{c.title} {c.description}" for key in pm.cause_keys
                  if (c := catalog.causes.get(key)) is not None]
    first: dict[str, str] = {}
    for word in words_of(" ".join(texts)):
        first.setdefault(term_of(word), word)
    return tuple(first.get(s, s) for s in stems)


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


def _occurrences(kb: KnowledgeBase, features: dict[str, TextFeatures]
                 ) -> tuple[list[Occurrence], list[Counter[str]], list[dict[str, float]]]:
    """Each cause occurrence with its incident's context counts (one object shared by the
    incident's causes) and its own: description and fixes, the catalog's words for its
    key, and its structure."""
    catalog_terms = {key: terms_of(f"{c.title} {c.description}", FIELD_WEIGHTS["catalog"])
                     for key, c in kb.catalog.causes.items()}
    structure = FIELD_WEIGHTS["structure"]
    keys, contexts, owns = [], [], []
    for pm in kb.postmortems:
        if kb.by_id.get(pm.id) is not pm:
            continue
        found = features.get(pm.id) or text_features(pm)
        for cause in pm.causes:
            own: dict[str, float] = dict(found.causes.get(cause.key, {}))
            for term, weight in catalog_terms.get(cause.key, {}).items():
                own[term] = own.get(term, 0.0) + weight
            catalog_cause = kb.catalog.causes.get(cause.key)
            extra = [f"svc:{s}" for s in pm.services] + [f"kind:{cause.kind}"]
            if catalog_cause:
                extra.append(f"cat:{catalog_cause.category}")
            for term in extra:
                own[term] = own.get(term, 0.0) + structure
            keys.append((pm, cause))
            contexts.append(found.context)
            owns.append(own)
    return keys, contexts, owns


def _tfidf(contexts: list[Counter[str]], owns: list[dict[str, float]]) -> list[dict[str, float]]:
    """Unit vectors of log-scaled, idf-weighted terms, each cut to its VECTOR_TERMS heaviest
    and ordered heaviest first. An incident's context is weighed once for all its causes:
    only the terms a cause adds to it are weighed again."""
    df: Counter[str] = Counter()
    for context, own in zip(contexts, owns, strict=True):
        df.update(context.keys())
        df.update(t for t in own if t not in context)
    n = len(owns) + 1
    idf = {t: math.log(n / (f + 0.5)) for t, f in df.items()}
    log = math.log
    weighed: dict[int, dict[str, float]] = {}
    vectors = []
    for context, own in zip(contexts, owns, strict=True):
        base = weighed.get(id(context))
        if base is None:
            base = weighed[id(context)] = {t: ((1 + log(w)) if w >= 1 else w) * idf[t]
                                           for t, w in context.items()}
        weights = dict(base)
        for t, w in own.items():
            w += context.get(t, 0.0)
            weights[t] = ((1 + log(w)) if w >= 1 else w) * idf[t]
        kept = sorted(weights.items(), key=itemgetter(1), reverse=True)[:VECTOR_TERMS]
        norm = math.hypot(*map(itemgetter(1), kept)) or 1.0
        vectors.append({t: w / norm for t, w in kept})
    return vectors


def suggest(kb: KnowledgeBase, features: dict[str, TextFeatures] | None = None,
            limit: int = 3) -> dict[tuple[str, str], tuple[Suggestion, ...]]:
    """For each cause, the `limit` best earlier causes under other keys, best first.

    Occurrences are taken in order of start time; each is scored against the occurrences
    already indexed (all earlier), then indexed itself, so the cost grows with the number
    of occurrences times small constants, not with its square."""
    keys, contexts, owns = _occurrences(kb, features or {})
    index = _Index(keys, _tfidf(contexts, owns), defaultdict(list), [c.key for _pm, c in keys],
                   [pm.cause_keys for pm, _c in keys])
    results: dict[tuple[str, str], tuple[Suggestion, ...]] = {}
    start = 0
    while start < len(keys):
        end = start
        while end < len(keys) and keys[end][0].started == keys[start][0].started:
            end += 1
        for doc in range(start, end):
            ranked = _rank(index, doc, limit)
            if ranked:
                results[(keys[doc][0].id, keys[doc][1].key)] = ranked
                _keep_best_per_incident(results, keys[doc][0])
        for doc in range(start, end):
            _add(index, doc)
        start = end
    return results


def _keep_best_per_incident(results: dict[tuple[str, str], tuple[Suggestion, ...]],
                            pm: Postmortem) -> None:
    """An earlier cause can be the same as only one of an incident's causes: where several
    of them read like it (they share the incident's context), only the closest keeps it."""
    best: dict[tuple[str, str], Suggestion] = {}
    for cause in pm.causes:
        for s in results.get((pm.id, cause.key), ()):
            target = (s.earlier_incident, s.earlier_cause)
            if target not in best or s.score > best[target].score:
                best[target] = s
    for cause in pm.causes:
        ranked = results.get((pm.id, cause.key))
        if ranked is None:
            continue
        kept = tuple(s for s in ranked
                     if best[(s.earlier_incident, s.earlier_cause)] is s)
        if kept:
            results[(pm.id, cause.key)] = kept
        else:
            del results[(pm.id, cause.key)]


def _add(index: _Index, doc: int) -> None:
    for term, weight in index.vectors[doc].items():
        heap = index.heaps[term]
        if len(heap) < POSTINGS_KEPT:
            heapq.heappush(heap, (weight, doc))
        elif weight > heap[0][0]:
            heapq.heapreplace(heap, (weight, doc))


def _rank(index: _Index, doc: int, limit: int) -> tuple[Suggestion, ...]:
    """Candidates come through the query's heaviest terms; the best few are then scored
    exactly (cosine of the pruned vectors) and filtered."""
    pm, cause = index.keys[doc]
    own_keys = pm.cause_keys
    query = index.vectors[doc]
    partial: dict[int, float] = {}
    heaps, cause_of, key = index.heaps, index.cause_of, cause.key
    for term, weight in itertools.islice(query.items(), QUERY_TERMS):
        for other_weight, other in heaps.get(term, ()):
            if cause_of[other] != key:  # the same key is a recurrence, not a suggestion
                partial[other] = partial.get(other, 0.0) + weight * other_weight
    silenced = {ident for ident, _pos in cause.not_same_as}
    scored = []
    for other, _partial in sorted(partial.items(), key=itemgetter(1), reverse=True)[:CANDIDATES]:
        earlier, earlier_cause = index.keys[other]
        if earlier_cause.key in own_keys or key in index.keys_of[other] \
                or earlier.id in silenced:
            continue
        vector = index.vectors[other]
        common = sorted(query.keys() & vector.keys())
        score = sum(map(mul, map(query.__getitem__, common), map(vector.__getitem__, common)))
        if score >= SUGGEST_THRESHOLD:
            scored.append((score, other))
    best: dict[tuple[str, str], Suggestion] = {}
    for score, other in sorted(scored, key=lambda item: (-item[0], item[1])):
        earlier, earlier_cause = index.keys[other]
        if len(best) < limit:
            best.setdefault((earlier.id, earlier_cause.key), Suggestion(
                pm.id, cause.key, earlier.id, earlier_cause.key, round(score, 3),
                _shared_terms(query, index.vectors[other])))
    return tuple(best.values())


def _shared_terms(a: dict[str, float], b: dict[str, float], most: int = 5) -> tuple[str, ...]:
    """The word stems both share that weigh most: what makes the two look alike (ties in
    alphabetical order, so the same input always names the same terms)."""
    weight = {t: a[t] * b[t] for t in a.keys() & b.keys() if ":" not in t}
    return tuple(sorted(sorted(weight), key=weight.__getitem__, reverse=True)[:most])


def suggestion_diagnostics(kb: KnowledgeBase, shown: int = 3) -> Iterator[Diagnostic]:
    """One info diagnostic per suggestion an incident page shows, best first, so that the
    check and the site say the same; `(1 of 2)` keeps the ranking in the sorted report."""
    for (incident, key), ranked in kb.suggestions.items():
        pm = kb.by_id[incident]
        cause = next(c for c in pm.causes if c.key == key)
        listed = ranked[:shown]
        for rank, hint in enumerate(listed, 1):
            yield POSSIBLY_SAME.at(
                cause.pos,
                f"({rank} of {len(listed)}) cause '{key}' reads like cause "
                f"'{hint.earlier_cause}' of {hint.earlier_incident} (shared terms: "
                f"{', '.join(spelled(pm, hint.shared_terms, kb.catalog))}); if it is the same "
                "cause, use "
                f"key '{hint.earlier_cause}', else add {hint.earlier_incident} to this "
                "cause's not_same_as")
