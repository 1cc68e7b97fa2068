"""What the plugin changes in the theme: its template overrides (the header's search box is
Pagefind's) and the copy button on code blocks, with which each draft is copied in one click."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import normalize_url

THEME = Path(__file__).resolve().parent.parent / "theme"
"""Overrides of the theme's templates."""
NAVIGATION = "partials/nav.html"
"""The theme's navigation, which hindsite's override renders through `navigation`."""
_BELOW = "below-hindsite"
"""Where the theme's own templates, under hindsite's overrides, can still be reached."""
_KEPT = re.compile(r"<(script|style|pre|textarea)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
"""Elements whose whitespace may matter: left as they are."""
_SPACE = " \t\r\f"
"""HTML's whitespace besides the line break (not Unicode's: a no-break space is text)."""
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
    parts, at = [], 0
    for kept in _KEPT.finditer(chrome):
        parts += [_squeezed(chrome[at:kept.start()]), kept.group()]
        at = kept.end()
    parts.append(_squeezed(chrome[at:]))
    return "".join(parts)


def _squeezed(text: str) -> str:
    """Each run of whitespace with a line break in it, one line break."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    kept = [lines[0].rstrip(_SPACE)]
    kept += [line for middle in lines[1:-1] if (line := middle.strip(_SPACE))]
    kept.append(lines[-1].lstrip(_SPACE))
    return "\n".join(kept)


def cache_navigation(env: Environment, config: MkDocsConfig) -> None:
    """Let the theme's navigation be rendered once for all the pages it is the same on.

    The navigation, with one entry per section and guide, is a third of the time the theme
    takes per page, and it is the same on every page that is not in it (an incident, a
    cause) but for links relative to the page: so it is kept by those links."""
    below = config.theme.dirs[config.theme.dirs.index(str(THEME)) + 1:]
    assert env.loader is not None
    env.loader = ChoiceLoader([env.loader, PrefixLoader({_BELOW: FileSystemLoader(below)})])
    env.globals["hindsite_navigation"] = navigation(env)


def navigation(env: Environment) -> Callable[[Context], Markup]:
    kept: dict[tuple[str, ...], Markup] = {}

    @pass_context
    def render(context: Context) -> Markup:
        page, nav = context.get("page"), context.get("nav")
        template = env.get_template(f"{_BELOW}/{NAVIGATION}")
        if not isinstance(page, Page) or not isinstance(nav, Navigation) or any(
                p is page for p in nav.pages):
            return Markup(template.render(context.get_all()))
        key = tuple(normalize_url(url, page, context.get("base_url", ""))
                    for url in _addresses(nav, context.get("config")))
        if key not in kept:
            kept[key] = Markup(template.render(context.get_all()))
        return kept[key]

    return render


def _addresses(nav: Navigation, config: Any) -> Iterator[str]:
    """Every address the navigation writes relative to the page."""
    stack: list[Any] = list(nav.items)
    while stack:
        item = stack.pop()
        if getattr(item, "url", None) is not None:
            yield str(item.url)
        stack.extend(getattr(item, "children", None) or ())
    if nav.homepage is not None:
        yield nav.homepage.url
    extra = getattr(config, "extra", None) or {}
    theme = getattr(config, "theme", None)
    for url in (extra.get("homepage"), theme.get("logo") if theme else None):
        if url:
            yield str(url)
