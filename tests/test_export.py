"""The incidents as CSV: one row per incident, the documented columns, the same figures
as incidents.json."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

from hindsite.config import Settings
from hindsite.pipeline import run_check
from hindsite.render import build_site
from hindsite.render.spreadsheet import COLUMNS, incidents_csv

SITE_KB = Path(__file__).resolve().parent / "site_kb"


def rows(base: Path, folder: str) -> list[dict[str, str]]:
    settings = Settings(base=base, postmortems=folder)
    site = build_site(run_check(settings).kb, settings, date(2024, 6, 1))
    return list(csv.DictReader(io.StringIO(incidents_csv(site))))


def test_one_row_per_incident_with_the_documented_columns() -> None:
    found = rows(SITE_KB.parent, SITE_KB.name)
    assert [r["id"] for r in found] == ["PM-0001", "PM-0002", "PM-0003", "PM-0004"]
    assert list(found[0]) == list(COLUMNS)
    again = found[2]
    assert (again["recurring_causes"], again["previous_incidents"]) == ("queue-backlog", "PM-0001")
    assert (again["minutes_to_detect"], again["minutes_of_impact"]) == ("4", "150")
    assert (again["services"], again["customers"]) == ("checkout; order-queue", "2100")
    first = found[0]
    assert (first["fixes_failed"], first["action_items"], first["action_items_done"]) == (
        "1", "3", "2")
    assert found[3]["customers"] == "" and found[1]["minutes_to_tell_customers"] == ""


def test_text_a_spreadsheet_would_run_is_defused(tmp_path: Path) -> None:
    shutil.copytree(SITE_KB, tmp_path / "kb")
    source = next((tmp_path / "kb").rglob("PM-0004-*.md"))
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("title: Card payments failed when a certificate expired",
                                   "title: \"=HYPERLINK('http://x.example','click')\""),
                      encoding="utf-8")
    found = rows(tmp_path, "kb")
    assert found[3]["title"] == "'=HYPERLINK('http://x.example','click')"


def test_the_readme_documents_every_column_in_order() -> None:
    readme = (SITE_KB.parent.parent / "README.md").read_text(encoding="utf-8")
    documented = [line.split("`")[1] for line in readme.splitlines()
                  if line.startswith("| `") and line.split("`")[1] in COLUMNS]
    assert documented == list(COLUMNS)
