"""Each generated page reads only what `render.site.Page.reads` says, which is what
`mkdocs serve` keys a page's body by (`plugin.kept`): rendered from a knowledge base in
which every other postmortem is reduced to its record (`linked.record_part`), a page
reading "records" or "own" is byte for byte the same.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from hindsite import pipeline
from hindsite.checked import FileResult
from hindsite.config import Settings
from hindsite.linked import record_part
from hindsite.render import Linker, Page, Site, build_site, render_contents, site_pages

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_BASES = [ROOT, *sorted((ROOT / "tests" / "similarity").iterdir())]
AS_OF = date(2026, 6, 1)
SAMPLED = 6
"""Incidents per knowledge base whose own pages are rendered beside the others reduced."""


def rendered(site: Site, page: Page) -> tuple[str, list[object]]:
    body, headings = render_contents(site, page, Linker(page.src_uri, True))
    return body, list(headings)


@pytest.mark.parametrize("root", KNOWLEDGE_BASES, ids=lambda p: p.name)
def test_each_page_reads_only_what_it_says(root: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    monkeypatch.chdir(root)
    settings = Settings(base=root)
    inputs = pipeline.read_inputs(settings, None)
    results = pipeline.gathered(inputs, settings)
    catalog = pipeline.catalog_of(inputs, settings)

    def site_of(found: list[FileResult]) -> Site:
        kb, _ = pipeline.across_files(found, catalog, settings)
        return build_site(kb, settings, AS_OF)

    def reduced(keep: str = "") -> list[FileResult]:
        return [r if r.postmortem is None or r.postmortem.id == keep
                else replace(r, postmortem=record_part(r.postmortem)) for r in results]

    whole, records = site_of(results), site_of(reduced())
    pages = site_pages(whole)
    for page in pages:
        if page.reads == "records":
            assert rendered(records, page) == rendered(whole, page), page.src_uri
    assert any(rendered(records, page) != rendered(whole, page)
               for page in pages if page.reads == "all"), "no page read a narrative"
    incidents = sorted(whole.kb.by_id)
    for incident in incidents[::max(1, len(incidents) // SAMPLED)]:
        own = site_of(reduced(keep=incident))
        for page in pages:
            if page.reads == "own" and page.key == incident:
                assert rendered(own, page) == rendered(whole, page), page.src_uri
                assert page.kind == "drafts" or rendered(records, page) != \
                    rendered(whole, page), f"{page.src_uri} read nothing of its own narrative"
