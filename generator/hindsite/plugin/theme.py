"""What the plugin changes in the theme: its template overrides (the header's search box is
Pagefind's) and the copy button on code blocks, with which each draft is copied in one click."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

THEME = Path(__file__).resolve().parent.parent / "theme"
"""Overrides of the theme's templates."""
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
