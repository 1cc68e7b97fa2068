"""`init` and `new` as a library: the files they write, and that hindsite accepts them."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from hindsite.config import Settings, load_settings
from hindsite.diagnostics import Severity
from hindsite.pipeline import read_catalog, run_check
from hindsite.scaffold import INIT_FILES, SOURCE_PLACEHOLDER, init_files, write_new
from hindsite.scaffold.new import DraftError, Request, draft, ids_in, next_id, slug
from sitewalk import dead_links

SITE_KB = Path(__file__).resolve().parent / "site_kb"
PARIS = timezone(timedelta(hours=1))


def initialised(root: Path) -> Path:
    write_new(root, init_files("Acme postmortems", SOURCE_PLACEHOLDER))
    return root


def test_init_writes_a_knowledge_base_that_builds_and_checks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = initialised(tmp_path)
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == \
        sorted([*INIT_FILES, "schema/catalog.schema.json", "schema/postmortem.schema.json"])
    settings = load_settings(root / "mkdocs.yml")
    result = run_check(settings)
    assert [d.format() for d in result.diagnostics
            if d.severity is not Severity.INFO] == [] and result.files == 1
    build(load_config(config_file=str(root / "mkdocs.yml"), strict=True))
    assert "Acme postmortems" in (root / "site" / "index.html").read_text()
    assert (root / "site" / "incidents" / "PM-0001" / "index.html").is_file()
    assert dead_links(root / "site") == []


def test_init_writes_the_workflow_and_the_hooks(tmp_path: Path) -> None:
    root = initialised(tmp_path)
    flow = yaml.safe_load((root / ".github/workflows/postmortems.yml").read_text())
    runs = {job: [s.get("run") or s.get("uses") for s in spec["steps"]]
            for job, spec in flow["jobs"].items()}
    assert "hindsite check --strict --format github" in runs["check"]
    assert flow["jobs"]["check"]["if"] == "github.event_name == 'pull_request'"
    assert "mkdocs build --strict" in runs["build"]
    assert flow["jobs"]["publish"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert flow[True]["push"] == {"branches": ["main"]}  # YAML 1.1 reads the key `on` as True
    validated = subprocess.run([str(Path(sys.executable).with_name("check-jsonschema")),
                                "--builtin-schema", "vendor.github-workflows",
                                str(root / ".github/workflows/postmortems.yml")],
                               capture_output=True, text=True, timeout=120)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    hooks = yaml.safe_load((root / ".pre-commit-config.yaml").read_text())
    hook = hooks["repos"][0]["hooks"][0]
    assert (hook["id"], hook["pass_filenames"]) == ("hindsite-check", False)
    assert ".hindsite-cache/" in (root / ".gitignore").read_text().splitlines()
    assert (root / "requirements.txt").read_text().splitlines()[-1] == SOURCE_PLACEHOLDER


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Ours\n")
    (tmp_path / "postmortems").mkdir()
    (tmp_path / "postmortems" / "catalog.yml").write_text("teams: []\n")
    written = write_new(tmp_path, init_files("Acme", SOURCE_PLACEHOLDER))
    kept = {w.path.relative_to(tmp_path).as_posix() for w in written if not w.created}
    assert kept == {"mkdocs.yml", "postmortems/catalog.yml"}
    assert (tmp_path / "mkdocs.yml").read_text() == "site_name: Ours\n"
    assert (tmp_path / "postmortems" / "catalog.yml").read_text() == "teams: []\n"
    again = write_new(tmp_path, init_files("Acme", SOURCE_PLACEHOLDER))
    assert not any(w.created for w in again)


def test_a_site_name_with_yaml_characters_stays_a_name(tmp_path: Path) -> None:
    write_new(tmp_path, init_files('Ops: "all" # incidents', SOURCE_PLACEHOLDER))
    text = (tmp_path / "mkdocs.yml").read_text()
    assert yaml.safe_load(text.replace("!ENV", ""))["site_name"] == 'Ops: "all" # incidents'


# ------------------------------------------------------------------------ new


@pytest.mark.parametrize(("names", "expected"), [
    ([], "PM-0001"),
    (["PM-0001-a.md", "PM-0041-b.md", "PM-0007-c.md"], "PM-0042"),
    (["INC-7-a.md", "INC-12-b.md", "PM-0100-c.md"], "INC-13"),
    (["OPS-0999-a.md"], "OPS-1000"),
])
def test_the_next_id_keeps_the_prefix_in_use(tmp_path: Path, names: list[str],
                                             expected: str) -> None:
    for name in names:
        (tmp_path / name).write_text("")
    assert next_id(ids_in(sorted(tmp_path.iterdir()))) == expected


def test_an_id_is_read_from_the_front_matter_when_the_name_lacks_it(tmp_path: Path) -> None:
    (tmp_path / "outage.md").write_text("---\nid: 'SEC-0009'  # the id\ntitle: x\n---\n")
    assert next_id(ids_in([tmp_path / "outage.md"])) == "SEC-0010"


def test_a_slug_is_plain_lower_case_words() -> None:
    assert slug("Checkout: naïve “retry” storm — 40% of orders!") == \
        "checkout-naive-retry-storm-40-of-orders"
    assert slug("??") == "incident"
    assert len(slug("word " * 40)) <= 50


def test_a_new_draft_passes_the_check(tmp_path: Path) -> None:
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "catalog.yml").write_text((SITE_KB / "catalog.yml").read_text())
    catalog, _ = read_catalog(folder / "catalog.yml")
    assert catalog is not None
    settings = Settings(base=tmp_path)
    made = draft(Request('Orders "lost": the queue # filled', severity="SEV2",
                         services=("order-queue",)),
                 "PM-0005", datetime(2026, 12, 2, 9, 41, 27, tzinfo=PARIS), catalog,
                 settings.severity_levels, settings.required_sections)
    assert made.path == "2026/PM-0005-orders-lost-the-queue-filled.md"
    (folder / "2026").mkdir()
    (folder / made.path).write_text(made.text)
    result = run_check(settings)
    assert [d.format() for d in result.diagnostics if d.severity is not Severity.INFO] == []
    pm = result.kb.by_id["PM-0005"]
    assert (pm.title, pm.status, pm.severity, pm.services, pm.teams) == (
        'Orders "lost": the queue # filled', "draft", "SEV2", ("order-queue",), ("ops",))
    assert pm.started.isoformat() == "2026-12-02T09:41:00+01:00"
    for section in settings.required_sections:
        assert f"\n## {section}\n\nTODO: " in made.text


def test_every_line_of_the_record_says_what_it_wants() -> None:
    catalog, _ = read_catalog(SITE_KB / "catalog.yml")
    assert catalog is not None
    made = draft(Request("Disk full"), "PM-0009", datetime(2026, 1, 5, tzinfo=PARIS), catalog,
                 ("P1", "P2"), ("Summary",))
    record = made.text.split("---\n")[1]
    fields = [line for line in record.splitlines() if not line.startswith(("#", "  ", "- "))
              and not line.endswith(":")]
    assert fields and all("  # " in line for line in fields), fields
    assert "severity: P2  # one of P1, P2" in made.text


@pytest.mark.parametrize(("request_", "message"), [
    (Request("x", severity="SEV9"), "unknown severity 'SEV9'; did you mean 'SEV2'?"),
    (Request("x", services=("chekout",)), "unknown service 'chekout'; did you mean 'checkout'?"),
    (Request("x", teams=("Ops",)), "unknown team 'Ops'; did you mean 'ops'?"),
    (Request("  "), "the title has 0 characters; say what went wrong in 1 to 120"),
    (Request("x" * 121), "the title has 121 characters"),
])
def test_a_request_hindsite_cannot_honour(request_: Request, message: str) -> None:
    catalog, _ = read_catalog(SITE_KB / "catalog.yml")
    assert catalog is not None
    with pytest.raises(DraftError, match=message.replace("?", r"\?")):
        draft(request_, "PM-0009", datetime(2026, 1, 5, tzinfo=PARIS), catalog,
              ("SEV1", "SEV2"), ("Summary",))
