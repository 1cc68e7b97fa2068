"""Every internal link of a built site, and the ones that lead nowhere."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is not None and (name == "href" or (name == "src" and tag != "iframe")):
                self.targets.append(value)


def dead_links(site: Path) -> list[tuple[str, str]]:
    """(page, href) for each link inside the site whose target is not in the site folder."""
    dead: list[tuple[str, str]] = []
    for page in sorted(site.rglob("*.html")):
        here = page.relative_to(site).as_posix()
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for href in parser.targets:
            if not _reaches(site, here, href):
                dead.append((here, href))
    return dead


def _reaches(site: Path, here: str, href: str) -> bool:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return True
    path = unquote(parts.path)
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(
        posixpath.dirname(here), path)
    target = site / posixpath.normpath(joined)
    return target.is_file() or (target / "index.html").is_file()
