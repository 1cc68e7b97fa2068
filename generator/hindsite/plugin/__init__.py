"""The MkDocs plugin: events only; the check and the pages are the library's.

`on_files` runs the same check as `hindsite check` and adds the generated pages in memory
(nothing is written into docs/ or the postmortems folder). Each generated page's Markdown is
only front matter and a placeholder line; `on_page_content` replaces its HTML with the page
rendered by hindsite's own templates, so no postmortem text ever goes through
Python-Markdown, which would pass raw HTML and any link scheme through. Search is Pagefind's
(`plugin/search.py`), in place of the theme's: page bodies are staged as they are built.

The events only say when: `files.py` adds the files a build publishes, `toc.py` gives
generated pages their contents list, `search.py` runs Pagefind, `theme.py` adapts the
theme, `checks.py` stops a build that must not be published. While serving, `kept.py`
keeps the last build's pages so that a rebuild renders again only what an edit can change,
and `served.py` writes the search index after the pages.

The packaged guides (`hindsite.guides`) are added as generated Markdown pages wherever the
team's docs/ has no page of its own at that address; in them and in the team's pages, the
`<!-- hindsite:NAME -->` markers are filled with content from the knowledge base.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.base import Config, ConfigErrors, ConfigWarnings
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from hindsite.config import ConfigError, Settings, parse_settings
from hindsite.memory import Memory
from hindsite.pipeline import run_check
from hindsite.plugin.checks import guarded, report
from hindsite.plugin.files import STYLESHEET, KeptFiles, as_of, publish
from hindsite.plugin.kept import KeptPages, Sources, sources
from hindsite.plugin.search import (
    SearchError,
    SearchIndex,
    indexed,
    new_index,
    replace_theme_search,
)
from hindsite.plugin.served import LaterSearch
from hindsite.plugin.theme import adapt_theme, cache_navigation, compacted
from hindsite.plugin.timing import summary, timed
from hindsite.plugin.toc import set_contents
from hindsite.render import Heading, Linker, Site, build_site, render_contents
from hindsite.render import Page as GeneratedPage
from hindsite.render.notice import build_failed_notice
from hindsite.render.snippets import fill_snippets

__all__ = ["HindsitePlugin"]

log = get_plugin_logger(__name__)


class Options(Config):  # type: ignore[no-untyped-call]  # MkDocs' hook has no annotations
    """No MkDocs-typed options: hindsite's settings are parsed by `hindsite.config`, the
    parser the CLI uses, so the two can never disagree."""


class HindsitePlugin(BasePlugin[Options]):  # type: ignore[no-untyped-call]  # as above
    """Checks the postmortems and publishes them: `plugins: [hindsite]` in mkdocs.yml."""

    def __init__(self) -> None:
        self.options: dict[str, Any] = {}
        self.settings = Settings()
        self.site: Site | None = None
        self.pages: dict[str, GeneratedPage] = {}
        self.search: SearchIndex | None = None
        self.serving = False
        self.notice = ""
        self.spent: defaultdict[str, float] = defaultdict(float)
        self.memory = Memory()
        self.kept = KeptPages()
        self.later = LaterSearch()
        self.published = KeptFiles()
        self.sources: Sources | None = None

    def load_config(self, options: dict[str, Any],
                    config_file_path: str | None = None) -> tuple[ConfigErrors, ConfigWarnings]:
        """Options are hindsite's own settings: each is checked by the parser the CLI uses,
        so an unknown or malformed option fails the build naming it."""
        errors, warnings = super().load_config({}, config_file_path)
        self.options = dict(options)
        for name, value in self.options.items():
            try:
                parse_settings({name: value}, base=Path("."))
            except ConfigError as err:
                errors.append((name, err))
        return errors, warnings

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """While serving, errors in the postmortems show in the browser instead of stopping
        the build, which would leave the development server waiting (`render.notice`)."""
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.spent = defaultdict(float)
        base = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        try:
            self.settings = parse_settings(self.options, base=base)
        except ConfigError as err:
            raise PluginError(str(err)) from None
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        adapt_theme(config)
        replace_theme_search(config)
        return config

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        cache_navigation(env, config)
        env.globals["hindsite_kept"] = self.reuse_page
        return env

    @timed("kept pages")
    def reuse_page(self, page: Page | None, nav: Navigation | None) -> bool:
        """Called by hindsite's `main.html`: while serving, whether this page is the one
        written last time, so that the theme need not render it again (`plugin.kept`)."""
        return self.serving and isinstance(page, Page) and isinstance(nav, Navigation) \
            and self.kept.reuse_page(page, nav)

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """A new search index for every build, `mkdocs serve`'s rebuilds included."""
        self.later.stop()
        self.stop_search()
        self.search = new_index(config, waiting=not self.serving)
        if self.serving:
            self.kept.start(config)

    @timed("check and site")
    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        """Check, and build the site's data; while serving, each rebuild takes from the last
        one every file's result whose content did not change (`hindsite.memory`), and the
        whole check and site when nothing did."""
        result = run_check(self.settings, memory=self.memory)
        report(result.diagnostics, result.files, stop=not self.serving)
        self.notice = build_failed_notice(result.diagnostics) if self.serving else ""
        today = as_of()
        if self.site is None or self.site.kb is not result.kb or self.site.as_of != today:
            self.site = build_site(result.kb, self.settings, today)
        self.sources = sources(self.memory, result, self.kept.records, as_of=today,
                               settings=self.settings,
                               directory_urls=config.use_directory_urls) \
            if self.serving else None
        self.pages = publish(files, config, self.site, self.published if self.serving else None,
                             self.sources.records if self.sources else "")
        if not self.serving:
            gc.freeze()  # what the check and site made lives to the end of the build: the
            # collector need not walk it again while the pages render (unfrozen at the end)
        return files

    @event_priority(100)
    @timed("pages")
    def _render_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        """Our pages' HTML, first, so that every later plugin sees it."""
        if self.site is None:
            return None
        link = Linker(page.url, config.use_directory_urls)
        generated = self.pages.get(page.file.src_uri)
        if generated is None or page.file.generated_by is None:
            return self.notice + fill_snippets(html, self.site, link)
        body, found = self.body(generated, link)
        set_contents(page, found)
        return self.notice + body

    def body(self, page: GeneratedPage, link: Linker) -> tuple[str, list[Heading]]:
        """The page's body and headings: while serving, the last build's when the page reads
        nothing that changed since."""
        assert self.site is not None
        reads = self.sources.key(page) if self.sources is not None else None
        kept = self.kept.body(page.src_uri, reads)
        if kept is not None:
            return kept
        body, found = render_contents(self.site, page, link)
        if self.serving:
            self.kept.keep_body(page.src_uri, reads, body, found)
        return body, found

    @event_priority(-100)
    @timed("search pages")
    def _index_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                       files: Files) -> None:
        """Stage the page's final body for the search index, if a reader would look for it."""
        if self.search is None:
            return
        if indexed(self.pages.get(page.file.src_uri)):
            self.search.add(page.url, page.title or "", html)

    on_page_content = CombinedEvent(_render_content, _index_content)

    @event_priority(-100)
    @timed("guard")
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Every page, last: nothing that runs or fetches from elsewhere may leave the build."""
        uri = page.file.src_uri
        if self.serving and uri in self.kept.reused:
            return self.kept.page(uri)
        content = page.content or ""
        safe = guarded(compacted(output, content), content, uri)
        if self.serving:
            self.kept.keep_page(uri, safe)
        return safe

    @event_priority(-100)
    @timed("guard")
    def on_post_template(self, output_content: str, /, *, template_name: str,
                         config: MkDocsConfig) -> str:
        if not template_name.endswith(".html"):
            return output_content
        return guarded(output_content, "", template_name)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        gc.unfreeze()
        self.write_search(config)
        log.debug(summary(self.spent))

    @timed("search")
    def write_search(self, config: MkDocsConfig) -> None:
        search, self.search = self.search, None
        if search is None:
            return
        if self.serving:
            self.later.finish(search, Path(config.site_dir))
            return
        try:
            search.write(Path(config.site_dir))
        except SearchError as err:
            raise PluginError(f"search: {err}") from None

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
        self.stop_search()

    def on_shutdown(self) -> None:
        self.later.stop()

    def stop_search(self) -> None:
        if self.search is not None:
            self.search.close()
            self.search = None

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Any) -> LiveReloadServer:
        """Rebuild when a postmortem or the catalog changes, not only the docs."""
        server.watch(str(self.settings.folder))
        return server
