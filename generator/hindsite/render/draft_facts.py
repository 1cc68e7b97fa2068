"""What the drafts say, worked out once per incident, with customer words kept apart.

`CustomerFacts` holds only what may reach customers: `impact.customer_summary`, the catalog's
service names, figures not marked internal, times, and the changes that prevent a repeat.
What else a postmortem says (its title, `impact.summary`, cause descriptions, internal
metrics, options, the narrative, communications) is in `InternalFacts`, which the customer
templates never receive. Whatever the record does not say becomes a visible `{placeholder}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from hindsite.link import KnowledgeBase, Recurrence
from hindsite.model import NAMED, PREVENTION_KINDS, ActionItem, Metric, Postmortem
from hindsite.render.figures import (
    OUTSIDE_AUDIENCES,
    durations,
    format_day,
    format_duration,
    format_number,
    format_when,
    is_open,
    is_overdue,
)

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
            "ninth", "tenth")
PRIVATE_CATEGORIES = ("security",)
"""Causes whose remedies are told in private to whoever they touched, never in a notice to
every affected customer (an internal message that reached one customer, say)."""
REPORT_WITHIN = timedelta(days=2)
"""When the resolution notice promises the full report: within a couple of days."""


@dataclass(frozen=True, slots=True)
class Timing:
    """The incident's moments, written in its own offset, and the times the drafts promise."""

    started: str
    detected: str
    ended: str
    resolved: str
    impact: str
    started_day: str
    ongoing: bool
    first_update_at: str
    next_update_at: str
    report_by: str


@dataclass(frozen=True, slots=True)
class Recurring:
    """A cause seen before: the earlier incidents, their fixes and the options chosen then,
    this incident's answer, and what changes now."""

    name: str
    times: str
    earlier_ids: str
    earlier: tuple[str, ...]
    more: int
    """Earlier incidents not named, the oldest: the cause's page lists them all."""
    fixes: tuple[str, ...]
    choices: tuple[str, ...]
    answer: str
    changes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CustomerFacts:
    """Only words fit to send to customers."""

    service: str
    services: str
    customers: str
    summary: str
    figures: tuple[str, ...]
    fixed: tuple[str, ...]
    prevention: tuple[str, ...]
    repeat: str


@dataclass(frozen=True, slots=True)
class InternalFacts:
    title: str
    summary: str
    causes: tuple[str, ...]
    figures: tuple[str, ...]
    done: tuple[str, ...]
    needed: tuple[str, ...]
    prevention: tuple[str, ...]
    spans: tuple[str, ...]
    options: tuple[str, ...]
    recommended: str
    decision: str
    ask: str


@dataclass(frozen=True, slots=True)
class Facts:
    id: str
    severity: str
    final: bool
    unknowns: tuple[str, ...]
    when: Timing
    customer: CustomerFacts
    internal: InternalFacts
    recurring: tuple[Recurring, ...]


def draft_facts(kb: KnowledgeBase, pm: Postmortem, as_of: date, rhythm: timedelta) -> Facts:
    """Everything the seven drafts of one incident need, computed once."""
    recurring = tuple(recurring_cause(kb, pm, r) for r in recurrences(kb, pm))
    final = pm.status == "published" and pm.resolved is not None
    return Facts(pm.id, pm.severity, final, () if final else unknowns(pm),
                 timing(pm, rhythm), customer_facts(kb, pm, recurring),
                 internal_facts(kb, pm, as_of), recurring)


def timing(pm: Postmortem, rhythm: timedelta) -> Timing:
    """Times in the incident's own offset; the next update one rhythm after the last word."""
    zone = pm.started
    outside = [c.at for c in pm.communications if c.audience in OUTSIDE_AUDIENCES]
    first = min(outside, default=pm.detected)
    last = max([*outside, pm.timeline[-1].at, pm.detected])
    ended = pm.impact_ended
    return Timing(
        format_when(pm.started, zone), format_when(pm.detected, zone),
        format_when(ended, zone) if ended else "{not over yet}",
        format_when(pm.resolved, zone) if pm.resolved else "{not resolved yet}",
        format_duration(durations(pm).impact) if ended else "{still going on}",
        f"{pm.started.day} {pm.started:%B %Y}", ended is None,
        format_when(first + rhythm, zone), format_when(last + rhythm, zone),
        format_when((ended or last) + REPORT_WITHIN, zone))


def unknowns(pm: Postmortem) -> tuple[str, ...]:
    """What a draft must admit it does not know yet while the record is not final."""
    found = []
    if pm.impact_ended is None:
        found.append("when the service will work normally again")
    if pm.impact.customers is None:
        found.append("how many customers were affected")
    found.append("{what is still being investigated, and when we will know}")
    return tuple(found)


def customer_facts(kb: KnowledgeBase, pm: Postmortem,
                   recurring: tuple[Recurring, ...]) -> CustomerFacts:
    shown = [m for m in pm.impact.metrics if m.audience != "internal"]
    count = pm.impact.customers
    return CustomerFacts(
        service=service_name(kb, pm.services[0]),
        services=", ".join(service_name(kb, s) for s in pm.services),
        customers=format_number(count) if count is not None else "{how many customers}",
        summary=pm.impact.customer_summary.strip() or
        "{what you saw, in words fit to send: add impact.customer_summary to the record}",
        figures=tuple(figure(m) for m in shown),
        fixed=tuple(fixes_made(pm)),
        prevention=tuple(promise(pm, i) for i in prevention(kb, pm, public=True)),
        repeat=repeat_sentence(recurring))


def internal_facts(kb: KnowledgeBase, pm: Postmortem, as_of: date) -> InternalFacts:
    return InternalFacts(
        title=pm.title, summary=pm.impact.summary.strip(),
        causes=tuple(f"{c.kind.capitalize()}: {c.description.strip()}" for c in pm.causes),
        figures=tuple([f"Customers affected: {format_number(pm.impact.customers)}"]
                      if pm.impact.customers is not None else []) +
        tuple(figure(m) + (" (internal)" if m.audience == "internal" else "")
              for m in pm.impact.metrics),
        done=tuple(f"{i.title}, {format_day(i.completed)}" for i in pm.action_items
                   if i.status == "done"),
        needed=tuple(f"{i.title}, owner {team_name(kb, i.owner)}, due {format_day(i.due)}"
                     + (" (overdue)" if is_overdue(i, as_of) else "")
                     for i in pm.action_items if is_open(i)),
        prevention=tuple(promise(pm, i) for i in prevention(kb, pm, public=False)),
        spans=span_lines(pm), options=tuple(option_lines(pm)),
        recommended=next((o.title for o in pm.options if o.recommended),
                         "{the option we recommend}"),
        decision=decision_sentence(pm), ask=decision_ask(pm))


def span_lines(pm: Postmortem) -> tuple[str, ...]:
    """How long each phase took, with who was told when: customers and inside apart."""
    spans = durations(pm)
    lines = [f"Time to detect: {format_duration(spans.to_detect)}",
             f"Time to resolve after detection: {format_duration(spans.to_resolve)}"]
    for span, who in ((spans.to_tell_customers, "customers"),
                      (spans.to_tell_internal, "anyone inside")):
        told = f"{format_duration(span)} after detection" if span is not None else "not recorded"
        lines.append(f"Time to tell {who}: {told}")
    return tuple(lines)


def recurrences(kb: KnowledgeBase, pm: Postmortem) -> list[Recurrence]:
    found = [kb.recurrences.get((pm.id, c.key)) for c in pm.causes]
    return [r for r in found if r is not None and r.recurs]


def recurring_cause(kb: KnowledgeBase, pm: Postmortem, r: Recurrence) -> Recurring:
    """One recurring cause as the "why didn't that fix everything?" draft tells it: the
    latest few earlier incidents and their fixes, so that a draft stays a message to send
    however often its cause came back (the cause's page holds the whole history)."""
    earlier = r.chain[max(r.earlier_end - NAMED, 0):r.earlier_end]
    more = r.earlier_end - len(earlier)
    keys = r.keys or r.cause
    cause = next(c for c in pm.causes if c.key == r.cause)
    day = r.started_day
    ids = ", ".join(e.id for e in earlier)
    return Recurring(
        name=cause_name(kb, r.cause), times=ORDINALS[min(r.earlier_end, len(ORDINALS) - 1)],
        earlier_ids=f"{ids} and {more} earlier" if more else ids,
        earlier=tuple(f"{e.id}, {format_day(e.started)}: {e.title}" for e in earlier), more=more,
        fixes=tuple(fix_state(item, day) for e in earlier for item in e.fixes_for(keys)),
        choices=tuple(choice for e in earlier if (choice := chosen_then(e))),
        answer=cause.why_earlier_fixes_failed.strip(),
        changes=tuple(promise(pm, i) for i in pm.fixes_for(r.cause) if i.status != "wont-do"))


def fix_state(item: ActionItem, day: date) -> str:
    """An earlier fix and what had become of it when this incident began."""
    if item.status == "done" and item.completed and item.completed <= day:
        state = f"done {format_day(item.completed)}"
    elif item.status == "done":
        state = f"done only on {format_day(item.completed)}, after this incident began"
    elif item.status == "wont-do":
        state = "dropped (won't do)"
    else:
        state = f"{item.status.replace('-', ' ')}, due {format_day(item.due)}"
        if item.due is not None and item.due <= day:
            state += ": never delivered"
    return f"{item.ref} {item.title} ({item.kind}): {state}"


def chosen_then(pm: Postmortem) -> str:
    option = pm.chosen_option
    if option is None or pm.decision is None:
        return ""
    detail = f" {option.detail.strip()}" if option.detail else ""
    return (f"{pm.id}: {option.title}, chosen {format_day(pm.decision.date)} by "
            f"{pm.decision.forum}; its known risk: {option.risk}.{detail}")


def repeat_sentence(recurring: tuple[Recurring, ...]) -> str:
    if not recurring:
        return ""
    most = max(recurring, key=lambda r: ORDINALS.index(r.times))
    return f"This is the {most.times} time this has happened to you."


def prevention(kb: KnowledgeBase, pm: Postmortem, public: bool) -> list[ActionItem]:
    """Every prevent, detect and process item still planned or done; for customers, not
    those that only address causes told in private."""
    return [i for i in pm.action_items if i.kind in PREVENTION_KINDS and i.status != "wont-do"
            and not (public and private_only(kb, i))]


def private_only(kb: KnowledgeBase, item: ActionItem) -> bool:
    categories = [kb.catalog.causes[k].category if k in kb.catalog.causes else ""
                  for k in item.addresses]
    return all(category in PRIVATE_CATEGORIES for category in categories)


def promise(pm: Postmortem, item: ActionItem) -> str:
    if item.status == "done":
        return f"{item.title}: in place since {long_day(item.completed)}"
    return f"{item.title}: by {long_day(item.due)}"


def long_day(day: date | None) -> str:
    """'2 May 2022', as a message writes a date."""
    return f"{day.day} {day:%B %Y}" if day else "{date}"


def fixes_made(pm: Postmortem) -> list[str]:
    """What ended the impact: the done mitigations, else the last mitigation or resolution
    step of the timeline."""
    done = [f"{i.title} (done {long_day(i.completed)})" for i in pm.action_items
            if i.kind == "mitigate" and i.status == "done"]
    if done:
        return done
    steps = [e.text.strip() for e in pm.timeline if e.kind in ("mitigation", "resolution")]
    return steps[-1:] if steps else ["{what was done to end the impact}"]


def option_lines(pm: Postmortem) -> list[str]:
    lines = []
    for n, o in enumerate(pm.options, start=1):
        marks = [m for m, on in (("recommended", o.recommended), ("chosen", o.chosen)) if on]
        lines.append(f"{n}. {o.title}" + (f" ({', '.join(marks)})" if marks else ""))
        lines.append(f"   Cost: {o.cost}. Risk: {o.risk}.")
        lines.append(f"   {o.detail.strip()}" if o.detail else
                     "   {what it involves, its cost in money or time, its risk in words}")
    return lines


def decision_sentence(pm: Postmortem) -> str:
    option, decision = pm.chosen_option, pm.decision
    if option is None or decision is None:
        return ""
    return (f"Decided on {format_day(decision.date)} by {decision.forum}: {option.title} "
            f"(cost {option.cost}, risk {option.risk}). Why: {decision.reason.strip()}")


def decision_ask(pm: Postmortem) -> str:
    if pm.decision is not None:
        return "No decision on prevention: it was taken, as follows."
    if not pm.options:
        return "{the decision, approval or support we need}, by {date}"
    best = next((o.title for o in pm.options if o.recommended), "{the option we recommend}")
    return f"A choice among these options, by {{date}}. We recommend: {best}."


MINUTES_PER_UNIT = {"minute": 1, "minutes": 1, "min": 1, "hour": 60, "hours": 60, "h": 60,
                    "day": 1440, "days": 1440}
"""Units of time: a metric in one of them is written as an exact duration, as every other
span in a draft is, so that '52.8 hours' never stands beside '52 h 48 min'."""


def figure(metric: Metric) -> str:
    name = metric.name[:1].upper() + metric.name[1:]
    per_unit = MINUTES_PER_UNIT.get((metric.unit or "").strip().lower())
    if per_unit is not None:
        return f"{name}: {format_duration(timedelta(minutes=round(metric.value * per_unit)))}"
    return f"{name}: {format_number(metric.value)} {metric.unit}".rstrip()


def service_name(kb: KnowledgeBase, key: str) -> str:
    found = kb.catalog.services.get(key)
    return found.name if found else key


def team_name(kb: KnowledgeBase, key: str) -> str:
    found = kb.catalog.teams.get(key)
    return found.name if found else key


def cause_name(kb: KnowledgeBase, key: str) -> str:
    found = kb.catalog.causes.get(key)
    return found.title if found else key

