"""The listing pages and the pages of causes, services and teams."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from hindsite.link import KnowledgeBase, Recurrence, completed_by
from hindsite.model import Postmortem, Suggestion, normalise_heading
from hindsite.render import views
from hindsite.render.figures import is_open, is_overdue
from hindsite.render.links import Linker, year_uri
from hindsite.render.narrative import Resolve, link_references, render_markdown
from hindsite.render.site import Site
from hindsite.render.templating import render

LESSONS = "Lessons learned"
RECENT = 10
"""Occurrences a cause's page tells in full, the latest; the earlier ones are listed by id,
with their fixes counted, so that a page stays readable however often its cause came back.
Also the lessons the lessons page tells in full for each category."""
HINTS = 20
"""Suggestions a cause's page names, the likeliest; each of the others is on its incident's
page."""
LISTED_INCIDENTS = 50
"""Incidents a service's or team's page shows in its table, the latest; the earlier ones are
listed by id. Also the incidents the incidents page shows; the others are on their year's
page."""


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
    key: str
    """The key the incident filed the cause under: another of its merged keys, or this one."""
    choice: str
    """The option chosen after this incident, with its known risk: what a later "why didn't
    that fix everything?" points to."""


@dataclass(frozen=True, slots=True)
class Hint:
    """A suggestion seen from one cause's page: the incident and cause on the other side."""

    ref: views.IncidentRef
    cause: views.Named
    other_ref: views.IncidentRef
    other_cause: views.Named
    score: float
    band: str


@dataclass(frozen=True, slots=True)
class YearLink:
    year: str
    count: int
    href: str


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
    """The latest `LISTED_INCIDENTS` incidents, and a link to every year's page."""
    return render("incidents.html", severity=link.to("severity.md"), year="",
                  total=len(site.newest_first), years=incident_years(site, link),
                  rows=[views.incident_row(site, pm, link)
                        for pm in site.newest_first[:LISTED_INCIDENTS]])


def year_page(site: Site, year: str, link: Linker) -> str:
    """Every incident that started in one year, newest first."""
    found = site.by_year[int(year)]
    return render("incidents.html", severity=link.to("severity.md"), year=year,
                  total=len(found), years=incident_years(site, link),
                  rows=[views.incident_row(site, pm, link) for pm in found])


def incident_years(site: Site, link: Linker) -> list[YearLink]:
    """Each year with incidents, newest first, with how many."""
    return [YearLink(str(year), len(found), link.to(year_uri(year)))
            for year, found in sorted(site.by_year.items(), reverse=True)]


def causes_page(site: Site, link: Linker) -> str:
    """One row per cause: keys merged into another by `same_as` are counted under it."""
    resolve = site.kb.catalog.resolve
    rows = [cause_row(site, key, link) for key in site.kb.catalog.causes if resolve(key) == key]
    rows.sort(key=lambda r: (-r.count, r.named.key))
    return render("causes.html", rows=rows)


def cause_fixes(site: Site, key: str, link: Linker, done_only: bool = False, since: int = 0
                ) -> list[views.ItemRow]:
    """The action items that addressed a cause under any of its merged keys, oldest first,
    each judged by whether the cause (not another it addresses) came back; from the
    `since`-th occurrence on."""
    keys = site.kb.keys_of(key)
    return [views.item_row(site, item, link, next(a for a in item.addresses if a in keys))
            for pm in site.kb.history(key)[since:] for item in pm.fixes_for(keys)
            if item.status == "done" or not done_only]


def cause_row(site: Site, key: str, link: Linker) -> CauseRow:
    chain = site.kb.history(key)
    fixes = cause_fixes(site, key, link, done_only=True)
    catalog = site.kb.catalog.causes[key]
    return CauseRow(views.cause(site, key, link), catalog.category, len(chain),
                    views.incident_ref(chain[0], link) if chain else None,
                    views.incident_ref(chain[-1], link) if chain else None,
                    len(fixes), sum(1 for f in fixes if f.outcome == "failed"))


def cause_page(site: Site, key: str, link: Linker) -> str:
    """A cause's whole history, under every key merged into it, and the suggestions that name
    it on either side: earlier causes it reads like, and later ones it may have come back as."""
    kb = site.kb
    keys, resolved = kb.keys_of(key), kb.catalog.resolve(key)
    resolve = views.resolver(site, link)
    history = kb.history(key)
    occurrences = [occurrence(site, pm, keys, link, resolve)
                   for pm in reversed(history[-RECENT:])]
    older = [views.incident_ref(pm, link) for pm in reversed(history[:-RECENT])]
    hints = site.suggestions_by_cause.get(resolved, ())
    likeliest = sorted(hints, key=lambda s: -s.score)[:HINTS]
    reads_like = [hint(site, s.incident, s.cause, s.earlier_incident, s.earlier_cause, s, link)
                  for s in likeliest if kb.catalog.resolve(s.cause) == resolved]
    came_back = [hint(site, s.earlier_incident, s.earlier_cause, s.incident, s.cause, s, link)
                 for s in likeliest if kb.catalog.resolve(s.earlier_cause) == resolved]
    merged = sorted(keys - {key})
    return render("cause.html", cause=kb.catalog.causes[key], row=cause_row(site, key, link),
                  undelivered=sorted(undelivered_fixes(kb, history, keys)),
                  occurrences=occurrences, older=older,
                  fixes=cause_fixes(site, key, link, since=len(older)), as_of=site.as_of,
                  kept_under=views.cause(site, resolved, link) if resolved != key else None,
                  merged=[views.cause(site, k, link) for k in merged],
                  reads_like=reads_like, came_back=came_back,
                  more_hints=len(hints) - len(likeliest))


def undelivered_fixes(kb: KnowledgeBase, history: tuple[Postmortem, ...],
                      keys: frozenset[str]) -> set[str]:
    """Every fix that was due and not done when its cause came back, over the occurrences
    of `history` under `keys` (each occurrence's `Recurrence.undelivered_fixes`, together).

    Asking each occurrence walks all the earlier ones again, which grows with the square of
    a cause's history; occurrences that share a chain and keys are answered in one walk."""
    along: dict[tuple[int, frozenset[str] | str], list[Recurrence]] = defaultdict(list)
    for pm in history:
        for c in pm.causes:
            if c.key in keys:
                r = kb.recurrence(pm.id, c.key)
                along[(id(r.chain), r.keys or r.cause)].append(r)
    return {ref for shared in along.values() for ref in _undelivered_along(shared)}


def _undelivered_along(shared: list[Recurrence]) -> Iterator[str]:
    """The refs of the fixes on a chain that some of these occurrences (all on that chain,
    for the same keys) found due and not done: walking the chain back from its end, the
    days of the occurrences that come after each incident are at hand, sorted."""
    chain, keys = shared[0].chain, shared[0].keys or shared[0].cause
    coming = sorted(shared, key=lambda r: r.earlier_end)
    days: list[date] = []
    for n in range(len(chain) - 1, -1, -1):
        while coming and coming[-1].earlier_end > n:
            bisect.insort(days, coming.pop().started_day)
        for item in chain[n].fixes_for(keys) if days else ():
            if item.due is None:
                continue
            first = bisect.bisect_left(days, item.due)
            if first < len(days) and not completed_by(item, days[first]):
                yield item.ref


def hint(site: Site, incident: str, cause: str, other: str, other_cause: str,
         found: Suggestion, link: Linker) -> Hint:
    by_id = site.kb.by_id
    return Hint(views.incident_ref(by_id[incident], link), views.cause(site, cause, link),
                views.incident_ref(by_id[other], link), views.cause(site, other_cause, link),
                found.score, found.band)


def occurrence(site: Site, pm: Postmortem, keys: frozenset[str], link: Linker,
               resolve: Resolve) -> Occurrence:
    entry = next(c for c in pm.causes if c.key in keys)
    return Occurrence(views.incident_ref(pm, link), pm.severity,
                      views.severity_rank(site, pm.severity), entry.kind,
                      Markup(link_references(entry.description, resolve)),
                      Markup(link_references(entry.why_earlier_fixes_failed, resolve)), entry.key,
                      chosen_option(pm))


def chosen_option(pm: Postmortem) -> str:
    option, decision = pm.chosen_option, pm.decision
    if option is None or decision is None:
        return ""
    detail = f" {option.detail.strip()}" if option.detail else ""
    return (f"{option.title} (decided {decision.date:%Y-%m-%d} by {decision.forum}; "
            f"cost {option.cost}, known risk {option.risk}).{detail}")


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
                  services=(), incidents=[views.incident_row(site, pm, link)
                                          for pm in history[:LISTED_INCIDENTS]],
                  older=[views.incident_ref(pm, link) for pm in history[LISTED_INCIDENTS:]],
                  items=[views.item_row(site, i, link) for i in open_items], as_of=site.as_of)


def team_page(site: Site, key: str, link: Linker) -> str:
    history = site.by_team.get(key, ())
    open_items = [i for i in site.items_by_owner.get(key, ()) if is_open(i)]
    owned = [views.service(site, s, link) for s in site.services_by_team.get(key, ())]
    return render("catalog_entry.html", kind="team", row=catalog_row(site, key, link, "team"),
                  services=owned, incidents=[views.incident_row(site, pm, link)
                                             for pm in history[:LISTED_INCIDENTS]],
                  older=[views.incident_ref(pm, link) for pm in history[LISTED_INCIDENTS:]],
                  items=[views.item_row(site, i, link) for i in open_items], as_of=site.as_of)


@dataclass(frozen=True, slots=True)
class Lesson:
    ref: views.IncidentRef
    html: Markup


@dataclass(frozen=True, slots=True)
class Category:
    """A category's lessons: the latest in full, the earlier by incident."""

    key: str
    lessons: tuple[Lesson, ...]
    older: tuple[views.IncidentRef, ...]


def lessons_page(site: Site, link: Linker) -> str:
    """The 'Lessons learned' sections, grouped by the category of each incident's main
    cause: the latest `RECENT` of each category in full, the earlier ones by incident."""
    resolve = views.resolver(site, link)
    by_category: dict[str, list[Postmortem]] = defaultdict(list)
    for pm in site.newest_first:
        if normalise_heading(LESSONS) in pm.sections and pm.section(LESSONS):
            by_category[main_category(site, pm)].append(pm)
    categories = [Category(key, tuple(lesson(site, pm, link, resolve) for pm in found[:RECENT]),
                           tuple(views.incident_ref(pm, link) for pm in found[RECENT:]))
                  for key, found in sorted(by_category.items())]
    return render("lessons.html", categories=categories, section=LESSONS)


def lesson(site: Site, pm: Postmortem, link: Linker, resolve: Resolve) -> Lesson:
    span = pm.sections[normalise_heading(LESSONS)]
    html = render_markdown(pm.body, resolve, views.image_links(pm, link), lines=span, shift=2,
                           id_prefix=f"{pm.id.lower()}-")
    return Lesson(views.incident_ref(pm, link), Markup(html))


def main_category(site: Site, pm: Postmortem) -> str:
    """The catalog category of the first root cause (or of the first cause if none is root)."""
    main = next((c for c in pm.causes if c.kind == "root"), pm.causes[0])
    found = site.kb.catalog.causes.get(main.key)
    return found.category if found else "uncategorised"
