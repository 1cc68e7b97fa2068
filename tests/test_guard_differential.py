"""The page guard against a browser's reading of pages.

Each hostile page below runs script in Chromium when nothing stops it (a test shows it), and
each is one where Python's html.parser, which the guard reads pages with, once saw nothing:
a comment, a raw-text end tag, a section or an attribute a browser ends or splits elsewhere.
The quick reading is held to html.parser's on generated markup; postmortems and docs pages
carrying such markup are built end to end.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from hindsite.guard import full_scan, page_problems, quick_scan

PAGE = """<!doctype html><html><head>
<meta charset="utf-8">
<title>t</title>
<script>var theme = 1;</script>
</head><body><article>{content}</article>
</body></html>"""
HIT = "top.__hit=1"
"""What each hostile page runs: a browser that runs it has `__hit` set."""
RUNS_IN_A_BROWSER = {
    "abrupt comment": f'<!--><img src=x onerror="{HIT}">-->',
    "abrupt comment with a dash": f'<!---><img src=x onerror="{HIT}">-->',
    "comment ended by --!>": f'<!-- a --!><img src=x onerror="{HIT}">-->',
    "style end tag with an attribute": f'<style></style x><img src=x onerror="{HIT}"></style>',
    "style end tag with a slash": f'<style></style/><img src=x onerror="{HIT}"></style>',
    "style in SVG": f'<svg><style><img src=x onerror="{HIT}"></style></svg>',
    "style in MathML": f'<math><style><img src=x onerror="{HIT}"></style></math>',
    "CDATA outside SVG": f'<![CDATA[ > <img src=x onerror="{HIT}"> ]]>',
    "NUL in a tag name": f'<a\x00 id=c tabindex=1 autofocus onfocus="{HIT}">c</a>',
    "no-break space in a tag": f'<img src=x title=a\xa0b=" onerror={HIT} ">',
    "vertical tab in a tag": f'<img src=x title=a\x0bb=" onerror={HIT} ">',
    "double equals": f'<img src=x title==" onerror={HIT} ">',
    "duplicate href": f'<a id=c href="javascript:{HIT}" href="../x/">c</a>',
    "tab in a scheme": f'<a id=c href="java&#x09;script:{HIT}">c</a>',
    "newline in a scheme": f'<a id=c href="java\nscript:{HIT}">c</a>',
    "control before a scheme": f'<a id=c href="\x01javascript:{HIT}">c</a>',
    "SVG animation values": (f'<svg><a id=c><animate attributeName=href values="../x/;'
                             f'javascript:{HIT}" dur=0.01s fill=freeze /><text y=20>c</text>'
                             '</a></svg>'),
    "SVG set after a control": (f'<svg><a id=c><set attributeName=href to="\x01javascript:{HIT}"'
                                '/><text y=20>c</text></a></svg>'),
    "noscript end in an attribute": (f'<noscript><p title="</noscript><img src=x onerror={HIT}>">'
                                     '</noscript>'),
    "noscript end in a comment": (f'<noscript><!-- </noscript><img src=x onerror={HIT}> -->'
                                  '</noscript>'),
    "textarea end in an attribute": (f'<textarea><p title="</textarea><img src=x onerror={HIT}>">'
                                     '</textarea>'),
    "title end in a comment": f'<title><!-- </title><img src=x onerror={HIT}> --></title>',
    "xmp end in an attribute": f'<xmp><p title="</xmp><img src=x onerror={HIT}>"></xmp>',
}
INERT_IN_A_BROWSER = [
    f'<p title="<img src=x onerror={HIT}>">x</p>',
    '<a href="../x/" title="javascript:alert(1)">PM-1</a>',
    '<a href="../x/" title="52\xa0h 48\u202fmin">x</a> 52\xa0h',
    "<p>a <!-- a comment --> b <!----> c</p>",
    '<meta http-equiv=x http-equiv=refresh content="0;url=../x/">',
    '<a href="../x/" href="javascript:alert(1)">x</a>',
    "<svg><style>rect { fill: red }</style><rect/></svg>",
]


def _content(page: str, content: str) -> tuple[int, int]:
    start = page.index(content)
    return start, start + len(content)


@pytest.mark.parametrize("content", RUNS_IN_A_BROWSER.values(), ids=RUNS_IN_A_BROWSER.keys())
def test_markup_a_browser_runs_is_refused_by_both_readings(content: str) -> None:
    page = PAGE.format(content=content)
    assert page_problems(page, content), content
    assert full_scan(page).problems, "refused outside the content too"
    assert quick_scan(page, _content(page, content)) is None


@pytest.mark.parametrize("content", INERT_IN_A_BROWSER)
def test_markup_a_browser_reads_as_text_passes(content: str) -> None:
    page = PAGE.format(content=content)
    assert page_problems(page, content) == []
    assert quick_scan(page, _content(page, content)) == full_scan(page)


def test_each_refused_page_runs_script_in_a_browser_without_the_guard(browser: Any) -> None:
    """The refused pages are real: Chromium runs each one's script, given the chance (a
    click where a link is the way in); an inert page runs nothing."""
    hits = {name: _runs(browser, html) for name, html in
            [*RUNS_IN_A_BROWSER.items(), *(("inert", c) for c in INERT_IN_A_BROWSER)]}
    assert [name for name, hit in hits.items() if hit != (name != "inert")] == []


TRICKY = ["<!-->", "<!--->", "<!--", "-->", "--!>", "<!---->", "</style x>", "</style/>",
          "</style >", "<style>", "</script x>", "<script>", "</script>", "<svg>", "</svg>",
          "<math>", "<![CDATA[", "]]>", "<![if x]>", "\x00", "\xa0", "\x0b", "\u2028", "==",
          "<noscript>", "</noscript>", "<title>", "</title>", "<textarea>", "</textarea>",
          "<xmp>", "<p title=\"", "\"", "'", ">", "/>", "<", "</", "<img src=x ",
          "onerror=x ", "href=\"java&#x09;script:x\" ", "href=javascript:x ", "title=a ",
          "href=\"../x/\" ", "<a ", "<P TITLE=", "<img/src/", "&#x0a;", "\n", " ", "\t", "x",
          "<?x>", "<!x>", "</ x>", "<!doctype html>", "values=\"a;javascript:x\" "]


@settings(max_examples=500, deadline=None)
@given(parts=st.lists(st.sampled_from(TRICKY), max_size=16),
       cut=st.tuples(st.integers(0, 16), st.integers(0, 16)))
def test_the_quick_reading_never_passes_what_html_parser_refuses(
        parts: list[str], cut: tuple[int, int]) -> None:
    html = "".join(parts)
    content = (len("".join(parts[:min(cut)])), len("".join(parts[:max(cut)])))
    quick = quick_scan(html, content)
    if quick is not None:
        full = full_scan(html, content)
        assert full.problems == [], html
        assert quick == full, html


@settings(max_examples=300, deadline=None)
@given(html=st.text(alphabet="<>/!-=\"' \t\n\x00\xa0\x0b[]?&#;:abcdeilmnoprstvxyjCDAT",
                    max_size=50))
def test_the_quick_reading_agrees_on_any_string(html: str) -> None:
    quick = quick_scan(html)
    assert quick is None or (quick == full_scan(html) and quick.problems == []), html


def _runs(browser: Any, html: str) -> bool:
    """Whether Chromium, given `html` as a page without its policy, runs its script."""
    page = browser.new_page()
    page.route("**/*", lambda route: route.fulfill(
        body=PAGE.format(content=html) if route.request.url.endswith("/t.html") else "",
        status=200 if route.request.url.endswith("/t.html") else 404,
        content_type="text/html"))
    try:
        page.goto("http://127.0.0.1:9/t.html")
        page.wait_for_timeout(150)
        if not page.evaluate("window.__hit === 1") and page.locator("#c").count():
            page.locator("#c").first.click(force=True, timeout=2000)
            page.wait_for_timeout(150)
        return bool(page.evaluate("window.__hit === 1"))
    finally:
        page.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium through Playwright; skipped without it, as the site tests are."""
    api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        if os.environ.get("CI"):
            raise RuntimeError("chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed")
    with api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield launched
        launched.close()


SITE_KB = Path(__file__).resolve().parent / "site_kb"
MKDOCS_YML = """\
site_name: Hostile postmortems
docs_dir: docs
site_dir: site
theme:
  name: material
  font: false
plugins:
  - search
  - hindsite:
      postmortems: kb
"""
HOSTILE = [RUNS_IN_A_BROWSER[name] for name in
           ("abrupt comment", "style in SVG", "noscript end in an attribute", "duplicate href")]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The site tests' knowledge base and one docs page, in tmp_path."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")
    shutil.copytree(SITE_KB, tmp_path / "kb")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# Home\n")
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML)
    return tmp_path


def _build(project: Path) -> Path:
    build(load_config(config_file=str(project / "mkdocs.yml")))
    return project / "site"


@pytest.mark.parametrize("markup", HOSTILE)
def test_a_docs_page_html_parser_once_read_as_harmless_stops_the_build(project: Path,
                                                                      markup: str) -> None:
    """Docs pages go through Python-Markdown, which keeps raw HTML: the guard is what stops
    them."""
    (project / "docs/index.md").write_text(f"# Home\n\n{markup}\n")
    with pytest.raises(Abort):
        _build(project)
    assert not (project / "site/index.html").exists()


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def test_hostile_postmortem_and_catalog_text_reaches_a_browser_as_text(project: Path,
                                                                      browser: Any) -> None:
    """Titles, summaries, timeline and action item text, and catalog descriptions carrying
    markup a browser would run are built, and shown as the text they are."""
    source = next((project / "kb").rglob("PM-0003-*.md"))
    text = source.read_text(encoding="utf-8")
    for n, (old, key) in enumerate([
            ("title: Checkout timed out again at the autumn sale", "title"),
            ("summary: 3,900 orders failed at checkout over two and a half hours.", "summary"),
            ("text: The sale opens; volume rises fivefold.", "text"),
            ("title: Load test before every sale", "title"),
            ("description: Volume rose fivefold, beyond the twenty consumers set after "
             "PM-0001.", "description")]):
        text = text.replace(old, f"{key}: {_quoted(HOSTILE[n % len(HOSTILE)])}", 1)
    source.write_text(text, encoding="utf-8")
    catalog = project / "kb/catalog.yml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        "The number of queue consumers", f"{HOSTILE[1]} The number of queue consumers", 1),
        encoding="utf-8")
    site = _build(project)
    shown = {page.relative_to(site).as_posix(): text for page in sorted(site.rglob("*.html"))
             if "top.__hit" in (text := page.read_text(encoding="utf-8"))}
    assert {"incidents/PM-0003/index.html", "incidents/PM-0003/drafts/index.html",
            "causes/queue-backlog/index.html", "action-items/index.html"} <= set(shown)
    assert {address: found for address, html in shown.items()
            if (found := _runnable(browser, html))} == {}


def _runnable(browser: Any, html: str) -> list[str]:
    """What Chromium finds it could run in `html`, served without its policy: handlers,
    script URLs, and whether the hostile text ran."""
    page = browser.new_page()
    page.route("**/*", lambda route: route.fulfill(status=404, body=""))
    try:
        page.set_content(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html),
                         wait_until="domcontentloaded")
        page.wait_for_timeout(100)
        return list(page.evaluate("""() => {
            const found = window.__hit === 1 ? ['ran'] : [];
            for (const e of document.querySelectorAll('*')) for (const a of e.attributes) {
                const url = /^(href|src|action|formaction|xlink:href|to|values)$/.test(a.name);
                if (a.name.startsWith('on') || (url && /^\\s*(javascript|vbscript):/i.test(
                        a.value.replace(/[\\t\\n\\r]/g, ''))))
                    found.push(e.tagName + ' ' + a.name);
            }
            return found;
        }"""))
    finally:
        page.close()
