"""Rules for the fields the drafts are written from: decisions, customer words, prevention.

They keep the communication kit honest: a draft never invents the customer-facing text, the
decision or the prevention it would need, so `hindsite check` says when they are missing.
"""

from __future__ import annotations

from collections.abc import Iterator

from hindsite.diagnostics import Diagnostic, Position, Severity, rule
from hindsite.model import PREVENTION_KINDS
from hindsite.validate.fields import Record, field_rule

STAGE = "communication"

SECOND_CHOSEN = rule("HS701", "second-chosen-option", Severity.ERROR,
                     "More than one option is marked `chosen: true`; at most one was decided.",
                     STAGE)
MISSING_CUSTOMER_SUMMARY = rule(
    "HS702", "missing-customer-summary", Severity.WARNING,
    "A published postmortem with customers > 0 has no impact.customer_summary, so the "
    "customer drafts have nothing fit to send.", STAGE)
NO_PREVENTION = rule(
    "HS703", "no-prevention", Severity.WARNING,
    "A published postmortem has no prevent, detect or process action item still planned or "
    "done, so its drafts can only say that nothing prevents a repeat.", STAGE)


@field_rule
def one_chosen_option(record: Record) -> Iterator[Diagnostic]:
    chosen = [n for n, o in enumerate(record.pm.options) if o.chosen]
    for n in chosen[1:]:
        yield SECOND_CHOSEN.at(
            record.where.at(("options", n, "chosen")),
            f"a second option is chosen (the first is '{record.pm.options[chosen[0]].title}'); "
            "mark only the option that was decided with 'chosen: true'")


@field_rule
def customer_words(record: Record) -> Iterator[Diagnostic]:
    pm = record.pm
    if pm.status != "published" or not pm.impact.customers or pm.impact.customer_summary:
        return
    yield MISSING_CUSTOMER_SUMMARY.at(
        record.where.at(("impact",)),
        f"{pm.impact.customers} customers were affected but impact has no customer_summary; "
        "add what they saw, in words fit to send them (impact.summary is internal and never "
        "goes into a customer draft)")


@field_rule
def prevention_planned(record: Record) -> Iterator[Diagnostic]:
    pm = record.pm
    if pm.status != "published" or any(i.kind in PREVENTION_KINDS and i.status != "wont-do"
                                       for i in pm.action_items):
        return
    yield NO_PREVENTION.at(
        record.where.at(("action_items",)) if pm.action_items else Position(pm.path),
        "no prevent, detect or process action item is planned or done, so nothing prevents a "
        "repeat; add one, or the drafts will say plainly that there is none")
