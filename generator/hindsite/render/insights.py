"""The insights page: patterns across incidents, each chart beside a table of its figures."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta

from hindsite.model import Postmortem
from hindsite.render import charts, views
from hindsite.render.figures import (
    Durations,
    durations,
    format_duration,
    format_share,
    median,
    quarter,
    quarters_between,
)
from hindsite.render.links import Linker
from hindsite.render.site import Site
from hindsite.render.templating import render

TOP_CAUSES = 10
MEASURES = (("to_detect", "Time to detect"), ("to_resolve", "Time to resolve"),
            ("to_tell_customers", "Time to tell customers"),
            ("to_tell_internal", "Time to tell anyone inside"))


@dataclass(frozen=True, slots=True)
class QuarterRow:
    label: str
    counts: tuple[int, ...]
    total: int


@dataclass(frozen=True, slots=True)
class YearRow:
    year: int
    incidents: int
    medians: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RecurringRow:
    named: views.Named
    count: int
    completed_fixes: int
    failed_fixes: int


def insights_page(site: Site, link: Linker) -> str:
    records = sorted(site.newest_first, key=lambda pm: (pm.started, pm.id))
    quarters, quarter_chart = by_quarter(site, records)
    years, year_charts = by_year(records)
    recurring, recurring_chart = recurring_causes(site, link)
    with_recurrence = sum(1 for pm in records if any(
        site.kb.recurrences[(pm.id, c.key)].recurs for c in pm.causes
        if (pm.id, c.key) in site.kb.recurrences))
    done = [o for o in site.kb.outcomes.values() if o.state != "pending"]
    held = sum(1 for o in done if o.state == "held")
    return render("insights.html", levels=site.levels, quarters=quarters,
                  quarter_chart=quarter_chart, years=years, year_charts=year_charts,
                  measures=[title for _key, title in MEASURES], recurring=recurring,
                  recurring_chart=recurring_chart,
                  recurrence_share=format_share(with_recurrence, len(records)),
                  held_share=format_share(held, len(done)), total=len(records),
                  action_items=link.listing("action-items", "fix-outcomes"),
                  causes=link.listing("causes"))


def by_quarter(site: Site, records: list[Postmortem]) -> tuple[list[QuarterRow], charts.Chart]:
    """Incidents per quarter and severity, every quarter from the first incident to the last."""
    counts: Counter[tuple[tuple[int, int], str]] = Counter(
        (quarter(pm.started), pm.severity) for pm in records)
    span = quarters_between(quarter(records[0].started), quarter(records[-1].started)) \
        if records else []
    rows, columns = [], []
    for year, q in span:
        values = tuple(counts[((year, q), level)] for level in site.levels)
        rows.append(QuarterRow(f"{year} Q{q}", values, sum(values)))
        segments = tuple((f"hs-fill-{views.severity_rank(site, level)}", value, level)
                         for level, value in zip(site.levels, values, strict=True) if value)
        axis = str(year) if q == 1 or (year, q) == span[0] else ""
        columns.append(charts.Column(f"{year} Q{q}", axis, segments))
    chart = charts.stacked_columns("incidents-per-quarter",
                                   "Incidents per quarter, by severity", columns)
    return rows, chart


def by_year(records: list[Postmortem]) -> tuple[list[YearRow], list[charts.Chart]]:
    """Median durations per year of the start of impact; years with no data are left out."""
    grouped: dict[int, list[Durations]] = defaultdict(list)
    for pm in records:
        grouped[pm.started.year].append(durations(pm))
    medians = {year: tuple(median(_present(spans, key)) for key, _t in MEASURES)
               for year, spans in sorted(grouped.items())}
    rows = [YearRow(year, len(grouped[year]), tuple(format_duration(m) for m in values))
            for year, values in medians.items()]
    figures = []
    for n, (key, title) in enumerate(MEASURES):
        found = [(year, values[n]) for year, values in medians.items()]
        bars = [(str(year), span.total_seconds() / 3600, format_duration(span))
                for year, span in found if span is not None]
        figures.append(charts.horizontal_bars(f"median-{key.replace('_', '-')}",
                                              f"Median {title.lower()} per year", bars,
                                              label_width=48, bar_width=120))
    return rows, figures


def _present(spans: list[Durations], key: str) -> list[timedelta]:
    values = (getattr(s, key) for s in spans)
    return [v for v in values if v is not None]


def recurring_causes(site: Site, link: Linker) -> tuple[list[RecurringRow], charts.Chart]:
    """The causes seen in more than one incident, the most frequent first."""
    rows = []
    for key, chain in site.kb.occurrences.items():
        if len(chain) < 2:
            continue
        fixes = [views.item_row(site, item, link, key) for pm in chain
                 for item in pm.fixes_for(key) if item.status == "done"]
        failed = sum(1 for f in fixes if f.outcome == "failed")
        rows.append(RecurringRow(views.cause(site, key, link), len(chain), len(fixes), failed))
    rows.sort(key=lambda r: (-r.count, r.named.key))
    rows = rows[:TOP_CAUSES]
    chart = charts.horizontal_bars("recurring-causes", "Causes seen in more than one incident",
                                   [(r.named.name, r.count, str(r.count)) for r in rows])
    return rows, chart
