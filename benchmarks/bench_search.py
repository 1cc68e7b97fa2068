"""Search as a reader meets it: headless Chromium opens an incident's page of a built site,
types a query into the header's search box, and waits for the first result. Works for
hindsite's search (Pagefind) and for the theme's own, so that the two can be compared.

    python benchmarks/bench_search.py benchmarks/out/kb-1000/site cause-042
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
TIME_LIMIT_MS = int(os.environ.get("SEARCH_TIME_LIMIT_MS", "600000"))


SEARCH_FILES = re.compile(r"/pagefind/|/search/|/workers/search")
"""What the browser fetches to search: Pagefind's files, or the theme's index and worker."""
THEME_ANSWERED = """() => {
  const meta = document.querySelector('.md-search-result__meta');
  return meta !== null && /matching/i.test(meta.textContent);
}"""


@dataclass(frozen=True)
class Timing:
    first_result: float
    """Seconds from the query's last key to the first result shown."""
    transferred: int
    """Bytes of search files the browser fetched, from opening the page to the first result
    (for the theme, its whole index, which every page view loads)."""


@contextmanager
def served(site: Path) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                               "127.0.0.1", "--directory", str(site)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)


def search_timings(site: Path, query: str) -> Timing:
    from playwright.sync_api import sync_playwright

    pagefind = (site / "pagefind").is_dir()
    box, result = ((".hs-search input", ".pagefind-ui__result-link") if pagefind else
                   ("input.md-search__input", ""))
    first = sorted((site / "incidents").glob("*/index.html"))[0].parent.name
    with served(site) as root, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context()
        requests: list[Any] = []
        context.on("requestfinished", lambda request: requests.append(request))
        page = context.new_page()
        page.goto(f"{root}incidents/{first}/", wait_until="load")
        if not pagefind:
            page.locator("input.md-search__input").click()
        typed = page.locator(box)
        typed.press_sequentially(query[:-1])  # key by key: the theme's search reacts to keys
        start = time.perf_counter()
        typed.press(query[-1])
        if pagefind:
            page.locator(result).first.wait_for(timeout=TIME_LIMIT_MS)
        else:  # the theme's answer, results or none (its pages do not show the record)
            page.wait_for_function(THEME_ANSWERED, timeout=TIME_LIMIT_MS)
        elapsed = time.perf_counter() - start
        page.wait_for_timeout(300)  # the responses that showed the result, finished
        transferred = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]
                          for r in list(requests) if SEARCH_FILES.search(r.url))
        browser.close()
    return Timing(elapsed, transferred)


if __name__ == "__main__":
    found = search_timings(Path(sys.argv[1]), sys.argv[2])
    print(f"first result in {found.first_result:.2f} s, {found.transferred / 1e3:.0f} KB")
