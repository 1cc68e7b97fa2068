"""Content made from the knowledge base inside hand-written pages.

A Markdown page (packaged or a team's own) asks for a snippet with a marker on a line of its
own, `<!-- hindsite:NAME -->`; Markdown keeps the comment as it is, and the site build
replaces it with the snippet's HTML. An unknown name is left alone, so it shows nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

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


SNIPPETS: dict[str, Callable[[Site, Linker], str]] = {
    "severity-levels": severity_levels,
}


def fill_snippets(html: str, site: Site, link: Linker) -> str:
    """The page's HTML with every known marker replaced by its snippet."""

    def snippet(match: re.Match[str]) -> str:
        make = SNIPPETS.get(match.group(1))
        return make(site, link) if make else match.group(0)

    return MARKER.sub(snippet, html)
