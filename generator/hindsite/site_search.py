"""Site search with Pagefind: an index split into fragments that the browser fetches as the
reader types, so a query costs a few hundred kilobytes whatever the size of the knowledge base.

Only what a reader searches for is indexed: the body of incident, cause, service and team
pages, the rule and field references and the hand-written docs, without tables, timelines,
drafts or the theme's navigation; listings repeat what the incident pages hold and are left
out. Each such page's body is staged as a small HTML file while MkDocs builds, and Pagefind's
command line (from the `pagefind-bin` package) indexes the staged pages once the build is
done, so it never parses the theme's 50 KB of chrome around each page.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from html import escape
from pathlib import Path, PurePosixPath

INDEXED_KINDS = frozenset({"incident", "cause", "service", "team", "rules", "fields"})
"""Generated pages worth finding; the other listings only repeat what these hold."""
LEFT_OUT = ("table", "pre", ".hs-timeline", ".hs-kit", ".hs-recurrence", ".hs-recurred",
            ".hs-callout", ".hs-chart", "[data-search-exclude]", ".headerlink")
"""Parts of a page that are not indexed: repeated tables, the timeline, drafts, links to
other incidents and the permalink signs."""
BUNDLE = "pagefind"
"""The folder of the site the index and Pagefind's scripts are written to."""
TIME_LIMIT = 1800


class SearchError(Exception):
    """Pagefind could not index the pages."""


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
    """One index being built: `add` stages a page, `write` indexes them all into the site."""

    def __init__(self, binary: Path, language: str, left_out: Sequence[str] = LEFT_OUT) -> None:
        self._binary = binary
        self._language = language
        self._left_out = tuple(left_out)
        self._staging = Path(tempfile.mkdtemp(prefix="hindsite-search-"))
        self.pages = 0

    def add(self, url: str, title: str, html: str) -> None:
        """Stage a page's body; `url` is the page's URL relative to the site root."""
        path = PurePosixPath(url or ".")
        if not url or url.endswith("/"):
            path = path / "index.html"
        staged = self._staging.joinpath(*path.parts)
        staged.parent.mkdir(parents=True, exist_ok=True)
        staged.write_text(f'<html lang="{escape(self._language)}"><head><title>'
                          f"{escape(title)}</title></head><body>{html}</body></html>",
                          encoding="utf-8")
        self.pages += 1

    def write(self, site_dir: Path) -> None:
        """Index the staged pages into `site_dir/pagefind`, then remove the staging folder."""
        command = [str(self._binary), "--site", str(self._staging), "--output-path",
                   str(site_dir / BUNDLE), "--force-language", self._language, "--silent"]
        for selector in self._left_out:
            command += ["--exclude-selectors", selector]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIME_LIMIT,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise SearchError(f"Pagefind could not index the site: {err}") from None
        finally:
            self.close()
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()
            raise SearchError(f"Pagefind failed ({done.returncode}): "
                              f"{said[-1] if said else 'no message'}")

    def close(self) -> None:
        shutil.rmtree(self._staging, ignore_errors=True)
