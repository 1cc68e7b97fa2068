"""The render stage: generated pages as HTML strings, built from values, no MkDocs build."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from hindsite.config import Settings
from hindsite.diagnostics import Position
from hindsite.link import KnowledgeBase, came_back, link
from hindsite.model import (
    ActionItem,
    Catalog,
    Cause,
    CauseType,
    Communication,
    Impact,
    Metric,
    Option,
    Postmortem,
    Service,
    Suggestion,
    Team,
    TimelineEntry,
)
from hindsite.pipeline import run_check
from hindsite.render import (
    Linker,
    Page,
    Site,
    build_site,
    data_files,
    front_matter,
    page_url,
    render_contents,
    render_page,
    site_pages,
    toc_entries,
)
from hindsite.render.charts import Column, nice_step, stacked_columns
from hindsite.render.drafts import drafts
from hindsite.render.figures import format_duration, format_moment
from hindsite.render.listings import undelivered_fixes
from hindsite.render.narrative import clean, render_markdown
from hindsite.render.verdict import verdict
from hindsite.rules import all_rules
from hindsite.words import spelled, spellings
from recurring import monthly_copy

TESTS = Path(__file__).resolve().parent
AS_OF = date(2024, 6, 1)


@pytest.fixture(scope="module")
def site() -> Site:
    settings = Settings(base=TESTS, postmortems="site_kb")
    result = run_check(settings)
    assert result.diagnostics == []
    return build_site(result.kb, settings, AS_OF)


def page_html(site: Site, src_uri: str) -> str:
    page = next(p for p in site_pages(site) if p.src_uri == src_uri)
    return render_page(site, page, Linker(page_url(page.src_uri)))


# Golden pages: the HTML the renderer returns for a page's body.

@pytest.mark.parametrize(("src_uri", "name"), [
    ("incidents/PM-0003/index.md", "incident-PM-0003.html"),
    ("incidents/index.md", "incidents.html"),
    ("incidents/2022/index.md", "incidents-2022.html"),
    ("causes/queue-backlog/index.md", "cause-queue-backlog.html"),
])
def test_golden_pages(site: Site, golden: Callable[[str, str], None], src_uri: str,
                      name: str) -> None:
    golden(name, page_html(site, src_uri))


# What the pages say.

def test_incident_page_shows_the_recurrence_on_both_sides(site: Site) -> None:
    later = page_html(site, "incidents/PM-0003/index.md")
    assert 'seen before in <a href="../PM-0001/"' in later
    assert "Why didn't the earlier fixes prevent this?" in later
    assert 'raised the consumer count to a new fixed number' in later
    fix_row = later.split('href="../PM-0001/#item-a1"', 1)[1].split("</tr>", 1)[0]
    assert "failed" in fix_row and 'href="./"' in fix_row  # came back in PM-0003 itself
    earlier = page_html(site, "incidents/PM-0001/index.md")
    assert 'Recurred in</strong> <a href="../PM-0003/"' in earlier


def test_incident_page_states_the_detection_gap_and_marks_moments(site: Site) -> None:
    html = page_html(site, "incidents/PM-0002/index.md")
    assert "Detected 4 h 30 min after impact began." in html
    assert "hs-tl--detection" in html
    later = page_html(site, "incidents/PM-0003/index.md")
    assert "hs-tl--communication" in later
    assert "hs-tl--before" in later  # the announcement an hour before the impact


def test_items_are_overdue_as_of_the_given_day(site: Site) -> None:
    html = page_html(site, "action-items/index.md")
    assert "as of 2024-06-01" in html
    overdue = html.split('<h2 id="overdue">', 1)[1].split('<h2 id="open">', 1)[0]
    assert "PM-0002/A2" in overdue and "PM-0003/A2" in overdue
    assert "PM-0003/A1" not in overdue
    earlier = build_site(site.kb, site.settings, date(2023, 1, 1))
    html = render_page(earlier, Page("action-items/index.md", "action-items", "", "Action items"),
                       Linker("action-items/"))
    assert "as of 2023-01-01" in html
    assert html.split('<h2 id="overdue">', 1)[1].split("</h2>", 1)[1].lstrip().startswith(
        "<p>None.</p>")


def test_share_of_completed_fixes_that_held(site: Site) -> None:
    html = page_html(site, "action-items/index.md")
    assert "Completed fixes that held: <strong>2 of 3 (67%)</strong>" in html
    insights = page_html(site, "insights/index.md")
    assert "2 of 3 (67%)" in insights
    assert "1 of 4 (25%)" in insights  # incidents with a cause seen before


def test_cause_page_says_whether_the_cause_came_back_after_each_fix(site: Site) -> None:
    html = page_html(site, "causes/disk-full/index.md")
    assert "hs-outcome-held" in html and "hs-outcome-failed" not in html
    html = page_html(site, "causes/queue-backlog/index.md")
    assert "Seen in 2 incidents" in html and "1 of 1 completed fixes failed" in html


def test_lessons_are_grouped_by_cause_category(site: Site) -> None:
    html = page_html(site, "lessons/index.md")
    capacity = html.split('<h2 id="capacity">', 1)[1].split("<h2", 1)[0]
    assert "PM-0001" in capacity and "PM-0002" in capacity and "PM-0003" in capacity
    assert "PM-0004" in html.split('<h2 id="dependency">', 1)[1]


def test_reference_pages_come_from_the_registry_and_the_schemas(site: Site) -> None:
    rules = page_html(site, "rules/index.md")
    for rule in all_rules():
        assert f"<code>{rule.code}</code>" in rules and rule.name in rules
    fields = page_html(site, "fields/index.md")
    for path in ("impact.metrics[].name", "action_items[].completed", "causes[].not_same_as",
                 "services[].team"):
        assert f"<code>{path}</code>" in fields
    assert "required unless status is draft" in fields


def test_the_table_of_contents_nests_headings_under_the_title(site: Site) -> None:
    page = next(p for p in site_pages(site) if p.src_uri == "incidents/PM-0003/index.md")
    html, found = render_contents(site, page, Linker(page_url(page.src_uri)))
    entries = toc_entries(found)
    assert [e["level"] for e in entries] == [1]
    sections = [child["id"] for child in entries[0]["children"]]
    assert sections[:3] == ["impact", "causes", "timeline"]
    narrative = next(child for child in entries[0]["children"] if child["id"] == "narrative")
    assert [h["id"] for h in narrative["children"]][:2] == ["narrative-summary",
                                                             "narrative-what-happened"]
    assert all(f'id="{h.id}"' in html for h in found if h.id)
    assert "communication-kit" not in sections  # the drafts have a page of their own
    causes = entries[0]["children"][1]["children"]
    assert [c["id"] for c in causes] == ["cause-queue-backlog"]


def test_the_drafts_are_filled_from_the_record(site: Site) -> None:
    texts = {shape.key: text for shape, text in drafts(site, "PM-0003")}
    brief, notice = texts["executive-brief"], texts["resolution-notice"]
    assert "1. Autoscale consumers and load test every sale (recommended)" in brief
    assert "   Cost: high. Risk: low." in brief
    assert 'This is the second time for "' in brief and "(before: PM-0001)" in brief
    assert "- Orders failed: 3,900 orders" in brief
    assert "Operations" in brief
    for internal in ("Operations", "Payments Team", "PM-0001", "Checkout timed out again"):
        assert internal not in notice
    assert notice.startswith("Subject: Resolved: Checkout, 5 May 2023")
    assert "This is the second time this has happened to you." in notice
    assert "From Fri 5 May 2023, 09:00 UTC to Fri 5 May 2023, 11:30 UTC (2 h 30 min)." \
        in notice


def test_narrative_links_known_ids_outside_code_and_links() -> None:
    targets = {"PM-0001": "../PM-0001/", "PM-0001/A2": "../PM-0001/#item-a2"}
    html = render_markdown(
        "## Why\n\nSee PM-0001, PM-0001/A2, `PM-0001`, [PM-0001](https://example.com) "
        "and PM-0042; UTF-8 stays.\n\n## Why\n", targets.get, {}.get, id_prefix="n-")
    assert '<h3 id="n-why">Why</h3>' in html and '<h3 id="n-why-2">' in html
    assert '<a href="../PM-0001/" rel="noopener noreferrer">PM-0001</a>,' in html
    assert '<a href="../PM-0001/#item-a2" rel="noopener noreferrer">PM-0001/A2</a>' in html
    assert "<code>PM-0001</code>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer">PM-0001</a>' in html
    assert "and PM-0042; UTF-8 stays." in html


def test_narrative_shows_raw_html_as_text_and_only_published_images() -> None:
    published = {"images/a.png": "images/0123.png"}
    html = render_markdown(
        "<script>alert(1)</script>\n\nA <b onclick=x>b</b> ![a](images/a.png) "
        "![remote](https://evil.example/x.png) ![other](images/b.png) "
        "[j](javascript:alert(1))\n", {}.get, published.get)
    assert "<script" not in html and "<b" not in html and "&lt;script&gt;" in html
    assert '<img src="images/0123.png" alt="a">' in html
    assert "evil.example" not in html and "images/b.png" not in html
    assert "remote" in html and "other" in html
    assert "javascript" not in html


def test_pages_share_the_check_s_parse_and_leave_it_unchanged() -> None:
    from markdown_it import MarkdownIt

    from hindsite.commonmark import parse_tokens

    text = ("## Lessons\n\nSee [x](javascript:y) and ![a](images/a.png), PM-0001.\n\n"
            "[r]: images/a.png\n")
    fresh = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    fresh.validateLink = lambda url: True  # type: ignore[method-assign]
    before = [t.as_dict() for t in fresh.parse(text)]
    first = render_markdown(text, {"PM-0001": "../PM-0001/"}.get,
                            {"images/a.png": "x/0.png"}.get, id_prefix="n-")
    again = render_markdown(text, {}.get, {}.get, shift=2, id_prefix="m-")
    assert parse_tokens(text) is not parse_tokens(text)
    assert parse_tokens(text)[0] is parse_tokens(text)[0]
    assert [t.as_dict() for t in parse_tokens(text)] == before
    assert '<h3 id="n-lessons">' in first and 'src="x/0.png"' in first
    assert '<h4 id="m-lessons">' in again and "<img" not in again and "<a href" not in again


def test_equal_headings_cost_linear_time() -> None:
    html = render_markdown("### Note\n\n" * 3000, {}.get, {}.get, id_prefix="n-")
    assert 'id="n-note-3000"' in html and html.count("<h4") == 3000


def test_front_matter_escapes_what_the_theme_prints_raw() -> None:
    page = Page("incidents/PM-1/index.md", "incident", "PM-1", "PM-1: <b>x</b> & y",
                ("<script>", "ok"))
    text = front_matter(page)
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta == {"title": "PM-1: &lt;b&gt;x&lt;/b&gt; &amp; y",
                    "tags": ["&lt;script&gt;", "ok"]}
    assert "<" not in text.split("---\n")[1]


def test_data_files_carry_the_records_and_derived_figures(site: Site) -> None:
    files = data_files(site, "Test KB")
    index = json.loads(files["incidents.json"])
    years = [json.loads(files[year["url"]]) for year in index["years"]]
    assert [(y["year"], len(y["incidents"])) for y in years] == [
        (year["year"], year["incidents"]) for year in index["years"]]
    assert {c["key"] for c in index["catalog"]["causes"]} >= {"queue-backlog"}
    by_id = {i["id"]: i for year in years for i in year["incidents"]}
    assert list(by_id) == ["PM-0001", "PM-0002", "PM-0003", "PM-0004"]
    assert by_id["PM-0003"]["causes"][0]["recurrence"] == {
        "occurrence": 2, "previous": "PM-0001", "next": None,
        "previous_fixes": ["PM-0001/A1", "PM-0001/A3"], "answer_required": True}
    assert by_id["PM-0001"]["causes"][0]["recurrence"]["next"] == "PM-0003"
    assert by_id["PM-0003"]["durations_seconds"]["to_detect"] == 240
    first = by_id["PM-0001"]["action_items"][0]
    assert (first["outcome"], first["came_back_in"]) == ("failed", "PM-0003")
    feed = ET.fromstring(files["feed.xml"])
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)]
    assert titles[0].startswith("PM-0003") and not any("PM-0004" in t for t in titles)
    assert feed.findtext("a:updated", namespaces=ns) == "2023-05-05T11:30:00+00:00"
    assert data_files(site, "Test KB") == files


def test_figures_are_written_as_a_reader_expects() -> None:
    cases = {timedelta(minutes=45): "45 min", timedelta(hours=6, minutes=50): "6 h 50 min",
             timedelta(hours=2): "2 h", timedelta(days=1, hours=5): "29 h",
             timedelta(hours=52, minutes=48): "52 h 48 min",
             timedelta(days=34, hours=23, minutes=38): "839 h 38 min"}
    for span, text in cases.items():
        assert format_duration(span) == text
    assert format_duration(None) == "—"
    moment = datetime(2021, 2, 22, 15, 40, tzinfo=UTC)
    assert format_moment(moment) == "2021-02-22 15:40 UTC"


def test_stacked_columns_scale_with_the_largest_column() -> None:
    assert [nice_step(n) for n in (0, 3, 7, 19, 130)] == [1, 1, 2, 5, 50]
    chart = stacked_columns("c", "t", [Column("a", "a", (("x", 2, "SEV1"), ("y", 2, "SEV2"))),
                                       Column("b", "", (("x", 8, "SEV1"),))])
    heights = [round(r.h) for r in chart.rects]
    assert heights[0] == heights[1] and heights[2] == 2 * (heights[0] + heights[1])


# User content never becomes markup.

HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))"
HOSTILE_BODY = """## Summary

<script>alert(1)</script>

<img src=x onerror="alert(1)">

[x](javascript:alert(1)) <a href="javascript:alert(2)">y</a> [z](JaVaScRiPt:alert(3))
![i](javascript:alert(4)) [w]( javascript:alert(5) ) <svg onload=alert(6)>

## Lessons learned

- <iframe src="javascript:alert(7)"></iframe> [a](vbscript:x) [b](data:text/html,x)
"""


def hostile_kb() -> KnowledgeBase:
    here = Position("x.md")
    catalog = Catalog("catalog.yml", {"t": Team("t", HOSTILE, here)},
                      {"s": Service("s", HOSTILE, "t", here)},
                      {"c": CauseType("c", HOSTILE, "data", HOSTILE, here)})
    start = datetime(2024, 1, 1, tzinfo=UTC)
    item = ActionItem("PM-1", "A1", HOSTILE, "prevent", ("c",), "t", "done", date(2024, 1, 5),
                      date(2024, 1, 4), "javascript:alert(1)", here)
    pm = Postmortem(
        "x.md", "PM-1", here, HOSTILE, "published", "SEV1", start, start + timedelta(hours=1),
        start + timedelta(hours=2), ("s",), ("t",), ("<script>",),
        Impact(HOSTILE, 3, (Metric(HOSTILE, 1, HOSTILE),)),
        (Cause("c", "root", HOSTILE, HOSTILE, (), here, None),),
        (TimelineEntry(start, "trigger", HOSTILE, here),),
        (Communication(start, "customers", "email", HOSTILE, here),), (item,),
        (Option(HOSTILE, "low", "high", True, here),), HOSTILE_BODY, 1,
        {"summary": (0, HOSTILE_BODY.count("\n") + 1),
         "lessons learned": (0, HOSTILE_BODY.count("\n") + 1)}, ())
    later = replace(pm, id="PM-2", started=start + timedelta(days=30),
                    detected=start + timedelta(days=30, hours=1),
                    resolved=start + timedelta(days=30, hours=2), action_items=())
    return link([pm, later], catalog)


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_inert(html: str) -> None:
    assert "<script" not in html.lower()
    parser = _Markup()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "iframe", "object", "embed"), tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith(("javascript:", "vbscript:",
                                                                "data:")), (tag, name, value)


def test_hostile_content_is_inert_on_every_page() -> None:
    kb = hostile_kb()
    site = build_site(kb, Settings(), date(2024, 6, 1))
    pages = site_pages(site)
    assert {p.kind for p in pages} >= {"incident", "incidents", "cause", "service", "team",
                                       "lessons", "action-items", "insights"}
    for page in pages:
        html = render_page(site, page, Linker(page_url(page.src_uri)))
        assert_inert(html)
        assert "&lt;script&gt;" in html or page.kind in ("rules", "fields")
    incident = render_page(site, next(p for p in pages if p.key == "PM-1" and
                                      p.kind == "incident"), Linker("x/"))
    narrative = incident.split('<h2 id="narrative">', 1)[1]
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in narrative
    for page in pages:
        assert "<" not in front_matter(page).split("---\n")[1]
    feed = data_files(site, "t")["feed.xml"]
    ET.fromstring(feed)
    assert "<script" not in feed


def test_the_cleaner_keeps_only_the_allowlist() -> None:
    html = clean('<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)">b</a>'
                 '<a href="../ok/" target="_blank">c</a><img src="data:image/png;base64,AA" '
                 'onerror="x()"><iframe src="https://example.com"></iframe>'
                 '<td style="position:fixed;text-align:right">d</td></p>')
    assert_inert(html)
    assert '<a href="../ok/" rel="noopener noreferrer">c</a>' in html
    assert "iframe" not in html and "position" not in html


def test_possibly_the_same_cause_shows_as_many_as_configured(site: Site) -> None:
    hint = Suggestion("PM-0003", "queue-backlog", "PM-0002", "disk-full", 0.4,
                      ("queue", "orders"))
    kb = replace(site.kb, suggestions={("PM-0003", "queue-backlog"): (hint,)})
    page = Page("incidents/PM-0003/index.md", "incident", "PM-0003", "PM-0003")
    html = render_page(build_site(kb, site.settings, AS_OF), page, Linker("incidents/PM-0003/"))
    section = html.split('<h2 id="possibly-the-same-cause">', 1)[1].split("<h2", 1)[0]
    words = ", ".join(spelled(spellings(site.kb.by_id["PM-0003"]), ("queue", "orders")))
    assert 'href="../PM-0002/"' in section and words in section
    assert 'href="../../causes/disk-full/">A data disk filled up' in section
    quiet = build_site(kb, replace(site.settings, suggestions=0), AS_OF)
    assert "possibly-the-same-cause" not in render_page(quiet, page, Linker("incidents/PM-0003/"))


def test_an_incident_page_stays_the_same_size_however_often_its_cause_came_back(
        site: Site) -> None:
    first = site.kb.by_id["PM-0001"]

    def latest_page(count: int) -> str:
        kb = link([monthly_copy(first, n) for n in range(count)], site.kb.catalog)
        small = build_site(kb, site.settings, AS_OF)
        ident = f"PM-{count + 99}"
        return render_page(small, Page(f"incidents/{ident}/index.md", "incident", ident, ident),
                           Linker(f"incidents/{ident}/"))

    html = latest_page(6)
    title = html.split('<p class="admonition-title">This cause came back', 1)[1].split("</p>")[0]
    assert [f"PM-{n}" in title for n in range(100, 105)] == [False, False, True, True, True]
    assert "and 2 earlier incidents" in title
    assert abs(len(latest_page(30)) - len(latest_page(12))) < 100  # ids and counts only


def test_came_back_follows_the_calendar_date_in_each_incidents_own_offset(site: Site) -> None:
    base = site.kb.by_id["PM-0001"]
    zones = [timezone(timedelta(hours=h)) for h in (-12, -5, 0, 5, 14)]
    owner = replace(base, id="PM-1", started=datetime(2024, 1, 1, tzinfo=UTC))
    first = datetime(2024, 1, 9, tzinfo=UTC)
    later = [replace(base, id=f"PM-{n + 2}",
                     started=(first + timedelta(hours=5 * n)).astimezone(zones[n % 5]))
             for n in range(40)]
    chain = [owner, *sorted(later, key=lambda pm: pm.started)]
    starts = [pm.started for pm in chain]
    for day in (date(2024, 1, 9), date(2024, 1, 10), date(2024, 1, 12), date(2024, 2, 1)):
        naive = [pm.id for pm in chain if pm.started > owner.started and day <= pm.started.date()]
        assert came_back(day, owner, tuple(chain), starts) == (tuple(naive[:3]), len(naive))


class _Headings(HTMLParser):
    """h1..h3 as a browser reads them: what the recorded headings must agree with."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []
        self.open: tuple[int, str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3"):
            self.open, self.text = (int(tag[1]), dict(attrs).get("id") or ""), []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3") and self.open is not None:
            self.found.append((*self.open, " ".join("".join(self.text).split())))
            self.open = None

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            self.text.append(data)


def test_every_page_records_the_headings_it_writes(site: Site) -> None:
    for page in site_pages(site):
        html, found = render_contents(site, page, Linker(page_url(page.src_uri)))
        parser = _Headings()
        parser.feed(html)
        assert [(h.level, h.id, h.text) for h in found] == parser.found, page.src_uri


def test_a_cause_s_page_tells_the_latest_occurrences_and_lists_the_rest(site: Site) -> None:
    first = site.kb.by_id["PM-0001"]
    key = first.causes[0].key

    def cause_html(count: int) -> str:
        small = build_site(link([monthly_copy(first, n) for n in range(count)], site.kb.catalog),
                           site.settings, AS_OF)
        return render_page(small, Page(f"causes/{key}/index.md", "cause", key, key),
                           Linker(f"causes/{key}/"))

    html = cause_html(14)
    table, rest = html.split('<p class="hs-older">', 1)
    assert [f">PM-{n}</a>" in table for n in (103, 104, 113)] == [False, True, True]
    assert rest.split("</p>")[0] == ("Earlier, newest first: " + ", ".join(
        f'<a href="../../incidents/PM-{n}/">PM-{n}</a>' for n in (103, 102, 101, 100)) + ".")
    assert "Seen in 14 incidents" in html
    fixes = html.split('<h2 id="fixes">', 1)[1]
    assert "PM-103/" not in fixes and "PM-104/" in fixes
    assert len(cause_html(60)) - len(cause_html(20)) < 40 * 60  # ids only
    assert 'class="hs-older"' not in cause_html(10)


def test_a_cause_s_undelivered_fixes_are_those_its_occurrences_find(site: Site) -> None:
    """One walk along the chain names the fixes each occurrence finds due and not done."""
    first = site.kb.by_id["PM-0001"]
    rng = random.Random(7)

    def varied(n: int) -> Postmortem:
        pm = monthly_copy(first, n)
        items = []
        for item in pm.action_items:
            due = pm.started.date() + timedelta(days=rng.randint(-40, 90))
            done = rng.random() < 0.5
            items.append(replace(item, due=due if rng.random() < 0.8 else None,
                                 status="done" if done else rng.choice(["open", "wont-do"]),
                                 completed=due + timedelta(days=rng.randint(-30, 60))
                                 if done else None))
        return replace(pm, action_items=tuple(items))

    kb = link([varied(n) for n in range(40)], site.kb.catalog)
    for key in {c.key for pm in kb.by_id.values() for c in pm.causes}:
        history, keys = kb.history(key), kb.keys_of(key)
        each = {item.ref for pm in history for c in pm.causes if c.key in keys
                for item in kb.recurrence(pm.id, c.key).undelivered_fixes}
        assert undelivered_fixes(kb, history, keys) == each, key
        assert each or key != first.causes[0].key


def old_earlier_fix_verdict(site: Site, pm: Postmortem) -> str:
    """The verdict as every recurrence's whole list of earlier fixes gives it."""
    found = [site.kb.recurrences.get((pm.id, c.key)) for c in pm.causes]
    recurring = [r for r in found if r is not None and r.recurs]
    if not recurring:
        return ""
    if any(r.completed_fixes for r in recurring):
        return "did not hold"
    if any(r.undelivered_fixes for r in recurring):
        return "never delivered"
    return "not yet due" if any(r.fixes for r in recurring) else "none recorded"


def test_the_earlier_fix_verdict_is_the_one_the_whole_list_of_fixes_gives(site: Site) -> None:
    verdicts = {pm.id: verdict(site, pm).earlier_fix for pm in site.kb.by_id.values()}
    assert verdicts == {pm.id: old_earlier_fix_verdict(site, pm)
                        for pm in site.kb.by_id.values()}
    assert {"did not hold", ""} <= set(verdicts.values())


def test_the_action_items_page_lists_the_latest_closed_items_and_counts_the_rest(
        site: Site) -> None:
    first = site.kb.by_id["PM-0001"]

    def page(count: int) -> str:
        small = build_site(link([monthly_copy(first, n) for n in range(count)], site.kb.catalog),
                           site.settings, AS_OF)
        return render_page(small, Page("action-items/index.md", "action-items", "", "A"),
                           Linker("action-items/"))

    done = sum(1 for i in first.action_items if i.status == "done")
    html = page(40)
    section = html.split('<h2 id="done">', 1)[1].split("<h2", 1)[0]
    assert section.count("<tr>") - section.count("<thead>") == 25
    assert f"The latest 25; {40 * done - 25} earlier, each on its incident" in section
    assert "PM-139/" in section and "PM-100/" not in section
    assert f"({40 * done})" in section
    assert len(page(80)) - len(page(40)) < 200 * done * 40  # counts grow, not rows


def test_lessons_and_service_pages_tell_the_latest_and_list_the_rest(site: Site) -> None:
    first = site.kb.by_id["PM-0001"]

    history = [monthly_copy(first, n) for n in range(60)]
    small = build_site(link(history, site.kb.catalog), site.settings, AS_OF)
    lessons = render_page(small, Page("lessons/index.md", "lessons", "", "L"),
                          Linker("lessons/"))
    assert lessons.count('<div class="hs-narrative">') == 10
    told, listed = lessons.split('<p class="hs-older">', 1)
    assert "PM-159/" in told and "PM-150/" in told and "PM-149/" not in told
    assert listed.count("<a href=") == 50 and listed.index("PM-149") < listed.index("PM-100")
    key = first.services[0]
    service = render_page(small, Page(f"services/{key}/index.md", "service", key, key),
                          Linker(f"services/{key}/"))
    table, older = service.split('<p class="hs-older">', 1)
    assert "PM-159/" in table and "PM-110/" in table and "PM-109/" not in table
    assert older.split("</p>")[0].count("<a href=") == 10


def test_a_cause_s_page_names_its_likeliest_suggestions_and_counts_the_rest(
        site: Site) -> None:
    hints = tuple(Suggestion("PM-0003", "queue-backlog", "PM-0002", "disk-full",
                             0.3 + n / 100, ("queue",)) for n in range(30))
    kb = replace(site.kb, suggestions={("PM-0003", "queue-backlog"): hints})
    html = render_page(build_site(kb, site.settings, AS_OF),
                       Page("causes/disk-full/index.md", "cause", "disk-full", "d"),
                       Linker("causes/disk-full/"))
    section = html.split('<h2 id="possibly-the-same">', 1)[1]
    assert section.count("<li>") == 20
    assert "confidence 0.59" in section and "confidence 0.39" not in section
    assert "The 20 likeliest; 10 more, each on its incident" in section


def test_the_incidents_page_shows_the_latest_and_each_year_has_a_page(site: Site) -> None:
    """60 incidents a month apart (five years): the listing shows the latest 50 and links
    every year's page; each incident is on its own year's page and on no other."""
    history = [monthly_copy(site.kb.by_id["PM-0001"], n) for n in range(60)]
    small = build_site(link(history, site.kb.catalog), site.settings, AS_OF)
    listing = render_page(small, Page("incidents/index.md", "incidents", "", "I"),
                          Linker("incidents/"))
    assert "60 in all, the latest 50 below" in listing
    assert listing.count("<tr>") == 51  # the header and 50 incidents
    assert "PM-159/" in listing and "PM-110/" in listing and "PM-109/" not in listing
    years = sorted({pm.started.year for pm in history})
    assert [p.key for p in site_pages(small) if p.kind == "year"] == [str(y) for y in years]
    for year in years:
        assert f'<a href="{year}/">{year}</a>' in listing
    shown = []
    for page in (p for p in site_pages(small) if p.kind == "year"):
        html = render_page(small, page, Linker(page_url(page.src_uri)))
        rows = html.split("<tbody>", 1)[1]
        shown += [pm.id for pm in history if f'href="../{pm.id}/"' in rows]
        assert all(pm.started.year == int(page.key) for pm in history
                   if f'href="../{pm.id}/"' in rows)
    assert sorted(shown) == sorted(pm.id for pm in history)


def test_the_action_items_page_lists_each_team_s_open_items_due_first_and_links_the_rest(
        site: Site) -> None:
    """80 incidents a month apart, each with its items still open: each team's overdue
    items are listed 50 at most, those due first, and its page has them all."""
    first = site.kb.by_id["PM-0001"]
    still_open = replace(first, action_items=tuple(
        replace(i, status="open", completed=None, due=date(2020, 1, 1))
        for i in first.action_items))
    history = [monthly_copy(still_open, n) for n in range(80)]
    small = build_site(link(history, site.kb.catalog), site.settings, AS_OF)
    html = render_page(small, Page("action-items/index.md", "action-items", "", "A"),
                       Linker("action-items/"))
    section = html.split('<h2 id="overdue">', 1)[1].split("<h2", 1)[0]
    owner = first.action_items[0].owner
    mine = sum(1 for pm in history for i in pm.action_items if i.owner == owner)
    assert mine > 50
    team = section.split(f'<h3 id="overdue-{owner}">', 1)[1].split("<h3", 1)[0]
    assert team.count("<tr") - team.count("<thead>") == 50
    assert f"The 50 due first; {mine - 50} more, with all the team's open items, on " \
           f'<a href="../teams/{owner}/#open-action-items">' in team
    team_page = render_page(small, Page(f"teams/{owner}/index.md", "team", owner, owner),
                            Linker(f"teams/{owner}/"))
    listed = team_page.split('id="open-action-items"', 1)[1]
    assert listed.count("<tr") - listed.count("<thead>") == mine
