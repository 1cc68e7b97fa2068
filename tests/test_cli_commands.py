"""`hindsite init`, `new` and `export` through the command line: output, files, exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from hindsite.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
       capsys: pytest.CaptureFixture[str]) -> Path:
    """A knowledge base `hindsite init` wrote, as the working directory."""
    assert main(["init", str(tmp_path / "kb"), "--name", "Acme"]) == 0
    capsys.readouterr()
    monkeypatch.chdir(tmp_path / "kb")
    return tmp_path / "kb"


def test_init_lists_what_it_wrote_and_keeps_what_exists(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Ours\n")
    code, out, err = run(capsys, "init", str(tmp_path))
    assert (code, err) == (0, "")
    assert f"kept    {tmp_path / 'mkdocs.yml'}  (it exists; not changed)\n" in out
    assert f"created {tmp_path / 'postmortems' / 'catalog.yml'}\n" in out
    assert (tmp_path / "mkdocs.yml").read_text() == "site_name: Ours\n"
    code, out, _ = run(capsys, "init", str(tmp_path))
    assert code == 0 and "created" not in out


def test_new_prints_the_path_of_a_draft_that_passes_the_check(
        kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "new", "Orders lost: the queue filled", "--severity", "SEV2",
                         "--service", "checkout")
    year = datetime.now().astimezone().year
    assert (code, out, err) == (0, f"postmortems/{year}/PM-0002-orders-lost-the-queue-filled.md\n",
                                "")
    text = (kb / out.strip()).read_text()
    offset = datetime.now().astimezone().isoformat()[-6:]
    assert re.search(rf"^started: {year}-\d\d-\d\dT\d\d:\d\d:00{re.escape(offset)}  #", text,
                     re.MULTILINE)
    assert run(capsys, "new", "Second one")[1] == f"postmortems/{year}/PM-0003-second-one.md\n"
    assert run(capsys, "check", "--strict") == (0, "no problems in 3 files\n", "")


def test_new_never_overwrites(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    year = datetime.now().astimezone().year
    config = (kb / "mkdocs.yml").read_text()
    (kb / "mkdocs.yml").write_text(config.replace(
        "      postmortems: postmortems\n",
        "      postmortems: postmortems\n      exclude: [README.md, PM-0002-*]\n"))
    taken = kb / "postmortems" / str(year) / "PM-0002-outage.md"
    taken.parent.mkdir()
    taken.write_text("mine\n")
    code, out, err = run(capsys, "new", "Outage")
    assert (code, out) == (2, "")
    assert err == f"hindsite: postmortems/{year}/PM-0002-outage.md exists already; it was " \
                  "not changed\n"
    assert taken.read_text() == "mine\n"


def test_new_refuses_unknown_keys(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "new", "x", "--team", "payment") == (
        2, "", "hindsite: unknown team 'payment'; did you mean 'payments'? (teams are listed "
               "in catalog.yml)\n")
    assert len(list((kb / "postmortems").rglob("PM-*.md"))) == 1


def test_export_writes_json_and_csv_without_building(
        kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "export")
    document = json.loads(out)
    assert code == 0 and [i["id"] for i in document["incidents"]] == ["PM-0001"]
    assert document["incidents"][0]["durations_seconds"]["impact"] == 55 * 60
    assert run(capsys, "export", "--format", "csv", "-o", "out.csv") == (0, "", "")
    rows = list(csv.DictReader(io.StringIO((kb / "out.csv").read_text())))
    assert [(r["id"], r["minutes_of_impact"], r["fixes_held"]) for r in rows] == [
        ("PM-0001", "55", "1")]
    assert not (kb / "site").exists()


def test_export_writes_nothing_while_there_are_errors(
        kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = next((kb / "postmortems").rglob("PM-0001-*.md"))
    example.write_text(example.read_text().replace("severity: SEV3", "severity: SEV9"))
    code, out, err = run(capsys, "export", "-o", "out.json")
    assert (code, out) == (1, "")
    assert "error HS" in err and err.endswith("'hindsite check' lists every problem\n")
    assert not (kb / "out.json").exists()


def test_python_m_hindsite(kb: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "hindsite", "check"], capture_output=True,
                          text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "no problems in 1 file\n")


# ------------------------------------------------------------------------ like ruff and yamllint

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Path:
    import shutil

    shutil.copytree(FIXTURES / name, tmp_path / name)
    (tmp_path / name / "expected.txt").unlink()
    monkeypatch.chdir(tmp_path / name)
    return tmp_path / name


def test_quiet_hides_info_and_the_all_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    fixture_kb(tmp_path, monkeypatch, "HS503-possibly-same-cause")
    code, out, _ = run(capsys, "check")
    assert code == 0 and "info HS503" in out
    assert run(capsys, "check", "-q") == (0, "", "")
    assert run(capsys, "check", "--quiet", "--format", "json") == (0, "[]\n", "")


def test_quiet_keeps_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    fixture_kb(tmp_path, monkeypatch, "HS601-blame-language-front-matter")
    assert run(capsys, "check", "-q", "--strict") == (
        1, f"{run(capsys, 'check')[1].splitlines()[0]}\n1 warning in 1 file\n", "")


def test_select_and_ignore_by_code_prefix_or_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    fixture_kb(tmp_path, monkeypatch, "HS601-blame-language-front-matter")
    assert run(capsys, "check", "--strict", "--ignore", "blame-language") == (
        0, "no problems in 1 file\n", "")
    assert run(capsys, "check", "--strict", "--select", "HS3,HS2")[0] == 0
    code, out, _ = run(capsys, "check", "--strict", "--select", "HS1", "--select", "HS601")
    assert code == 1 and "warning HS601" in out
    assert run(capsys, "check", "--select", "blame-langage") == (
        2, "", "hindsite: no rule named 'blame-langage'; did you mean 'blame-language'? "
               "('hindsite rules' lists them)\n")


def test_rules_lists_and_explains(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - hindsite:\n      rules: {blame-language: error}\n")
    code, out, _ = run(capsys, "rules")
    lines = out.splitlines()
    assert code == 0 and len(lines) > 30 and lines[0].startswith("HS100  internal-error")
    assert any(line.startswith("HS601  blame-language") and " error " in line for line in lines)
    code, out, _ = run(capsys, "rules", "blame-language")
    assert code == 0 and out.startswith("HS601 blame-language\n\n")
    assert "Severity: warning (here: error, set in mkdocs.yml)\n" in out
    assert run(capsys, "rules", "HS6O1")[0] == 2


def test_colour_only_on_a_terminal_and_never_with_no_color(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pty

    work = fixture_kb(tmp_path, monkeypatch, "HS601-blame-language-front-matter")

    def output(**env: str) -> str:
        main_fd, child_fd = pty.openpty()
        environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | env
        subprocess.run([sys.executable, "-m", "hindsite", "check"], cwd=work, env=environ,
                       stdout=child_fd, stderr=child_fd, timeout=60)
        os.close(child_fd)
        text = os.read(main_fd, 65536).decode()
        os.close(main_fd)
        return text

    assert ": \x1b[33mwarning\x1b[0m HS601 " in output()
    assert "\x1b[" not in output(NO_COLOR="1") and ": warning HS601 " in output(NO_COLOR="")
    piped = subprocess.run([sys.executable, "-m", "hindsite", "check"], cwd=work,
                           capture_output=True, text=True, timeout=60)
    assert "\x1b[" not in piped.stdout and ": warning HS601 " in piped.stdout


def test_progress_shows_on_a_terminal_once_a_run_is_long() -> None:
    from hindsite.cli import terminal

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    clock = iter([0.0, 0.5, 1.5, 3.0])
    screen = Terminal()
    progress = terminal.Progress(screen, lambda: next(clock))
    progress(1, 1200)
    progress(600, 1200)
    progress(1200, 1200)
    progress.clear()
    assert screen.getvalue() == ("\rchecked 600 of 1,200 files\rchecked 1,200 of 1,200 files"
                                 "\r\x1b[K")
    piped = io.StringIO()
    terminal.Progress(piped)(1200, 1200)
    assert piped.getvalue() == ""


def test_schema_writes_this_knowledge_bases_levels(
        kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import jsonschema
    import yaml

    config = (kb / "mkdocs.yml").read_text()
    (kb / "mkdocs.yml").write_text(config.replace(
        "      postmortems: postmortems\n",
        "      postmortems: postmortems\n      severity_levels: [P1, P2: Some harm., P3]\n"))
    code, out, err = run(capsys, "schema")
    assert (code, out, err) == (0, "schema/postmortem.schema.json\nschema/catalog.schema.json\n",
                                "")
    front = json.loads((kb / "schema" / "postmortem.schema.json").read_text())
    assert front["properties"]["severity"]["enum"] == ["P1", "P2", "P3"]
    example = next((kb / "postmortems").rglob("PM-0001-*.md")).read_text()
    record = yaml.safe_load(example.split("---\n")[1].replace("SEV3", "P2"))
    record = json.loads(json.dumps(record, default=str))
    assert list(jsonschema.Draft202012Validator(front).iter_errors(record)) == []
    record["severity"] = "SEV3"
    assert [e.validator for e in jsonschema.Draft202012Validator(front).iter_errors(record)] == [
        "enum"]
    catalog_text = (kb / "postmortems" / "catalog.yml").read_text()
    modeline = catalog_text.splitlines()[0]
    assert modeline == "# yaml-language-server: $schema=../schema/catalog.schema.json"
    target = (kb / "postmortems" / modeline.split("$schema=")[1]).resolve()
    catalog_schema = json.loads(target.read_text())
    assert list(jsonschema.Draft202012Validator(catalog_schema).iter_errors(
        yaml.safe_load(catalog_text))) == []


def test_a_place_that_cannot_be_written_is_named(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x")
    code, out, err = run(capsys, "init", str(tmp_path / "file"))
    assert (code, err.startswith("hindsite: "), "Traceback" in err) == (2, True, False)
    assert str(tmp_path / "file") in err and (tmp_path / "file").read_text() == "x"


def test_this_repositorys_editor_schemas_are_what_hindsite_schema_writes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """schema/ is for editors in this repository: it must not drift from the package's."""
    repo = Path(__file__).resolve().parent.parent
    code, _, err = run(capsys, "schema", "-f", str(repo / "mkdocs.yml"), "-o", str(tmp_path))
    assert (code, err) == (0, "")
    for written in sorted(tmp_path.iterdir()):
        committed = repo / "schema" / written.name
        assert committed.read_text(encoding="utf-8") == written.read_text(encoding="utf-8"), (
            f"{committed} is stale; run `hindsite schema` and commit the result")
