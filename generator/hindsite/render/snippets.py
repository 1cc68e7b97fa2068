"""Content made from the knowledge base inside hand-written pages.

A Markdown page (packaged or a team's own) asks for a snippet with a marker on a line of its
own, `<!-- hindsite:NAME -->`; Markdown keeps the comment as it is, and the site build
replaces it with the snippet's HTML. An unknown name is left alone, so it shows nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from hindsite.render.figures import is_open, is_overdue, quarter
from hindsite.render.links import Linker
from hindsite.render.site import Site
from hindsite.render.templating import render

MARKER = re.compile(r"<!--\s*hindsite:([a-z][a-z0-9-]*)\s*-->")


@dataclass(frozen=True, slots=True)
class Level:
    name: str
    meaning: str
    incidents: int


def severity_levels(site: Site, link: Linker) -> str:
    """The configured levels, worst first, with what each means and how many incidents had it."""
    counts = {name: 0 for name in site.levels}
    for pm in site.newest_first:
        if pm.severity in counts:
            counts[pm.severity] += 1
    levels = [Level(name, site.settings.severity_meanings.get(name, ""), counts[name])
              for name in site.levels]
    return render("severity_levels.html", levels=levels, incidents=link.listing("incidents"))


@dataclass(frozen=True, slots=True)
class Figure:
    value: int
    label: str
    href: str


def live_figures(site: Site, link: Linker) -> str:
    """The home page's figures as of the build: this quarter's incidents, open and overdue
    action items, and causes that came back."""
    now = quarter_of(site.as_of)
    items = [i for pm in site.newest_first for i in pm.action_items]
    recurring = [key for key, chain in site.kb.occurrences.items() if len(chain) > 1]
    figures = [
        Figure(sum(1 for pm in site.newest_first if quarter(pm.started) == now),
               f"incidents this quarter (Q{now[1]} {now[0]})", link.listing("incidents")),
        Figure(sum(1 for i in items if is_open(i)), "open action items",
               link.listing("action-items", "open")),
        Figure(sum(1 for i in items if is_overdue(i, site.as_of)), "overdue action items",
               link.listing("action-items", "overdue")),
        Figure(len(recurring), "causes that came back", link.listing("causes")),
    ]
    return render("live_figures.html", figures=figures, as_of=site.as_of)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


SNIPPETS: dict[str, Callable[[Site, Linker], str]] = {
    "severity-levels": severity_levels,
    "live-figures": live_figures,
}


def fill_snippets(html: str, site: Site, link: Linker) -> str:
    """The page's HTML with every known marker replaced by its snippet."""

    def snippet(match: re.Match[str]) -> str:
        make = SNIPPETS.get(match.group(1))
        return make(site, link) if make else match.group(0)

    return MARKER.sub(snippet, html)
