"""What the plugin changes in the theme: its template overrides (the header's search box is
Pagefind's) and the copy button on code blocks, with which each draft is copied in one click."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

THEME = Path(__file__).resolve().parent.parent / "theme"
"""Overrides of the theme's templates."""
_LINE_BREAKS = re.compile(r"(<(script|style|pre|textarea)\b.*?</\2\s*>)|[ \t]*\n\s*",
                          re.DOTALL | re.IGNORECASE)
COPY_BUTTON = "content.code.copy"
"""The theme's copy button on code blocks."""


def adapt_theme(config: MkDocsConfig) -> None:
    """Add the overrides (after a site's own custom_dir) and the copy button, and turn the
    theme's web fonts off: the site must work offline and tell no other host who reads it
    (the page guard refuses resources from other hosts, so a font would fail the build)."""
    config.theme["font"] = False
    if str(THEME) not in config.theme.dirs:
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
    features = config.theme.get("features") or []
    if COPY_BUTTON not in features:
        config.theme["features"] = [*features, COPY_BUTTON]


def compacted(page: str, content: str) -> str:
    """The page with each run of blank lines and indentation in the theme's chrome made one
    line break (a fifth of an incident page), and its content as rendered. Whitespace around
    a line break shows as one space wherever it shows at all; scripts, styles and
    preformatted text keep theirs."""
    start = page.find(content) if content else -1
    if start < 0:
        return _compact(page)
    end = start + len(content)
    return _compact(page[:start]) + content + _compact(page[end:])


def _compact(chrome: str) -> str:
    return _LINE_BREAKS.sub(lambda found: found.group(1) or "\n", chrome)
