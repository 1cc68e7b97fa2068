"""Site search with Pagefind: each page is handed to Pagefind as it is built, and Pagefind writes
an index split into fragments that the browser fetches on demand, so a query costs a few
hundred kilobytes whatever the size of the knowledge base.

Pagefind runs as its own process (`pagefind --service`, from the `pagefind-bin` package) and
parses each page's HTML there, on another core, while MkDocs goes on building. Only what a
reader searches for is indexed: the body of incident, cause, service and team pages, the rule
and field references and the hand-written docs, without tables, timelines, drafts or the
theme's navigation. Listings repeat what the incident pages hold and are left out.
"""

from __future__ import annotations

import base64
import json
import subprocess
import threading
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import IO, Any

INDEXED_KINDS = frozenset({"incident", "cause", "service", "team", "rules", "fields"})
"""Generated pages worth finding; the other listings only repeat what these hold."""
LEFT_OUT = ("table", "pre", ".hs-timeline", ".hs-kit", ".hs-recurrence", ".hs-recurred",
            ".hs-callout", ".hs-chart", "[data-search-exclude]", ".headerlink")
"""Parts of a page that are not indexed: repeated tables, the timeline, drafts, links to
other incidents and the permalink signs."""
BUNDLE = "pagefind"
"""The folder of the site the index and Pagefind's scripts are written to."""


class SearchError(Exception):
    """Pagefind could not be started or refused a request."""


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
    """One index being built: pages are sent without waiting for Pagefind's answer, and
    `write` waits for every answer before the files are written."""

    def __init__(self, binary: Path, language: str, left_out: Sequence[str] = LEFT_OUT) -> None:
        self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._answered_count = 0
        self._refused: list[str] = []
        self._index_id = 0
        self._answered = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._sent = 0
        self._language = language
        self._send({"type": "NewIndex", "config": {"exclude_selectors": list(left_out),
                                                   "force_language": language}})
        self._wait(1)
        self.pages = 0

    def add(self, url: str, title: str, html: str) -> None:
        """Index a page's body; `url` is relative to the site root."""
        document = (f'<html lang="{escape(self._language)}"><head><title>{escape(title)}'
                    f"</title></head><body>{html}</body></html>")
        self._send({"type": "AddFile", "index_id": self._index_id, "file_path": None,
                    "url": url, "file_contents": document})
        self.pages += 1

    def write(self, site_dir: Path) -> None:
        """Write the index and Pagefind's scripts to `site_dir/pagefind`, then stop."""
        self._send({"type": "WriteFiles", "index_id": self._index_id,
                    "output_path": str(site_dir / BUNDLE)})
        self._wait(self._sent)
        self.close()
        if self._refused:
            raise SearchError(f"Pagefind refused {len(self._refused)} requests: "
                              f"{self._refused[0]}")

    def close(self) -> None:
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _send(self, payload: dict[str, Any]) -> None:
        self._sent += 1
        message = json.dumps({"message_id": self._sent, "payload": payload}).encode()
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(base64.b64encode(message) + b",")
            stdin.flush()
        except BrokenPipeError:
            raise SearchError("Pagefind stopped while the site was being indexed") from None

    def _wait(self, count: int) -> None:
        with self._answered:
            if not self._answered.wait_for(lambda: self._answered_count >= count
                                           or not self._reader.is_alive(), timeout=600):
                raise SearchError("Pagefind did not answer within 10 minutes")
            if self._answered_count < count:
                raise SearchError("Pagefind stopped before it had indexed every page")

    def _read(self) -> None:
        """Collect Pagefind's answers: base64 JSON messages, each followed by a comma."""
        stdout: IO[bytes] | None = self._process.stdout
        assert stdout is not None
        pending = b""
        try:
            while chunk := stdout.read1(1 << 16):  # type: ignore[attr-defined]
                pending += chunk
                *whole, pending = pending.split(b",")
                if whole:
                    self._take([json.loads(base64.b64decode(w)).get("payload", {})
                                for w in whole])
        finally:
            with self._answered:
                self._answered.notify_all()

    def _take(self, answers: list[dict[str, Any]]) -> None:
        with self._answered:
            for answer in answers:
                if answer.get("type") == "NewIndex":
                    self._index_id = int(answer.get("index_id", 0))
                elif answer.get("type") == "Error":
                    self._refused.append(str(answer.get("message", "")))
            self._answered_count += len(answers)
            self._answered.notify_all()
