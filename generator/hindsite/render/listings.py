"""The listing pages and the pages of causes, services and teams."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from markupsafe import Markup

from hindsite.model import Postmortem, normalise_heading
from hindsite.render import views
from hindsite.render.figures import is_open, is_overdue
from hindsite.render.links import Linker
from hindsite.render.narrative import Resolve, link_references, render_markdown
from hindsite.render.site import Site
from hindsite.render.templating import render

LESSONS = "Lessons learned"


@dataclass(frozen=True, slots=True)
class CauseRow:
    named: views.Named
    category: str
    count: int
    first: views.IncidentRef | None
    last: views.IncidentRef | None
    completed_fixes: int
    failed_fixes: int


@dataclass(frozen=True, slots=True)
class Occurrence:
    ref: views.IncidentRef
    severity: str
    severity_rank: int
    kind: str
    description: Markup
    answer: Markup


@dataclass(frozen=True, slots=True)
class CatalogRow:
    """A service or team in its listing, with what it has been through."""

    named: views.Named
    owner: views.Named | None
    incidents: int
    last: views.IncidentRef | None
    open_items: int
    overdue_items: int


def incidents_page(site: Site, link: Linker) -> str:
    return render("incidents.html", rows=[views.incident_row(site, pm, link)
                                          for pm in site.newest_first])


def causes_page(site: Site, link: Linker) -> str:
    rows = [cause_row(site, key, link) for key in site.kb.catalog.causes]
    rows.sort(key=lambda r: (-r.count, r.named.key))
    return render("causes.html", rows=rows)


def cause_row(site: Site, key: str, link: Linker) -> CauseRow:
    chain = site.kb.occurrences.get(key, ())
    fixes = [views.item_row(site, item, link, key) for pm in chain for item in pm.action_items
             if key in item.addresses and item.status == "done"]
    catalog = site.kb.catalog.causes[key]
    return CauseRow(views.cause(site, key, link), catalog.category, len(chain),
                    views.incident_ref(chain[0], link) if chain else None,
                    views.incident_ref(chain[-1], link) if chain else None,
                    len(fixes), sum(1 for f in fixes if f.outcome == "failed"))


def cause_page(site: Site, key: str, link: Linker) -> str:
    chain = site.kb.occurrences.get(key, ())
    resolve = views.resolver(site, link)
    occurrences = [occurrence(site, pm, key, link, resolve) for pm in reversed(chain)]
    fixes = [views.item_row(site, item, link, key) for pm in chain for item in pm.action_items
             if key in item.addresses]
    return render("cause.html", cause=site.kb.catalog.causes[key], row=cause_row(site, key, link),
                  occurrences=occurrences, fixes=fixes, as_of=site.as_of)


def occurrence(site: Site, pm: Postmortem, key: str, link: Linker,
               resolve: Resolve) -> Occurrence:
    entry = next(c for c in pm.causes if c.key == key)
    return Occurrence(views.incident_ref(pm, link), pm.severity,
                      views.severity_rank(site, pm.severity), entry.kind,
                      Markup(link_references(entry.description, resolve)),
                      Markup(link_references(entry.why_earlier_fixes_failed, resolve)))


def services_page(site: Site, link: Linker) -> str:
    rows = [catalog_row(site, key, link, "service") for key in site.kb.catalog.services]
    return render("catalog_listing.html", kind="service", rows=rows)


def teams_page(site: Site, link: Linker) -> str:
    rows = [catalog_row(site, key, link, "team") for key in site.kb.catalog.teams]
    return render("catalog_listing.html", kind="team", rows=rows)


def catalog_row(site: Site, key: str, link: Linker, kind: str) -> CatalogRow:
    if kind == "service":
        history = site.by_service.get(key, ())
        items = site.open_by_service.get(key, ())
        owner = views.team(site, site.kb.catalog.services[key].team, link)
        named = views.service(site, key, link)
    else:
        history = site.by_team.get(key, ())
        items = tuple(i for i in site.items_by_owner.get(key, ()) if is_open(i))
        owner, named = None, views.team(site, key, link)
    overdue = sum(1 for i in items if is_overdue(i, site.as_of))
    return CatalogRow(named, owner, len(history),
                      views.incident_ref(history[0], link) if history else None,
                      len(items), overdue)


def service_page(site: Site, key: str, link: Linker) -> str:
    history = site.by_service.get(key, ())
    open_items = site.open_by_service.get(key, ())
    return render("catalog_entry.html", kind="service", row=catalog_row(site, key, link, "service"),
                  services=(), incidents=[views.incident_row(site, pm, link) for pm in history],
                  items=[views.item_row(site, i, link) for i in open_items], as_of=site.as_of)


def team_page(site: Site, key: str, link: Linker) -> str:
    history = site.by_team.get(key, ())
    open_items = [i for i in site.items_by_owner.get(key, ()) if is_open(i)]
    owned = [views.service(site, s, link) for s in site.services_by_team.get(key, ())]
    return render("catalog_entry.html", kind="team", row=catalog_row(site, key, link, "team"),
                  services=owned, incidents=[views.incident_row(site, pm, link) for pm in history],
                  items=[views.item_row(site, i, link) for i in open_items], as_of=site.as_of)


@dataclass(frozen=True, slots=True)
class Lesson:
    ref: views.IncidentRef
    html: Markup


def lessons_page(site: Site, link: Linker) -> str:
    """The 'Lessons learned' sections, grouped by the category of each incident's main cause."""
    resolve = views.resolver(site, link)
    by_category: dict[str, list[Lesson]] = defaultdict(list)
    for pm in site.newest_first:
        span = pm.sections.get(normalise_heading(LESSONS))
        if span is not None and pm.section(LESSONS):
            html = render_markdown(pm.body, resolve, views.image_links(pm, link), lines=span,
                                   shift=2, id_prefix=f"{pm.id.lower()}-")
            by_category[main_category(site, pm)].append(
                Lesson(views.incident_ref(pm, link), Markup(html)))
    return render("lessons.html", categories=sorted(by_category.items()), section=LESSONS)


def main_category(site: Site, pm: Postmortem) -> str:
    """The catalog category of the first root cause (or of the first cause if none is root)."""
    main = next((c for c in pm.causes if c.kind == "root"), pm.causes[0])
    found = site.kb.catalog.causes.get(main.key)
    return found.category if found else "uncategorised"
