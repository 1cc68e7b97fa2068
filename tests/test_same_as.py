"""`same_as` in the catalog: keys judged to be one cause share one history, while every
postmortem keeps the key it was written with."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from hindsite.config import Settings
from hindsite.diagnostics import Position
from hindsite.model import Catalog, CauseType
from hindsite.pipeline import run_check
from hindsite.render import Linker, Site, build_site, render_page, site_pages

FIXTURE = Path(__file__).parent / "fixtures" / "HS501-missing-why-earlier-fixes-failed-same-as"


def merged_site(tmp_path: Path, answered: bool = True) -> tuple[Site, list[str]]:
    """The fixture's two incidents, the later filed under the newer key; with `answered`, it
    says why the earlier fix did not hold, so the knowledge base is clean."""
    shutil.copytree(FIXTURE / "postmortems", tmp_path / "postmortems")
    later = next((tmp_path / "postmortems").rglob("PM-0002-*.md"))
    if answered:
        later.write_text(later.read_text(encoding="utf-8").replace(
            "    description: A new host was not on the relay's trusted list.\n",
            "    description: A new host was not on the relay's trusted list.\n"
            "    why_earlier_fixes_failed: The list was built once from the inventory.\n", 1),
            encoding="utf-8")
    result = run_check(Settings(base=tmp_path))
    site = build_site(result.kb, Settings(base=tmp_path), date(2022, 1, 1))
    return site, [d.format() for d in result.diagnostics]


def cause_html(site: Site, key: str) -> str:
    page = next(p for p in site_pages(site) if p.kind == "cause" and p.key == key)
    return render_page(site, page, Linker(page.src_uri))


def test_the_earlier_fix_failed_when_the_cause_came_back_under_the_newer_key(
        tmp_path: Path) -> None:
    site, problems = merged_site(tmp_path)
    assert problems == []
    assert site.kb.outcomes["PM-0001/A1"].state == "failed"
    assert site.kb.outcomes["PM-0001/A1"].recurred_in == ("PM-0002",)
    recurrence = site.kb.recurrence("PM-0002", "relay-trusted-list-stale")
    assert recurrence.earlier == ("PM-0001",)
    assert [item.ref for item in recurrence.fixes] == ["PM-0001/A1"]


def test_both_cause_pages_show_the_whole_history(tmp_path: Path) -> None:
    site, _problems = merged_site(tmp_path)
    older = cause_html(site, "relay-allowlist-missing-host")
    newer = cause_html(site, "relay-trusted-list-stale")
    for html in (older, newer):
        assert "Seen in 2 incidents" in html and "1 of 1 completed fixes failed" in html
        assert "(filed under <code>relay-" in html
    assert "Also filed under" in older and "relay-trusted-list-stale" in older
    assert "Judged the same cause as" in newer


def test_the_causes_listing_counts_a_merged_cause_once(tmp_path: Path) -> None:
    site, _problems = merged_site(tmp_path)
    page = next(p for p in site_pages(site) if p.kind == "causes")
    html = render_page(site, page, Linker(page.src_uri))
    assert "relay-allowlist-missing-host" in html
    assert "relay-trusted-list-stale" not in html


def test_old_postmortems_are_not_touched(tmp_path: Path) -> None:
    merged_site(tmp_path)
    earlier = next((tmp_path / "postmortems").rglob("PM-0001-*.md")).read_text(encoding="utf-8")
    assert earlier == next(FIXTURE.rglob("PM-0001-*.md")).read_text(encoding="utf-8")


@pytest.mark.parametrize(("chain", "key", "end"), [
    ({"a": "b", "b": "c"}, "a", "c"),
    ({"a": "b", "b": "a"}, "a", "a"),
    ({"a": "zzz"}, "a", "a"),
    ({}, "a", "a"),
])
def test_same_as_chains_resolve_to_their_end(chain: dict[str, str], key: str, end: str) -> None:
    causes = {k: CauseType(k, k, "process", "", Position("c"), chain.get(k, ""))
              for k in ("a", "b", "c")}
    assert Catalog("c", {}, {}, causes).resolve(key) == end


def test_cause_pages_show_suggestions_in_both_directions() -> None:
    pay = Path(__file__).parent / "similarity" / "pay"
    site = build_site(run_check(Settings(base=pay)).kb, Settings(base=pay), date(2026, 1, 1))
    earlier = cause_html(site, "payout-holiday-calendar-missing")
    later = cause_html(site, "banking-calendar-not-updated")
    assert "It possibly came back as" in earlier and "banking-calendar-not-updated" in earlier
    assert "it reads like" in later and "payout-holiday-calendar-missing" in later
    assert "likely, confidence" in earlier and "likely, confidence" in later
