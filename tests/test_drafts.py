"""The drafts: every message shape of every starter incident, and what customers never see.

Golden files under tests/golden/drafts/<id>/<shape>.txt hold each draft of the starter
knowledge base; a property test puts marker strings into every internal field and checks
that none reaches a customer-facing draft.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsite.config import Settings
from hindsite.link import link
from hindsite.model import Communication, Decision, Metric, Postmortem
from hindsite.pipeline import run_check
from hindsite.render import (
    Linker,
    Site,
    build_site,
    front_matter,
    page_url,
    render_page,
    site_pages,
)
from hindsite.render.draft_facts import figure
from hindsite.render.drafts import SHAPES, drafts
from hindsite.render.figures import format_when
from recurring import monthly_copy

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 12, 2)
STARTER = sorted(p.name.split("-", 2)[0] + "-" + p.name.split("-", 2)[1]
                 for p in (ROOT / "postmortems").glob("*/*.md"))


@pytest.fixture(scope="module")
def starter() -> Site:
    settings = Settings(base=ROOT)
    result = run_check(settings)
    assert [d.format() for d in result.diagnostics if d.severity > 1] == []
    return build_site(result.kb, settings, AS_OF)


def texts(site: Site, ident: str) -> dict[str, str]:
    return {shape.key: text for shape, text in drafts(site, ident)}


def page(site: Site, src_uri: str) -> str:
    found = next(p for p in site_pages(site) if p.src_uri == src_uri)
    return render_page(site, found, Linker(page_url(found.src_uri)))


@pytest.mark.parametrize("ident", STARTER)
def test_golden_drafts(starter: Site, golden: Callable[[str, str], None], ident: str) -> None:
    for key, text in texts(starter, ident).items():
        golden(f"drafts/{ident}/{key}.txt", text)


def test_every_shape_has_a_template_and_a_guide() -> None:
    templates = ROOT / "generator/hindsite/render/templates/drafts"
    guides = ROOT / "generator/hindsite/guides/communication"
    for shape in SHAPES:
        assert (templates / f"{shape.key}.txt").is_file(), shape.key
        assert (guides / f"{shape.key}.md").is_file(), shape.key
    assert len(SHAPES) == 7


def test_a_recurrence_gets_all_seven_drafts_and_a_first_occurrence_six(starter: Site) -> None:
    assert len(texts(starter, "PM-0011")) == 7
    assert "why-didnt-that-fix-everything" not in texts(starter, "PM-0003")
    html = page(starter, "incidents/PM-0003/drafts/index.md")
    assert "no cause of this incident happened before" in html


def test_the_undelivered_fix_is_answered(starter: Site) -> None:
    why = texts(starter, "PM-0011")["why-didnt-that-fix-everything"]
    assert "PM-0009/A1 Reject migrations" in why
    assert "in progress, due 2025-04-30: never delivered" in why
    assert "was never delivered" in why
    assert "What changes now:\n- Finish the migration check" in why


def test_customer_drafts_use_customer_words_only(starter: Site) -> None:
    notice = texts(starter, "PM-0006")["resolution-notice"]
    assert "unflattering" not in notice and "internal e-mail" not in notice
    assert "2.0 release" not in notice.split("\n", 1)[0]
    assert "We are sorry." in notice
    assert "support tickets" not in notice.lower()
    assert "Keep forwarded internal mail" not in notice  # told in private, not to all 74
    first = texts(starter, "PM-0003")["resolution-notice"]
    assert "customers told on Monday" not in first
    disk = texts(starter, "PM-0007")["resolution-notice"]
    assert "Write-ahead log" not in disk and "590" not in disk


def test_a_recurrence_is_acknowledged_to_customers(starter: Site) -> None:
    notice = texts(starter, "PM-0004")["resolution-notice"]
    assert "This is the second time this has happened to you." in notice


def test_durations_are_exact_and_measured_to_mitigated(starter: Site) -> None:
    brief = texts(starter, "PM-0003")["executive-brief"]
    assert "(52 h 48 min)" in brief and "days" not in brief.split("Why:")[0]
    notice = texts(starter, "PM-0011")["resolution-notice"]
    assert "to Tue 19 May 2026, 10:36 UTC+02:00 (24 min)" in notice
    assert "46 min" not in notice


def test_time_to_tell_customers_is_apart_from_internal_chat(starter: Site) -> None:
    brief = texts(starter, "PM-0003")["executive-brief"]
    assert "- Time to tell customers: 54 h 37 min after detection" in brief
    assert "- Time to tell anyone inside: 17 min after detection" in brief


def test_a_decision_taken_is_reported_not_asked_for(starter: Site) -> None:
    for ident in ("PM-0001", "PM-0004", "PM-0006"):
        brief = texts(starter, ident)["executive-brief"]
        assert "No decision on prevention: it was taken, as follows." in brief
        assert "We recommend" not in brief and "{date}" not in brief
    brief = texts(starter, "PM-0001")["executive-brief"]
    assert "Decided on 2019-04-11 by CTO, at the incident review: Add a step to the host " \
        "provisioning checklist (cost low, risk high). Why: New sending hosts" in brief
    memo = texts(starter, "PM-0001")["options-memo"]
    assert memo.startswith("Decision taken:")
    assert "3. Add a step to the host provisioning checklist (chosen)\n   Cost: low. Risk: high." \
        "\n   A few hours of work." in memo


def test_prevention_comes_from_every_prevent_detect_and_process_item(starter: Site) -> None:
    brief = texts(starter, "PM-0003")["executive-brief"]
    prevention = brief.split("How we prevent a repeat:\n", 1)[1]
    assert "Give on-call a status-page login" in prevention
    assert "On-call phones the duty manager" in prevention
    assert "Time a full restore" in prevention
    assert "Staff a weekend support rota" not in prevention  # won't do
    brief = texts(starter, "PM-0001")["executive-brief"]
    assert "- Add an \"update the relay trusted list\" step" in brief.split(
        "How we prevent a repeat:\n", 1)[1]


def test_times_are_written_in_the_incidents_own_offset() -> None:
    cet = timezone(timedelta(hours=1))
    moment = datetime(2021, 2, 23, 8, 10, tzinfo=UTC)
    assert format_when(moment, datetime(2021, 2, 22, tzinfo=cet)) == \
        "Tue 23 Feb 2021, 09:10 UTC+01:00"
    assert format_when(moment, moment) == "Tue 23 Feb 2021, 08:10 UTC"


def ongoing(site: Site, ident: str, **changes: object) -> Site:
    """The site with one incident changed (and the knowledge base linked again)."""
    pm = replace(site.kb.by_id[ident], **changes)  # type: ignore[arg-type]
    others = [p for p in site.kb.by_id.values() if p.id != ident]
    return build_site(link([*others, pm], site.kb.catalog), site.settings, site.as_of)


def test_an_open_incident_promises_the_next_update_and_says_what_is_unknown(
        starter: Site) -> None:
    pm = starter.kb.by_id["PM-0007"]
    now = datetime(2023, 10, 3, 9, 0, tzinfo=UTC)
    changed = ongoing(starter, "PM-0007", status="draft", resolved=None,
                      timeline=tuple(e for e in pm.timeline if e.at <= now),
                      communications=tuple(c for c in pm.communications if c.at <= now))
    update = texts(changed, "PM-0007")["status-update"]
    assert "By Tue 3 Oct 2023, 09:25 UTC, even if nothing has changed." in update
    assert "What we do not know yet:\n- when the service will work normally again" in update
    hourly = build_site(changed.kb, replace(changed.settings, update_every=60), AS_OF)
    assert "By Tue 3 Oct 2023, 09:55 UTC" in texts(hourly, "PM-0007")["status-update"]
    final = texts(starter, "PM-0007")["status-update"]
    assert "What we do not know yet:" not in final
    assert "The full account, with what will prevent a repeat, by Thu 5 Oct 2023" in final


def test_missing_customer_words_and_prevention_show_plainly(starter: Site) -> None:
    pm = starter.kb.by_id["PM-0005"]
    bare = replace(pm, impact=replace(pm.impact, customer_summary=""),
                   action_items=tuple(i for i in pm.action_items if i.kind == "mitigate"))
    site = ongoing(starter, "PM-0005", impact=bare.impact, action_items=bare.action_items)
    notice = texts(site, "PM-0005")["resolution-notice"]
    assert "{what you saw, in words fit to send: add impact.customer_summary" in notice
    assert "Nothing we have planned yet prevents a repeat" in notice
    brief = texts(site, "PM-0005")["executive-brief"]
    assert "- Nothing planned prevents a repeat." in brief


def test_the_drafts_page_is_linked_from_the_verdict_and_left_out_of_search(
        starter: Site) -> None:
    incident = page(starter, "incidents/PM-0011/index.md")
    assert '<a href="drafts/">Drafts to send</a>' in incident
    assert "hs-kit" not in incident and "Subject:" not in incident
    html = page(starter, "incidents/PM-0011/drafts/index.md")
    assert 'data-pagefind-ignore="all"' in html
    for shape in SHAPES:
        assert f'<h2 id="{shape.key}">' in html
    assert html.count("<pre><code>") == 7
    drafts_page = next(p for p in site_pages(starter) if p.src_uri ==
                       "incidents/PM-0011/drafts/index.md")
    assert "search:\n  exclude: true\n" in front_matter(drafts_page)


# Customer-facing drafts never carry internal words.

INTERNAL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=0, max_size=12)
CUSTOMER_FACING = [s.key for s in SHAPES if s.customer_facing]


def marked(pm: Postmortem, tag: str, extra: str) -> Postmortem:
    """The postmortem with a marker in every internal field."""
    def mark(name: str) -> str:
        return f"QQ{tag}{name}QQ{extra}"

    return replace(
        pm, title=mark("title"),
        impact=replace(pm.impact, summary=mark("summary"), metrics=pm.impact.metrics + (
            Metric(mark("metric"), 7, mark("unit"), "internal"),)),
        causes=tuple(replace(c, description=mark(f"cause{n}"),
                             why_earlier_fixes_failed=mark(f"why{n}"))
                     for n, c in enumerate(pm.causes)),
        communications=pm.communications + tuple(
            Communication(pm.detected, audience, "chat", mark(audience), pm.id_pos)
            for audience in ("internal", "executives")),
        options=tuple(replace(o, title=mark(f"option{n}"), detail=mark(f"detail{n}"))
                      for n, o in enumerate(pm.options)),
        decision=Decision(date(2020, 1, 1), mark("forum"), mark("reason"))
        if pm.decision else None,
        body=mark("body"), teams=(mark("team"),))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ident=st.sampled_from(STARTER), extra=INTERNAL)
def test_internal_fields_never_reach_a_customer_draft(starter: Site, ident: str,
                                                      extra: str) -> None:
    pm = marked(starter.kb.by_id[ident], "x", extra)
    others = [p for p in starter.kb.by_id.values() if p.id != ident]
    site = build_site(link([*others, pm], starter.kb.catalog), starter.settings, AS_OF)
    found = texts(site, ident)
    for key in CUSTOMER_FACING:
        assert "QQx" not in found[key], (key, found[key])
    assert "QQxsummaryQQ" in found["executive-brief"]  # the marker does reach internal drafts


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (52.8, "hours", "Outage: 52 h 48 min"), (45, "min", "Outage: 45 min"),
    (1.5, "days", "Outage: 36 h"), (3, "requests", "Outage: 3 requests")])
def test_a_metric_in_units_of_time_is_an_exact_duration(value: float, unit: str,
                                                        shown: str) -> None:
    assert figure(Metric(name="outage", value=value, unit=unit)) == shown


def test_a_cause_back_many_times_names_the_latest_and_counts_the_rest(starter: Site) -> None:
    first = starter.kb.by_id["PM-0001"]

    def why(count: int) -> str:
        small = build_site(link([monthly_copy(first, n) for n in range(count)], starter.kb.catalog),
                           starter.settings, AS_OF)
        return texts(small, f"PM-{count + 99}")["why-didnt-that-fix-everything"]

    text = why(8)
    assert "this is the eighth time" in text
    assert [f"- PM-{n}," in text for n in range(100, 107)] == [False] * 4 + [True] * 3
    assert "- and 4 earlier, listed on the cause's page" in text
    assert "PM-0001" not in text and "PM-100/" not in text and "PM-106/" in text
    assert "What their fixes were" in text
    assert len(why(40)) - len(why(12)) < 40  # ordinals and counts only
