"""Site search with Pagefind: an index split into fragments that the browser fetches as the
reader types, so a query costs a few hundred kilobytes whatever the size of the knowledge base.

Only what a reader searches for is indexed: the body of incident, cause, service and team
pages, the rule and field references and the hand-written docs, without tables, timelines,
drafts or the theme's navigation; listings repeat what the incident pages hold and are left
out. Each such page's body alone is handed to Pagefind (the binary of the `pagefind-bin`
package, run as a service) while MkDocs builds, so it never parses the theme's chrome around
each page and indexes on the other core while the pages render.

The plugin's part is at the end: the theme's own search is switched off (`theme.py` puts
Pagefind's box in the header), a new index is started for every build, and each page is
handed to it or not.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import os
import queue
import subprocess
import threading
import time
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from hindsite.render import Page as GeneratedPage

log = get_plugin_logger(__name__)

INDEXED_KINDS = frozenset({"incident", "cause", "service", "team", "rules", "fields"})
"""Generated pages worth finding; the other listings only repeat what these hold."""
LEFT_OUT = ("table", "pre", ".hs-timeline", ".hs-kit", ".hs-recurrence", ".hs-recurred",
            ".hs-callout", ".hs-chart", "[data-search-exclude]", ".headerlink")
"""Parts of a page that are not indexed: repeated tables, the timeline, drafts, links to
other incidents and the permalink signs."""
BUNDLE = "pagefind"
"""The folder of the site the index and Pagefind's scripts are written to."""
TIME_LIMIT = 1800
"""Seconds Pagefind may take to answer one request."""
STOP_LIMIT = 60
"""Seconds Pagefind may take to finish writing its files, and to stop."""
IN_FLIGHT = 64
"""Pages queued for Pagefind and not yet indexed, at most: beyond that the build waits, so
that pages do not pile up in memory when Pagefind is the slower of the two."""
THEME_SEARCH = ("material/search", "search")


class SearchError(PluginError):
    """Pagefind could not index the pages: the build stops, as for any plugin's error."""


def executable() -> Path | None:
    """Pagefind's binary as `pagefind-bin` installs it, or None when it is not installed."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]
    except ImportError:
        return None
    try:
        found: Path = get_executable()
    except FileNotFoundError:
        return None
    return found


class SearchIndex:
    """One index being built by a Pagefind process (`pagefind --service`, the protocol of its
    own Node and Python wrappers): `add` queues each page's body as the build goes, and a
    thread hands the pages to Pagefind one at a time, in the build's order (so that two
    builds give the same index), while MkDocs renders on; nothing is staged on disk. `write`
    waits for the last page and writes the index into the site."""

    def __init__(self, binary: Path, language: str, left_out: Sequence[str] = LEFT_OUT,
                 in_flight: int = IN_FLIGHT) -> None:
        self._language = language
        self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._sent = self._answered = 0
        config = {"force_language": language, "exclude_selectors": list(left_out)}
        self._index = int(self._ask({"type": "NewIndex", "config": config})["index_id"])
        self._queued: queue.Queue[dict[str, Any] | None] = queue.Queue(maxsize=in_flight)
        self._failure: SearchError | None = None
        self._sender = threading.Thread(target=self._send_pages, daemon=True)
        self._sender.start()
        self.pages = 0

    def add(self, url: str, title: str, html: str) -> None:
        """Queue a page's body for Pagefind; `url` is the page's URL relative to the site root."""
        if self._failure is not None:
            raise self._failure
        page = (f'<html lang="{escape(self._language)}"><head><title>{escape(title)}</title>'
                f"</head><body>{html}</body></html>")
        self._queued.put({"type": "AddFile", "index_id": self._index, "url": "/" + url,
                          "file_path": None, "file_contents": page})
        self.pages += 1

    def write(self, site_dir: Path) -> None:
        """Write the index into `site_dir/pagefind` once every page is indexed, and stop."""
        try:
            self._queued.put(None)
            self._sender.join()
            if self._failure is not None:
                raise self._failure
            self._ask({"type": "WriteFiles", "index_id": self._index,
                       "output_path": str(site_dir / BUNDLE)})
            written(site_dir / BUNDLE, self._process.pid)
        finally:
            self.close()

    def close(self) -> None:
        """Stop Pagefind: told its input is over, it ends by itself; killed if it will not."""
        if self._process.stdin is not None and not self._process.stdin.closed:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        try:
            self._process.wait(timeout=STOP_LIMIT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout=5)
        if self._sender.is_alive():
            self._queued.put(None)
            self._sender.join(timeout=5)

    def _send_pages(self) -> None:
        """Hand each queued page to Pagefind and wait for it to be indexed; after a failure,
        only empty the queue (the build stops at its next page)."""
        while (page := self._queued.get()) is not None:
            if self._failure is None:
                try:
                    self._ask(page)
                except SearchError as err:
                    self._failure = err

    def _ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Pagefind's answer to `payload`, sent once every earlier request is answered."""
        while self._answered < self._sent:
            self._take()
        self._send(payload)
        return self._take()

    def _send(self, payload: dict[str, Any]) -> None:
        self._sent += 1
        message = json.dumps({"message_id": self._sent, "payload": payload}).encode("utf-8")
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(base64.b64encode(message) + b",")
            self._process.stdin.flush()
        except (OSError, ValueError) as err:  # ValueError: closed by close() mid-build
            raise SearchError(f"Pagefind stopped: {err}") from None

    def _take(self) -> dict[str, Any]:
        """The next answer; an error, Pagefind's end or its silence raises."""
        try:
            reply = self._replies.get(timeout=TIME_LIMIT)
        except queue.Empty:
            raise SearchError(f"Pagefind did not answer in {TIME_LIMIT} s") from None
        if reply is None:
            raise SearchError("Pagefind stopped before the index was written")
        self._answered += 1
        payload: dict[str, Any] = reply.get("payload") or {}
        if payload.get("type") == "Error":
            raise SearchError(f"Pagefind failed: {payload.get('message') or 'no message'}")
        return payload

    def _read(self) -> None:
        """Pagefind's answers, each base64 JSON followed by a comma; None when it stops."""
        assert self._process.stdout is not None
        pending = b""
        while chunk := os.read(self._process.stdout.fileno(), 1 << 16):
            *answers, pending = (pending + chunk).split(b",")
            for answer in answers:
                if answer.strip():
                    self._replies.put(json.loads(base64.b64decode(answer)))
        self._replies.put(None)


def written(bundle: Path, pid: int, limit: float = STOP_LIMIT) -> None:
    """Wait until Pagefind's bundle is whole: it answers the request to write once every
    file is created, while the bytes of the last files may still be on their way to disk
    (a Pagefind stopped then leaves them empty or cut short), so wait until it holds none
    of them open and each is complete."""
    deadline = time.monotonic() + limit
    while writing(bundle, pid) or not whole(bundle):
        if time.monotonic() > deadline:
            raise SearchError(f"Pagefind did not finish writing {bundle} in {limit:.0f} s")
        time.sleep(0.05)


def writing(bundle: Path, pid: int) -> bool:
    """Whether process `pid` holds a file of `bundle` open (False where the system does not
    say, as outside Linux: then `whole` alone decides)."""
    folder = Path(f"/proc/{pid}/fd")
    try:
        descriptors = list(folder.iterdir())
    except OSError:
        return False
    inside = f"{bundle.resolve()}{os.sep}"
    for descriptor in descriptors:
        with contextlib.suppress(OSError):
            if os.readlink(descriptor).startswith(inside):
                return True
    return False


def whole(bundle: Path) -> bool:
    """Whether every file of the bundle is there in full: none empty, every compressed one
    complete, the entry file read to its end."""
    for path in bundle.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if not data:
            return False
        try:
            if data[:2] == b"\x1f\x8b":
                gzip.decompress(data)
            elif path.name == "pagefind-entry.json":
                json.loads(data)
        except (EOFError, OSError, ValueError):
            return False
    return True


def replace_theme_search(config: MkDocsConfig) -> None:
    """Switch the theme's search plugin off: the header's search box is Pagefind's."""
    for name in THEME_SEARCH:
        if name in config.plugins and config.plugins[name].config.get("enabled", True):
            config.plugins[name].config["enabled"] = False
            log.info("the theme's search is replaced by hindsite's (Pagefind)")


def new_index(config: MkDocsConfig, *, waiting: bool = True) -> SearchIndex | None:
    """A new index for a build, or None (with a warning) when Pagefind is not installed.
    Unless `waiting`, the build never waits for Pagefind to take a page (while serving,
    the index is written after the pages, `served.py`)."""
    binary = executable()
    if binary is None:
        log.warning("search is off: Pagefind is not installed (pip install pagefind-bin)")
        return None
    return SearchIndex(binary, str(config.theme.get("language") or "en"),
                       in_flight=IN_FLIGHT if waiting else 0)


def indexed(generated: GeneratedPage | None) -> bool:
    """Whether a reader would look for this page: a hand-written one, or a generated one of
    the kinds worth finding."""
    return generated is None or generated.kind in INDEXED_KINDS
