"""The MkDocs plugin: events only; the check and the pages are the library's.

`on_files` runs the same check as `hindsite check` and adds the generated pages in memory
(nothing is written into docs/ or the postmortems folder). Each generated page's Markdown is
only front matter and a placeholder line; `on_page_content` replaces its HTML with the page
rendered by hindsite's own templates, so no postmortem text ever goes through
Python-Markdown, which would pass raw HTML and any link scheme through. Search is Pagefind's
(`hindsite.site_search`), in place of the theme's: page bodies are staged as they are built.

The packaged guides (`hindsite.guides`) are added as generated Markdown pages wherever the
team's docs/ has no page of its own at that address; in them and in the team's pages, the
`<!-- hindsite:NAME -->` markers are filled with content from the knowledge base.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from mkdocs.config.base import Config, ConfigErrors, ConfigWarnings
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from hindsite.config import ConfigError, Settings, parse_settings
from hindsite.diagnostics import Diagnostic, Severity
from hindsite.guard import guarded_page
from hindsite.guides import guide_pages
from hindsite.link import KnowledgeBase
from hindsite.model import PublishedImage
from hindsite.pipeline import run_check
from hindsite.render import (
    Linker,
    Site,
    build_site,
    data_files,
    front_matter,
    render_contents,
    site_pages,
    stylesheet,
    toc_entries,
)
from hindsite.render import Page as GeneratedPage
from hindsite.render.notice import build_failed_notice
from hindsite.render.snippets import fill_snippets
from hindsite.site_search import INDEXED_KINDS, SearchError, SearchIndex, executable

log = get_plugin_logger(__name__)

STYLESHEET = "assets/hindsite.css"
THEME = Path(__file__).resolve().parent / "theme"
"""Overrides of the theme's templates: the header's search box is Pagefind's."""
THEME_SEARCH = ("material/search", "search")
COPY_BUTTON = "content.code.copy"
"""The theme's copy button on code blocks: each draft is copied in one click."""


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
        base = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        try:
            self.settings = parse_settings(self.options, base=base)
        except ConfigError as err:
            raise PluginError(str(err)) from None
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        if str(THEME) not in config.theme.dirs:
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        features = config.theme.get("features") or []
        if COPY_BUTTON not in features:
            config.theme["features"] = [*features, COPY_BUTTON]
        for name in THEME_SEARCH:
            if name in config.plugins and config.plugins[name].config.get("enabled", True):
                config.plugins[name].config["enabled"] = False
                log.info("the theme's search is replaced by hindsite's (Pagefind)")
        return config

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        """A new search index for every build, `mkdocs serve`'s rebuilds included."""
        self.stop_search()
        binary = executable()
        if binary is None:
            log.warning("search is off: Pagefind is not installed (pip install pagefind-bin)")
            return
        language = str(config.theme.get("language") or "en")
        self.search = SearchIndex(binary, language)

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        result = run_check(self.settings)
        report(result.diagnostics, result.files, stop=not self.serving)
        self.notice = build_failed_notice(result.diagnostics) if self.serving else ""
        self.site = build_site(result.kb, self.settings, as_of())
        self.pages = {}
        for page in site_pages(self.site):
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            add(files, File.generated(config, page.src_uri, content=front_matter(page),
                                      inclusion=inclusion))
            self.pages[page.src_uri] = page
        extra = data_files(self.site, config.site_name, config.site_url or "",
                           config.use_directory_urls)
        for name, content in {**extra, STYLESHEET: stylesheet()}.items():
            add(files, File.generated(config, name, content=content))
        for image in narrative_images(result.kb):
            if image.content is None:
                add(files, File.generated(config, image.address, abs_src_path=image.source))
            else:
                add(files, File.generated(config, image.address, content=image.content))
        for name, text in guide_pages().items():
            if files.get_file_from_path(name) is None:
                files.append(File.generated(config, name, content=text))
        return files

    @event_priority(100)
    def _render_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str | None:
        """Our pages' HTML, first, so that every later plugin sees it."""
        if self.site is None:
            return None
        link = Linker(page.url, config.use_directory_urls)
        generated = self.pages.get(page.file.src_uri)
        if generated is None or page.file.generated_by is None:
            return self.notice + fill_snippets(html, self.site, link)
        body, found = render_contents(self.site, generated, link)
        page.toc = get_toc(toc_entries(found))
        page.present_anchor_ids = {h.id for h in found if h.id}
        return self.notice + body

    @event_priority(-100)
    def _index_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                       files: Files) -> None:
        """Stage the page's final body for the search index, if a reader would look for it."""
        if self.search is None:
            return
        generated = self.pages.get(page.file.src_uri)
        if generated is None or generated.kind in INDEXED_KINDS:
            self.search.add(page.url, page.title or "", html)

    on_page_content = CombinedEvent(_render_content, _index_content)

    @event_priority(-100)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Every page, last: nothing that runs or fetches from elsewhere may leave the build."""
        return guarded(output, page.content or "", page.file.src_uri)

    @event_priority(-100)
    def on_post_template(self, output_content: str, /, *, template_name: str,
                         config: MkDocsConfig) -> str:
        if not template_name.endswith(".html"):
            return output_content
        return guarded(output_content, "", template_name)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        search, self.search = self.search, None
        if search is None:
            return
        try:
            search.write(Path(config.site_dir))
        except SearchError as err:
            raise PluginError(f"search: {err}") from None

    def on_build_error(self, *, error: Exception) -> None:
        self.stop_search()

    def stop_search(self) -> None:
        if self.search is not None:
            self.search.close()
            self.search = None

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig,
                 builder: Any) -> LiveReloadServer:
        """Rebuild when a postmortem or the catalog changes, not only the docs."""
        server.watch(str(self.settings.folder))
        return server


def guarded(output: str, content: str, name: str) -> str:
    """The page with its Content-Security-Policy; a page that would run script other than
    the theme's, or fetch from another host, stops the build."""
    problems, page = guarded_page(output, content)
    if problems:
        for problem in problems:
            log.error(f"{name}: {problem}")
        raise PluginError(f"hindsite: {name} would carry script or a resource from another "
                          f"host ({problems[0]}); the page was not written")
    return page


def narrative_images(kb: KnowledgeBase) -> list[PublishedImage]:
    """Each image the check published, once, at the address it chose from the content."""
    found: dict[str, PublishedImage] = {}
    for pm in kb.by_id.values():
        for image in pm.image_files:
            found.setdefault(image.address, image)
    return list(found.values())


def add(files: Files, file: File) -> None:
    """Add a generated file; one that would replace a file of docs/ is an error."""
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None and existing.generated_by is None:
        raise PluginError(f"docs/{file.src_uri} is where hindsite publishes a generated page; "
                          "rename or remove it")
    files.append(file)


def report(diagnostics: list[Diagnostic], checked: int, *, stop: bool = True) -> None:
    """Log every diagnostic as `hindsite check` prints it; errors stop the build, unless
    `stop` is false (serving: the pages then show them)."""
    for d in diagnostics:
        if d.severity is Severity.ERROR:
            log.error(d.format())
        elif d.severity is Severity.WARNING:
            log.warning(d.format())
        else:
            log.info(d.format())
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    if errors and not stop:
        log.error("hindsite: every page shows these errors until they are fixed")
    elif errors:
        noun = "error" if errors == 1 else "errors"
        raise PluginError(f"hindsite: {errors} {noun} in the postmortems ({checked} files "
                          "checked); fix them or run 'hindsite check' for the report")


def as_of() -> date:
    """The day open action items are judged overdue: SOURCE_DATE_EPOCH's, else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.date()
