"""'Possibly the same cause': earlier causes that read like this one under another key.

Each cause occurrence becomes a TF-IDF vector of its words (its description, the catalog's
title for its key, the incident's title, impact summary and "Why it happened" section) and
of its structure (services, cause category, cause kind) as pseudo-terms, so that rare,
distinctive terms weigh most. Occurrences are scored in order of start time against an
inverted index holding only the earlier ones, which keeps the cost near-linear; terms too
common to distinguish anything are left out of the index.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from hindsite.diagnostics import Diagnostic, Severity, rule
from hindsite.link import KnowledgeBase, Suggestion
from hindsite.model import Cause, Postmortem

POSSIBLY_SAME = rule("HS503", "possibly-same-cause", Severity.INFO,
                     "An earlier incident's cause reads like this one but was filed under "
                     "another key: reuse its key, or list the incident in not_same_as.",
                     "recurrence")

SUGGEST_THRESHOLD = 0.22
"""Lowest score shown as a suggestion on an incident page."""
REPORT_THRESHOLD = 0.30
"""Lowest score reported by `hindsite check` as an info diagnostic."""
MAX_DF_SHARE = 0.08
"""Terms in more than this share of causes (and at least 20) are too common to index."""

WORD_RE = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset("""
a about after again against all also an and any are as at be because been before being
between both but by can could did do does doing down during each few for from further had
has have having he her here hers him his how i if in into is it its itself just more most no
nor not now of off on once only or other our out over own same she so some such than that the
their them then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your new one two three first
second time times day days week weeks month hour hours minute minutes incident incidents
cause causes caused causing issue issues problem problems happened happen team teams customer
customers service services user users
""".split())
FIELD_WEIGHTS = {"description": 3.0, "catalog": 2.0, "why": 1.0, "title": 1.0, "impact": 0.5,
                 "structure": 1.5}


@dataclass(frozen=True, slots=True)
class Occurrence:
    pm: Postmortem
    cause: Cause
    vector: dict[str, float]
    surface: dict[str, str]


def stem(word: str) -> str:
    """Cut words to five letters: 'expired', 'expiry' and 'expiration' meet at 'expir'."""
    return word[:5]


def words(text: str) -> Iterator[tuple[str, str]]:
    """(stem, word) pairs of the words that can tell one cause from another."""
    for word in WORD_RE.findall(text.lower()):
        if len(word) > 2 and word not in STOPWORDS and not word.isdigit():
            yield stem(word), word


def cause_terms(kb: KnowledgeBase, pm: Postmortem,
                cause: Cause) -> tuple[Counter[str], dict[str, str]]:
    """Weighted term counts of one cause occurrence, words and structure together, and the
    first word written for each stem (to name shared terms as the writer spelt them)."""
    terms: Counter[str] = Counter()
    surface: dict[str, str] = {}
    catalog_cause = kb.catalog.causes.get(cause.key)
    fields = {
        "description": cause.description,
        "catalog": f"{catalog_cause.title} {catalog_cause.description}" if catalog_cause else "",
        "why": pm.section("Why it happened"),
        "title": pm.title,
        "impact": pm.impact.summary,
    }
    for name, text in fields.items():
        for term, word in words(text):
            terms[term] += FIELD_WEIGHTS[name]
            surface.setdefault(term, word)
    structure = [f"svc:{s}" for s in pm.services] + [f"kind:{cause.kind}"]
    if catalog_cause:
        structure.append(f"cat:{catalog_cause.category}")
    for term in structure:
        terms[term] += FIELD_WEIGHTS["structure"]
    return terms, surface


def tfidf(counts: list[Counter[str]]) -> list[dict[str, float]]:
    df: Counter[str] = Counter(term for c in counts for term in c)
    n = len(counts)
    vectors = []
    for c in counts:
        vector = {t: (1 + math.log(w)) * math.log((n + 1) / (df[t] + 0.5)) if w >= 1 else
                  w * math.log((n + 1) / (df[t] + 0.5)) for t, w in c.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({t: v / norm for t, v in vector.items()})
    return vectors


def occurrences(kb: KnowledgeBase) -> list[Occurrence]:
    pairs = [(pm, cause) for pm in kb.by_id.values() for cause in pm.causes]
    terms = [cause_terms(kb, pm, cause) for pm, cause in pairs]
    vectors = tfidf([counts for counts, _surface in terms])
    return [Occurrence(pm, cause, vector, surface) for (pm, cause), vector, (_c, surface)
            in zip(pairs, vectors, terms, strict=True)]


def suggest(kb: KnowledgeBase, limit: int = 3) -> dict[tuple[str, str], tuple[Suggestion, ...]]:
    """For each cause, the `limit` best earlier causes under other keys, best first."""
    found = occurrences(kb)
    max_df = max(20, int(MAX_DF_SHARE * len(found)))
    index: dict[str, list[tuple[int, float]]] = defaultdict(list)
    results: dict[tuple[str, str], tuple[Suggestion, ...]] = {}
    order = sorted(range(len(found)), key=lambda i: found[i].pm.started)
    start = 0
    while start < len(order):
        end = start
        while end < len(order) and found[order[end]].pm.started == found[order[start]].pm.started:
            end += 1
        for i in order[start:end]:
            ranked = _rank(found, i, index, limit)
            if ranked:
                results[(found[i].pm.id, found[i].cause.key)] = ranked
        for i in order[start:end]:
            for term, weight in found[i].vector.items():
                postings = index[term]
                if len(postings) <= max_df:
                    postings.append((i, weight))
        start = end
    return results


def _rank(found: list[Occurrence], i: int, index: dict[str, list[tuple[int, float]]],
          limit: int) -> tuple[Suggestion, ...]:
    query = found[i]
    scores: dict[int, float] = defaultdict(float)
    for term, weight in query.vector.items():
        for j, other in index.get(term, ()):
            scores[j] += weight * other
    own_keys = query.pm.cause_keys
    silenced = {ident for ident, _pos in query.cause.not_same_as}
    best: dict[tuple[str, str], Suggestion] = {}
    for j, score in sorted(scores.items(), key=lambda item: -item[1]):
        if score < SUGGEST_THRESHOLD or len(best) >= limit:
            break
        other = found[j]
        if other.cause.key in own_keys or query.cause.key in other.pm.cause_keys \
                or other.pm.id in silenced:
            continue
        shared = tuple(query.surface.get(t, t) for t in _shared_terms(query.vector, other.vector))
        best.setdefault((other.pm.id, other.cause.key), Suggestion(
            query.pm.id, query.cause.key, other.pm.id, other.cause.key, round(score, 3), shared))
    return tuple(best.values())


def _shared_terms(a: dict[str, float], b: dict[str, float], most: int = 5) -> tuple[str, ...]:
    """The words both share that weigh most: what makes the two look alike."""
    shared = sorted((t for t in a.keys() & b.keys() if ":" not in t),
                    key=lambda t: -(a[t] * b[t]))
    return tuple(shared[:most])


def suggestion_diagnostics(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    for (incident, key), ranked in kb.suggestions.items():
        top = ranked[0]
        if top.score < REPORT_THRESHOLD:
            continue
        pm = kb.by_id[incident]
        cause = next(c for c in pm.causes if c.key == key)
        yield POSSIBLY_SAME.at(
            cause.pos,
            f"cause '{key}' reads like cause '{top.earlier_cause}' of {top.earlier_incident} "
            f"(shared terms: {', '.join(top.shared_terms)}); if it is the same cause, use key "
            f"'{top.earlier_cause}', else add {top.earlier_incident} to this cause's not_same_as")
