"""The one Markdown parser of a narrative, shared by the check and the pages.

It runs with raw HTML on and link validation off, so that HTML and `javascript:` links become
tokens the check can see and report (markdown-it would otherwise drop them silently); the
pages render from the same tokens, so nothing (a reference definition, a link) can read one
way in the check and another on a page.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

SAFE_SCHEMES = ("http", "https")
SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")

_parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_parser.validateLink = lambda url: True  # type: ignore[method-assign]


def parse_tokens(markdown: str) -> list[Token]:
    """The narrative's tokens; the check and every page that shows the narrative read this
    one parse, so that nothing (a reference definition, a link) can read one way here and
    another there. The tokens are shared: a caller copies one before changing it."""
    return list(_parsed(markdown))


@lru_cache(maxsize=64)
def _parsed(markdown: str) -> tuple[Token, ...]:
    return tuple(_parser.parse(markdown))


def parser_options() -> OptionsDict:
    return _parser.options


def is_safe_link(url: str) -> bool:
    """A link a page may carry: http, https, or no scheme (a relative path or an anchor)."""
    scheme = SCHEME_RE.match(url.strip())
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES
