"""The link stage: recurrences, earlier fixes and what became of each fix.

Computed once, for `hindsite check` and the site alike, exactly as the format defines it:
the earlier occurrences of cause K for postmortem B are the postmortems A listing K with
A.started < B.started; the earlier fixes are A's action items addressing K; a fix counts
as completed before B when it is done and its completion date is on or before the
calendar date of B.started in B.started's own offset, and as not delivered in time when it
was due by that date and not done by it. Either way B owes an answer to "why didn't that fix
everything?".
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, NamedTuple

from hindsite.model import NAMED, ActionItem, Catalog, Postmortem, Suggestion
from hindsite.words import spelled, spellings

FixState = Literal["pending", "held", "failed"]


@dataclass(frozen=True, slots=True)
class Recurrence:
    """Cause `cause` of incident `incident`, seen against the incidents before and after it.

    It holds the cause's whole chain of occurrences (shared by every incident on it) and
    where this incident stands, so a cause seen in thousands of incidents costs no more
    than the chain itself. `earlier`, `later`, `fixes` and `completed_fixes` are derived
    when asked for, in time proportional to the cause's history: a caller that runs for
    every incident should slice `chain` with `earlier_end` and `later_start` instead."""

    incident: str
    cause: str
    chain: tuple[Postmortem, ...]
    earlier_end: int
    later_start: int
    started_day: date
    needs_answer: bool
    keys: frozenset[str] = frozenset()
    """Every key written for this cause (the resolved key and those `same_as` it)."""

    @property
    def earlier(self) -> tuple[str, ...]:
        return tuple(pm.id for pm in self.chain[:self.earlier_end])

    @property
    def later(self) -> tuple[str, ...]:
        return tuple(pm.id for pm in self.chain[self.later_start:])

    @property
    def fixes(self) -> tuple[ActionItem, ...]:
        """Every earlier fix: the action items of earlier occurrences that address the cause."""
        return tuple(item for pm in self.chain[:self.earlier_end]
                     for item in pm.fixes_for(self.keys or self.cause))

    @property
    def completed_fixes(self) -> tuple[ActionItem, ...]:
        """Earlier fixes done on or before the day this incident started, in its own offset."""
        return tuple(item for item in self.fixes if completed_by(item, self.started_day))

    @property
    def undelivered_fixes(self) -> tuple[ActionItem, ...]:
        """Earlier fixes due on or before the day this incident started and not done by then."""
        return tuple(item for item in self.fixes if undelivered_by(item, self.started_day))

    @property
    def recurs(self) -> bool:
        return self.earlier_end > 0


@dataclass(frozen=True, slots=True)
class FixOutcome:
    """Whether a fix held: `failed` names the first incident where one of the causes it
    addressed came back after it was completed."""

    item: ActionItem
    state: FixState
    recurred_in: tuple[str, ...] = ()


class Returns(NamedTuple):
    """Where a fix's cause came back after it was completed: the first few incidents (up to
    NAMED), and how many in all."""

    first: tuple[str, ...]
    total: int


OFFSET_SLACK = timedelta(hours=24)
"""More than any UTC offset: how far a calendar date in some offset can be from UTC's."""


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """The link stage's whole output; nothing after it computes from the postmortems' text.

    Suggestions come in with it, and their shared terms are spelled as each incident's
    writer spelt them: `similar.suggest` spells them from what each file's check read, and
    any still unspelled are spelled while it is built, however it is built
    (`dataclasses.replace` too)."""

    catalog: Catalog
    postmortems: tuple[Postmortem, ...]
    by_id: dict[str, Postmortem]
    occurrences: dict[str, tuple[Postmortem, ...]]
    recurrences: dict[tuple[str, str], Recurrence]
    outcomes: dict[str, FixOutcome]
    returns: dict[tuple[str, str], Returns]
    merged: dict[str, frozenset[str]] = field(default_factory=dict)
    """For a key that others are `same_as`, every key written for that cause."""
    suggestions: dict[tuple[str, str], tuple[Suggestion, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if any(s.shared_terms and not s.shared_words
               for ranked in self.suggestions.values() for s in ranked):
            object.__setattr__(self, "suggestions", spelled_suggestions(
                self.suggestions, self.by_id, self.catalog))

    def recurrence(self, incident: str, cause: str) -> Recurrence:
        return self.recurrences[(incident, cause)]

    def history(self, key: str) -> tuple[Postmortem, ...]:
        """Every occurrence of a cause, whichever of its merged keys it was written with."""
        return self.occurrences.get(self.catalog.resolve(key), ())

    def keys_of(self, key: str) -> frozenset[str]:
        """The keys written for the cause `key` belongs to, `key` included."""
        resolved = self.catalog.resolve(key)
        return self.merged.get(resolved, frozenset((key, resolved)))

    def outcome(self, item: ActionItem) -> FixOutcome:
        return self.outcomes[item.ref]


def link(postmortems: list[Postmortem], catalog: Catalog,
         suggestions: dict[tuple[str, str], tuple[Suggestion, ...]] | None = None
         ) -> KnowledgeBase:
    """The knowledge base of valid postmortems, oldest first, with the suggestions made for
    them (`similar.suggest`); the first of a duplicated id wins."""
    ordered = tuple(sorted(postmortems, key=lambda p: (p.started, p.id)))
    by_id: dict[str, Postmortem] = {}
    for pm in ordered:
        by_id.setdefault(pm.id, pm)
    resolve = catalog.resolve
    occurrences = occurrences_by_cause(ordered, resolve)
    merged = merged_keys(catalog)
    recurrences: dict[tuple[str, str], Recurrence] = {}
    for key, chain in occurrences.items():
        keys = merged.get(key, frozenset((key,)))
        for pm, r in zip(chain, recurrences_of(key, chain, keys), strict=True):
            written = pm.cause_keys & keys if len(keys) > 1 else keys
            recurrences.update(((r.incident, k), r) for k in written)
    returns = returns_by_cause(by_id, occurrences, resolve)
    outcomes = {item.ref: fix_outcome(item, returns)
                for pm in by_id.values() for item in pm.action_items}
    return KnowledgeBase(catalog, ordered, by_id, occurrences, recurrences, outcomes, returns,
                         merged, suggestions or {})


def merged_keys(catalog: Catalog) -> dict[str, frozenset[str]]:
    """For each key that other keys are `same_as` (through chains), all of those keys."""
    groups: dict[str, set[str]] = defaultdict(set)
    for key, entry in catalog.causes.items():
        if entry.same_as:
            groups[catalog.resolve(key)].add(key)
    return {key: frozenset(others | {key}) for key, others in groups.items()}


def occurrences_by_cause(ordered: tuple[Postmortem, ...],
                         resolve: Callable[[str], str] = str) -> dict[str, tuple[Postmortem, ...]]:
    """Each cause's incidents in start order, under the key its history is kept under."""
    chains: dict[str, list[Postmortem]] = defaultdict(list)
    for pm in ordered:
        for key in dict.fromkeys(resolve(c.key) for c in pm.causes):
            chains[key].append(pm)
    return {key: tuple(chain) for key, chain in chains.items()}


def completed_by(item: ActionItem, day: date) -> bool:
    return item.status == "done" and item.completed is not None and item.completed <= day


def undelivered_by(item: ActionItem, day: date) -> bool:
    """Due on or before `day` and not done by then: open, in progress, dropped, or late."""
    return item.due is not None and item.due <= day and not completed_by(item, day)


def recurrences_of(key: str, chain: tuple[Postmortem, ...],
                   keys: frozenset[str] = frozenset()) -> list[Recurrence]:
    """Every occurrence of a cause against the others, in one pass along the sorted chain.

    An answer is owed from the first day an earlier fix was either completed or due (a fix
    due by then is delivered or not; both call for an answer), so the earliest such day
    among earlier fixes tells whether it is owed."""
    found = []
    earliest_done: date | None = None
    group_start = 0
    for n, pm in enumerate(chain):
        if pm.started != chain[group_start].started:
            for done in _answer_dates(chain[group_start:n], key):
                earliest_done = done if earliest_done is None else min(earliest_done, done)
            group_start = n
        group_end = n + 1
        while group_end < len(chain) and chain[group_end].started == pm.started:
            group_end += 1
        owed = earliest_done is not None and earliest_done <= pm.started.date()
        found.append(Recurrence(pm.id, key, chain, group_start, group_end, pm.started.date(),
                                owed, keys))
    return found


def _answer_dates(pms: tuple[Postmortem, ...], key: str) -> list[date]:
    """For each earlier fix, the first day from which an incident of its cause owes an answer."""
    found = []
    for item in (item for pm in pms for item in pm.fixes_for(key)):
        days = [d for d in (item.due, item.completed if item.status == "done" else None) if d]
        if days:
            found.append(min(days))
    return found


def returns_by_cause(by_id: dict[str, Postmortem],
                     occurrences: dict[str, tuple[Postmortem, ...]],
                     resolve: Callable[[str], str] = str) -> dict[tuple[str, str], Returns]:
    """For each completed fix and each cause it addresses (as written), the incidents of that
    cause, under any of its merged keys, that started after the fix's incident, on or after
    the day it was completed."""
    starts = {key: [pm.started for pm in chain] for key, chain in occurrences.items()}
    found = {}
    for owner in by_id.values():
        for item in owner.action_items:
            if item.status != "done" or item.completed is None:
                continue
            for key in item.addresses:
                cause = resolve(key)
                found[(item.ref, key)] = came_back(item.completed, owner,
                                                   occurrences.get(cause, ()),
                                                   starts.get(cause, []))
    return found


def came_back(completed: date, owner: Postmortem, chain: tuple[Postmortem, ...],
              starts: list[datetime]) -> Returns:
    """The first incidents of a chain (sorted by start) that started after `owner`, on or
    after the day a fix was completed in their own offset, and how many there are in all.

    Only the starts within a day of that midnight can go either way and are checked one by
    one; the rest are found by bisection, so a long history costs no more than a short one."""
    midnight = datetime.combine(completed, time(), tzinfo=UTC)
    after = bisect.bisect_right(starts, owner.started)
    low = max(after, bisect.bisect_left(starts, midnight - OFFSET_SLACK))
    high = max(low, bisect.bisect_left(starts, midnight + OFFSET_SLACK))
    near = [pm.id for pm in chain[low:high] if completed <= pm.started.date()]
    sure = chain[high:high + max(NAMED - len(near), 0)]
    return Returns(tuple(near[:NAMED]) + tuple(pm.id for pm in sure),
                   len(near) + len(chain) - high)


def fix_outcome(item: ActionItem, returns: dict[tuple[str, str], Returns]) -> FixOutcome:
    """pending until done; then failed if an addressed cause came back after completion,
    naming the first incident of the first such cause."""
    if item.status != "done" or item.completed is None:
        return FixOutcome(item, "pending")
    for key in item.addresses:
        back = returns[(item.ref, key)]
        if back.total:
            return FixOutcome(item, "failed", back.first[:1])
    return FixOutcome(item, "held")


def earlier_fix_summary(recurrence: Recurrence) -> str:
    """The earlier fixes that owe an answer, as a diagnostic names them:
    'PM-0007/A1 (completed 2009-03-02)', 'PM-0009/A1 (due 2025-06-30, open)'."""
    done = [f"{item.ref} (completed {item.completed})" for item in recurrence.completed_fixes]
    late = [f"{item.ref} (due {item.due}, {_not_delivered(item)})"
            for item in recurrence.undelivered_fixes]
    return ", ".join(done + late)


def _not_delivered(item: ActionItem) -> str:
    if item.status == "done":
        return f"completed only on {item.completed}"
    return "won't do" if item.status == "wont-do" else item.status


def spelled_suggestions(suggestions: dict[tuple[str, str], tuple[Suggestion, ...]],
                        by_id: dict[str, Postmortem], catalog: Catalog
                        ) -> dict[tuple[str, str], tuple[Suggestion, ...]]:
    """The suggestions with their shared terms spelled, reading each incident's text once,
    and only as far as its suggestions' terms need."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for (incident, _key), ranked in suggestions.items():
        for s in ranked:
            wanted[incident].update(s.shared_terms)
    words = {incident: spellings(pm, catalog, frozenset(terms)) for incident, terms
             in wanted.items() if terms and (pm := by_id.get(incident)) is not None}
    return {where: tuple(s if s.shared_words or not s.shared_terms else replace(
                s, shared_words=spelled(words.get(where[0], {}), s.shared_terms))
                for s in ranked)
            for where, ranked in suggestions.items()}
