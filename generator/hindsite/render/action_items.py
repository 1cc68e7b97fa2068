"""The action items page: what was promised, by which team, by when, and which fixes held.

"Overdue" is judged on one stated day (`Site.as_of`), so two builds of the same records on
the same day agree, and the page says which day that was.
"""

from __future__ import annotations

from dataclasses import dataclass

from hindsite.model import ActionItem
from hindsite.render import views
from hindsite.render.figures import format_share, is_open, is_overdue
from hindsite.render.links import Linker
from hindsite.render.site import Site
from hindsite.render.templating import render

GROUPS = (("overdue", "Overdue"), ("open", "Open"), ("done", "Done"), ("wont-do", "Won't do"))
CLOSED = ("done", "wont-do")
LISTED = 25
"""Closed items listed per team, and failed fixes listed, the latest: the rest are counted
(each stays on its incident's page), so that the page grows with the open work, not with
the whole history."""
LISTED_OPEN = 50
"""Overdue and open items listed per team, those due first: the rest are counted, and all
are on the team's page, so that the page grows with the number of teams, not with the work
each has."""


@dataclass(frozen=True, slots=True)
class TeamItems:
    team: views.Named
    rows: tuple[views.ItemRow, ...]
    unlisted: int = 0
    """Items of the group not listed: closed ones completed earliest (each on its incident's
    page), or open ones due last (all on the team's page)."""
    closed: bool = False


@dataclass(frozen=True, slots=True)
class StatusGroup:
    key: str
    title: str
    teams: tuple[TeamItems, ...]

    @property
    def count(self) -> int:
        return sum(len(t.rows) + t.unlisted for t in self.teams)


@dataclass(frozen=True, slots=True)
class TeamCounts:
    team: views.Named
    counts: dict[str, int]


def group_of(item: ActionItem, site: Site) -> str:
    if is_overdue(item, site.as_of):
        return "overdue"
    return "open" if is_open(item) else item.status


def action_items_page(site: Site, link: Linker) -> str:
    grouped: dict[str, dict[str, list[ActionItem]]] = {key: {} for key, _ in GROUPS}
    for owner, items in site.items_by_owner.items():
        for item in sorted(items, key=lambda i: (i.due is None, i.due, i.ref)):
            grouped[group_of(item, site)].setdefault(owner, []).append(item)
    groups = [StatusGroup(key, title, tuple(
        team_items(site, owner, items, link, key in CLOSED)
        for owner, items in grouped[key].items())) for key, title in GROUPS]
    counts = [TeamCounts(views.team(site, owner, link),
                         {key: len(grouped[key].get(owner, ())) for key, _ in GROUPS})
              for owner in site.items_by_owner]
    done = [item for items in grouped["done"].values() for item in items]
    failed = [item for item in done
              if views.fix_state(item, site.kb.outcomes.get(item.ref)) == "failed"]
    latest = set(sorted(failed, key=lambda i: (i.completed is not None, i.completed, i.ref)
                        )[-LISTED:])
    return render("action_items.html", groups=groups, counts=counts, as_of=site.as_of,
                  held=format_share(len(done) - len(failed), len(done)),
                  failed=[views.item_row(site, i, link) for i in failed if i in latest],
                  failed_earlier=len(failed) - len(latest))


def team_items(site: Site, owner: str, items: list[ActionItem], link: Linker,
               closed: bool) -> TeamItems:
    """A team's items of one group: of closed ones, the latest `LISTED`; of open ones, the
    `LISTED_OPEN` due first."""
    shown = items[-LISTED:] if closed else items[:LISTED_OPEN]
    return TeamItems(views.team(site, owner, link),
                     tuple(views.item_row(site, item, link) for item in shown),
                     len(items) - len(shown), closed)
