"""Rules across files: unique ids, references in bodies, and "why didn't that fix everything?".

They run on the linked knowledge base, after every file has been read, so that one broken
file never hides another's problems: ids claimed by invalid files still count as existing.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from hindsite.diagnostics import Diagnostic, Position, Severity, rule
from hindsite.link import KnowledgeBase, earlier_fix_summary
from hindsite.model import NAMED, Cause, Postmortem, Suggestion

DUPLICATE_ID = rule("HS304", "duplicate-id", Severity.ERROR,
                    "Two files claim the same incident id.", "fields")
UNKNOWN_REFERENCE = rule("HS405", "unknown-reference", Severity.ERROR,
                         "The body mentions an incident or action item that does not exist.",
                         "body")
MISSING_WHY = rule("HS501", "missing-why-earlier-fixes-failed", Severity.ERROR,
                   "A recurring cause whose earlier fix was completed, or was due and not "
                   "delivered, must say why it did not prevent this (a warning until "
                   "published).", "recurrence")
WHY_WITHOUT_HISTORY = rule("HS502", "why-without-earlier-occurrence", Severity.WARNING,
                           "why_earlier_fixes_failed on a cause no earlier incident lists: the "
                           "key is probably not the one they used.", "recurrence")
UNKNOWN_NOT_SAME_AS = rule("HS504", "unknown-not-same-as", Severity.ERROR,
                           "not_same_as names an incident that does not exist.", "recurrence")
POSSIBLY_SAME = rule("HS503", "possibly-same-cause", Severity.INFO,
                     "An earlier incident's cause is likely the same cause as this one but was "
                     "filed under another key: reuse its key, say so with same_as in the "
                     "catalog, or list the incident in not_same_as.",
                     "recurrence")


def duplicate_ids(claims: dict[str, list[Position]]) -> Iterator[Diagnostic]:
    """An id shared by several files is an error on each of them, naming the others."""
    for ident, places in claims.items():
        if len(places) < 2:
            continue
        for pos in places:
            others = ", ".join(p.path for p in places if p != pos)
            yield DUPLICATE_ID.at(pos, f"id {ident} is also used by {others}; "
                                  "give each incident its own id",
                                  related=tuple(p for p in places if p != pos))


def unknown_references(kb: KnowledgeBase, known_ids: set[str]) -> Iterator[Diagnostic]:
    """Only ids with a prefix the knowledge base uses count, so UTF-8 or SHA-256 stay text."""
    prefixes = {ident.rsplit("-", 1)[0] for ident in known_ids}
    for pm in kb.by_id.values():
        for ref in pm.references:
            incident, _, item = ref.target.partition("/")
            if incident.rsplit("-", 1)[0] not in prefixes:
                continue
            if incident not in known_ids:
                yield UNKNOWN_REFERENCE.at(ref.pos, f"{incident} is not an incident of this "
                                           "knowledge base; check the id")
            elif item and incident in kb.by_id and \
                    item not in {a.id for a in kb.by_id[incident].action_items}:
                yield UNKNOWN_REFERENCE.at(ref.pos, f"{incident} has no action item {item}")


def recurrence_rules(kb: KnowledgeBase) -> Iterator[Diagnostic]:
    """Asks each recurrence whether it recurs, never for its earlier incidents: those are
    built from the cause's whole chain, and only a message may pay for them."""
    for pm in kb.by_id.values():
        published = pm.status == "published"
        for cause in pm.causes:
            recurrence = kb.recurrence(pm.id, cause.key)
            if recurrence.needs_answer and not cause.why_earlier_fixes_failed:
                yield MISSING_WHY.at(
                    cause.pos,
                    f"cause '{cause.key}' came back after an earlier fix was completed or fell "
                    f"due: {earlier_fix_summary(recurrence)} (earlier incidents: "
                    f"{', '.join(recurrence.earlier)}); add why_earlier_fixes_failed to this "
                    "cause: why didn't that fix everything?",
                    severity=Severity.ERROR if published else Severity.WARNING)
            if cause.why_earlier_fixes_failed and not recurrence.recurs:
                yield WHY_WITHOUT_HISTORY.at(
                    cause.why_pos or cause.pos,
                    f"no earlier incident lists cause '{cause.key}', so there is no earlier fix "
                    "to explain; use the key the earlier incidents used, or remove "
                    "why_earlier_fixes_failed")


def unknown_not_same_as(kb: KnowledgeBase, known_ids: set[str]) -> Iterator[Diagnostic]:
    for pm in kb.by_id.values():
        for cause in pm.causes:
            for ident, pos in cause.not_same_as:
                if ident not in known_ids:
                    yield UNKNOWN_NOT_SAME_AS.at(pos, f"not_same_as names {ident}, which is not "
                                                 "an incident of this knowledge base")


def suggestion_diagnostics(kb: KnowledgeBase, shown: int = NAMED) -> Iterator[Diagnostic]:
    """One info diagnostic for each earlier cause a cause is likely the same as (possible ones
    are left to the incident page), naming the earlier incidents judged likely and the latest
    others filed under that key; `(1 of 2)` keeps the ranking in the sorted report."""
    histories: dict[str, History] = {}
    for (incident, key), ranked in kb.suggestions.items():
        by_key: dict[str, list[Suggestion]] = {}
        for hint in ranked:
            if hint.band == "likely":
                by_key.setdefault(hint.earlier_cause, []).append(hint)
        if not by_key:
            continue
        pm = kb.by_id[incident]
        cause = next(c for c in pm.causes if c.key == key)
        listed = list(by_key.items())[:shown]
        for rank, (earlier, hints) in enumerate(listed, 1):
            if earlier not in histories:
                histories[earlier] = History.of(kb.history(earlier))
            named = earlier_occurrences(kb, pm, cause, histories[earlier],
                                        [h.earlier_incident for h in hints])
            yield POSSIBLY_SAME.at(cause.pos, f"({rank} of {len(listed)}) "
                                   + likely_message(key, earlier, hints, named))


@dataclass(frozen=True, slots=True)
class Named:
    """The earlier incidents a suggestion names, and how many earlier ones it leaves out."""
    likely: list[str]
    others: list[str]
    untold: int


@dataclass(frozen=True, slots=True)
class History:
    """A key's history, oldest first, with where each incident of it stands: made once per
    key, so that placing a suggestion in it costs a search, not a walk (a key can have
    thousands of occurrences, and as many suggestions name it)."""

    chain: tuple[Postmortem, ...]
    starts: list[datetime]
    places: dict[str, list[int]]

    @classmethod
    def of(cls, chain: tuple[Postmortem, ...]) -> History:
        places: dict[str, list[int]] = {}
        for n, other in enumerate(chain):
            places.setdefault(other.id, []).append(n)
        return cls(chain, [other.started for other in chain], places)

    def among_first(self, count: int, idents: Iterable[str]) -> int:
        """How many of the first `count` occurrences are incidents of `idents`."""
        return sum(bisect.bisect_left(self.places.get(ident, []), count)
                   for ident in set(idents))


def earlier_occurrences(kb: KnowledgeBase, pm: Postmortem, cause: Cause, history: History,
                        likely: list[str], most: int = NAMED) -> Named:
    """The incidents judged likely, then the latest `most` other earlier occurrences of that
    cause (a `same_as` on the key would make them all this cause's history), except those
    `not_same_as` silences and those that list this cause's key; the rest are counted.

    Walks back from the newest earlier occurrence and stops once enough are named, so a
    cause with a long history costs no more than a short one."""
    silenced = {ident for ident, _pos in cause.not_same_as} | set(likely)
    own = kb.catalog.resolve(cause.key)
    chain = history.chain
    before = bisect.bisect_left(history.starts, pm.started)
    others: list[str] = []
    index = before
    while index > 0 and len(others) < most:
        index -= 1
        other = chain[index]
        if other.id not in silenced and own not in {kb.catalog.resolve(k)
                                                    for k in other.cause_keys}:
            others.append(other.id)
    untold = index - history.among_first(index, likely)
    return Named(likely, others, untold)


def likely_message(key: str, earlier: str, hints: list[Suggestion], named: Named) -> str:
    """What matched and what to do: the shared mechanism words, the parts that agree."""
    best = hints[0]
    incidents = ", ".join(named.likely + named.others)
    if named.untold:
        incidents += f" and {named.untold} earlier incident{'s' * (named.untold > 1)}"
    agree = f"; {spoken_list(best.agreeing)} agree" if best.agreeing else ""
    shared = ", ".join(best.shared_words) or "none"
    return (f"cause '{key}' is likely the same cause as '{earlier}' of {incidents} (confidence "
            f"{best.score:.2f}; shared: {shared}{agree}); if it is, use key '{earlier}' or set "
            f"'same_as: {earlier}' on '{key}' in the catalog, else add "
            f"{', '.join(named.likely)} to this cause's not_same_as")


def spoken_list(items: tuple[str, ...]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join(items) if len(items) < 3 else f"{', '.join(items[:-1])} and {items[-1]}"
