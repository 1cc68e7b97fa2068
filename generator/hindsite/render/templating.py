"""The Jinja2 environment the pages are rendered with, and the headings a page's contents
list is built from: templates record each heading as they write it (`toc(level, id, text)`),
so the contents come from the renderer and no page's HTML is ever parsed again.

Autoescape is on for every template: a value from a postmortem becomes text, never markup.
The only HTML passed through unescaped is a narrative already cleaned by `narrative.clean`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from html import escape
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
    """The one environment of the pages. Templates are package data, never edited while a
    build or a server runs, so they are not checked on disk again each time one is used
    (`auto_reload`: a file system call for every template and import of every page)."""
    env = Environment(loader=PackageLoader("hindsite.render", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, auto_reload=False)
    env.filters.update(moment=format_moment, day=format_day, duration=format_duration,
                       number=format_number, label=label, sentence=sentence)
    env.globals.update(toc=_record, toc_all=_record_all)
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


DEEPEST = 3
"""The deepest heading level a page's contents list shows."""
_recording: ContextVar[list[Heading] | None] = ContextVar("headings", default=None)


@contextmanager
def recorded_headings() -> Iterator[list[Heading]]:
    """The headings the templates write while the block runs, in the order written."""
    found: list[Heading] = []
    token = _recording.set(found)
    try:
        yield found
    finally:
        _recording.reset(token)


def _record(level: int, ident: str, text: str) -> str:
    """Called by a template beside each heading it writes; writes nothing itself."""
    found = _recording.get()
    if found is not None and level <= DEEPEST:
        found.append(Heading(level, ident, " ".join(str(text).split())))
    return ""


def _record_all(found: Iterable[Heading]) -> str:
    """Record the headings of HTML made outside the template (a narrative), where it goes."""
    for heading in found:
        _record(heading.level, heading.id, heading.text)
    return ""


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
