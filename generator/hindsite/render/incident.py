"""The page of one incident: the record, its causes against their history, the timeline with
its detection gap, the action items and the narrative, under a verdict strip that links to
the incident's drafts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import Markup

from hindsite.model import NAMED, Cause, Postmortem, TimelineEntry
from hindsite.render import views
from hindsite.render.figures import Durations, durations, format_duration
from hindsite.render.links import Linker, cause_anchor
from hindsite.render.narrative import Resolve, link_references, narrative
from hindsite.render.site import Site
from hindsite.render.templating import render
from hindsite.render.verdict import verdict

GAP_WORTH_SHOWING = timedelta(hours=12)
"""Quiet stretches of the timeline at least this long are drawn as a gap."""


@dataclass(frozen=True, slots=True)
class CausePanel:
    """One cause of this incident, with its history before and after."""

    anchor: str
    named: views.Named
    kind: str
    category: str
    description: Markup
    earlier: tuple[views.IncidentRef, ...]
    earlier_more: int
    earlier_fixes: tuple[views.ItemRow, ...]
    answer: Markup
    later: tuple[views.IncidentRef, ...]
    later_more: int
    answer_owed: bool


@dataclass(frozen=True, slots=True)
class Alike:
    """'Possibly the same cause': an earlier cause filed under another key."""

    cause: views.Named
    earlier: views.Named
    incident: views.IncidentRef
    shared_terms: tuple[str, ...]
    confidence: float
    agreeing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Moment:
    """A timeline entry as drawn, with the quiet time before it when that is long, and
    whether that quiet time was impact nobody had noticed yet."""

    entry: TimelineEntry
    text: Markup
    gap_before: str
    gap_unnoticed: bool
    before_impact: bool


def incident_page(site: Site, ident: str, link: Linker) -> str:
    pm = site.kb.by_id[ident]
    spans = durations(pm)
    resolve = views.resolver(site, link)
    story = narrative(pm.body, resolve, views.image_links(pm, link), id_prefix="narrative-")
    return render(
        "incident.html", pm=pm, spans=spans, detection=detection_sentence(spans),
        severity_rank=views.severity_rank(site, pm.severity),
        services=[views.service(site, s, link) for s in pm.services],
        teams=[views.team(site, t, link) for t in pm.teams],
        causes=[cause_panel(site, pm, c, link, resolve) for c in pm.causes],
        alike=possibly_same(site, pm, link, "likely"),
        less_likely=possibly_same(site, pm, link, "possible"), timeline=moments(pm, resolve),
        items=[views.item_row(site, i, link) for i in pm.action_items],
        narrative=story, narrative_html=Markup(story.html),
        verdict=verdict(site, pm), drafts=link.drafts(pm.id), as_of=site.as_of,
    )


def detection_sentence(spans: Durations) -> str:
    """The detection gap stated plainly: 'Detected 35 days after impact began.'"""
    if spans.to_detect < timedelta(minutes=1):
        return "Detected as the impact began."
    return f"Detected {format_duration(spans.to_detect)} after impact began."


def cause_panel(site: Site, pm: Postmortem, cause: Cause, link: Linker,
                resolve: Resolve) -> CausePanel:
    """The cause and its neighbours in time: the latest few earlier occurrences with their
    fixes, and the first few later ones; the whole history is on the cause's page, so that
    an incident page stays the same size however often its cause has come back."""
    catalog = site.kb.catalog.causes.get(cause.key)
    recurrence = site.kb.recurrences.get((pm.id, cause.key))
    earlier = views.latest_earlier(recurrence, NAMED) if recurrence else ()
    later = views.first_later(recurrence, NAMED) if recurrence else ()
    keys = recurrence.keys if recurrence and recurrence.keys else frozenset((cause.key,))
    fixes = [item for other in earlier for item in other.fixes_for(keys)]
    return CausePanel(
        cause_anchor(cause.key), views.cause(site, cause.key, link), cause.kind,
        catalog.category if catalog else "", Markup(link_references(cause.description, resolve)),
        tuple(views.incident_ref(other, link) for other in reversed(earlier)),
        recurrence.earlier_end - len(earlier) if recurrence else 0,
        tuple(views.item_row(site, i, link, next(a for a in i.addresses if a in keys))
              for i in fixes),
        Markup(link_references(cause.why_earlier_fixes_failed, resolve)),
        tuple(views.incident_ref(other, link) for other in later),
        views.later_count(recurrence) - len(later) if recurrence else 0,
        bool(recurrence and recurrence.needs_answer))


def possibly_same(site: Site, pm: Postmortem, link: Linker, band: str) -> list[Alike]:
    """The most likely suggestions of one band for each cause, as many as configured."""
    shown = [(cause, s) for cause in pm.causes
             for s in [s for s in site.kb.suggestions.get((pm.id, cause.key), ())
                       if s.band == band][: site.settings.suggestions]
             if s.earlier_incident in site.kb.by_id]
    return [Alike(views.cause(site, cause.key, link), views.cause(site, s.earlier_cause, link),
                  views.incident_ref(site.kb.by_id[s.earlier_incident], link), s.shared_words,
                  s.score, s.agreeing)
            for cause, s in shown]


def moments(pm: Postmortem, resolve: Resolve) -> list[Moment]:
    found = []
    previous: datetime | None = None
    for entry in pm.timeline:
        gap = entry.at - previous if previous is not None else timedelta(0)
        shown = f"{format_duration(gap)} later" if gap >= GAP_WORTH_SHOWING else ""
        unnoticed = previous is not None and previous >= pm.started and entry.at <= pm.detected
        found.append(Moment(entry, Markup(link_references(entry.text, resolve)), shown,
                            bool(shown) and unnoticed, entry.at < pm.started))
        previous = entry.at
    return found
