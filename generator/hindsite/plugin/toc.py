"""A generated page's table of contents, from the headings its renderer recorded as it
wrote them, so that no page's HTML is parsed again to find them."""

from __future__ import annotations

from collections.abc import Sequence

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from hindsite.render import Heading, toc_entries


def set_contents(page: Page, found: Sequence[Heading]) -> None:
    """Give MkDocs the page's contents list and the anchors that exist on it."""
    page.toc = get_toc(toc_entries(list(found)))
    page.present_anchor_ids = {h.id for h in found if h.id}
