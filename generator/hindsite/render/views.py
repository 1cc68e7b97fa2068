"""Rows the templates show on several pages: an incident in a list, an action item with what
became of it, a link to a service or team. Plain values; templates do the markup."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from hindsite.link import FixOutcome, Recurrence, Returns
from hindsite.model import NAMED, ActionItem, Postmortem
from hindsite.render.figures import is_overdue
from hindsite.render.links import Linker, safe_url
from hindsite.render.site import Site
from hindsite.render.verdict import Verdict, verdict


@dataclass(frozen=True, slots=True)
class Named:
    """A catalog entry shown by name and linked to its page."""

    key: str
    name: str
    href: str


@dataclass(frozen=True, slots=True)
class IncidentRef:
    id: str
    title: str
    href: str
    started: date


@dataclass(frozen=True, slots=True)
class IncidentRow:
    """An incident in a list: what a manager scans for, the verdict strip in one row."""

    ref: IncidentRef
    severity: str
    severity_rank: int
    services: tuple[Named, ...]
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class ItemRow:
    """An action item with its owner, whether it is overdue, and whether it held as a fix."""

    ref: str
    id: str
    incident: IncidentRef
    href: str
    title: str
    kind: str
    status: str
    owner: Named
    due: date | None
    completed: date | None
    overdue: bool
    outcome: str
    recurred_in: tuple[IncidentRef, ...]
    recurred_more: int
    tracker: str


def severity_rank(site: Site, severity: str) -> int:
    """1 for the worst configured level; badges are coloured by rank, not by name."""
    levels = site.levels
    return min(levels.index(severity) + 1, 5) if severity in levels else 5


def service(site: Site, key: str, link: Linker) -> Named:
    found = site.kb.catalog.services.get(key)
    return Named(key, found.name if found else key, link.service(key))


def team(site: Site, key: str, link: Linker) -> Named:
    found = site.kb.catalog.teams.get(key)
    return Named(key, found.name if found else key, link.team(key))


def cause(site: Site, key: str, link: Linker) -> Named:
    found = site.kb.catalog.causes.get(key)
    return Named(key, found.title if found else key, link.cause(key))


def incident_ref(pm: Postmortem, link: Linker) -> IncidentRef:
    return IncidentRef(pm.id, pm.title, link.incident(pm.id), pm.started.date())


def incident_row(site: Site, pm: Postmortem, link: Linker) -> IncidentRow:
    return IncidentRow(incident_ref(pm, link), pm.severity, severity_rank(site, pm.severity),
                       tuple(service(site, s, link) for s in pm.services), verdict(site, pm))


def item_row(site: Site, item: ActionItem, link: Linker, cause: str = "") -> ItemRow:
    """An action item's row; with `cause`, whether that cause (not any it addresses) came back."""
    owner_pm = site.kb.by_id[item.incident]
    outcome = site.kb.outcomes.get(item.ref)
    again = outcome.recurred_in if outcome else ()
    shown, total = again[:NAMED], len(again)
    if cause and outcome is not None and outcome.state != "pending":
        shown, total = site.returns.get((item.ref, cause), Returns((), 0))
        outcome = FixOutcome(item, "failed" if total else "held", shown)
    came_back = tuple(incident_ref(site.kb.by_id[i], link) for i in shown)
    return ItemRow(item.ref, item.id, incident_ref(owner_pm, link), link.item(item.ref),
                   item.title, item.kind, item.status, team(site, item.owner, link), item.due,
                   item.completed, is_overdue(item, site.as_of), fix_state(item, outcome),
                   came_back, total - len(shown), safe_url(item.link))


def fix_state(item: ActionItem, outcome: FixOutcome | None) -> str:
    """held or failed once done, pending while open, '' for an item that will not be done."""
    if item.status == "wont-do":
        return ""
    return outcome.state if outcome else "pending"


def latest_earlier(recurrence: Recurrence, count: int) -> tuple[Postmortem, ...]:
    """The last `count` earlier occurrences of a cause, oldest first, read off its chain."""
    return recurrence.chain[max(recurrence.earlier_end - count, 0):recurrence.earlier_end]


def first_later(recurrence: Recurrence, count: int) -> tuple[Postmortem, ...]:
    return recurrence.chain[recurrence.later_start:recurrence.later_start + count]


def later_count(recurrence: Recurrence) -> int:
    return len(recurrence.chain) - recurrence.later_start


def image_links(pm: Postmortem, link: Linker) -> Callable[[str], str | None]:
    """Links to the images the check published for this narrative, by their URL as written."""
    return {image.src: link.to(image.address) for image in pm.image_files}.get


def resolver(site: Site, link: Linker) -> Callable[[str], str | None]:
    """Links for the incident and action-item ids a narrative mentions, known ones only."""
    def resolve(target: str) -> str | None:
        if target in site.kb.by_id:
            return link.incident(target)
        if target in site.item_refs:
            return link.item(target)
        return None
    return resolve
