"""The machine-readable files at the site root: incidents.json with a file per year, and the
Atom feed feed.xml.

Both are functions of the records alone, with no build time in them, so the same records
always give the same bytes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from hindsite.link import KnowledgeBase, Recurrence
from hindsite.model import ActionItem, Postmortem
from hindsite.render.figures import durations
from hindsite.render.links import detail_uri, listing_uri, page_url, safe_url
from hindsite.render.site import Site
from hindsite.render.templating import render
from hindsite.render.views import first_later, latest_earlier


def incidents_json(site: Site, directory_urls: bool = True) -> str:
    """Every record as written, plus what the site derives from it: one document, as
    `hindsite export` writes it."""
    document = {"incidents": _records(site, site.kb.by_id.values(), directory_urls),
                "catalog": _catalog(site)}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def incidents_by_year(site: Site, directory_urls: bool = True) -> dict[str, str]:
    """The site's data files, by name: `incidents.json` holds the catalog and one entry per
    year, pointing at `incidents-<year>.json` with that year's records as `incidents_json`
    gives them; so a file grows with one year of incidents, not with the knowledge base, and
    a reader fetches only the years they need."""
    years: dict[int, list[Postmortem]] = defaultdict(list)
    for pm in site.kb.by_id.values():
        years[pm.started.year].append(pm)
    files = {year_file(year): json.dumps(
                 {"year": year, "incidents": _records(site, found, directory_urls)},
                 ensure_ascii=False, indent=2) + "\n"
             for year, found in sorted(years.items())}
    index = {"years": [{"year": year, "incidents": len(found), "url": year_file(year)}
                       for year, found in sorted(years.items())],
             "catalog": _catalog(site)}
    return {"incidents.json": json.dumps(index, ensure_ascii=False, indent=2) + "\n", **files}


def year_file(year: int) -> str:
    return f"incidents-{year}.json"


def _records(site: Site, found: Iterable[Postmortem], directory_urls: bool
             ) -> list[dict[str, Any]]:
    return [incident_record(site.kb, pm, directory_urls)
            for pm in sorted(found, key=lambda p: (p.started, p.id))]


def _catalog(site: Site) -> dict[str, Any]:
    catalog = site.kb.catalog
    return {
        "teams": [{"key": t.key, "name": t.name} for t in catalog.teams.values()],
        "services": [{"key": s.key, "name": s.name, "team": s.team}
                     for s in catalog.services.values()],
        "causes": [{"key": c.key, "title": c.title, "category": c.category,
                    "description": c.description} for c in catalog.causes.values()],
    }


def incident_record(kb: KnowledgeBase, pm: Postmortem, directory_urls: bool) -> dict[str, Any]:
    spans = durations(pm)
    return {
        "id": pm.id, "url": page_url(detail_uri("incidents", pm.id), directory_urls),
        "title": pm.title, "status": pm.status, "severity": pm.severity,
        "started": _time(pm.started), "detected": _time(pm.detected),
        "resolved": _time(pm.resolved), "services": list(pm.services), "teams": list(pm.teams),
        "tags": list(pm.tags),
        "impact": {"summary": pm.impact.summary, "customers": pm.impact.customers,
                   "metrics": [asdict(m) for m in pm.impact.metrics]},
        "causes": [cause_record(kb, pm, i) for i in range(len(pm.causes))],
        "timeline": [{"at": _time(e.at), "kind": e.kind, "text": e.text} for e in pm.timeline],
        "communications": [{"at": _time(c.at), "audience": c.audience, "channel": c.channel,
                            "summary": c.summary} for c in pm.communications],
        "action_items": [item_record(kb, item) for item in pm.action_items],
        "options": [{"title": o.title, "cost": o.cost, "risk": o.risk,
                     "recommended": o.recommended} for o in pm.options],
        "durations_seconds": {
            "to_detect": _seconds(spans.to_detect), "to_resolve": _seconds(spans.to_resolve),
            "impact": _seconds(spans.impact),
            "to_tell_customers": _seconds(spans.to_tell_customers),
            "to_tell_internal": _seconds(spans.to_tell_internal)},
    }


def cause_record(kb: KnowledgeBase, pm: Postmortem, index: int) -> dict[str, Any]:
    cause = pm.causes[index]
    recurrence = kb.recurrences.get((pm.id, cause.key))
    return {
        "key": cause.key, "kind": cause.kind, "description": cause.description,
        "why_earlier_fixes_failed": cause.why_earlier_fixes_failed or None,
        "not_same_as": [ident for ident, _pos in cause.not_same_as],
        "recurrence": recurrence_record(kb, recurrence) if recurrence else None,
        "possibly_same_as": [
            {"incident": s.earlier_incident, "cause": s.earlier_cause, "score": s.score,
             "band": s.band, "similarity": s.similarity, "agreeing": list(s.agreeing),
             "shared_terms": list(s.shared_words)}
            for s in kb.suggestions.get((pm.id, cause.key), ())],
    }


def recurrence_record(kb: KnowledgeBase, recurrence: Recurrence) -> dict[str, Any]:
    """Where this occurrence stands in its cause's history. Occurrences are chained through
    `previous` and `next` rather than each listing all the others, so that the file grows
    linearly however often a cause comes back."""
    previous = latest_earlier(recurrence, 1)
    following = first_later(recurrence, 1)
    fixes = [i.ref for pm in previous for i in pm.fixes_for(recurrence.keys or recurrence.cause)]
    return {"occurrence": recurrence.earlier_end + 1,
            "previous": previous[0].id if previous else None,
            "next": following[0].id if following else None,
            "previous_fixes": fixes, "answer_required": recurrence.needs_answer}


def item_record(kb: KnowledgeBase, item: ActionItem) -> dict[str, Any]:
    outcome = kb.outcomes.get(item.ref)
    return {
        "id": item.id, "ref": item.ref, "title": item.title, "kind": item.kind,
        "addresses": list(item.addresses), "owner": item.owner, "status": item.status,
        "due": _day(item.due), "completed": _day(item.completed), "link": item.link or None,
        "outcome": outcome.state if outcome else "pending",
        "came_back_in": outcome.recurred_in[0] if outcome and outcome.recurred_in else None,
    }


def atom_feed(site: Site, title: str, site_url: str = "", directory_urls: bool = True) -> str:
    """Published postmortems, the latest resolved first; with no site_url, links are relative
    to the feed and ids are URNs."""
    base = safe_url(site_url)
    base = base if not base or base.endswith("/") else base + "/"
    published = sorted((pm for pm in site.newest_first if pm.status == "published"),
                       key=lambda pm: (pm.resolved or pm.detected, pm.id), reverse=True)
    entries = [{"pm": pm, "updated": _time(pm.resolved or pm.detected),
                "url": base + page_url(detail_uri("incidents", pm.id), directory_urls),
                "id": base + page_url(detail_uri("incidents", pm.id)) if base
                else f"urn:hindsite:incident:{pm.id}"} for pm in published]
    return render("feed.xml", title=title, entries=entries, base=base,
                  updated=entries[0]["updated"] if entries else "1970-01-01T00:00:00+00:00",
                  feed_id=f"{base}feed.xml" if base else "urn:hindsite:feed",
                  listing=page_url(listing_uri("incidents"), directory_urls))


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _seconds(span: timedelta | None) -> int | None:
    return int(span.total_seconds()) if span is not None else None
