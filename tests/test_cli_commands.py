"""`hindsite init`, `new` and `export` through the command line: output, files, exit codes."""

from __future__ import annotations

import csv
import io
import json
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
