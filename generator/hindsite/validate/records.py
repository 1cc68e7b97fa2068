"""Build the model values from front matter that has passed the schema.

The schema has already vouched for every type, so this module only converts: times to
aware datetimes, dates to dates, lists to tuples, and attaches each value's position.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hindsite.compose import Positions, YamlPath
from hindsite.diagnostics import Position
from hindsite.model import (
    ActionItem,
    Catalog,
    Cause,
    CauseType,
    Communication,
    Decision,
    Impact,
    Metric,
    Option,
    Postmortem,
    Service,
    Team,
    TimelineEntry,
)
from hindsite.validate.body import Body
from hindsite.validate.schema import parse_time


def build_postmortem(data: dict[str, Any], where: Positions, body_text: str, body_line: int,
                     body: Body) -> Postmortem:
    incident = data["id"]
    return Postmortem(
        path=where.path,
        id=incident,
        id_pos=where.at(("id",)),
        title=data["title"],
        status=data["status"],
        severity=data["severity"],
        started=_time(data["started"]),
        detected=_time(data["detected"]),
        resolved=_time(data["resolved"]) if "resolved" in data else None,
        services=tuple(data["services"]),
        teams=tuple(data["teams"]),
        tags=tuple(data.get("tags", ())),
        impact=_impact(data["impact"]),
        causes=tuple(_cause(c, where, ("causes", n)) for n, c in enumerate(data["causes"])),
        timeline=tuple(TimelineEntry(_time(e["at"]), e["kind"], e["text"],
                                     where.at(("timeline", n, "at")))
                       for n, e in enumerate(data["timeline"])),
        communications=tuple(Communication(_time(c["at"]), c["audience"], c["channel"],
                                           c["summary"], where.at(("communications", n)))
                             for n, c in enumerate(data.get("communications", ()))),
        action_items=tuple(_action_item(incident, a, where, ("action_items", n))
                           for n, a in enumerate(data.get("action_items", ()))),
        options=tuple(Option(o["title"], o["cost"], o["risk"], o.get("recommended", False),
                             where.at(("options", n)), o.get("detail", ""),
                             o.get("chosen", False))
                      for n, o in enumerate(data.get("options", ()))),
        body=body_text,
        body_line=body_line,
        sections=body.sections,
        references=body.references,
        images=body.images,
        mitigated=_time(data["mitigated"]) if "mitigated" in data else None,
        decision=_decision(data["decision"]) if "decision" in data else None,
    )


def _time(text: str) -> datetime:
    parsed = parse_time(text)
    assert parsed is not None, "the schema admits only RFC 3339 times"
    return parsed


def _impact(data: dict[str, Any]) -> Impact:
    metrics = tuple(Metric(m["name"], m["value"], m.get("unit", ""),
                           m.get("audience", "customers"))
                    for m in data.get("metrics", ()))
    return Impact(data["summary"], data.get("customers"), metrics,
                  data.get("customer_summary", ""))


def _decision(data: dict[str, Any]) -> Decision:
    return Decision(date.fromisoformat(data["date"]), data["forum"], data["reason"])


def _cause(data: dict[str, Any], where: Positions, ypath: YamlPath) -> Cause:
    why = data.get("why_earlier_fixes_failed", "")
    not_same = tuple((ident, where.at(ypath + ("not_same_as", n)))
                     for n, ident in enumerate(data.get("not_same_as", ())))
    return Cause(data["key"], data["kind"], data["description"], why, not_same,
                 where.at(ypath), where.at(ypath + ("why_earlier_fixes_failed",)) if why else None)


def _action_item(incident: str, data: dict[str, Any], where: Positions,
                 ypath: YamlPath) -> ActionItem:
    return ActionItem(
        incident=incident, id=data["id"], title=data["title"], kind=data["kind"],
        addresses=tuple(data["addresses"]), owner=data["owner"], status=data["status"],
        due=date.fromisoformat(data["due"]) if "due" in data else None,
        completed=date.fromisoformat(data["completed"]) if "completed" in data else None,
        link=data.get("link", ""), pos=where.at(ypath))


def build_catalog(data: dict[str, Any] | None, where: Positions) -> Catalog:
    """The catalog's entries that have a key; a broken entry is reported, not fatal."""
    data = data or {}

    def entries(section: str) -> list[tuple[dict[str, Any], Position]]:
        items = data.get(section)
        return [(item, where.at((section, n))) for n, item in enumerate(items or [])
                if isinstance(item, dict) and isinstance(item.get("key"), str)]

    def text(item: dict[str, Any], name: str) -> str:
        value = item.get(name, "")
        return value if isinstance(value, str) else str(value)

    teams: dict[str, Team] = {}
    services: dict[str, Service] = {}
    causes: dict[str, CauseType] = {}
    for i, p in entries("teams"):
        teams.setdefault(i["key"], Team(i["key"], text(i, "name"), p))
    for i, p in entries("services"):
        services.setdefault(i["key"], Service(i["key"], text(i, "name"), text(i, "team"), p))
    for i, p in entries("causes"):
        causes.setdefault(i["key"], CauseType(i["key"], text(i, "title"), text(i, "category"),
                                              text(i, "description"), p, text(i, "same_as")))
    return Catalog(where.path, teams, services, causes)
