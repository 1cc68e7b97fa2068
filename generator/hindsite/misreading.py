"""Where html.parser, which the page guard reads pages with, and a browser part ways.

Python 3.11's html.parser ends a comment at `-->` only, and a marked section at `]]>`; it
splits attributes at whitespace a browser keeps inside a value and takes `==` for one `=`;
it keeps an attribute's last value where a browser keeps the first; and it reads as markup
the content of elements a browser takes as text, but as text the content of a `<style>` a
browser in SVG or MathML takes as markup. Whatever html.parser does not see there, a browser
may run, so the guard refuses a page wherever the two could part instead of guessing which
reading is the reader's. A URL is read as a browser reads it: tabs and newlines anywhere,
controls and spaces around it, do not hide its scheme.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import parser as html_parser

TEXT_ONLY = frozenset({"title", "textarea", "noscript", "xmp", "noembed", "noframes"})
"""Elements whose content a browser reads as text, and html.parser as markup: a tag or a
comment in it can hide the end tag a browser sees."""

_ATTRIBUTE: re.Pattern[str] = vars(html_parser)["attrfind_tolerant"]
_TAG_NAME: re.Pattern[str] = vars(html_parser)["tagfind_tolerant"]
_ODD_SPACE = re.compile(r"[^\S\t\n\f\r ]")
"""Whitespace to Python's `\\s` (which html.parser splits at) and not to HTML."""
_COMMENT_END = re.compile(r"\A-?>|--!>")
"""Where a browser ends a comment and html.parser does not: `<!-->`, `<!--->`, `--!>`."""
_URL_IGNORED = str.maketrans("", "", "\t\n\r")
_URL_AROUND = re.compile(r"\A[\x00-\x20\s]+")
_SCRIPT_SCHEMES = ("javascript:", "vbscript:")


def script_url(name: str, value: str) -> bool:
    """Whether a browser would take `value` for a script URL (in an SVG animation's
    `values`, any of the list)."""
    parts = value.split(";") if name == "values" else [value]
    return any(_URL_AROUND.sub("", part.translate(_URL_IGNORED)).lower()
               .startswith(_SCRIPT_SCHEMES) for part in parts)


@lru_cache(maxsize=8192)
def start_tag_misread(text: str) -> str | None:
    """What a browser reads otherwise in a whole start tag as html.parser splits it, if
    anything: whitespace outside quotes that HTML does not count, or `==`."""
    name = _TAG_NAME.match(text, 1)
    k = name.end() if name else len(text)
    outside = [text[:k]]
    while k < len(text) and (m := _ATTRIBUTE.match(text, k)):
        rest, value = m.group(2, 3)
        if rest and rest[:len(rest) - len(value)].count("=") > 1:
            return "an attribute with '==', which a browser reads as the start of its value"
        quoted = rest and value[:1] in "'\"" and len(value) > 1 and value[-1] == value[0]
        outside.append(text[k:m.start(3)] + text[m.end(3):m.end()] if quoted else m.group())
        k = m.end()
    if _ODD_SPACE.search("".join(outside) + text[k:]):
        return "a start tag split at a character a browser does not count as a space"
    return None


def comment_misread(text: str) -> bool:
    """Whether a browser ends the comment `<!--text-->` before html.parser does."""
    return bool(_COMMENT_END.search(text))
