"""The two-minute view of an incident: what it cost, whether it is fixed, whether prevention
is done, whether it happened before and whether the earlier fix held, what is overdue.

The same verdict heads the incident page and fills the incident list's columns, so the two
can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from hindsite.model import NAMED, PREVENTION_KINDS, Postmortem
from hindsite.render.figures import durations, format_duration, format_number, is_overdue
from hindsite.render.site import EarlierFixes, Site


@dataclass(frozen=True, slots=True)
class Verdict:
    customers: str
    impact: str
    resolved: bool
    prevention_done: int
    prevention_total: int
    earlier: tuple[str, ...]
    earlier_more: int
    earlier_fix: str
    overdue: int

    @property
    def prevention(self) -> str:
        """'2 of 3 done', or 'none planned'."""
        if not self.prevention_total:
            return "none planned"
        return f"{self.prevention_done} of {self.prevention_total} done"

    @property
    def prevention_state(self) -> str:
        """A word for the badge: done, partly, open (nothing done yet) or none (nothing planned)."""
        if not self.prevention_total:
            return "none"
        if self.prevention_done == self.prevention_total:
            return "done"
        return "partly" if self.prevention_done else "open"


def verdict(site: Site, pm: Postmortem) -> Verdict:
    planned = [i for i in pm.action_items if i.kind in PREVENTION_KINDS and i.status != "wont-do"]
    keyed = [((pm.id, c.key), site.kb.recurrences.get((pm.id, c.key))) for c in pm.causes]
    recurring = [r for _key, r in keyed if r is not None and r.recurs]
    fixes = [(site.earlier_fixes[key], r.started_day) for key, r in keyed
             if r is not None and r.recurs]
    earlier = sorted({e.id: e.started for r in recurring
                      for e in r.chain[max(r.earlier_end - NAMED, 0):r.earlier_end]}.items(),
                     key=lambda kv: kv[1])
    total = max((r.earlier_end for r in recurring), default=0)
    count = pm.impact.customers
    return Verdict(
        customers=format_number(count) if count is not None else "not recorded",
        impact=format_duration(durations(pm).impact) if pm.impact_ended else "not over",
        resolved=pm.resolved is not None,
        prevention_done=sum(1 for i in planned if i.status == "done"),
        prevention_total=len(planned), earlier=tuple(i for i, _ in earlier[-NAMED:]),
        earlier_more=max(total - NAMED, 0),
        earlier_fix=earlier_fix_verdict(fixes),
        overdue=sum(1 for i in pm.action_items if is_overdue(i, site.as_of)))


def earlier_fix_verdict(fixes: list[tuple[EarlierFixes, date]]) -> str:
    """Did the earlier fix hold? 'did not hold' when one was done before this began, 'never
    delivered' when one was due and not done, 'none recorded' when there was none.

    A fix done by the day is not undelivered on it, so once no fix was done by its day,
    one that was due by then is one never delivered: the first day of each is enough."""
    if not fixes:
        return ""
    if any(f.first_completed is not None and f.first_completed <= day for f, day in fixes):
        return "did not hold"
    if any(f.first_due is not None and f.first_due <= day for f, day in fixes):
        return "never delivered"
    if any(f.count for f, _day in fixes):
        return "not yet due"
    return "none recorded"
