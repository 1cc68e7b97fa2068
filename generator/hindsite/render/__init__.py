"""The render stage: the published site's pages, built from the knowledge base.

Pure functions of data: `build_site` groups the knowledge base once, `site_pages` lists the
pages, `render_page` returns the HTML of one page's body, and `data_files` the JSON and the
feed. Nothing here reads or writes files or knows about MkDocs' build; the plugin does that.
"""

from __future__ import annotations

from collections.abc import Callable

from hindsite.render.action_items import action_items_page
from hindsite.render.data import atom_feed, incidents_by_year
from hindsite.render.drafts import drafts_page
from hindsite.render.incident import incident_page
from hindsite.render.insights import insights_page
from hindsite.render.links import Linker, page_url
from hindsite.render.listings import (
    cause_page,
    causes_page,
    incidents_page,
    lessons_page,
    service_page,
    services_page,
    team_page,
    teams_page,
    year_page,
)
from hindsite.render.reference import fields_page, rules_page
from hindsite.render.site import Page, Site, build_site, front_matter, site_pages
from hindsite.render.templating import (
    Heading,
    TocEntry,
    recorded_headings,
    stylesheet,
    toc_entries,
)

__all__ = ["Heading", "Linker", "Page", "Site", "TocEntry", "build_site", "data_files",
           "front_matter", "page_url", "render_contents", "render_page", "site_pages", "stylesheet",
           "toc_entries"]

LISTINGS: dict[str, Callable[[Site, Linker], str]] = {
    "incidents": incidents_page, "causes": causes_page, "services": services_page,
    "teams": teams_page, "action-items": action_items_page, "insights": insights_page,
    "lessons": lessons_page, "rules": rules_page, "fields": fields_page,
}
DETAILS: dict[str, Callable[[Site, str, Linker], str]] = {
    "incident": incident_page, "drafts": drafts_page, "cause": cause_page,
    "service": service_page, "team": team_page, "year": year_page,
}


def render_contents(site: Site, page: Page, link: Linker) -> tuple[str, list[Heading]]:
    """A generated page's body and its headings (h1 to h3), as the templates wrote them."""
    with recorded_headings() as found:
        html = render_page(site, page, link)
    return html, found


def render_page(site: Site, page: Page, link: Linker) -> str:
    """The HTML of a generated page's body, with links relative to `link.here`."""
    if page.key:
        return DETAILS[page.kind](site, page.key, link)
    return LISTINGS[page.kind](site, link)


def data_files(site: Site, title: str, site_url: str = "",
               directory_urls: bool = True) -> dict[str, str]:
    """The files at the site root, by name: incidents.json, a file per year of incidents
    (`incidents-<year>.json`) and feed.xml."""
    return {**incidents_by_year(site, directory_urls),
            "feed.xml": atom_feed(site, title, site_url, directory_urls)}
