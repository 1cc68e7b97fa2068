"""`hindsite check`: exit codes, and the exact output of every format."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hindsite.cli import main
from hindsite.diagnostics import Diagnostic, Severity
from hindsite.report import REPORTERS

FIXTURES = Path(__file__).parent / "fixtures"
VALID = (FIXTURES / "valid-minimal/postmortems/2021/PM-0001-orders-not-emailed.md").read_text(
    encoding="utf-8")
FILE = "postmortems/2021/PM-0001-orders-not-emailed.md"


def edited(*pairs: str, text: str = VALID) -> str:
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def knowledge_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture: str = "valid-minimal",
                   **files: str) -> Path:
    """A copy of a fixture's knowledge base, with `files` (path: text) added or replaced."""
    work = tmp_path / "kb"
    shutil.copytree(FIXTURES / fixture, work)
    (work / "expected.txt").unlink()
    for path, text in files.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(text, encoding="utf-8")
    monkeypatch.chdir(work)
    return work


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


# ------------------------------------------------------------------------ exit codes

def test_a_valid_knowledge_base_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    knowledge_base(tmp_path, monkeypatch)

    assert run(capsys) == (0, "no problems in 1 file\n", "")
    assert run(capsys, "--strict") == (0, "no problems in 1 file\n", "")


def test_errors_fail_and_are_listed_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    knowledge_base(
        tmp_path, monkeypatch,
        **{FILE: edited("severity: SEV2", "severity: sev2", "A host joined.", "By human error."),
           "postmortems/2020/PM-0002-older.md": edited(
               "id: PM-0001", "id: PM-0002", "services: [mail-relay]", "services: [mail-relai]"),
           "postmortems/catalog.yml": (FIXTURES / "valid-minimal/postmortems/catalog.yml")
           .read_text(encoding="utf-8") + "  - key: relay-allowlist-missing-host\n"
                                          "    title: x\n    category: configuration\n"})

    code, out, err = run(capsys)

    assert (code, err) == (1, "")
    assert out == (
        "postmortems/2020/PM-0002-older.md:9:12: error HS301 unknown service 'mail-relai'; did "
        "you mean 'mail-relay'? (services are listed in postmortems/catalog.yml)\n"
        f"{FILE}:5:11: error HS204 severity is 'sev2'; did you mean 'SEV2'? "
        "(allowed: SEV1, SEV2, SEV3, SEV4)\n"
        f"{FILE}:37:4: warning HS601 blame language 'human error': say what the system allowed "
        "or lacked, not who erred\n"
        "postmortems/catalog.yml:12:10: error HS308 causes key 'relay-allowlist-missing-host' "
        "is already defined at line 9; keys must be unique\n"
        "3 errors, 1 warning in 2 files\n")


def test_warnings_fail_only_when_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    knowledge_base(tmp_path, monkeypatch, "HS601-blame-language")
    line = (f"{FILE}:37:8: warning HS601 blame language 'Human Error': say what the system "
            "allowed or lacked, not who erred\n1 warning in 1 file\n")

    assert run(capsys) == (0, line, "")
    assert run(capsys, "--strict") == (1, line, "")


def test_info_never_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    knowledge_base(tmp_path, monkeypatch, "HS503-possibly-same-cause")

    for args in ((), ("--strict",)):
        code, out, _ = run(capsys, *args)
        assert code == 0
        assert out.startswith("postmortems/2021/PM-0002-orders-again.md:14:5: info HS503 ")
        assert out.endswith("\n1 info in 2 files\n")


def test_configured_severities_decide_the_exit_code(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    work = knowledge_base(tmp_path, monkeypatch, "HS204-invalid-value")
    config = work / "mkdocs.yml"

    config.write_text("site_name: x\nplugins:\n  - hindsite:\n      rules:\n"
                      "        invalid-value: info\n", encoding="utf-8")
    code, out, _ = run(capsys)
    assert (code, out.splitlines()[-1]) == (0, "1 info in 1 file")
    assert out.startswith(f"{FILE}:5:11: info HS204 ")

    config.write_text("site_name: x\nplugins:\n  - hindsite:\n      rules: {HS204: off}\n",
                      encoding="utf-8")
    assert run(capsys) == (0, "no problems in 1 file\n", "")

    config.write_text("site_name: x\nplugins:\n  - hindsite:\n"
                      "      severity_levels: [sev1, sev2]\n", encoding="utf-8")
    assert run(capsys) == (0, "no problems in 1 file\n", "")


def test_a_config_file_elsewhere_sets_the_knowledge_base(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(FIXTURES / "HS204-invalid-value/postmortems", tmp_path / "site/postmortems")
    (tmp_path / "site/mkdocs.yml").write_text("site_name: x\nplugins:\n  - search\n",
                                              encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    code, out, _ = run(capsys, "-f", "site/mkdocs.yml")

    assert code == 1
    assert out.startswith(f"site/{FILE}:5:11: error HS204 ")


@pytest.mark.parametrize(("args", "config", "message"), [
    ((), "plugins:\n  - hindsite:\n      postmortem: pm\n",
     "hindsite: unknown hindsite option 'postmortem'; did you mean 'postmortems'? (options: "
     "postmortems, severity_levels, required_sections, blame_phrases, rules, suggestions, "
     "update_every, exclude)\n"),
    ((), "plugins:\n  - hindsite:\n      rules: {HS999: off}\n",
     "hindsite: hindsite option 'rules': no rule named 'HS999'\n"),
    ((), "plugins:\n  - hindsite:\n      rules: {HS601: loud}\n",
     "hindsite: hindsite option 'rules': 'HS601' must be error, warning, info or off, "
     "got 'loud'\n"),
    ((), "plugins:\n  - hindsite:\n      severity_levels: []\n",
     "hindsite: hindsite option 'severity_levels' must be a list of levels, worst first, "
     "got []\n"),
    ((), "plugins:\n  - hindsite:\n      blame_phrases: [blame, '  ']\n",
     "hindsite: hindsite option 'blame_phrases' must be a list of text, none of it blank, "
     "got ['blame', '  ']\n"),
    ((), "plugins:\n  - hindsite:\n      postmortems: /etc\n",
     "hindsite: hindsite option 'postmortems' must be a folder inside the project (beside "
     "mkdocs.yml), got '/etc'\n"),
    ((), "plugins:\n  - hindsite:\n      postmortems: ../../..\n",
     "hindsite: hindsite option 'postmortems' must be a folder inside the project (beside "
     "mkdocs.yml), got '../../..'\n"),
    (("/etc",), None, "hindsite: /etc is not in the knowledge base postmortems (no mkdocs.yml, "
     "postmortems folder or catalog.yml holds it)\n"),
    (("-f", "missing.yml"), None, "hindsite: no such configuration file: missing.yml\n"),
    (("postmortems/2031",), None, "hindsite: no such file or folder: postmortems/2031\n"),
])
def test_usage_errors_exit_2_and_say_what_is_wrong(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        args: tuple[str, ...], config: str | None, message: str) -> None:
    work = knowledge_base(tmp_path, monkeypatch)
    if config is not None:
        (work / "mkdocs.yml").write_text("site_name: x\n" + config, encoding="utf-8")

    assert run(capsys, *args) == (2, "", message)


def test_mkdocs_yml_is_read_without_running_its_tags(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    work = knowledge_base(tmp_path, monkeypatch)
    marker = tmp_path / "constructed"
    (work / "mkdocs.yml").write_text(
        "site_name: x\n"
        f"extra: !!python/object/apply:os.system [touch {marker}]\n"
        "env: !ENV [HOME, x]\n"
        "plugins:\n  - hindsite\n", encoding="utf-8")

    assert run(capsys) == (0, "no problems in 1 file\n", "")
    assert not marker.exists()


def test_a_folder_outside_any_knowledge_base_is_not_reported_as_clean(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path / "empty")

    code, out, err = run(capsys, "/etc")

    assert (code, out) == (2, "") and "/etc is not in the knowledge base" in err


def test_an_environment_tag_is_read_as_the_site_reads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """`!ENV [NAME, default]` in mkdocs.yml names the same folder for the CLI as for MkDocs."""
    work = knowledge_base(tmp_path, monkeypatch)
    shutil.copytree(work / "postmortems", work / "other")
    (work / "other" / FILE.split("/", 1)[1]).write_text(
        edited("severity: SEV2", "severity: SEV9"), encoding="utf-8")
    (work / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - hindsite:\n"
        "      postmortems: !ENV [HINDSITE_TEST_FOLDER, postmortems]\n", encoding="utf-8")
    monkeypatch.delenv("HINDSITE_TEST_FOLDER", raising=False)
    assert run(capsys) == (0, "no problems in 1 file\n", "")

    monkeypatch.setenv("HINDSITE_TEST_FOLDER", "other")
    code, out, _err = run(capsys)
    assert code == 1 and out.startswith("other/2021/PM-0001-orders-not-emailed.md:5:11: "
                                        "error HS204 "), out

    from mkdocs.config import load_config
    (work / "docs").mkdir()
    config = load_config(str(work / "mkdocs.yml"))
    assert config.plugins["hindsite"].options["postmortems"] == "other"  # type: ignore[attr-defined]


def test_an_unknown_format_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    knowledge_base(tmp_path, monkeypatch)

    with pytest.raises(SystemExit) as stopped:
        main(["check", "--format", "xml"])

    assert stopped.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "argument --format: invalid choice: 'xml'" in err


def test_a_folder_without_a_knowledge_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)

    assert run(capsys) == (1, "postmortems/catalog.yml:1:1: error HS112 the catalog of teams, "
                              "services and causes is missing; create postmortems/catalog.yml\n"
                              "1 error in 0 files\n", "")


def test_the_knowledge_base_is_found_from_a_subfolder_or_a_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Like git: from inside the project, or given a file of it from anywhere."""
    work = knowledge_base(tmp_path, monkeypatch, **{FILE: edited("status: published",
                                                                 "status: publish")})
    monkeypatch.chdir(work / "postmortems/2021")
    code, out, _err = run(capsys)
    assert code == 1 and out.startswith("PM-0001-orders-not-emailed.md:4:9: error HS204 "), out
    monkeypatch.chdir(tmp_path)
    code, out, _err = run(capsys, f"kb/{FILE}")
    assert code == 1 and out.startswith(f"kb/{FILE}:4:9: error HS204 "), out


# ------------------------------------------------------------------------ formats

def test_github_format_escapes_properties_and_messages(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    work = knowledge_base(tmp_path, monkeypatch)
    (work / FILE).rename(work / "postmortems/2021/PM-0001-50%,a:b.md")
    (work / "postmortems/2021/PM-0001-50%,a:b.md").write_text(
        edited("severity: SEV2", "severity: 50%"), encoding="utf-8")

    code, out, _ = run(capsys, "--format", "github")

    assert code == 1
    assert out == (
        "::error file=postmortems/2021/PM-0001-50%25%2Ca%3Ab.md,line=5,col=11,title=HS204::"
        "severity is '50%25' (allowed: SEV1, SEV2, SEV3, SEV4)\n"
        "1 error in 1 file\n")


def test_github_format_escapes_line_breaks() -> None:
    diagnostic = Diagnostic("a:b,c%.md", 3, 4, Severity.WARNING, "HS601", "one\r\ntwo % three")

    assert REPORTERS["github"]([diagnostic], 1) == (
        "::warning file=a%3Ab%2Cc%25.md,line=3,col=4,title=HS601::one\\r\\ntwo %25 three\n"
        "1 warning in 1 file\n")
    info = Diagnostic("a.md", 1, 1, Severity.INFO, "HS503", "x")
    assert REPORTERS["github"]([info], 1).startswith("::notice file=a.md,line=1,col=1,")


def test_json_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str]) -> None:
    knowledge_base(tmp_path, monkeypatch, "HS304-duplicate-id")

    code, out, _ = run(capsys, "--format", "json")

    assert code == 1
    assert json.loads(out) == [
        {"path": "postmortems/2021/PM-0001-orders-again.md", "line": 2, "col": 5,
         "severity": "error", "code": "HS304",
         "message": "id PM-0001 is also used by postmortems/2021/PM-0001-orders-not-emailed.md; "
                    "give each incident its own id"},
        {"path": FILE, "line": 2, "col": 5, "severity": "error", "code": "HS304",
         "message": "id PM-0001 is also used by postmortems/2021/PM-0001-orders-again.md; "
                    "give each incident its own id"},
    ]


def test_json_format_with_nothing_to_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    knowledge_base(tmp_path, monkeypatch)

    assert run(capsys, "--format", "json") == (0, "[]\n", "")


def test_the_job_summary_gets_every_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """GitHub shows only the first ten annotations of a kind; the job summary shows them all."""
    services = ", ".join(f"svc-{n}" for n in range(12))
    knowledge_base(tmp_path, monkeypatch, **{
        FILE: edited("services: [mail-relay]", f"services: [{services}]"),
        "postmortems/2022/PM-0002-pipe.md": edited(
            "id: PM-0001", "id: PM-0002",
            "teams: [platform]\n", "teams: [platform]\n\"a|b\": 1\n")})
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    code, out, _ = run(capsys, "--format", "github")

    assert code == 1
    assert len([line for line in out.splitlines() if line.startswith("::error ")]) == 13
    lines = summary.read_text(encoding="utf-8").splitlines()
    assert lines[:6] == ["earlier step", "### hindsite check", "", "13 errors in 2 files", "",
                         "| where | severity | rule | message |"]
    rows = lines[7:]
    assert len(rows) == 13
    assert rows[0] == (f"| `{FILE}:9:12` | error | HS301 | unknown service 'svc-0' (services are "
                       "listed in postmortems/catalog.yml) |")
    assert rows[-1].startswith("| `postmortems/2022/PM-0002-pipe.md:11:1` | error | HS202 | "
                               "unknown field 'a\\|b' in the front matter (allowed: id, ")


def test_the_job_summary_is_written_only_for_github(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    knowledge_base(tmp_path, monkeypatch, "HS204-invalid-value")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    run(capsys)

    assert not summary.exists()


# ------------------------------------------------------------------------ PATH filtering

def recurrence_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PM-0001 fixed the cause; PM-0002 has it again without saying why; PM-0003 blames."""
    source = FIXTURES / "HS501-missing-why-earlier-fixes-failed/postmortems/2021"
    again = (source / "PM-0002-orders-again.md").read_text(encoding="utf-8")
    return knowledge_base(
        tmp_path, monkeypatch, "HS501-missing-why-earlier-fixes-failed",
        **{"postmortems/2021/PM-0002-orders-again.md": edited(
            "A host joined.", "As in PM-0001, whose PM-0001/A1 was done.", text=again),
           "postmortems/2022/PM-0003-blame.md": edited(
               "id: PM-0001", "id: PM-0003", "A host joined.", "It was human error.")})


def test_paths_limit_the_report_not_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    recurrence_kb(tmp_path, monkeypatch)
    again = "postmortems/2021/PM-0002-orders-again.md"

    code, out, _ = run(capsys, again)

    assert code == 1
    assert out.splitlines()[0].startswith(f"{again}:14:5: error HS501 cause "
                                          "'relay-allowlist-missing-host' came back after")
    assert "PM-0001/A1 (completed 2021-03-02)" in out
    assert out.splitlines()[1:] == ["1 error in 3 files"]


def test_a_folder_as_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    recurrence_kb(tmp_path, monkeypatch)
    blame = ("postmortems/2022/PM-0003-blame.md:37:8: warning HS601 blame language 'human error': "
             "say what the system allowed or lacked, not who erred\n1 warning in 3 files\n")

    assert run(capsys, "postmortems/2022") == (0, blame, "")
    assert run(capsys, "--strict", "postmortems/2022/") == (1, blame, "")
    assert run(capsys, "postmortems/2021/PM-0001-orders-not-emailed.md") == (
        0, "no problems in 3 files\n", "")
    code, out, _ = run(capsys, "postmortems/2022", "postmortems/2021/PM-0002-orders-again.md")
    assert (code, out.splitlines()[-1]) == (1, "1 error, 1 warning in 3 files")


def test_one_bad_file_hides_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    work = knowledge_base(tmp_path, monkeypatch, "HS204-invalid-value")
    (work / "postmortems/2020").mkdir()
    (work / "postmortems/2020/PM-0002-broken.md").write_bytes(b"---\ntitle: \xff\n---\n")
    (work / "postmortems/2022").mkdir()
    (work / "postmortems/2022/PM-0003-unclosed.md").write_text("---\ntitle: [x\n---\n")

    code, out, _ = run(capsys)

    assert code == 1
    assert [line.split(" ")[:3] for line in out.splitlines()[:-1]] == [
        ["postmortems/2020/PM-0002-broken.md:2:8:", "error", "HS101"],
        [f"{FILE}:5:11:", "error", "HS204"],
        ["postmortems/2022/PM-0003-unclosed.md:2:8:", "error", "HS102"],
    ]


# ------------------------------------------------------------------------ the installed command

def test_the_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("hindsite")
    command = str(script) if script.exists() else shutil.which("hindsite")
    assert command, "the hindsite console script is not installed"
    work = tmp_path / "kb"
    shutil.copytree(FIXTURES / "HS303-timeline-order", work)

    done = subprocess.run([command, "check", "--format", "json"], cwd=work, capture_output=True,
                          text=True, timeout=60)

    assert done.returncode == 1, done.stderr
    assert [(d["path"], d["line"], d["col"], d["code"]) for d in json.loads(done.stdout)] == [
        (FILE, 21, 9, "HS303")]


FORGED = ('options:\n  - title: "A\\n::error file=README.md,line=1::forged\\n'
          'README.md:1:1: error HS999 forged\\u202e"\n    cost: low\n    risk: low\n'
          '    recommended: true\n  - title: B\n    cost: low\n    risk: low\n'
          '    recommended: true\naction_items:')


@pytest.mark.parametrize("output_format", ["text", "github", "json"])
def test_a_value_cannot_forge_a_diagnostic_or_a_workflow_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        output_format: str) -> None:
    knowledge_base(tmp_path, monkeypatch, **{FILE: edited("action_items:", FORGED)})

    code, out, _err = run(capsys, "--format", output_format)

    assert code == 1
    assert "\u202e" not in out
    lines = out.splitlines()
    assert not any(line.startswith(("::error file=README", "README.md")) for line in lines)
    assert len([line for line in lines if "HS307" in line]) == 1, out
    if output_format == "text":
        assert lines[0] == (f"{FILE}:29:18: error HS307 a second option is recommended (the "
                            "first is 'A\\n::error file=README.md,line=1::forged\\nREADME.md:1:1: "
                            "error HS999 forged\\u202e'); exactly one option is recommended")
    if output_format == "json":
        (found,) = json.loads(out)
        assert "\n" not in found["message"] and "\\n::error" in found["message"]
