"""Rules across the fields of one postmortem, and between a postmortem and the catalog.

Each rule is a small function registered with its code; it receives the file's record and
yields diagnostics. Adding a rule touches this module and its fixture, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from hindsite.compose import Positions
from hindsite.diagnostics import Diagnostic, Position, Severity, did_you_mean, rule
from hindsite.model import Catalog, Postmortem

STAGE = "fields"
UNKNOWN_KEY = rule("HS301", "unknown-key", Severity.ERROR,
                   "A team, service or cause key that catalog.yml does not define.", STAGE)
TIME_ORDER = rule("HS302", "time-order", Severity.ERROR,
                  "started, detected, mitigated and resolved go back in time.", STAGE)
TIMELINE_ORDER = rule("HS303", "timeline-order", Severity.ERROR,
                      "A timeline entry is earlier than the one before it.", STAGE)
DUPLICATE_ACTION_ID = rule("HS305", "duplicate-action-id", Severity.ERROR,
                           "Two action items of one file share an id.", STAGE)
UNKNOWN_ADDRESSED_CAUSE = rule("HS306", "unknown-addressed-cause", Severity.ERROR,
                               "An action item addresses a cause this file does not list.", STAGE)
RECOMMENDED_OPTIONS = rule("HS307", "recommended-option", Severity.ERROR,
                           "Options must have exactly one `recommended: true`.", STAGE)
FILE_NAME = rule("HS309", "file-name", Severity.WARNING,
                 "The file name does not start with the postmortem's id.", STAGE)
DUPLICATE_CAUSE = rule("HS310", "duplicate-cause", Severity.ERROR,
                       "The same cause key is listed twice in one postmortem.", STAGE)


@dataclass(frozen=True, slots=True)
class Record:
    """One valid postmortem with the positions of its front matter and the catalog."""

    pm: Postmortem
    where: Positions
    catalog: Catalog | None


FieldRule = Callable[[Record], Iterator[Diagnostic]]
FIELD_RULES: list[FieldRule] = []


def field_rule(check: FieldRule) -> FieldRule:
    FIELD_RULES.append(check)
    return check


def check_fields(record: Record) -> Iterator[Diagnostic]:
    for check in FIELD_RULES:
        yield from check(record)


def unknown_key_message(kind: str, key: str, known: list[str], catalog_path: str) -> str:
    return (f"unknown {kind} '{key}'{did_you_mean(key, known)} "
            f"({kind}s are listed in {catalog_path})")


def unknown_catalog_keys(data: Mapping[str, Any], where: Positions,
                         catalog: Catalog | None) -> Iterator[Diagnostic]:
    """Keys the catalog does not list, read from the front matter as written: it needs no
    valid record, so a missing field elsewhere does not hide an unknown team or service."""
    if catalog is None:
        return
    lists = (("service", ("services",), catalog.services), ("team", ("teams",), catalog.teams),
             ("cause", ("causes", "key"), catalog.causes),
             ("team", ("action_items", "owner"), catalog.teams))
    for kind, (field_name, *inner), known in lists:
        for n, key in _keys_in(data.get(field_name), inner):
            if key not in known:
                yield UNKNOWN_KEY.at(where.at((field_name, n, *inner)),
                                     unknown_key_message(kind, key, list(known), catalog.path))


def _keys_in(value: Any, inner: list[str]) -> Iterator[tuple[int, str]]:
    """(index, key) of each text key in a list, or in one field of each mapping of a list."""
    if not isinstance(value, list):
        return
    for n, item in enumerate(value):
        if inner:
            item = item.get(inner[0]) if isinstance(item, dict) else None
        if isinstance(item, str):
            yield n, item


@field_rule
def times_in_order(record: Record) -> Iterator[Diagnostic]:
    pm, where = record.pm, record.where
    if pm.detected < pm.started:
        yield TIME_ORDER.at(where.at(("detected",)),
                            "detected is before started; impact cannot be noticed before it "
                            "begins: check both times and their offsets")
    if pm.resolved is not None and pm.resolved < pm.detected:
        yield TIME_ORDER.at(where.at(("resolved",)),
                            "resolved is before detected; check both times and their offsets")
    if pm.mitigated is not None and pm.mitigated < pm.started:
        yield TIME_ORDER.at(where.at(("mitigated",)),
                            "mitigated is before started; the impact cannot end before it "
                            "begins: check both times and their offsets")
    elif pm.mitigated is not None and pm.resolved is not None and pm.resolved < pm.mitigated:
        yield TIME_ORDER.at(where.at(("resolved",)),
                            "resolved is before mitigated; the fix is confirmed after the impact "
                            "ends: check both times and their offsets")


@field_rule
def timeline_in_order(record: Record) -> Iterator[Diagnostic]:
    entries = record.pm.timeline
    for before, entry in zip(entries, entries[1:], strict=False):
        if entry.at < before.at:
            yield TIMELINE_ORDER.at(entry.pos, f"this entry ({entry.at.isoformat()}) is earlier "
                                    f"than the one before it ({before.at.isoformat()}); "
                                    "put the timeline in chronological order")


@field_rule
def action_ids_unique(record: Record) -> Iterator[Diagnostic]:
    seen: dict[str, Position] = {}
    for n, item in enumerate(record.pm.action_items):
        pos = record.where.at(("action_items", n, "id"))
        if item.id in seen:
            yield DUPLICATE_ACTION_ID.at(pos, f"action item id {item.id} is already used at line "
                                         f"{seen[item.id].line}; number it differently",
                                         related=(seen[item.id],))
        else:
            seen[item.id] = pos


@field_rule
def addresses_listed_causes(record: Record) -> Iterator[Diagnostic]:
    listed = [c.key for c in record.pm.causes]
    for n, item in enumerate(record.pm.action_items):
        for m, key in enumerate(item.addresses):
            if key not in listed:
                yield UNKNOWN_ADDRESSED_CAUSE.at(
                    record.where.at(("action_items", n, "addresses", m)),
                    f"action item {item.id} addresses '{key}', which is not among this "
                    f"file's causes ({', '.join(listed)}){did_you_mean(key, listed)}")


@field_rule
def causes_unique(record: Record) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for n, cause in enumerate(record.pm.causes):
        if cause.key in seen:
            yield DUPLICATE_CAUSE.at(record.where.at(("causes", n, "key")),
                                     f"cause '{cause.key}' is listed twice; merge the entries")
        seen.add(cause.key)


@field_rule
def one_recommended_option(record: Record) -> Iterator[Diagnostic]:
    options = record.pm.options
    if not options:
        return
    recommended = [n for n, o in enumerate(options) if o.recommended]
    if not recommended:
        yield RECOMMENDED_OPTIONS.at(record.where.at(("options",)),
                                     "no option is recommended; mark the one you recommend "
                                     "with 'recommended: true'")
    for n in recommended[1:]:
        yield RECOMMENDED_OPTIONS.at(
            record.where.at(("options", n, "recommended")),
            f"a second option is recommended (the first is '{options[recommended[0]].title}'); "
            "exactly one option is recommended")


@field_rule
def file_named_by_id(record: Record) -> Iterator[Diagnostic]:
    name = PurePosixPath(record.pm.path).name
    if not re.match(re.escape(record.pm.id) + r"(?![A-Za-z0-9])", name):
        yield FILE_NAME.at(record.pm.id_pos, f"the file name '{name}' does not start with its id; "
                           f"rename it to {record.pm.id}-<slug>.md")
