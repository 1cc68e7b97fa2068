"""The whole check's kept report: taken only when nothing the check reads has changed, and
then exactly what a fresh check reports (every fixture is checked cold, kept and fresh)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from hindsite import cache, checked, pipeline, whole_check
from hindsite.config import Settings
from hindsite.memory import Memory
from hindsite.pipeline import run_check
from hindsite.whole_check import check_report
from test_validate_fixtures import fixture_folders, knowledge_base

ROOT = Path(__file__).resolve().parent.parent
IMAGES = Path(__file__).parent / "fixtures" / "valid-image-names"


def whole_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the checks that reused nothing of the last report."""
    calls: list[int] = []
    real = whole_check.fresh_report

    def counting(*args: object) -> whole_check.Report:
        calls.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(whole_check, "fresh_report", counting)
    return calls


def checked_afresh(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = pipeline.check_and_count

    def counting(path: Path, *args: object) -> checked.FileResult:
        calls.append(path.name)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "check_and_count", counting)
    return calls


@pytest.mark.parametrize("folder", fixture_folders(), ids=lambda p: p.name)
def test_the_kept_report_is_the_fresh_one(folder: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(knowledge_base(folder, tmp_path))
    monkeypatch.setenv("HINDSITE_CACHE", str(tmp_path / "cache"))
    fresh = run_check(Settings(base=Path(".")), reuse=False)
    cold = check_report(Settings(base=Path(".")))
    calls = whole_checks(monkeypatch)
    kept = check_report(Settings(base=Path(".")))
    assert cold.diagnostics == kept.diagnostics == fresh.diagnostics
    assert cold.files == kept.files == fresh.files
    keys = pipeline.read_inputs(Settings(), pipeline.result_cache(Settings())).keys
    assert calls == ([] if all(keys) else [1])  # a file that cannot be read is read again


@pytest.mark.parametrize(("old", "new", "whole"), [
    ("severity: SEV1", "severity: SEV9", True),  # the record: checked across files again
    ("## Why it happened\n", "## Why it happened\n\nThe relay was slow.\n", True),
    ("## What happened\n", "## What happened\n\nSee PM-9999.\n", True),  # a reference
    ("## What happened\n", "## What happened\n\nA note.\n", True),  # references move down
    ("", "\nFixed it, **obviously**.\n", False),  # added at the end: the narrative only
])
def test_one_change_is_checked_and_reported_as_a_fresh_check_would(
        old: str, new: str, whole: bool, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a change to what the stages across files read makes them run again."""
    check_report(Settings())
    changed = next(project.glob("postmortems/*/PM-0004*.md"))
    text = changed.read_text()
    assert old in text
    changed.write_text(text.replace(old, new, 1) if old else text + new)
    calls, files = whole_checks(monkeypatch), checked_afresh(monkeypatch)
    second = check_report(Settings())
    assert calls == ([1] if whole else [])
    assert files == [changed.name]
    assert second.diagnostics == run_check(Settings(), reuse=False).diagnostics
    assert check_report(Settings()).diagnostics == second.diagnostics
    assert len(calls) == whole


@pytest.mark.parametrize("change", ["catalog", "settings", "code", "file added"])
def test_what_the_check_reads_changing_keeps_nothing(
        change: str, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_report(Settings())
    settings = Settings()
    if change == "catalog":
        catalog = project / "postmortems/catalog.yml"
        catalog.write_text(catalog.read_text() + "\n")
    elif change == "settings":
        settings = Settings(suggestions=1)
    elif change == "code":
        monkeypatch.setattr(cache, "code_fingerprint", lambda: b"another version")
    else:
        source = next(project.glob("postmortems/*/PM-0004*.md"))
        shutil.copyfile(source, source.with_name("PM-0004-copy.md"))
    calls = whole_checks(monkeypatch)
    report = check_report(settings)
    assert calls == [1]
    assert report.diagnostics == run_check(settings, reuse=False).diagnostics


def test_an_image_that_changed_keeps_nothing(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Images are read by no file's key: each one's outcome is checked again."""
    shutil.copytree(IMAGES, tmp_path / "kb")
    shutil.copyfile(IMAGES.parent / "catalog.yml", tmp_path / "kb/postmortems/catalog.yml")
    monkeypatch.chdir(tmp_path / "kb")
    monkeypatch.setenv("HINDSITE_CACHE", str(tmp_path / "cache"))
    assert check_report(Settings()).diagnostics == []
    image = next((tmp_path / "kb").rglob("line.svg"))
    image.write_text("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>")
    calls = whole_checks(monkeypatch)
    report = check_report(Settings())
    assert calls == [1]
    assert [d.code for d in report.diagnostics] == ["HS408"]


def test_memory_kept_between_checks_holds_only_the_last_checks_results(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As `mkdocs serve` keeps it: nothing read again, nothing piling up."""
    monkeypatch.setenv("HINDSITE_CACHE", "off")
    memory = Memory()
    first = run_check(Settings(), memory=memory)
    assert len(memory.results) == first.files == 11
    assert run_check(Settings(), memory=memory) is first
    changed = next(project.glob("postmortems/*/PM-0004*.md"))
    calls: list[Path] = []
    real = pipeline.check_and_count
    monkeypatch.setattr(pipeline, "check_and_count",
                        lambda path, *args: calls.append(path) or real(path, *args))
    for n in range(3):
        changed.write_text(changed.read_text().replace("## ", f"## {n}", 1))
        again = run_check(Settings(), memory=memory)
        assert [p.name for p in calls] == [changed.name]
        assert again.diagnostics == run_check(Settings(), reuse=False).diagnostics
        assert len(memory.results) == 11
        calls.clear()


def test_results_kept_in_one_working_directory_are_not_shown_from_another(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths are shown relative to the working directory: it is part of every key."""
    settings = Settings(base=project)
    from_root = check_report(settings)
    monkeypatch.chdir(project / "postmortems")
    from_inside = check_report(settings)
    assert from_inside.diagnostics == run_check(settings, reuse=False).diagnostics
    assert from_inside.diagnostics != from_root.diagnostics


@pytest.mark.parametrize("labelled", sorted((Path(__file__).parent / "similarity").iterdir()),
                         ids=lambda p: p.name)
def test_the_stages_across_files_read_only_the_linked_part(
        labelled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Knowledge bases with recurrences and suggestions in numbers: the stages across files
    give the same on each postmortem's linked part as on the whole of it."""
    monkeypatch.chdir(labelled)
    settings = Settings(base=labelled)
    inputs = pipeline.read_inputs(settings, None)
    results = pipeline.gathered(inputs, settings)
    linked = [replace(r, postmortem=whole_check.linked_part(r.postmortem)) if r.postmortem
              else r for r in results]
    catalog = pipeline.catalog_of(inputs, settings)
    kb, across = pipeline.across_files(results, catalog, settings)
    linked_kb, linked_across = pipeline.across_files(linked, catalog, settings)
    assert linked_across == across
    assert linked_kb.suggestions == kb.suggestions
    assert sum(map(len, kb.suggestions.values())) > 10
    assert any(r.recurs for r in kb.recurrences.values())


@pytest.mark.parametrize(("old", "new", "suggested_again"), [
    ("", "\nFixed it, **obviously**.\n", False),
    ("## Why it happened\n", "## Why it happened\n\nThe relay was slow.\n", True),
])
def test_memory_makes_suggestions_again_only_when_what_they_read_changed(
        old: str, new: str, suggested_again: bool, project: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HINDSITE_CACHE", "off")
    memory = Memory()
    run_check(Settings(), memory=memory)
    changed = next(project.glob("postmortems/*/PM-0004*.md"))
    text = changed.read_text()
    changed.write_text(text.replace(old, new, 1) if old else text + new)
    calls: list[int] = []
    real = pipeline.suggest
    monkeypatch.setattr(pipeline, "suggest", lambda *args: calls.append(1) or real(*args))
    again = run_check(Settings(), memory=memory)
    assert len(calls) == suggested_again
    fresh = run_check(Settings(), reuse=False)
    assert again.diagnostics == fresh.diagnostics
    assert again.kb.suggestions == fresh.kb.suggestions
    assert again.kb.by_id["PM-0004"] == fresh.kb.by_id["PM-0004"]


def test_memory_takes_the_last_check_again_only_if_its_images_are_unchanged(
        project: Path) -> None:
    """Images are files of their own: one made unsafe after a check, its postmortem
    untouched, is found by the next check that `mkdocs serve` makes from memory."""
    changed = next(project.glob("postmortems/*/PM-0004*.md"))
    (changed.parent / "queue.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>')
    changed.write_text(changed.read_text() + "\n![The queue](queue.svg)\n")
    memory = Memory()
    assert not [d for d in run_check(Settings(), memory=memory).diagnostics
                if d.code == "HS408"]
    (changed.parent / "queue.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    again = run_check(Settings(), memory=memory)
    assert [d.format() for d in again.diagnostics if d.code == "HS408"] == \
        [d.format() for d in run_check(Settings(), reuse=False).diagnostics
         if d.code == "HS408"] != []
