"""The files a build publishes: generated pages, data files, the stylesheet, narrative
images and the packaged guides, all in memory (`File.generated`), never written to docs/."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from hindsite.guides import guide_pages
from hindsite.link import KnowledgeBase
from hindsite.model import PublishedImage
from hindsite.render import Page as GeneratedPage
from hindsite.render import Site, data_files, front_matter, site_pages, stylesheet

STYLESHEET = "assets/hindsite.css"


def publish(files: Files, config: MkDocsConfig, site: Site) -> dict[str, GeneratedPage]:
    """Add every file the site is made of; the generated pages, by source path."""
    pages = {}
    for page in site_pages(site):
        inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
        add(files, File.generated(config, page.src_uri, content=front_matter(page),
                                  inclusion=inclusion))
        pages[page.src_uri] = page
    extra = data_files(site, config.site_name, config.site_url or "", config.use_directory_urls)
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
