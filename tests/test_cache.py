"""The check's cache: unchanged files are not checked again, and what comes from the cache
is exactly what a fresh check gives (every fixture is also checked both ways)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from hindsite import cache, checked, pickling, pipeline
from hindsite.config import Settings
from hindsite.diagnostics import Diagnostic, Severity

ROOT = Path(__file__).resolve().parent.parent


def checked_afresh(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = pipeline.check_and_count

    def counting(path: Path, *args: object) -> checked.FileResult:
        calls.append(path)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "check_and_count", counting)
    return calls


def test_a_second_check_reads_every_result_from_the_cache(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = pipeline.run_check(Settings(), reuse=False)
    first = pipeline.run_check(Settings())
    calls = checked_afresh(monkeypatch)
    second = pipeline.run_check(Settings())
    assert calls == []
    assert second.diagnostics == first.diagnostics == fresh.diagnostics
    assert second.kb.postmortems == fresh.kb.postmortems
    assert second.kb.suggestions == fresh.kb.suggestions


def test_a_changed_file_is_checked_again_and_only_it(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline.run_check(Settings())
    changed = next(project.glob("postmortems/*/PM-0004*.md"))
    changed.write_text(changed.read_text().replace("severity: SEV1", "severity: SEV9"))
    calls = checked_afresh(monkeypatch)
    cached = pipeline.run_check(Settings())
    assert [p.name for p in calls] == [changed.name]
    assert cached.diagnostics == pipeline.run_check(Settings(), reuse=False).diagnostics
    assert any(d.path.endswith(changed.name) and d.code.startswith("HS2")
               for d in cached.diagnostics)


def test_another_catalog_or_settings_reuse_nothing(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pipeline.run_check(Settings())
    calls = checked_afresh(monkeypatch)
    pipeline.run_check(Settings(suggestions=1))
    settings_changed = len(calls)
    catalog = project / "postmortems/catalog.yml"
    catalog.write_text(catalog.read_text() + "\n")
    pipeline.run_check(Settings(suggestions=1))
    assert settings_changed == len(calls) - settings_changed == 11


def test_an_entry_not_signed_here_is_never_unpickled(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache folder committed to the repository cannot run code in CI."""
    store = pipeline.result_cache(Settings())
    assert store is not None
    path = next(project.glob("postmortems/*/PM-0004*.md"))
    key = pipeline.cache_key(store, path)
    forged = store.folder / key[:2] / key[2:]
    forged.parent.mkdir(parents=True)
    forged.write_bytes(b"\0" * cache.SIGNATURE + pickle.dumps((None, [], None, None)))

    def refuse(data: bytes) -> object:
        raise AssertionError("an unsigned entry was unpickled")

    monkeypatch.setattr(cache.pickle, "loads", refuse)
    assert store.get(key) is None
    result = pipeline.run_check(Settings())
    assert "PM-0004" in result.kb.by_id


def test_values_pickled_by_their_fields_come_back_the_same(project: Path) -> None:
    """`pickling.dumps` writes each dataclass as its class and its fields, and the standard
    unpickler rebuilds it with its constructor: every value a check keeps comes back equal
    and alike, and a message already made printable stays as it is."""
    result = pipeline.run_check(Settings(), reuse=False)
    values = [*result.kb.postmortems, *result.diagnostics,
              Diagnostic("a.md", 1, 1, Severity.ERROR, "HS100", "bad \x1b[31m value")]
    for value in values:
        again = pickle.loads(pickling.dumps(value))
        assert again == value and repr(again) == repr(value)
        assert pickle.loads(pickling.dumps(value, shared=False)) == value
