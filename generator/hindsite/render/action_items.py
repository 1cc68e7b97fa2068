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


@dataclass(frozen=True, slots=True)
class TeamItems:
    team: views.Named
    rows: tuple[views.ItemRow, ...]


@dataclass(frozen=True, slots=True)
class StatusGroup:
    key: str
    title: str
    teams: tuple[TeamItems, ...]

    @property
    def count(self) -> int:
        return sum(len(t.rows) for t in self.teams)


@dataclass(frozen=True, slots=True)
class TeamCounts:
    team: views.Named
    counts: dict[str, int]


def group_of(item: ActionItem, site: Site) -> str:
    if is_overdue(item, site.as_of):
        return "overdue"
    return "open" if is_open(item) else item.status


def action_items_page(site: Site, link: Linker) -> str:
    grouped: dict[str, dict[str, list[views.ItemRow]]] = {key: {} for key, _ in GROUPS}
    for owner, items in site.items_by_owner.items():
        ordered = sorted(items, key=lambda i: (i.due is None, i.due, i.ref))
        for item in ordered:
            group = grouped[group_of(item, site)]
            group.setdefault(owner, []).append(views.item_row(site, item, link))
    groups = [StatusGroup(key, title, tuple(
        TeamItems(views.team(site, owner, link), tuple(rows))
        for owner, rows in grouped[key].items())) for key, title in GROUPS]
    counts = [TeamCounts(views.team(site, owner, link),
                         {key: len(grouped[key].get(owner, ())) for key, _ in GROUPS})
              for owner in site.items_by_owner]
    done = [row for group in groups if group.key == "done" for t in group.teams for row in t.rows]
    failed = [row for row in done if row.outcome == "failed"]
    return render("action_items.html", groups=groups, counts=counts, as_of=site.as_of,
                  held=format_share(len(done) - len(failed), len(done)), failed=failed)
