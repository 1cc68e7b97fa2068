"""Rules on the Markdown narrative, read with markdown-it-py.

The parser runs with raw HTML on and link validation off, so that HTML and `javascript:`
links become tokens this module can see and report (markdown-it would otherwise drop them
silently). Inline tokens carry no line numbers: lines are counted through soft and hard
breaks, and columns found by searching the source line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from hindsite.commonmark import SAFE_SCHEMES, SCHEME_RE, parse_tokens
from hindsite.diagnostics import Diagnostic, Position, Severity, rule
from hindsite.images import MISSING_IMAGE
from hindsite.model import REFERENCE_RE, Reference, normalise_heading

STAGE = "body"
MISSING_SECTION = rule("HS401", "missing-section", Severity.ERROR,
                       "A required level-2 section is missing (a warning until published).", STAGE)
RAW_HTML = rule("HS402", "raw-html", Severity.ERROR,
                "Raw HTML in a postmortem; the published site must not carry markup from it.",
                STAGE)
UNSAFE_LINK = rule("HS403", "unsafe-link", Severity.ERROR,
                   "A link with a scheme other than http, https or a relative path.", STAGE)
REMOTE_IMAGE = rule("HS404", "remote-image", Severity.ERROR,
                    "An image from another host; images are files in the repository.", STAGE)

NARRATIVE_TOO_LARGE = rule("HS409", "narrative-too-large", Severity.ERROR,
                           "The narrative passes a limit: 10,000 characters in a line, 500 "
                           "headings, or 10,000 table cells; it is not read further.", STAGE)

MAX_LINE_CHARS = 10_000
MAX_HEADINGS = 500
MAX_TABLE_CELLS = 10_000
"""Limits far above any narrative written by hand, below which reading and rendering a
narrative stay quick: a pasted log or a generated table belongs in a linked file."""
_HEADING_RE = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")

_DEFINITION_RE = re.compile(r" {0,3}\[[^\]]+\]:[ \t]*<?([^\s>]+)")


@dataclass(frozen=True, slots=True)
class Body:
    """What later stages need of a narrative: its sections and the ids it mentions."""

    sections: dict[str, tuple[int, int]]
    headings: dict[str, int]
    references: tuple[Reference, ...]
    code_lines: frozenset[int]
    images: tuple[Reference, ...] = ()


def read_body(markdown: str, path: str, first_line: int) -> tuple[Body, list[Diagnostic]]:
    """Sections, references and the body's own problems, in one pass over the tokens."""
    lines = markdown.split("\n")
    locator = _Locator(lines, path, first_line)
    problems: list[Diagnostic] = []
    references: list[Reference] = []
    images: list[Reference] = []
    headings: dict[str, int] = {}
    code_lines: set[int] = set()
    tokens = parse_tokens(markdown)
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2" and token.map:
            headings.setdefault(normalise_heading(tokens[index + 1].content), token.map[0])
        elif token.type in ("fence", "code_block") and token.map:
            code_lines.update(range(token.map[0], token.map[1]))
        elif token.type == "html_block" and token.map:
            problems.append(RAW_HTML.at(locator.find(token.map[0], token.content.strip()[:20]),
                                        _html_message(token.content)))
        elif token.type == "inline" and token.map:
            problems.extend(_inline_problems(token, locator, references, images))
    sections = _sections(len(lines), headings)
    body = Body(sections, headings, tuple(references), frozenset(code_lines), tuple(images))
    return body, problems


def over_limit(markdown: str, path: str, first_line: int) -> Diagnostic | None:
    """The first limit the narrative passes, at the line where it does; one pass over the
    text, before anything parses it."""
    headings = cells = 0
    for number, line in enumerate(markdown.split("\n")):
        where = Position(path, first_line + number, 1)
        if len(line) > MAX_LINE_CHARS:
            return NARRATIVE_TOO_LARGE.at(
                Position(path, first_line + number, MAX_LINE_CHARS + 1),
                f"this line has {len(line):,} characters, over the limit of {MAX_LINE_CHARS:,}; "
                "move long pasted text into a linked file")
        headings += bool(_HEADING_RE.match(line))
        cells += line.count("|")
        if headings > MAX_HEADINGS:
            return NARRATIVE_TOO_LARGE.at(where, f"more than {MAX_HEADINGS} headings; a "
                                          "narrative this long belongs in several postmortems")
        if cells > MAX_TABLE_CELLS:
            return NARRATIVE_TOO_LARGE.at(where, f"tables with more than {MAX_TABLE_CELLS:,} "
                                          "cells; put the data in a linked file")
    return None


def missing_sections(body: Body, required: tuple[str, ...], published: bool,
                     path: str) -> Iterator[Diagnostic]:
    severity = Severity.ERROR if published else Severity.WARNING
    for title in required:
        if normalise_heading(title) not in body.headings:
            yield MISSING_SECTION.at(Position(path), f"missing section '## {title}'; add it to "
                                     "the narrative", severity=severity)


def _sections(line_count: int, headings: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Each level-2 section's lines in the body (after its heading, up to the next one):
    spans, not copies, so a knowledge base keeps each narrative in memory once."""
    starts = sorted(headings.items(), key=lambda item: item[1])
    sections = {}
    for n, (title, start) in enumerate(starts):
        end = starts[n + 1][1] if n + 1 < len(starts) else line_count
        sections[title] = (start + 1, end)
    return sections


def is_local(url: str) -> bool:
    """A relative path to a file of the repository: no scheme, no host, no leading '/'."""
    url = url.strip()
    return bool(url) and not SCHEME_RE.match(url) and not url.startswith(("/", "#"))


def _inline_problems(token: Token, locator: _Locator, references: list[Reference],
                     images: list[Reference]) -> Iterator[Diagnostic]:
    line = token.map[0] if token.map else 0
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "html_inline":
            yield RAW_HTML.at(locator.find(line, child.content.split("\n")[0]),
                              _html_message(child.content))
            line += child.content.count("\n")
        elif child.type == "link_open":
            yield from _link_problem(str(child.attrs.get("href", "")), line, locator, image=False)
        elif child.type == "image":
            src = str(child.attrs.get("src", ""))
            yield from _link_problem(src, line, locator, image=True)
            if is_local(src):
                images.append(Reference(src, locator.find_url(line, src)))
            elif not SCHEME_RE.match(src.strip()) and not src.strip().startswith("//"):
                yield MISSING_IMAGE.at(locator.find_url(line, src), _not_relative(src))
        elif child.type == "text":
            for match in REFERENCE_RE.finditer(child.content):
                references.append(Reference(match.group(0), locator.find(line, match.group(0))))


def _link_problem(url: str, line: int, locator: _Locator, image: bool) -> Iterator[Diagnostic]:
    scheme = SCHEME_RE.match(url.strip())
    name = scheme.group(1).lower() if scheme else ""
    if name and name not in SAFE_SCHEMES:
        yield UNSAFE_LINK.at(locator.find_url(line, url),
                             f"link scheme '{name}:' is not allowed; use an http, https "
                             "or relative link")
    elif image and (name or url.strip().startswith("//")):
        yield REMOTE_IMAGE.at(locator.find_url(line, url),
                              f"image {url} is on another host; add the file to the repository "
                              "and link it by a relative path")


def _not_relative(src: str) -> str:
    if src.strip().startswith("/"):
        return (f"image {src} is an absolute path; name the file relative to the postmortem, "
                "like images/chart.png")
    return f"image {src or '(empty)'} names no file; name the file relative to the postmortem"


def _html_message(html: str) -> str:
    tag = re.match(r"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*|!--)", html)
    what = "" if not tag else " (an HTML comment)" if tag.group(1) == "!--" \
        else f" <{tag.group(1)}>"
    return f"raw HTML{what} is not allowed; use Markdown instead (or put it in a code span)"


class _Locator:
    """Turns a 0-based body line and a piece of its text into a file position."""

    def __init__(self, lines: list[str], path: str, first_line: int) -> None:
        self.lines = lines
        self.path = path
        self.first_line = first_line
        self.cursor: dict[int, int] = {}
        self._definitions: dict[str, int] | None = None

    def find(self, line: int, needle: str) -> Position:
        text = self.lines[line] if line < len(self.lines) else ""
        start = self.cursor.get(line, 0)
        col = text.find(needle, start) if needle else -1
        if col < 0:
            col = text.find(needle) if needle else -1
        if col >= 0:
            self.cursor[line] = col + len(needle)
        else:
            col = len(text) - len(text.lstrip())
        return Position(self.path, self.first_line + line, col + 1)

    def definitions(self) -> dict[str, int]:
        """The line of the first reference definition of each URL, found in one pass when
        first needed (a search per link would make 4,000 links cost minutes)."""
        if self._definitions is None:
            self._definitions = {}
            for number, line in enumerate(self.lines):
                found = _DEFINITION_RE.match(line)
                if found:
                    self._definitions.setdefault(found.group(1), number)
        return self._definitions

    def find_url(self, line: int, url: str) -> Position:
        """A link's target: on the link's line, or in the reference definition it names;
        written with entities (`javascript&#58;`), at its scheme."""
        text = self.lines[line] if line < len(self.lines) else ""
        if url and url not in text:
            number = self.definitions().get(url)
            if number is not None:
                return self.find(number, url)
            scheme = SCHEME_RE.match(url)
            written = re.search(r"(?<=[(<\s])" + re.escape(scheme.group(1)), text,
                                re.IGNORECASE) if scheme else None
            if written:
                return Position(self.path, self.first_line + line, written.start() + 1)
        return self.find(line, url)
