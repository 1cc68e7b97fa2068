"""The link stage on values built here: recurrences, earlier fixes, fix outcomes, and the
suggestions the knowledge base is built with, as the format defines them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

from hindsite.diagnostics import Position
from hindsite.link import KnowledgeBase, came_back, earlier_fix_summary, link
from hindsite.model import (
    ActionItem,
    Catalog,
    Cause,
    CauseType,
    Impact,
    Postmortem,
    Suggestion,
)

CATALOG = Catalog("catalog.yml", {}, {}, {
    "disk-full": CauseType("disk-full", "A data disk filled up", "capacity",
                           "Logs grew until the volume was full.", Position("catalog.yml", 9)),
})
AT = Position("postmortems/x.md", 3, 1)


def item(incident: str, ident: str, *keys: str, status: str = "open",
         completed: date | None = None, due: date | None = None) -> ActionItem:
    return ActionItem(incident, ident, f"Fix {ident} of {incident}", "prevent", keys, "ops",
                      status, due, completed, "", AT)


def incident(ident: str, started: datetime, *keys: str,
             items: tuple[ActionItem, ...] = (), title: str = "An outage") -> Postmortem:
    causes = tuple(Cause(k, "trigger", f"The {k} happened.", "", (), AT, None) for k in keys)
    return Postmortem(
        f"postmortems/{ident}.md", ident, AT, title, "published", "SEV2", started,
        started + timedelta(minutes=5), started + timedelta(hours=1), ("api",), ("ops",), (),
        Impact("Requests failed.", None, ()), causes, (), (), items, (), "", 1, {}, ())


def day(n: int) -> datetime:
    return datetime(2021, 3, n, 12, 0, tzinfo=UTC)


def test_an_earlier_occurrence_and_its_completed_fix_owe_an_answer() -> None:
    fix = item("PM-1", "A1", "disk-full", status="done", completed=date(2021, 3, 2))
    kb = link([incident("PM-2", day(5), "disk-full"),
               incident("PM-1", day(1), "disk-full", items=(fix,))], CATALOG)

    later = kb.recurrence("PM-2", "disk-full")
    assert [pm.id for pm in kb.postmortems] == ["PM-1", "PM-2"]
    assert (later.earlier, later.fixes, later.completed_fixes) == (("PM-1",), (fix,), (fix,))
    assert later.needs_answer and later.recurs
    assert earlier_fix_summary(later) == "PM-1/A1 (completed 2021-03-02)"
    first = kb.recurrence("PM-1", "disk-full")
    assert (first.earlier, first.later, first.recurs) == ((), ("PM-2",), False)


def test_a_fix_completed_after_the_next_incident_started_does_not_owe_one() -> None:
    fix = item("PM-1", "A1", "disk-full", status="done", completed=date(2021, 3, 9))
    kb = link([incident("PM-1", day(1), "disk-full", items=(fix,)),
               incident("PM-2", day(5), "disk-full")], CATALOG)

    assert not kb.recurrence("PM-2", "disk-full").needs_answer
    assert kb.outcome(fix).state == "held"


def test_a_fix_fails_when_its_cause_comes_back_after_it_was_completed() -> None:
    fix = item("PM-1", "A1", "disk-full", status="done", completed=date(2021, 3, 2))
    pending = item("PM-1", "A2", "disk-full")
    kb = link([incident("PM-1", day(1), "disk-full", items=(fix, pending)),
               incident("PM-2", day(5), "disk-full"), incident("PM-3", day(7), "disk-full")],
              CATALOG)

    assert (kb.outcome(fix).state, kb.outcome(fix).recurred_in) == ("failed", ("PM-2",))
    assert kb.outcome(pending).state == "pending"
    assert kb.returns[("PM-1/A1", "disk-full")] == (("PM-2", "PM-3"), 2)


def test_completion_is_judged_on_the_calendar_day_in_the_later_incident_s_own_offset() -> None:
    """Completed on 3 March; an incident at 23:30 on 2 March UTC is already 3 March in +02:00."""
    fix = item("PM-1", "A1", "disk-full", status="done", completed=date(2021, 3, 3))
    owner = incident("PM-1", day(1), "disk-full", items=(fix,))
    plus_two = timezone(timedelta(hours=2))
    late = incident("PM-2", datetime(2021, 3, 3, 1, 30, tzinfo=plus_two), "disk-full")
    early = incident("PM-3", datetime(2021, 3, 2, 23, 30, tzinfo=UTC), "disk-full")

    kb = link([owner, late, early], CATALOG)

    assert kb.recurrence("PM-2", "disk-full").needs_answer
    assert not kb.recurrence("PM-3", "disk-full").needs_answer
    starts = [pm.started for pm in kb.occurrences["disk-full"]]
    assert came_back(date(2021, 3, 3), owner, kb.occurrences["disk-full"], starts) == \
        (("PM-2",), 1)


def test_the_first_of_a_duplicated_id_wins_and_a_key_listed_twice_counts_once() -> None:
    first = incident("PM-1", day(1), "disk-full", "disk-full")
    second = replace(incident("PM-1", day(3), "disk-full"), title="The copy")
    kb = link([second, first], CATALOG)

    assert kb.by_id["PM-1"] is first
    assert [pm.title for pm in kb.occurrences["disk-full"]] == ["An outage", "The copy"]


def test_the_knowledge_base_is_built_with_its_suggestions_spelled_as_written() -> None:
    """Terms are compared as stems; pages and messages show them as the writer spelt them."""
    earlier = incident("PM-1", day(1), "disk-full")
    later = incident("PM-2", day(5), "log-volume", title="The e-mails were hand-edited")
    hint = Suggestion("PM-2", "log-volume", "PM-1", "disk-full", 0.4, ("email", "hande"))

    kb = link([earlier, later], CATALOG, {("PM-2", "log-volume"): (hint,)})

    (spelled,) = kb.suggestions[("PM-2", "log-volume")]
    assert spelled.shared_words == ("e-mails", "hand-edited")
    assert spelled.shared_terms == ("email", "hande")
    rebuilt = replace(kb, suggestions={("PM-2", "log-volume"): (hint,)})
    assert rebuilt.suggestions == kb.suggestions


def test_without_suggestions_the_knowledge_base_has_none() -> None:
    kb = link([incident("PM-1", day(1), "disk-full")], CATALOG)
    assert isinstance(kb, KnowledgeBase) and kb.suggestions == {}
