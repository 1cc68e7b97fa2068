"""The files a build publishes: generated pages, data files, the stylesheet, narrative
images and the packaged guides, all in memory (`File.generated`), never written to docs/."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html import escape

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from hindsite.guides import guide_pages
from hindsite.link import KnowledgeBase
from hindsite.model import PublishedImage
from hindsite.render import Page as GeneratedPage
from hindsite.render import Site, data_files, front_matter, site_pages, stylesheet
from hindsite.render.site import PLACEHOLDER

STYLESHEET = "assets/hindsite.css"


@dataclass(slots=True)
class KeptFiles:
    """While serving, what the last build published that the next can take as it is: each
    generated page's front matter, and the data files with the key of what they were made
    of (the records, which `incidents.json` and the feed alone read)."""

    front: dict[GeneratedPage, str] = field(default_factory=dict)
    data: tuple[str, dict[str, str]] = ("", {})


def publish(files: Files, config: MkDocsConfig, site: Site, kept: KeptFiles | None = None,
            records: str = "") -> dict[str, GeneratedPage]:
    """Add every file the site is made of; the generated pages, by source path. With `kept`,
    what the last build published is taken again where it was made of the same: the front
    matter of the same page, the data files of the same `records`."""
    pages = {}
    front = {}
    for page in site_pages(site):
        inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
        front[page] = (kept.front.get(page) if kept else None) or front_matter(page)
        file = File.generated(config, page.src_uri, content=front[page], inclusion=inclusion)
        add(files, file)
        if not page.in_nav:
            RenderedByHindsite(None, file, config)
        pages[page.src_uri] = page
    extra = published_data(site, config, kept, records)
    if kept is not None:
        kept.front = front
    for name, content in {**extra, STYLESHEET: stylesheet()}.items():
        add(files, File.generated(config, name, content=content))
    for image in narrative_images(site.kb):
        if image.content is None:
            add(files, File.generated(config, image.address, abs_src_path=image.source))
        else:
            add(files, File.generated(config, image.address, content=image.content))
    for name, text in guide_pages().items():
        if files.get_file_from_path(name) is None:
            files.append(File.generated(config, name, content=text))
    return pages


def published_data(site: Site, config: MkDocsConfig, kept: KeptFiles | None,
                   records: str) -> dict[str, str]:
    key = f"{records}\0{config.site_name}\0{config.site_url}\0{config.use_directory_urls}"
    if kept is not None and records and kept.data[0] == key:
        return kept.data[1]
    made = data_files(site, config.site_name, config.site_url or "", config.use_directory_urls)
    if kept is not None:
        kept.data = (key, made)
    return made


class RenderedByHindsite(Page):
    """A generated page out of the navigation: its body is hindsite's (the plugin's
    `on_page_content`), so its one placeholder line is not converted by Python-Markdown,
    which would cost a millisecond a page for nothing. (Pages in the navigation are left to
    MkDocs, which gives them the title the navigation names.)"""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = f"<p>{escape(PLACEHOLDER)}</p>"
        self.toc = get_toc([])
        self.present_anchor_ids = set()


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


def as_of() -> date:
    """The day open action items are judged overdue: SOURCE_DATE_EPOCH's, else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.date()
