"""The link stage: recurrences, earlier fixes and what became of each fix.

Computed once, for `hindsite check` and the site alike, exactly as the format defines it:
the earlier occurrences of cause K for postmortem B are the postmortems A listing K with
A.started < B.started; the earlier fixes are A's action items addressing K; a fix counts
as completed before B when it is done and its completion date is on or before the
calendar date of B.started in B.started's own offset.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from hindsite.model import ActionItem, Catalog, Postmortem

FixState = Literal["pending", "held", "failed"]


@dataclass(frozen=True, slots=True)
class Recurrence:
    """Cause `cause` of incident `incident`, seen against the incidents before and after it."""

    incident: str
    cause: str
    earlier: tuple[str, ...]
    fixes: tuple[ActionItem, ...]
    completed_fixes: tuple[ActionItem, ...]
    later: tuple[str, ...]

    @property
    def recurs(self) -> bool:
        return bool(self.earlier)


@dataclass(frozen=True, slots=True)
class FixOutcome:
    """Whether a fix held: `failed` names the incidents where its cause came back."""

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
    outcomes = {item.ref: fix_outcome(item, occurrences, by_id[item.incident])
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


def recurrences_of(key: str, chain: tuple[Postmortem, ...]) -> list[Recurrence]:
    """Each occurrence of a cause against the ones before and after it (the chain is sorted)."""
    found = []
    for n, pm in enumerate(chain):
        earlier = tuple(a for a in chain[:n] if a.started < pm.started)
        later = tuple(c.id for c in chain[n + 1:] if pm.started < c.started)
        fixes = tuple(item for a in earlier for item in fixes_for(a, key))
        local_day = pm.started.date()
        completed = tuple(item for item in fixes if item.status == "done"
                          and item.completed is not None and item.completed <= local_day)
        found.append(Recurrence(pm.id, key, tuple(a.id for a in earlier), fixes, completed, later))
    return found


def fix_outcome(item: ActionItem, occurrences: dict[str, tuple[Postmortem, ...]],
                owner: Postmortem) -> FixOutcome:
    """pending until done; then failed if an addressed cause came back after completion."""
    if item.status != "done" or item.completed is None:
        return FixOutcome(item, "pending")
    completed = item.completed
    came_back = tuple(dict.fromkeys(
        later.id for key in item.addresses for later in occurrences.get(key, ())
        if later.started > owner.started and completed <= later.started.date()))
    return FixOutcome(item, "failed", came_back) if came_back else FixOutcome(item, "held")


def earlier_fix_summary(recurrence: Recurrence) -> str:
    """The completed earlier fixes as a diagnostic names them: PM-0007/A1 (completed 2009-03-02)."""
    return ", ".join(f"{item.ref} (completed {item.completed})"
                     for item in recurrence.completed_fixes)
