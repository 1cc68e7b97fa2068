"""The pages every knowledge base gets from the package: the home page, the writing guide,
the communication guides, the severity levels and the tags page.

They are Markdown, published at the same address in every site; a team's own page at that
address in its `docs/` replaces the packaged one. A page may hold a marker such as
`<!-- hindsite:severity-levels -->`, which the site build fills with content made from the
knowledge base (see `hindsite.render.snippets`).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable


@cache
def guide_pages() -> dict[str, str]:
    """Every packaged page's Markdown, by its path under the docs folder (`tags.md`)."""
    pages: dict[str, str] = {}
    _collect(files(__name__), "", pages)
    return dict(sorted(pages.items()))


def _collect(folder: Traversable, prefix: str, pages: dict[str, str]) -> None:
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.name.startswith(("_", ".")):
            _collect(entry, f"{prefix}{entry.name}/", pages)
        elif entry.name.endswith(".md"):
            pages[f"{prefix}{entry.name}"] = entry.read_text(encoding="utf-8")
