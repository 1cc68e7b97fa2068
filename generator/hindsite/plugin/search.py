"""Site search with Pagefind: an index split into fragments that the browser fetches as the
reader types, so a query costs a few hundred kilobytes whatever the size of the knowledge base.

Only what a reader searches for is indexed: the body of incident, cause, service and team
pages, the rule and field references and the hand-written docs, without tables, timelines,
drafts or the theme's navigation; listings repeat what the incident pages hold and are left
out. Each such page's body is staged as a small HTML file while MkDocs builds, and Pagefind's
command line (from the `pagefind-bin` package) indexes the staged pages once the build is
done, so it never parses the theme's 50 KB of chrome around each page.

The plugin's part is at the end: the theme's own search is switched off (`theme.py` puts
Pagefind's box in the header), a new index is started for every build, and each page is
staged or not.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from html import escape
from pathlib import Path, PurePosixPath

from mkdocs.config.defaults import MkDocsConfig
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
THEME_SEARCH = ("material/search", "search")


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


def replace_theme_search(config: MkDocsConfig) -> None:
    """Switch the theme's search plugin off: the header's search box is Pagefind's."""
    for name in THEME_SEARCH:
        if name in config.plugins and config.plugins[name].config.get("enabled", True):
            config.plugins[name].config["enabled"] = False
            log.info("the theme's search is replaced by hindsite's (Pagefind)")


def new_index(config: MkDocsConfig) -> SearchIndex | None:
    """A new index for a build, or None (with a warning) when Pagefind is not installed."""
    binary = executable()
    if binary is None:
        log.warning("search is off: Pagefind is not installed (pip install pagefind-bin)")
        return None
    return SearchIndex(binary, str(config.theme.get("language") or "en"))


def indexed(generated: GeneratedPage | None) -> bool:
    """Whether a reader would look for this page: a hand-written one, or a generated one of
    the kinds worth finding."""
    return generated is None or generated.kind in INDEXED_KINDS
