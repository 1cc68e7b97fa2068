"""What `mkdocs serve` keeps of the pages of its last build, so that a rebuild after one
edit renders again only the pages that edit can change.

MkDocs builds every page again on every change. A page is kept at two levels:

- its body, by a key of what the page reads (`render.site.Page.reads`): its own
  postmortem's file for an incident's pages, every record for the pages made of records
  alone, the whole knowledge base for the rest; with the day, the settings and the images.
- the whole page as written, by a key of everything the theme puts around the body: the
  body itself, the page's address, title, front matter and contents, its neighbours, the
  navigation and the configuration. The theme then renders nothing for it (`hindsite_kept`,
  called from hindsite's `main.html`), and the guard has read those very bytes already.

Each build keeps only its own pages, so what is kept never outgrows one site.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

from hindsite.checked import CheckResult
from hindsite.config import Settings
from hindsite.linked import digest, record_part
from hindsite.memory import Memory
from hindsite.model import Postmortem
from hindsite.render import Heading
from hindsite.render import Page as GeneratedPage


@dataclass(frozen=True, slots=True)
class Sources:
    """What one build's generated pages are made from, as keys: each incident's own file,
    every record with the catalog, the whole knowledge base, and what all pages share."""

    own: dict[str, str]
    records: str
    everything: str
    common: str

    def key(self, page: GeneratedPage) -> str | None:
        """The key of what `page` reads; None when part of it has no key (never kept)."""
        own = self.own.get(page.key, "") if page.reads == "own" else "-"
        read = self.everything if page.reads == "all" else self.records
        return _key(self.common, read, own, page.src_uri) if own and read else None


def sources(memory: Memory, result: CheckResult, records: dict[str, bytes], *,
            as_of: date, settings: Settings, directory_urls: bool) -> Sources:
    """The keys of this check's inputs, as `memory` holds them: each file's content key
    (which covers the catalog, the settings and hindsite's code), the digest of each
    record (`records`, by file key: made for new files only, and left with just this
    check's) with the catalog, and the key of the whole check. Images are files of their
    own, so the addresses the check gave them (made from their content) are added."""
    files = {found.postmortem.path: key for key, found in memory.results.items()
             if found.postmortem is not None}
    postmortems = list(result.kb.by_id.values())
    known = [files.get(pm.path, "") for pm in postmortems]
    digests = {key: records.get(key) or digest(record_part(pm))
               for key, pm in zip(known, postmortems, strict=True) if key}
    records.clear()
    records.update(digests)
    own = {pm.id: _key(key, *_images(pm)) for key, pm in zip(known, postmortems, strict=True)
           if key}
    images = [address for pm in postmortems for address in _images(pm)]
    everything = memory.last[0] if memory.last and memory.last[1] is result else ""
    catalog = repr(result.kb.catalog)
    return Sources(own, _key(catalog, *(digests[key].hex() for key in known))
                   if all(known) else "",
                   everything and _key(everything, *images),
                   _key(as_of.isoformat(), repr(settings), str(directory_urls)))


def _images(pm: Postmortem) -> Iterator[str]:
    return (image.address for image in pm.image_files)


@dataclass(slots=True)
class Kept:
    """One page of a build: its body (compressed) by the key of what it read, and the page
    as written (compressed) by the key of what the theme read."""

    reads: str | None = None
    body: bytes = b""
    headings: tuple[Heading, ...] = ()
    around: str = ""
    output: bytes = b""


@dataclass(slots=True)
class KeptPages:
    """The pages of the last build, and those of the build under way."""

    last: dict[str, Kept] = field(default_factory=dict)
    now: dict[str, Kept] = field(default_factory=dict)
    reused: set[str] = field(default_factory=set)
    navigation: tuple[int, str] = (0, "")
    configuration: str = ""
    records: dict[str, bytes] = field(default_factory=dict)
    """Each record's digest by its file's key (`sources`)."""

    def start(self, config: MkDocsConfig) -> None:
        """A new build: what the last one made is what may be reused."""
        if self.now:
            self.last, self.now = self.now, {}
        self.reused = set()
        self.navigation = (0, "")
        self.configuration = configuration_key(config)

    def body(self, uri: str, reads: str | None) -> tuple[str, list[Heading]] | None:
        """The body and headings the last build rendered for `uri` from the same sources."""
        kept = self.last.get(uri)
        if reads is None or kept is None or kept.reads != reads:
            return None
        self.now[uri] = Kept(reads, kept.body, kept.headings)
        return _text(kept.body), list(kept.headings)

    def keep_body(self, uri: str, reads: str | None, body: str,
                  headings: Iterable[Heading]) -> None:
        if reads is not None:
            self.now[uri] = Kept(reads, _packed(body), tuple(headings))

    def reuse_page(self, page: Page, nav: Navigation) -> bool:
        """Whether the page as written last time is this page: the theme then renders nothing
        for it. Called by the theme, once the whole navigation is known."""
        uri = page.file.src_uri
        now = self.now.setdefault(uri, Kept())
        now.around = self.around(page, nav)
        kept = self.last.get(uri)
        if kept is None or not kept.output or kept.around != now.around:
            return False
        now.output = kept.output
        self.reused.add(uri)
        return True

    def page(self, uri: str) -> str:
        """The page as written last time, for a page the theme did not render again."""
        return _text(self.now[uri].output)

    def keep_page(self, uri: str, output: str) -> None:
        """Keep the page as written (guarded) for the next build, if the theme keyed it."""
        now = self.now.get(uri)
        if now is not None and now.around:
            now.output = _packed(output)

    def around(self, page: Page, nav: Navigation) -> str:
        """A key of everything the theme writes around a page's body."""
        if self.navigation[0] != id(nav):
            self.navigation = (id(nav), navigation_key(nav))
        return _key(self.configuration, self.navigation[1], page.content or "", page.url,
                    page.title or "", repr(sorted(page.meta.items())), _toc(page.toc),
                    *(_neighbour(p) for p in (page.previous_page, page.next_page)),
                    *(str(p.title) for p in page.ancestors))


def navigation_key(nav: Navigation) -> str:
    """A key of the navigation's structure: every item's kind, title and address."""
    return _key(*_items(nav.items))


def _items(items: Iterable[Any], depth: int = 0) -> Iterator[str]:
    for item in items:
        yield f"{depth} {type(item).__name__} {item.title} {getattr(item, 'url', '')}"
        yield from _items(getattr(item, "children", None) or (), depth + 1)


def configuration_key(config: MkDocsConfig) -> str:
    """A key of the configuration file and the theme's overrides, which `mkdocs serve`
    watches: a change to either reaches every page."""
    source = Path(config.config_file_path) if config.config_file_path else None
    parts = [source.read_text("utf-8", "surrogateescape") if source and source.is_file()
             else ""]
    for folder in config.theme.dirs:
        if "site-packages" in Path(folder).parts:
            continue
        parts += [f"{path} {path.stat().st_mtime_ns} {path.stat().st_size}"
                  for path in sorted(Path(folder).rglob("*")) if path.is_file()]
    return _key(*parts)


def _toc(toc: Iterable[AnchorLink]) -> str:
    return "".join(f"({link.level} {link.id} {link.title} {_toc(link.children)})"
                   for link in toc)


def _neighbour(page: Page | None) -> str:
    return "" if page is None else f"{page.url} {page.title}"


def _packed(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8", "surrogateescape"), 1)


def _text(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8", "surrogateescape")


def _key(*parts: str) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()
