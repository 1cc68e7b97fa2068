"""The pages every knowledge base gets from the package, through MkDocs' own build.

A knowledge base with nothing but mkdocs.yml, an empty docs/ and its postmortems builds in
strict mode, and no link of the built site leads nowhere; a team's own page replaces the
packaged one at the same address.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from hindsite.guides import guide_pages
from sitewalk import dead_links

SITE_KB = Path(__file__).resolve().parent / "site_kb"
MINIMAL = """\
site_name: Our postmortems
theme:
  name: material
  font: false
plugins:
  - search
  - tags
  - hindsite{options}
"""
EMPTY_CATALOG = "teams: []\nservices: []\ncauses: []\n"
PACKAGED = ["index.html", "writing-a-postmortem/index.html", "communication/index.html",
            "communication/first-notice/index.html", "severity/index.html", "tags/index.html"]


@pytest.fixture(autouse=True)
def dated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")


def new_kb(root: Path, *, incidents: bool = True, options: str = "") -> Path:
    """mkdocs.yml, an empty docs/, and the postmortems (the site's, or only a catalog)."""
    (root / "docs").mkdir()
    if incidents:
        shutil.copytree(SITE_KB, root / "postmortems")
    else:
        (root / "postmortems").mkdir()
        (root / "postmortems" / "catalog.yml").write_text(EMPTY_CATALOG)
    (root / "mkdocs.yml").write_text(MINIMAL.format(options=options))
    return root


def built(root: Path) -> Path:
    build(load_config(config_file=str(root / "mkdocs.yml"), strict=True))
    return root / "site"


def test_a_configuration_that_leaves_fonts_to_the_theme_builds_offline(tmp_path: Path) -> None:
    root = new_kb(tmp_path)
    (root / "mkdocs.yml").write_text(MINIMAL.replace("  font: false\n", "").format(options=""))
    site = built(root)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in home and "fonts.gstatic" not in home


@pytest.mark.parametrize("incidents", [True, False], ids=["incidents", "catalog-only"])
def test_a_bare_knowledge_base_builds_strict_without_dead_links(tmp_path: Path,
                                                                 incidents: bool) -> None:
    site = built(new_kb(tmp_path, incidents=incidents))
    for page in PACKAGED:
        assert (site / page).is_file(), page
    assert len(list(site.rglob("*.html"))) > 15
    assert dead_links(site) == []


def test_the_link_walk_finds_a_dead_link(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text('<a href="a/">a</a><a href="b/">b</a><img src="c.png">')
    (site / "a" / "index.html").write_text('<a href="../">home</a><a href="/x#y">x</a>')
    assert dead_links(site) == [("a/index.html", "/x#y"), ("index.html", "b/"),
                                ("index.html", "c.png")]


def test_the_guides_ship_in_the_package() -> None:
    pages = guide_pages()
    assert {"index.md", "tags.md", "severity.md", "writing-a-postmortem.md",
            "communication/index.md", "communication/why-didnt-that-fix-everything.md"} <= set(
        pages)
    assert pages["communication/index.md"].startswith("# Telling people bad news")


def test_a_team_page_replaces_the_packaged_one(tmp_path: Path) -> None:
    root = new_kb(tmp_path)
    (root / "docs" / "index.md").write_text("# Acme incidents\n\nOur own words.\n")
    (root / "docs" / "communication").mkdir()
    (root / "docs" / "communication" / "first-notice.md").write_text("# Our first notice\n")
    site = built(root)
    home = (site / "index.html").read_text()
    assert "Our own words." in home and "Who this is for" not in home
    assert "Our first notice" in (site / "communication/first-notice/index.html").read_text()
    assert "Tell them early" in (site / "communication/index.html").read_text()
    assert dead_links(site) == []


def test_the_severity_page_shows_the_configured_levels(tmp_path: Path) -> None:
    options = (":\n      severity_levels:\n        - P1: Everyone is down.\n        - P2\n"
               "        - P3: Hardly anyone <b>noticed</b>.\n")
    root = new_kb(tmp_path, incidents=False, options=options)
    page = (built(root) / "severity" / "index.html").read_text()
    assert "hindsite:severity-levels" not in page
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert [line.split("<strong>")[1].split("</strong>")[0]
            for line in rows.splitlines() if "<strong>" in line] == ["P1", "P2", "P3"]
    assert "Everyone is down." in rows and "(no description configured)" in rows
    assert "Hardly anyone &lt;b&gt;noticed&lt;/b&gt;." in rows


def test_a_marker_in_a_team_page_is_filled(tmp_path: Path) -> None:
    root = new_kb(tmp_path)
    (root / "docs" / "levels.md").write_text(
        "# Levels\n\n<!-- hindsite:severity-levels -->\n\n<!-- hindsite:no-such-thing -->\n")
    page = (built(root) / "levels" / "index.html").read_text()
    assert "<strong>SEV1</strong>" in page and "called in, at any hour" in page
    assert "<!-- hindsite:no-such-thing -->" in page


@pytest.mark.parametrize(("value", "message"), [
    ("[]", "must be a list of levels"),
    ("[P1, P1]", "'P1' is listed twice"),
    ("[{P1: a, P2: b}]", "each level is a name or 'NAME: what it means'"),
    ("[3]", "each level is a name"),
])
def test_malformed_severity_levels_are_named(value: str, message: str) -> None:
    from hindsite.config import ConfigError, parse_settings

    with pytest.raises(ConfigError, match=message):
        parse_settings({"severity_levels": yaml.safe_load(value)}, Path("."))


def test_the_readme_configuration_builds_as_it_is(tmp_path: Path) -> None:
    readme = (SITE_KB.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1]
    snippet = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    root = new_kb(tmp_path)
    (root / "mkdocs.yml").write_text(snippet)
    site = built(root)
    assert (site / "incidents" / "PM-0001" / "index.html").is_file()
    assert dead_links(site) == []
