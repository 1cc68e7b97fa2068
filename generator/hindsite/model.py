"""Plain frozen values passed between the stages: the catalog and the postmortems.

The raw YAML mapping never leaves load and validate; everything after works on these.
Every value that came from a file carries the `Position` a diagnostic about it points at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from hindsite.diagnostics import Position

REFERENCE_RE = re.compile(r"(?<![\w/-])([A-Z][A-Z0-9]*-[0-9]+)(?:/(A[0-9]+))?(?![\w-])")
"""An incident or action-item id as a body mentions it: PM-0007, PM-0007/A2."""
PREVENTION_KINDS = ("prevent", "detect", "process")
"""The kinds of action item that keep a cause from coming back, or catch it sooner."""
NAMED = 3
"""How many related records a page or a message names before it counts the rest: earlier
and later occurrences of a cause, the incidents a fixed cause came back in, and (unless
configured otherwise) the suggestions shown for a cause."""


@dataclass(frozen=True, slots=True)
class Team:
    key: str
    name: str
    pos: Position


@dataclass(frozen=True, slots=True)
class Service:
    key: str
    name: str
    team: str
    pos: Position


@dataclass(frozen=True, slots=True)
class CauseType:
    """A cause as the catalog defines it: the shared key postmortems refer to."""

    key: str
    title: str
    category: str
    description: str
    pos: Position
    same_as: str = ""
    """Another key judged to be the same cause, or "": see `Catalog.resolve`."""


@dataclass(frozen=True, slots=True)
class Catalog:
    path: str
    teams: dict[str, Team]
    services: dict[str, Service]
    causes: dict[str, CauseType]

    def resolve(self, key: str) -> str:
        """The key a cause's history is kept under: `same_as` followed to the end of its
        chain. A key whose links end in a loop or at an unknown key (errors the catalog's
        check reports) keeps its own history."""
        seen = [key]
        entry = self.causes.get(key)
        while entry is not None and entry.same_as:
            if entry.same_as in seen or entry.same_as not in self.causes:
                return key
            seen.append(entry.same_as)
            entry = self.causes[entry.same_as]
        return seen[-1]


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    value: int | float
    unit: str
    audience: str = "customers"
    """`internal` keeps the figure out of customer-facing drafts."""


@dataclass(frozen=True, slots=True)
class Impact:
    summary: str
    customers: int | None
    metrics: tuple[Metric, ...]
    customer_summary: str = ""
    """What customers saw, in words fit to send them; `summary` is internal and never is."""


@dataclass(frozen=True, slots=True)
class Cause:
    """One cause entry of a postmortem; `pos` is the start of its mapping."""

    key: str
    kind: str
    description: str
    why_earlier_fixes_failed: str
    not_same_as: tuple[tuple[str, Position], ...]
    pos: Position
    why_pos: Position | None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str
    text: str
    pos: Position


@dataclass(frozen=True, slots=True)
class Communication:
    at: datetime
    audience: str
    channel: str
    summary: str
    pos: Position


@dataclass(frozen=True, slots=True)
class ActionItem:
    incident: str
    id: str
    title: str
    kind: str
    addresses: tuple[str, ...]
    owner: str
    status: str
    due: date | None
    completed: date | None
    link: str
    pos: Position

    @property
    def ref(self) -> str:
        """The id other files use for this item, e.g. `PM-0042/A1`."""
        return f"{self.incident}/{self.id}"


@dataclass(frozen=True, slots=True)
class Option:
    title: str
    cost: str
    risk: str
    recommended: bool
    pos: Position
    detail: str = ""
    chosen: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """The choice among the options: when, by which forum or role (never a person), and why."""

    date: date
    forum: str
    reason: str


@dataclass(frozen=True, slots=True)
class Reference:
    """An incident or action-item id written in a body, e.g. `PM-0007` or `PM-0007/A2`."""

    target: str
    pos: Position


@dataclass(frozen=True, slots=True)
class PublishedImage:
    """A narrative image checked by its content, published at `address` (relative to the
    site's root, chosen by hindsite), never where `src` points."""

    src: str
    """The image's URL as the narrative's Markdown parser reads it."""
    address: str
    source: str
    """The file it was read from."""
    content: bytes | None
    """The bytes to publish when they differ from the file's (a sanitised SVG)."""


@dataclass(frozen=True, slots=True)
class Postmortem:
    path: str
    id: str
    id_pos: Position
    title: str
    status: str
    severity: str
    started: datetime
    detected: datetime
    resolved: datetime | None
    services: tuple[str, ...]
    teams: tuple[str, ...]
    tags: tuple[str, ...]
    impact: Impact
    causes: tuple[Cause, ...]
    timeline: tuple[TimelineEntry, ...]
    communications: tuple[Communication, ...]
    action_items: tuple[ActionItem, ...]
    options: tuple[Option, ...]
    body: str
    body_line: int
    sections: dict[str, tuple[int, int]]
    references: tuple[Reference, ...]
    images: tuple[Reference, ...] = ()
    """Relative image paths in the narrative, as written."""
    image_files: tuple[PublishedImage, ...] = ()
    """The images the site publishes, once each has been read and checked."""
    mitigated: datetime | None = None
    """When the impact ended, if before `resolved` (when the fix was confirmed)."""
    decision: Decision | None = None

    @property
    def impact_ended(self) -> datetime | None:
        """Where impact is measured to: `mitigated` when recorded, else `resolved`."""
        return self.mitigated or self.resolved

    @property
    def chosen_option(self) -> Option | None:
        return next((o for o in self.options if o.chosen), None)

    @property
    def cause_keys(self) -> frozenset[str]:
        return frozenset(c.key for c in self.causes)

    def fixes_for(self, key: str | frozenset[str]) -> tuple[ActionItem, ...]:
        """This incident's fixes for a cause: its action items that address the key, or any
        of the keys merged into one cause (`same_as`)."""
        if isinstance(key, str):
            return tuple(item for item in self.action_items if key in item.addresses)
        return tuple(item for item in self.action_items if not key.isdisjoint(item.addresses))

    def section(self, title: str) -> str:
        """The Markdown of a level-2 section, matched case-insensitively; '' if absent."""
        span = self.sections.get(normalise_heading(title))
        if span is None:
            return ""
        return "\n".join(self.body.split("\n")[span[0]:span[1]]).strip()


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An earlier cause that reads like this one although it was filed under another key.

    `shared_terms` are the terms compared (stems, concepts); `shared_words` are the same
    terms as the writer of this incident spelt them, which messages and pages show."""

    incident: str
    cause: str
    earlier_incident: str
    earlier_cause: str
    score: float
    """The calibrated probability that the two are the same cause (confidence.py)."""
    shared_terms: tuple[str, ...]
    shared_words: tuple[str, ...] = ()
    band: str = "likely"
    """likely (reported by `hindsite check`) or possible (shown on the incident page)."""
    similarity: float = 0.0
    """The text score the probability was worked out from."""
    agreeing: tuple[str, ...] = ()
    """Which parts of the two records agree: catalog titles, descriptions, the "why"
    sections, the categories."""


def normalise_heading(title: str) -> str:
    """Section titles match whatever the case and spacing, as a reader would expect."""
    return " ".join(title.split()).casefold()
