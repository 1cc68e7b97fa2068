"""The link stage: recurrences, earlier fixes and what became of each fix.

Computed once, for `hindsite check` and the site alike, exactly as the format defines it:
the earlier occurrences of cause K for postmortem B are the postmortems A listing K with
A.started < B.started; the earlier fixes are A's action items addressing K; a fix counts
as completed before B when it is done and its completion date is on or before the
calendar date of B.started in B.started's own offset.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from hindsite.model import ActionItem, Catalog, Postmortem

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
                     for item in fixes_for(pm, self.cause))

    @property
    def completed_fixes(self) -> tuple[ActionItem, ...]:
        """Earlier fixes done on or before the day this incident started, in its own offset."""
        return tuple(item for item in self.fixes if completed_by(item, self.started_day))

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


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An earlier cause that reads like this one although it was filed under another key."""

    incident: str
    cause: str
    earlier_incident: str
    earlier_cause: str
    score: float
    shared_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    catalog: Catalog
    postmortems: tuple[Postmortem, ...]
    by_id: dict[str, Postmortem]
    occurrences: dict[str, tuple[Postmortem, ...]]
    recurrences: dict[tuple[str, str], Recurrence]
    outcomes: dict[str, FixOutcome]
    suggestions: dict[tuple[str, str], tuple[Suggestion, ...]] = field(default_factory=dict)

    def recurrence(self, incident: str, cause: str) -> Recurrence:
        return self.recurrences[(incident, cause)]

    def outcome(self, item: ActionItem) -> FixOutcome:
        return self.outcomes[item.ref]


def link(postmortems: list[Postmortem], catalog: Catalog) -> KnowledgeBase:
    """The knowledge base of valid postmortems, oldest first; the first of a duplicated id wins."""
    ordered = tuple(sorted(postmortems, key=lambda p: (p.started, p.id)))
    by_id: dict[str, Postmortem] = {}
    for pm in ordered:
        by_id.setdefault(pm.id, pm)
    occurrences = occurrences_by_cause(ordered)
    recurrences: dict[tuple[str, str], Recurrence] = {}
    for key, chain in occurrences.items():
        recurrences.update(((r.incident, key), r) for r in recurrences_of(key, chain))
    timing = {key: ([pm.started for pm in chain], latest_days(chain))
              for key, chain in occurrences.items()}
    outcomes = {item.ref: fix_outcome(item, occurrences, pm, timing)
                for pm in by_id.values() for item in pm.action_items}
    return KnowledgeBase(catalog, ordered, by_id, occurrences, recurrences, outcomes)


def occurrences_by_cause(ordered: tuple[Postmortem, ...]) -> dict[str, tuple[Postmortem, ...]]:
    chains: dict[str, list[Postmortem]] = defaultdict(list)
    for pm in ordered:
        for key in dict.fromkeys(c.key for c in pm.causes):
            chains[key].append(pm)
    return {key: tuple(chain) for key, chain in chains.items()}


def fixes_for(pm: Postmortem, key: str) -> tuple[ActionItem, ...]:
    return tuple(item for item in pm.action_items if key in item.addresses)


def completed_by(item: ActionItem, day: date) -> bool:
    return item.status == "done" and item.completed is not None and item.completed <= day


def recurrences_of(key: str, chain: tuple[Postmortem, ...]) -> list[Recurrence]:
    """Every occurrence of a cause against the others, in one pass along the sorted chain:
    the earliest completion among earlier fixes tells whether an answer is owed."""
    found = []
    earliest_done: date | None = None
    group_start = 0
    for n, pm in enumerate(chain):
        if pm.started != chain[group_start].started:
            for done in _completion_dates(chain[group_start:n], key):
                earliest_done = done if earliest_done is None else min(earliest_done, done)
            group_start = n
        group_end = n + 1
        while group_end < len(chain) and chain[group_end].started == pm.started:
            group_end += 1
        owed = earliest_done is not None and earliest_done <= pm.started.date()
        found.append(Recurrence(pm.id, key, chain, group_start, group_end, pm.started.date(),
                                owed))
    return found


def _completion_dates(pms: tuple[Postmortem, ...], key: str) -> list[date]:
    return [item.completed for pm in pms for item in fixes_for(pm, key)
            if item.status == "done" and item.completed is not None]


def fix_outcome(item: ActionItem, occurrences: dict[str, tuple[Postmortem, ...]],
                owner: Postmortem, timing: dict[str, ChainTiming]) -> FixOutcome:
    """pending until done; then failed if an addressed cause came back after completion."""
    if item.status != "done" or item.completed is None:
        return FixOutcome(item, "pending")
    for key in item.addresses:
        chain, (starts, last_days) = occurrences.get(key, ()), timing.get(key, ([], []))
        after = bisect.bisect_right(starts, owner.started)
        if after < len(chain) and last_days[after] >= item.completed:
            return FixOutcome(item, "failed", (first_on_or_after(chain, starts, after,
                                                                 item.completed),))
    return FixOutcome(item, "held")


ChainTiming = tuple[list[datetime], list[date]]
"""A cause chain's start times, and for each position the latest local start date after it."""
_EARLIEST_OFFSET = timedelta(hours=14)


def first_on_or_after(chain: tuple[Postmortem, ...], starts: list[datetime], after: int,
                      day: date) -> str:
    """The first incident from `after` on whose local start date is `day` or later: found by
    binary search on start times, less the widest UTC offset, then a short walk."""
    earliest = datetime.combine(day, time.min, tzinfo=UTC) - _EARLIEST_OFFSET
    index = bisect.bisect_left(starts, earliest, lo=after)
    return next(pm.id for pm in itertools.islice(chain, index, None) if day <= pm.started.date())


def latest_days(chain: tuple[Postmortem, ...]) -> list[date]:
    """For each position, the latest local start date from there to the end of the chain."""
    days: list[date] = [date.min] * len(chain)
    latest = date.min
    for n in range(len(chain) - 1, -1, -1):
        latest = max(latest, chain[n].started.date())
        days[n] = latest
    return days


def earlier_fix_summary(recurrence: Recurrence) -> str:
    """The completed earlier fixes as a diagnostic names them: PM-0007/A1 (completed 2009-03-02)."""
    return ", ".join(f"{item.ref} (completed {item.completed})"
                     for item in recurrence.completed_fixes)
