"""Runs of markup the page guard can pass over in one step: text, end tags, and start tags of a
few plain shapes, which html.parser and the guard's quick reading read as one tag each with
nothing to report.

Most of a page is such markup (the theme's navigation, tables of incidents), and reading it
tag by tag in Python was most of the guard's time. A start tag is plain when its name is one
of `TAGS`, each attribute is one of `WORDS` or `TEXT` (or `data-*`, `aria-*`), written
lowercase with one space before it, its value double-quoted with no `"`, `<`, `>` or control
character, and a `WORDS` value neither starts with a space nor with a letter a script scheme
starts with (`j`, `v`) nor holds a character reference; nothing else about a tag is plain,
and anything not plain is read as before. None of these names is one the guard looks at
(`guard.tag_problems`); a test holds every pair of them to that.
"""

from __future__ import annotations

import re

TAGS = frozenset({
    "a", "abbr", "article", "aside", "b", "blockquote", "body", "br", "caption", "code",
    "col", "colgroup", "dd", "del", "details", "div", "dl", "dt", "em", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html",
    "i", "input", "kbd", "label", "li", "main", "mark", "nav", "ol", "p", "pre", "s",
    "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul",
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
    "tspan"})
"""Elements the guard has nothing to say about, whatever attributes below they carry."""
WORDS = frozenset({
    "class", "id", "for", "type", "role", "name", "value", "lang", "dir", "datetime",
    "colspan", "rowspan", "tabindex", "width", "height", "viewbox", "xmlns", "d", "fill",
    "autocomplete", "open", "start", "href", "rel", "target", "checked", "hidden", "x", "y",
    "x1", "x2", "y1", "y2", "text-anchor"})
"""Attributes the guard reads only for a script URL, which a plain value cannot be."""
TEXT = frozenset({"title", "alt", "aria-label", "placeholder"})
"""Attributes a browser only shows (`guard.TEXT_ATTRIBUTES`): any quoted value is plain."""


def _either(names: frozenset[str]) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=lambda n: (-len(n), n)))


_WORD_VALUE = r'"(?:[\x21\x23-\x25\x27-\x3b\x3d\x3f-\x49\x4b-\x55\x57-\x69\x6b-\x75\x77-\x7e]' \
              r'[^\x00-\x1f"<>&\x7f]*+)?"'
"""Empty, or starting with a printable ASCII character other than a space, a quote, `&`,
`<`, `>`, `j` or `v` (either case), with no control character, quote, `<`, `>` or `&`."""
_TEXT_VALUE = r'"[^\x00-\x1f"<>\x7f]*+"'
_ATTRIBUTE = (rf"(?:{_either(WORDS)}|(?:data|aria)-[a-z][a-z0-9-]*+)(?:={_WORD_VALUE})?"
              rf"|(?:{_either(TEXT)})(?:={_TEXT_VALUE})?")
_PLAIN_TAG = rf"<(?:{_either(TAGS)})(?: (?:{_ATTRIBUTE})(?=[ />]))*+ ?/?>"
_RUN = re.compile(rf"(?:[^<]++|</[^>]*+>|{_PLAIN_TAG})++")


def inert_run_end(html: str, start: int) -> int:
    """Where the run of plain markup at `start` ends (`start` itself if there is none): the
    guard's reading of it would find nothing and go on there."""
    run = _RUN.match(html, start)
    return run.end() if run else start
