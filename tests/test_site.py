"""The built site in a real browser: Debian's chromium driven by Playwright.

Builds the starter knowledge base with MkDocs, serves it on 127.0.0.1, searches (Pagefind) for a
cause key and an id and follows the result, follows an incident to its cause page and back to
the earlier incident, and
saves screenshots of an incident page and of insights to test-output/ (not committed).
Without chromium the tests are skipped on a workstation, but fail under CI.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "test-output"
CAUSE = "relay-allowlist-missing-host"

playwright_api = pytest.importorskip("playwright.sync_api")

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("chromium is missing: .ci/run installs Debian's chromium")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The starter site, built once and served over HTTP (search needs a real origin) by a
    server in its own process, so the browser never waits on this process's lock."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    out = tmp_path_factory.mktemp("site")
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
        build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(out), strict=True))
    finally:
        os.chdir(here)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1", "--directory", str(out)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_until_listening(port)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(port: int) -> None:
    for _ in range(100):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"the site server did not start on port {port}")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()


@pytest.fixture()
def page(browser: object, site: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith((site, "data:", "blob:")) else None)
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert outside == [], f"the site fetched from other hosts: {outside}"
    assert refused == [], f"the policy refused part of the site: {refused}"


def search(page: object, query: str) -> object:
    """Type `query` into the header's search key by key, as a reader does; the results."""
    box = page.locator(".hs-search input")  # type: ignore[attr-defined]
    box.fill("")
    box.press_sequentially(query, delay=10)
    results = page.locator(".pagefind-ui__result-link")  # type: ignore[attr-defined]
    results.first.wait_for(timeout=10_000)
    return results


def test_search_finds_incidents_by_cause_key_and_follows_the_result(page: object,
                                                                    site: str) -> None:
    page.goto(site)  # type: ignore[attr-defined]
    results = search(page, CAUSE)
    page.wait_for_timeout(300)  # type: ignore[attr-defined]  # every result, not the first
    texts = " ".join(results.all_text_contents())  # type: ignore[attr-defined]
    assert "PM-0004" in texts and "PM-0001" in texts, texts
    results.filter(has_text="PM-0004").first.click()  # type: ignore[attr-defined]
    page.wait_for_url("**/incidents/PM-0004/")  # type: ignore[attr-defined]
    assert "PM-0004" in page.title()  # type: ignore[attr-defined]


def test_search_finds_an_incident_by_id_from_a_deep_page(page: object, site: str) -> None:
    page.goto(site + "causes/" + CAUSE + "/")  # type: ignore[attr-defined]
    results = search(page, "PM-0002")
    first = results.first  # type: ignore[attr-defined]
    assert first.inner_text().startswith("PM-0002: ")
    first.click()
    page.wait_for_url("**/incidents/PM-0002/")  # type: ignore[attr-defined]


def test_the_theme_and_search_work_under_the_content_security_policy(page: object,
                                                                    site: str) -> None:
    """Every page carries the policy; the fixture fails on anything it refuses."""
    for address in ("", "incidents/PM-0004/", "insights/", "lessons/", "causes/", "404.html"):
        page.goto(site + address)  # type: ignore[attr-defined]
        policy = page.locator('meta[http-equiv="Content-Security-Policy"]')  # type: ignore[attr-defined]
        assert "script-src 'self'" in (policy.get_attribute("content") or "")
    assert search(page, CAUSE).count()  # type: ignore[attr-defined]


def test_the_policy_refuses_a_script_the_theme_did_not_bring(browser: object, site: str) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(site + "incidents/PM-0004/")
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.injected = 1';
                             document.body.appendChild(s); }""")
    assert page.evaluate("typeof window.injected") == "undefined"
    context.close()
    assert any("Content Security Policy" in text for text in refused), refused


def test_incident_links_to_cause_and_back_to_earlier_incident(page: object, site: str) -> None:
    page.goto(site + "incidents/PM-0004/")  # type: ignore[attr-defined]
    assert "PM-0004" in page.title()  # type: ignore[attr-defined]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "incident-PM-0004.png"), full_page=True)  # type: ignore[attr-defined]
    page.locator(f"article.md-content__inner a[href*='causes/{CAUSE}/']").first.click()  # type: ignore[attr-defined]
    page.wait_for_url(f"**/causes/{CAUSE}/")  # type: ignore[attr-defined]
    page.locator("article.md-content__inner a[href*='incidents/PM-0001/']").first.click()  # type: ignore[attr-defined]
    page.wait_for_url("**/incidents/PM-0001/")  # type: ignore[attr-defined]
    assert "PM-0004" in page.locator("article.md-content__inner").inner_text()  # type: ignore[attr-defined]


def test_insights_render_charts_without_script(page: object, site: str) -> None:
    page.goto(site + "insights/")  # type: ignore[attr-defined]
    assert page.locator("article svg").count() >= 2  # type: ignore[attr-defined]
    assert page.locator("article table").count() >= 2  # type: ignore[attr-defined]
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "insights.png"), full_page=True)  # type: ignore[attr-defined]


SCREENS = [(390, 844), (1280, 900)]
PAGES = {"home": "", "incidents": "incidents/", "incident-PM-0011": "incidents/PM-0011/",
         "drafts-PM-0006": "incidents/PM-0006/drafts/", "insights": "insights/",
         "cause-migration-locks-table": "causes/migration-locks-table/",
         "cause-relay-allowlist-missing-host": "causes/relay-allowlist-missing-host/",
         "action-items": "action-items/", "causes": "causes/", "lessons": "lessons/",
         "service-mail-relay": "services/mail-relay/"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_nothing_decisive_is_off_screen_and_charts_stay_legible(
        browser: object, site: str, width: int, height: int, scheme: str) -> None:
    """On a 390 px phone and a 1280 px desktop, light and dark: no page scrolls sideways,
    every table cell and verdict tile is inside the screen, no long text is squeezed into a
    narrow column on the phone, chart labels stay readable.
    Screenshots go to test-output/ to be looked at."""
    context = browser.new_context(viewport={"width": width, "height": height},  # type: ignore[attr-defined]
                                  color_scheme=scheme)
    page = context.new_page()
    SHOTS.mkdir(exist_ok=True)
    try:
        for name, address in PAGES.items():
            page.goto(site + address)
            page.screenshot(path=str(SHOTS / f"{name}-{width}-{scheme}.png"), full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            outside = page.evaluate("""(width) => [...document.querySelectorAll(
                    'article .hs-cards td, article .hs-verdict > div')]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .map(e => e.textContent.trim().slice(0, 40))""", width)
            assert outside == [], (name, outside)
            squeezed = page.evaluate("""(width) => width > 600 ? [] : [
                    ...document.querySelectorAll('article td')]
                .filter(e => e.textContent.length > 200
                        && e.getBoundingClientRect().width < width * 0.6)
                .map(e => e.textContent.trim().slice(0, 40))""", width)
            assert squeezed == [], (name, "long text in a narrow column", squeezed)
        page.goto(site + "insights/")
        smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll(
                'article svg.hs-svg text')].map(t => t.getBoundingClientRect().height))""")
        assert smallest >= 9, smallest
        page.goto(site + "incidents/PM-0011/drafts/")
        copy = page.locator('article .md-code__button[data-md-type="copy"]')
        copy.first.wait_for(state="attached")
        assert copy.count() == 7  # one click to copy each draft
    finally:
        context.close()
