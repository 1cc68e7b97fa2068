"""Properties of the whole check: any input becomes diagnostics, and no file is ever changed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsite.checked import CheckResult
from hindsite.cli import main
from hindsite.config import Settings
from hindsite.pipeline import run_check
from hindsite.rules import RULES, all_rules

FIXTURES = Path(__file__).parent / "fixtures"
VALID = (FIXTURES / "valid-minimal/postmortems/2021/PM-0001-orders-not-emailed.md").read_bytes()
CATALOG = (FIXTURES / "valid-minimal/postmortems/catalog.yml").read_bytes()
BOUNDED = settings(max_examples=200, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])

PUNCTUATION = ["\n", "\r\n", " ", "  ", "\t", "- ", ": ", ":", "[", "]", "{", "}", ", ", "? ", "|",
               ">-", "'", '"', "#", "&a ", "*a", "!!str ", "!!python/object:os.system ", "!x ",
               "%YAML 1.1\n", "---\n", "...\n", "\\", "\ufeff", "\x85", "\u2028", "\x00", "\x7f"]
WORDS = ["id", "title", "status", "severity", "started", "detected", "resolved", "services",
         "teams", "tags", "impact", "summary", "customers", "metrics", "value", "causes", "key",
         "kind", "description", "why_earlier_fixes_failed", "not_same_as", "timeline", "at",
         "text", "action_items", "addresses", "owner", "due", "completed", "link", "options",
         "recommended", "communications", "PM-0001", "PM-0001/A1", "A1", "published", "draft",
         "SEV2", "mail-relay", "platform", "relay-allowlist-missing-host", "root", "done",
         "2021-01-18T09:00:00Z", "2021-02-30", "2021-03-01", "no", "on", "yes", "1.10", "0755",
         "~", "null", "true", "-1", "1e400", "@jdoe", "a@b.example", "10.0.0.1", "<b>",
         "[x](javascript:y)", "![i](https://x.example/i.png)", "human error", "Zoë", "注文"]
TOKENS = st.lists(st.sampled_from(PUNCTUATION + WORDS) | st.text(max_size=5), max_size=60)


def assert_diagnostics_only(result: CheckResult) -> None:
    """Every problem is a located diagnostic of a registered rule; none is an internal error."""
    for d in result.diagnostics:
        assert d.code in RULES and d.code != "HS100", d.format()
        assert d.line >= 1 and d.col >= 1, d.format()
        assert d.message and "\n" not in d.message, d.format()


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kb")
    (root / "postmortems/2021").mkdir(parents=True)
    (root / "postmortems/catalog.yml").write_bytes(CATALOG)
    (root / "postmortems/2021/PM-0002-other.md").write_bytes(
        VALID.replace(b"PM-0001", b"PM-0002"))
    return root


def check_with(kb: Path, content: bytes, name: str = "PM-0001-x.md") -> CheckResult:
    (kb / "postmortems/2021" / name).write_bytes(content)
    return run_check(Settings(base=kb))


@BOUNDED
@given(content=st.binary(max_size=3000)
       | st.binary(max_size=3000).map(lambda b: b"---\n" + b + b"\n---\n## Summary\n" + b))
def test_any_bytes_become_diagnostics(kb: Path, content: bytes) -> None:
    assert_diagnostics_only(check_with(kb, content))


@BOUNDED
@given(front=TOKENS, body=TOKENS)
def test_any_yaml_ish_text_becomes_diagnostics(kb: Path, front: list[str], body: list[str]) -> None:
    text = "---\n" + "".join(front) + "\n---\n" + "".join(body)
    assert_diagnostics_only(check_with(kb, text.encode("utf-8", "surrogatepass")))


@BOUNDED
@given(data=st.data())
def test_a_valid_file_with_any_line_replaced_becomes_diagnostics(kb: Path,
                                                                 data: st.DataObject) -> None:
    lines = VALID.decode("utf-8").split("\n")
    for _ in range(data.draw(st.integers(1, 3))):
        number = data.draw(st.integers(0, len(lines) - 1))
        keep = data.draw(st.sampled_from(["", "  ", "    ", lines[number].split(":")[0] + ": "]))
        lines[number] = keep + "".join(data.draw(TOKENS))
    text = "\n".join(lines)
    assert_diagnostics_only(check_with(kb, text.encode("utf-8", "surrogatepass")))


def snapshot(root: Path) -> dict[str, tuple[str, int, int]]:
    """Every file and link under `root`: content hash, size and modification time."""
    found = {}
    for folder, dirs, names in os.walk(root):
        for name in sorted(dirs + names):
            path = Path(folder) / name
            info = path.lstat()
            digest = "" if path.is_dir() or path.is_symlink() else \
                hashlib.sha256(path.read_bytes()).hexdigest()
            found[path.relative_to(root).as_posix()] = (digest, info.st_size, info.st_mtime_ns)
    return found


def test_checking_never_changes_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(FIXTURES)
    folders = [p for p in FIXTURES.iterdir() if p.is_dir() and (p / "expected.txt").exists()]
    assert len(folders) > len(all_rules())
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    for folder in folders:
        monkeypatch.chdir(folder)
        run_check(Settings(base=Path(".")))
        for report in ("text", "github", "json"):
            main(["check", "--strict", "--format", report])
    capsys.readouterr()

    assert snapshot(FIXTURES) == before
