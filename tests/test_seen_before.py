"""`hindsite similar`: earlier incidents ranked against symptoms or a draft, with their
causes, fixes, whether each held, and why not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hindsite.cli import main
from hindsite.config import Settings
from hindsite.pipeline import run_check
from hindsite.seen_before import similar_to

PAY = Path(__file__).parent / "similarity" / "pay"


def test_symptoms_find_the_incident_with_the_same_mechanism() -> None:
    kb = run_check(Settings(base=PAY)).kb
    found = similar_to(kb, "merchants say payouts bounced because the banks were closed", 3)
    assert {m.incident.id for m in found} >= {"PM-0007", "PM-0019"}
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


def test_only_earlier_incidents_when_asked() -> None:
    kb = run_check(Settings(base=PAY)).kb
    later = kb.by_id["PM-0051"]
    found = similar_to(kb, later.impact.summary, 10, before=later.started)
    assert found and all(m.incident.started < later.started for m in found)


def test_a_fix_that_did_not_hold_comes_with_the_answer_given_later(tmp_path: Path) -> None:
    """PM-0015's fix for the unowned bulletins did not keep the cause away: PM-0028 says why."""
    kb = run_check(Settings(base=PAY)).kb
    found = similar_to(kb, "nobody owns the card network bulletins", 5)
    bulletins = next(s for m in found if m.incident.id == "PM-0015" for s in m.causes
                     if s.cause.key == "scheme-bulletins-unowned")
    fix = bulletins.fixes[0]
    assert fix.state == "failed" and fix.came_back_in == ("PM-0028",)
    assert fix.answers[0][0] == "PM-0028" and "shared mailbox" in fix.answers[0][1]


def test_the_command_prints_text_and_json(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PAY)
    assert main(["similar", "webhook deliveries queued behind one slow merchant endpoint",
                 "--limit", "2"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("PM-") and "fix PM-" in text and "[held]" in text
    assert main(["similar", "webhook deliveries queued behind one slow merchant endpoint",
                 "--limit", "2", "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert len(records) == 2 and {"PM-0008", "PM-0039"} & {r["incident"] for r in records}
    assert records[0]["causes"][0]["fixes"][0]["outcome"] in {"held", "failed", "pending"}


def test_a_draft_path_is_read_as_a_postmortem_and_does_not_find_itself(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(PAY / "postmortems", tmp_path / "postmortems")
    draft = next((tmp_path / "postmortems").rglob("PM-0051-*.md"))
    monkeypatch.chdir(tmp_path)
    assert main(["similar", str(draft.relative_to(tmp_path)), "--format", "json"]) == 0
    found = [r["incident"] for r in json.loads(capsys.readouterr().out)]
    assert "PM-0051" not in found and "PM-0007" in found[:3]


def test_a_limit_below_one_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(PAY)
    assert main(["similar", "anything", "--limit", "0"]) == 2
