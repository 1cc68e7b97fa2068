"""Every incident as one CSV row, for spreadsheets and dashboards.

The row is flattened from the incident's record in incidents.json (`data.incident_record`),
so the two exports never disagree; lists are joined with "; ". The columns, in order, are
`COLUMNS`, each documented beside its name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from hindsite.render.data import incident_record
from hindsite.render.site import Site

Record = dict[str, Any]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _joined(values: list[Any]) -> str:
    return "; ".join(str(v) for v in values)


def _minutes(record: Record, span: str) -> str:
    seconds = record["durations_seconds"][span]
    return "" if seconds is None else f"{seconds / 60:g}"


def _items(record: Record, test: Callable[[Record], bool]) -> int:
    return sum(1 for item in record["action_items"] if test(item))


def _recurring(record: Record) -> list[str]:
    return [c["key"] for c in record["causes"] if c["recurrence"] and c["recurrence"]["previous"]]


def _previous(record: Record) -> list[str]:
    found = [c["recurrence"]["previous"] for c in record["causes"]
             if c["recurrence"] and c["recurrence"]["previous"]]
    return list(dict.fromkeys(found))


COLUMNS: dict[str, tuple[str, Callable[[Record], object]]] = {
    "id": ("the incident's id", lambda r: r["id"]),
    "title": ("its title", lambda r: r["title"]),
    "status": ("draft, review or published", lambda r: r["status"]),
    "severity": ("its severity level", lambda r: r["severity"]),
    "started": ("when the impact began (RFC 3339, as written)", lambda r: r["started"]),
    "detected": ("when someone noticed", lambda r: r["detected"]),
    "resolved": ("when the fix was confirmed; empty while unresolved",
                 lambda r: r["resolved"] or ""),
    "services": ("service keys", lambda r: _joined(r["services"])),
    "teams": ("owning team keys", lambda r: _joined(r["teams"])),
    "tags": ("tags", lambda r: _joined(r["tags"])),
    "customers": ("customers affected; empty when not recorded",
                  lambda r: "" if r["impact"]["customers"] is None else r["impact"]["customers"]),
    "impact_summary": ("the impact in words", lambda r: r["impact"]["summary"]),
    "causes": ("cause keys", lambda r: _joined([c["key"] for c in r["causes"]])),
    "recurring_causes": ("cause keys that occurred in an earlier incident",
                         lambda r: _joined(_recurring(r))),
    "previous_incidents": ("the latest earlier incident of each recurring cause",
                           lambda r: _joined(_previous(r))),
    "minutes_to_detect": ("detected - started", lambda r: _minutes(r, "to_detect")),
    "minutes_to_resolve": ("resolved - detected", lambda r: _minutes(r, "to_resolve")),
    "minutes_of_impact": ("how long the impact lasted", lambda r: _minutes(r, "impact")),
    "minutes_to_tell_customers": ("first communication to customers, partners or the public "
                                  "- detected", lambda r: _minutes(r, "to_tell_customers")),
    "minutes_to_tell_internal": ("first internal communication - detected",
                                 lambda r: _minutes(r, "to_tell_internal")),
    "action_items": ("how many action items", lambda r: len(r["action_items"])),
    "action_items_done": ("how many are done",
                          lambda r: _items(r, lambda i: i["status"] == "done")),
    "action_items_open": ("how many are open or in progress",
                          lambda r: _items(r, lambda i: i["status"] in ("open", "in-progress"))),
    "fixes_held": ("completed fixes whose causes have not come back since",
                   lambda r: _items(r, lambda i: i["outcome"] == "held")),
    "fixes_failed": ("completed fixes whose cause came back later",
                     lambda r: _items(r, lambda i: i["outcome"] == "failed")),
    "url": ("the incident's page, relative to the site root", lambda r: r["url"]),
}
"""The CSV columns, in order: name -> (what it holds, how it is read from the record)."""


def incidents_csv(site: Site, directory_urls: bool = True) -> str:
    """A header row, then one row per incident, oldest first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for pm in sorted(site.kb.by_id.values(), key=lambda p: (p.started, p.id)):
        record = incident_record(site.kb, pm, directory_urls)
        writer.writerow([_cell(read(record)) for _doc, read in COLUMNS.values()])
    return out.getvalue()


def _cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice),
    so that nothing a postmortem says is executed when the file is opened."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value
