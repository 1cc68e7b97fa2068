"""The Jinja2 environment the pages are rendered with, and the headings a page's contents
list is built from.

Autoescape is on for every template: a value from a postmortem becomes text, never markup.
The only HTML passed through unescaped is a narrative already cleaned by `narrative.clean`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from html import escape
from html.parser import HTMLParser
from typing import Any, TypedDict

from jinja2 import Environment, PackageLoader, StrictUndefined

from hindsite.render.figures import (
    format_day,
    format_duration,
    format_moment,
    format_number,
    label,
    sentence,
)


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("hindsite.render", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(moment=format_moment, day=format_day, duration=format_duration,
                       number=format_number, label=label, sentence=sentence)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def stylesheet() -> str:
    """The site's own small stylesheet, shipped beside the templates."""
    loader = environment().loader
    assert loader is not None
    source, _path, _uptodate = loader.get_source(environment(), "hindsite.css")
    return source


class TocEntry(TypedDict):
    """One heading, in the shape MkDocs' `get_toc` takes."""

    level: int
    id: str
    name: str
    children: list[TocEntry]


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    id: str
    text: str


def headings(html: str, deepest: int = 3) -> list[Heading]:
    """The h1..h`deepest` headings of a page with their ids, as a reader sees their text."""
    parser = _HeadingParser(deepest)
    parser.feed(html)
    parser.close()
    return parser.found


def toc_entries(found: list[Heading]) -> list[TocEntry]:
    """Headings nested by level: h2 under the h1, h3 under the h2 before it."""
    root: list[TocEntry] = []
    stack: list[TocEntry] = []
    for heading in found:
        entry: TocEntry = {"level": heading.level, "id": heading.id,
                           "name": escape(heading.text, quote=False), "children": []}
        while stack and stack[-1]["level"] >= heading.level:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(entry)
        stack.append(entry)
    return root


class _HeadingParser(HTMLParser):
    def __init__(self, deepest: int) -> None:
        super().__init__(convert_charrefs=True)
        self.tags = {f"h{n}" for n in range(1, deepest + 1)}
        self.found: list[Heading] = []
        self.current: tuple[int, str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.tags:
            self.current = (int(tag[1]), dict(attrs).get("id") or "")
            self.text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in self.tags and self.current is not None:
            level, ident = self.current
            self.found.append(Heading(level, ident, " ".join("".join(self.text).split())))
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.text.append(data)
