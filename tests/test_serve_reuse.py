"""`mkdocs serve` keeps the last build's pages (`plugin.kept`) and writes the search index
after the pages (`plugin.served`): after each kind of edit, the served site is byte for byte
the site a fresh `mkdocs build` makes of the same files, and most pages were not rendered
again after an edit that cannot reach them.

The builds run in this process, as `mkdocs serve` runs them: one plugin object kept from
build to build. MkDocs keeps that object in a cache of its own, which the fixture swaps so
that the fresh builds get a plugin object of their own and no other test gets either.
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from hindsite.plugin import HindsitePlugin

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8
Build = Callable[[str], HindsitePlugin]


def plugin_cache() -> dict[str, object]:
    """MkDocs' cache of plugin objects that live across builds (those with `on_startup`)."""
    option = dict(MkDocsConfig._schema)["plugins"]
    cache: dict[str, object] = option.plugin_cache  # type: ignore[attr-defined]
    return cache


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of this repository's knowledge base and site, one postmortem with an image."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("docs", "postmortems"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copyfile(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    source = next(root.glob("postmortems/*/PM-0004-*.md"))
    (source.parent / "queue.png").write_bytes(PNG + b"one")
    source.write_text(source.read_text(encoding="utf-8")
                      + "\n![The queue that week](queue.png)\n", encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("HINDSITE_CACHE", "off")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    return root


@pytest.fixture
def builds(project: Path, tmp_path: Path) -> Iterator[dict[str, Build]]:
    """`serve` builds into one folder with one plugin object; `fresh` builds into another,
    each with a new one."""
    kept = dict(plugin_cache())
    plugin_cache().clear()
    served: dict[str, object] = {}

    def run(site: Path, command: Literal["build", "serve"]) -> HindsitePlugin:
        config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
        config.plugins.on_startup(command=command, dirty=False)
        build(config)
        plugin = config.plugins["hindsite"]
        assert isinstance(plugin, HindsitePlugin)
        return plugin

    def serve(_: str = "") -> HindsitePlugin:
        plugin_cache().clear()
        plugin_cache().update(served)
        plugin = run(tmp_path / "served", "serve")
        plugin.later.wait()
        served.update(plugin_cache())
        return plugin

    def fresh(_: str = "") -> HindsitePlugin:
        plugin_cache().clear()
        return run(tmp_path / "fresh", "build")

    try:
        yield {"serve": serve, "fresh": fresh}
    finally:
        for plugin in served.values():
            if isinstance(plugin, HindsitePlugin):
                plugin.on_shutdown()
        plugin_cache().clear()
        plugin_cache().update(kept)


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site, the compressed sitemap as its text."""
    files = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            files[path.relative_to(site).as_posix()] = \
                gzip.decompress(data) if path.suffix == ".gz" else data
    return files


def assert_same_site(served: Path, fresh: Path, after: str) -> None:
    ours, theirs = site_files(served), site_files(fresh)
    assert sorted(ours) == sorted(theirs), after
    differ = [name for name in ours if ours[name] != theirs[name]]
    assert not differ, f"after {after}, served unlike a fresh build: {differ[:10]}"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_edit_is_served_as_a_fresh_build_would_make_it(
        builds: dict[str, Build], project: Path, tmp_path: Path) -> None:
    pm4 = next(project.glob("postmortems/*/PM-0004-*.md"))
    pm1 = next(project.glob("postmortems/*/PM-0001-*.md"))
    edits: list[tuple[str, Callable[[], object]]] = [
        ("nothing", lambda: None),
        ("a narrative", lambda: pm4.write_text(
            pm4.read_text(encoding="utf-8") + "\nThe relay was slow that week.\n",
            encoding="utf-8")),
        ("a record's title", lambda: edit(pm1, "title: ", "title: Renamed ")),
        ("an image, its postmortem untouched",
         lambda: (pm4.parent / "queue.png").write_bytes(PNG + b"two")),
        ("the catalog", lambda: edit(project / "postmortems/catalog.yml", "name: ",
                                     "name: Renamed ")),
        ("a hand-written page in place of a packaged one",
         lambda: (project / "docs/index.md").write_text("# Home\n\nOur postmortems.\n",
                                                        encoding="utf-8")),
        ("a hand-written page", lambda: edit(project / "docs/index.md", "Our", "All our")),
        ("the navigation", lambda: edit(project / "mkdocs.yml", "  - Tags: tags.md",
                                        "  - All the tags: tags.md")),
    ]
    builds["serve"]("")
    reused = {}
    for name, change in edits:
        change()
        plugin = builds["serve"]("")
        reused[name] = len(plugin.kept.reused)
        builds["fresh"]("")
        assert_same_site(tmp_path / "served", tmp_path / "fresh", name)
    pages = len(plugin.kept.now)
    assert reused["nothing"] == pages
    assert pages - 4 <= reused["a narrative"] < pages
    assert reused["the navigation"] == 0
