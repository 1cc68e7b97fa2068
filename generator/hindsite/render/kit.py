"""The communication kit: three plain-text drafts filled from a postmortem's record.

Each follows the shape of its guide in hindsite/guides/communication/: an executive brief (the
options become the decision asked for), a customer notice (no teams, no causes' internal
detail, no blame) and a status update. Whatever the record does not say is left as a
`{placeholder}` for the writer to fill, never invented.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from hindsite.link import KnowledgeBase
from hindsite.model import ActionItem, Postmortem
from hindsite.render.figures import (
    durations,
    format_day,
    format_duration,
    format_moment,
    format_number,
    is_open,
    is_overdue,
)
from hindsite.render.site import Site
from hindsite.render.views import latest_earlier


@dataclass(frozen=True, slots=True)
class Draft:
    key: str
    title: str
    audience: str
    text: str


def communication_kit(site: Site, pm: Postmortem) -> tuple[Draft, ...]:
    return (
        Draft("executive-brief", "Executive brief", "leadership", executive_brief(site, pm)),
        Draft("customer-notice", "Customer notice", "customers", customer_notice(pm)),
        Draft("status-update", "Status update", "everyone affected", status_update(pm)),
    )


def executive_brief(site: Site, pm: Postmortem) -> str:
    spans = durations(pm)
    sections = [
        [f"{pm.id}: {pm.title}  ({pm.severity}, {pm.status})"],
        ["What happened", pm.impact.summary, _span_sentence(pm)],
        ["Why", *_why(pm)],
        ["The fallout in numbers", *_figures(pm),
         f"- Time to detect: {format_duration(spans.to_detect)}; time to resolve after "
         f"detection: {format_duration(spans.to_resolve)}"],
        ["What is already done", *(_bullets(
            f"{i.title}, {format_day(i.completed)}" for i in pm.action_items
            if i.status == "done") or ["- Nothing recorded as done yet."])],
        ["What is still needed", *(_bullets(
            f"{i.title}, owner {_team_name(site.kb, i.owner)}, due {format_day(i.due)}"
            + (" (overdue)" if is_overdue(i, site.as_of) else "")
            for i in pm.action_items if is_open(i)) or ["- No open action items."])],
        ["What we need from you", *_decision(pm)],
        ["How we prevent a repeat", *_prevention(pm), *_recurring(site.kb, pm)],
    ]
    return _join(sections)


def customer_notice(pm: Postmortem) -> str:
    spans = durations(pm)
    until = f" to {format_moment(pm.resolved)} ({format_duration(spans.impact)})" \
        if pm.resolved else ", and it is not over yet"
    affected = _figures(pm) or ["{who was affected, with figures}"]
    fixed = _bullets(i.title for i in pm.action_items
                     if i.kind == "mitigate" and i.status == "done")
    sections = [
        [f"Subject: Resolved: {pm.title}" if pm.resolved else f"Subject: {pm.title}"],
        ["What happened:", pm.impact.summary],
        ["How long:", f"From {format_moment(pm.started)}{until}."],
        ["Who was affected:", *affected],
        ["What we fixed:", *(fixed or ["{what was done to end the impact}"]),
         "{what you may still need to do, and how we help}"],
        ["What will prevent a repeat:", *(_bullets(_promise(i) for i in pm.action_items
                                                   if i.kind in ("prevent", "detect")
                                                   and i.status != "wont-do")
                                          or ["{each change, and when it will be in place}"])],
        ["Questions:", "{support inbox | account manager | status page}"],
    ]
    return _join(sections)


def status_update(pm: Postmortem) -> str:
    latest = pm.timeline[-1]
    when = pm.resolved or latest.at
    if pm.resolved:
        changed = f"Resolved at {format_moment(pm.resolved)}. {_last_step(pm)}"
        impact = f"None since {format_moment(pm.resolved)}. While it lasted: " \
                 f"{pm.impact.summary}"
        next_update = "None planned: a resolution notice with the full story follows."
    else:
        changed, impact = latest.text, pm.impact.summary
        next_update = "{exact time and time zone}"
    sections = [
        [f"Update: {pm.title}, {format_moment(when)}"],
        ["What changed since the last update:", changed.strip()],
        ["Current impact:", impact],
        ["What we are doing next:", *(_bullets(
            f"{i.title}, by {format_day(i.due)}" for i in pm.action_items if is_open(i))
            or ["{next step}"])],
        ["What you should do:", "{nothing | the new advice}"],
        ["Next update:", next_update],
    ]
    return _join(sections)


def _join(sections: list[list[str]]) -> str:
    return "\n\n".join("\n".join(lines) for lines in sections) + "\n"


def _bullets(lines: Iterator[str]) -> list[str]:
    return [f"- {line}" for line in lines]


def _span_sentence(pm: Postmortem) -> str:
    if pm.resolved is None:
        return f"Impact began {format_moment(pm.started)} and is not over yet."
    return (f"Impact from {format_moment(pm.started)} to {format_moment(pm.resolved)} "
            f"({format_duration(durations(pm).impact)}).")


def _why(pm: Postmortem) -> Iterator[str]:
    for kind, lead in (("root", ""), ("trigger", "Trigger: "), ("contributing", "Made worse by: ")):
        texts = [c.description.strip() for c in pm.causes if c.kind == kind]
        if texts:
            yield lead + " ".join(texts)


def _figures(pm: Postmortem) -> list[str]:
    lines = [f"- Customers affected: {format_number(pm.impact.customers)}"] \
        if pm.impact.customers is not None else []
    for m in pm.impact.metrics:
        lines.append(f"- {m.name[:1].upper()}{m.name[1:]}: {format_number(m.value)} {m.unit}"
                     .rstrip())
    return lines


def _decision(pm: Postmortem) -> list[str]:
    if not pm.options:
        return ["- {decision, approval or support}, by {date}"]
    ordered = sorted(pm.options, key=lambda o: not o.recommended)
    lines = ["- A decision between these options to prevent a repeat; we recommend the first:"]
    for n, option in enumerate(ordered, start=1):
        note = ", recommended" if option.recommended else ""
        lines.append(f"  {n}. {option.title} (cost {option.cost}, risk {option.risk}{note})")
    return lines


def _prevention(pm: Postmortem) -> list[str]:
    return _bullets(_promise(i) for i in pm.action_items
                    if i.kind in ("prevent", "detect") and i.status != "wont-do")


def _promise(item: ActionItem) -> str:
    if item.status == "done":
        return f"{item.title}: in place since {format_day(item.completed)}"
    return f"{item.title}: by {format_day(item.due)}"


def _recurring(kb: KnowledgeBase, pm: Postmortem) -> Iterator[str]:
    for cause in pm.causes:
        recurrence = kb.recurrences.get((pm.id, cause.key))
        if recurrence is None or not recurrence.recurs:
            continue
        latest = latest_earlier(recurrence, 3)
        seen = ", ".join(f"{pm.id} ({format_day(pm.started)})" for pm in reversed(latest))
        more = recurrence.earlier_end - len(latest)
        yield f"This cause has happened before: {seen}" + (f" and {more} times more." if more
                                                             else ".")
        if cause.why_earlier_fixes_failed:
            yield f"Why the earlier fixes did not prevent it: {cause.why_earlier_fixes_failed}"


def _last_step(pm: Postmortem) -> str:
    steps = [e for e in pm.timeline if e.kind in ("resolution", "mitigation")]
    return steps[-1].text.strip() if steps else ""


def _team_name(kb: KnowledgeBase, key: str) -> str:
    found = kb.catalog.teams.get(key)
    return found.name if found else key
