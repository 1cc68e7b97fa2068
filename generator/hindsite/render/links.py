"""Where each generated page lives, and the relative links between pages.

The URLs are permanent: other sites, tickets and chat messages link to them. Every page is
a folder's `index.md`, so that a catalog key named `index` cannot collide with a listing.
"""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs.utils import get_relative_url

SECTIONS = {"incidents": "Incidents", "causes": "Causes", "services": "Services",
            "teams": "Teams", "action-items": "Action items", "insights": "Insights",
            "lessons": "Lessons", "rules": "Rules", "fields": "Fields"}
"""The site's sections in order: the folder of each listing page (`<folder>/index.md`), and
its title."""
DETAILS = ("incidents", "causes", "services", "teams")
"""The sections that also hold one page per record: `<folder>/<id or key>/index.md`."""


def listing_uri(section: str) -> str:
    return f"{section}/index.md"


def detail_uri(section: str, key: str) -> str:
    """The source path of an incident's, cause's, service's or team's page."""
    return f"{section}/{key}/index.md"


def year_uri(year: int) -> str:
    """The page of one year's incidents: `incidents/<year>/` (no id is all digits)."""
    return f"incidents/{year}/index.md"


def drafts_uri(ident: str) -> str:
    """The page of an incident's drafts, beside its own: `incidents/<id>/drafts/`."""
    return f"incidents/{ident}/drafts/index.md"


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives the page or file at `src_uri`, relative to the site root."""
    if not src_uri.endswith(".md"):
        return src_uri
    stem = src_uri[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        folder = stem[: -len("index")]
        return folder if directory_urls else f"{folder}index.html"
    return f"{stem}/" if directory_urls else f"{stem}.html"


def safe_url(url: str) -> str:
    """An http(s) URL as written, or '' for anything else: only those become links."""
    return url if url.lower().startswith(("http://", "https://")) else ""


@dataclass(frozen=True, slots=True)
class Linker:
    """Relative links from the page at `here` (its URL) to the other generated pages."""

    here: str
    directory_urls: bool = True

    def to(self, src_uri: str, anchor: str = "") -> str:
        target = get_relative_url(page_url(src_uri, self.directory_urls), self.here)
        return f"{target}#{anchor}" if anchor else target

    def listing(self, section: str, anchor: str = "") -> str:
        return self.to(listing_uri(section), anchor)

    def incident(self, ident: str, anchor: str = "") -> str:
        return self.to(detail_uri("incidents", ident), anchor)

    def drafts(self, ident: str, anchor: str = "") -> str:
        return self.to(drafts_uri(ident), anchor)

    def item(self, ref: str) -> str:
        """The link to an action item, given as `PM-0042/A1`."""
        ident, _, item = ref.partition("/")
        return self.incident(ident, item_anchor(item))

    def cause(self, key: str) -> str:
        return self.to(detail_uri("causes", key))

    def service(self, key: str) -> str:
        return self.to(detail_uri("services", key))

    def team(self, key: str) -> str:
        return self.to(detail_uri("teams", key))


def item_anchor(item_id: str) -> str:
    return f"item-{item_id.lower()}"


def cause_anchor(key: str) -> str:
    return f"cause-{key}"
