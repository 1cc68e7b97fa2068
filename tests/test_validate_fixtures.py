"""Every rule against a small knowledge base that breaks it once, and valid ones that break none.

Each folder under `tests/fixtures/` named `<CODE>-<rule-name>[-<case>]` or `valid-<case>` is a
knowledge base (postmortems, and `postmortems/catalog.yml` when it needs a catalog of its own)
with `expected.txt` beside it: every diagnostic the check reports, one per line as
`path:line:col: severity CODE`, in report order. The list is complete, so a fixture also
proves that no other rule fires. A fixture without a catalog is checked with the shared one,
`tests/fixtures/catalog.yml`, unless it expects HS112 (the catalog is missing). A
`symlinks.txt` (`link -> target` lines) names symbolic links that the test creates in a copy
of the folder, since git does not keep them on every platform.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from hindsite.config import Settings
from hindsite.diagnostics import Severity
from hindsite.pipeline import run_check
from hindsite.rules import all_rules
from hindsite.validate import schema

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_CATALOG = FIXTURES / "catalog.yml"
COPIED_WHOLE = ("valid-minimal", "HS204-invalid-value", "HS303-timeline-order",
                "HS304-duplicate-id", "HS405-unknown-reference", "HS601-blame-language",
                "HS601-blame-language-front-matter")
"""Fixtures other tests copy whole as a knowledge base to start from: they keep their catalog."""
CASE_RE = re.compile(r"(?P<code>HS[0-9]{3})-[a-z0-9-]+|valid-[a-z0-9-]+|several-[a-z0-9-]+")
LINE_RE = re.compile(r"(?P<path>[^:]+):(?P<line>[0-9]+):(?P<col>[0-9]+): "
                     r"(?P<severity>error|warning|info) (?P<code>HS[0-9]{3})")


def fixture_folders() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir() and CASE_RE.fullmatch(p.name))


def expected_lines(folder: Path) -> list[str]:
    return (folder / "expected.txt").read_text(encoding="utf-8").splitlines()


def knowledge_base(folder: Path, tmp_path: Path) -> Path:
    """The folder itself, or a copy with what it leaves out: the shared catalog, and the
    symbolic links that `symlinks.txt` asks for."""
    links = folder / "symlinks.txt"
    shared = takes_shared_catalog(folder)
    if not links.exists() and not shared:
        return folder
    work = tmp_path / folder.name
    shutil.copytree(folder, work, symlinks=True)
    for line in links.read_text(encoding="utf-8").splitlines() if links.exists() else ():
        link, target = line.split(" -> ")
        os.symlink(target, work / link)
    catalog = work / "postmortems" / "catalog.yml"
    if shared and not catalog.is_symlink():
        shutil.copyfile(SHARED_CATALOG, catalog)
    return work


def takes_shared_catalog(folder: Path) -> bool:
    """A fixture without a catalog of its own, that is not about a missing catalog."""
    return not (folder / "postmortems" / "catalog.yml").exists() and \
        not any(" HS112" in line for line in expected_lines(folder))


def test_fixtures_do_not_copy_the_shared_catalog() -> None:
    """A fixture's own catalog differs from the shared one: it needs one of its own, or another
    test builds on the whole folder (valid-minimal, for one)."""
    shared = SHARED_CATALOG.read_bytes()
    copies = [folder.name for folder in fixture_folders()
              if (folder / "postmortems" / "catalog.yml").is_file()
              and (folder / "postmortems" / "catalog.yml").read_bytes() == shared]
    assert copies == sorted(COPIED_WHOLE)


def located(diagnostics: list) -> list[str]:
    return [f"{d.path}:{d.line}:{d.col}: {d.severity} {d.code}" for d in diagnostics]


@pytest.mark.parametrize("folder", fixture_folders(), ids=lambda p: p.name)
def test_fixture(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = expected_lines(folder)
    monkeypatch.chdir(knowledge_base(folder, tmp_path))

    result = run_check(Settings(base=Path(".")), reuse=False)

    assert located(result.diagnostics) == expected
    for diagnostic in result.diagnostics:
        assert diagnostic.message and "\n" not in diagnostic.message, diagnostic
    for _filled_then_read in range(2):
        cached = run_check(Settings(base=Path(".")))
        assert cached.diagnostics == result.diagnostics
        assert cached.kb.postmortems == result.kb.postmortems


@pytest.mark.parametrize("folder", fixture_folders(), ids=lambda p: p.name)
def test_fixture_is_well_formed(folder: Path) -> None:
    """A rule's fixture reports that rule and no other; a valid fixture reports nothing."""
    lines = expected_lines(folder)
    code = CASE_RE.fullmatch(folder.name).group("code")  # type: ignore[union-attr]
    if folder.name.startswith("several-"):
        found = [LINE_RE.fullmatch(line) for line in lines]
        assert all(found) and len({m["code"] for m in found if m}) >= 3, folder.name
        return
    if code is None:
        assert lines == []
        return
    assert lines, f"{folder.name}: expected.txt is empty"
    for line in lines:
        match = LINE_RE.fullmatch(line)
        assert match, f"{folder.name}: malformed line {line!r}"
        assert match["code"] == code
        assert match["path"].startswith("postmortems/"), line
    assert (folder / "postmortems").is_dir()


def test_every_rule_has_a_fixture_and_documentation() -> None:
    names = [p.name for p in fixture_folders()]
    for rule in all_rules():
        assert rule.summary.strip(), f"{rule.code} has no summary"
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        if rule.code == "HS100":
            continue  # an internal error has no input that causes it: see the next test
        prefix = f"{rule.code}-{rule.name}"
        assert any(n == prefix or n.startswith(prefix + "-") for n in names), \
            f"no fixture folder {prefix}[-<case>] under tests/fixtures/"


def test_every_fixture_names_a_registered_rule() -> None:
    rules = {r.code: r.name for r in all_rules()}
    for folder in fixture_folders():
        code = CASE_RE.fullmatch(folder.name).group("code")  # type: ignore[union-attr]
        if code is not None:
            assert code in rules, folder.name
            assert folder.name.startswith(f"{code}-{rules[code]}"), folder.name


def test_internal_error_is_reported_on_its_file_and_hides_no_other(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug while checking one file becomes HS100 on that file; the others are still checked."""
    import hindsite.pipeline

    work = tmp_path / "kb"
    shutil.copytree(FIXTURES / "HS204-invalid-value", work)
    original = work / "postmortems/2021/PM-0001-orders-not-emailed.md"
    (work / "postmortems/2022").mkdir()
    (work / "postmortems/2022/PM-0002-crash.md").write_text(
        original.read_text(encoding="utf-8").replace("PM-0001", "PM-0002"), encoding="utf-8")
    real = hindsite.pipeline.check_document

    def failing(doc, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "crash" in doc.path:
            raise KeyError("boom")
        return real(doc, *args, **kwargs)

    monkeypatch.setattr(hindsite.pipeline, "check_document", failing)
    monkeypatch.chdir(work)

    result = run_check(Settings(base=Path(".")))

    assert [(d.format(), d.severity) for d in result.diagnostics] == [
        ("postmortems/2021/PM-0001-orders-not-emailed.md:5:11: error HS204 severity is 'sev2'; "
         "did you mean 'SEV2'? (allowed: SEV1, SEV2, SEV3, SEV4)", Severity.ERROR),
        ("postmortems/2022/PM-0002-crash.md:1:1: error HS100 internal error (KeyError: 'boom')",
         Severity.ERROR),
    ]


def test_an_invalid_file_still_claims_its_id(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A reference to an incident whose file has errors is not also reported as unknown."""
    work = tmp_path / "kb"
    shutil.copytree(FIXTURES / "HS405-unknown-reference", work)
    original = (work / "postmortems/2021/PM-0001-orders-not-emailed.md").read_text(
        encoding="utf-8")
    (work / "postmortems/2022").mkdir()
    (work / "postmortems/2022/PM-0099-broken.md").write_text(
        original.replace("PM-0001", "PM-0099").replace("severity: SEV2", "severity: SEV9")
        .replace("Like PM-0099 before.", "A host joined."), encoding="utf-8")
    monkeypatch.chdir(work)

    result = run_check(Settings(base=Path(".")))

    assert located(result.diagnostics) == ["postmortems/2022/PM-0099-broken.md:5:11: error HS204"]


@pytest.mark.parametrize("folder", fixture_folders(), ids=lambda p: p.name)
def test_the_fast_schema_engine_agrees_with_jsonschema(folder: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """jsonschema-rs only says 'valid' first; it must say so exactly where jsonschema does,
    or a problem would go unreported (the diagnostics are then jsonschema's)."""
    monkeypatch.chdir(knowledge_base(folder, tmp_path))
    verdicts: list[tuple[bool, bool]] = []
    fast = schema.is_valid

    def both(data: object, name: str, levels: tuple[str, ...] = ()) -> bool:
        slow = not any(True for _ in schema.validator(name, levels).iter_errors(data))
        verdicts.append((fast(data, name, levels), slow))
        return False

    monkeypatch.setattr(schema, "is_valid", both)
    result = run_check(Settings(base=Path(".")), reuse=False)
    assert located(result.diagnostics) == expected_lines(folder)
    assert verdicts and all(f == s for f, s in verdicts), verdicts
