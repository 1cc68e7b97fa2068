"""Derived figures: durations, medians and shares, and how they are written on the site.

Every figure is a function of the records alone, never of the clock: the one date that is
not in the data, the day action items are judged overdue on, is passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from hindsite.model import ActionItem, Postmortem

OPEN_STATUSES = ("open", "in-progress")
OUTSIDE_AUDIENCES = ("customers", "public", "partners")
"""Who counts as told for "time to tell customers"; every other audience is internal."""
SPELLED = {"wont-do": "Won't do"}
"""Values that do not read right with their dashes made spaces."""


@dataclass(frozen=True, slots=True)
class Durations:
    """How long each phase of an incident took; None where the record does not say."""

    to_detect: timedelta
    to_resolve: timedelta | None
    impact: timedelta | None
    to_tell_customers: timedelta | None
    to_tell_internal: timedelta | None


def durations(pm: Postmortem) -> Durations:
    """Time to detect (impact began → detected), to resolve (detected → resolved), how long
    the impact lasted (to `mitigated` when recorded, else to `resolved`), and from detection
    to the first message to customers, the public or partners, and to anyone inside."""
    ended = pm.impact_ended
    return Durations(
        to_detect=pm.detected - pm.started,
        to_resolve=pm.resolved - pm.detected if pm.resolved else None,
        impact=ended - pm.started if ended else None,
        to_tell_customers=_to_first(pm, outside=True),
        to_tell_internal=_to_first(pm, outside=False),
    )


def _to_first(pm: Postmortem, outside: bool) -> timedelta | None:
    first = min((c.at for c in pm.communications
                 if (c.audience in OUTSIDE_AUDIENCES) == outside), default=None)
    return max(first - pm.detected, timedelta(0)) if first else None


def is_open(item: ActionItem) -> bool:
    return item.status in OPEN_STATUSES


def is_overdue(item: ActionItem, as_of: date) -> bool:
    """Still open after its due date, judged on the day `as_of`."""
    return is_open(item) and item.due is not None and item.due < as_of


def format_duration(span: timedelta | None) -> str:
    """'45 min', '6 h 50 min', '52 h 48 min': exact to the minute and never rounded to days,
    so that two figures for one span can never disagree."""
    if span is None:
        return "—"
    minutes = max(int(span.total_seconds() // 60), 0)
    hours, minute = divmod(minutes, 60)
    if hours:
        return f"{hours:,} h {minute} min" if minute else f"{hours:,} h"
    return f"{minute} min"


def format_moment(moment: datetime | None) -> str:
    """A time in its own offset, as written: '2021-02-22 15:40 UTC' or '... UTC+01:00'."""
    if moment is None:
        return "—"
    return f"{moment:%Y-%m-%d %H:%M} {zone_name(moment)}"


def format_when(moment: datetime, like: datetime) -> str:
    """A time written out in another time's offset, as a notice states it:
    'Tue 23 Feb 2021, 09:10 UTC+01:00'. Drafts give every time in the incident's own offset."""
    local = moment.astimezone(like.tzinfo)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {zone_name(local)}"


def zone_name(moment: datetime) -> str:
    """'UTC' or 'UTC+01:00'."""
    offset = moment.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    sign = "-" if offset < timedelta(0) else "+"
    hours, rest = divmod(int(abs(offset.total_seconds())) // 60, 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def format_day(day: date | datetime | None) -> str:
    if day is None:
        return "—"
    return f"{day:%Y-%m-%d}"


def format_number(value: int | float) -> str:
    """1284 → '1,284'; 12.5 → '12.5'."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,}"
    return f"{int(value):,}"


def format_share(part: int, whole: int) -> str:
    """'3 of 4 (75%)', or 'none yet' when there is nothing to count."""
    if not whole:
        return "none yet"
    return f"{part} of {whole} ({round(100 * part / whole)}%)"


def median(spans: Iterable[timedelta]) -> timedelta | None:
    """The middle value; with an even count, halfway between the two middle ones."""
    values = sorted(spans)
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return values[middle - 1] + (values[middle] - values[middle - 1]) / 2


def quarter(moment: datetime) -> tuple[int, int]:
    return moment.year, (moment.month - 1) // 3 + 1


def quarters_between(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every quarter from `first` to `last`, so that empty quarters show as gaps."""
    found = []
    year, q = first
    while (year, q) <= last:
        found.append((year, q))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return found


def sentence(text: str) -> str:
    """Text with its first letter capitalised, as a table cell starts."""
    return text[:1].upper() + text[1:]


def label(value: str) -> str:
    """An enum value as a heading: 'monitoring-gap' → 'Monitoring gap'."""
    if value in SPELLED:
        return SPELLED[value]
    text = value.replace("-", " ").replace("_", " ")
    return text[:1].upper() + text[1:]
