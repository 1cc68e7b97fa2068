"""`mkdocs serve` while a postmortem has an error: every page still answers, and says what
is wrong, where and by which rule; fixing the file brings the usual pages back.

MkDocs' development server holds every request until a build succeeds, so a build that
stopped on an error would leave the browser waiting; the test's requests time out instead.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from hindsite.scaffold import SOURCE_PLACEHOLDER, init_files, write_new

EXAMPLE = "postmortems/2025/PM-0001-example-card-payments-failed.md"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str:
    """The page, within 20 seconds (a rebuild takes a few), or the test fails."""
    with urllib.request.urlopen(url, timeout=20) as response:
        return str(response.read().decode("utf-8"))


def until(url: str, wanted: bool, text: str, limit: float = 90.0) -> str:
    """Fetch `url` until `text` is (or is no longer) on the page."""
    deadline = time.monotonic() + limit
    while True:
        try:
            page = fetch(url)
        except ConnectionError:
            page = ""
        if page and (text in page) == wanted:
            return page
        assert time.monotonic() < deadline, f"{text!r} {'never came' if wanted else 'stayed'}"
        time.sleep(0.5)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    write_new(tmp_path, init_files("Served", SOURCE_PLACEHOLDER))
    port = free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a",
                               f"127.0.0.1:{port}"], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                fetch(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "serve failed"
                time.sleep(0.5)
        yield tmp_path, f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_an_error_shows_in_the_browser_and_never_hangs(served: tuple[Path, str]) -> None:
    root, url = served
    page = fetch(url + "incidents/")
    assert "PM-0001" in page and "hs-build-failed" not in page
    example = root / EXAMPLE
    good = example.read_text(encoding="utf-8")
    example.write_text(good.replace("severity: SEV3", "severity: SEV9"), encoding="utf-8")
    page = until(url + "incidents/", True, "hs-build-failed")
    assert f"<code>{EXAMPLE}:5:11</code> HS204 severity is" in page
    assert "hs-build-failed" in fetch(url + "communication/")
    example.write_text(good, encoding="utf-8")
    until(url + "incidents/", False, "hs-build-failed")
