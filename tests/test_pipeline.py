"""The whole check as one call: worker processes change nothing but the time it takes."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from hindsite import pipeline
from hindsite.config import Settings
from hindsite.model import Catalog

ROOT = Path(__file__).resolve().parent.parent


def test_workers_give_the_same_result_as_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 10**9)
    alone = pipeline.run_check(Settings(), reuse=False)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 2)
    shared = pipeline.run_check(Settings(), reuse=False)
    assert shared.files == alone.files == 11
    assert shared.diagnostics == alone.diagnostics
    assert shared.kb.postmortems == alone.kb.postmortems
    assert shared.kb.suggestions == alone.kb.suggestions
    assert {k: v.state for k, v in shared.kb.outcomes.items()} == \
        {k: v.state for k, v in alone.kb.outcomes.items()}


def test_starter_knowledge_base_shows_a_held_and_a_failed_fix(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    kb = pipeline.run_check(Settings()).kb
    states = {ref: outcome.state for ref, outcome in kb.outcomes.items()}
    assert states["PM-0001/A1"] == "failed"
    assert kb.outcomes["PM-0001/A1"].recurred_in == ("PM-0004",)
    assert states["PM-0004/A1"] == "held"
    recurrence = kb.recurrence("PM-0011", "migration-locks-table")
    assert recurrence.earlier == ("PM-0009",) and recurrence.needs_answer
    assert [i.ref for i in recurrence.undelivered_fixes] == ["PM-0009/A1"]
    assert [i.ref for i in recurrence.completed_fixes] == []


@pytest.mark.parametrize("enabled", [True, False])
def test_link_stage_leaves_the_cycle_collector_as_it_found_it(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        pipeline.link_and_suggest([], Catalog("catalog.yml", {}, {}, {}), {}, 3)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_results_from_workers_are_kept_as_one_process_reads_them(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker sends its result pickled and the cache keeps those very bytes: a later check
    in one process takes every file from them, and gets what a fresh check gives."""
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 2)
    shared = pipeline.run_check(Settings())
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 10**9)
    monkeypatch.setattr(pipeline, "check_and_count", None)
    cached = pipeline.run_check(Settings())
    assert cached.diagnostics == shared.diagnostics
    assert cached.kb.postmortems == shared.kb.postmortems
    assert cached.kb.suggestions == shared.kb.suggestions
