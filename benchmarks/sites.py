"""The two sites a benchmark compares: hindsite's, and a plain mkdocs-material site of the same
postmortems, one page each kept out of the navigation (MkDocs 1.6 `not_in_nav`), with the
theme's own search, which is what a team would have without hindsite."""

from __future__ import annotations

import shutil
from pathlib import Path

HINDSITE_YML = """\
site_name: Benchmark postmortems
theme:
  name: material
  font: false
plugins:
  - hindsite:
      postmortems: postmortems
"""
PLAIN_YML = """\
site_name: Benchmark postmortems
theme:
  name: material
  font: false
plugins:
  - search
not_in_nav: |
  /incidents/
nav:
  - Home: index.md
"""


def hindsite_project(kb: Path) -> Path:
    """The knowledge base with a mkdocs.yml that publishes it with hindsite."""
    (kb / "mkdocs.yml").write_text(HINDSITE_YML, encoding="utf-8")
    (kb / "docs").mkdir(exist_ok=True)
    return kb


def plain_project(kb: Path) -> Path:
    """Beside the knowledge base: every postmortem as a plain MkDocs page."""
    folder = kb.parent / f"{kb.name}-plain"
    docs = folder / "docs" / "incidents"
    if not docs.is_dir():
        docs.mkdir(parents=True)
        for source in sorted((kb / "postmortems").glob("*/*.md")):
            shutil.copyfile(source, docs / source.name)
        (folder / "docs" / "index.md").write_text("# Postmortems\n", encoding="utf-8")
    (folder / "mkdocs.yml").write_text(PLAIN_YML, encoding="utf-8")
    return folder
