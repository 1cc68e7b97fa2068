"""'Have we seen this before?': earlier incidents ranked against symptoms or a draft.

During an incident there is no postmortem yet, only a few words about what people see (or a
draft file). They are folded to terms exactly as suggestions fold a cause (similar/), and
weighed with the same idf; each incident scores as its best-matching cause. What comes back
is what the responder needs next: the incident's causes, the fixes made for each, whether
each fix held, and the answer to "why didn't that fix everything?" where one was given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from operator import mul

from hindsite.link import KnowledgeBase
from hindsite.model import ActionItem, Cause, Postmortem
from hindsite.similar import TextFeatures, ranking_space, terms_of
from hindsite.words import SPELLING_RE, term_of

MATCH_FROM = 0.05
"""Lowest score listed: below it, nothing but a common word is shared."""
SYMPTOMS = 0.5
"""How much of an incident's score comes from what people saw (its title, impact summary and
narrative), the rest from its best-matching cause: a query is usually symptoms."""


@dataclass(frozen=True, slots=True)
class FixHeld:
    """A fix for a cause and what became of it."""

    item: ActionItem
    state: str
    """held, failed (the cause came back after it was completed), pending or won't do."""
    came_back_in: tuple[str, ...]
    """Where the cause came back after the fix, if it did."""
    answers: tuple[tuple[str, str], ...]
    """(incident, answer): why the fix did not keep the cause away, as those incidents say."""


@dataclass(frozen=True, slots=True)
class CauseSeen:
    cause: Cause
    title: str
    """The catalog's title for the key, or ''."""
    answer: str
    """This incident's own answer to 'why didn't that fix everything?', if it gave one."""
    fixes: tuple[FixHeld, ...]


@dataclass(frozen=True, slots=True)
class Match:
    """An earlier incident that reads like the query, best cause first."""

    incident: Postmortem
    score: float
    shared_terms: tuple[str, ...]
    causes: tuple[CauseSeen, ...]


def query_terms(text: str) -> dict[str, float]:
    """The query's terms and log-scaled counts, as a cause's are."""
    return {t: (1 + math.log(w)) if w >= 1 else w for t, w in terms_of(text).items()}


def draft_text(pm: Postmortem) -> str:
    """What a draft says about its symptoms and causes: the texts suggestions compare."""
    parts = [pm.title, pm.impact.summary, pm.section("Why it happened")]
    parts += [c.description for c in pm.causes] + [a.title for a in pm.action_items]
    return "\n".join(parts)


def similar_to(kb: KnowledgeBase, text: str, limit: int = 5,
               before: datetime | None = None, features: dict[str, TextFeatures] | None = None,
               leave_out: str = "") -> list[Match]:
    """The `limit` incidents that read most like `text`, best first; with `before`, only
    incidents that started earlier (as during an incident, when nothing later exists)."""
    occurrences, vectors, idf = ranking_space(list(kb.postmortems), kb.catalog,
                                              features or {})
    weights = {t: w * idf[t] for t, w in query_terms(text).items() if t in idf}
    norm = math.hypot(*weights.values()) or 1.0
    query = {t: w / norm for t, w in weights.items()}
    best: dict[str, tuple[float, int]] = {}
    symptoms: dict[str, float] = {}
    for n, ((pm, _cause), vector) in enumerate(zip(occurrences, vectors, strict=True)):
        if (before is not None and pm.started >= before) or pm.id == leave_out:
            continue
        if pm.id not in symptoms:
            symptoms[pm.id] = _cosine(query, _unit(symptom_terms(pm), idf))
        score = SYMPTOMS * symptoms[pm.id] + (1 - SYMPTOMS) * sum(
            map(mul, query.values(), map(vector.get, query, repeat(0.0))))
        if score >= MATCH_FROM and score > best.get(pm.id, (0.0, -1))[0]:
            best[pm.id] = (score, n)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    words = spelled_as(text)
    return [match(kb, occurrences[n][0], score, tuple(
                words.get(t, t) for t in shared(query, vectors[n])))
            for _ident, (score, n) in ranked]


def symptom_terms(pm: Postmortem) -> dict[str, float]:
    """What people saw: the incident's title, impact summary and its "Summary" and "What
    happened" sections, where the narrative tells the symptoms a responder would type."""
    return query_terms("\n".join((pm.title, pm.impact.summary, pm.section("Summary"),
                                   pm.section("What happened"))))


def _unit(counts: dict[str, float], idf: dict[str, float]) -> dict[str, float]:
    weights = {t: w * idf.get(t, 0.0) for t, w in counts.items()}
    norm = math.hypot(*weights.values()) or 1.0
    return {t: w / norm for t, w in weights.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def spelled_as(text: str) -> dict[str, str]:
    """Each term of the query as it was first written there."""
    found: dict[str, str] = {}
    for word in SPELLING_RE.findall(text.lower()):
        found.setdefault(term_of(word.replace("-", "")), word)
    return found


def shared(query: dict[str, float], vector: dict[str, float], most: int = 6) -> tuple[str, ...]:
    """The query's terms the incident's best cause has too, heaviest first."""
    common = sorted((-query[t] * vector[t], t) for t in query if t in vector and ":" not in t)
    return tuple(t for _w, t in common[:most])


def match(kb: KnowledgeBase, pm: Postmortem, score: float, terms: tuple[str, ...]) -> Match:
    """The incident with, for each cause, its fixes and what became of them."""
    causes = []
    for cause in pm.causes:
        entry = kb.catalog.causes.get(cause.key)
        causes.append(CauseSeen(cause, entry.title if entry else "",
                                cause.why_earlier_fixes_failed,
                                tuple(fix_held(kb, item, cause.key)
                                      for item in pm.action_items
                                      if cause.key in item.addresses)))
    return Match(pm, round(score, 3), terms, tuple(causes))


def fix_held(kb: KnowledgeBase, item: ActionItem, key: str) -> FixHeld:
    """Whether the cause came back after this fix, and what those incidents said about it."""
    outcome = kb.outcomes.get(item.ref)
    back = kb.returns.get((item.ref, key))
    came_back = back.first if back else ()
    state = "won't do" if item.status == "wont-do" else (
        "failed" if came_back else (outcome.state if outcome else "pending"))
    keys = kb.keys_of(key)
    answers = tuple((ident, c.why_earlier_fixes_failed) for ident in came_back
                    if (later := kb.by_id.get(ident)) is not None
                    for c in later.causes if c.key in keys and c.why_earlier_fixes_failed)
    return FixHeld(item, state, came_back, answers)
