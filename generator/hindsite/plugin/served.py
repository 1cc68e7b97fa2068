"""While serving, the search index is written after the pages.

A rebuild's pages are served, and the browser reloaded, as soon as they are written; the
last build's index is put in place just after, and the new index replaces it once
Pagefind has taken every page, a few seconds later. A build (`mkdocs build`) always waits
for its index.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from hindsite.plugin.search import BUNDLE, SearchError, SearchIndex

log = get_plugin_logger(__name__)

ENTRY = "pagefind-entry.json"
"""The file that names the index's other files: replaced last, so a reader's browser never
finds it naming a file that is not there yet."""


class LaterSearch:
    """The index of the last build, as files, and the one being written."""

    def __init__(self) -> None:
        self.bundle: dict[str, bytes] = {}
        self._index: SearchIndex | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False

    def finish(self, index: SearchIndex, site_dir: Path) -> None:
        """Put the last index into the site, then the new one when it is written, both after
        the build (an index is a file per page: writing one takes a second at 1,000)."""
        self.stop()
        self._index, self._stopping = index, False
        self._thread = threading.Thread(target=self._write, args=(index, site_dir),
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Before another build cleans the site: stop writing an index that is out of date."""
        if self._thread is None:
            return
        self._stopping = True
        if self._index is not None:
            self._index.close()
        self._thread.join()
        self._thread = self._index = None

    def wait(self) -> None:
        """Until the index under way is in the site (tests, and the end of `serve`)."""
        if self._thread is not None:
            self._thread.join()

    def _write(self, index: SearchIndex, site_dir: Path) -> None:
        put(self.bundle, site_dir / BUNDLE)
        with tempfile.TemporaryDirectory(prefix="hindsite-search-") as folder:
            try:
                index.write(Path(folder))
            except SearchError as err:
                if not self._stopping:
                    log.error(f"search: {err}; the last index is still served")
                return
            bundle = read(Path(folder) / BUNDLE)
        if not self._stopping:
            put(bundle, site_dir / BUNDLE)
            for name in self.bundle.keys() - bundle.keys():
                (site_dir / BUNDLE / name).unlink(missing_ok=True)
            self.bundle = bundle
            log.info(f"search: {index.pages} pages indexed")


def read(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def put(bundle: dict[str, bytes], folder: Path) -> None:
    """Write each file whole under a temporary name, then rename it into place, the entry
    file last. (The last index's other files are removed once the new entry names none
    of them.)"""
    for name in sorted(bundle, key=lambda name: name == ENTRY):
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(bundle[name])
        os.replace(partial, target)
