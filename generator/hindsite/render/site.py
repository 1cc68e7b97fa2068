"""The published site as data: the knowledge base grouped once for every page, and the list of
pages to generate with the front matter MkDocs reads for each.

Grouping happens once per build (one pass over the records), so that each page only reads
its own share: the site's cost stays linear in the size of the knowledge base.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import TypeVar

import yaml

from hindsite.config import Settings
from hindsite.link import KnowledgeBase, Returns
from hindsite.model import ActionItem, Postmortem, Suggestion
from hindsite.render.figures import is_open
from hindsite.render.links import (
    DETAILS,
    SECTIONS,
    detail_uri,
    drafts_uri,
    listing_uri,
    year_uri,
)

K = TypeVar("K", str, int)
T = TypeVar("T")
PLACEHOLDER = "This page is built from the postmortems when the site is built."
READS_OWN = frozenset({"incident", "drafts"})
"""Pages made of their incident's whole postmortem and the other incidents' records."""
READS_RECORDS = frozenset({"cause", "service", "team", "year", "incidents", "causes",
                           "services", "teams", "action-items", "insights", "rules", "fields"})
"""Pages made of the records alone (`hindsite.linked.record_part`): of the narratives, only
the "Why it happened" sections, which suggestions compare."""


@dataclass(frozen=True, slots=True)
class Site:
    """The knowledge base and the groupings the pages share, computed once."""

    kb: KnowledgeBase
    settings: Settings
    as_of: date
    newest_first: tuple[Postmortem, ...]
    by_service: dict[str, tuple[Postmortem, ...]]
    by_team: dict[str, tuple[Postmortem, ...]]
    by_year: dict[int, tuple[Postmortem, ...]]
    """Incidents by the year they started, newest first within a year."""
    items_by_owner: dict[str, tuple[ActionItem, ...]]
    open_by_service: dict[str, tuple[ActionItem, ...]]
    item_refs: frozenset[str]
    returns: dict[tuple[str, str], Returns]
    services_by_team: dict[str, tuple[str, ...]]
    suggestions_by_cause: dict[str, tuple[Suggestion, ...]]
    """Suggestions naming a cause on either side, under the key its history is kept under."""
    earlier_fixes: dict[tuple[str, str], EarlierFixes]
    """For each recurrence (incident id, cause key), what its earlier fixes come to."""

    @property
    def levels(self) -> tuple[str, ...]:
        return self.settings.severity_levels


@dataclass(frozen=True, slots=True)
class EarlierFixes:
    """The earlier fixes of one recurrence, as far as its verdict needs them: how many, the
    first day one was completed and the first day one was due (None: none was)."""

    count: int
    first_completed: date | None
    first_due: date | None


@dataclass(frozen=True, slots=True)
class Page:
    """One generated page: where it lives, what kind it is, and the title and tags MkDocs
    (and the tags plugin) read from its front matter."""

    src_uri: str
    kind: str
    key: str
    title: str
    tags: tuple[str, ...] = ()

    @property
    def reads(self) -> str:
        """What the page is made of: "own" (its incident's postmortem whole, and the others'
        records), "records" (the records alone) or "all" (narratives of many incidents).
        A test renders every page from only what this says and compares."""
        if self.kind in READS_OWN:
            return "own"
        return "records" if self.kind in READS_RECORDS else "all"

    @property
    def in_nav(self) -> bool:
        """Only listings are in the navigation; one entry per record would make every page
        carry the whole knowledge base."""
        return not self.key


def build_site(kb: KnowledgeBase, settings: Settings, as_of: date) -> Site:
    records = sorted(kb.by_id.values(), key=lambda pm: (pm.started, pm.id), reverse=True)
    by_service: dict[str, list[Postmortem]] = defaultdict(list)
    by_team: dict[str, list[Postmortem]] = defaultdict(list)
    by_year: dict[int, list[Postmortem]] = defaultdict(list)
    by_owner: dict[str, list[ActionItem]] = defaultdict(list)
    open_by_service: dict[str, list[ActionItem]] = defaultdict(list)
    for pm in records:
        for service in pm.services:
            by_service[service].append(pm)
            open_by_service[service].extend(i for i in pm.action_items if is_open(i))
        for team in pm.teams:
            by_team[team].append(pm)
        by_year[pm.started.year].append(pm)
        for item in pm.action_items:
            by_owner[item.owner].append(item)
    refs = frozenset(item.ref for pm in records for item in pm.action_items)
    owned: dict[str, list[str]] = defaultdict(list)
    for entry in kb.catalog.services.values():
        owned[entry.team].append(entry.key)
    return Site(kb, settings, as_of, tuple(records), _frozen(by_service), _frozen(by_team),
                _frozen(by_year), _frozen(by_owner), _frozen(open_by_service), refs, kb.returns,
                _frozen(owned), suggestions_by_cause(kb), earlier_fixes(kb))


def suggestions_by_cause(kb: KnowledgeBase) -> dict[str, tuple[Suggestion, ...]]:
    """Each suggestion under both of its causes, so that a cause's page shows it both ways."""
    found: dict[str, list[Suggestion]] = defaultdict(list)
    resolve = kb.catalog.resolve
    for ranked in kb.suggestions.values():
        for hint in ranked:
            found[resolve(hint.cause)].append(hint)
            found[resolve(hint.earlier_cause)].append(hint)
    return _frozen(found)


def earlier_fixes(kb: KnowledgeBase) -> dict[tuple[str, str], EarlierFixes]:
    """Every recurrence's earlier fixes in one walk along each chain, instead of one walk
    per recurrence: a cause's chain is shared by all of its occurrences, so walking it for
    each grew with the square of the occurrences (a fifth of a build at 1,000 incidents)."""
    prefixes: dict[tuple[int, frozenset[str] | str], list[EarlierFixes]] = {}
    found = {}
    for where, r in kb.recurrences.items():
        keys = r.keys or r.cause
        walked = prefixes.get((id(r.chain), keys))
        if walked is None:
            walked = prefixes[(id(r.chain), keys)] = _walk(r.chain, keys)
        found[where] = walked[r.earlier_end]
    return found


def _walk(chain: tuple[Postmortem, ...], keys: frozenset[str] | str) -> list[EarlierFixes]:
    """What the fixes of the first n incidents of a chain come to, for every n."""
    walked = [EarlierFixes(0, None, None)]
    for pm in chain:
        last = walked[-1]
        count, completed, due = last.count, last.first_completed, last.first_due
        for item in pm.fixes_for(keys):
            count += 1
            if item.status == "done" and item.completed is not None:
                completed = min(completed or item.completed, item.completed)
            if item.due is not None:
                due = min(due or item.due, item.due)
        walked.append(EarlierFixes(count, completed, due))
    return walked


def _frozen(groups: dict[K, list[T]]) -> dict[K, tuple[T, ...]]:
    return {key: tuple(values) for key, values in sorted(groups.items())}


def site_pages(site: Site) -> list[Page]:
    """Every generated page: the listings, then one page per incident, year of incidents,
    cause, service, team."""
    catalog = site.kb.catalog
    pages = [Page(listing_uri(s), s, "", title) for s, title in SECTIONS.items()]
    pages += [Page(detail_uri("incidents", pm.id), "incident", pm.id, f"{pm.id}: {pm.title}",
                   pm.tags) for pm in site.newest_first]
    pages += [Page(drafts_uri(pm.id), "drafts", pm.id, f"{pm.id}: drafts to send")
              for pm in site.newest_first]
    pages += [Page(year_uri(year), "year", str(year), f"Incidents of {year}")
              for year in site.by_year]
    pages += [Page(detail_uri("causes", c.key), "cause", c.key, c.title)
              for c in catalog.causes.values()]
    pages += [Page(detail_uri("services", s.key), "service", s.key, s.name)
              for s in catalog.services.values()]
    pages += [Page(detail_uri("teams", t.key), "team", t.key, t.name)
              for t in catalog.teams.values()]
    assert {p.src_uri.split("/")[0] for p in pages if p.key} <= set(DETAILS)
    return sorted(pages, key=lambda p: p.src_uri)


def front_matter(page: Page) -> str:
    """The Markdown source MkDocs reads for a generated page: front matter and one line.

    The theme writes the title and tags into the page unescaped, so they are given already
    escaped; the page body itself is replaced by hindsite's own HTML."""
    meta: dict[str, object] = {"title": escape(page.title)}
    if page.kind == "drafts":
        meta["search"] = {"exclude": True}
    if page.tags:
        meta["tags"] = [escape(tag) for tag in page.tags]
    dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{dumped}---\n\n{PLACEHOLDER}\n"
