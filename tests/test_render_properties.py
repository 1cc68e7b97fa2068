"""Properties of the published output: whatever a postmortem says, once the check lets it
through, no page runs script or fetches from another host, incidents.json is JSON and the
feed is XML. A bounded budget of generated postmortems, through load, check and render."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsite.config import Settings
from hindsite.guard import page_problems
from hindsite.pipeline import run_check
from hindsite.render import Linker, build_site, data_files, page_url, render_contents, site_pages

FIXTURES = Path(__file__).parent / "fixtures"
VALID = (FIXTURES / "valid-minimal/postmortems/2021/PM-0001-orders-not-emailed.md").read_text(
    encoding="utf-8")
CATALOG = (FIXTURES / "valid-minimal/postmortems/catalog.yml").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
BOUNDED = settings(max_examples=120, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow,
                                          HealthCheck.function_scoped_fixture])

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
           "](javascript:alert(1))", "![x](https://evil.example/x.png)", "![c](chart.png)",
           "![c](../catalog.yml)", "[r]: https://evil.example/r.png", "![r][r]", "[r]: #ok",
           "<!-- c -->", "&lt;", "&#x3C;script&#x3E;", "`code`", "```\n<script>\n```", "\n\n",
           "\n## Lessons learned\n", "\n### Note\n", "| a | b |\n|---|---|\n| c | d |",
           "PM-0001", "PM-0001/A1", "]]>", "<![CDATA[", "\"", "'", "\\", "\u202e", "\x85",
           "\u2028", "Zoë", "注文", "@jdoe", "a@b.example", "<style>@import 'x'</style>",
           "<svg onload=alert(1)>", "data:text/html,<script>alert(1)</script>", " ", "*", "_"]
TEXT = st.lists(st.sampled_from(HOSTILE) | st.text(max_size=8), max_size=25).map("".join)
FIELDS = ("title: Orders not e-mailed", "  summary: Some orders were not sent.",
          "    description: A new host was not on the relay's trusted list.",
          "    text: A new host joins the pool.",
          "    title: Build the list from the inventory")


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kb")
    (root / "postmortems/2021").mkdir(parents=True)
    (root / "postmortems/catalog.yml").write_bytes(CATALOG)
    (root / "postmortems/2021/chart.png").write_bytes(PNG)
    return root


def published(kb: Path, text: str) -> dict[str, str]:
    """Every page and data file of the site built from the postmortem `text`, if the check
    lets it through; empty otherwise."""
    (kb / "postmortems/2021/PM-0001-x.md").write_text(text, encoding="utf-8")
    result = run_check(Settings(base=kb))
    if any(d.severity.name == "ERROR" for d in result.diagnostics):
        return {}
    site = build_site(result.kb, Settings(base=kb), date(2024, 6, 1))
    pages = {page.src_uri: render_contents(site, page, Linker(page_url(page.src_uri)))[0]
             for page in site_pages(site)}
    return {**pages, **data_files(site, "t")}


def assert_inert(output: dict[str, str]) -> None:
    for name, text in output.items():
        if name.endswith(".json"):
            json.loads(text, parse_constant=lambda constant: pytest.fail(constant))
        elif name == "feed.xml":
            ElementTree.fromstring(text)
        else:
            assert page_problems(text, text) == [], (name, page_problems(text, text))


@BOUNDED
@given(values=st.lists(TEXT, min_size=len(FIELDS), max_size=len(FIELDS)), body=TEXT)
def test_whatever_the_check_lets_through_is_published_inert(kb: Path, values: list[str],
                                                            body: str) -> None:
    text = VALID
    for field, value in zip(FIELDS, values, strict=True):
        key, _, _old = field.partition(": ")
        text = text.replace(field, f"{key}: {json.dumps(value or 'x')}", 1)
    text = text.replace("A host joined.\n", f"A host joined.\n\n{body}\n", 1)
    assert_inert(published(kb, text))


@BOUNDED
@given(body=TEXT)
def test_any_narrative_is_rendered_inert_on_the_incident_and_lessons_pages(kb: Path,
                                                                           body: str) -> None:
    text = VALID.replace("Generate lists.\n", f"Generate lists.\n\n{body}\n", 1)
    assert_inert(published(kb, text))
